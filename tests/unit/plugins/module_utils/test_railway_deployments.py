# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_deployments: several services followed at once, one read per poll for all of them."""
from __future__ import annotations

import threading

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import railway_deployment_waits, railway_deployments
from ansible_collections.railstack.platform.plugins.module_utils._http import HttpResponse
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

TOKEN = "rw-account-token-0123456789"
WS = "11111111-1111-4111-8111-111111111111"
PID = "22222222-2222-4222-8222-222222222222"
ENV = "aaaaaaaa-0000-4000-8000-000000000001"
IDS = dict(api="bbbbbbbb-0000-4000-8000-000000000001", worker="bbbbbbbb-0000-4000-8000-000000000002",
           web="bbbbbbbb-0000-4000-8000-000000000003")
CREDS = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True, timeout=5)


def item(name, **overrides):
    values = dict(name=name, wait_timeout=60, health_check=None, rollback_on_failure=False)
    values.update(overrides)
    return values


def params(*items, **overrides):
    values = dict(CREDS, project=PID, workspace_id=None, environment="production", wait_interval=1.0,
                  services=list(items))
    values.update(overrides)
    return values


def probe(**overrides):
    values = dict(url="http://app.invalid/healthz", status_code=200, body=None, timeout=10, interval=1.0, validate_certs=True)
    values.update(overrides)
    return values


def project():
    return dict(project=dict(id=PID, name="prela", workspaceId=WS,
                             environments=dict(edges=[dict(node=dict(id=ENV, name="production"))]),
                             services=dict(edges=[dict(node=dict(id=i, name=n)) for n, i in IDS.items()])))


def dep(dep_id, service, status="SUCCESS", can_rollback=False, reason="deploy"):
    return dict(id=dep_id, status=status, statusUpdatedAt="2026-11-21T00:00:00.000Z", createdAt="2026-11-21T00:00:00.000Z",
                canRollback=can_rollback, canRedeploy=True, serviceId=IDS[service], environmentId=ENV, staticUrl=None,
                url=None, meta=dict(reason=reason))


def latest(*deployments):
    """One poll: the environment's service instances, each with its latest deployment."""
    return ("latestDeployments", dict(environment=dict(id=ENV, serviceInstances=dict(edges=[
        dict(node=dict(serviceId=d["serviceId"], latestDeployment=d)) for d in deployments]))))


def history(*deployments):
    return ("deployments", dict(deployments=dict(edges=[dict(node=d) for d in deployments])))


def run(p, check_mode=False):
    return execute(railway_deployments, TaskContext(p, check_mode=check_mode, diff=True, no_log_values={TOKEN}))


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    clock = dict(now=0.0)
    lock = threading.Lock()

    def sleep(seconds):
        with lock:
            clock["now"] += seconds

    monkeypatch.setattr(railway_deployment_waits, "CLOCK", lambda: clock["now"])
    monkeypatch.setattr(railway_deployment_waits, "SLEEP", sleep)
    return clock


def test_waits_for_all_with_one_read_per_poll(railway_script):
    script = railway_script(
        ("project", project()),
        latest(dep("a1", "api", "BUILDING"), dep("w1", "worker", "QUEUED"), dep("x1", "web")),
        latest(dep("a1", "api", "DEPLOYING"), dep("w1", "worker", "BUILDING"), dep("x1", "web")),
        latest(dep("a1", "api"), dep("w1", "worker", "SLEEPING"), dep("x1", "web")),
    )
    result = run(params(item("api"), item("worker")))
    script.done()
    assert result.get("failed") is not True, result
    assert result["changed"] is False and script.mutations == []
    assert [(s["name"], s["deployment"]["id"], s["deployment"]["status"], s["outcome"]) for s in result["services"]] == [
        ("api", "a1", "SUCCESS", "succeeded"), ("worker", "w1", "SLEEPING", "succeeded")]
    assert result["services"][0]["rolled_back"] is False and result["services"][0]["health"] is None
    assert result["api_requests"] == 4          # the project, then one read per poll for both


def test_the_requests_of_a_poll_do_not_grow_with_the_services(railway_script):
    many = [item(name) for name in IDS]
    script = railway_script(("project", project()), latest(*[dep("d-" + n, n) for n in IDS]))
    assert run(params(*many))["api_requests"] == 2
    script.done()
    script = railway_script(("project", project()), latest(*[dep("d-" + n, n) for n in IDS]))
    assert run(params(item("api")))["api_requests"] == 2
    script.done()


