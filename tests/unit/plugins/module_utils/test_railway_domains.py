# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import railway_domain_plans, railway_domains
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

TOKEN = "rw-account-token-0123456789"
WS = "11111111-1111-4111-8111-111111111111"
PID = "22222222-2222-4222-8222-222222222222"
ENV = "aaaaaaaa-0000-4000-8000-000000000001"
CREDS = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True, timeout=5)
CF = dict(provider="cloudflare", zone="prela.app")


def sid(name):
    return "svc-%s" % name


def params(services, **overrides):
    values = dict(CREDS, project=PID, workspace_id=None, environment="production", wait="none", wait_timeout=30,
                  wait_interval=1.0, certificate_retries=2, services=services)
    values.update(overrides)
    return values


def item(name, service_domain=None, target_port=None, domains=()):
    return dict(name=name, state="present", service_domain=service_domain, target_port=target_port, domains=[
        dict(dict(target_port=None, dns=CF, wait=True), **entry) for entry in domains])


def project(*names):
    return dict(project=dict(id=PID, name="prela", workspaceId=WS,
                             environments=dict(edges=[dict(node=dict(id=ENV, name="production"))]),
                             services=dict(edges=[dict(node=dict(id=sid(n), name=n)) for n in names])))


def custom(domain, service, port=None, verified=False, cert="CERTIFICATE_STATUS_TYPE_VALIDATING_OWNERSHIP", retryable=None):
    return dict(id="cd-" + domain, domain=domain, targetPort=port, environmentId=ENV, serviceId=sid(service),
                syncStatus="ACTIVE", status=dict(
                    dnsRecords=[dict(hostlabel=domain.split(".")[0], fqdn=domain, zone="prela.app",
                                     recordType="DNS_RECORD_TYPE_CNAME", requiredValue="%s.up.railway.app" % service,
                                     currentValue="%s.up.railway.app" % service if verified else "",
                                     status="DNS_RECORD_STATUS_PROPAGATED" if verified else "DNS_RECORD_STATUS_REQUIRES_UPDATE",
                                     purpose="DNS_RECORD_PURPOSE_TRAFFIC_ROUTE")],
                    verificationDnsHost="_railway-verify." + domain, verificationToken="railway-verify=" + service,
                    verified=verified, certificateStatus=cert, certificateRetryable=retryable,
                    certificateErrorType="ORDER" if retryable is not None else None,
                    certificateErrorMessage="order failed" if retryable is not None else None))


def service_domain(service, domain=None, port=None):
    return dict(id="sd-" + service, domain=domain or "%s-production.up.railway.app" % service, suffix="up.railway.app",
                targetPort=port, environmentId=ENV, serviceId=sid(service), syncStatus="ACTIVE")


def environment(instances, has_next=False):
    """instances: {service name: (service domains, custom domains)}."""
    return dict(environment=dict(serviceInstances=dict(
        edges=[dict(node=dict(serviceId=sid(name), domains=dict(serviceDomains=list(sds), customDomains=list(cds))))
               for name, (sds, cds) in instances.items()],
        pageInfo=dict(hasNextPage=has_next, endCursor="c1" if has_next else None))))


def run(p, check_mode=False):
    return execute(railway_domains, TaskContext(p, check_mode=check_mode, diff=True, no_log_values={TOKEN}))


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    clock = dict(now=0.0)
    monkeypatch.setattr(railway_domain_plans, "CLOCK", lambda: clock["now"])
    monkeypatch.setattr(railway_domain_plans, "SLEEP", lambda seconds: clock.__setitem__("now", clock["now"] + seconds))
    return clock


def test_empty_list_sends_no_request(railway_script):
    script = railway_script()
    result = run(params([]))
    script.done()
    assert result == dict(changed=False, services=[], dns=[], manual_records=[])


