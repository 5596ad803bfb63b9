# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import railway_deployment, railway_deployment_waits
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError, HttpResponse
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

TOKEN = "rw-account-token-0123456789"
WS = "11111111-1111-4111-8111-111111111111"
PID = "22222222-2222-4222-8222-222222222222"
ENV = "aaaaaaaa-0000-4000-8000-000000000001"
SVC = "bbbbbbbb-0000-4000-8000-000000000001"
CREDS = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True, timeout=5)
SHA = "3f9a2c1d0e"


def params(**overrides):
    values = dict(CREDS, project=PID, workspace_id=None, environment="production", service="api", action="deploy",
                  commit_sha=None, deployment_id=None, trigger=True, wait=False, wait_timeout=60, wait_interval=1.0,
                  health_check=None, rollback_on_failure=False)
    values.update(overrides)
    return values


def probe(**overrides):
    values = dict(url="http://app.invalid/healthz", status_code=200, body=None, timeout=10, interval=1.0, validate_certs=True)
    values.update(overrides)
    return values


def project():
    return dict(project=dict(id=PID, name="prela", workspaceId=WS,
                             environments=dict(edges=[dict(node=dict(id=ENV, name="production"))]),
                             services=dict(edges=[dict(node=dict(id=SVC, name="api"))])))


def dep(dep_id, status="SUCCESS", can_rollback=False, sha=None, reason="deploy"):
    meta = dict(reason=reason)
    if sha:
        meta["commitHash"] = sha
    return dict(id=dep_id, status=status, statusUpdatedAt="2026-11-21T00:00:00.000Z", createdAt="2026-11-21T00:00:00.000Z",
                canRollback=can_rollback, serviceId=SVC, environmentId=ENV, staticUrl=None, url=None, meta=meta)


def history(*deployments):
    return dict(deployments=dict(edges=[dict(node=d) for d in deployments]))


def one(deployment):
    return dict(deployment=deployment)


def deploy_latest(made, *older):
    """serviceInstanceDeploy(latestCommit: true) answers true; the new deployment is read back."""
    return [("serviceInstanceDeploy", dict(serviceInstanceDeploy=True)), ("deployments", history(made, *older))]


def run(p, check_mode=False):
    return execute(railway_deployment, TaskContext(p, check_mode=check_mode, diff=True, no_log_values={TOKEN}))


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    clock = dict(now=0.0)
    monkeypatch.setattr(railway_deployment_waits, "CLOCK", lambda: clock["now"])
    monkeypatch.setattr(railway_deployment_waits, "SLEEP", lambda seconds: clock.__setitem__("now", clock["now"] + seconds))
    return clock


def test_deploy_and_wait_until_success(railway_script):
    script = railway_script(
        ("project", project()),
        ("deployments", history(dep("d-1"))),
        *deploy_latest(dep("d-2", "QUEUED"), dep("d-1")),
        ("deployment", one(dep("d-2", "BUILDING"))),
        ("deployment", one(dep("d-2", "SUCCESS"))),
    )
    result = run(params(wait=True))
    script.done()
    assert result["changed"] is True
    assert result["deployment"]["id"] == "d-2" and result["deployment"]["status"] == "SUCCESS"
    assert script.sent[2][2] == dict(environmentId=ENV, serviceId=SVC)
    assert "latestCommit: true" in script.documents[2]        # the branch head, not the commit the service has
    assert script.mutations == ["serviceInstanceDeploy"]
    assert script.sent[1][2] == dict(input=dict(environmentId=ENV, serviceId=SVC), first=20)


def test_trigger_false_sends_no_mutation_and_waits_for_the_latest(railway_script):
    script = railway_script(("project", project()), ("deployments", history(dep("d-1", "DEPLOYING"))),
                            ("deployment", one(dep("d-1", "SUCCESS"))))
    result = run(params(trigger=False, wait=True))
    script.done()
    assert result["changed"] is False and script.mutations == []
    assert result["deployment"]["status"] == "SUCCESS"


