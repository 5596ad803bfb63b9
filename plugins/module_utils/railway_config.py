# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The environment-config engine: every per-environment Railway setting goes through here.

One read, one write, whatever the number of services:

    state = read_state(ctx, client, project, environment)       # 1-2 queries: project (services,
                                                                 # volumes by name) + environment config
    plan = Plan(state)                                           # desired partial settings, in Railway's
    plan.service(service_id, {"deploy": {"numReplicas": 2}})     # EnvironmentConfig shape; DELETE = null
    plan.shared_variables({"FOO": {"value": "1"}})
    outcome = commit(ctx, client, state, planner, message)       # environmentPatchCommit, or stage
                                                                 # (merge) + commit staged when the user
                                                                 # has staged work or skip_deploys is asked

Only the keys given are compared and written (Railway deep-merges a patch); map keys are ids;
`DELETE` becomes `null` (Railway deletes the key); an instance that is not yet in the
environment gets `isCreated: true`. A patch whose answer is lost is never blindly repeated: the
environment is read again and only what is still missing is sent.
"""

from __future__ import annotations

import copy

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError, PageGuard
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed, masked
from ansible_collections.railstack.platform.plugins.module_utils.railway import PAGE_SIZE, is_id, nodes, pick_environment


class _Delete:
    """Marks a key to delete (sent as null)."""

    def __repr__(self):
        return "DELETE"

    def __deepcopy__(self, memo):
        return self


DELETE = _Delete()

PROJECT_FIELDS = ("id name subscriptionType"
                  " environments(first: 100) { edges { node { id name isEphemeral } } }"
                  " services(first: %d) { edges { node { id name } } pageInfo { hasNextPage endCursor } }"
                  " volumes(first: %d) { edges { node { id name } } pageInfo { hasNextPage endCursor } }"
                  % (PAGE_SIZE, PAGE_SIZE))
ENVIRONMENT_FIELDS = "id name projectId config(decryptVariables: true) configEtag unmergedChangesCount"
STATE_QUERY = ("query environmentState($projectId: String!, $environmentId: String!) {"
               " project(id: $projectId) { %s } environment(id: $environmentId) { %s } }" % (PROJECT_FIELDS, ENVIRONMENT_FIELDS))
ENVIRONMENT_QUERY = "query environmentConfig($id: String!) { environment(id: $id) { %s } }" % ENVIRONMENT_FIELDS
PATCH_COMMIT = ("mutation environmentPatchCommit($environmentId: String!, $patch: EnvironmentConfig, $commitMessage: String) {"
                " environmentPatchCommit(environmentId: $environmentId, patch: $patch, commitMessage: $commitMessage) }")
STAGE = ("mutation environmentStageChanges($environmentId: String!, $input: EnvironmentConfig!, $merge: Boolean) {"
         " environmentStageChanges(environmentId: $environmentId, input: $input, merge: $merge) { id } }")
COMMIT_STAGED = ("mutation environmentPatchCommitStaged($environmentId: String!, $commitMessage: String, $skipDeploys: Boolean) {"
                 " environmentPatchCommitStaged(environmentId: $environmentId, commitMessage: $commitMessage, skipDeploys: $skipDeploys) }")

VARIABLE_SECTIONS = ("variables", "sharedVariables")


# ---------------------------------------------------------------------------------------- patches

def _same(have, want):
    if isinstance(want, list) and isinstance(have, str):      # preDeployCommand: a string or a list of them
        return want == [have]
    if isinstance(want, bool) or isinstance(have, bool):
        return have is want
    return have == want


def minimal_patch(current, desired):
    """The smallest patch that gives `current` every setting of `desired` (a partial config).

    Dicts are compared key by key (a dict missing in `current` is sent, even empty: `tcpProxies."5432": {}`);
    other values replace when they differ; DELETE sends null when the key exists.
    """
    current = current if isinstance(current, dict) else {}
    patch = {}
    for key, want in desired.items():
        have = current.get(key)
        if want is DELETE:
            if key in current:
                patch[key] = None
        elif isinstance(want, dict):
            sub = minimal_patch(have, want)
            if sub or not isinstance(have, dict):
                patch[key] = sub
        elif not _same(have, want):
            patch[key] = copy.deepcopy(want)
    return patch


def merge(config, patch):
    """`config` with `patch` applied the way Railway does: dicts merge, null deletes, the rest replaces."""
    out = copy.deepcopy(config) if isinstance(config, dict) else {}
    for key, value in patch.items():
        if value is None or value is DELETE:
            out.pop(key, None)
        elif isinstance(value, dict):
            out[key] = merge(out.get(key), value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def deep_update(target, patch):
    """Merge `patch` into the patch `target` (in place), keeping nulls: two plans for one instance."""
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_update(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
    return target


def view(config, desired):
    """The part of `config` that `desired` manages, with secret values masked (for diffs)."""
    config = config if isinstance(config, dict) else {}
    out = {}
    for key, want in desired.items():
        if key not in config:
            continue
        have = config[key]
        if isinstance(want, dict) and isinstance(have, dict) and key not in VARIABLE_SECTIONS and key != "registryCredentials":
            out[key] = view(have, want)
        else:
            out[key] = mask_secrets(key, copy.deepcopy(have))
    return out


def mask_secrets(key, value):
    """Variable values and registry passwords masked."""
    if key in VARIABLE_SECTIONS and isinstance(value, dict):
        return {name: _masked_variable(v) for name, v in value.items()}
    if key == "registryCredentials" and isinstance(value, dict):
        return dict(value, password=masked(value.get("password")))
    return value


def _masked_variable(variable):
    if not isinstance(variable, dict):
        return variable
    return dict(variable, value=masked(variable.get("value")))


def masked_config(config):
    """A whole config (or patch) with every secret value masked."""
    if not isinstance(config, dict):
        return config
    out = {}
    for key, value in config.items():
        if key in VARIABLE_SECTIONS or key == "registryCredentials":
            out[key] = mask_secrets(key, value)
        elif isinstance(value, dict):
            out[key] = masked_config(value)
        else:
            out[key] = value
    return out


def diff_views(before, after, changed_names=()):
    """Diff before/after where masked values would hide a change: mark changed variables in `after`."""
    for name in changed_names:
        for section in (after.get("variables"), after.get("sharedVariables")):
            if isinstance(section, dict) and isinstance(section.get(name), dict):
                section[name]["value"] = section[name].get("value", "") + " (changed)"
    return before, after


# ---------------------------------------------------------------------------------------- state

class EnvironmentState:
    """What one environment's plan needs: the project's services and volumes by name, and the config."""

    def __init__(self, project, environment):
        self.project = dict(id=project.get("id"), name=project.get("name"))
        self.plan = project.get("subscriptionType")      # free, trial, hobby, pro (None: not known yet)
        self.environments = nodes(project.get("environments"))
        self.services = {s["name"]: s["id"] for s in project.get("_services", nodes(project.get("services")))}
        self.volumes = {v["name"]: v["id"] for v in project.get("_volumes", nodes(project.get("volumes")))}
        self.environment = dict(id=environment.get("id"), name=environment.get("name")) if environment else None
        self.config = (environment or {}).get("config") or {}
        self.config_etag = (environment or {}).get("configEtag")
        self.unmerged_changes = (environment or {}).get("unmergedChangesCount") or 0
        self.exists = bool(self.project["id"]) and bool(self.environment and self.environment["id"])

    @property
    def service_names(self):
        return {sid: name for name, sid in self.services.items()}

    @property
    def volume_names(self):
        return {vid: name for name, vid in self.volumes.items()}

    def instance(self, service_id):
        """The service's settings in this environment, or None when it has no instance here."""
        return (self.config.get("services") or {}).get(service_id)

    def volume_instance(self, volume_id):
        return (self.config.get("volumes") or {}).get(volume_id)

    def with_environment(self, environment):
        """The same project with a fresh read of the environment."""
        clone = copy.copy(self)
        clone.config = environment.get("config") or {}
        clone.config_etag = environment.get("configEtag")
        clone.unmerged_changes = environment.get("unmergedChangesCount") or 0
        return clone


