# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import railway_domain, railway_domain_plans
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

TOKEN = "rw-account-token-0123456789"
WS = "11111111-1111-4111-8111-111111111111"
PID = "22222222-2222-4222-8222-222222222222"
ENV = "aaaaaaaa-0000-4000-8000-000000000001"
SVC = "bbbbbbbb-0000-4000-8000-000000000001"
CREDS = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True, timeout=5)


def params(**overrides):
    values = dict(CREDS, project=PID, workspace_id=None, environment="production", service="api", domain="api.prela.app",
                  type=None, target_port=None, wait="none", wait_timeout=30, wait_interval=1.0, certificate_retries=2,
                  state="present")
    values.update(overrides)
    return values


def project():
    return dict(project=dict(id=PID, name="prela", workspaceId=WS,
                             environments=dict(edges=[dict(node=dict(id=ENV, name="production"))]),
                             services=dict(edges=[dict(node=dict(id=SVC, name="api"))])))


def custom(domain="api.prela.app", port=None, verified=False, cname_ok=False, cert="CERTIFICATE_STATUS_TYPE_VALIDATING_OWNERSHIP",
           host="_railway-verify.api.prela.app", retryable=None):
    return dict(id="cd-1", domain=domain, targetPort=port, environmentId=ENV, serviceId=SVC, syncStatus="ACTIVE", status=dict(
        dnsRecords=[dict(hostlabel="api", fqdn=domain, zone="prela.app", recordType="DNS_RECORD_TYPE_CNAME",
                         requiredValue="x7k2m9qa.up.railway.app", currentValue="x7k2m9qa.up.railway.app" if cname_ok else "",
                         status="DNS_RECORD_STATUS_PROPAGATED" if cname_ok else "DNS_RECORD_STATUS_REQUIRES_UPDATE",
                         purpose="DNS_RECORD_PURPOSE_TRAFFIC_ROUTE")],
        verificationDnsHost=host, verificationToken="railway-verify=abc123", verified=verified, certificateStatus=cert,
        certificateRetryable=retryable, certificateErrorType="CERTIFICATE_ERROR_TYPE_ORDER_CREATION" if retryable is not None
        else None, certificateErrorMessage="order failed" if retryable is not None else None))


def service_domain(domain="api-production.up.railway.app", port=None, sd_id="sd-1"):
    return dict(id=sd_id, domain=domain, suffix="up.railway.app", targetPort=port, environmentId=ENV, serviceId=SVC,
                syncStatus="ACTIVE")


def domains(service=(), custom_domains=()):
    return dict(domains=dict(serviceDomains=list(service), customDomains=list(custom_domains)))


def run(p, check_mode=False):
    return execute(railway_domain, TaskContext(p, check_mode=check_mode, diff=True, no_log_values={TOKEN}))


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    clock = dict(now=0.0)
    monkeypatch.setattr(railway_domain_plans, "CLOCK", lambda: clock["now"])
    monkeypatch.setattr(railway_domain_plans, "SLEEP", lambda seconds: clock.__setitem__("now", clock["now"] + seconds))
    return clock


EXPECTED_RECORDS = [
    dict(name="api.prela.app", type="CNAME", values=["x7k2m9qa.up.railway.app"], ttl="auto", proxied=False),
    dict(name="_railway-verify.api.prela.app", type="TXT", values=["railway-verify=abc123"], ttl="auto", proxied=False),
]


def test_custom_domain_created_with_its_dns_records(railway_script):
    script = railway_script(
        ("project", project()),
        ("domains", domains()),
        ("customDomainCreate", lambda v: dict(customDomainCreate=custom(port=v["input"]["targetPort"]))),
    )
    result = run(params(target_port=8080))
    script.done()
    assert result["changed"] is True
    assert script.sent[-1][2]["input"] == dict(
        projectId=PID, environmentId=ENV, serviceId=SVC, domain="api.prela.app", targetPort=8080)
    assert result["dns_records"] == EXPECTED_RECORDS
    assert result["domain"]["verified"] is False and result["domain"]["type"] == "custom"
    assert result["diff"] == dict(before={}, after=dict(domain="api.prela.app", target_port=8080))