def test_commit_already_deployed_is_a_noop(railway_script):
    script = railway_script(("project", project()), ("deployments", history(dep("d-1", sha="3f9a2c1d0e1234"))))
    result = run(params(commit_sha=SHA.upper()))
    script.done()
    assert result["changed"] is False and script.mutations == []


def test_commit_deploy_sends_the_sha(railway_script):
    script = railway_script(("project", project()), ("deployments", history(dep("d-1", sha="0000000"))),
                            ("serviceInstanceDeployV2", dict(serviceInstanceDeployV2="d-2")),
                            ("deployment", one(dep("d-2", "QUEUED", sha=SHA))))
    result = run(params(commit_sha=SHA))
    script.done()
    assert script.sent[2][2] == dict(environmentId=ENV, serviceId=SVC, commitSha=SHA)
    assert result["deployment"]["commit_sha"] == SHA


@pytest.mark.parametrize("status", ["FAILED", "CRASHED"])
def test_failure_names_the_deployment_and_status(railway_script, status):
    railway_script(("project", project()), ("deployments", history()), *deploy_latest(dep("d-9", "BUILDING")),
                   ("deployment", one(dep("d-9", status))))
    result = run(params(wait=True))
    assert result["failed"] is True and result["changed"] is True
    assert "d-9" in result["msg"] and status in result["msg"]
    assert result["deployment"]["status"] == status


def test_wait_timeout(railway_script):
    railway_script(("project", project()), ("deployments", history()), *deploy_latest(dep("d-9", "BUILDING")),
                   *[("deployment", one(dep("d-9", "BUILDING")))] * 3)
    result = run(params(wait=True, wait_timeout=3))
    assert result["failed"] is True and result["msg"].startswith("wait_timeout:")
    assert "BUILDING" in result["msg"]


def test_crash_rolls_back_to_the_previous_success(railway_script):
    script = railway_script(
        ("project", project()),
        ("deployments", history(dep("d-1"))),
        *deploy_latest(dep("d-2", "DEPLOYING"), dep("d-1")),
        ("deployment", one(dep("d-2", "CRASHED"))),
        ("deployments", history(dep("d-2", "CRASHED"), dep("d-1", "REMOVED", can_rollback=True))),
        ("deploymentRollback", dict(deploymentRollback=True)),
        ("deployments", history(dep("d-3", "QUEUED", reason="rollback"), dep("d-2", "CRASHED"),
                                dep("d-1", "REMOVED", can_rollback=True))),
        ("deployment", one(dep("d-3", "SUCCESS", reason="rollback"))),
    )
    result = run(params(wait=True, rollback_on_failure=True))
    script.done()
    assert result["failed"] is True and result["changed"] is True
    assert script.mutations == ["serviceInstanceDeploy", "deploymentRollback"]
    assert script.sent[6][2] == dict(id="d-1")
    assert any("rollback deployment d-3 runs the image and the variables of deployment d-1" in w
               for w in result["warnings"])
    assert result["rolled_back_to"]["id"] == "d-1"
    assert result["rollback_deployment"]["id"] == "d-3" and result["rollback_deployment"]["status"] == "SUCCESS"
    assert "d-2" in result["msg"] and "CRASHED" in result["msg"] and "rolled back" in result["msg"]


def test_failed_build_leaves_the_previous_running(railway_script):
    script = railway_script(
        ("project", project()), ("deployments", history(dep("d-1"))),
        ("serviceInstanceDeployV2", dict(serviceInstanceDeployV2="d-2")),
        ("deployment", one(dep("d-2", "FAILED"))),
        ("deployments", history(dep("d-2", "FAILED"), dep("d-1", "SUCCESS"))),
    )
    result = run(params(wait=True, rollback_on_failure=True, commit_sha=SHA))
    script.done()
    assert result["failed"] is True and script.mutations == ["serviceInstanceDeployV2"]
    assert "d-1 is still SUCCESS" in result["msg"]