def test_an_empty_list_sends_no_request(railway_script):
    script = railway_script()
    result = run(params())
    assert result == dict(changed=False, services=[]) and script.sent == []


def test_check_mode_reports_what_it_would_wait_for(railway_script):
    script = railway_script(("project", project()), latest(dep("a1", "api", "BUILDING")))
    result = run(params(item("api", rollback_on_failure=True)), check_mode=True)
    script.done()
    assert result["changed"] is False and script.mutations == []
    assert result["services"][0]["outcome"] == "would_wait" and result["services"][0]["deployment"]["id"] == "a1"


def test_check_mode_with_a_service_not_made_yet_warns(railway_script):
    railway_script(("project", project()), latest())
    result = run(params(item("api"), item("billing")), check_mode=True)
    assert result.get("failed") is not True, result
    assert result["services"][1] == dict(result["services"][1], name="billing", service_id=None, deployment={})
    assert "billing" in result["warnings"][0]


def test_a_missing_service_fails_before_waiting_naming_it(railway_script):
    script = railway_script(("project", project()))
    result = run(params(item("api"), item("billing")))
    script.done()
    assert result["failed"] is True and result["msg"].startswith("services:") and "'billing'" in result["msg"]


def test_one_crash_is_rolled_back_while_the_other_succeeds(railway_script):
    script = railway_script(
        ("project", project()),
        latest(dep("a2", "api", "DEPLOYING"), dep("w2", "worker", "DEPLOYING")),
        latest(dep("a2", "api", "CRASHED"), dep("w2", "worker")),
        history(dep("a2", "api", "CRASHED"), dep("a1", "api", "REMOVED", can_rollback=True)),
        ("deploymentRollback", dict(deploymentRollback=True)),
        history(dep("a3", "api", "INITIALIZING", reason="rollback"), dep("a2", "api", "CRASHED"),
                dep("a1", "api", "REMOVED", can_rollback=True)),
        latest(dep("a3", "api", reason="rollback"), dep("w2", "worker")),
    )
    result = run(params(item("api", rollback_on_failure=True), item("worker", rollback_on_failure=True)))
    script.done()
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"].startswith("1 of 2 services failed: api: wait: deployment a2 of service api ended CRASHED.")
    assert "rolled back to deployment a1: new deployment a3 is SUCCESS" in result["msg"] and "worker" not in result["msg"]
    api, worker = result["services"]
    assert api["rolled_back"] is True and api["outcome"] == "failed" and api["deployment"]["id"] == "a2"
    assert api["rolled_back_to"]["id"] == "a1" and api["rollback_deployment"]["status"] == "SUCCESS"
    assert worker["outcome"] == "succeeded" and worker["rolled_back"] is False and worker["msg"] is None
    assert result["diff"] == dict(before=dict(api="a2", worker="w2"), after=dict(api="a3", worker="w2"))
    assert script.mutations == ["deploymentRollback"] and any("rollback deployment a3" in w for w in result["warnings"])


def test_every_failure_is_named_and_without_rollback_nothing_is_sent(railway_script):
    script = railway_script(
        ("project", project()),
        latest(dep("a2", "api", "CRASHED"), dep("w2", "worker", "FAILED"), dep("x2", "web", "NEEDS_APPROVAL")),
    )
    result = run(params(item("api"), item("worker"), item("web")))
    script.done()
    assert result["failed"] is True and result["changed"] is False and script.mutations == []
    assert result["msg"].startswith("3 of 3 services failed: ")
    assert "api: wait: deployment a2 of service api ended CRASHED. Nothing was rolled back" in result["msg"]
    assert "Service api has no running deployment" in result["msg"]
    assert "worker: wait: deployment w2 of service worker ended FAILED." in result["msg"]
    assert "web: wait: deployment x2 of service web is NEEDS_APPROVAL" in result["msg"]


def test_a_failed_build_names_the_deployment_still_running(railway_script):
    script = railway_script(
        ("project", project()),
        latest(dep("a2", "api", "FAILED")),
        history(dep("a2", "api", "FAILED"), dep("a1", "api")),
    )
    result = run(params(item("api", rollback_on_failure=True)))
    script.done()
    assert result["failed"] is True and script.mutations == []
    assert "The previous deployment a1 is still SUCCESS; nothing to roll back." in result["msg"]
    assert result["services"][0]["running"]["id"] == "a1" and result["services"][0]["rolled_back"] is False