def test_custom_domain_second_run_reads_only(railway_script):
    script = railway_script(("project", project()), ("domains", domains(custom_domains=[custom(port=8080)])))
    result = run(params(domain="API.prela.app.", target_port=8080))
    script.done()
    assert result["changed"] is False
    assert script.mutations == []
    assert result["api_requests"] == 2
    assert result["dns_records"] == EXPECTED_RECORDS


def test_verification_host_is_the_full_name_railway_gives():
    """Railway gives `_railway-verify.<domain>` complete: it is the TXT record's name as it is, even where the zone
    Railway names is shorter (a name below a sub-zone is not rebuilt from the zone)."""
    deep = custom(domain="api.eu.prela.app", host="_railway-verify.api.eu.prela.app.")
    deep["status"]["dnsRecords"][0].update(hostlabel="api.eu", fqdn="api.eu.prela.app", zone="prela.app")
    assert [(r["type"], r["name"]) for r in railway_domain.dns_records(deep)] == [
        ("CNAME", "api.eu.prela.app"), ("TXT", "_railway-verify.api.eu.prela.app")]
    apex = custom(domain="prela.app", host="_railway-verify.prela.app")
    apex["status"]["dnsRecords"][0].update(hostlabel="", fqdn="prela.app")
    assert [r["name"] for r in railway_domain.dns_records(apex)] == ["prela.app", "_railway-verify.prela.app"]


def test_custom_domain_port_update(railway_script):
    script = railway_script(
        ("project", project()),
        ("domains", domains(custom_domains=[custom(port=3000)])),
        ("customDomainUpdate", dict(customDomainUpdate=True)),
    )
    result = run(params(target_port=8080))
    script.done()
    assert result["changed"] is True
    assert script.sent[-1][2] == dict(environmentId=ENV, id="cd-1", targetPort=8080)
    assert result["domain"]["target_port"] == 8080


def test_check_mode_sends_no_mutation(railway_script):
    script = railway_script(("project", project()), ("domains", domains()))
    result = run(params(), check_mode=True)
    script.done()
    assert result["changed"] is True and script.mutations == []
    assert result["dns_records"] == []
    assert any("check mode" in w for w in result["warnings"])


def test_lost_create_is_found_again(railway_script):
    script = railway_script(
        ("project", project()),
        ("domains", domains()),
        ("customDomainCreate", ApiError("lost", provider="Railway", lost_response=True)),
        ("domains", domains(custom_domains=[custom()])),
    )
    result = run(params())
    script.done()
    assert result["changed"] is True
    assert script.mutations == ["customDomainCreate"]
    assert result["domain"]["id"] == "cd-1"


def test_wait_verified_polls_until_valid(railway_script, no_sleep):
    script = railway_script(
        ("project", project()),
        ("domains", domains(custom_domains=[custom()])),
        ("domains", domains(custom_domains=[custom(verified=True, cert="CERTIFICATE_STATUS_TYPE_ISSUING")])),
        ("domains", domains(custom_domains=[custom(verified=True, cname_ok=True, cert="CERTIFICATE_STATUS_TYPE_VALID")])),
    )
    result = run(params(wait="verified", wait_interval=2.0))
    script.done()
    assert result["changed"] is False
    assert result["domain"]["certificate_status"] == "CERTIFICATE_STATUS_TYPE_VALID"
    assert no_sleep["now"] == 4.0


def test_wait_verified_times_out_naming_missing_records(railway_script):
    railway_script(("project", project()), *[("domains", domains(custom_domains=[custom()]))] * 5)
    result = run(params(wait="verified", wait_timeout=6, wait_interval=2.0))
    assert result["failed"] is True
    assert result["msg"].startswith("wait_timeout:")
    assert "CNAME api.prela.app" in result["msg"] and "TXT _railway-verify.api.prela.app" in result["msg"]
    assert result["dns_records"] == EXPECTED_RECORDS


