# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import railway_lease, railway_projects
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

TOKEN = "rw-account-token-0123456789"
WS = "11111111-1111-4111-8111-111111111111"
PID = "22222222-2222-4222-8222-222222222222"
LEASE = "55555555-5555-4555-8555-555555555555"
OTHER = "44444444-4444-4444-8444-444444444444"
HELD = ApiError("Service with name railstack-lease already exists", provider="Railway", status=200)


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(railway_lease.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(railway_projects, "SETTLE_SECONDS", 0)


def params(**overrides):
    values = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True,
                  timeout=5, project="prela", workspace_id=WS, description=None, pr_deploys=None,
                  default_environment="production", state="present", lease_id=None, run_id="run-b", wait=0,
                  ttl_minutes=60, take_over=False)
    values.update(overrides)
    return values


def project(**overrides):
    value = dict(id=PID, name="prela", description=None, isPublic=False, prDeploys=False, workspaceId=WS,
                 createdAt="2026-11-21T00:00:00.000Z",
                 environments=dict(edges=[dict(node=dict(id="env-1", name="production", isEphemeral=False))]))
    value.update(overrides)
    return value


def projects_page(*nodes):
    return dict(projects=dict(edges=[dict(node=n) for n in nodes], pageInfo=dict(hasNextPage=False, endCursor=None)))


def lease_service(created_at="2999-01-01T00:00:00.000Z"):
    return dict(project=dict(baseEnvironmentId="env-1", services=dict(edges=[
        dict(node=dict(id="svc-api", name="api", createdAt=created_at)),
        dict(node=dict(id=LEASE, name="railstack-lease", createdAt=created_at))])))


HOLDER = dict(variables=dict(RAILSTACK_LEASE_RUN="run-a", RAILSTACK_LEASE_HOST="ci-7 (pid 42)",
                             RAILSTACK_LEASE_STARTED="2026-12-03T08:00:00Z"))
TAKEN = dict(serviceCreate=dict(id=LEASE, name="railstack-lease", createdAt="2026-12-03T08:00:00.000Z"))


def run(p, check_mode=False):
    return execute(railway_lease, TaskContext(p, check_mode=check_mode, diff=False, no_log_values={TOKEN}))


def test_a_free_lease_costs_one_read_and_one_write(railway_script):
    script = railway_script(("projects", projects_page(project())), ("railstackLeaseTake", TAKEN))
    result = run(params())
    script.done()
    assert result["changed"] is False and result["api_requests"] == 2
    assert result["lease"]["id"] == LEASE and result["lease"]["holder"] == dict(run="run-b")
    assert result["waited_for"] is None
    sent = script.sent[-1][2]["input"]
    assert sent["name"] == "railstack-lease" and sent["projectId"] == PID
    assert sent["variables"]["RAILSTACK_LEASE_RUN"] == "run-b" and "RAILSTACK_LEASE_HOST" in sent["variables"]


def test_a_held_lease_fails_before_any_write_naming_the_holder(railway_script):
    script = railway_script(("projects", projects_page(project())), ("railstackLeaseTake", HELD),
                            ("project", lease_service()), ("railstackLeaseHolder", HOLDER))
    result = run(params())
    script.done()
    assert result["failed"] is True and result["msg"].startswith("project: another run of this stack holds its lease")
    assert "run run-a on ci-7 (pid 42)" in result["msg"] and "nothing was written" in result["msg"]
    assert script.mutations == ["railstackLeaseTake"]       # the refused compare-and-set only


def test_a_run_waits_for_the_holder_then_takes_the_lease(railway_script):
    script = railway_script(("projects", projects_page(project())),
                            ("railstackLeaseTake", HELD), ("project", lease_service()), ("railstackLeaseHolder", HOLDER),
                            ("railstackLeaseTake", TAKEN))
    result = run(params(wait=600))
    script.done()
    assert result["lease"]["id"] == LEASE and "failed" not in result
    assert result["waited_for"]["run"] == "run-a" and result["waited_for"]["host"] == "ci-7 (pid 42)"


def test_a_stale_lease_is_taken_over_with_a_warning(railway_script):
    script = railway_script(("projects", projects_page(project())),
                            ("railstackLeaseTake", HELD), ("project", lease_service("2026-01-01T00:00:00.000Z")),
                            ("railstackLeaseHolder", HOLDER), ("railstackLeaseRelease", dict(serviceDelete=True)),
                            ("railstackLeaseTake", TAKEN))
    result = run(params())
    script.done()
    assert script.sent[-2][2] == dict(id=LEASE)
    assert "run run-a on ci-7" in " ".join(result["warnings"]) and "ttl_minutes=60" in " ".join(result["warnings"])
    assert result["lease"]["id"] == LEASE


def test_take_over_takes_a_fresh_lease_and_names_its_holder(railway_script):
    script = railway_script(("projects", projects_page(project())),
                            ("railstackLeaseTake", HELD), ("project", lease_service()), ("railstackLeaseHolder", HOLDER),
                            ("railstackLeaseRelease", dict(serviceDelete=True)), ("railstackLeaseTake", TAKEN))
    result = run(params(take_over=True))
    script.done()
    assert "take_over is set" in " ".join(result["warnings"])


