"""Namecheap in the sandbox: XML envelope, global parameter checks, getHosts/setHosts rules, hook."""
import xml.etree.ElementTree as ET

import pytest

from railstack_sandbox.cloudflare import resolve
from railstack_sandbox.namecheap import domain_holds_record
from railstack_sandbox.server import SandboxThread

NS = "{http://api.namecheap.com/xml.response}"


def auth(sandbox, **overrides):
    params = {"ApiUser": sandbox.env["NAMECHEAP_API_USER"], "ApiKey": sandbox.env["NAMECHEAP_API_KEY"],
              "UserName": sandbox.env["NAMECHEAP_API_USER"], "ClientIp": sandbox.env["NAMECHEAP_CLIENT_IP"]}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def call(sandbox, command, method="POST", **params):
    data = dict(auth(sandbox, **{k: params.pop(k) for k in list(params) if k in ("ApiUser", "ApiKey", "UserName",
                                                                                     "ClientIp")}),
                Command=command, **params)
    data = {k: v for k, v in data.items() if v is not None}
    url = sandbox.env["NAMECHEAP_API_URL"]
    if method == "GET":
        response = sandbox.session.get(url, params=data, timeout=10)
    else:
        response = sandbox.session.post(url, data=data, timeout=10)
    assert response.status_code == 200, response.text
    return ET.fromstring(response.text)


def failed(root, number):
    assert root.get("Status") == "ERROR"
    error = root.find(f"{NS}Errors/{NS}Error")
    assert error is not None and error.get("Number") == str(number), ET.tostring(root)
    return error.text


def get_hosts(sandbox, domain="prela.dev", method="POST"):
    sld, tld = domain.split(".", 1)
    root = call(sandbox, "namecheap.domains.dns.getHosts", method, SLD=sld, TLD=tld)
    assert root.get("Status") == "OK", ET.tostring(root)
    return root.find(f"{NS}CommandResponse/{NS}DomainDNSGetHostsResult")


def set_hosts(sandbox, hosts, domain="prela.dev", email_type="MX"):
    sld, tld = domain.split(".", 1)
    params = {"SLD": sld, "TLD": tld}
    if email_type:
        params["EmailType"] = email_type
    for n, (name, rtype, address, ttl) in enumerate(hosts, 1):
        params.update({f"HostName{n}": name, f"RecordType{n}": rtype, f"Address{n}": address, f"TTL{n}": ttl,
                       f"MXPref{n}": "10"})
    return call(sandbox, "namecheap.domains.dns.setHosts", **params)


def rows(result):
    return [(h.get("Name"), h.get("Type"), h.get("Address"), h.get("TTL")) for h in result.findall(f"{NS}host")]


@pytest.mark.parametrize("overrides, number", [
    ({"ApiUser": None}, 1010101), ({"ApiKey": None}, 1010102), ({"UserName": None}, 1010103),
    ({"ClientIp": None}, 1010105), ({"ApiKey": "wrong"}, 1011102), ({"ApiUser": "someone"}, 1011102),
    ({"ClientIp": "203.0.113.9"}, 1011150), ({"ClientIp": "::1"}, 1011105),
])
def test_global_parameters_are_checked_with_namecheaps_numbers(sandbox, overrides, number):
    failed(call(sandbox, "namecheap.domains.dns.getHosts", SLD="prela", TLD="dev", **overrides), number)


def test_command_is_required_and_must_exist(sandbox):
    failed(call(sandbox, None, SLD="prela", TLD="dev"), 1010104)
    failed(call(sandbox, "namecheap.domains.dns.nope", SLD="prela", TLD="dev"), 1011104)


def test_other_methods_are_refused(sandbox):
    assert sandbox.session.put(sandbox.env["NAMECHEAP_API_URL"], timeout=10).status_code == 405


def test_get_hosts_lists_the_domain_in_namecheaps_shape(sandbox):
    for method in ("GET", "POST"):
        result = get_hosts(sandbox, method=method)
        assert (result.get("Domain"), result.get("EmailType"), result.get("IsUsingOurDNS")) == ("prela.dev", "MX", "true")
        assert ("@", "MX", "mx1.mailhost.example.", "1800") in rows(result)
        assert all(h.get("HostId") for h in result.findall(f"{NS}host"))