def test_first_run_creates_every_domain_and_groups_records_per_zone(railway_script):
    script = railway_script(
        ("project", project("api", "web")),
        ("environmentDomains", environment({})),
        ("serviceDomainCreate", lambda v: dict(serviceDomainCreate=service_domain("api", port=v["input"]["targetPort"]))),
        ("customDomainCreate", lambda v: dict(customDomainCreate=custom("api.prela.app", "api", v["input"]["targetPort"]))),
        ("customDomainCreate", lambda v: dict(customDomainCreate=custom("prela.app", "web"))),
        ("customDomainCreate", lambda v: dict(customDomainCreate=custom("www.other.dev", "web"))),
    )
    result = run(params([item("api", True, 8080, [dict(domain="API.prela.app.")]),
                         item("web", None, None, [dict(domain="prela.app", dns=dict(provider="cloudflare", zone="Prela.app.")),
                                                  dict(domain="www.other.dev", dns=dict(provider="manual"))])]))
    script.done()
    assert result["changed"] is True
    assert script.sent[3][2]["input"] == dict(
        projectId=PID, environmentId=ENV, serviceId=sid("api"), domain="api.prela.app", targetPort=8080)
    api, web = result["services"]
    assert api["service_domain"]["domain"] == "api-production.up.railway.app"
    assert api["public_url"] == "https://api.prela.app" and web["public_url"] == "https://prela.app"
    assert web["service_domain"] is None
    assert [r["name"] for r in api["custom_domains"][0]["dns_records"]] == ["api.prela.app", "_railway-verify.api.prela.app"]
    assert [(z["provider"], z["zone"], len(z["records"])) for z in result["dns"]] == [("cloudflare", "prela.app", 4)]
    assert [m["domain"] for m in result["manual_records"]] == ["www.other.dev"]
    assert [h["before_header"] for h in result["diff"]] == ["environment production, domains of service api",
                                                            "environment production, domains of service web"]


def test_second_run_reads_twice_and_writes_nothing(railway_script):
    names = ["s%d" % i for i in range(10)]
    valid = "CERTIFICATE_STATUS_TYPE_VALID"
    state = {n: ([service_domain(n, port=8080)], [custom("%s.prela.app" % n, n, 8080, verified=True, cert=valid)])
             for n in names}
    script = railway_script(("project", project(*names)), ("environmentDomains", environment(state)))
    result = run(params([item(n, True, 8080, [dict(domain="%s.prela.app" % n)]) for n in names], wait="verified"))
    script.done()
    assert result["changed"] is False and script.mutations == []
    assert result["api_requests"] == 2
    assert "diff" not in result or result["diff"] == []
    assert len(result["dns"][0]["records"]) == 20


def test_pages_of_service_instances_are_all_read(railway_script):
    first, second = environment({"api": ([service_domain("api")], [])}, has_next=True), environment({"web": ([], [])})
    script = railway_script(("project", project("api", "web")), ("environmentDomains", first),
                            ("environmentDomains", second))
    result = run(params([item("api", True), item("web", None)]))
    script.done()
    assert result["changed"] is False
    assert script.sent[2][2]["after"] == "c1"


def by_ids(names, instances, project_id=PID, has_next=False):
    """The answer to projectDomains: the project and the environment with its first page of domains."""
    found = environment(instances, has_next)["environment"]
    return dict(
        project=dict(project(*names)["project"], id=project_id),
        environment=dict(found, id=ENV, name="production", projectId=PID))


def test_given_both_ids_the_project_and_the_domains_are_read_in_one_query(railway_script):
    state = {"api": ([service_domain("api", port=8080)], [])}
    script = railway_script(("projectDomains", by_ids(["api"], state)))
    result = run(params([item("api", True, 8080)], environment=ENV))
    script.done()
    assert result["changed"] is False and result["api_requests"] == 1
    assert script.sent[0][2] == dict(projectId=PID, environmentId=ENV, first=100, after=None)
    assert result["services"][0]["service_domain"]["domain"] == "api-production.up.railway.app"


def test_given_both_ids_further_pages_of_domains_are_read(railway_script):
    second = environment({"web": ([], [])})
    script = railway_script(("projectDomains", by_ids(["api", "web"], {"api": ([service_domain("api")], [])}, has_next=True)),
                            ("environmentDomains", second))
    result = run(params([item("api", True), item("web", None)], environment=ENV))
    script.done()
    assert result["changed"] is False
    assert script.sent[1][2]["after"] == "c1"


def test_given_both_ids_an_environment_of_another_project_fails(railway_script):
    other = "33333333-3333-4333-8333-333333333333"
    script = railway_script(("projectDomains", by_ids(["api"], {}, project_id=other)))
    result = run(params([item("api", True)], project=other, environment=ENV))
    assert result["failed"] is True
    assert result["msg"].startswith("environment: %s is not an environment of project prela" % ENV)
    assert script.mutations == []


