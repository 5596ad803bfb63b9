# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""dns_record with the HTTP layer faked: exactly which requests each provider gets."""
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import dns, dns_record
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError

from .dns_script import http_script  # noqa: F401  pylint: disable=unused-import
from .dns_record_shared import NC_KEY, RECORDS, TOKEN, ZID, ZONES, cf_record, envelope, listing, run


def cf_error(code, message, status=400):
    return ApiError("Cloudflare: %s (%s)" % (message, code), provider="Cloudflare", status=status, code=code)


def cf_args(**kw):
    args = {"provider": "cloudflare", "zone": "prela.app", "name": "api", "type": "CNAME",
            "values": ["abc.up.railway.app"]}
    args.update(kw)
    return args


def test_cloudflare_create_sends_one_post_dns_only_and_marked(http_script):
    script = http_script(ZONES, listing(), ("POST", RECORDS, lambda s: envelope(dict(s.json, id="rec1"))),
                         listing(cf_record()))
    result = run(dns_record, **cf_args())
    script.done()
    assert result["changed"] is True
    zone_get, read = script.sent[0], script.sent[1]
    assert zone_get.params == [("name", "prela.app"), ("per_page", "50")]
    assert read.param("name.exact") == "api.prela.app"
    assert script.sent[2].json == dict(type="CNAME", name="api.prela.app", ttl=1, proxied=False, comment=dns.MARKER,
                                       content="abc.up.railway.app")
    assert result["record"] == dict(name="api.prela.app", type="CNAME", values=["abc.up.railway.app"], ttl="auto",
                                    proxied=False)
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == {"api.prela.app CNAME": dict(values=["abc.up.railway.app"], ttl="auto",
                                                                   proxied=False)}
    assert result["api_requests"] == 4


def test_cloudflare_second_run_only_reads(http_script):
    script = http_script(ZONES, listing(cf_record(content="ABC.up.railway.app.")))
    result = run(dns_record, **cf_args(name="api.prela.app."))
    script.done()
    assert result["changed"] is False and script.writes == [] and result["changes"] == []
    assert result["api_requests"] == 2


def test_cloudflare_check_mode_sends_no_write(http_script):
    script = http_script(ZONES, listing())
    result = run(dns_record, check_mode=True, **cf_args())
    script.done()
    assert result["changed"] is True and script.writes == []
    assert result["record"]["values"] == ["abc.up.railway.app"]


def test_cloudflare_txt_is_sent_quoted_and_compared_unquoted(http_script):
    txt = cf_record(content='"railway-verify=abc"', rtype="TXT", name="_railway-verify.api.prela.app")
    script = http_script(ZONES, listing(txt))
    result = run(dns_record, **cf_args(name="_railway-verify.api", type="TXT", values=["railway-verify=abc"]))
    script.done()
    assert result["changed"] is False
    script = http_script(ZONES, listing(), ("POST", RECORDS, lambda s: envelope(dict(s.json, id="t"))), listing(txt))
    run(dns_record, **cf_args(name="_railway-verify.api", type="TXT", values=["railway-verify=abc"]))
    assert script.sent[2].json["content"] == '"railway-verify=abc"'


def test_cloudflare_ttl_change_patches_in_place(http_script):
    script = http_script(ZONES, listing(cf_record()), ("PATCH", RECORDS + "/rec1", envelope({})),
                         listing(cf_record(ttl=300)))
    result = run(dns_record, **cf_args(ttl=300))
    script.done()
    assert result["changed"] is True and script.sent[2].json["ttl"] == 300 and script.sent[2].safe is True
    assert result["diff"]["before"]["api.prela.app CNAME"]["ttl"] == "auto"
    assert result["diff"]["after"]["api.prela.app CNAME"]["ttl"] == 300


def test_cloudflare_foreign_record_fails_naming_it_and_writes_nothing(http_script):
    script = http_script(ZONES, listing(cf_record(content="old.example.net", comment=None)))
    result = run(dns_record, **cf_args())
    script.done()
    assert result["failed"] is True and script.writes == []
    assert result["msg"].startswith("values: api.prela.app CNAME old.example.net is a record this collection did not")


