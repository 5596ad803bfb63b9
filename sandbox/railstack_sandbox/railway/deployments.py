# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Deployments of service instances, and the service instances of an environment.

A deployment moves QUEUED -> BUILDING -> DEPLOYING -> SUCCESS over time (fast by default; the
phase lengths are settings of the control API). Its status is worked out from the clock whenever a
request reads or writes deployments, and `statusUpdatedAt` is when the phase began, not when it was read.

- A per-service outcome set through the control API makes new builds of that service end FAILED
  (after BUILDING: the build broke, the deployment that was running stays SUCCESS), CRASHED (after
  DEPLOYING: it replaced the running one and then crashed) or SLEEPING (serverless).
- When a deployment reaches SUCCESS or SLEEPING (or CRASHED), the older running deployments of the
  same service instance become REMOVED. A new deployment supersedes older ones still in progress:
  one that had not started (QUEUED, WAITING, NEEDS_APPROVAL) becomes SKIPPED, one building or
  deploying REMOVED. Neither is a failure.
- Commits: a repo's branch head is a fixed SHA until a test pushes a new one (control API
  `POST /_sandbox/railway/repo-push`). serviceInstanceDeployV2 without commitSha (and a config
  commit) deploys the commit the instance already has (its latest deployment's, same repo and
  branch; the head only for a first deployment or a new repo/branch); serviceInstanceDeploy
  (latestCommit: true) deploys the branch head; a commitSha pins that commit.
- A per-service approval setting makes new deployments of that service wait in NEEDS_APPROVAL
  until deploymentApprove(id). `canRedeploy` is false for a deployment that never built (SKIPPED,
  NEEDS_APPROVAL) or of a service whose redeploys a test turned off; deploymentRedeploy needs it.
- A deployment runs with the instance's variables as they were when it was made; a rollback runs
  with its target's. Realism `rollback_rewrites_config` (default false) says whether the rollback
  also writes them back into environment.config (unverified; false: config and what runs disagree).
- `canRollback` is true for a deployment that once succeeded and was since replaced (REMOVED).
  deploymentRollback(id) needs it, and makes a new deployment of that image: no build, so it ignores
  the injected outcome and ends SUCCESS. deploymentRedeploy builds again (unless
  usePreviousImageTag); deploymentRestart re-runs DEPLOYING on the same deployment.
