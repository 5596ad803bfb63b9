# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import railway_project, railway_projects
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

TOKEN = "rw-account-token-0123456789"
WS = "11111111-1111-4111-8111-111111111111"
PID = "22222222-2222-4222-8222-222222222222"


def params(**overrides):
    values = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True,
                  timeout=5, name="prela", workspace_id=None, description=None, pr_deploys=None,
                  default_environment="production", state="present")
    values.update(overrides)
    return values


def project(**overrides):
    value = dict(id=PID, name="prela", description="API", isPublic=False, prDeploys=False, workspaceId=WS,
                 createdAt="2026-11-21T00:00:00Z",
                 environments=dict(edges=[dict(node=dict(id="env-1", name="production", isEphemeral=False))]))
    value.update(overrides)
    return value


def workspaces(*ids):
    return dict(apiToken=dict(workspaces=[dict(id=i, name="ws %s" % i[:4]) for i in ids]))


def projects_page(*nodes):
    return dict(projects=dict(edges=[dict(node=n) for n in nodes], pageInfo=dict(hasNextPage=False, endCursor=None)))


def run(p, check_mode=False, diff=True):
    return execute(railway_project, TaskContext(p, check_mode=check_mode, diff=diff, no_log_values={TOKEN}))


def test_creates_in_the_only_workspace(railway_script):
    script = railway_script(
        ("workspaces", workspaces(WS)),
        ("projects", projects_page()),
        ("projectCreate", lambda v: dict(projectCreate=project(description=v["input"].get("description")))),
        ("projects", projects_page(project())),          # after creating: is ours the oldest of its name?
    )
    result = run(params(description="API"))
    script.done()
    assert result["changed"] is True
    assert result["project"]["id"] == PID
    assert result["project"]["environments"] == [dict(id="env-1", name="production", is_ephemeral=False)]
    create_input = script.sent[-2][2]["input"]
    assert create_input == dict(name="prela", workspaceId=WS, defaultEnvironmentName="production", description="API")
    assert result["diff"] == dict(before={}, after=dict(name="prela", description="API", pr_deploys=False))


def test_second_run_reads_only(railway_script):
    script = railway_script(("projects", projects_page(project())))
    result = run(params(workspace_id=WS, description="API"))
    script.done()
    assert result["changed"] is False
    assert script.mutations == []
    assert result["api_requests"] == 1


def test_update_sends_only_what_differs(railway_script):
    script = railway_script(
        ("projects", projects_page(project())),
        ("projectUpdate", lambda v: dict(projectUpdate=project(prDeploys=v["input"]["prDeploys"]))),
    )
    result = run(params(workspace_id=WS, description="API", pr_deploys=True))
    script.done()
    assert result["changed"] is True
    assert script.sent[-1][2] == dict(id=PID, input=dict(prDeploys=True))
    assert result["diff"]["before"]["pr_deploys"] is False
    assert result["diff"]["after"]["pr_deploys"] is True


def test_check_mode_sends_no_mutation(railway_script):
    script = railway_script(("projects", projects_page(project())))
    result = run(params(workspace_id=WS, description="changed"), check_mode=True)
    script.done()
    assert result["changed"] is True
    assert result["project"]["description"] == "changed"
    assert script.mutations == []


def test_check_mode_create_sends_no_mutation(railway_script):
    script = railway_script(("projects", projects_page()))
    result = run(params(workspace_id=WS), check_mode=True)
    script.done()
    assert result["changed"] is True
    assert result["project"]["id"] is None
    assert script.mutations == []


def test_several_workspaces_need_workspace_id(railway_script):
    other = "33333333-3333-4333-8333-333333333333"
    script = railway_script(
        ("workspaces", workspaces(WS, other)),
        ("projects", projects_page()),
        ("projects", projects_page()),
    )
    result = run(params())
    script.done()
    assert result["failed"] is True
    assert result["msg"].startswith("workspace_id:")
    assert WS in result["msg"] and other in result["msg"]
    assert script.mutations == []


def test_duplicate_names_fail_naming_both(railway_script, monkeypatch):
    monkeypatch.setattr(railway_projects, "SETTLE_SECONDS", 0)
    second = "44444444-4444-4444-8444-444444444444"
    no_services = dict(project=dict(services=dict(edges=[])))
    railway_script(("projects", projects_page(project(), project(id=second))), ("project", no_services),
                   ("project", no_services))
    result = run(params(workspace_id=WS))
    assert result["failed"] is True
    assert result["msg"].startswith("name:")
    assert PID in result["msg"] and second in result["msg"]


