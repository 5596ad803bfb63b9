# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_deployment: deploy, redeploy, restart or roll back a service instance, and wait for the outcome.

Lifecycle actions are not idempotent by nature. The module acts when `trigger` is true (its default)
and reports changed; `trigger: "{{ earlier_task is changed }}"` makes a run in which nothing upstream
changed send no mutation (it still reads, waits for and probes the latest deployment). A deploy of a
`commit_sha` that the latest deployment already runs (or is building) is a no-op too.
"""

from __future__ import annotations

import re

from ansible_collections.railstack.platform.plugins.module_utils import railway_deployment_waits as waits
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import create_or_find_again
from ansible_collections.railstack.platform.plugins.module_utils.railway import (
    RailwayClient, railway_argument_spec, railway_environment_spec, resolve_instance)
from ansible_collections.railstack.platform.plugins.module_utils.railway_deployment_waits import (
    DEPLOYMENT_FIELDS, DEPLOYMENT_QUERY, FAILED, HEALTH_CHECK_SPEC, HISTORY, NEEDS_APPROVAL, RUNNING, SUCCEEDED, SUPERSEDED, Outcome,
    approval_message, deployment_result, ended_badly, health_check_problem, new_deployment, no_rollback_note, recent_deployments, rollback, rollback_target,
    rollback_warning, still_running)

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
    service=dict(type="str", required=True),
    action=dict(type="str", default="deploy", choices=["deploy", "redeploy", "restart", "rollback"]),
    commit_sha=dict(type="str"),
    deployment_id=dict(type="str"),
    trigger=dict(type="bool", default=True),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=900),
    wait_interval=dict(type="float", default=5.0),
    health_check=HEALTH_CHECK_SPEC,
    rollback_on_failure=dict(type="bool", default=False),
)

_SHA_RE = re.compile(r"^[0-9a-f]{7,40}$")


def _validate(ctx, params):
    action = params["action"]
    if params["commit_sha"] is not None:
        if action != "deploy":
            ctx.fail("commit_sha: only action=deploy takes a commit (action is %s)." % action)
        if not _SHA_RE.match(params["commit_sha"].lower()):
            ctx.fail("commit_sha: %r is not a Git commit SHA (7 to 40 hexadecimal digits)." % params["commit_sha"])
        params["commit_sha"] = params["commit_sha"].lower()
    if params["deployment_id"] is not None and action != "rollback":
        ctx.fail("deployment_id: only action=rollback takes a deployment to roll back to (action is %s)." % action)
    if params["rollback_on_failure"] and not params["wait"]:
        ctx.fail("rollback_on_failure: needs wait=true (a failure is only known by waiting for the deployment).")
    if params["rollback_on_failure"] and action == "rollback":
        ctx.fail("rollback_on_failure: cannot be used with action=rollback.")
    probe = params["health_check"]
    if probe:
        if not params["wait"]:
            ctx.fail("health_check: needs wait=true (the probe runs once the deployment succeeded).")
        problem = health_check_problem(probe)
        if problem:
            ctx.fail("health_check: " + problem)
    if params["wait_timeout"] < 0:
        ctx.fail("wait_timeout: must not be negative.")
    if params["wait_interval"] <= 0:
        ctx.fail("wait_interval: must be more than 0 seconds.")


# ------------------------------------------------------------------ waiting and probing
def newer_deployment(client, deployment):
    """The deployment of the same instance that superseded `deployment` (the newest one made after it), or None."""
    recent = recent_deployments(client, dict(id=deployment["environmentId"]), dict(id=deployment["serviceId"]))
    ids = [d["id"] for d in recent]
    if deployment["id"] in ids:
        recent = recent[:ids.index(deployment["id"])]
    return recent[0] if recent else None


def wait_for(ctx, client, deployment, what):
    """Poll a deployment until it succeeds (returned) or fails (Outcome raised); wait_timeout bounds it.

    A superseded deployment (REMOVED or SKIPPED) is not a failure: the newer one is followed instead.
    NEEDS_APPROVAL fails at once: nothing happens until a person approves it."""
    params = ctx.params
    deadline = waits.CLOCK() + params["wait_timeout"]
    while True:
        status = deployment.get("status")
        if status in SUCCEEDED:
            return deployment
        bad = ended_badly(deployment, params["service"], what)
        if bad is not None:
            raise bad
        if status in SUPERSEDED:
            newer = newer_deployment(client, deployment)
            if newer is None:
                raise Outcome("%s: deployment %s was %s and no newer deployment replaced it." % (
                    what, deployment["id"], status), deployment)
            ctx.warn("deployment %s was %s: a newer deployment (%s) superseded it; following that one." % (
                deployment["id"], status, newer["id"]))
            deployment = newer
            continue
        if waits.CLOCK() >= deadline:
            raise Outcome("wait_timeout: deployment %s of service %s is still %s after %ss." % (
                deployment["id"], params["service"], status, params["wait_timeout"]), deployment)
        waits.SLEEP(min(params["wait_interval"], max(0.0, deadline - waits.CLOCK())))
        deployment = client.query(DEPLOYMENT_QUERY, dict(id=deployment["id"]))["deployment"]


# ------------------------------------------------------------------ actions
DEPLOY_COMMIT = ("mutation serviceInstanceDeployV2($environmentId: String!, $serviceId: String!, $commitSha: String) {"
                 " serviceInstanceDeployV2(environmentId: $environmentId, serviceId: $serviceId, commitSha: $commitSha) }")
DEPLOY_LATEST = ("mutation serviceInstanceDeploy($environmentId: String!, $serviceId: String!) {"
                 " serviceInstanceDeploy(environmentId: $environmentId, serviceId: $serviceId, latestCommit: true) }")


def deploy_commit(client, environment, service, before, commit_sha):
    """serviceInstanceDeployV2 with commitSha: that commit. (Without one it would redeploy the commit it has.)"""
    variables = dict(environmentId=environment["id"], serviceId=service["id"], commitSha=commit_sha)

    def create():
        new_id = client.mutate(DEPLOY_COMMIT, variables)["serviceInstanceDeployV2"]
        return client.query(DEPLOYMENT_QUERY, dict(id=new_id))["deployment"]

    return create_or_find_again(create, lambda: new_deployment(client, environment, service, before))


def deploy_latest_commit(client, environment, service, before):
    """serviceInstanceDeploy(latestCommit: true): the head of the service's branch (an image: its tag pulled again)."""
    def create():
        client.mutate(DEPLOY_LATEST, dict(environmentId=environment["id"], serviceId=service["id"]))
        made = new_deployment(client, environment, service, before)
        if made is None:
            raise ApiError("Railway: serviceInstanceDeploy made no new deployment of service %s" % service.get("name"),
                           provider="Railway")
        return made

    return create_or_find_again(create, lambda: new_deployment(client, environment, service, before))