def test_a_lost_take_answer_is_found_again_by_run_id(railway_script):
    lost = ApiError("the connection closed", provider="Railway", lost_response=True)
    mine = dict(variables=dict(RAILSTACK_LEASE_RUN="run-b"))
    script = railway_script(("projects", projects_page(project())), ("railstackLeaseTake", lost),
                            ("project", lease_service()), ("railstackLeaseHolder", mine))
    result = run(params())
    script.done()
    assert result["lease"]["id"] == LEASE and script.mutations == ["railstackLeaseTake"]


def test_check_mode_writes_nothing_and_reports_a_held_lease(railway_script):
    script = railway_script(("projects", projects_page(project())), ("project", lease_service()),
                            ("railstackLeaseHolder", HOLDER))
    result = run(params(), check_mode=True)
    script.done()
    assert script.mutations == [] and result["lease"] == {}
    assert "run run-a" in " ".join(result["warnings"])


def test_check_mode_on_an_empty_account_plans_the_project(railway_script):
    script = railway_script(("projects", projects_page()))
    result = run(params(), check_mode=True)
    script.done()
    assert script.mutations == [] and result["changed"] is True


def test_a_duplicated_stack_is_reported_with_what_to_delete_and_nothing_written(railway_script):
    empty = project(id=OTHER, createdAt="2026-11-22T00:00:00.000Z")
    script = railway_script(
        ("projects", projects_page(project(), empty)),
        ("project", dict(project=dict(services=dict(edges=[dict(node=dict(id="s1")), dict(node=dict(id="s2"))])))),
        ("project", dict(project=dict(services=dict(edges=[])))),
    )
    result = run(params())
    script.done()
    assert script.mutations == []
    assert result["failed"] is True and result["msg"].startswith("name: 2 Railway projects are called 'prela'")
    assert "Keep %s and delete %s" % (PID, OTHER) in result["msg"]


def test_a_duplicate_that_a_racing_run_deletes_is_waited_for(railway_script, monkeypatch):
    monkeypatch.setattr(railway_projects, "SETTLE_SECONDS", 60)
    script = railway_script(("projects", projects_page(project(), project(id=OTHER))),
                            ("projects", projects_page(project())), ("railstackLeaseTake", TAKEN))
    result = run(params())
    script.done()
    assert result["lease"]["id"] == LEASE


def test_release_deletes_the_lease_by_id(railway_script):
    script = railway_script(("railstackLeaseRelease", dict(serviceDelete=True)))
    result = run(params(state="absent", lease_id=LEASE))
    script.done()
    assert result["released"] is True and script.sent[0][2] == dict(id=LEASE)


def test_release_of_a_lease_taken_over_warns(railway_script):
    script = railway_script(("railstackLeaseRelease", ApiError("Service not found", provider="Railway", status=200)))
    result = run(params(state="absent", lease_id=LEASE))
    script.done()
    assert result["released"] is False and "already gone" in " ".join(result["warnings"])


def test_a_project_token_cannot_take_the_lease():
    result = run(params(api_token=None, project_token="project-token-0123456789"))
    assert result["failed"] is True and result["msg"].startswith("project_token:")


def workspaces_with(*nodes, more=False):
    return dict(me=dict(workspaces=[dict(id=WS, name="ws", projects=dict(
        edges=[dict(node=n) for n in nodes], pageInfo=dict(hasNextPage=more)))]))


def test_without_workspace_id_one_request_finds_the_project(railway_script):
    script = railway_script(("railstackLeaseProjects", workspaces_with(project(), project(id=OTHER, name="other"))),
                            ("railstackLeaseTake", TAKEN))
    result = run(params(workspace_id=None))
    script.done()
    assert result["api_requests"] == 2 and result["project"]["id"] == PID


def test_a_workspace_with_more_projects_than_a_page_is_read_page_by_page(railway_script):
    script = railway_script(("railstackLeaseProjects", workspaces_with(more=True)), ("workspaces", dict(
        apiToken=dict(workspaces=[dict(id=WS, name="ws")]))), ("projects", projects_page(project())),
        ("railstackLeaseTake", TAKEN))
    assert run(params(workspace_id=None))["project"]["id"] == PID
    script.done()


def test_a_lost_answer_to_the_release_is_answered_by_deleting_again(railway_script):
    lost = ApiError("the connection closed", provider="Railway", lost_response=True)
    gone = ApiError("Service not found", provider="Railway", status=200)
    script = railway_script(("railstackLeaseRelease", lost), ("railstackLeaseRelease", gone))
    result = run(params(state="absent", lease_id=LEASE))
    script.done()
    assert result["released"] is True and not result.get("warnings")


def test_a_workspace_token_refused_me_finds_the_projects_through_its_workspace(railway_script):
    refused = ApiError("Railway: Not Authorized", provider="Railway", status=200)
    script = railway_script(("railstackLeaseProjects", refused), ("workspaces", dict(
        apiToken=dict(workspaces=[dict(id=WS, name="ws")]))), ("projects", projects_page(project())),
        ("railstackLeaseTake", TAKEN))
    assert run(params(workspace_id=None))["project"]["id"] == PID
    script.done()