def test_rollback_action_picks_the_previous_successful(railway_script):
    script = railway_script(
        ("project", project()),
        ("deployments", history(dep("d-3"), dep("d-2", "REMOVED", can_rollback=True), dep("d-1", "REMOVED", can_rollback=True))),
        ("deploymentRollback", dict(deploymentRollback=True)),
        ("deployments", history(dep("d-4", "QUEUED"), dep("d-3"), dep("d-2", "REMOVED", can_rollback=True))),
    )
    result = run(params(action="rollback"))
    script.done()
    assert script.sent[2][2] == dict(id="d-2")
    assert result["deployment"]["id"] == "d-4" and result["changed"] is True
    assert any(w.startswith("service api: rollback deployment d-4") for w in result["warnings"])


def test_rollback_without_target_fails_before_any_write(railway_script):
    script = railway_script(("project", project()), ("deployments", history(dep("d-1"))))
    result = run(params(action="rollback"))
    assert result["failed"] is True and result["msg"].startswith("action:")
    assert script.mutations == []


def test_redeploy_and_restart(railway_script):
    script = railway_script(("project", project()), ("deployments", history(dep("d-1"))),
                            ("deploymentRedeploy", dict(deploymentRedeploy=dep("d-2", "QUEUED", reason="redeploy"))))
    result = run(params(action="redeploy"))
    script.done()
    assert script.sent[-1][2] == dict(id="d-1") and result["deployment"]["id"] == "d-2"

    script = railway_script(("project", project()), ("deployments", history(dep("d-2", "FAILED"), dep("d-1"))),
                            ("deploymentRestart", dict(deploymentRestart=True)),
                            ("deployment", one(dep("d-1", "DEPLOYING"))))
    result = run(params(action="restart"))
    script.done()
    assert script.sent[2][2] == dict(id="d-1") and result["deployment"]["status"] == "DEPLOYING"


def test_lost_deploy_answer_is_found_again(railway_script):
    script = railway_script(
        ("project", project()), ("deployments", history(dep("d-1"))),
        ("serviceInstanceDeploy", ApiError("lost", provider="Railway", lost_response=True)),
        ("deployments", history(dep("d-2", "QUEUED"), dep("d-1"))),
    )
    result = run(params())
    script.done()
    assert script.mutations == ["serviceInstanceDeploy"]
    assert result["deployment"]["id"] == "d-2"


def test_check_mode_sends_no_mutation(railway_script):
    script = railway_script(("project", project()), ("deployments", history(dep("d-1"))))
    result = run(params(wait=True), check_mode=True)
    script.done()
    assert result["changed"] is True and script.mutations == []


def test_health_check_passes_after_retries(railway_script, monkeypatch):
    answers = [HttpResponse(503, text="starting"), HttpResponse(200, text="not yet"), HttpResponse(200, text="ok v2")]
    sent = []

    def fake_request(self, method, path="", **kwargs):
        sent.append((method, self.base_url))
        self.stats["requests"] += 1
        return answers.pop(0)

    monkeypatch.setattr(railway_deployment_waits.HttpClient, "request", fake_request)
    railway_script(("project", project()), ("deployments", history()), *deploy_latest(dep("d-2")))
    result = run(params(wait=True, health_check=probe(body="ok")))
    assert result.get("failed") is not True, result
    assert result["health_check"] == dict(url="http://app.invalid/healthz", status_code=200, attempts=3)
    assert sent == [("GET", "http://app.invalid/healthz")] * 3


def test_health_check_failure_rolls_back(railway_script, monkeypatch):
    monkeypatch.setattr(railway_deployment_waits.HttpClient, "request",
                        lambda self, method, path="", **kw: HttpResponse(500, text="boom"))
    script = railway_script(
        ("project", project()), ("deployments", history(dep("d-1"))),
        *deploy_latest(dep("d-2"), dep("d-1")),
        ("deployments", history(dep("d-2"), dep("d-1", "REMOVED", can_rollback=True))),
        ("deploymentRollback", dict(deploymentRollback=True)),
        ("deployments", history(dep("d-3", "SUCCESS"), dep("d-2", "REMOVED"), dep("d-1", "REMOVED", can_rollback=True))),
    )
    result = run(params(wait=True, health_check=probe(timeout=2), rollback_on_failure=True))
    script.done()
    assert result["failed"] is True and result["msg"].startswith("health_check:")
    assert "HTTP 500" in result["msg"] and result["rolled_back_to"]["id"] == "d-1"


