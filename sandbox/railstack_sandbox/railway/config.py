# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""EnvironmentConfig: the one canonical JSON configuration of each environment.

Layout and allowed keys: environment-config.keys.json (Railway CLI's EnvironmentConfig struct).
Writes go through patches:
- environmentPatchCommit deep-merges a patch into the committed config;
- environmentStageChanges keeps a staged patch (replaced, or merged with merge: true), and
  environmentPatchCommitStaged commits it.
Patch rules: `null` deletes a map entry (or any key); `isDeleted: true` removes a service /
volume / bucket instance; `isCreated: true` is required when an instance first appears in an
environment; map keys under services / volumes must be ids of that project's live objects.
semantics.py checks what the merged config means (types, sealed variables, volume sizes, one
TCP proxy, required mount paths) before anything is written.

Every committed write goes through commit_config(), which calls on_config_committed() with the
services the write affects: deployments.py gives that hook its body (a deploy per service unless
skipDeploys).
"""
import copy
import hashlib
import importlib
import importlib.util
import json
import os
import re
import time

from .context import RailwayError
from .graphql_api import resolves
from .pagination import connection
from .semantics import check_config, fill_generated_values, semantic_refusals
from .volumes import fill_new_volume_sizes

with open(os.path.join(os.path.dirname(__file__), "environment-config.keys.json")) as _f:
    _KEYS = json.load(_f)
KEY_TREE = {k: v for k, v in _KEYS.items() if not k.startswith("_")}
ENUMS = _KEYS["_enums"]                      # "services.*.build.builder" -> allowed values
INSTANCE_SECTIONS = (("services", "Service"), ("volumes", "Volume"), ("buckets", "Bucket"))
VARIABLE_MASK = "*******"


def empty_config():
    return {"services": {}, "sharedVariables": {}, "volumes": {}, "buckets": {}}


# ------------------------------------------------------------------ validation
def config_problems(value, tree=KEY_TREE, path="", pattern=""):
    """Messages for every unknown key, non-object section and bad enum value in a patch."""
    if tree == "leaf":
        allowed = ENUMS.get(pattern)
        if allowed is not None and value is not None and value not in allowed:
            return [f"Invalid value for {path}: {json.dumps(value)} (expected one of {', '.join(allowed)})"]
        return []
    if value is None:
        return []
    if not isinstance(value, dict):
        return [f"Invalid value for {path or 'config'}: expected an object"]
    problems = []
    for key, sub in value.items():
        here = f"{path}.{key}" if path else key
        if key in tree and not key.startswith("_") and key != "*":
            problems += config_problems(sub, tree[key], here, f"{pattern}.{key}" if pattern else key)
        elif "*" in tree:
            problems += config_problems(sub, tree["*"], here, f"{pattern}.*" if pattern else "*")
        else:
            problems.append(f"Unknown field {here}")
    return problems


def check_patch(patch):
    if not isinstance(patch, dict):
        raise RailwayError("Invalid environment config patch: expected an object")
    problems = config_problems(patch)
    if problems:
        raise RailwayError("Invalid environment config patch: " + "; ".join(problems))


# ------------------------------------------------------------------ merging
def merge_into(target, patch):
    """Deep-merge `patch` into `target` (in place): dicts merge, null deletes, the rest replaces."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            existing = target.get(key)
            target[key] = merge_into(existing if isinstance(existing, dict) else {}, value)
        else:
            target[key] = copy.deepcopy(value)
    return target


def combine_patches(first, second):
    """One patch that does what `first` then `second` do (nulls kept: they delete on commit)."""
    combined = copy.deepcopy(first)
    for key, value in second.items():
        if isinstance(value, dict) and isinstance(combined.get(key), dict):
            combined[key] = combine_patches(combined[key], value)
        else:
            combined[key] = copy.deepcopy(value)
    return combined


def live_ids(context, kind, project_id):
    return {r["id"] for r in context.data.get(kind, {}).values()
            if r["projectId"] == project_id and not r.get("deletedAt")}


def patched_config(context, environment, patch, base=None):
    """`base` (default: the environment's committed config) with `patch` applied.

    Raises RailwayError on a structural problem (check_config); changes nothing. What the result
    means is checked by semantics.semantic_refusals (see commit_patch).
    """
    check_patch(patch)
    base = environment["config"] if base is None else base
    config = copy.deepcopy(base)
    for section, label in INSTANCE_SECTIONS:
        if section in patch and patch[section] is None:
            raise RailwayError(f"Invalid environment config patch: {section} cannot be null")
        known = live_ids(context, section, environment["projectId"])
        instances = config.setdefault(section, {})
        for object_id, change in (patch.get(section) or {}).items():
            if change is None:
                instances.pop(object_id, None)
                continue
            if object_id not in known:
                raise RailwayError(f"{label} {object_id} not found in project")
            if change.get("isDeleted"):
                instances.pop(object_id, None)
                continue
            if object_id not in instances:
                if not change.get("isCreated"):
                    raise RailwayError(f"{label} instance {object_id} does not exist in environment "
                                       f"{environment['name']}; set isCreated: true to create it")
                instances[object_id] = {}
            merge_into(instances[object_id], change)
            instances[object_id].pop("isCreated", None)
            instances[object_id].pop("isDeleted", None)
    rest = {k: v for k, v in patch.items() if k not in dict(INSTANCE_SECTIONS)}
    merge_into(config, rest)
    volumes = live_ids(context, "volumes", environment["projectId"])
    for service in config.get("services", {}).values():
        for volume_id in (service.get("volumeMounts") or {}):
            if volume_id not in volumes:
                raise RailwayError(f"Volume {volume_id} not found in project")
    fill_new_volume_sizes(context, base, config)
    check_config(context, base, config)
    fill_generated_values(context, config)
    return config


def write_config(context, environment, config):
    """Commit a new config: new configEtag, new updatedAt."""
    context.data["configRevision"] += 1
    environment["config"] = config
    fingerprint = f"{environment['id']}:{context.data['configRevision']}:{json.dumps(config, sort_keys=True)}"
    environment["configEtag"] = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    environment["updatedAt"] = context.now()
    context.changed()


# ------------------------------------------------------------------ commits and their effects
CONFIG_COMMITTED_LISTENERS = []


def config_commit_listener(function):
    """Register `function(store, environment_id, service_ids, skip_deploys)`, called after every commit."""
    CONFIG_COMMITTED_LISTENERS.append(function)
    return function


def on_config_committed(store, environment_id, service_ids, skip_deploys):
    """Called after every committed config write with the ids of the services it affects.

    Its body lives in deployments.py (`on_config_committed` there, or a function registered with
    `config_commit_listener`): a deployment per affected service unless `skip_deploys`.
    """
    if importlib.util.find_spec(__package__ + ".deployments") is not None:
        deployments = importlib.import_module(__package__ + ".deployments")
        body = getattr(deployments, "on_config_committed", None)
        if callable(body) and body not in CONFIG_COMMITTED_LISTENERS:
            body(store, environment_id, sorted(service_ids), bool(skip_deploys))
    for listener in CONFIG_COMMITTED_LISTENERS:
        listener(store, environment_id, sorted(service_ids), bool(skip_deploys))


REFERENCE_RE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def affected_services(before, after, patch):
    """Ids of the services (live after the write) whose deployment a patch changes.

    A service is affected when its own entry is in the patch, when it mounts a volume the patch
    changes, or when one of its variables references a shared variable the patch changes.
    """
    services = after.get("services") or {}
    touched = {sid for sid in (patch.get("services") or {}) if sid in services}
    volumes = set(patch.get("volumes") or {})
    if volumes:
        touched |= {sid for sid, svc in services.items() if volumes & set((svc or {}).get("volumeMounts") or {})}
    shared = {name for name in (patch.get("sharedVariables") or {})
              if (before.get("sharedVariables") or {}).get(name) != (after.get("sharedVariables") or {}).get(name)}
    if shared:
        for sid, svc in services.items():
            for variable in ((svc or {}).get("variables") or {}).values():
                refs = REFERENCE_RE.findall(str((variable or {}).get("value") or ""))
                if any(ref.startswith("shared.") and ref[len("shared."):] in shared for ref in refs):
                    touched.add(sid)
    return touched


def commit_config(context, environment, config, patch, skip_deploys=False):
    """Write a new committed config and tell on_config_committed which services it affects."""
    before = environment["config"]
    write_config(context, environment, config)
    on_config_committed(context.store, environment["id"], affected_services(before, config, patch), skip_deploys)


def without_sealed_variables(config):
    """A copy of a config minus sealed variables (they are never copied to another environment)."""
    config = copy.deepcopy(config)
    for variables in _variable_maps(config):
        for name in [n for n, v in variables.items() if isinstance(v, dict) and v.get("isSealed")]:
            del variables[name]
    return config


def masked(config, decrypt_variables):
    """A copy of a config (or patch) for reading: variable values hidden unless decrypted; sealed always hidden.

    Registry passwords are never shown, like sealed variables.
    """
    config = copy.deepcopy(config)
    for variables in _variable_maps(config):
        for variable in variables.values():
            if isinstance(variable, dict) and variable.get("value") is not None \
                    and (not decrypt_variables or variable.get("isSealed")):
                variable["value"] = VARIABLE_MASK
    for service in (config.get("services") or {}).values():
        credentials = ((service or {}).get("deploy") or {}).get("registryCredentials")
        if isinstance(credentials, dict) and credentials.get("password") is not None:
            credentials["password"] = VARIABLE_MASK
    return config


def _variable_maps(config):
    maps = [config.get("sharedVariables")]
    maps += [s.get("variables") for s in (config.get("services") or {}).values() if isinstance(s, dict)]
    return [m for m in maps if isinstance(m, dict)]


# ------------------------------------------------------------------ patches
def new_patch(context, environment, patch, status, message=None):
    timestamp = context.now()
    record = {"id": context.new_id(), "environmentId": environment["id"], "status": status,
              "patch": copy.deepcopy(patch), "message": message, "appliedAt": None,
              "lastAppliedError": None, "createdAt": timestamp, "updatedAt": timestamp}
    if status == "COMMITTED":
        record["appliedAt"] = timestamp
    context.data["patchCounter"] = context.data.get("patchCounter", 0) + 1
    record["_order"] = context.data["patchCounter"]
    context.data["patches"][record["id"]] = record
    context.changed()
    return record


def staged_patch(context, environment):
    record = context.data["patches"].get(environment.get("stagedPatchId") or "")
    return record if record and record["status"] == "STAGED" else None


def stage(context, environment, patch, merge=False):
    check_patch(patch)
    record = staged_patch(context, environment)
    if record is None:
        record = new_patch(context, environment, patch, "STAGED")
        environment["stagedPatchId"] = record["id"]
    else:
        record["patch"] = combine_patches(record["patch"], patch) if merge else copy.deepcopy(patch)
        record["updatedAt"] = context.now()
    context.changed()
    return record


def staged_change_count(patch):
    """One per service / volume / bucket / shared variable entry, one per other top-level key."""
    count = 0
    for key, value in patch.items():
        if key in ("services", "volumes", "buckets", "sharedVariables") and isinstance(value, dict):
            count += len(value)
        else:
            count += 1
    return count


# ------------------------------------------------------------------ asynchronous application
def pending_patches(data, environment_id=None):
    """Committed patches still APPLYING (of one environment, or all), in commit order."""
    records = [r for r in data["patches"].values() if r["status"] == "APPLYING"
               and (environment_id is None or r["environmentId"] == environment_id)]
    return sorted(records, key=lambda r: r.get("_order", 0))


def projected_config(context, environment):
    """The committed config with the environment's pending patches applied in order (those that apply)."""
    config = environment["config"]
    for record in pending_patches(context.data, environment["id"]):
        try:
            config = patched_config(context, environment, record["patch"], base=config)
        except RailwayError:
            continue
    return config


def commit_patch(context, environment, patch, message=None, skip_deploys=False, record=None):
    """Commit the patch `record`: checked for structure now, applied after `patch_apply_seconds`.

    A structural problem is a GraphQL error at once. A refusal of meaning (semantics.semantic_refusals)
    is one too without realism `patch_errors_async`; with it, the patch ends in lastAppliedError when it
    is applied. Until then the environment's config, configEtag and deployments stay as they were.
    """
    base = projected_config(context, environment)
    config = patched_config(context, environment, patch, base=base)
    refusals = semantic_refusals(context, base, config, patch)
    if refusals and not context.realism["patch_errors_async"]:
        raise RailwayError("Invalid environment config patch: " + "; ".join(refusals))
    previous = [r["_applyAt"] for r in pending_patches(context.data, environment["id"])]
    if record is None:
        record = new_patch(context, environment, patch, "APPLYING", message)
    context.data["patchCounter"] = context.data.get("patchCounter", 0) + 1     # applied in commit order
    record.update(status="APPLYING", message=message, updatedAt=context.now(), _order=context.data["patchCounter"],
                  _skipDeploys=bool(skip_deploys),
                  _applyAt=max([time.time() + context.realism["patch_apply_seconds"], *previous]))
    context.changed()
    if context.realism["patch_apply_seconds"] == 0:
        apply_due_patches(context)
    return record


def apply_due_patches(context, now=None):
    """Apply, in commit order, every pending patch whose time has come (called before each request)."""
    now = time.time() if now is None else now
    for record in pending_patches(context.data):
        if record["_applyAt"] <= now:
            apply_patch(context, record)


def apply_patch(context, record):
    """Apply one pending patch to the config as it is now, or end it in lastAppliedError (nothing applied)."""
    environment = context.data["environments"].get(record["environmentId"])
    try:
        if environment is None or environment.get("deletedAt"):
            raise RailwayError("Environment not found")
        config = patched_config(context, environment, record["patch"])
        refusals = semantic_refusals(context, environment["config"], config, record["patch"])
        if refusals:
            raise RailwayError("Invalid environment config patch: " + "; ".join(refusals))
    except RailwayError as e:
        record.update(status="COMMITTED", lastAppliedError=e.message, updatedAt=context.now())
        context.changed()
        return
    commit_config(context, environment, config, record["patch"], record.get("_skipDeploys", False))
    timestamp = context.now()
    record.update(status="COMMITTED", appliedAt=timestamp, updatedAt=timestamp, lastAppliedError=None)
    context.changed()


# ------------------------------------------------------------------ resolvers
@resolves("Environment", "config")
def resolve_environment_config(environment, info, decryptVariables=None):
    """The applied config; sealed variables left out unless realism `config_lists_sealed` (value hidden then)."""
    config = environment["config"]
    if not info.context.realism["config_lists_sealed"]:
        config = without_sealed_variables(config)
    return masked(config, bool(decryptVariables))


@resolves("Environment", "unmergedChangesCount")
def resolve_unmerged_changes_count(environment, info):
    record = staged_patch(info.context, environment)
    return staged_change_count(record["patch"]) if record else 0


@resolves("EnvironmentPatch", "patch")
def resolve_patch_body(record, info, decryptVariables=None):
    return masked(record["patch"], bool(decryptVariables))


@resolves("EnvironmentPatch", "environment")
def resolve_patch_environment(record, info):
    return info.context.environment(record["environmentId"])


@resolves("Query", "environmentStagedChanges")
def resolve_environment_staged_changes(_, info, environmentId):
    context = info.context
    environment = context.environment(environmentId)
    record = staged_patch(context, environment)
    if record is None:      # nothing staged: an empty staged patch, not stored
        record = {"id": environment["id"], "environmentId": environment["id"], "status": "STAGED", "patch": {},
                  "message": None, "appliedAt": None, "lastAppliedError": None,
                  "createdAt": environment["updatedAt"], "updatedAt": environment["updatedAt"]}
    return record


@resolves("Query", "environmentPatch")
def resolve_environment_patch(_, info, id):
    record = info.context.data["patches"].get(id)
    if record is None:
        raise RailwayError("Environment patch not found")
    info.context.environment(record["environmentId"])
    return record


@resolves("Query", "environmentPatches")
def resolve_environment_patches(_, info, environmentId, **page):
    context = info.context
    context.environment(environmentId)
    records = [r for r in context.data["patches"].values() if r["environmentId"] == environmentId]
    return connection(sorted(records, key=lambda r: r.get("_order", 0), reverse=True), **page)


@resolves("Mutation", "environmentPatchCommit")
def resolve_environment_patch_commit(_, info, environmentId, patch=None, commitMessage=None):
    context = info.context
    environment = context.environment(environmentId)
    return commit_patch(context, environment, patch or {}, commitMessage)["id"]


@resolves("Mutation", "environmentStageChanges")
def resolve_environment_stage_changes(_, info, environmentId, input, merge=None):
    context = info.context
    return stage(context, context.environment(environmentId), input, bool(merge))


@resolves("Mutation", "environmentPatchCommitStaged")
def resolve_environment_patch_commit_staged(_, info, environmentId, commitMessage=None, skipDeploys=None):
    context = info.context
    environment = context.environment(environmentId)
    record = staged_patch(context, environment)
    if record is None:
        raise RailwayError("No staged changes to commit")
    try:
        commit_patch(context, environment, record["patch"], commitMessage, bool(skipDeploys), record)
    except RailwayError as e:
        record["lastAppliedError"] = e.message
        record["updatedAt"] = context.now()
        context.changed()
        raise
    environment["stagedPatchId"] = None
    context.changed()
    return record["id"]
