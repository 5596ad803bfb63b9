# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_lease: one run of a stack at a time, across machines, kept at Railway.

The lease is a service named LEASE_SERVICE in the stack's project, with no source (nothing deploys).
Railway refuses a second service of one name in a project ("Service with name X already exists"),
so creating it is a compare-and-set that one run wins. Its variables name the holder (run id, host,
start); its createdAt, with ttl_minutes, says when a holder killed without releasing is stale.
Releasing deletes that service by its id, so a run never releases a lease taken over by another.
"""

from __future__ import annotations

import datetime
import os
import socket
import time
import uuid

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, nodes, railway_argument_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_projects import (
    PROJECT_FIELDS, create_after_race, find_settled, project_result)

LEASE_SERVICE = "railstack-lease"
HOLDER_VARIABLES = ("RAILSTACK_LEASE_RUN", "RAILSTACK_LEASE_HOST", "RAILSTACK_LEASE_STARTED")
POLL_SECONDS = 3

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    project=dict(type="str", required=True),
    workspace_id=dict(type="str"),
    description=dict(type="str"),
    pr_deploys=dict(type="bool"),
    default_environment=dict(type="str", default="production"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    lease_id=dict(type="str"),
    run_id=dict(type="str"),
    wait=dict(type="int", default=0),
    ttl_minutes=dict(type="int", default=60),
    take_over=dict(type="bool", default=False),
)
MODULE_KWARGS = dict(required_if=[("state", "absent", ("lease_id",))])

TAKE = ("mutation railstackLeaseTake($input: ServiceCreateInput!) {"
        " serviceCreate(input: $input) { id name createdAt } }")
DROP = "mutation railstackLeaseRelease($id: String!) { serviceDelete(id: $id) }"
LEASE_READ = "services(first: 100) { edges { node { id name createdAt } } } baseEnvironmentId"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _parse_time(text):
    try:
        return datetime.datetime.fromisoformat((text or "").replace("Z", "+00:00"))
    except ValueError:
        return None


def holder_variables(run_id: str) -> dict:
    return dict(RAILSTACK_LEASE_RUN=run_id, RAILSTACK_LEASE_HOST="%s (pid %d)" % (socket.gethostname(), os.getpid()),
                RAILSTACK_LEASE_STARTED=_now().strftime("%Y-%m-%dT%H:%M:%SZ"))


def read_lease(client, project: dict):
    """The lease service of the project with its holder, or None when no run holds it."""
    found = client.get_project(project["id"], LEASE_READ)
    lease = next((s for s in nodes(found["services"]) if s["name"] == LEASE_SERVICE), None)
    if lease is None:
        return None
    environment_id = found.get("baseEnvironmentId") or project_result(project)["environments"][0]["id"]
    values = client.query("query railstackLeaseHolder($projectId: String!, $environmentId: String!, $serviceId: String) {"
                          " variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) }",
                          dict(projectId=project["id"], environmentId=environment_id, serviceId=lease["id"]))["variables"]
    holder = {name[len("RAILSTACK_LEASE_"):].lower(): (values or {}).get(name) for name in HOLDER_VARIABLES}
    return dict(lease, holder=holder)


def describe(lease: dict) -> str:
    holder = lease["holder"]
    return "run %s on %s, since %s" % (holder.get("run") or "?", holder.get("host") or "?",
                                       holder.get("started") or lease.get("createdAt") or "?")


def is_stale(lease: dict, ttl_minutes: int) -> bool:
    started = _parse_time(lease.get("createdAt"))
    return started is not None and _now() - started > datetime.timedelta(minutes=ttl_minutes)


def _try_take(client, project: dict, run_id: str):
    """The lease taken by this run, or None when another run holds it."""
    variables = dict(input=dict(projectId=project["id"], name=LEASE_SERVICE, variables=holder_variables(run_id)))
    try:
        return client.mutate(TAKE, variables)["serviceCreate"]
    except ApiError as exc:
        if exc.lost_response:
            lease = read_lease(client, project)
            if lease is not None and lease["holder"].get("run") == run_id:
                return lease
            return None if lease is not None else _try_take(client, project, run_id)
        if "already exists" in exc.message:
            return None
        raise


def _drop(client, lease_id: str, again: bool = True) -> bool:
    """Delete a lease by id; False when it is already gone (released, or taken over).

    Deleting one id twice is harmless, so a lost answer is answered by sending the delete once more."""
    try:
        client.mutate(DROP, dict(id=lease_id))
    except ApiError as exc:
        if "not found" in exc.message.lower():
            return False
        if exc.lost_response and again:
            return _drop(client, lease_id, again=False) or True
        raise
    return True


def take(ctx, client, project: dict):
    """(lease, waited_for): take the project's lease, waiting for a holder (bounded) and taking over a stale one,
    or fail naming the holder. waited_for is the holder this run waited for, or None."""
    params = ctx.params
    run_id = params["run_id"] or uuid.uuid4().hex
    deadline = time.monotonic() + max(params["wait"], 0)
    waited_for = None
    for _attempt in range(max(params["wait"], 0) // POLL_SECONDS + 10):
        taken = _try_take(client, project, run_id)
        if taken is not None:
            return dict(taken, holder=dict(run=run_id)), waited_for
        lease = read_lease(client, project)
        if lease is None:
            continue            # released between our try and our read: try again at once
        if params["take_over"] or is_stale(lease, params["ttl_minutes"]):
            reason = "take_over is set" if params["take_over"] else "older than ttl_minutes=%d" % params["ttl_minutes"]
            ctx.warn("Took over the lease of project %s from %s (%s)." % (project["name"], describe(lease), reason))
            _drop(client, lease["id"])
            continue
        if time.monotonic() + POLL_SECONDS > deadline:
            ctx.fail("project: another run of this stack holds its lease (%s); nothing was written. Wait for it to end, "
                     "or give a longer wait; if that run was killed, take_over the lease (its holder is stale after "
                     "%d minutes). The lease is the service %r of project %s." % (
                         describe(lease), params["ttl_minutes"], LEASE_SERVICE, project["id"]), holder=lease["holder"])
        waited_for = lease["holder"]
        time.sleep(POLL_SECONDS)
    raise TaskFailed("project: the lease of project %s changed hands too often to be taken; run again." % project["id"])


def _lease_result(lease, project) -> dict:
    if lease is None:
        return {}
    return dict(id=lease.get("id"), project_id=project["id"], created_at=lease.get("createdAt"), holder=lease["holder"])


def projects_named(client, params: dict) -> list:
    """The projects called params["name"], in one request: every workspace's projects with the token's workspaces."""
    if client.uses_project_token or params["workspace_id"]:
        return client.find_projects(params["name"], params["workspace_id"], PROJECT_FIELDS)
    try:
        workspaces = client.query("query railstackLeaseProjects { me { workspaces { id name projects(first: 100) {"
                                  " edges { node { %s } } pageInfo { hasNextPage } } } } }" % PROJECT_FIELDS)["me"]["workspaces"]
    except ApiError as exc:
        if "not authorized" not in exc.message.lower():
            raise
        # a workspace token may not ask for `me`: its projects are listed through apiToken's workspace
        return client.find_projects(params["name"], None, PROJECT_FIELDS)
    if any(w["projects"]["pageInfo"]["hasNextPage"] for w in workspaces):
        return client.find_projects(params["name"], None, PROJECT_FIELDS)
    return [p for w in workspaces for p in nodes(w["projects"]) if p["name"] == params["name"]]


def _ensure_project(ctx, client, params: dict):
    """(project, created): the stack's project, created when absent (race-safe); None in check mode."""
    params = dict(params, name=params["project"])
    project = find_settled(client, params, find=lambda: projects_named(client, params))
    if project is not None or ctx.check_mode:
        return project, project is None
    project_input = dict(name=params["name"], defaultEnvironmentName=params["default_environment"],
                         workspaceId=params["workspace_id"] or _single_workspace(client))
    project_input.update({k: v for k, v in dict(description=params["description"], prDeploys=params["pr_deploys"]).items()
                          if v is not None})

    def create():
        return client.mutate("mutation projectCreate($input: ProjectCreateInput!) { projectCreate(input: $input) { %s } }"
                             % PROJECT_FIELDS, dict(input=project_input))["projectCreate"]

    return create_after_race(client, params, create), True