@pytest.mark.parametrize("overrides, option", [
    (dict(commit_sha="main"), "commit_sha:"),
    (dict(commit_sha=SHA, action="redeploy"), "commit_sha:"),
    (dict(deployment_id="d-1"), "deployment_id:"),
    (dict(rollback_on_failure=True), "rollback_on_failure:"),
    (dict(health_check=probe()), "health_check:"),
    (dict(wait=True, health_check=probe(url="app.invalid/health")), "health_check:"),
    (dict(wait_interval=0.0), "wait_interval:"),
])
def test_bad_input_fails_before_any_request(railway_script, overrides, option):
    script = railway_script()
    result = run(params(**overrides))
    assert result["failed"] is True
    assert result["msg"].startswith(option), result["msg"]
    assert script.sent == []


@pytest.mark.parametrize("status", ["REMOVED", "SKIPPED"])
def test_a_superseded_deployment_is_followed_to_the_newer_one(railway_script, status):
    script = railway_script(
        ("project", project()), ("deployments", history(dep("d-1"))),
        *deploy_latest(dep("d-2", "QUEUED"), dep("d-1")),
        ("deployment", one(dep("d-2", status))),
        ("deployments", history(dep("d-3", "BUILDING"), dep("d-2", status), dep("d-1"))),
        ("deployment", one(dep("d-3", "SUCCESS"))),
    )
    result = run(params(wait=True))
    script.done()
    assert result.get("failed") is not True, result
    assert result["deployment"]["id"] == "d-3" and result["deployment"]["status"] == "SUCCESS"
    assert any("d-2 was %s" % status in w and "d-3" in w for w in result["warnings"])


def test_a_superseded_deployment_without_a_newer_one_fails(railway_script):
    railway_script(("project", project()), ("deployments", history()), *deploy_latest(dep("d-2", "QUEUED")),
                   ("deployment", one(dep("d-2", "REMOVED"))), ("deployments", history(dep("d-2", "REMOVED"))))
    result = run(params(wait=True))
    assert result["failed"] is True and "d-2 was REMOVED and no newer deployment replaced it" in result["msg"]


def test_needs_approval_fails_at_once_saying_what_to_do(railway_script):
    script = railway_script(("project", project()), ("deployments", history(dep("d-1"))),
                            *deploy_latest(dep("d-2", "NEEDS_APPROVAL"), dep("d-1")))
    result = run(params(wait=True, wait_timeout=600))
    script.done()                      # no polling until the timeout: a person has to approve it
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"].startswith("wait: deployment d-2 of service api is NEEDS_APPROVAL") and "approve" in result["msg"]


def test_needs_approval_without_wait_warns(railway_script):
    railway_script(("project", project()), ("deployments", history(dep("d-1"))),
                   *deploy_latest(dep("d-2", "NEEDS_APPROVAL"), dep("d-1")))
    result = run(params())
    assert result["changed"] is True and any(w.startswith("deployment d-2 of service api is NEEDS_APPROVAL")
                                             for w in result["warnings"])


def test_redeploy_checks_can_redeploy_before_any_write(railway_script):
    latest = dict(dep("d-1"), canRedeploy=False)
    script = railway_script(("project", project()), ("deployments", history(latest)))
    result = run(params(action="redeploy"))
    assert result["failed"] is True and script.mutations == []
    assert result["msg"].startswith("action: Railway cannot redeploy the latest deployment d-1") and "canRedeploy" in result["msg"]


