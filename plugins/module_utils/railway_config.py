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
    outcome = commit(ctx, client, state, planner, message)       # check configEtag, environmentPatchCommit
                                                                 # (or stage + commit staged for skip_deploys),
                                                                 # then wait until Railway has applied it

Only the keys given are compared and written (Railway deep-merges a patch); map keys are ids;
`DELETE` becomes `null` (Railway deletes the key); an instance that is not yet in the
environment gets `isCreated: true`. A patch whose answer is lost is never blindly repeated: the
environment is read again and only what is still missing is sent.

Railway applies a committed patch asynchronously (its status is APPLYING, then COMMITTED, or it
ends in `lastAppliedError`). `commit` waits for it, so no later task reads a config still being
applied; `read_state` first waits for patches of the environment still APPLYING (an interrupted run).
Staged changes made by someone else are refused unless `staged_changes` says otherwise, and a config
that changed between the read and the commit (its configEtag) fails the task instead of being overwritten.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Iterable
from typing import Any, NoReturn
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError, PageGuard
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, TaskFailed, masked
from ansible_collections.railstack.platform.plugins.module_utils.railway import (
    PAGE_SIZE,
    RailwayClient,
    is_id,
    nodes,
    pick_environment,
)

# A Railway EnvironmentConfig, or a part or a patch of one (Railway's JSON shape; DELETE where a key goes).
Config = dict[str, Any]


class _Delete:
    """Marks a key to delete (sent as null)."""

    def __repr__(self) -> str:
        return "DELETE"

    def __deepcopy__(self, memo: dict[int, Any]) -> _Delete:
        return self


DELETE = _Delete()

PROJECT_FIELDS = (
    "id name subscriptionType"
    " environments(first: 100) { edges { node { id name isEphemeral } } }"
    " services(first: %d) { edges { node { id name } } pageInfo { hasNextPage endCursor } }"
    " volumes(first: %d) { edges { node { id name } } pageInfo { hasNextPage endCursor } }" % (PAGE_SIZE, PAGE_SIZE)
)
VARIABLE_PAGE = "edges { node { name serviceId isSealed } } pageInfo { hasNextPage endCursor }"
ENVIRONMENT_FIELDS = (
    "id name projectId config(decryptVariables: true) configEtag unmergedChangesCount"
    " serviceInstances(first: 100) { edges { node { serviceId latestDeployment { id status meta } } } }"
    " variables(first: %d) { %s }" % (PAGE_SIZE, VARIABLE_PAGE)
)
VARIABLES_QUERY = (
    "query environmentVariables($id: String!, $first: Int, $after: String) {"
    " environment(id: $id) { variables(first: $first, after: $after) { %s } } }" % VARIABLE_PAGE
)
PENDING_PATCHES = "environmentPatches(environmentId: $%s, first: 10) { edges { node { id status } } }"  # newest first
STATE_QUERY = (
    "query environmentState($projectId: String!, $environmentId: String!) {"
    " project(id: $projectId) { %s } environment(id: $environmentId) { %s } %s }"
    % (PROJECT_FIELDS, ENVIRONMENT_FIELDS, PENDING_PATCHES % "environmentId")
)
ENVIRONMENT_QUERY = "query environmentConfig($id: String!) { environment(id: $id) { %s } %s }" % (
    ENVIRONMENT_FIELDS,
    PENDING_PATCHES % "id",
)
GUARD_QUERY = (
    "query environmentGuard($environmentId: String!) {"
    " environment(id: $environmentId) { configEtag unmergedChangesCount } %s }" % (PENDING_PATCHES % "environmentId")
)
PATCH_QUERY = (
    "query environmentPatch($id: String!) { environmentPatch(id: $id) { id status lastAppliedError appliedAt } }"
)
STAGED_QUERY = (
    "query environmentStagedChanges($environmentId: String!) {"
    " environmentStagedChanges(environmentId: $environmentId) { id patch } }"
)
PATCH_COMMIT = (
    "mutation environmentPatchCommit($environmentId: String!, $patch: EnvironmentConfig, $commitMessage: String) {"
    " environmentPatchCommit(environmentId: $environmentId, patch: $patch, commitMessage: $commitMessage) }"
)
STAGE = (
    "mutation environmentStageChanges($environmentId: String!, $input: EnvironmentConfig!, $merge: Boolean) {"
    " environmentStageChanges(environmentId: $environmentId, input: $input, merge: $merge) { id } }"
)
STAGE_AND_READ = (  # the same write, answering the staged patch as it now is (ours merged in)
    "mutation environmentStageChanges($environmentId: String!, $input: EnvironmentConfig!, $merge: Boolean) {"
    " environmentStageChanges(environmentId: $environmentId, input: $input, merge: $merge) { id patch } }"
)
COMMIT_STAGED = (
    "mutation environmentPatchCommitStaged($environmentId: String!, $commitMessage: String, $skipDeploys: Boolean) {"
    " environmentPatchCommitStaged(environmentId: $environmentId, commitMessage: $commitMessage, skipDeploys: $skipDeploys) }"
)

