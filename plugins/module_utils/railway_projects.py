# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Railway projects found and created by name, shared by railway_project and railway_lease: the fields read, the
result shape, and the rule that settles two runs creating the same project."""

from __future__ import annotations

import time

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed, create_or_find_again
from ansible_collections.railstack.platform.plugins.module_utils.railway import nodes

PROJECT_FIELDS = ("id name description isPublic prDeploys workspaceId createdAt"
                  " environments(first: 100) { edges { node { id name isEphemeral } } }")


def project_result(project):
    """A project as returned by the module (Railway's words in snake_case)."""
    return dict(
        id=project.get("id"),
        name=project.get("name"),
        description=project.get("description"),
        pr_deploys=project.get("prDeploys"),
        is_public=project.get("isPublic"),
        workspace_id=project.get("workspaceId"),
        environments=[dict(id=e["id"], name=e["name"], is_ephemeral=e.get("isEphemeral", False))
                      for e in nodes(project.get("environments"))],
    )


# ------------------------------------------------------------------ two runs creating the same project
# Railway project names are not unique: two runs that both found no project both create one. Each run,
# after creating, lists the projects of the name; the oldest (createdAt, then id) is the project, and a
# run whose own project is not that one deletes it (it made it a moment ago, it is empty) and adopts the
# oldest. Both runs apply the same rule to the same list, so they agree.

SETTLE_SECONDS = 10         # how long a duplicate made by a racing run may take to be deleted by it
SETTLE_POLL_SECONDS = 1


def oldest_first(projects: list) -> list:
    return sorted(projects, key=lambda p: (p.get("createdAt") or "", p.get("id") or ""))


def create_after_race(client, params: dict, create) -> dict:
    """Create the project once, then keep the oldest project of its name (deleting ours if it lost)."""
    created = create_or_find_again(create, lambda: _newest(client, params))
    listed = oldest_first(client.find_projects(params["name"], params["workspace_id"], PROJECT_FIELDS))
    winner = listed[0] if listed else created           # a list that does not show ours yet has no older one
    if winner["id"] == created["id"]:
        return created
    try:
        client.mutate("mutation projectDelete($id: String!) { projectDelete(id: $id) }", dict(id=created["id"]))
    except ApiError as exc:
        left = client.find_projects(params["name"], params["workspace_id"], PROJECT_FIELDS) if exc.lost_response else None
        if left is None or any(p["id"] == created["id"] for p in left):
            raise
    return winner


def _newest(client, params: dict):
    matches = oldest_first(client.find_projects(params["name"], params["workspace_id"], PROJECT_FIELDS))
    return matches[-1] if matches else None


def find_settled(client, params: dict, find=None):
    """The one project of the name (None when there is none), after racing runs deleted their duplicates.

    find() lists the projects of the name (default: client.find_projects with PROJECT_FIELDS). Several
    projects of the name that stay for SETTLE_SECONDS are a stack duplicated earlier: a failure naming
    each project and what to delete, before any write."""
    find = find or (lambda: client.find_projects(params["name"], params["workspace_id"], PROJECT_FIELDS))
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        matches = find()
        if len(matches) < 2:
            return matches[0] if matches else None
        if time.monotonic() >= deadline:
            raise TaskFailed(duplicates_message(client, params["name"], matches))
        time.sleep(SETTLE_POLL_SECONDS)


def duplicates_message(client, name: str, projects: list) -> str:
    """Which projects share the name, and which ones to delete: keep the one holding services (the oldest if tied)."""
    counted = []
    for project in oldest_first(projects):
        services = nodes(client.get_project(project["id"], "services(first: 100) { edges { node { id } } }")["services"])
        counted.append((project, len(services)))
    keep = max(counted, key=lambda pair: pair[1])[0] if any(count for dummy, count in counted) else counted[0][0]
    described = ["%s (created %s, %d services)" % (p["id"], p.get("createdAt") or "?", n) for p, n in counted]
    delete = [p["id"] for p, dummy in counted if p["id"] != keep["id"]]
    return ("name: %d Railway projects are called %r: %s. The stack is one project; nothing was written. Keep %s and "
            "delete %s in Railway (the project's Settings, Danger), or rename the others, then run again."
            % (len(projects), name, "; ".join(described), keep["id"], " and ".join(delete)))