- serviceInstanceDeployV2 (the instance's commit, or commitSha) returns the new deployment's id;
  serviceInstanceDeploy answers true; serviceInstanceRedeploy redeploys the instance's latest deployment.
- A committed config change deploys the services it touched (on_config_committed), unless skipDeploys.
  Only instances with a source (image or repo) deploy, here and for the mutations above.
- `meta` is the sandbox's own: {reason, image | repo, branch, commitHash, rollbackTargetDeploymentId}.
"""
import copy
import hashlib
import re
import time
import uuid
from datetime import datetime, timezone

from .context import RailwayError
from .control import ControlError, control
from .graphql_api import resolves
from .pagination import connection
from .records import SANDBOX_NAMESPACE

DEFAULT_PHASE_SECONDS = {"QUEUED": 0.05, "BUILDING": 0.2, "DEPLOYING": 0.15}
OUTCOMES = ("SUCCESS", "FAILED", "CRASHED", "SLEEPING")
RUNNING = ("SUCCESS", "SLEEPING")
STOPPED = ("FAILED", "CRASHED", "REMOVED", "SKIPPED")
NOT_STARTED = ("QUEUED", "WAITING", "NEEDS_APPROVAL")
NEVER_BUILT = ("SKIPPED", "NEEDS_APPROVAL")


# ------------------------------------------------------------------ state
def behaviour(data):
    """{"phaseSeconds": {...}, "outcomes": {serviceId: outcome}}: what the control API sets."""
    settings = data.setdefault("deploymentBehaviour", {})
    settings.setdefault("phaseSeconds", dict(DEFAULT_PHASE_SECONDS))
    settings.setdefault("outcomes", {})
    settings.setdefault("approval", [])          # service ids whose new deployments wait for deploymentApprove
    settings.setdefault("noRedeploy", [])        # service ids whose deployments have canRedeploy false
    return settings


def repo_heads(data):
    """{"owner/repo@branch": sha}: the branch heads tests pushed (others are `latest_commit`)."""
    return data.setdefault("repoHeads", {})


def deployment_records(data):
    return data.setdefault("deployments", {})


def iso(epoch):
    moment = datetime.fromtimestamp(epoch, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def instance_deployments(data, environment_id, service_id):
    """The deployments of one service instance, newest first."""
    found = [r for r in deployment_records(data).values()
             if r["environmentId"] == environment_id and r["serviceId"] == service_id]
    return sorted(found, key=lambda r: r["_order"], reverse=True)


def _plan(data, service_id, start, build=True, outcome=None):
    """[[status, epoch it starts], ...] for a new deployment."""
    phases = behaviour(data)["phaseSeconds"]
    outcome = outcome or behaviour(data)["outcomes"].get(service_id, "SUCCESS")
    steps, moment = [["QUEUED", start]], start + phases["QUEUED"]
    if build:
        steps.append(["BUILDING", moment])
        moment += phases["BUILDING"]
        if outcome == "FAILED":
            return steps + [["FAILED", moment]]
    elif outcome == "FAILED":           # nothing to build: the image that is reused cannot fail to build
        outcome = "SUCCESS"
    steps.append(["DEPLOYING", moment])
    return steps + [[outcome, moment + phases["DEPLOYING"]]]


def _waits_for_approval(data, service_id, build):
    return build and service_id in behaviour(data)["approval"]


def _set_status(record, status, epoch):
    record["status"] = status
    record["statusUpdatedAt"] = record["updatedAt"] = iso(epoch)


def _replace_older(data, record, epoch):
    """The older deployments of the instance that were running are replaced by `record`."""
    for other in instance_deployments(data, record["environmentId"], record["serviceId"]):
        if other["_order"] < record["_order"] and other["status"] in RUNNING + ("CRASHED",):
            _set_status(other, "REMOVED", epoch)
            other["_final"] = True


def advance(data, now=None):
    """Move every deployment in progress to the status its plan gives for `now`."""
    now = time.time() if now is None else now
    moved = False
    for record in sorted(deployment_records(data).values(), key=lambda r: r["_order"]):
        if record["_final"] or record.get("_awaitingApproval"):
            continue
        reached = [step for step in record["_plan"] if step[1] <= now]
        if not reached:
            continue
        status, start = reached[-1]
        if status != record["status"]:
            _set_status(record, status, start)
            moved = True
            if status in RUNNING or status == "CRASHED":
                record["_succeeded"] = record["_succeeded"] or status in RUNNING
                _replace_older(data, record, start)
        if len(reached) == len(record["_plan"]):
            record["_final"] = True
            moved = True
    return moved


def _advance(context):
    if advance(context.data):
        context.changed()


def has_source(environment, service_id):
    source = ((environment["config"].get("services") or {}).get(service_id) or {}).get("source") or {}
    return bool(source.get("image") or source.get("repo"))


def latest_commit(source):
    """The sandbox has no Git: a repo's first branch head is a fixed SHA derived from repo and branch."""
    text = f"{source.get('repo')}@{source.get('branch') or 'main'}"
    return hashlib.sha1(text.encode()).hexdigest()


def branch_head(data, source):
    """The head of the source's branch: the last one pushed through the control API, else the first."""
    return repo_heads(data).get(f"{source.get('repo')}@{source.get('branch') or 'main'}") or latest_commit(source)


def current_commit(data, environment_id, service_id, source):
    """The commit the instance already has: its latest deployment's of the same repo and branch, else the head."""
    for record in instance_deployments(data, environment_id, service_id):
        meta = record["meta"]
        if meta.get("repo") == source.get("repo") and meta.get("branch") == source.get("branch") \
                and meta.get("commitHash"):
            return meta["commitHash"]
    return branch_head(data, source)


def _instance_source(environment, service_id):
    return ((environment["config"].get("services") or {}).get(service_id) or {}).get("source") or {}


def _variables_now(environment, service_id):
    """The instance's variables as a new deployment gets them (the sandbox keeps the config entries)."""
    service = (environment["config"].get("services") or {}).get(service_id) or {}
    return copy.deepcopy(service.get("variables") or {})


def _supersede(data, environment_id, service_id, now):
    """A new deployment skips the ones that had not started and removes the ones building or deploying."""
    for other in instance_deployments(data, environment_id, service_id):
        if not other["_final"] and other["status"] not in RUNNING + STOPPED:
            _set_status(other, "SKIPPED" if other["status"] in NOT_STARTED else "REMOVED", now)
            other["_final"] = True
            other["_awaitingApproval"] = False


def _source_meta(data, environment, service_id, commit_sha):
    """meta of a deployment of the instance's source: the image, or the repo, branch and commit it deploys."""
    source = _instance_source(environment, service_id)
    meta = {k: source[k] for k in ("image", "repo", "branch") if source.get(k)}
    if source.get("repo"):
        meta["commitHash"] = commit_sha or source.get("commitSha") \
            or current_commit(data, environment["id"], service_id, source)
    elif commit_sha:
        meta["commitHash"] = commit_sha
    return meta


def create_deployment(store, environment, service_id, reason, commit_sha=None, meta=None, build=True,
                      outcome=None, variables=None):
    """A new deployment of a service instance (the caller checked that the instance exists).

    `variables`: what it runs with (a rollback's target's); by default the instance's variables now."""
    from .domains import instance_hosts     # domains imports nothing from here; avoid a cycle at import time
    data = store.section("railway")
    advance(data)
    now = time.time()
    if meta is None:
        meta = _source_meta(data, environment, service_id, commit_sha)
    _supersede(data, environment["id"], service_id, now)
    meta = dict(meta, reason=reason)
    hosts = instance_hosts(data, environment["id"], service_id)
    data["deploymentCounter"] = data.get("deploymentCounter", 0) + 1
    waiting = _waits_for_approval(data, service_id, build)
    record = {"id": store.new_uuid(), "projectId": environment["projectId"], "environmentId": environment["id"],
              "serviceId": service_id, "status": "NEEDS_APPROVAL" if waiting else "QUEUED",
              "createdAt": iso(now), "updatedAt": iso(now),
              "statusUpdatedAt": iso(now), "meta": meta, "staticUrl": hosts[0] if hosts else None,
              "url": f"https://{hosts[0]}" if hosts else None,
              "_order": data["deploymentCounter"],
              "_plan": [] if waiting else _plan(data, service_id, now, build, outcome),
              "_final": False, "_succeeded": False, "_awaitingApproval": waiting, "_build": build,
              "_variables": _variables_now(environment, service_id) if variables is None else copy.deepcopy(variables)}
    deployment_records(data)[record["id"]] = record
    store.mark_changed()
    return record


def on_config_committed(store, environment_id, service_ids, skip_deploys):
    """Called by the config commit path: deploy the services a committed change touched (not with skipDeploys)."""
    if skip_deploys:
        return []
    data = store.section("railway")
    environment = data["environments"].get(environment_id)
    if environment is None or environment.get("deletedAt"):
        return []
    made = []
    for service_id in dict.fromkeys(service_ids or ()):
        service = data["services"].get(service_id)
        if service is None or service.get("deletedAt") or not has_source(environment, service_id):
            continue
        made.append(create_deployment(store, environment, service_id, "config"))
    return made


# ------------------------------------------------------------------ lookups with access checks
def instance(context, service_id, environment_id):
    service = context.service(service_id)
    environment = context.environment(environment_id)
    if environment["projectId"] != service["projectId"] \
            or service_id not in (environment["config"].get("services") or {}):
        raise RailwayError("Service instance not found")
    return service, environment


def deployment(context, deployment_id):
    record = deployment_records(context.data).get(deployment_id)
    if record is None:
        raise RailwayError("Deployment not found")
    context.environment(record["environmentId"])
    context.project(record["projectId"])
    return record


def _need_source(environment, service):
    if not has_source(environment, service["id"]):
        raise RailwayError(f"Service {service['name']} has no source to deploy (connect an image or a repo)")


# ------------------------------------------------------------------ queries
@resolves("Query", "deployment")
def resolve_deployment(_, info, id):
    _advance(info.context)
    return deployment(info.context, id)


@resolves("Query", "deployments")
def resolve_deployments(_, info, input, **page):
    context = info.context
    context.require_caller()
    _advance(context)
    if input.get("projectId"):
        context.project(input["projectId"])
    if input.get("environmentId"):
        context.environment(input["environmentId"])
    if input.get("serviceId"):
        context.service(input["serviceId"])
    status = input.get("status") or {}
    found = []
    for record in sorted(deployment_records(context.data).values(), key=lambda r: r["_order"], reverse=True):
        if any(input.get(key) and record[key] != input[key] for key in ("projectId", "environmentId", "serviceId")):
            continue
        if context.is_project_token() and record["environmentId"] != context.caller.environment_id:
            continue
        if status.get("in") is not None and record["status"] not in status["in"]:
            continue
        if status.get("notIn") is not None and record["status"] in status["notIn"]:
            continue
        owners = (context.data["projects"].get(record["projectId"]), context.data["services"].get(record["serviceId"]))
        if any(owner is None or owner.get("deletedAt") for owner in owners):
            continue
        found.append(record)
    return connection(found, **page)


@resolves("Deployment", "canRollback")
def resolve_can_rollback(record, info):
    return bool(record["_succeeded"]) and record["status"] == "REMOVED"


@resolves("Deployment", "canRedeploy")
def resolve_can_redeploy(record, info):
    return can_redeploy(info.context.data, record)


def can_redeploy(data, record):
    return record["status"] not in NEVER_BUILT and record["serviceId"] not in behaviour(data)["noRedeploy"]


@resolves("Deployment", "deploymentStopped")
def resolve_deployment_stopped(record, info):
    return record["status"] in STOPPED


@resolves("Environment", "serviceInstances")
def resolve_service_instances(environment, info, **page):
    context = info.context
    _advance(context)
    nodes = []
    for service_id in (environment["config"].get("services") or {}):
        service = context.data["services"].get(service_id)
        if service is None or service.get("deletedAt"):
            continue
        nodes.append({"id": str(uuid.uuid5(SANDBOX_NAMESPACE, f"instance:{environment['id']}:{service_id}")),
                      "serviceId": service_id, "environmentId": environment["id"], "serviceName": service["name"]})
    return connection(nodes, **page)


@resolves("ServiceInstance", "latestDeployment")
def resolve_latest_deployment(record, info):
    found = instance_deployments(info.context.data, record["environmentId"], record["serviceId"])
    return found[0] if found else None


# ------------------------------------------------------------------ mutations
@resolves("Mutation", "serviceInstanceDeployV2")
def resolve_service_instance_deploy_v2(_, info, environmentId, serviceId, commitSha=None):
    context = info.context
    service, environment = instance(context, serviceId, environmentId)
    _need_source(environment, service)
    if commitSha is not None and not commitSha.strip():
        raise RailwayError("Invalid commit SHA")
    record = create_deployment(context.store, environment, serviceId, "deploy", commit_sha=commitSha)
    context.changed()
    return record["id"]


@resolves("Mutation", "serviceInstanceDeploy")
def resolve_service_instance_deploy(_, info, environmentId, serviceId, commitSha=None, latestCommit=None):
    """latestCommit: true deploys the branch head; commitSha that commit; neither the commit it has."""
    context = info.context
    service, environment = instance(context, serviceId, environmentId)
    _need_source(environment, service)
    if commitSha is not None and not commitSha.strip():
        raise RailwayError("Invalid commit SHA")
    if commitSha and latestCommit:
        raise RailwayError("Cannot deploy both a commit SHA and the latest commit")
    source = _instance_source(environment, serviceId)
    if latestCommit and source.get("repo"):
        commitSha = branch_head(context.data, source)
    create_deployment(context.store, environment, serviceId, "deploy", commit_sha=commitSha)
    context.changed()
    return True


@resolves("Mutation", "deploymentApprove")
def resolve_deployment_approve(_, info, id):
    context = info.context
    _advance(context)
    record = deployment(context, id)
    if record["status"] != "NEEDS_APPROVAL":
        raise RailwayError(f"Deployment is not waiting for approval (it is {record['status']})")
    now = time.time()
    record["_plan"] = _plan(context.data, record["serviceId"], now, record.get("_build", True))
    record["_awaitingApproval"] = False
    _set_status(record, "QUEUED", now)
    context.changed()
    return True


@resolves("Mutation", "serviceInstanceRedeploy")
def resolve_service_instance_redeploy(_, info, environmentId, serviceId):
    context = info.context
    _service, environment = instance(context, serviceId, environmentId)
    _advance(context)
    found = instance_deployments(context.data, environmentId, serviceId)
    if not found:
        raise RailwayError("No deployment found for this service instance")
    create_deployment(context.store, environment, serviceId, "redeploy", meta=dict(found[0]["meta"]))
    context.changed()
    return True


@resolves("Mutation", "deploymentRedeploy")
def resolve_deployment_redeploy(_, info, id, usePreviousImageTag=None):
    context = info.context
    _advance(context)
    record = deployment(context, id)
    _service, environment = instance(context, record["serviceId"], record["environmentId"])
    if not can_redeploy(context.data, record):
        raise RailwayError("Deployment cannot be redeployed")
    made = create_deployment(context.store, environment, record["serviceId"], "redeploy", meta=dict(record["meta"]),
                             build=not usePreviousImageTag)
    context.changed()
    return made


@resolves("Mutation", "deploymentRestart")
def resolve_deployment_restart(_, info, id):
    context = info.context
    _advance(context)
    record = deployment(context, id)
    if record["status"] not in RUNNING + ("CRASHED",):
        raise RailwayError(f"Deployment cannot be restarted while it is {record['status']}")
    now = time.time()
    outcome = behaviour(context.data)["outcomes"].get(record["serviceId"], "SUCCESS")
    outcome = outcome if outcome in ("CRASHED", "SLEEPING") else "SUCCESS"
    record["_plan"] = [["DEPLOYING", now], [outcome, now + behaviour(context.data)["phaseSeconds"]["DEPLOYING"]]]
    record["_final"] = False
    _set_status(record, "DEPLOYING", now)
    context.changed()
    return True


@resolves("Mutation", "deploymentRollback")
def resolve_deployment_rollback(_, info, id):
    context = info.context
    _advance(context)
    record = deployment(context, id)
    if not resolve_can_rollback(record, info):
        raise RailwayError("Deployment cannot be rolled back")
    _service, environment = instance(context, record["serviceId"], record["environmentId"])
    meta = dict(record["meta"], rollbackTargetDeploymentId=record["id"])
    variables = record.get("_variables") or {}
    create_deployment(context.store, environment, record["serviceId"], "rollback", meta=meta, build=False,
                      outcome="SUCCESS", variables=variables)
    if context.realism["rollback_rewrites_config"]:
        _write_back_variables(context, environment, record["serviceId"], variables)
    context.changed()
    return True


def _write_back_variables(context, environment, service_id, variables):
    """rollback_rewrites_config: the config gets the target's variables again (no new deployment)."""
    from .config import write_config    # config imports this module's hook lazily; keep the import local too
    config = copy.deepcopy(environment["config"])
    config["services"][service_id]["variables"] = copy.deepcopy(variables)
    write_config(context, environment, config)


# ------------------------------------------------------------------ control API
def set_behaviour(data, body):
    """POST /_sandbox/railway/deployments/behaviour: {service, project?, outcome?, phase_seconds?}.
    Returns (status, answer)."""
    if not isinstance(body, dict):
        return 400, {"error": "the body must be a JSON object"}
    unknown = sorted(set(body) - {"service", "project", "outcome", "phase_seconds", "needs_approval", "can_redeploy"})
    if unknown:
        return 400, {"error": f"unknown keys: {', '.join(unknown)}"}
    settings = behaviour(data)
    if "phase_seconds" in body:
        phases = body["phase_seconds"]
        if not isinstance(phases, dict) or set(phases) - set(DEFAULT_PHASE_SECONDS) \
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 3600
                           for v in phases.values()):
            return 400, {"error": "phase_seconds takes {QUEUED, BUILDING, DEPLOYING}: seconds from 0 to 3600"}
        settings["phaseSeconds"].update({k: float(v) for k, v in phases.items()})
    if "service" in body or set(body) & {"outcome", "needs_approval", "can_redeploy"}:
        outcome = body.get("outcome")
        if outcome is not None and outcome not in OUTCOMES:
            return 400, {"error": f"outcome must be one of {', '.join(OUTCOMES)} (or null)"}
        if any(not isinstance(body.get(k, True), bool) for k in ("needs_approval", "can_redeploy")):
            return 400, {"error": "needs_approval and can_redeploy take true or false"}
        services = _matching_services(data, body)
        if not services:
            return 404, {"error": f"no live service {body.get('service')!r}"}
        if len(services) > 1:
            return 400, {"error": f"several services are called {body['service']!r}: give its id, or project"}
        _set_service_behaviour(settings, services[0]["id"], body)
    return 200, behaviour_view(data)


