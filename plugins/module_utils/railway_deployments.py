# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_deployments: follow the latest deployment of several services of an environment at once.

Each service's latest deployment is waited for, probed, and rolled back on failure when it asks for it, as
railway_deployment does with trigger=false and wait=true. One poll reads the latest deployment of every service
of the environment (environment.serviceInstances.latestDeployment): its cost does not grow with the services.
The probes run at the same time, each in its own thread with its own HTTP client. The task sends no deploy;
its only writes are the rollbacks of failed services that ask for them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ansible_collections.railstack.platform.plugins.module_utils import railway_deployment_waits as waits
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext
from ansible_collections.railstack.platform.plugins.module_utils.railway import (
    INSTANCE_PROJECT_FIELDS,
    RailwayClient,
    nodes,
    pick_environment,
    pick_service,
    railway_argument_spec,
    railway_environment_spec,
)
from ansible_collections.railstack.platform.plugins.module_utils.railway_deployment_waits import (
    HEALTH_CHECK_SPEC,
    SUCCEEDED,
    SUPERSEDED,
    Outcome,
    deployment_result,
    ended_badly,
    health_check_problem,
    latest_deployments,
    no_rollback_note,
    recent_deployments,
    rollback,
    rollback_target,
    rollback_warning,
    still_running,
)

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
    wait_interval=dict(type="float", default=5.0),
    services=dict(
        type="list",
        elements="dict",
        required=True,
        options=dict(
            name=dict(type="str", required=True),
            wait_timeout=dict(type="int", default=900),
            health_check=HEALTH_CHECK_SPEC,
            rollback_on_failure=dict(type="bool", default=False),
        ),
    ),
)
PROBE_THREADS = 8


@dataclass
class Follow:
    """One deployment being waited for: the service's latest, followed to a newer one that supersedes it."""

    service: str
    service_id: str
    deployment: dict[str, Any]
    wait_timeout: int
    deadline: float = 0.0
    outcome: Outcome | None = None


@dataclass
class Tracked:
    """One item of `services` (a service that exists) and what happened to it."""

    item: dict[str, Any]
    service: dict[str, Any]
    follow: Follow
    health: dict[str, Any] | None = None
    rollback: Follow | None = None
    rolled_back_to: dict[str, Any] | None = None
    running: dict[str, Any] | None = None
    note: str = ""

    @property
    def name(self) -> str:
        return str(self.item["name"])

    @property
    def outcome(self) -> Outcome | None:
        return self.follow.outcome


def _validate(ctx: TaskContext, params: dict[str, Any]) -> None:
    if params["wait_interval"] <= 0:
        ctx.fail("wait_interval: must be more than 0 seconds.")
    seen: set[str] = set()
    for index, item in enumerate(params["services"]):
        where = "services[%d] (%s)" % (index, item["name"])
        if item["name"] in seen:
            ctx.fail("services: %s is listed twice; list each service once." % item["name"])
        seen.add(item["name"])
        if item["wait_timeout"] < 0:
            ctx.fail("%s.wait_timeout: must not be negative." % where)
        problem = health_check_problem(item["health_check"]) if item["health_check"] else None
        if problem:
            ctx.fail("%s.health_check: %s" % (where, problem))


def _resolve(
    ctx: TaskContext, client: RailwayClient, params: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[dict[str, Any] | None]]:
    """The environment and each item's service (one query). Outside check mode a missing one fails, naming all."""
    required = not ctx.check_mode
    project = client.resolve_project(
        params["project"], params.get("workspace_id"), INSTANCE_PROJECT_FIELDS, required=required
    )
    if project is None:
        return None, [None for dummy in params["services"]]
    environment = pick_environment(project, params["environment"])
    if environment is None and required:
        ctx.fail(
            "environment: project %r has no environment %r (it has: %s)."
            % (
                project["name"],
                params["environment"],
                ", ".join(sorted(e["name"] for e in nodes(project["environments"]))),
            )
        )
    services = [pick_service(project, item["name"]) for item in params["services"]]
    missing = [item["name"] for item, service in zip(params["services"], services) if service is None]
    if missing and required:
        ctx.fail(
            "services: project %r has no service %s (it has: %s); create them first (railway_services)."
            % (
                project["name"],
                ", ".join(repr(name) for name in missing),
                ", ".join(sorted(s["name"] for s in nodes(project["services"]))) or "none",
            )
        )
    return environment, services