def test_custom_domain_deleted(railway_script):
    script = railway_script(("project", project()), ("domains", domains(custom_domains=[custom()])),
                            ("customDomainDelete", dict(customDomainDelete=True)))
    result = run(params(state="absent"))
    script.done()
    assert result["changed"] is True and result["dns_records"] == []
    assert script.sent[-1][2] == dict(id="cd-1")


def test_absent_and_missing_is_ok(railway_script):
    script = railway_script(("project", project()), ("domains", domains()))
    result = run(params(state="absent"))
    script.done()
    assert result["changed"] is False and script.mutations == []


def test_generated_service_domain_created_then_kept(railway_script):
    script = railway_script(
        ("project", project()), ("domains", domains()),
        ("serviceDomainCreate", lambda v: dict(serviceDomainCreate=service_domain(port=v["input"].get("targetPort")))),
    )
    result = run(params(domain=None, target_port=8080))
    script.done()
    assert result["changed"] is True
    assert script.sent[-1][2] == dict(input=dict(serviceId=SVC, environmentId=ENV, targetPort=8080))
    assert result["domain"]["domain"] == "api-production.up.railway.app" and result["dns_records"] == []

    script = railway_script(("project", project()), ("domains", domains(service=[service_domain(port=8080)])))
    result = run(params(domain=None, target_port=8080))
    script.done()
    assert result["changed"] is False and script.mutations == []


def test_chosen_service_domain_renames_the_one_there(railway_script):
    script = railway_script(
        ("project", project()), ("domains", domains(service=[service_domain(port=8080)])),
        ("serviceDomainAvailable", dict(serviceDomainAvailable=dict(available=True, message="Domain is available"))),
        ("serviceDomainUpdate", dict(serviceDomainUpdate=True)),
    )
    result = run(params(domain="prela-api"))
    script.done()
    assert result["changed"] is True
    assert script.sent[2][2] == dict(domain="prela-api.up.railway.app")
    assert script.sent[-1][2] == dict(input=dict(serviceDomainId="sd-1", serviceId=SVC, environmentId=ENV,
                                                 domain="prela-api.up.railway.app", targetPort=8080))
    assert result["domain"]["domain"] == "prela-api.up.railway.app"


def test_chosen_service_domain_created_when_none(railway_script):
    script = railway_script(
        ("project", project()), ("domains", domains()),
        ("serviceDomainAvailable", dict(serviceDomainAvailable=dict(available=True, message=""))),
        ("serviceDomainCreate", dict(serviceDomainCreate=service_domain())),
        ("serviceDomainUpdate", dict(serviceDomainUpdate=True)),
    )
    result = run(params(domain="prela-api.up.railway.app"))
    script.done()
    assert script.mutations == ["serviceDomainCreate", "serviceDomainUpdate"]
    assert result["domain"]["domain"] == "prela-api.up.railway.app"


def test_unavailable_service_domain_fails_before_any_write(railway_script):
    script = railway_script(
        ("project", project()), ("domains", domains()),
        ("serviceDomainAvailable", dict(serviceDomainAvailable=dict(available=False, message="Domain is already taken"))),
    )
    result = run(params(domain="taken"))
    script.done()
    assert result["failed"] is True and result["msg"].startswith("domain:")
    assert "already taken" in result["msg"]
    assert script.mutations == []


@pytest.mark.parametrize("overrides, option", [
    (dict(domain="https://api.prela.app/"), "domain:"),
    (dict(domain="not a domain"), "domain:"),
    (dict(domain="x.up.railway.app", type="custom"), "domain:"),
    (dict(domain=None, type="custom"), "domain:"),
    (dict(domain="Bad_Name", type="service"), "domain:"),
    (dict(target_port=70000), "target_port:"),
    (dict(wait_interval=0.0), "wait_interval:"),
])
def test_bad_input_fails_before_any_request(railway_script, overrides, option):
    script = railway_script()
    result = run(params(**overrides))
    assert result["failed"] is True
    assert result["msg"].startswith(option), result["msg"]
    assert script.sent == []