VARIABLE_SECTIONS = ("variables", "sharedVariables")
STAGED_CHANGES = ("refuse", "stage", "commit")
PATCH_POLL_DELAYS = (0.3, 0.5, 1.0, 2.0, 3.0, 5.0)  # seconds between polls of a patch; the last one repeats
PATCH_TIMEOUT = 120.0  # seconds a commit waits for Railway to apply its patch
sleep = time.sleep  # replaced in unit tests


# The option of every module that commits through this engine; documented in doc_fragments/railway.py CONFIG.
STAGED_CHANGES_OPTION = dict(type="str", choices=list(STAGED_CHANGES), default="refuse")


# ---------------------------------------------------------------------------------------- patches


def _same(have: Any, want: Any) -> bool:
    if isinstance(want, list) and isinstance(have, str):  # preDeployCommand: a string or a list of them
        return want == [have]
    if isinstance(want, bool) or isinstance(have, bool):
        return have is want
    return have == want


def minimal_patch(current: Any, desired: Config) -> Config:
    """The smallest patch that gives `current` every setting of `desired` (a partial config).

    Dicts are compared key by key (a dict missing in `current` is sent, even empty: `tcpProxies."5432": {}`);
    other values replace when they differ; DELETE sends null when the key exists.
    """
    current = current if isinstance(current, dict) else {}
    patch: Config = {}
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


def merge(config: Any, patch: Config) -> Config:
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