def run(ctx: TaskContext) -> dict[str, Any]:
    params = ctx.params
    _validate(ctx, params)
    if not params["services"]:
        return ctx.result(changed=False, services=[])
    client = ctx.register_client(RailwayClient(params))
    environment, services = _resolve(ctx, client, params)
    latest = latest_deployments(client, environment["id"]) if environment else {}
    if ctx.check_mode or environment is None:
        return _preview(ctx, params["services"], services, latest)
    tracked = [
        Tracked(item, service, _first_follow(item, service, latest.get(service["id"]), environment))
        for item, service in zip(params["services"], services)
        if service is not None
    ]
    wait_all(ctx, client, environment["id"], [t.follow for t in tracked if t.outcome is None], "wait")
    probe_all([t for t in tracked if t.outcome is None and t.item["health_check"]])
    for t in tracked:
        if t.outcome is not None and t.item["rollback_on_failure"]:
            _roll_back(ctx, client, environment, t)
    rollbacks = [t.rollback for t in tracked if t.rollback]
    wait_all(ctx, client, environment["id"], rollbacks, "rollback_on_failure")
    return _finish(ctx, tracked)


def _first_follow(
    item: dict[str, Any], service: dict[str, Any], latest: dict[str, Any] | None, environment: dict[str, Any]
) -> Follow:
    """The service's latest deployment to wait for; a service without any fails: nothing runs."""
    follow = Follow(item["name"], service["id"], latest or {}, item["wait_timeout"])
    if not latest:
        follow.outcome = Outcome(
            "wait: service %s in environment %s has no deployment, so nothing runs; deploy it (railway_deployment "
            "action=deploy) or check its source." % (item["name"], environment["name"]),
            None,
        )
    return follow


def _preview(
    ctx: TaskContext,
    items: list[dict[str, Any]],
    services: list[dict[str, Any] | None],
    latest: dict[str, dict[str, Any] | None],
) -> dict[str, Any]:
    """Check mode: each service's latest deployment, as what would be waited for; nothing waited, probed or sent."""
    missing = [item["name"] for item, service in zip(items, services) if service is None]
    if missing:
        ctx.warn(
            "project, environment or service(s) %s do not exist yet; in check mode their deployments are "
            "reported as to be waited for once they do." % ", ".join(missing)
        )
    entries = []
    for item, service in zip(items, services):
        deployment = latest.get(service["id"]) if service else None
        entries.append(
            dict(
                name=item["name"],
                service_id=(service or {}).get("id"),
                deployment=deployment_result(deployment),
                outcome="would_wait",
                rolled_back=False,
                health=None,
                msg=None,
                rolled_back_to=None,
                rollback_deployment=None,
                running=None,
            )
        )
    return ctx.result(changed=False, services=entries)


# ------------------------------------------------------------------ waiting, all at once
def wait_all(ctx: TaskContext, client: RailwayClient, environment_id: str, follows: list[Follow], what: str) -> None:
    """Wait until every deployment succeeded or ended badly (its Follow.outcome set); one read per poll for all."""
    start = waits.CLOCK()
    for follow in follows:
        follow.deadline = start + follow.wait_timeout
    pending = [f for f in follows if not _settled(f, what)]
    while pending:
        now = waits.CLOCK()
        for follow in pending:
            if now >= follow.deadline:
                follow.outcome = Outcome(
                    "wait_timeout: deployment %s of service %s is still %s after %ss."
                    % (follow.deployment["id"], follow.service, follow.deployment.get("status"), follow.wait_timeout),
                    follow.deployment,
                )
        pending = [f for f in pending if f.outcome is None]
        if not pending:
            return
        waits.SLEEP(min(ctx.params["wait_interval"], max(0.0, min(f.deadline for f in pending) - waits.CLOCK())))
        latest = latest_deployments(client, environment_id)
        for follow in pending:
            _follow_newest(ctx, follow, latest.get(follow.service_id))
        pending = [f for f in pending if not _settled(f, what)]


def _settled(follow: Follow, what: str) -> bool:
    """Whether the deployment succeeded or ended badly (then its outcome is set)."""
    deployment = follow.deployment
    status = deployment.get("status")
    if status in SUCCEEDED:
        return True
    follow.outcome = ended_badly(deployment, follow.service, what)
    if follow.outcome is None and status in SUPERSEDED:
        follow.outcome = Outcome(
            "%s: deployment %s of service %s was %s and no newer deployment replaced it."
            % (what, deployment["id"], follow.service, status),
            deployment,
        )
    return follow.outcome is not None