def test_unknown_service_names_the_candidates(railway_script):
    railway_script(("project", project()))
    result = run(params(service="apii"))
    assert result["failed"] is True
    assert result["msg"].startswith("service:") and "api" in result["msg"]


def test_unknown_environment_names_the_candidates(railway_script):
    railway_script(("project", project()))
    result = run(params(environment="prod"))
    assert result["failed"] is True
    assert result["msg"].startswith("environment:") and "production" in result["msg"]


FAILED = "CERTIFICATE_STATUS_TYPE_ISSUE_FAILED"
VALID = "CERTIFICATE_STATUS_TYPE_VALID"


def test_failed_certificate_is_retried_then_valid(railway_script):
    script = railway_script(
        ("project", project()),
        ("domains", domains(custom_domains=[custom(verified=True, cname_ok=True, cert=FAILED, retryable=True)])),
        ("customDomainIssueCertificate", dict(customDomainIssueCertificate=True)),
        ("domains", domains(custom_domains=[custom(verified=True, cname_ok=True, cert=VALID)])),
    )
    result = run(params(wait="verified"))
    script.done()
    assert result.get("failed") is not True, result
    assert result["changed"] is True
    assert script.mutations == ["customDomainIssueCertificate"] and script.sent[-2][2] == dict(id="cd-1")
    assert result["domain"]["certificate_status"] == VALID
    assert any("retry (1 of 2)" in w and "api.prela.app" in w for w in result["warnings"])


def test_certificate_not_retryable_fails_naming_the_domain_without_a_write(railway_script):
    script = railway_script(
        ("project", project()),
        ("domains", domains(custom_domains=[custom(verified=True, cname_ok=True, cert=FAILED, retryable=False)])),
    )
    result = run(params(wait="verified"))
    script.done()
    assert result["failed"] is True and result["msg"].startswith("domain:")
    assert "api.prela.app" in result["msg"] and FAILED in result["msg"] and "cannot be retried" in result["msg"]
    assert "order failed" in result["msg"]
    assert script.mutations == []
    assert result["domain"]["certificate_retryable"] is False


def test_certificate_retries_are_bounded(railway_script):
    failing = ("domains", domains(custom_domains=[custom(verified=True, cname_ok=True, cert=FAILED, retryable=True)]))
    retry = ("customDomainIssueCertificate", dict(customDomainIssueCertificate=True))
    script = railway_script(("project", project()), failing, retry, failing, retry, failing)
    result = run(params(wait="verified", certificate_retries=2))
    script.done()
    assert result["failed"] is True and result["msg"].startswith("certificate_retries:")
    assert "api.prela.app" in result["msg"] and "2 retries" in result["msg"]
    assert script.mutations == ["customDomainIssueCertificate"] * 2
    assert result["changed"] is True


def test_proxied_cname_requiring_update_is_not_an_error_when_the_domain_works(railway_script):
    proxied = custom(verified=True, cert=VALID)
    proxied["status"]["dnsRecords"][0]["currentValue"] = "104.21.48.1"
    script = railway_script(("project", project()), ("domains", domains(custom_domains=[proxied])))
    result = run(params(wait="verified"))
    script.done()
    assert result.get("failed") is not True and result["changed"] is False
    assert script.mutations == []
    assert any("proxied by Cloudflare" in w and "DNS_RECORD_STATUS_REQUIRES_UPDATE" in w for w in result["warnings"])
    assert result["domain"]["required_records"][0]["status"] == "DNS_RECORD_STATUS_REQUIRES_UPDATE"


def test_negative_certificate_retries_fails_before_any_request(railway_script):
    script = railway_script()
    result = run(params(certificate_retries=-1))
    assert result["failed"] is True and result["msg"].startswith("certificate_retries:")
    assert script.sent == []