def test_service_domain_false_removes_it_and_a_name_renames(railway_script):
    script = railway_script(
        ("project", project("api", "web")),
        ("environmentDomains", environment({"api": ([service_domain("api")], []), "web": ([service_domain("web")], [])})),
        ("serviceDomainDelete", dict(serviceDomainDelete=True)),
        ("serviceDomainAvailable", dict(serviceDomainAvailable=dict(available=True, message=None))),
        ("serviceDomainUpdate", dict(serviceDomainUpdate=True)),
    )
    result = run(params([item("api", False), item("web", "prela-web", 3000)]))
    script.done()
    assert script.mutations == ["serviceDomainDelete", "serviceDomainUpdate"]
    assert script.sent[2][2] == dict(id="sd-api")
    assert script.sent[4][2]["input"]["domain"] == "prela-web.up.railway.app"
    api, web = result["services"]
    assert api["service_domain"] is None and api["public_url"] is None
    assert web["public_url"] == "https://prela-web.up.railway.app"


def test_check_mode_writes_nothing_and_plans_a_missing_service(railway_script):
    script = railway_script(("project", project("api")), ("environmentDomains", environment({"api": ([], [])})))
    result = run(params([item("api", True, None, [dict(domain="api.prela.app")]),
                         item("new", True, None, [dict(domain="new.prela.app")])]), check_mode=True)
    script.done()
    assert result["changed"] is True and script.mutations == []
    assert result["dns"] == []
    assert result["services"][1]["custom_domains"][0]["domain"] == "new.prela.app"
    assert any("'new' does not exist yet" in w for w in result["warnings"])


def test_missing_service_fails_naming_it(railway_script):
    railway_script(("project", project("api")), ("environmentDomains", environment({})))
    result = run(params([item("api"), item("wrokers")]))
    assert result["failed"] is True
    assert result["msg"].startswith("services[1] (wrokers).name: project 'prela' has no service 'wrokers'")


@pytest.mark.parametrize("services, message", [
    ([item("api", None, None, [dict(domain="https://api.prela.app")])], "services[0] (api).domains[0].domain:"),
    ([item("api", None, None, [dict(domain="x.up.railway.app")])], "is a Railway domain"),
    ([item("api", None, None, [dict(domain="api.prela.app", dns=dict(provider="cloudflare", zone="other.dev"))])],
     "services[0] (api).domains[0].dns.zone: api.prela.app is not in zone other.dev."),
    ([item("api", None, None, [dict(domain="api.prela.app", dns=dict(provider="cloudflare"))])],
     "services[0] (api).domains[0].dns.zone:"),
    ([item("api", None, None, [dict(domain="a.prela.app")]), item("web", None, None, [dict(domain="a.prela.app")])],
     "services[1] (web).domains[0].domain: a.prela.app is also a domain of api"),
    ([item("api", "bad_name")], "services[0] (api).service_domain: a Railway domain is"),
    ([item("api", 12)], "services[0] (api).service_domain: give true, false, a name or null"),
    ([item("api", None, 70000)], "services[0] (api).target_port: 70000 is not a port"),
])
def test_wrong_items_fail_before_any_request(railway_script, services, message):
    script = railway_script()
    result = run(params(services))
    assert result["failed"] is True and message in result["msg"]
    assert script.sent == []


def test_wait_verified_polls_all_domains_with_one_read_each_time(railway_script, no_sleep):
    pending = {"api": ([], [custom("api.prela.app", "api")]), "web": ([], [custom("web.prela.app", "web")])}
    half = {"api": ([], [custom("api.prela.app", "api", verified=True, cert="CERTIFICATE_STATUS_TYPE_VALID")]),
            "web": ([], [custom("web.prela.app", "web", verified=True, cert="CERTIFICATE_STATUS_TYPE_ISSUING")])}
    done = {"api": half["api"],
            "web": ([], [custom("web.prela.app", "web", verified=True, cert="CERTIFICATE_STATUS_TYPE_VALID")])}
    script = railway_script(("project", project("api", "web")), ("environmentDomains", environment(pending)),
                            ("environmentDomains", environment(half)), ("environmentDomains", environment(done)))
    result = run(params([item("api", None, None, [dict(domain="api.prela.app")]),
                         item("web", None, None, [dict(domain="web.prela.app")])], wait="verified", wait_interval=2.0))
    script.done()
    assert result["changed"] is False
    assert [s["custom_domains"][0]["certificate_status"] for s in result["services"]] == [
        "CERTIFICATE_STATUS_TYPE_VALID"] * 2
    assert no_sleep["now"] == 4.0