def test_cloudflare_force_replaces_a_blocker_in_one_batch(http_script):
    a_record = cf_record(content="192.0.2.1", rtype="A", rid="a1", comment=None)
    script = http_script(ZONES, listing(a_record), ("POST", RECORDS + "/batch", envelope({})), listing(cf_record()))
    result = run(dns_record, **cf_args(force=True))
    script.done()
    body = script.sent[2].json
    post = dict(type="CNAME", name="api.prela.app", ttl=1, proxied=False, comment=dns.MARKER,
                content="abc.up.railway.app")
    assert body == dict(deletes=[dict(id="a1")], posts=[post])
    assert result["changed"] is True
    assert [c["action"] for c in result["changes"]] == ["delete", "create"]


def test_cloudflare_blocker_without_force_fails_before_any_write(http_script):
    script = http_script(ZONES, listing(cf_record(content="192.0.2.1", rtype="A", rid="a1", comment=None)))
    result = run(dns_record, **cf_args())
    assert result["failed"] is True and script.writes == []
    assert result["msg"].startswith("name: api.prela.app already has an A record (192.0.2.1)")


def test_cloudflare_lost_create_is_found_again_not_repeated(http_script):
    lost = ApiError("the connection closed", provider="Cloudflare", lost_response=True)
    script = http_script(ZONES, listing(), ("POST", RECORDS, lost), ZONES, listing(cf_record()), listing(cf_record()))
    result = run(dns_record, **cf_args())
    script.done()
    assert result["changed"] is True
    assert [s.method for s in script.writes] == ["POST"]


def test_cloudflare_lost_create_that_never_landed_is_sent_once_more(http_script):
    lost = ApiError("the connection closed", provider="Cloudflare", lost_response=True)
    script = http_script(ZONES, listing(), ("POST", RECORDS, lost), ZONES, listing(),
                         ("POST", RECORDS, envelope({})), listing(cf_record()))
    result = run(dns_record, **cf_args())
    script.done()
    assert result["changed"] is True and [s.method for s in script.writes] == ["POST", "POST"]


def test_cloudflare_delete_of_an_already_gone_record_is_fine(http_script):
    script = http_script(ZONES, listing(cf_record()),
                         ("DELETE", RECORDS + "/rec1", cf_error(81044, "Record does not exist.", 404)), listing())
    result = run(dns_record, **cf_args(state="absent", values=None))
    script.done()
    assert result["changed"] is True and result["record"]["values"] == []


def test_cloudflare_provider_error_keeps_its_message_and_hides_the_token(http_script):
    http_script(ZONES, listing(), ("POST", RECORDS, cf_error(81053, "An A, AAAA, or CNAME record with that host "
                                                             "already exists. token %s" % TOKEN)))
    result = run(dns_record, **cf_args())
    assert result["failed"] is True and "81053" in result["msg"]
    assert TOKEN not in repr(result)


def test_unknown_zone_is_a_clear_error(http_script):
    http_script(("GET", "zones", envelope([])))
    result = run(dns_record, **cf_args(zone="nope.example"))
    assert result["failed"] is True and result["msg"].startswith("zone: no Cloudflare zone called nope.example")


def test_zone_lookup_pages_when_the_name_filter_is_ignored(http_script):
    other = [dict(id="z%d" % i, name="other%d.example" % i) for i in range(3)]
    script = http_script(("GET", "zones", envelope(other, total_pages=2)),
                         ("GET", "zones", envelope(other, total_pages=2)),
                         ("GET", "zones", envelope([dict(id=ZID, name="prela.app")], page=2, total_pages=2)),
                         listing(cf_record()))
    result = run(dns_record, **cf_args())
    script.done()
    assert result["changed"] is False
    assert script.sent[2].param("page") == "2"


@pytest.mark.parametrize("args, start", [
    (dict(values=["not a host!"]), "values:"),
    (dict(ttl="soon"), "ttl:"),
    (dict(name="x.elsewhere.org."), "name:"),
    (dict(zone="bad zone"), "zone:"),
    (dict(type="TXT", proxied=True, values=["x"]), "proxied:"),
    (dict(cloudflare_api_token=None), "cloudflare_api_token:"),
])
def test_bad_input_fails_before_any_request(http_script, args, start):
    script = http_script()
    result = run(dns_record, **cf_args(**args))
    assert result["failed"] is True and result["msg"].startswith(start), result["msg"]
    assert script.sent == []


