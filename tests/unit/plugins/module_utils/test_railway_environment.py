# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_environment: exactly which requests are sent."""
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import railway_environment
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError

from .railway_environment_shared import CREDS, PID, PROD, WS, env_node, project_with, run


STAGING = "aaaaaaaa-0000-4000-8000-000000000002"


def env_params(**overrides):
    values = dict(CREDS, project=PID, workspace_id=None, name="staging", source_environment=None, ephemeral=None, state="present")
    values.update(overrides)
    return values


def test_environment_forked_from_source_by_name(railway_script):
    script = railway_script(
        ("project", project_with(env_node(PROD, "production"))),
        ("environmentCreate", lambda v: dict(environmentCreate=env_node(STAGING, v["input"]["name"], source=(PROD, "production")))),
    )
    result = run(railway_environment, env_params(source_environment="production"))
    script.done()
    assert result["changed"] is True
    assert script.sent[-1][2]["input"] == dict(projectId=PID, name="staging", sourceEnvironmentId=PROD)
    assert result["environment"]["source_environment"] == dict(id=PROD, name="production")


def test_environment_no_op_is_one_read(railway_script):
    script = railway_script(("project", project_with(env_node(PROD, "production"), env_node(STAGING, "staging", (PROD, "production")))))
    result = run(railway_environment, env_params(source_environment="production"))
    script.done()
    assert result["changed"] is False
    assert result["api_requests"] == 1
    assert "warnings" not in result


def test_unknown_source_environment_fails_before_any_write_naming_candidates(railway_script):
    script = railway_script(("project", project_with(env_node(PROD, "production"))))
    result = run(railway_environment, env_params(source_environment="prod"))
    assert result["failed"] is True
    assert result["msg"].startswith("source_environment:")
    assert "production" in result["msg"]
    assert script.mutations == []


def test_environment_check_mode_when_project_does_not_exist_yet(railway_script):
    script = railway_script(("workspaces", dict(apiToken=dict(workspaces=[dict(id=WS, name="w")]))),
                            ("projects", dict(projects=dict(edges=[], pageInfo=dict(hasNextPage=False, endCursor=None)))))
    result = run(railway_environment, env_params(project="new-project"), check_mode=True)
    script.done()
    assert result["changed"] is True
    assert script.mutations == []
    assert "does not exist yet" in result["warnings"][0]


def test_environment_missing_project_fails_naming_field(railway_script):
    railway_script(("workspaces", dict(apiToken=dict(workspaces=[dict(id=WS, name="w")]))),
                   ("projects", dict(projects=dict(edges=[], pageInfo=dict(hasNextPage=False, endCursor=None)))))
    result = run(railway_environment, env_params(project="nope"))
    assert result["failed"] is True
    assert result["msg"].startswith("project:")


def test_environment_lost_create_found_again(railway_script):
    lost = ApiError("closed", provider="Railway", lost_response=True)
    script = railway_script(
        ("project", project_with(env_node(PROD, "production"))),
        ("environmentCreate", lost),
        ("project", project_with(env_node(PROD, "production"), env_node(STAGING, "staging"))),
    )
    result = run(railway_environment, env_params())
    script.done()
    assert result["environment"]["id"] == STAGING
    assert script.mutations == ["environmentCreate"]


def test_environment_absent(railway_script):
    script = railway_script(("project", project_with(env_node(PROD, "production"), env_node(STAGING, "staging"))),
                            ("environmentDelete", dict(environmentDelete=True)))
    result = run(railway_environment, env_params(state="absent"))
    script.done()
    assert result["changed"] is True
    assert script.sent[-1][2] == dict(id=STAGING)


def test_ephemeral_difference_is_a_warning_not_a_change(railway_script):
    railway_script(("project", project_with(env_node(STAGING, "staging"))))
    result = run(railway_environment, env_params(ephemeral=True))
    assert result["changed"] is False
    assert result["warnings"][0].startswith("ephemeral:")