def _remaining_nodes(client, project, field):
    """Every node of project.<field> (services or volumes), fetching further pages when there are any."""
    connection = project.get(field) or {}
    found = nodes(connection)
    page = connection.get("pageInfo") or {}
    guard = PageGuard("Railway", "query projectPage (%s)" % field)
    while page.get("hasNextPage"):
        document = ("query projectPage($id: String!, $first: Int, $after: String) { project(id: $id) {"
                    " %s(first: $first, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } } } }" % field)
        more = client.query(document, dict(id=project["id"], first=PAGE_SIZE, after=guard.advance(page.get("endCursor"))))["project"][field]
        found.extend(nodes(more))
        page = more.get("pageInfo") or {}
    return found


def _complete(client, project):
    project = dict(project)
    project["_services"] = _remaining_nodes(client, project, "services")
    project["_volumes"] = _remaining_nodes(client, project, "volumes")
    return project


def _environment_names(project):
    return ", ".join(e["name"] for e in nodes(project.get("environments"))) or "none"


def read_state(ctx, client, project, environment, workspace_id=None):
    """The project (services and volumes by name) and the environment's whole config: one or two queries.

    In check mode a project or environment that does not exist yet (an earlier task of the same run
    would create it) gives an empty state whose `exists` is False.
    """
    if is_id(project) and environment and is_id(environment):
        try:
            data = client.query(STATE_QUERY, dict(projectId=project, environmentId=environment))
        except ApiError as exc:
            if "not found" in exc.message.lower():
                raise TaskFailed("project: %s (project %s, environment %s)" % (exc.message, project, environment))
            raise
        if data["environment"]["projectId"] != data["project"]["id"]:
            raise TaskFailed("environment: %s is not an environment of project %s (it has: %s)." % (
                environment, data["project"]["name"], _environment_names(data["project"])))
        return EnvironmentState(_complete(client, data["project"]), data["environment"])
    found = client.resolve_project(project, workspace_id, PROJECT_FIELDS, required=not ctx.check_mode)
    if found is None:
        ctx.warn("project %r does not exist yet; in check mode everything in it is reported as to be created." % project)
        return EnvironmentState(dict(id=None, name=project), dict(id=None, name=environment) if environment else None)
    found = _complete(client, found)
    if not environment:
        return EnvironmentState(found, None)
    env = pick_environment(found, environment)
    if env is None:
        if ctx.check_mode:
            ctx.warn("environment %r does not exist yet; in check mode everything in it is reported as to be created." % environment)
            return EnvironmentState(found, dict(id=None, name=environment))
        raise TaskFailed("environment: project %r has no environment %r (it has: %s)." % (
            found["name"], environment, _environment_names(found)))
    return EnvironmentState(found, client.query(ENVIRONMENT_QUERY, dict(id=env["id"]))["environment"])


