# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_project: a Railway project, present or absent, found by name."""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, Write, converge
from ansible_collections.railstack.platform.plugins.module_utils._task import changed_fields
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, railway_argument_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_projects import (
    PROJECT_FIELDS, create_after_race, find_settled, project_result)

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    name=dict(type="str", required=True),
    workspace_id=dict(type="str"),
    description=dict(type="str"),
    pr_deploys=dict(type="bool"),
    default_environment=dict(type="str", default="production"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


# Option name -> Railway's field name, for the settings this module manages.
MANAGED = dict(description="description", pr_deploys="prDeploys")


def _view(project):
    """The part of a project that diff shows: what this module can manage."""
    return dict(name=project.get("name"), description=project.get("description"), pr_deploys=project.get("prDeploys"))


def _find(client, params):
    # a second project of the name may be a racing run's, deleted by it a moment later (see find_settled)
    return find_settled(client, params)


def _workspace_for_create(client, params, ctx):
    if params["workspace_id"]:
        return params["workspace_id"]
    workspaces = client.workspaces()
    if len(workspaces) == 1:
        return workspaces[0]["id"]
    ctx.fail("workspace_id: this token sees %d workspaces (%s); say which one the project belongs in. "
             "Railway keeps a project made without a workspace for 24 hours only." % (
                 len(workspaces), ", ".join("%s (%s)" % (w["name"], w["id"]) for w in workspaces)))
    return None


def _create(ctx, client, params):
    desired = {MANAGED[k]: params[k] for k in MANAGED if params[k] is not None}
    preview = dict(name=params["name"], description=params["description"], prDeploys=params["pr_deploys"], id=None,
                   workspaceId=params["workspace_id"],
                   environments=dict(edges=[dict(node=dict(id=None, name=params["default_environment"]))]))

    def apply():
        project_input = dict(name=params["name"], workspaceId=_workspace_for_create(client, params, ctx),
                             defaultEnvironmentName=params["default_environment"], **desired)
        return create_after_race(client, params, lambda: client.mutate(
            "mutation projectCreate($input: ProjectCreateInput!) { projectCreate(input: $input) { %s } }"
            % PROJECT_FIELDS, dict(input=project_input))["projectCreate"])

    return Write(preview, apply)


def _update(client, params, current):
    desired = {option: params[option] for option in MANAGED}
    current_view = dict(description=current.get("description"), pr_deploys=current.get("prDeploys"))
    update = {MANAGED[k]: desired[k] for k in changed_fields(current_view, desired)}
    if not update:
        return None
    return Write(dict(current, **update), lambda: client.mutate(
        "mutation projectUpdate($id: String!, $input: ProjectUpdateInput!) {"
        " projectUpdate(id: $id, input: $input) { %s } }" % PROJECT_FIELDS, dict(id=current["id"], input=update))["projectUpdate"])


def _delete(client, params, current):
    """Delete; a lost answer is fine when the project is gone. (Not the skeleton's find_again: a create
    recovers by itself, in create_after_race.)"""
    def apply():
        try:
            client.mutate("mutation projectDelete($id: String!) { projectDelete(id: $id) }", dict(id=current["id"]))
        except ApiError as exc:
            if not exc.lost_response or _find(client, params) is not None:
                raise

    return Write(None, apply)


def run(ctx):
    params = ctx.params
    client = ctx.register_client(RailwayClient(params))
    return converge(ctx, SingleObject(
        find=lambda: _find(client, params), view=_view,
        result=lambda before, after: dict(project=project_result(after or before) if after or before else {}),
        create=lambda: _create(ctx, client, params), update=lambda current: _update(client, params, current),
        remove=lambda current: _delete(client, params, current)))