def _single_workspace(client) -> str:
    workspaces = client.workspaces()
    if len(workspaces) != 1:
        raise TaskFailed("workspace_id: this token sees %d workspaces (%s); say which one the project belongs in." % (
            len(workspaces), ", ".join("%s (%s)" % (w["name"], w["id"]) for w in workspaces)))
    return workspaces[0]["id"]


def run(ctx):
    params = ctx.params
    client = ctx.register_client(RailwayClient(params))
    if params["state"] == "absent":
        if ctx.check_mode:
            return ctx.result(changed=False, released=False)
        released = _drop(client, params["lease_id"])
        if not released:
            ctx.warn("The lease %s was already gone: another run took it over, or it was released." % params["lease_id"])
        return ctx.result(changed=False, released=released)
    if client.uses_project_token:
        ctx.fail("project_token: a project token cannot take the run's lease (Railway lets only account and "
                 "workspace tokens create services); use api_token.")
    project, created = _ensure_project(ctx, client, params)
    if ctx.check_mode:
        held = read_lease(client, project) if project is not None else None
        if held is not None:
            ctx.warn("Another run of this stack holds its lease (%s); a real run would wait for it." % describe(held))
        return ctx.result(changed=created, project=project_result(project) if project else {}, lease={})
    lease, waited_for = take(ctx, client, project)
    return ctx.result(changed=created, project=project_result(project), lease=_lease_result(lease, project),
                      waited_for=waited_for)