def act(ctx, client, environment, service, deployments):
    """Send the action's mutation; return the deployment to follow."""
    params = ctx.params
    action = params["action"]
    latest = deployments[0] if deployments else None
    if action == "deploy":
        if params["commit_sha"]:
            return deploy_commit(client, environment, service, deployments, params["commit_sha"])
        return deploy_latest_commit(client, environment, service, deployments)
    if action == "redeploy":
        def redeploy():
            return client.mutate("mutation deploymentRedeploy($id: String!) { deploymentRedeploy(id: $id) { %s } }"
                                 % DEPLOYMENT_FIELDS, dict(id=latest["id"]))["deploymentRedeploy"]

        return create_or_find_again(redeploy, lambda: new_deployment(client, environment, service, deployments))
    if action == "restart":
        target = next(d for d in deployments if d["status"] in RUNNING + ("CRASHED",))
        try:
            client.mutate("mutation deploymentRestart($id: String!) { deploymentRestart(id: $id) }", dict(id=target["id"]))
        except ApiError as exc:
            if not exc.lost_response:
                raise
        return client.query(DEPLOYMENT_QUERY, dict(id=target["id"]))["deployment"]
    return rollback(client, environment, service, rollback_target(deployments, params["deployment_id"]), deployments)


def _check_possible(ctx, service, environment, deployments):
    """Fail, before any write, on an action the instance's deployments cannot take."""
    params = ctx.params
    action = params["action"]
    where = "service %r in environment %r" % (service["name"], environment["name"])
    if action == "redeploy" and not deployments:
        ctx.fail("action: %s has no deployment to redeploy; use action=deploy." % where)
    if action == "redeploy" and deployments[0].get("canRedeploy") is False:
        ctx.fail("action: Railway cannot redeploy the latest deployment %s of %s (status %s, canRedeploy false); "
                 "use action=deploy." % (deployments[0]["id"], where, deployments[0]["status"]))
    if action == "restart" and not any(d["status"] in RUNNING + ("CRASHED",) for d in deployments):
        ctx.fail("action: %s has no running or crashed deployment to restart (latest: %s)." % (
            where, deployments[0]["status"] if deployments else "none"))
    if action == "rollback":
        target = rollback_target(deployments, params["deployment_id"])
        if params["deployment_id"] and target is None:
            ctx.fail("deployment_id: %s is not one of the last %d deployments of %s." % (params["deployment_id"], HISTORY, where))
        if target is None:
            ctx.fail("action: %s has no earlier successful deployment to roll back to." % where)
        if not target.get("canRollback"):
            ctx.fail("deployment_id: Railway cannot roll back to deployment %s (status %s, canRollback false)." % (
                target["id"], target["status"]))


def _noop(params, latest):
    """A deploy of the commit the latest deployment already runs (or builds) has nothing to do."""
    return (params["action"] == "deploy" and params["commit_sha"] and latest is not None
            and ((latest.get("meta") or {}).get("commitHash") or "").lower().startswith(params["commit_sha"])
            and latest["status"] not in FAILED + SUPERSEDED)