def _follow_newest(ctx: TaskContext, follow: Follow, newest: dict[str, Any] | None) -> None:
    """The service's latest deployment as just read: a newer one than the one followed superseded it."""
    if not newest:
        return
    if newest["id"] != follow.deployment["id"]:
        ctx.warn(
            "service %s: a newer deployment (%s) superseded deployment %s; following that one."
            % (follow.service, newest["id"], follow.deployment["id"])
        )
    follow.deployment = newest


def probe_all(tracked: list[Tracked]) -> None:
    """Probe every succeeded service's health_check at the same time; a failure sets its outcome."""

    def one(t: Tracked) -> None:
        try:
            t.health = waits.probe(t.item["health_check"], t.name, t.follow.deployment)
        except Outcome as outcome:
            t.follow.outcome = outcome

    if not tracked:
        return
    with ThreadPoolExecutor(max_workers=min(PROBE_THREADS, len(tracked))) as pool:
        list(pool.map(one, tracked))


# ------------------------------------------------------------------ rolling back and the result
def _roll_back(ctx: TaskContext, client: RailwayClient, environment: dict[str, Any], t: Tracked) -> None:
    """rollback_on_failure: go back to the previous successful deployment (waited for later), or say why not."""
    failed = t.follow.deployment
    if not failed:
        t.note = " No deployment to roll back to."
        return
    deployments = recent_deployments(client, environment, t.service)
    t.running = still_running(deployments, failed)
    if t.running is not None:
        t.note = " The previous deployment %s is still %s; nothing to roll back." % (
            t.running["id"],
            t.running["status"],
        )
        return
    target = rollback_target(deployments)
    if target is None:
        t.note = " No earlier successful deployment to roll back to."
        return
    try:
        made = rollback(client, environment, t.service, target, deployments)
    except ApiError as exc:
        t.note = " rollback_on_failure: the rollback to deployment %s failed: %s" % (target["id"], exc.message)
        return
    ctx.warn(rollback_warning(t.name, made, target["id"]))
    t.rolled_back_to = target
    t.rollback = Follow(t.name, t.service["id"], made, t.item["wait_timeout"])


def _note(t: Tracked) -> str:
    """What follows a failed service's message: what rollback_on_failure did."""
    if not t.item["rollback_on_failure"]:
        return no_rollback_note(t.follow.deployment, t.name)
    if t.rollback is None:
        return t.note
    made = t.rollback.deployment
    target = (t.rolled_back_to or {}).get("id")
    if t.rollback.outcome is not None:
        return " rollback_on_failure: the rollback to deployment %s failed too: %s" % (target, t.rollback.outcome.msg)
    return " rollback_on_failure: rolled back to deployment %s: new deployment %s is %s." % (
        target,
        made["id"],
        made["status"],
    )


def _entry(t: Tracked, outcome: str) -> dict[str, Any]:
    failed = t.outcome
    return dict(
        name=t.name,
        service_id=t.service["id"],
        deployment=deployment_result(t.follow.deployment),
        outcome=outcome,
        rolled_back=t.rollback is not None,
        health=t.health,
        msg=failed.msg + _note(t) if failed else None,
        rolled_back_to=deployment_result(t.rolled_back_to) or None,
        rollback_deployment=deployment_result(t.rollback.deployment) if t.rollback else None,
        running=deployment_result(t.running) or None,
    )


def _finish(ctx: TaskContext, tracked: list[Tracked]) -> dict[str, Any]:
    """One result for all: fail once, naming every service that failed and why."""
    entries = [_entry(t, "failed" if t.outcome else "succeeded") for t in tracked]
    changed = any(t.rollback is not None for t in tracked)
    diff = (
        dict((t.name, (t.follow.deployment or {}).get("id")) for t in tracked),
        dict((t.name, (t.rollback.deployment if t.rollback else t.follow.deployment).get("id")) for t in tracked),
    )
    failed = [entry for entry in entries if entry["outcome"] == "failed"]
    if failed:
        extra = dict(diff=dict(before=diff[0], after=diff[1])) if ctx.diff else {}
        ctx.fail(
            "%d of %d services failed: %s"
            % (len(failed), len(entries), " | ".join("%s: %s" % (entry["name"], entry["msg"]) for entry in failed)),
            changed=changed,
            services=entries,
            **extra,
        )
    return ctx.result(changed=changed, services=entries, diff=diff)
