# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_info's one project query: what it reads and what it returns."""
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import railway_info

from .railway_environment_shared import CREDS, PID, PROD, WS, env_node, project_with, run


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