def test_unknown_domain_and_missing_parameters(sandbox):
    failed(call(sandbox, "namecheap.domains.dns.getHosts", SLD="nope", TLD="dev"), 2019166)
    failed(call(sandbox, "namecheap.domains.dns.getHosts", SLD="prela"), 2010324)


def test_set_hosts_replaces_the_whole_list_with_new_host_ids(sandbox):
    before = {h.get("HostId") for h in get_hosts(sandbox).findall(f"{NS}host")}
    root = set_hosts(sandbox, [("@", "MX", "mx1.mailhost.example.", "1800"), ("api", "CNAME", "abc.up.railway.app.", "1799")])
    assert root.get("Status") == "OK"
    assert root.find(f"{NS}CommandResponse/{NS}DomainDNSSetHostsResult").get("IsSuccess") == "true"
    result = get_hosts(sandbox)
    assert rows(result) == [("@", "MX", "mx1.mailhost.example.", "1800"), ("api", "CNAME", "abc.up.railway.app.", "1799")]
    assert not before & {h.get("HostId") for h in result.findall(f"{NS}host")}


def test_set_hosts_without_email_type_drops_mx_records(sandbox):
    set_hosts(sandbox, [("@", "MX", "mx1.mailhost.example.", "1800"), ("@", "A", "192.0.2.1", "1800")], email_type=None)
    result = get_hosts(sandbox)
    assert result.get("EmailType") == "NONE" and rows(result) == [("@", "A", "192.0.2.1", "1800")]


@pytest.mark.parametrize("host, email_type", [
    (("api", "BOGUS", "x", "1800"), "MX"), (("api", "A", "not-an-ip", "1800"), "MX"),
    (("api", "A", "192.0.2.1", "30"), "MX"), (("bad name!", "A", "192.0.2.1", "1800"), "MX"),
    (("api", "A", "192.0.2.1", "1800"), "SOMETHING"),
])
def test_set_hosts_refuses_bad_values_and_changes_nothing(sandbox, host, email_type):
    before = rows(get_hosts(sandbox))
    failed(set_hosts(sandbox, [host], email_type=email_type), 2011280)
    assert rows(get_hosts(sandbox)) == before


def test_set_hosts_needs_every_field_of_a_host(sandbox):
    failed(call(sandbox, "namecheap.domains.dns.setHosts", SLD="prela", TLD="dev", EmailType="MX", HostName1="api",
                RecordType1="A"), 2010324)


def test_a_domain_not_on_namecheap_dns_lists_nothing_and_refuses_writes(sandbox):
    result = get_hosts(sandbox, "prela.app")
    assert result.get("IsUsingOurDNS") == "false" and rows(result) == []
    failed(set_hosts(sandbox, [("api", "A", "192.0.2.1", "1800")], domain="prela.app"), 2030288)


def test_hooks_see_what_set_hosts_wrote():
    import requests
    with SandboxThread() as running:
        store = running.sandbox.store
        creds = running.sandbox.credentials
        data = {"ApiUser": creds.namecheap_user, "ApiKey": creds.namecheap, "UserName": creds.namecheap_user,
                "ClientIp": "127.0.0.1", "Command": "namecheap.domains.dns.setHosts", "SLD": "prela", "TLD": "dev",
                "EmailType": "MX", "HostName1": "_railway-verify.api", "RecordType1": "TXT",
                "Address1": "railway-verify=abc", "TTL1": "1799"}
        assert requests.post(running.url + "/xml.response", data=data, timeout=10).status_code == 200
        assert domain_holds_record(store, "prela.dev", "_railway-verify.api", "TXT", "railway-verify=abc")
        assert not domain_holds_record(store, "prela.dev", "api", "CNAME", "x.example")
        assert resolve(store, "_railway-verify.api.prela.dev", "TXT") == ["railway-verify=abc"]