def _matching_services(data, body):
    services = [s for s in data["services"].values() if not s.get("deletedAt")
                and body.get("service") in (s["id"], s["name"])]
    if body.get("project"):
        projects = {p["id"] for p in data["projects"].values()
                    if body["project"] in (p["id"], p["name"]) and not p.get("deletedAt")}
        services = [s for s in services if s["projectId"] in projects]
    return services


def _set_service_behaviour(settings, service_id, body):
    if "outcome" in body or not set(body) & {"needs_approval", "can_redeploy"}:
        if body.get("outcome") in (None, "SUCCESS"):
            settings["outcomes"].pop(service_id, None)
        else:
            settings["outcomes"][service_id] = body["outcome"]
    for key, listed, when in (("needs_approval", "approval", True), ("can_redeploy", "noRedeploy", False)):
        if key in body:
            ids = [i for i in settings[listed] if i != service_id]
            settings[listed] = ids + [service_id] if body[key] == when else ids


def behaviour_view(data):
    settings = behaviour(data)
    return {"phase_seconds": dict(settings["phaseSeconds"]), "outcomes": dict(settings["outcomes"]),
            "needs_approval": list(settings["approval"]), "no_redeploy": list(settings["noRedeploy"])}


@control("POST", "repo-push")
def push_commit(context, body):
    """{"repo": "owner/name", "branch"?: "main", "commit"?: sha}: the branch's head moves (no deployment starts)."""
    repo, branch = body.get("repo"), body.get("branch") or "main"
    if not isinstance(repo, str) or "/" not in repo or not isinstance(branch, str):
        raise ControlError("repo must be owner/name and branch a branch name")
    key = f"{repo}@{branch}"
    commit = body.get("commit")
    if commit is None:
        previous = repo_heads(context.data).get(key) or latest_commit({"repo": repo, "branch": branch})
        commit = hashlib.sha1(f"{previous}+1".encode()).hexdigest()
    if not isinstance(commit, str) or not re.fullmatch(r"[0-9a-f]{7,40}", commit):
        raise ControlError("commit must be a Git SHA (7 to 40 lower-case hexadecimal digits)")
    repo_heads(context.data)[key] = commit
    context.changed()
    return {"repo": repo, "branch": branch, "commit": commit}


@control("POST", "deployment-variables")
def running_variables(context, body):
    """{"deploymentId"}: the variables that deployment runs with (config entries, as the sandbox keeps them)."""
    record = deployment_records(context.data).get(body.get("deploymentId"))
    if record is None:
        raise ControlError(f"no deployment {body.get('deploymentId')!r}")
    return {"deploymentId": record["id"], "variables": copy.deepcopy(record.get("_variables") or {})}


def health(data, host):
    """GET /_sandbox/railway/health/<host>: a stand-in for the app behind a domain."""
    from .domains import instance_for_host
    advance(data)
    found = instance_for_host(data, host)
    if found is None:
        return 404, {"error": f"no live service domain or custom domain {host!r}"}
    deployments = instance_deployments(data, *found)
    running = next((d for d in deployments if d["status"] in RUNNING), None)
    if running is None:
        latest = deployments[0] if deployments else None
        return 503, {"status": "unavailable", "deploymentId": latest and latest["id"],
                     "deploymentStatus": latest and latest["status"]}
    return 200, {"status": "ok", "deploymentId": running["id"], "serviceId": running["serviceId"]}
