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

from .context import RailwayError
from .graphql_api import resolves
from .semantics import check_config, fill_generated_values

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


def patched_config(context, environment, patch):
    """The environment's committed config with `patch` applied; raises RailwayError, changes nothing."""
    check_patch(patch)
    config = copy.deepcopy(environment["config"])
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
    check_config(context, environment["config"], config)
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


# ------------------------------------------------------------------ resolvers
@resolves("Environment", "config")
def resolve_environment_config(environment, info, decryptVariables=None):
    return masked(environment["config"], bool(decryptVariables))


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


@resolves("Mutation", "environmentPatchCommit")
def resolve_environment_patch_commit(_, info, environmentId, patch=None, commitMessage=None):
    context = info.context
    environment = context.environment(environmentId)
    patch = patch or {}
    config = patched_config(context, environment, patch)
    commit_config(context, environment, config, patch)
    return new_patch(context, environment, patch, "COMMITTED", commitMessage)["id"]


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
        config = patched_config(context, environment, record["patch"])
    except RailwayError as e:
        record["lastAppliedError"] = e.message
        record["updatedAt"] = context.now()
        context.changed()
        raise
    commit_config(context, environment, config, record["patch"], bool(skipDeploys))
    timestamp = context.now()
    record.update(status="COMMITTED", message=commitMessage, appliedAt=timestamp, updatedAt=timestamp,
                  lastAppliedError=None)
    environment["stagedPatchId"] = None
    context.changed()
    return record["id"]
