# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import railway_environment, railway_info
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

TOKEN = "rw-account-token-0123456789"
WS = "11111111-1111-4111-8111-111111111111"
PID = "22222222-2222-4222-8222-222222222222"
PROD = "aaaaaaaa-0000-4000-8000-000000000001"
STAGING = "aaaaaaaa-0000-4000-8000-000000000002"
CREDS = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True, timeout=5)


def env_node(env_id, name, source=None, ephemeral=False, config=None):
    node = dict(id=env_id, name=name, isEphemeral=ephemeral, projectId=PID,
                sourceEnvironment=dict(id=source[0], name=source[1]) if source else None)
    if config is not None:
        node["config"] = config
    return node


def project_with(*envs, **extra):
    return dict(project=dict(id=PID, name="prela", environments=dict(edges=[dict(node=e) for e in envs]), **extra))


def env_params(**overrides):
    values = dict(CREDS, project=PID, workspace_id=None, name="staging", source_environment=None, ephemeral=None, state="present")
    values.update(overrides)
    return values


def run(resource, p, check_mode=False):
    return execute(resource, TaskContext(p, check_mode=check_mode, diff=True, no_log_values={TOKEN}))


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


CONFIG = {
    "services": {
        "svc-1": {
            "variables": {"DATABASE_URL": {"value": "*****"}, "APP_KEY": {"value": "*****"}},
            "networking": {"serviceDomains": {"api-production.up.railway.app": {"port": 8080}},
                           "customDomains": {"api.prela.app": {"port": 8080}}, "tcpProxies": {"5432": {}}},
            "volumeMounts": {"vol-1": {"mountPath": "/data"}},
        }
    },
    "sharedVariables": {"CLICKHOUSE_URL": {"value": "*****"}},
    "volumes": {"vol-1": {"sizeMB": 5000, "region": "us-west2"}},
}


def info_params(**overrides):
    values = dict(CREDS, project=PID, workspace_id=WS, query=None)
    values.update(overrides)
    return values


def info_project():
    """The answer to railway_info's one query (project by id, workspace known): the project and the rules."""
    project = project_with(env_node(PROD, "production", config=CONFIG), description=None, isPublic=False, prDeploys=False,
                           workspaceId=WS,
                           services=dict(edges=[dict(node=dict(id="svc-1", name="api", icon=None))]),
                           volumes=dict(edges=[dict(node=dict(id="vol-1", name="api-volume"))]))
    return dict(notificationRules=[], **project)


def test_info_reads_the_whole_project_in_one_query(railway_script):
    script = railway_script(("projectInfo", info_project()))
    result = run(railway_info, info_params())
    script.done()
    assert result["changed"] is False
    env = result["project"]["environments"][0]
    assert env["shared_variables"] == ["CLICKHOUSE_URL"]
    service = env["services"][0]
    assert service["name"] == "api"
    assert service["variables"] == ["APP_KEY", "DATABASE_URL"]
    assert service["custom_domains"] == ["api.prela.app"]
    assert service["tcp_proxy_ports"] == [5432]
    assert service["volume_mounts"] == [dict(volume_id="vol-1", volume_name="api-volume", mount_path="/data")]
    assert env["volumes"] == [dict(id="vol-1", name="api-volume", size_mb=5000, region="us-west2")]
    assert "*****" not in repr(result)


def test_info_query(railway_script):
    railway_script(("projectInfo", info_project()))
    result = run(railway_info, info_params(query="environments[].services[].name"))
    assert result["query_result"] == ["api"]


def test_info_bad_query_names_the_option(railway_script):
    railway_script(("projectInfo", info_project()))
    result = run(railway_info, info_params(query="environments[?"))
    assert result["failed"] is True
    assert result["msg"].startswith("query:")