def reread_environment(client, state):
    return state.with_environment(client.query(ENVIRONMENT_QUERY, dict(id=state.environment["id"]))["environment"])


# ---------------------------------------------------------------------------------------- plans

class Plan:
    """Desired partial settings of one environment, turned into one minimal patch."""

    def __init__(self, state):
        self.state = state
        self.patch = {}
        self.created = set()

    def service(self, service_id, desired, new=False):
        """Plan a service instance. `new`: the instance is not in the environment yet (isCreated)."""
        current = None if new else self.state.instance(service_id)
        sub = minimal_patch(current, desired)
        if current is None:
            sub = dict(isCreated=True, **sub)
            self.created.add(service_id)
        if sub:
            deep_update(self.patch.setdefault("services", {}).setdefault(service_id, {}), sub)
        return sub

    def delete_service_instance(self, service_id):
        if self.state.instance(service_id) is not None:
            self.patch.setdefault("services", {})[service_id] = dict(isDeleted=True)

    def volume(self, volume_id, desired, new=False):
        current = None if new else self.state.volume_instance(volume_id)
        sub = minimal_patch(current, desired)
        if current is None:
            sub = dict(isCreated=True, **sub)
        if sub:
            deep_update(self.patch.setdefault("volumes", {}).setdefault(volume_id, {}), sub)
        return sub

    def shared_variables(self, desired):
        sub = minimal_patch(self.state.config.get("sharedVariables"), desired)
        if sub:
            deep_update(self.patch.setdefault("sharedVariables", {}), sub)
        return sub

    @property
    def changed(self):
        return bool(self.patch)

    def after(self):
        """The environment's config once the patch is committed."""
        config = copy.deepcopy(self.state.config)
        for section in ("services", "volumes"):
            for object_id, change in (self.patch.get(section) or {}).items():
                instances = config.setdefault(section, {})
                if change is None or change.get("isDeleted"):
                    instances.pop(object_id, None)
                else:
                    instances[object_id] = merge(instances.get(object_id), change)
                    instances[object_id].pop("isCreated", None)
        rest = {k: v for k, v in self.patch.items() if k not in ("services", "volumes")}
        return merge(config, rest)


def wire_patch(patch):
    """The patch as sent: DELETE becomes null."""
    if isinstance(patch, dict):
        return {k: (None if v is DELETE else wire_patch(v)) for k, v in patch.items()}
    return patch


# ---------------------------------------------------------------------------------------- the write

def commit(ctx, client, state, planner, message, skip_deploys=False):
    """Write what `planner(state)` (a Plan) holds: one environmentPatchCommit, or stage + commit staged.

    Staging is used when the environment already has staged changes (they are merged with ours,
    never replaced, and committed together; a warning says so) or when skip_deploys is asked.
    When an answer is lost, the environment is read again and only what is still missing is sent.
    Returns dict(staged=bool, patch_id=str or None).
    """
    plan = planner(state)
    if not plan.changed or ctx.check_mode:
        return dict(staged=bool(plan.changed and (state.unmerged_changes or skip_deploys)), patch_id=None)
    for attempt in (1, 2):
        staged = bool(state.unmerged_changes or skip_deploys)
        if state.unmerged_changes:
            ctx.warn("environment %s had %d staged change(s) made outside this task; they were merged with this task's "
                     "changes and committed together (Railway commits staged changes as one)." % (
                         state.environment["name"], state.unmerged_changes))
        try:
            patch = wire_patch(plan.patch)
            if staged:
                client.mutate(STAGE, dict(environmentId=state.environment["id"], input=patch, merge=True))
                patch_id = client.mutate(COMMIT_STAGED, dict(environmentId=state.environment["id"], commitMessage=message,
                                                             skipDeploys=bool(skip_deploys)))["environmentPatchCommitStaged"]
            else:
                patch_id = client.mutate(PATCH_COMMIT, dict(environmentId=state.environment["id"], patch=patch,
                                                            commitMessage=message))["environmentPatchCommit"]
            return dict(staged=staged, patch_id=patch_id)
        except ApiError as exc:
            if not exc.lost_response or attempt == 2:
                raise
            state = reread_environment(client, state)
            plan = planner(state)
            if not plan.changed:
                return dict(staged=staged, patch_id=None)
    return None  # not reached
