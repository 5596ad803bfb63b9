# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_info: a whole Railway project (or every project of a workspace) in one query."""

from __future__ import annotations

import traceback

from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, nodes, railway_argument_spec

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

# Everything per environment comes from its EnvironmentConfig (variable values stay masked).
INFO_FIELDS = ("id name description isPublic prDeploys workspaceId createdAt"
               " environments(first: 100) { edges { node { id name isEphemeral config(decryptVariables: false) } } }"
               " services(first: 100) { edges { node { id name icon } } }"
               " volumes(first: 100) { edges { node { id name } } }")


def _environment(env, service_names, volume_names):
    config = env.get("config") or {}
    services = []
    for service_id, svc in sorted((config.get("services") or {}).items()):
        networking = svc.get("networking") or {}
        services.append(dict(
            id=service_id,
            name=service_names.get(service_id),
            variables=sorted((svc.get("variables") or {}).keys()),
            service_domains=sorted((networking.get("serviceDomains") or {}).keys()),
            custom_domains=sorted((networking.get("customDomains") or {}).keys()),
            tcp_proxy_ports=sorted(int(p) for p in (networking.get("tcpProxies") or {}).keys()),
            volume_mounts=[dict(volume_id=vid, volume_name=volume_names.get(vid), mount_path=(mount or {}).get("mountPath"))
                           for vid, mount in sorted((svc.get("volumeMounts") or {}).items())],
        ))
    volumes = [dict(id=vid, name=volume_names.get(vid), size_mb=(vol or {}).get("sizeMB"), region=(vol or {}).get("region"))
               for vid, vol in sorted((config.get("volumes") or {}).items())]
    return dict(id=env["id"], name=env["name"], is_ephemeral=bool(env.get("isEphemeral")),
                shared_variables=sorted((config.get("sharedVariables") or {}).keys()),
                services=services, volumes=volumes)


def project_info(project):
    """A project read with INFO_FIELDS, in the module's result shape."""
    services = nodes(project.get("services"))
    volumes = nodes(project.get("volumes"))
    service_names = {s["id"]: s["name"] for s in services}
    volume_names = {v["id"]: v["name"] for v in volumes}
    return dict(
        id=project["id"], name=project["name"], description=project.get("description"),
        pr_deploys=project.get("prDeploys"), is_public=project.get("isPublic"), workspace_id=project.get("workspaceId"),
        services=[dict(id=s["id"], name=s["name"]) for s in services],
        volumes=[dict(id=v["id"], name=v["name"]) for v in volumes],
        environments=[_environment(e, service_names, volume_names) for e in nodes(project.get("environments"))],
    )


def run(ctx):
    params = ctx.params
    if params["query"] and not HAS_JMESPATH:
        ctx.fail("query: the jmespath Python library is needed on the controller for this option.", exception=JMESPATH_IMPORT_ERROR)
    client = ctx.register_client(RailwayClient(params))
    if params["project"]:
        projects = [project_info(client.resolve_project(params["project"], params["workspace_id"], INFO_FIELDS))]
    elif client.uses_project_token:
        projects = [project_info(client.get_project(client.token_scope()["projectId"], INFO_FIELDS))]
    else:
        workspace_ids = [params["workspace_id"]] if params["workspace_id"] else [w["id"] for w in client.workspaces()]
        projects = [project_info(p) for ws in workspace_ids for p in client.list_projects(ws, INFO_FIELDS)]
    values = dict(projects=projects)
    if params["project"]:
        values["project"] = projects[0]
    if params["query"]:
        try:
            values["query_result"] = jmespath.search(params["query"], values.get("project", projects))
        except jmespath.exceptions.JMESPathError as exc:
            ctx.fail("query: %s" % exc)
    return ctx.result(changed=False, **values)