def test_a_superseded_deployment_is_followed_to_the_newer_one(railway_script):
    script = railway_script(
        ("project", project()),
        latest(dep("a1", "api", "BUILDING")),
        latest(dep("a2", "api", "SUCCESS")),
    )
    result = run(params(item("api")))
    script.done()
    assert result.get("failed") is not True, result
    assert result["services"][0]["deployment"]["id"] == "a2"
    assert "a newer deployment (a2) superseded deployment a1" in result["warnings"][0]


def test_a_removed_latest_deployment_fails(railway_script):
    railway_script(("project", project()), latest(dep("a1", "api", "REMOVED")))
    result = run(params(item("api")))
    assert result["failed"] is True and "was REMOVED and no newer deployment replaced it" in result["msg"]


def test_wait_timeout_is_per_service(railway_script, no_sleep):
    script = railway_script(
        ("project", project()),
        latest(dep("a1", "api", "BUILDING"), dep("w1", "worker", "BUILDING")),
        latest(dep("a1", "api", "BUILDING"), dep("w1", "worker", "BUILDING")),
        latest(dep("a1", "api", "BUILDING"), dep("w1", "worker", "SUCCESS")),
    )
    result = run(params(item("api", wait_timeout=2), item("worker", wait_timeout=30)))
    script.done()
    assert result["msg"] == ("1 of 2 services failed: api: wait_timeout: deployment a1 of service api is still BUILDING "
                             "after 2s. Nothing was rolled back (rollback_on_failure is false).")
    assert result["services"][1]["outcome"] == "succeeded"


def test_a_service_without_any_deployment_fails_naming_it(railway_script):
    railway_script(("project", project()), latest(dep("w1", "worker")))
    result = run(params(item("api"), item("worker")))
    assert result["failed"] is True and result["msg"].startswith("1 of 2 services failed: api: wait: service api")
    assert "has no deployment" in result["msg"]


def test_probes_run_at_the_same_time(railway_script, monkeypatch):
    both_waiting = threading.Barrier(2, timeout=5)
    sent = []

    def fake_request(self, method, path="", **kwargs):
        sent.append(self.base_url)
        self.stats["requests"] += 1
        both_waiting.wait()             # each probe waits for the other: only concurrent probes get past
        return HttpResponse(200, text="ok")

    monkeypatch.setattr(railway_deployment_waits.HttpClient, "request", fake_request)
    railway_script(("project", project()), latest(dep("a1", "api"), dep("w1", "worker")))
    result = run(params(item("api", health_check=probe(url="http://api.invalid/")),
                        item("worker", health_check=probe(url="http://worker.invalid/", body="ok"))))
    assert result.get("failed") is not True, result
    assert sorted(sent) == ["http://api.invalid/", "http://worker.invalid/"]
    assert [s["health"]["status_code"] for s in result["services"]] == [200, 200]


def test_a_failed_probe_is_rolled_back_and_named(railway_script, monkeypatch):
    def fake_request(self, method, path="", **kwargs):
        self.stats["requests"] += 1
        return HttpResponse(500 if "api" in self.base_url else 200, text="boom")

    monkeypatch.setattr(railway_deployment_waits.HttpClient, "request", fake_request)
    script = railway_script(
        ("project", project()),
        latest(dep("a2", "api"), dep("w2", "worker")),
        history(dep("a2", "api"), dep("a1", "api", "REMOVED", can_rollback=True)),
        ("deploymentRollback", dict(deploymentRollback=True)),
        history(dep("a3", "api", reason="rollback"), dep("a2", "api", "REMOVED"), dep("a1", "api", "REMOVED", can_rollback=True)),
    )
    result = run(params(item("api", health_check=probe(url="http://api.invalid/", timeout=2), rollback_on_failure=True),
                        item("worker", health_check=probe(url="http://worker.invalid/"))))
    script.done()
    assert result["failed"] is True and result["msg"].startswith("1 of 2 services failed: api: health_check:")
    assert "HTTP 500" in result["msg"] and result["services"][0]["rolled_back_to"]["id"] == "a1"
    assert result["services"][1]["health"]["status_code"] == 200


@pytest.mark.parametrize("overrides, message", [
    (dict(wait_interval=0.0), "wait_interval:"),
    (dict(services=[item("api"), item("api")]), "services: api is listed twice"),
    (dict(services=[item("api", wait_timeout=-1)]), "services[0] (api).wait_timeout:"),
    (dict(services=[item("api", health_check=probe(url="api.invalid/health"))]), "services[0] (api).health_check: url"),
])
def test_bad_input_fails_before_any_request(railway_script, overrides, message):
    script = railway_script()
    result = run(params(**overrides))
    assert result["failed"] is True and result["msg"].startswith(message) and script.sent == []
