# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_environment: an environment of a Railway project, present or absent, found by name."""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, Write, converge, deletion
from ansible_collections.railstack.platform.plugins.module_utils.railway import (
    RailwayClient, nodes, pick_environment, railway_argument_spec)

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    project=dict(type="str", required=True),
    workspace_id=dict(type="str"),
    name=dict(type="str", required=True),
    source_environment=dict(type="str"),
    ephemeral=dict(type="bool"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)

ENVIRONMENT_FIELDS = "id name isEphemeral projectId sourceEnvironment { id name }"
PROJECT_FIELDS = "id name environments(first: 100) { edges { node { %s } } }" % ENVIRONMENT_FIELDS


def environment_result(env, project_id):
    source = env.get("sourceEnvironment") or {}
    return dict(id=env.get("id"), name=env.get("name"), project_id=project_id, is_ephemeral=bool(env.get("isEphemeral")),
                source_environment=dict(id=source.get("id"), name=source.get("name")) if source else None)


def _by_name(project, name):
    return next((env for env in nodes(project.get("environments")) if env["name"] == name), None)


def _view(env):
    source = env.get("sourceEnvironment") or {}
    return dict(name=env.get("name"), ephemeral=bool(env.get("isEphemeral")), source_environment=source.get("name"))


def _planned_without_project(ctx, params):
    """Check mode only: the project itself would be created by an earlier task of the same run."""
    if params["state"] == "absent":
        return ctx.result(changed=False, environment={})
    ctx.warn("project %r does not exist yet; in check mode the environment is reported as to be created with it." % params["project"])
    env = dict(name=params["name"], isEphemeral=bool(params["ephemeral"]),
               sourceEnvironment=dict(name=params["source_environment"]) if params["source_environment"] else None)
    return ctx.result(changed=True, environment=environment_result(env, None), diff=({}, _view(env)))


def _warn_fixed(ctx, params, current):
    """Nothing changes on an existing environment: say what the options would have set at creation."""
    if params["ephemeral"] is not None and bool(current.get("isEphemeral")) != params["ephemeral"]:
        ctx.warn("ephemeral: environment %r is %s ephemeral and Railway cannot change that after creation; left as it is." % (
            current["name"], "" if current.get("isEphemeral") else "not"))
    source_wanted = params["source_environment"]
    source_is = (current.get("sourceEnvironment") or {})
    if source_wanted and source_wanted not in (source_is.get("id"), source_is.get("name")):
        ctx.warn("source_environment: environment %r already exists; it is only forked from %r when it is created." % (
            current["name"], source_wanted))


def _create(ctx, client, params, project):
    env_input = dict(projectId=project["id"], name=params["name"])
    source = None
    if params["source_environment"]:
        source = pick_environment(project, params["source_environment"])
        if source is None:
            ctx.fail("source_environment: project %r has no environment %r (it has: %s)." % (
                project["name"], params["source_environment"], ", ".join(e["name"] for e in nodes(project["environments"])) or "none"))
        env_input["sourceEnvironmentId"] = source["id"]
    if params["ephemeral"] is not None:
        env_input["ephemeral"] = params["ephemeral"]
    planned = dict(name=params["name"], isEphemeral=bool(params["ephemeral"]), sourceEnvironment=source)
    return Write(planned, lambda: client.mutate(
        "mutation environmentCreate($input: EnvironmentCreateInput!) { environmentCreate(input: $input) { %s } }"
        % ENVIRONMENT_FIELDS, dict(input=env_input))["environmentCreate"])


def _delete(client, current):
    return deletion(lambda: client.mutate("mutation environmentDelete($id: String!) { environmentDelete(id: $id) }",
                                          dict(id=current["id"])))


def run(ctx):
    params = ctx.params
    client = ctx.register_client(RailwayClient(params))
    project = client.resolve_project(params["project"], params["workspace_id"], PROJECT_FIELDS, required=not ctx.check_mode)
    if project is None:
        return _planned_without_project(ctx, params)

    def update(current):
        _warn_fixed(ctx, params, current)

    return converge(ctx, SingleObject(
        find=lambda: _by_name(project, params["name"]),
        find_again=lambda: _by_name(client.get_project(project["id"], PROJECT_FIELDS), params["name"]),
        view=_view, create=lambda: _create(ctx, client, params, project), update=update,
        remove=lambda current: _delete(client, current),
        result=lambda before, after: dict(environment=environment_result(after or before, project["id"])
                                          if after or before else {})))