def hosts_xml(*hosts, email="MX", ours="true"):
    rows = "".join('<host HostId="%d" Name="%s" Type="%s" Address="%s" MXPref="%s" TTL="%s" IsActive="true" />'
                   % ((i + 1,) + h) for i, h in enumerate(hosts))
    return ('<?xml version="1.0" encoding="utf-8"?><ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response">'
            '<Errors /><CommandResponse Type="namecheap.domains.dns.getHosts"><DomainDNSGetHostsResult Domain="prela.app" '
            'EmailType="%s" IsUsingOurDNS="%s">%s</DomainDNSGetHostsResult></CommandResponse></ApiResponse>'
            % (email, ours, rows))


SET_OK = ('<ApiResponse Status="OK" xmlns="http://api.namecheap.com/xml.response"><Errors /><CommandResponse>'
          '<DomainDNSSetHostsResult Domain="prela.app" IsSuccess="true" /></CommandResponse></ApiResponse>')

OTHERS = (("@", "A", "192.0.2.10", "10", "1800"), ("@", "MX", "mx1.mailhost.example.", "10", "1800"))

API = ("api", "CNAME", "abc.up.railway.app.", "10", "1799")


def nc(answer):
    return ("POST", "", answer)


def nc_args(**kw):
    args = {"provider": "namecheap", "zone": "prela.app", "name": "api", "type": "CNAME",
            "values": ["abc.up.railway.app"]}
    args.update(kw)
    return args


def test_namecheap_writes_back_every_other_host_and_email_type_then_verifies(http_script):
    script = http_script(nc(hosts_xml(*OTHERS)), nc(SET_OK), nc(hosts_xml(*(OTHERS + (API,)))))
    result = run(dns_record, **nc_args())
    script.done()
    get, put, verify = script.sent
    assert get.form_value("Command") == "namecheap.domains.dns.getHosts" and get.safe is True
    assert (get.form_value("SLD"), get.form_value("TLD"), get.form_value("ClientIp")) == ("prela", "app", "192.0.2.7")
    form = dict(put.form)
    assert form["Command"] == "namecheap.domains.dns.setHosts" and put.safe is False
    assert form["EmailType"] == "MX"
    written = [(form["HostName%d" % n], form["RecordType%d" % n], form["Address%d" % n], form["TTL%d" % n])
               for n in (1, 2, 3)]
    assert written == [("@", "A", "192.0.2.10", "1800"), ("@", "MX", "mx1.mailhost.example.", "1800"),
                       ("api", "CNAME", "abc.up.railway.app.", "1799")]
    assert "HostName4" not in form
    assert verify.form_value("Command") == "namecheap.domains.dns.getHosts"
    assert result["changed"] is True and result["api_requests"] == 3
    assert NC_KEY not in repr(result)


def test_namecheap_no_op_is_one_read(http_script):
    script = http_script(nc(hosts_xml(*(OTHERS + (API,)))))
    result = run(dns_record, **nc_args())
    script.done()
    assert result["changed"] is False and result["api_requests"] == 1


def test_namecheap_refuses_a_domain_not_on_its_dns(http_script):
    script = http_script(nc(hosts_xml(ours="false")))
    result = run(dns_record, **nc_args())
    assert result["failed"] is True and result["msg"].startswith("zone: prela.app does not use Namecheap's DNS")
    assert len(script.sent) == 1


def test_namecheap_fails_when_something_else_changed_during_the_write(http_script):
    changed = (("@", "A", "203.0.113.5", "10", "1800"), OTHERS[1], API)
    http_script(nc(hosts_xml(*OTHERS)), nc(SET_OK), nc(hosts_xml(*changed)))
    result = run(dns_record, **nc_args())
    assert result["failed"] is True
    assert "missing prela.app A 192.0.2.10" in result["msg"] and "203.0.113.5" in result["msg"]


def test_namecheap_error_answers_are_errors(http_script):
    error = ('<ApiResponse Status="ERROR" xmlns="http://api.namecheap.com/xml.response"><Errors>'
             '<Error Number="1011150">Invalid request IP: 192.0.2.7</Error></Errors></ApiResponse>')
    http_script(nc(error))
    result = run(dns_record, **nc_args())
    assert result["failed"] is True and "1011150" in result["msg"] and result["code"] == "1011150"


def test_namecheap_refuses_mx_without_custom_mail(http_script):
    script = http_script(nc(hosts_xml(("@", "A", "192.0.2.10", "10", "1800"), email="FWD")))
    result = run(dns_record, **nc_args(name="@", type="MX", values=["10 mx.example.com"]))
    assert result["failed"] is True and result["msg"].startswith("type: Namecheap keeps MX records only")
    assert len(script.sent) == 1