def follow(ctx, client, deployment):
    """wait (and health_check) when asked: the deployment it ended with, and the probe's result."""
    params = ctx.params
    if not params["wait"]:
        return deployment, None
    deployment = wait_for(ctx, client, deployment, "wait")
    return deployment, waits.probe(params["health_check"], params["service"], deployment) if params["health_check"] else None


def run(ctx):
    params = ctx.params
    _validate(ctx, params)
    client = ctx.register_client(RailwayClient(params))
    project, environment, service = resolve_instance(client, params, required=not ctx.check_mode)
    if None in (project, environment, service):
        ctx.warn("project, environment or service does not exist yet; in check mode the %s is reported as to happen "
                 "once it does." % params["action"])
        return ctx.result(changed=params["trigger"], deployment={})
    deployments = recent_deployments(client, environment, service)
    latest = deployments[0] if deployments else None
    acting = params["trigger"] and not _noop(params, latest)
    if acting:
        _check_possible(ctx, service, environment, deployments)
    if not acting or ctx.check_mode:
        return follow_existing(ctx, client, environment, service, latest, acting)

    deployment = act(ctx, client, environment, service, deployments)
    report_new(ctx, service, deployment)
    diff = (dict(deployment=(latest or {}).get("id")), dict(deployment=deployment["id"]))
    try:
        deployment, health = follow(ctx, client, deployment)
    except Outcome as outcome:
        return fail_after(ctx, client, environment, service, outcome, changed=True)
    return ctx.result(changed=True, deployment=deployment_result(deployment), health_check=health, diff=diff)


def follow_existing(ctx, client, environment, service, latest, acting):
    """No action sent (trigger false, a no-op deploy, or check mode): wait for and probe the latest deployment.

    A deployment this task did not start fails (and is rolled back, with rollback_on_failure) like one it started;
    waiting for a service that has no deployment at all fails, since nothing runs."""
    params = ctx.params
    deployment, health = latest, None
    diff = (dict(deployment=(latest or {}).get("id")),
            dict(deployment="(new %s)" % params["action"] if acting else (latest or {}).get("id")))
    if ctx.check_mode or not params["wait"]:
        return ctx.result(changed=acting, deployment=deployment_result(latest), health_check=None, diff=diff)
    if latest is None:
        ctx.fail("wait: service %s in environment %s has no deployment, so nothing runs; deploy it "
                 "(railway_deployment action=deploy) or check its source." % (service["name"], environment["name"]),
                 changed=False, deployment={})
    try:
        deployment, health = follow(ctx, client, latest)
    except Outcome as outcome:
        return fail_after(ctx, client, environment, service, outcome, changed=False)
    return ctx.result(changed=acting, deployment=deployment_result(deployment), health_check=health, diff=diff)


def fail_after(ctx, client, environment, service, outcome, changed):
    """A deployment (or its probe) failed: roll back when asked, and fail saying what happened."""
    if ctx.params["rollback_on_failure"]:
        return _roll_back_after(ctx, client, environment, service, outcome, changed)
    ctx.fail(outcome.msg + no_rollback_note(outcome.deployment, service["name"]), changed=changed, deployment=deployment_result(outcome.deployment))


def report_new(ctx, service, deployment):
    """Warn about what the new deployment means: a rollback runs older variables, an approval waits for a person."""
    meta = deployment.get("meta") or {}
    if meta.get("reason") == "rollback" or ctx.params["action"] == "rollback":
        ctx.warn(rollback_warning(service["name"], deployment, meta.get("rollbackTargetDeploymentId")))
    if deployment.get("status") == NEEDS_APPROVAL and not ctx.params["wait"]:
        ctx.warn(approval_message(deployment, service["name"]))


def _roll_back_after(ctx, client, environment, service, outcome, changed):
    """rollback_on_failure: go back to the previous successful deployment, then fail with what happened."""
    failed = deployment_result(outcome.deployment)
    deployments = recent_deployments(client, environment, service)
    running = still_running(deployments, outcome.deployment)
    if running is not None:
        ctx.fail("%s The previous deployment %s is still %s; nothing to roll back." % (
            outcome.msg, running["id"], running["status"]), changed=changed, deployment=failed, rolled_back_to=None,
            running=deployment_result(running))
    target = rollback_target(deployments)
    if target is None:
        ctx.fail("%s No earlier successful deployment to roll back to." % outcome.msg, changed=changed,
                 deployment=failed, rolled_back_to=None)
    made = rollback(client, environment, service, target, deployments)
    ctx.warn(rollback_warning(service["name"], made, target["id"]))
    try:
        made = wait_for(ctx, client, made, "rollback_on_failure")
        note = "rolled back to deployment %s: new deployment %s is %s." % (target["id"], made["id"], made["status"])
    except Outcome as again:
        made = again.deployment
        note = "the rollback to deployment %s failed too: %s" % (target["id"], again.msg)
    ctx.fail("%s rollback_on_failure: %s" % (outcome.msg, note), changed=True, deployment=failed,
             rolled_back_to=deployment_result(target), rollback_deployment=deployment_result(made))