def deep_update(target: Config, patch: Config) -> Config:
    """Merge `patch` into the patch `target` (in place), keeping nulls: two plans for one instance."""
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_update(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
    return target


def view(config: Any, desired: Config) -> Config:
    """The part of `config` that `desired` manages, with secret values masked (for diffs)."""
    config = config if isinstance(config, dict) else {}
    out: Config = {}
    for key, want in desired.items():
        if key not in config:
            continue
        have = config[key]
        if (
            isinstance(want, dict)
            and isinstance(have, dict)
            and key not in VARIABLE_SECTIONS
            and key != "registryCredentials"
        ):
            out[key] = view(have, want)
        else:
            out[key] = mask_secrets(key, copy.deepcopy(have))
    return out


# Names of variables whose values are secrets (API_KEY, DB_PASSWORD, SENTRY_DSN, DATABASE_URL, ...).
SECRET_NAME_RE = re.compile(
    r"(KEY|SECRET|TOKEN|PASS|PWD|CREDENTIAL|PRIVATE|AUTH|SALT|SIGNING|CERT|DSN|_URL$|^URL$)", re.I
)
GENERATED_PREFIX = "railstack.platform generated"  # the description of a generated secret (railway_variables)
ONLY_REFERENCES_RE = re.compile(r"^(\$\{\{[^{}]*\}\})+$")


def is_secret_variable(name: str, variable: Any) -> bool:
    """Whether a variable's value must not be shown: sealed, generated, a secret-looking name, or a connection string.

    A value made only of references (${{Postgres.DATABASE_URL}}) holds no secret and is shown."""
    value = variable.get("value") if isinstance(variable, dict) else variable
    if isinstance(variable, dict) and (
        variable.get("isSealed") or str(variable.get("description") or "").startswith(GENERATED_PREFIX)
    ):
        return True
    if not isinstance(value, str) or ONLY_REFERENCES_RE.match(value.strip()):
        return False
    return bool(SECRET_NAME_RE.search(name)) or "://" in value


def mask_secrets(key: str, value: Any) -> Any:
    """Secret variable values (is_secret_variable) and registry passwords masked; other values shown."""
    if key in VARIABLE_SECTIONS and isinstance(value, dict):
        return {name: _masked_variable(v) if is_secret_variable(name, v) else v for name, v in value.items()}
    if key == "registryCredentials" and isinstance(value, dict):
        return dict(value, password=masked(value.get("password")))
    return value


def _masked_variable(variable: Any) -> Any:
    if not isinstance(variable, dict):
        return variable
    return dict(variable, value=masked(variable.get("value")))


def masked_config(config: Any) -> Any:
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


def diff_hunk(state: EnvironmentState, what: str, before: Any, after: Any) -> dict[str, Any]:
    """A diff headed by the environment and what changes in it ("service api", "shared variables")."""
    header = "environment %s, %s" % ((state.environment or {}).get("name") or "?", what)
    return dict(
        before=before if before is not None else {},
        before_header=header,
        after=after if after is not None else {},
        after_header=header,
    )


def diff_views(before: Config, after: Config, changed_names: Iterable[str] = ()) -> tuple[Config, Config]:
    """Diff before/after where masked values would hide a change: mark changed variables in `after`."""
    for name in changed_names:
        for section in (after.get("variables"), after.get("sharedVariables")):
            if isinstance(section, dict) and isinstance(section.get(name), dict):
                section[name]["value"] = section[name].get("value", "") + " (changed)"
    return before, after


# ---------------------------------------------------------------------------------------- state


class EnvironmentState:
    """What one environment's plan needs: the project's services and volumes by name, and the config."""

    def __init__(self, project: dict[str, Any], environment: dict[str, Any] | None) -> None:
        self.project = dict(id=project.get("id"), name=project.get("name"))
        self.plan = project.get("subscriptionType")  # free, trial, hobby, pro (None: not known yet)
        self.environments = nodes(project.get("environments"))
        self.services = {s["name"]: s["id"] for s in project.get("_services", nodes(project.get("services")))}
        self.volumes = {v["name"]: v["id"] for v in project.get("_volumes", nodes(project.get("volumes")))}
        self.environment: dict[str, Any] | None = (
            dict(id=environment.get("id"), name=environment.get("name")) if environment else None
        )
        self.config = with_sealed_variables((environment or {}).get("config") or {}, environment)
        self.config_etag = (environment or {}).get("configEtag")
        self.unmerged_changes = (environment or {}).get("unmergedChangesCount") or 0
        # {service id: its latest deployment (id, status, meta)}: what runs, which the config may not say (a rollback)
        self.latest_deployments = {
            i["serviceId"]: i.get("latestDeployment")
            for i in nodes((environment or {}).get("serviceInstances"))
            if i.get("serviceId")
        }
        self.exists = bool(self.project["id"]) and bool(self.environment and self.environment["id"])
        self.written_since_read = False  # set by a granular write of this task (serviceCreate, volumeCreate)
        # the staged patch this run made (adopt_staged): its changes are in `config` and commit() commits them
        self.run_staged: Config | None = None

    @property
    def known_environment(self) -> dict[str, Any]:
        """The environment (id, name), for the steps that run only once it exists: reads again, writes, waits."""
        if self.environment is None:
            raise TaskFailed("environment: no environment was given for project %s." % self.project["name"])
        return self.environment

    @property
    def service_names(self) -> dict[str, str]:
        return {sid: name for name, sid in self.services.items()}

    @property
    def volume_names(self) -> dict[str, str]:
        return {vid: name for name, vid in self.volumes.items()}

    def instance(self, service_id: str) -> Config | None:
        """The service's settings in this environment, or None when it has no instance here."""
        return (self.config.get("services") or {}).get(service_id)

    def volume_instance(self, volume_id: str) -> Config | None:
        return (self.config.get("volumes") or {}).get(volume_id)

    def with_environment(self, environment: dict[str, Any]) -> EnvironmentState:
        """The same project with a fresh read of the environment."""
        clone = copy.copy(self)
        clone.config = with_sealed_variables(environment.get("config") or {}, environment)
        clone.config_etag = environment.get("configEtag")
        clone.unmerged_changes = environment.get("unmergedChangesCount") or 0
        clone.written_since_read = False
        if clone.run_staged is not None:
            clone.config = applied(clone.config, clone.run_staged)
        return clone

    def adopt_staged(self, patch: Config) -> None:
        """Take the environment's staged `patch` as this run's own: planned on top of, and committed with ours."""
        self.run_staged = patch
        self.config = applied(self.config, patch)

    @property
    def owns_staged(self) -> bool:
        """Whether the environment's staged changes are this run's own (adopt_staged), so commit() commits them."""
        return self.run_staged is not None and self.unmerged_changes > 0


def with_sealed_variables(config: Config, environment: dict[str, Any] | None) -> Config:
    """`config` with an entry `{isSealed: true}` (no value) for every sealed variable it leaves out.

    Railway may leave sealed variables out of `config`; `environment.variables` lists every variable's
    name and isSealed. Without this, a sealed variable would look missing and be written on every run.
    """
    sealed = [v for v in nodes((environment or {}).get("variables")) if v.get("isSealed")]
    if not sealed:
        return config
    config = copy.deepcopy(config)
    for variable in sealed:
        if variable.get("serviceId"):
            instance = (config.get("services") or {}).get(variable["serviceId"])
            if instance is None:
                continue
            variables = instance.setdefault("variables", {})
        else:
            variables = config.setdefault("sharedVariables", {})
        variables.setdefault(variable["name"], dict(isSealed=True))
    return config


def _remaining_nodes(client: RailwayClient, project: dict[str, Any], field: str) -> list[dict[str, Any]]:
    """Every node of project.<field> (services or volumes), fetching further pages when there are any."""
    connection = project.get(field) or {}
    found = nodes(connection)
    page = connection.get("pageInfo") or {}
    guard = PageGuard("Railway", "query projectPage (%s)" % field)
    while page.get("hasNextPage"):
        document = (
            "query projectPage($id: String!, $first: Int, $after: String) { project(id: $id) {"
            " %s(first: $first, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } } } }"
            % field
        )
        more = client.query(
            document, dict(id=project["id"], first=PAGE_SIZE, after=guard.advance(page.get("endCursor")))
        )["project"][field]
        found.extend(nodes(more))
        page = more.get("pageInfo") or {}
    return found


def _complete(client: RailwayClient, project: dict[str, Any]) -> dict[str, Any]:
    project = dict(project)
    project["_services"] = _remaining_nodes(client, project, "services")
    project["_volumes"] = _remaining_nodes(client, project, "volumes")
    return project


def _environment_names(project: dict[str, Any]) -> str:
    return ", ".join(e["name"] for e in nodes(project.get("environments"))) or "none"


def read_state(
    ctx: TaskContext, client: RailwayClient, project: str, environment: str | None, workspace_id: str | None = None
) -> EnvironmentState:
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
            raise TaskFailed(
                "environment: %s is not an environment of project %s (it has: %s)."
                % (environment, data["project"]["name"], _environment_names(data["project"]))
            )
        state = EnvironmentState(_complete(client, data["project"]), _all_variables(client, data["environment"]))
        return _settled(ctx, client, state, data)
    found = client.resolve_project(project, workspace_id, PROJECT_FIELDS, required=not ctx.check_mode)
    if found is None:
        ctx.warn(
            "project %r does not exist yet; in check mode everything in it is reported as to be created." % project
        )
        return EnvironmentState(dict(id=None, name=project), dict(id=None, name=environment) if environment else None)
    found = _complete(client, found)
    if not environment:
        return EnvironmentState(found, None)
    env = pick_environment(found, environment)
    if env is None:
        if ctx.check_mode:
            ctx.warn(
                "environment %r does not exist yet; in check mode everything in it is reported as to be created."
                % environment
            )
            return EnvironmentState(found, dict(id=None, name=environment))
        raise TaskFailed(
            "environment: project %r has no environment %r (it has: %s)."
            % (found["name"], environment, _environment_names(found))
        )
    data = client.query(ENVIRONMENT_QUERY, dict(id=env["id"]))
    return _settled(ctx, client, EnvironmentState(found, _all_variables(client, data["environment"])), data)


def _all_variables(client: RailwayClient, environment: dict[str, Any]) -> dict[str, Any]:
    """`environment` with every page of its `variables` (names and isSealed), when there are more than one."""
    connection = environment.get("variables") or {}
    page = connection.get("pageInfo") or {}
    if not page.get("hasNextPage"):
        return environment
    edges = list(connection.get("edges") or [])
    while page.get("hasNextPage"):
        more = client.query(VARIABLES_QUERY, dict(id=environment["id"], first=PAGE_SIZE, after=page.get("endCursor")))
        more = more["environment"]["variables"]
        edges.extend(more.get("edges") or [])
        page = more.get("pageInfo") or {}
    return dict(environment, variables=dict(edges=edges))


def reread_environment(
    client: RailwayClient, state: EnvironmentState, ctx: TaskContext | None = None
) -> EnvironmentState:
    """The same state with a fresh read of the environment (after waiting for patches still being applied)."""
    data = client.query(ENVIRONMENT_QUERY, dict(id=state.known_environment["id"]))
    return _settled(ctx, client, state.with_environment(_all_variables(client, data["environment"])), data)


def pending_patch_ids(data: dict[str, Any]) -> list[str]:
    """Ids of the environment's patches that Railway is still applying, from a read with PENDING_PATCHES."""
    return [p["id"] for p in nodes(data.get("environmentPatches")) if p.get("status") == "APPLYING"]


def _settled(
    ctx: TaskContext | None, client: RailwayClient, state: EnvironmentState, data: dict[str, Any]
) -> EnvironmentState:
    """`state`, or, when patches of the environment were still being applied, a read made once they are."""
    pending = pending_patch_ids(data)
    if not pending:
        return state
    for patch_id in pending:
        outcome = wait_for_patch(client, patch_id, state)
        if outcome.get("lastAppliedError") and ctx is not None:
            ctx.warn(
                "environment %s: an earlier patch (%s) was refused by Railway: %s"
                % (state.known_environment["name"], patch_id, describe_refusal(state, outcome["lastAppliedError"]))
            )
    data = client.query(ENVIRONMENT_QUERY, dict(id=state.known_environment["id"]))
    return state.with_environment(_all_variables(client, data["environment"]))


# ---------------------------------------------------------------------------------------- plans


class Plan:
    """Desired partial settings of one environment, turned into one minimal patch."""

    def __init__(self, state: EnvironmentState) -> None:
        self.state = state
        self.patch: Config = {}
        self.created: set[str] = set()

    def service(self, service_id: str, desired: Config, new: bool = False) -> Config:
        """Plan a service instance. `new`: the instance is not in the environment yet (isCreated)."""
        current = None if new else self.state.instance(service_id)
        sub = minimal_patch(current, desired)
        if current is None:
            sub = dict(isCreated=True, **sub)
            self.created.add(service_id)
        if sub:
            deep_update(self.patch.setdefault("services", {}).setdefault(service_id, {}), sub)
        return sub

    def delete_service_instance(self, service_id: str) -> None:
        if self.state.instance(service_id) is not None:
            self.patch.setdefault("services", {})[service_id] = dict(isDeleted=True)

    def volume(self, volume_id: str, desired: Config, new: bool = False) -> Config:
        current = None if new else self.state.volume_instance(volume_id)
        sub = minimal_patch(current, desired)
        if current is None:
            sub = dict(isCreated=True, **sub)
        if sub:
            deep_update(self.patch.setdefault("volumes", {}).setdefault(volume_id, {}), sub)
        return sub

    def shared_variables(self, desired: Config) -> Config:
        sub = minimal_patch(self.state.config.get("sharedVariables"), desired)
        if sub:
            deep_update(self.patch.setdefault("sharedVariables", {}), sub)
        return sub

    @property
    def changed(self) -> bool:
        return bool(self.patch)

    def after(self) -> Config:
        """The environment's config once the patch is committed."""
        return applied(self.state.config, self.patch)


def applied(config: Config, patch: Config) -> Config:
    """`config` once Railway has applied `patch` (instances created, changed or deleted)."""
    config = copy.deepcopy(config)
    for section in ("services", "volumes"):
        for object_id, change in (patch.get(section) or {}).items():
            instances = config.setdefault(section, {})
            if change is None or change.get("isDeleted"):
                instances.pop(object_id, None)
            else:
                instances[object_id] = merge(instances.get(object_id), change)
                instances[object_id].pop("isCreated", None)
    rest = {k: v for k, v in patch.items() if k not in ("services", "volumes")}
    return merge(config, rest)


def wire_patch(patch: Any) -> Any:
    """The patch as sent: DELETE becomes null."""
    if isinstance(patch, dict):
        return {k: (None if v is DELETE else wire_patch(v)) for k, v in patch.items()}
    return patch


# ---------------------------------------------------------------------------------------- waiting for Railway


def wait_for_patch(client: RailwayClient, patch_id: str | None, state: EnvironmentState) -> dict[str, Any]:
    """Poll environmentPatch(id) with back-off until Railway has applied it or refused it; its last answer.

    Fails (TaskFailed) when it is still APPLYING after PATCH_TIMEOUT seconds.
    """
    waited, polls = 0.0, 0
    while True:
        delay = PATCH_POLL_DELAYS[min(polls, len(PATCH_POLL_DELAYS) - 1)]
        sleep(delay)
        waited += delay
        polls += 1
        patch = client.query(PATCH_QUERY, dict(id=patch_id))["environmentPatch"]
        if patch.get("lastAppliedError") or patch.get("status") != "APPLYING":
            return patch
        if waited >= PATCH_TIMEOUT:
            raise TaskFailed(
                "environment: Railway is still applying patch %s to environment %s after %d s; it may "
                "still be applied. Rerun later: the next run waits for it, then plans again."
                % (patch_id, state.known_environment["name"], waited)
            )


def describe_refusal(state: EnvironmentState, error: str | None) -> str:
    """Railway's lastAppliedError with the ids of services and volumes replaced by their names."""
    text = re.sub(r"^Invalid environment config patch:\s*", "", error or "")
    for names in (state.services, state.volumes):
        for name, object_id in names.items():
            text = text.replace(object_id, name)
    return text


def wait_until_applied(client: RailwayClient, state: EnvironmentState, patch_id: str | None) -> dict[str, Any]:
    """Wait for our own patch; fail naming what Railway refused (the service and the setting)."""
    patch = wait_for_patch(client, patch_id, state)
    if patch.get("lastAppliedError"):
        raise TaskFailed(
            "%s (Railway accepted the change to environment %s, then refused to apply it as patch %s; "
            "nothing of it was applied. Fix that setting and rerun.)"
            % (describe_refusal(state, patch["lastAppliedError"]), state.known_environment["name"], patch_id)
        )
    return patch


# ---------------------------------------------------------------------------------------- concurrency


def staged_summary(client: RailwayClient, state: EnvironmentState) -> str:
    """What is staged in the environment, in words: 'services web, worker; shared variables FOO'."""
    staged = client.query(STAGED_QUERY, dict(environmentId=state.known_environment["id"]))["environmentStagedChanges"]
    patch = staged.get("patch") or {}
    names = dict(state.service_names, **state.volume_names)
    parts = []
    for section, label in (("services", "services"), ("volumes", "volumes"), ("sharedVariables", "shared variables")):
        if patch.get(section):
            parts.append("%s %s" % (label, ", ".join(sorted(names.get(k, k) for k in patch[section]))))
    others = sorted(k for k in patch if k not in ("services", "volumes", "sharedVariables"))
    if others:
        parts.append("settings " + ", ".join(others))
    return "; ".join(parts) or "nothing readable"


def refuse_foreign_staged(client: RailwayClient, state: EnvironmentState) -> NoReturn:
    raise TaskFailed(
        "staged_changes: environment %s has %d staged change(s) not made by this task (%s). Railway commits staged "
        "changes as one, so this task would deploy them; nothing was written. Commit or discard them in Railway, or "
        "set staged_changes=commit to commit them with this change, or staged_changes=stage to only stage this change."
        % (state.known_environment["name"], state.unmerged_changes, staged_summary(client, state))
    )


def staged_changes(client: RailwayClient, state: EnvironmentState) -> dict[str, Any]:
    """The environment's staged patch (id, and the patch with variable values hidden, as Railway shows it)."""
    return client.query(STAGED_QUERY, dict(environmentId=state.known_environment["id"]))["environmentStagedChanges"]


def staged_touches(patch: Config) -> list[str]:
    """The ids of the services and volumes a staged patch touches (as Railway shows it): what another task compares.

    Ids, not the patch's text: how Railway renders a staged patch (defaults, order, masked values) may differ between
    the stage's answer and a later read; which services and volumes it touches does not."""
    return sorted(set(patch.get("services") or {}) | set(patch.get("volumes") or {}))


def staged_by_run_of(state: EnvironmentState, record: dict[str, Any]) -> dict[str, Any]:
    """What identifies the staged patch `record` for the task that commits it (option staged_by_run)."""
    return dict(
        environment_id=state.known_environment["id"],
        patch_id=record["id"],
        touches=staged_touches(record.get("patch") or {}),
    )


def adopt_run_staged(client: RailwayClient, state: EnvironmentState, staged_by_run: dict[str, Any] | None) -> bool:
    """Take the environment's staged changes as this run's own when they are what `staged_by_run` says: the same
    staged patch, touching only services and volumes the run staged (a person's edit of anything else stays theirs).

    One read, and only when something is staged. Anything else staged stays someone else's (staged_changes)."""
    if not staged_by_run or not state.unmerged_changes or not state.exists:
        return False
    if staged_by_run.get("environment_id") not in (None, state.known_environment["id"]):
        return False
    record = staged_changes(client, state)
    patch = record.get("patch") or {}
    if record.get("id") != staged_by_run.get("patch_id") or set(patch) - {"services", "volumes"}:
        return False
    if not set(staged_touches(patch)) <= set(staged_by_run.get("touches") or []):
        return False
    state.adopt_staged(patch)
    return True


def check_unchanged(client: RailwayClient, state: EnvironmentState) -> None:
    """One read right before a commit: fail if the environment changed since `state` was read.

    A change committed (a new configEtag, or a patch still APPLYING) or staged (another count of
    unmerged changes) by someone else in between would otherwise be overwritten or committed.
    """
    data = client.query(GUARD_QUERY, dict(environmentId=state.known_environment["id"]))
    now = data["environment"]
    moved = []
    if now.get("configEtag") != state.config_etag:
        moved.append("its configuration was changed (configEtag)")
    if pending_patch_ids(data):
        moved.append("a change is being applied")
    if (now.get("unmergedChangesCount") or 0) != state.unmerged_changes:
        moved.append("its staged changes changed")
    if moved:
        raise TaskFailed(
            "environment: %s changed after this task read it (%s): someone else is editing it. Nothing was "
            "written; rerun the task to plan against the new configuration."
            % (state.known_environment["name"], ", ".join(moved))
        )


# ---------------------------------------------------------------------------------------- the write


def commit(
    ctx: TaskContext,
    client: RailwayClient,
    state: EnvironmentState,
    planner: Callable[[EnvironmentState], Plan],
    message: str,
    skip_deploys: bool = False,
) -> dict[str, Any]:
    """Write what `planner(state)` (a Plan) holds, and wait until Railway has applied it.

    Staged changes someone else made are refused (option staged_changes, default refuse), merged with
    ours and committed (commit, with a warning) or left alone while ours are only staged (stage).
    Otherwise one environmentPatchCommit, or stage + commit staged when skip_deploys is asked. Right
    before writing, one read checks that the environment did not change since `state` was read (or,
    when this task's own serviceCreate / volumeCreate changed it, reads it again and plans again).
    When an answer is lost, the environment is read again and only what is still missing is sent.
    Staged changes this run made (state.adopt_staged) are committed with ours, even when ours are none.
    Returns dict(staged=bool, patch_id=str or None, committed=bool).
    """
    mode = ctx.params.get("staged_changes") or "refuse"
    plan = planner(state)
    if plan.changed and state.exists:
        _check_staged(client, state, mode)
    if not (plan.changed or state.owns_staged) or ctx.check_mode:
        return dict(
            staged=bool(plan.changed and (state.unmerged_changes or skip_deploys)), patch_id=None, committed=False
        )
    if state.written_since_read:  # our own serviceCreate / volumeCreate changed it: plan again on a fresh read
        state = reread_environment(client, state, ctx)
        if not (planner(state).changed or state.owns_staged):
            return dict(staged=False, patch_id=None, committed=False)
        _check_staged(client, state, mode)
    else:
        check_unchanged(client, state)
    return _write_and_wait(ctx, client, state, planner, message, skip_deploys, mode)


def _check_staged(client: RailwayClient, state: EnvironmentState, mode: str) -> None:
    if state.unmerged_changes and mode == "refuse" and not state.owns_staged:
        refuse_foreign_staged(client, state)


def _write_and_wait(
    ctx: TaskContext,
    client: RailwayClient,
    state: EnvironmentState,
    planner: Callable[[EnvironmentState], Plan],
    message: str,
    skip_deploys: bool,
    mode: str,
) -> dict[str, Any]:
    """The write (sent again, for what is missing, after a lost answer), then the wait for Railway to apply it."""
    only_stage = bool(state.unmerged_changes) and mode == "stage" and not state.owns_staged
    staged = bool(state.unmerged_changes or skip_deploys)
    plan = planner(state)
    try:
        patch_id = _write(ctx, client, state, plan, message, skip_deploys, staged, only_stage)
    except ApiError as exc:
        if not exc.lost_response:
            raise
        state = reread_environment(client, state, ctx)
        plan = planner(state)
        if not (plan.changed or state.owns_staged):
            return dict(staged=staged, patch_id=None, committed=not only_stage)
        patch_id = _write(ctx, client, state, plan, message, skip_deploys, staged, only_stage)
    if only_stage:
        return dict(staged=True, patch_id=None, committed=False)
    wait_until_applied(client, state, patch_id)
    return dict(staged=staged, patch_id=patch_id, committed=True)


def _write(
    ctx: TaskContext,
    client: RailwayClient,
    state: EnvironmentState,
    plan: Plan,
    message: str,
    skip_deploys: bool,
    staged: bool,
    only_stage: bool,
) -> str | None:
    """The mutations of one commit; the patch id (None when only staged)."""
    patch = wire_patch(plan.patch)
    environment_id = state.known_environment["id"]
    if not staged:
        return client.mutate(PATCH_COMMIT, dict(environmentId=environment_id, patch=patch, commitMessage=message))[
            "environmentPatchCommit"
        ]
    if plan.changed:  # nothing of ours to add: the run's own staged changes are committed as they are
        client.mutate(STAGE, dict(environmentId=environment_id, input=patch, merge=True))
    if only_stage:
        ctx.warn(
            "environment %s has %d staged change(s) made outside this task; this task's change was staged with "
            "them and not committed (staged_changes=stage): commit them in Railway."
            % (state.known_environment["name"], state.unmerged_changes)
        )
        return None
    if state.unmerged_changes and not state.owns_staged:
        ctx.warn(
            "environment %s had %d staged change(s) made outside this task; they were merged with this task's "
            "changes and committed together (staged_changes=commit)."
            % (state.known_environment["name"], state.unmerged_changes)
        )
    return client.mutate(
        COMMIT_STAGED, dict(environmentId=environment_id, commitMessage=message, skipDeploys=bool(skip_deploys))
    )["environmentPatchCommitStaged"]


def stage_only(
    ctx: TaskContext, client: RailwayClient, state: EnvironmentState, planner: Callable[[EnvironmentState], Plan]
) -> dict[str, Any]:
    """Stage what `planner(state)` holds without committing it: a later task of the run commits it (staged_by_run).

    Only when nothing but this run's own changes is staged (the caller commits otherwise). Returns
    dict(staged, patch_id=None, committed=False, staged_by_run=what identifies the staged patch, or None).
    """
    plan = planner(state)
    if ctx.check_mode or not (plan.changed or state.owns_staged):
        return dict(staged=plan.changed, patch_id=None, committed=False, staged_by_run=None)
    if state.written_since_read:  # our own serviceCreate / volumeCreate changed it: plan again on a fresh read
        state = reread_environment(client, state, ctx)
        _check_staged(client, state, "refuse")
        plan = planner(state)
    elif plan.changed:
        check_unchanged(client, state)
    if not plan.changed:  # only what an earlier run staged: the later task commits it
        return dict(
            staged=True,
            patch_id=None,
            committed=False,
            staged_by_run=staged_by_run_of(state, staged_changes(client, state)),
        )
    variables = dict(environmentId=state.known_environment["id"], input=wire_patch(plan.patch), merge=True)
    try:
        record = client.mutate(STAGE_AND_READ, variables)["environmentStageChanges"]
    except ApiError as exc:
        if not exc.lost_response:
            raise
        record = client.mutate(STAGE_AND_READ, variables)["environmentStageChanges"]  # merging again is harmless
    return dict(staged=True, patch_id=None, committed=False, staged_by_run=staged_by_run_of(state, record))