def test_wait_skips_domains_that_say_no_wait_and_times_out_naming_every_one(railway_script):
    pending = {"api": ([], [custom("api.prela.app", "api"), custom("b.prela.app", "api"), custom("c.prela.app", "api")])}
    railway_script(("project", project("api")), *[("environmentDomains", environment(pending))] * 5)
    result = run(params([item("api", None, None, [dict(domain="api.prela.app"), dict(domain="b.prela.app"),
                                                  dict(domain="c.prela.app", wait=False)])],
                        wait="verified", wait_timeout=4, wait_interval=2.0))
    assert result["failed"] is True
    assert result["msg"].startswith("wait_timeout: not verified with a valid certificate after 4s: api.prela.app")
    assert "b.prela.app" in result["msg"] and "c.prela.app" not in result["msg"]
    assert "CNAME api.prela.app" in result["msg"]


def test_wait_retries_a_failed_certificate_per_domain(railway_script):
    failed = {"api": ([], [custom("api.prela.app", "api", verified=True, cert="CERTIFICATE_STATUS_TYPE_ISSUE_FAILED",
                                  retryable=True)])}
    valid = {"api": ([], [custom("api.prela.app", "api", verified=True, cert="CERTIFICATE_STATUS_TYPE_VALID")])}
    script = railway_script(("project", project("api")), ("environmentDomains", environment(failed)),
                            ("customDomainIssueCertificate", dict(customDomainIssueCertificate=True)),
                            ("environmentDomains", environment(valid)))
    result = run(params([item("api", None, None, [dict(domain="api.prela.app")])], wait="verified"))
    script.done()
    assert result["changed"] is True
    assert any("asked it to retry (1 of 2)" in w for w in result["warnings"])


def test_wait_not_in_check_mode(railway_script):
    pending = {"api": ([], [custom("api.prela.app", "api")])}
    script = railway_script(("project", project("api")), ("environmentDomains", environment(pending)))
    result = run(params([item("api", None, None, [dict(domain="api.prela.app")])], wait="verified"), check_mode=True)
    script.done()
    assert result["changed"] is False


def test_a_plan_record_is_taken_whole_and_an_absent_service_is_skipped(railway_script):
    record = dict(item("api", True, 8080), role="web", source=dict(image="nginx:1"), variables=dict(TOKEN="s3cret"),
                  volume=None, health_check=dict(path="/"), wait=True, wait_timeout=600, rollback_on_failure=False,
                  public_address="api-production.up.railway.app", state="present")
    gone = dict(item("old", True, None, [dict(domain="old.prela.app")]), state="absent")
    script = railway_script(("project", project("api")),
                            ("environmentDomains", environment({"api": ([service_domain("api", port=8080)], [])})))
    result = run(params([record, gone]))
    script.done()
    assert result["changed"] is False and script.mutations == []
    assert result["services"][1] == dict(name="old", service_domain=None, custom_domains=[], public_url=None)
    assert "s3cret" not in repr(result)


def test_a_lost_create_is_found_again_with_one_read_of_the_environment(railway_script):
    made = custom("api.prela.app", "api")
    script = railway_script(("project", project("api")), ("environmentDomains", environment({})),
                            ("customDomainCreate", ApiError("lost", provider="Railway", lost_response=True)),
                            ("environmentDomains", environment({"api": ([], [made])})))
    result = run(params([item("api", None, None, [dict(domain="api.prela.app")])]))
    script.done()
    assert result["changed"] is True and script.mutations == ["customDomainCreate"]
    assert result["services"][0]["custom_domains"][0]["id"] == "cd-api.prela.app"


def test_check_mode_service_domain_false_writes_nothing(railway_script):
    script = railway_script(("project", project("api")),
                            ("environmentDomains", environment({"api": ([service_domain("api")], [])})))
    result = run(params([item("api", False)]), check_mode=True)
    script.done()
    assert result["changed"] is True and script.mutations == []
    assert result["diff"][0]["before"]["service_domain"]["domain"] == "api-production.up.railway.app"
    assert result["diff"][0]["after"]["service_domain"] == {}


def test_a_taken_railway_domain_fails_naming_the_service(railway_script):
    railway_script(("project", project("api")), ("environmentDomains", environment({})),
                   ("serviceDomainAvailable", dict(serviceDomainAvailable=dict(available=False, message="taken"))))
    result = run(params([item("api", "prela-api")]))
    assert result["failed"] is True
    assert result["msg"] == "services[0] (api).service_domain: prela-api.up.railway.app is not available at Railway: taken"