def test_a_duplicate_a_racing_run_deletes_a_moment_later_is_waited_for(railway_script, monkeypatch):
    monkeypatch.setattr(railway_projects.time, "sleep", lambda seconds: None)
    script = railway_script(("projects", projects_page(project(), project(id=OLDER, createdAt="2026-11-21T00:00:01Z"))),
                            ("projects", projects_page(project())))
    result = run(params(workspace_id=WS, description="API"))
    script.done()
    assert result["changed"] is False and result["project"]["id"] == PID


def test_lost_create_answer_is_found_again_not_repeated(railway_script):
    lost = ApiError("the connection closed", provider="Railway", lost_response=True)
    script = railway_script(
        ("projects", projects_page()),
        ("projectCreate", lost),
        ("projects", projects_page(project())),
        ("projects", projects_page(project())),
    )
    result = run(params(workspace_id=WS))
    script.done()
    assert result["changed"] is True
    assert result["project"]["id"] == PID
    assert script.mutations == ["projectCreate"]


def test_lost_create_that_never_committed_is_created_once_more(railway_script):
    lost = ApiError("the connection closed", provider="Railway", lost_response=True)
    script = railway_script(
        ("projects", projects_page()),
        ("projectCreate", lost),
        ("projects", projects_page()),
        ("projectCreate", dict(projectCreate=project())),
        ("projects", projects_page(project())),
    )
    result = run(params(workspace_id=WS))
    script.done()
    assert result["changed"] is True
    assert script.mutations == ["projectCreate", "projectCreate"]


OLDER = "00000000-0000-4000-8000-000000000001"


def test_a_run_whose_new_project_lost_the_race_deletes_it_and_uses_the_oldest(railway_script):
    older = project(id=OLDER, createdAt="2026-11-20T23:59:59.000Z")
    script = railway_script(
        ("projects", projects_page()),
        ("projectCreate", dict(projectCreate=project())),
        ("projects", projects_page(project(), older)),
        ("projectDelete", dict(projectDelete=True)),
    )
    result = run(params(workspace_id=WS))
    script.done()
    assert script.sent[-1][2] == dict(id=PID)             # its own project, never the other run's
    assert result["changed"] is True and result["project"]["id"] == OLDER


def test_a_run_whose_new_project_is_the_oldest_keeps_it(railway_script):
    newer = project(id=OLDER, createdAt="2026-11-21T00:00:01.000Z")
    script = railway_script(
        ("projects", projects_page()),
        ("projectCreate", dict(projectCreate=project())),
        ("projects", projects_page(newer, project())),
    )
    result = run(params(workspace_id=WS))
    script.done()
    assert script.mutations == ["projectCreate"] and result["project"]["id"] == PID


def test_same_creation_time_is_decided_by_id(railway_script):
    same = project(id=OLDER)                                # same createdAt, smaller id: it wins
    script = railway_script(
        ("projects", projects_page()),
        ("projectCreate", dict(projectCreate=project())),
        ("projects", projects_page(project(), same)),
        ("projectDelete", dict(projectDelete=True)),
    )
    assert run(params(workspace_id=WS))["project"]["id"] == OLDER
    script.done()


def test_absent_deletes_and_then_is_a_no_op(railway_script):
    script = railway_script(("projects", projects_page(project())), ("projectDelete", dict(projectDelete=True)))
    result = run(params(workspace_id=WS, state="absent"))
    script.done()
    assert result["changed"] is True
    assert script.sent[-1][2] == dict(id=PID)
    script = railway_script(("projects", projects_page()))
    result = run(params(workspace_id=WS, state="absent"))
    assert result["changed"] is False
    assert script.mutations == []


def test_provider_error_keeps_message_and_hides_token(railway_script):
    railway_script(("projects", ApiError("Railway: Not Authorized for token %s" % TOKEN, provider="Railway", status=200)))
    result = run(params(workspace_id=WS))
    assert result["failed"] is True
    assert "Not Authorized" in result["msg"]
    assert TOKEN not in repr(result)


def test_no_credential_is_a_clear_error():
    result = run(params(api_token=None))
    assert result["failed"] is True
    assert "api_token" in result["msg"] and "RAILWAY_TOKEN" in result["msg"]


def test_a_lost_answer_to_deleting_the_losing_project_is_checked_not_repeated(railway_script):
    older = project(id=OLDER, createdAt="2026-11-20T23:59:59.000Z")
    lost = ApiError("the connection closed", provider="Railway", lost_response=True)
    script = railway_script(
        ("projects", projects_page()),
        ("projectCreate", dict(projectCreate=project())),
        ("projects", projects_page(project(), older)),
        ("projectDelete", lost),
        ("projects", projects_page(older)),                 # it was deleted: the answer only was lost
    )
    result = run(params(workspace_id=WS))
    script.done()
    assert result["project"]["id"] == OLDER and script.mutations == ["projectCreate", "projectDelete"]