def test_namecheap_credentials_are_checked_before_any_request(http_script):
    script = http_script()
    assert run(dns_record, **nc_args(namecheap_client_ip=None))["msg"].startswith("namecheap_client_ip: required")
    assert run(dns_record, **nc_args(namecheap_client_ip="::1"))["msg"].startswith("namecheap_client_ip: '::1'")
    assert script.sent == []


@pytest.fixture
def route53(monkeypatch):
    pytest.importorskip("boto3")
    from botocore.stub import Stubber
    from ansible_collections.railstack.platform.plugins.module_utils.route53 import Route53Client

    holder = {}

    def make(params):
        client = Route53Client(params)
        holder["stub"] = Stubber(client.api)
        holder["setup"](holder["stub"])
        holder["stub"].activate()
        return client
    monkeypatch.setattr(dns, "make_client", make)

    def install(setup):
        holder["setup"] = setup
        return holder
    return install


def r53_zone(stub):
    stub.add_response("list_hosted_zones_by_name", dict(HostedZones=[dict(
        Id="/hostedzone/Z1", Name="prela.app.", CallerReference="x")], IsTruncated=False, MaxItems="100"),
        dict(DNSName="prela.app", MaxItems="100"))


def r53_list(stub, *rrsets):
    stub.add_response("list_resource_record_sets", dict(ResourceRecordSets=list(rrsets) + [dict(
        Name="www.prela.app.", Type="A", TTL=300, ResourceRecords=[dict(Value="192.0.2.9")])],
        IsTruncated=False, MaxItems="100"), dict(HostedZoneId="Z1", StartRecordName="api.prela.app.", MaxItems="100"))


CNAME = dict(Name="api.prela.app.", Type="CNAME", TTL=300, ResourceRecords=[dict(Value="abc.up.railway.app")])


def test_route53_create_is_one_change_batch(route53):
    a_record = dict(Name="api.prela.app.", Type="A", TTL=60, ResourceRecords=[dict(Value="192.0.2.1")])

    def setup(stub):
        r53_zone(stub)
        r53_list(stub, a_record)
        change = dict(ChangeInfo=dict(Id="/change/1", Status="PENDING", SubmittedAt="2026-01-01T00:00:00Z"))
        stub.add_response("change_resource_record_sets", change,
                          dict(HostedZoneId="Z1", ChangeBatch=dict(Comment="railstack.platform", Changes=[
                              dict(Action="DELETE", ResourceRecordSet=a_record),
                              dict(Action="CREATE", ResourceRecordSet=CNAME)])))
        r53_list(stub, CNAME)
    holder = route53(setup)
    result = run(dns_record, provider="route53", zone="prela.app", name="api", type="CNAME",
                 values=["abc.up.railway.app"], force=True)
    holder["stub"].assert_no_pending_responses()
    assert result["changed"] is True and result["record"]["ttl"] == 300
    assert "r53-secret-0123456789" not in repr(result)


def test_route53_no_op_reads_only(route53):
    def setup(stub):
        r53_zone(stub)
        r53_list(stub, CNAME)
    holder = route53(setup)
    result = run(dns_record, provider="route53", zone="prela.app", name="api", type="CNAME",
                 values=["abc.up.railway.app."])
    holder["stub"].assert_no_pending_responses()   # exactly two reads, no change batch
    assert result["changed"] is False


def test_route53_change_of_a_value_it_cannot_tell_is_ours_needs_force(route53):
    def setup(stub):
        r53_zone(stub)
        r53_list(stub, CNAME)
    route53(setup)
    result = run(dns_record, provider="route53", zone="prela.app", name="api", type="CNAME", values=["new.up.railway.app"])
    assert result["failed"] is True and result["msg"].startswith("values: api.prela.app CNAME abc.up.railway.app")


def test_route53_errors_keep_the_aws_code(route53):
    def setup(stub):
        r53_zone(stub)
        r53_list(stub)
        stub.add_client_error("change_resource_record_sets", service_error_code="InvalidChangeBatch",
                              service_message="RRSet of type CNAME conflicts", http_status_code=400)
        r53_zone(stub)
        r53_list(stub)
    route53(setup)
    result = run(dns_record, provider="route53", zone="prela.app", name="api", type="CNAME", values=["abc.up.railway.app"])
    assert result["failed"] is True and result["code"] == "InvalidChangeBatch" and "conflicts" in result["msg"]