# ------------------------------------------------------------------ a deployment the task did not start (trigger: false)
def test_a_crash_it_did_not_start_is_rolled_back_naming_both(railway_script):
    script = railway_script(
        ("project", project()),
        ("deployments", history(dep("d-2", "DEPLOYING"), dep("d-1"))),
        ("deployment", one(dep("d-2", "CRASHED"))),
        ("deployments", history(dep("d-2", "CRASHED"), dep("d-1", "REMOVED", can_rollback=True))),
        ("deploymentRollback", dict(deploymentRollback=True)),
        ("deployments", history(dep("d-3", "QUEUED", reason="rollback"), dep("d-2", "CRASHED"),
                                dep("d-1", "REMOVED", can_rollback=True))),
        ("deployment", one(dep("d-3", "SUCCESS", reason="rollback"))),
    )
    result = run(params(trigger=False, wait=True, rollback_on_failure=True))
    script.done()
    assert result["failed"] is True and result["changed"] is True
    assert script.mutations == ["deploymentRollback"] and script.sent[4][2] == dict(id="d-1")
    assert "deployment d-2 of service api ended CRASHED" in result["msg"]
    assert "rolled back to deployment d-1" in result["msg"] and "d-3 is SUCCESS" in result["msg"]
    assert result["rolled_back_to"]["id"] == "d-1" and result["rollback_deployment"]["status"] == "SUCCESS"


def test_a_failed_build_it_did_not_start_names_the_one_still_running(railway_script):
    script = railway_script(
        ("project", project()),
        ("deployments", history(dep("d-2", "FAILED"), dep("d-1"))),
        ("deployments", history(dep("d-2", "FAILED"), dep("d-1"))),
    )
    result = run(params(trigger=False, wait=True, rollback_on_failure=True))
    script.done()
    assert result["failed"] is True and result["changed"] is False and script.mutations == []
    assert "deployment d-2 of service api ended FAILED" in result["msg"] and "d-1 is still SUCCESS" in result["msg"]
    assert result["running"]["id"] == "d-1"


def test_a_failed_probe_it_did_not_start_is_rolled_back(railway_script, monkeypatch):
    monkeypatch.setattr(railway_deployment_waits.HttpClient, "request",
                        lambda self, method, path="", **kw: HttpResponse(503, text="unavailable"))
    script = railway_script(
        ("project", project()), ("deployments", history(dep("d-2"), dep("d-1", "REMOVED", can_rollback=True))),
        ("deployments", history(dep("d-2"), dep("d-1", "REMOVED", can_rollback=True))),
        ("deploymentRollback", dict(deploymentRollback=True)),
        ("deployments", history(dep("d-3", "SUCCESS", reason="rollback"), dep("d-2", "REMOVED"),
                                dep("d-1", "REMOVED", can_rollback=True))),
    )
    result = run(params(trigger=False, wait=True, health_check=probe(timeout=2), rollback_on_failure=True))
    script.done()
    assert result["failed"] is True and result["msg"].startswith("health_check:")
    assert "deployment d-2 of service api" in result["msg"] and "rolled back to deployment d-1" in result["msg"]


def test_without_rollback_a_crash_it_did_not_start_fails_saying_nothing_was_rolled_back(railway_script):
    script = railway_script(("project", project()), ("deployments", history(dep("d-2", "CRASHED"), dep("d-1", "REMOVED"))))
    result = run(params(trigger=False, wait=True))
    script.done()
    assert result["failed"] is True and result["changed"] is False and script.mutations == []
    assert "deployment d-2 of service api ended CRASHED" in result["msg"]
    assert "Nothing was rolled back (rollback_on_failure is false)" in result["msg"]
    assert "no running deployment" in result["msg"]


def test_waiting_for_a_service_with_no_deployment_fails(railway_script):
    script = railway_script(("project", project()), ("deployments", history()))
    result = run(params(trigger=False, wait=True, rollback_on_failure=True))
    script.done()
    assert result["failed"] is True and script.mutations == []
    assert result["msg"].startswith("wait: service api in environment production has no deployment")
