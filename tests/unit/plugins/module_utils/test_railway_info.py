# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_info's growth: domains with status, latest deployments, volumes with sizes, notification rules, query counts."""
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import railway_info
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

TOKEN = "rw-account-token-0123456789"
WS = "11111111-1111-4111-8111-111111111111"
PID = "22222222-2222-4222-8222-222222222222"
ENV = "aaaaaaaa-0000-4000-8000-000000000001"
SVC = "bbbbbbbb-0000-4000-8000-000000000001"
CREDS = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True, timeout=5)
HOOK = "https://hooks.slack.com/services/T0/B0/verysecret"


def params(**overrides):
    values = dict(CREDS, project=PID, workspace_id=None, query=None)
    values.update(overrides)
    return values


def project(pid=PID, name="prela"):
    latest = dict(id="d-1", status="SUCCESS", createdAt="t", statusUpdatedAt="t",
                  staticUrl="api-production.up.railway.app", canRollback=False)
    instance = dict(serviceId=SVC, latestDeployment=latest,
                    domains=dict(serviceDomains=[dict(id="sd-1", domain="api-production.up.railway.app", targetPort=8080,
                                                      syncStatus="ACTIVE")],
                                 customDomains=[dict(id="cd-1", domain="api.prela.app", targetPort=None, syncStatus="ACTIVE",
                                                     status=dict(verified=True, certificateStatus="CERTIFICATE_STATUS_TYPE_VALID"))]))
    config = dict(services={SVC: dict(networking=dict(serviceDomains={"api-production.up.railway.app": {}},
                                                      customDomains={"api.prela.app": {}}))},
                  volumes={"vol-1": dict(sizeMB=10000, region="us-west2")})
    env = dict(id=ENV, name="production", isEphemeral=False, config=config, serviceInstances=dict(edges=[dict(node=instance)]))
    return dict(id=pid, name=name, description=None, isPublic=False, prDeploys=False, workspaceId=WS, createdAt="t",
                environments=dict(edges=[dict(node=env)]), services=dict(edges=[dict(node=dict(id=SVC, name="api", icon=None))]),
                volumes=dict(edges=[dict(node=dict(id="vol-1", name="api-volume"))]))


RULES = [dict(id="r-1", projectId=PID, eventTypes=["deployment.failed"], severities=[], ephemeralEnvironments=None,
              channels=[dict(config=dict(type="webhook", url=HOOK))]),
         dict(id="r-2", projectId=None, eventTypes=["deployment.crashed"], severities=["CRITICAL"], ephemeralEnvironments=True,
              channels=[dict(config=dict(type="webhook", url=HOOK))]),
         dict(id="r-3", projectId="33333333-3333-4333-8333-333333333333", eventTypes=["x"], severities=[],
              ephemeralEnvironments=None, channels=[])]


def page(*projects):
    return dict(projects=dict(edges=[dict(node=p) for p in projects], pageInfo=dict(hasNextPage=False, endCursor=None)),
                notificationRules=RULES)


def run(p):
    return execute(railway_info, TaskContext(p, check_mode=False, diff=False, no_log_values={TOKEN}))


def test_by_id_with_workspace_is_one_query(railway_script):
    script = railway_script(("projectInfo", dict(project=project(), notificationRules=RULES)))
    result = run(params(workspace_id=WS))
    script.done()
    assert result["api_requests"] == 1
    assert script.sent[0][2] == dict(id=PID, workspaceId=WS)
    service = result["project"]["environments"][0]["services"][0]
    assert service["domains"] == [
        dict(domain="api-production.up.railway.app", type="service", target_port=8080, sync_status="ACTIVE"),
        dict(domain="api.prela.app", type="custom", target_port=None, sync_status="ACTIVE", verified=True,
             certificate_status="CERTIFICATE_STATUS_TYPE_VALID")]
    assert service["latest_deployment"]["id"] == "d-1" and service["latest_deployment"]["status"] == "SUCCESS"
    assert service["service_domains"] == ["api-production.up.railway.app"]
    assert result["project"]["environments"][0]["volumes"][0]["size_mb"] == 10000
    assert [r["id"] for r in result["project"]["notification_rules"]] == ["r-1", "r-2"]
    assert result["project"]["notification_rules"][0]["channels"] == [dict(type="webhook", host="hooks.slack.com")]
    assert "verysecret" not in repr(result)


def test_by_id_alone_reads_rules_in_a_second_query(railway_script):
    script = railway_script(("project", dict(project=project())), ("notificationRules", dict(notificationRules=RULES[:2])))
    result = run(params())
    script.done()
    assert script.sent[1][2] == dict(workspaceId=WS, projectId=PID)
    assert len(result["project"]["notification_rules"]) == 2


def test_by_name_reads_projects_and_rules_together(railway_script):
    other = project("44444444-4444-4444-8444-444444444444", "other")
    script = railway_script(("workspaces", dict(apiToken=dict(workspaces=[dict(id=WS, name="ws")]))),
                            ("projectsInfo", page(other, project())))
    result = run(params(project="prela"))
    script.done()
    assert result["api_requests"] == 2
    assert result["project"]["id"] == PID
    script = railway_script(("projectsInfo", page(project())))
    result = run(params(project="prela", workspace_id=WS))
    script.done()
    assert result["api_requests"] == 1


def test_duplicate_and_missing_names_fail_naming_the_option(railway_script):
    railway_script(("projectsInfo", page(project(), project("44444444-4444-4444-8444-444444444444"))))
    result = run(params(project="prela", workspace_id=WS))
    assert result["failed"] is True and result["msg"].startswith("project:")
    railway_script(("projectsInfo", page()))
    result = run(params(project="nope", workspace_id=WS))
    assert result["failed"] is True and result["msg"].startswith("project:")


def test_project_token_reads_no_rules(railway_script):
    script = railway_script(("projectTokenScope", dict(projectToken=dict(projectId=PID, environmentId=ENV))),
                            ("project", dict(project=project())))
    result = run(params(project=None, api_token=None, project_token="pt-0123456789"))
    script.done()
    assert result["projects"][0]["notification_rules"] == []


def test_no_deployment_yet_is_null(railway_script):
    bare = project()
    bare["environments"]["edges"][0]["node"]["serviceInstances"]["edges"][0]["node"]["latestDeployment"] = None
    railway_script(("projectInfo", dict(project=bare, notificationRules=[])))
    result = run(params(workspace_id=WS))
    assert result["project"]["environments"][0]["services"][0]["latest_deployment"] is None
