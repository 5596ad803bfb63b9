# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_info: a whole Railway project (or every project of a workspace) in one query.

Per environment: the EnvironmentConfig (variable names, never values; volumes with their size) and
each service instance's domains (with verification and certificate status) and latest deployment.
The workspace's notification rules come in the same query when the workspace is known beforehand
(workspace_id given, or projects listed by workspace), else in one more.
"""

from __future__ import annotations

import traceback
from urllib.parse import urlsplit

from ansible_collections.railstack.platform.plugins.module_utils._http import PageGuard
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.railway import (
    PAGE_SIZE,
    RailwayClient,
    is_id,
    nodes,
    railway_argument_spec,
)

try:
    import jmespath

    HAS_JMESPATH = True
    JMESPATH_IMPORT_ERROR = None
except ImportError:
    HAS_JMESPATH = False
    JMESPATH_IMPORT_ERROR = traceback.format_exc()

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    project=dict(type="str"),
    workspace_id=dict(type="str"),
    query=dict(type="str"),
)

# Everything per environment comes from its EnvironmentConfig (variable values stay masked), plus each service
# instance's domains and latest deployment.
INSTANCE_FIELDS = (
    "serviceInstances(first: 100) { edges { node { serviceId"
    " latestDeployment { id status createdAt statusUpdatedAt staticUrl canRollback }"
    " domains { serviceDomains { id domain targetPort syncStatus }"
    " customDomains { id domain targetPort syncStatus status { verified certificateStatus } } } } } }"
)
INFO_FIELDS = (
    "id name description isPublic prDeploys workspaceId createdAt"
    " environments(first: 100) { edges { node { id name isEphemeral config(decryptVariables: false)"
    " %s } } }"
    " services(first: 100) { edges { node { id name icon } } }"
    " volumes(first: 100) { edges { node { id name } } }" % INSTANCE_FIELDS
)
RULE_FIELDS = "id projectId eventTypes severities ephemeralEnvironments channels { config }"


def _deployment(record):
    if not record:
        return None
    return dict(
        id=record.get("id"),
        status=record.get("status"),
        created_at=record.get("createdAt"),
        status_updated_at=record.get("statusUpdatedAt"),
        static_url=record.get("staticUrl"),
        can_rollback=record.get("canRollback"),
    )


def _domains(found):
    found = found or {}
    out = [
        dict(domain=d.get("domain"), type="service", target_port=d.get("targetPort"), sync_status=d.get("syncStatus"))
        for d in found.get("serviceDomains") or []
    ]
    for d in found.get("customDomains") or []:
        status = d.get("status") or {}
        out.append(
            dict(
                domain=d.get("domain"),
                type="custom",
                target_port=d.get("targetPort"),
                sync_status=d.get("syncStatus"),
                verified=bool(status.get("verified")),
                certificate_status=status.get("certificateStatus"),
            )
        )
    return out


def _environment(env, service_names, volume_names):
    config = env.get("config") or {}
    instances = {i.get("serviceId"): i for i in nodes(env.get("serviceInstances"))}
    services = []
    for service_id, svc in sorted((config.get("services") or {}).items()):
        networking = svc.get("networking") or {}
        instance = instances.get(service_id) or {}
        services.append(
            dict(
                id=service_id,
                name=service_names.get(service_id),
                variables=sorted((svc.get("variables") or {}).keys()),
                service_domains=sorted((networking.get("serviceDomains") or {}).keys()),
                custom_domains=sorted((networking.get("customDomains") or {}).keys()),
                tcp_proxy_ports=sorted(int(p) for p in (networking.get("tcpProxies") or {}).keys()),
                volume_mounts=[
                    dict(volume_id=vid, volume_name=volume_names.get(vid), mount_path=(mount or {}).get("mountPath"))
                    for vid, mount in sorted((svc.get("volumeMounts") or {}).items())
                ],
                domains=_domains(instance.get("domains")),
                latest_deployment=_deployment(instance.get("latestDeployment")),
            )
        )
    volumes = [
        dict(id=vid, name=volume_names.get(vid), size_mb=(vol or {}).get("sizeMB"), region=(vol or {}).get("region"))
        for vid, vol in sorted((config.get("volumes") or {}).items())
    ]
    return dict(
        id=env["id"],
        name=env["name"],
        is_ephemeral=bool(env.get("isEphemeral")),
        shared_variables=sorted((config.get("sharedVariables") or {}).keys()),
        services=services,
        volumes=volumes,
    )


def rule_info(rule):
    """A notification rule without its channel URLs (a Slack or Discord webhook URL is a credential)."""
    channels = []
    for channel in rule.get("channels") or []:
        config = channel.get("config") if isinstance(channel.get("config"), dict) else {}
        channels.append(dict(type=config.get("type"), host=urlsplit(str(config.get("url") or "")).hostname))
    return dict(
        id=rule.get("id"),
        project_id=rule.get("projectId"),
        event_types=list(rule.get("eventTypes") or []),
        severities=list(rule.get("severities") or []),
        ephemeral_environments=rule.get("ephemeralEnvironments"),
        channels=channels,
    )


def project_info(project, rules=None):
    """A project read with INFO_FIELDS, in the module's result shape; `rules`: the workspace's notification rules."""
    services = nodes(project.get("services"))
    volumes = nodes(project.get("volumes"))
    service_names = {s["id"]: s["name"] for s in services}
    volume_names = {v["id"]: v["name"] for v in volumes}
    return dict(
        id=project["id"],
        name=project["name"],
        description=project.get("description"),
        pr_deploys=project.get("prDeploys"),
        is_public=project.get("isPublic"),
        workspace_id=project.get("workspaceId"),
        services=[dict(id=s["id"], name=s["name"]) for s in services],
        volumes=[dict(id=v["id"], name=v["name"]) for v in volumes],
        environments=[_environment(e, service_names, volume_names) for e in nodes(project.get("environments"))],
        notification_rules=[rule_info(r) for r in rules or () if r.get("projectId") in (project["id"], None)],
    )


def _with_rules(document_rules):
    return " notificationRules(workspaceId: $workspaceId%s) { %s }" % (document_rules, RULE_FIELDS)


def read_workspace(client, workspace_id, rules=True):
    """(every project of a workspace, its notification rules): one query per page of projects."""
    document = (
        "query projectsInfo($workspaceId: String!, $first: Int, $after: String) {"
        " projects(workspaceId: $workspaceId, first: $first, after: $after) {"
        " edges { node { %s } } pageInfo { hasNextPage endCursor } }%s }"
        % (INFO_FIELDS, _with_rules("") if rules else "")
    )
    projects, found_rules, after = [], None, None
    guard = PageGuard("Railway", "query projectsInfo")
    while True:
        data = client.query(document, dict(workspaceId=workspace_id, first=PAGE_SIZE, after=after))
        projects.extend(nodes(data["projects"]))
        if found_rules is None:
            found_rules = data.get("notificationRules")
        if not data["projects"]["pageInfo"]["hasNextPage"]:
            return projects, found_rules
        after = guard.advance(data["projects"]["pageInfo"]["endCursor"])


def read_project(client, project_id, workspace_id=None, rules=True):
    """(a project, its workspace's rules for it): one query, two when the workspace is not known beforehand."""
    if workspace_id and rules:
        data = client.query(
            "query projectInfo($id: String!, $workspaceId: String!) { project(id: $id) { %s }%s }"
            % (INFO_FIELDS, _with_rules(", projectId: $id")),
            dict(id=project_id, workspaceId=workspace_id),
        )
        return data["project"], data["notificationRules"]
    project = client.get_project(project_id, INFO_FIELDS)
    if not rules:
        return project, None
    data = client.query(RULES_QUERY, dict(workspaceId=project["workspaceId"], projectId=project_id))
    return project, data["notificationRules"]


RULES_QUERY = (
    "query notificationRules($workspaceId: String!, $projectId: String) {"
    " notificationRules(workspaceId: $workspaceId, projectId: $projectId) { %s } }" % RULE_FIELDS
)


def _read(client, params):
    """[(project, rules)] for what params ask."""
    wanted, workspace_id = params["project"], params["workspace_id"]
    if client.uses_project_token:
        # Notification rules are workspace objects: a project token cannot read them.
        project_id = wanted if is_id(wanted) else client.token_scope()["projectId"]
        project = client.get_project(project_id, INFO_FIELDS)
        if wanted and wanted not in (project["id"], project["name"]):
            raise TaskFailed("project: this project token is for project %r, not %r." % (project["name"], wanted))
        return [(project, None)]
    if wanted and is_id(wanted):
        return [read_project(client, wanted, workspace_id)]
    workspace_ids = [workspace_id] if workspace_id else [w["id"] for w in client.workspaces()]
    found = []
    for ws in workspace_ids:
        projects, rules = read_workspace(client, ws)
        found.extend((p, rules) for p in projects if not wanted or p["name"] == wanted)
    if wanted and len(found) > 1:
        raise TaskFailed(
            "project: %d Railway projects are called %r (%s); give the project's id instead."
            % (len(found), wanted, ", ".join(pair[0]["id"] for pair in found))
        )
    if wanted and not found:
        raise TaskFailed(
            "project: no Railway project called %r is visible to this token%s."
            % (wanted, " in workspace %s" % workspace_id if workspace_id else "")
        )
    return found


def run(ctx):
    params = ctx.params
    if params["query"] and not HAS_JMESPATH:
        ctx.fail(
            "query: the jmespath Python library is needed on the controller for this option.",
            exception=JMESPATH_IMPORT_ERROR,
        )
    client = ctx.register_client(RailwayClient(params))
    projects = [project_info(project, rules) for project, rules in _read(client, params)]
    values = dict(projects=projects)
    if params["project"]:
        values["project"] = projects[0]
    if params["query"]:
        try:
            values["query_result"] = jmespath.search(params["query"], values.get("project", projects))
        except jmespath.exceptions.JMESPathError as exc:
            ctx.fail("query: %s" % exc)
    return ctx.result(changed=False, **values)
