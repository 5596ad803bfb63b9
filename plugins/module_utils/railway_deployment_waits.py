# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""Following deployments: their statuses, reading them, probing a health URL, rolling back.

Library code shared by railway_deployment (one service) and railway_deployments (several services of an
environment at once): resources import it; it imports no resource.
"""

from __future__ import annotations

import re
import time
from typing import Any

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError, HttpClient
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, nodes

SUCCEEDED = ("SUCCESS", "SLEEPING")
FAILED = ("FAILED", "CRASHED")  # the only failures (Railway's CLI, `railway up`)
SUPERSEDED = ("REMOVED", "SKIPPED")  # a newer deployment took its place: follow that one
NEEDS_APPROVAL = "NEEDS_APPROVAL"
RUNNING = SUCCEEDED
HISTORY = 20
# Tests replace these to run the wait loops without sleeping.
SLEEP = time.sleep
CLOCK = time.monotonic

DEPLOYMENT_FIELDS = (
    "id status statusUpdatedAt createdAt canRollback canRedeploy serviceId environmentId staticUrl url meta"
)
DEPLOYMENTS_QUERY = (
    "query deployments($input: DeploymentListInput!, $first: Int) {"
    " deployments(input: $input, first: $first) { edges { node { %s } } } }" % DEPLOYMENT_FIELDS
)
DEPLOYMENT_QUERY = "query deployment($id: String!) { deployment(id: $id) { %s } }" % DEPLOYMENT_FIELDS
# Every service instance's latest deployment in one request: a poll of N services costs one request.
LATEST_DEPLOYMENTS_QUERY = (
    "query latestDeployments($id: String!) { environment(id: $id) { id"
    " serviceInstances(first: 100) { edges { node { serviceId latestDeployment { %s } } } } } }" % DEPLOYMENT_FIELDS
)


HEALTH_CHECK_SPEC = dict(
    type="dict",
    options=dict(
        url=dict(type="str", required=True),
        status_code=dict(type="int", default=200),
        body=dict(type="str"),
        timeout=dict(type="int", default=60),
        interval=dict(type="float", default=3.0),
        validate_certs=dict(type="bool", default=True),
    ),
)


def health_check_problem(check: dict[str, Any]) -> str | None:
    """What is wrong with a health_check's values (the message's tail), or None."""
    if not re.match(r"^https?://[^/\s]+", check["url"] or ""):
        return "url must be an http:// or https:// URL (got %r)." % check["url"]
    if not 100 <= check["status_code"] <= 599:
        return "status_code %d is not an HTTP status." % check["status_code"]
    if check["timeout"] < 0 or check["interval"] <= 0:
        return "timeout must not be negative and interval must be more than 0."
    return None


class Outcome(Exception):
    """A deployment (or its health probe) did not end well: message and the deployment it is about."""

    def __init__(self, msg: str, deployment: dict[str, Any] | None) -> None:
        super().__init__(msg)
        self.msg = msg
        self.deployment = deployment


def deployment_result(record: dict[str, Any] | None) -> dict[str, Any]:
    if not record:
        return {}
    meta = record.get("meta") or {}
    return dict(
        id=record.get("id"),
        status=record.get("status"),
        service_id=record.get("serviceId"),
        environment_id=record.get("environmentId"),
        created_at=record.get("createdAt"),
        status_updated_at=record.get("statusUpdatedAt"),
        can_rollback=record.get("canRollback"),
        url=record.get("url"),
        static_url=record.get("staticUrl"),
        commit_sha=meta.get("commitHash"),
        image=meta.get("image"),
        reason=meta.get("reason"),
    )


def recent_deployments(
    client: RailwayClient, environment: dict[str, Any], service: dict[str, Any]
) -> list[dict[str, Any]]:
    """The instance's latest deployments, newest first (one query)."""
    data = client.query(
        DEPLOYMENTS_QUERY, dict(input=dict(environmentId=environment["id"], serviceId=service["id"]), first=HISTORY)
    )
    return nodes(data["deployments"])


def latest_deployments(client: RailwayClient, environment_id: str) -> dict[str, dict[str, Any] | None]:
    """{service id: its latest deployment (None when it has none)} for every service of the environment (one query)."""
    data = client.query(LATEST_DEPLOYMENTS_QUERY, dict(id=environment_id))
    return {
        i["serviceId"]: i.get("latestDeployment")
        for i in nodes((data.get("environment") or {}).get("serviceInstances"))
    }


def new_deployment(
    client: RailwayClient, environment: dict[str, Any], service: dict[str, Any], before: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The newest deployment that was not there before (after a write whose answer gave no id)."""
    known = {d["id"] for d in before}
    return next((d for d in recent_deployments(client, environment, service) if d["id"] not in known), None)


def approval_message(deployment: dict[str, Any], service: str) -> str:
    return (
        "deployment %s of service %s is NEEDS_APPROVAL: Railway builds it only once someone approves it (the "
        "deployment's Approve button in Railway's dashboard); approve it, then run again." % (deployment["id"], service)
    )


def ended_badly(deployment: dict[str, Any], service: str, what: str) -> Outcome | None:
    """The Outcome of a deployment that failed or waits for a person's approval, else None."""
    status = deployment.get("status")
    if status in FAILED:
        return Outcome(
            "%s: deployment %s of service %s ended %s." % (what, deployment["id"], service, status), deployment
        )
    if status == NEEDS_APPROVAL:
        return Outcome("%s: %s" % (what, approval_message(deployment, service)), deployment)
    return None


def probe(check: dict[str, Any], service: str, deployment: dict[str, Any]) -> dict[str, Any]:
    """GET check's url until it answers status_code (and holds body), or raise Outcome after its timeout.

    Each call makes its own HTTP client, so probes may run in threads at the same time."""
    http = HttpClient(
        "health check",
        check["url"],
        timeout=min(30, max(1, check["timeout"] or 1)),
        max_retries=0,
        validate_certs=check["validate_certs"],
        headers={"Accept": "*/*"},
    )
    deadline = CLOCK() + check["timeout"]
    seen = None
    while True:
        try:
            response = http.request("GET", allow_status=range(100, 600), safe=True)
            text = response.text or ""
            seen = "HTTP %d" % response.status
            if response.status == check["status_code"] and (not check["body"] or check["body"] in text):
                return dict(url=check["url"], status_code=response.status, attempts=http.stats["requests"])
            if response.status == check["status_code"]:
                seen += " without %r in its body" % check["body"]
        except ApiError as exc:
            seen = exc.message
        if CLOCK() >= deadline:
            raise Outcome(
                "health_check: %s (deployment %s of service %s) did not answer %d%s within %ss; last: %s."
                % (
                    check["url"],
                    deployment["id"],
                    service,
                    check["status_code"],
                    " with %r" % check["body"] if check["body"] else "",
                    check["timeout"],
                    seen,
                ),
                deployment,
            )
        SLEEP(min(check["interval"], max(0.0, deadline - CLOCK())))


# ------------------------------------------------------------------ rolling back
def rollback_target(deployments: list[dict[str, Any]], deployment_id: str | None = None) -> dict[str, Any] | None:
    if deployment_id:
        return next((d for d in deployments if d["id"] == deployment_id), None)
    return next((d for d in deployments if d.get("canRollback")), None)


def still_running(deployments: list[dict[str, Any]], failed: dict[str, Any]) -> dict[str, Any] | None:
    """After a build that FAILED, the earlier deployment that still runs (nothing to roll back), else None."""
    if failed.get("status") not in FAILED:
        return None
    return next((d for d in deployments if d["status"] in RUNNING and d["id"] != failed.get("id")), None)


def rollback(
    client: RailwayClient,
    environment: dict[str, Any],
    service: dict[str, Any],
    target: dict[str, Any],
    before: list[dict[str, Any]],
) -> dict[str, Any]:
    """deploymentRollback (a Boolean) and the new deployment it made."""
    try:
        client.mutate(
            "mutation deploymentRollback($id: String!) { deploymentRollback(id: $id) }", dict(id=target["id"])
        )
    except ApiError as exc:
        if not exc.lost_response:
            raise
    made = new_deployment(client, environment, service, before)
    if made is None:
        raise ApiError(
            "Railway: the rollback to deployment %s made no new deployment" % target["id"], provider="Railway"
        )
    return made


def rollback_warning(service_name: str, deployment: dict[str, Any], target_id: str | None) -> str:
    return (
        "service %s: rollback deployment %s runs the image and the variables of deployment %s, which can differ "
        "from the environment's config (Railway does not rewrite the config). The next railway_service, "
        "railway_services or railway_variables run for this service deploys it again with the config's "
        "variables." % (service_name, deployment["id"], target_id or "rolled back to")
    )


def no_rollback_note(failed: dict[str, Any] | None, service_name: str) -> str:
    """The tail of a failure's message when rollback_on_failure is false."""
    note = " Nothing was rolled back (rollback_on_failure is false)."
    if (failed or {}).get("status") == "CRASHED":
        note += " Service %s has no running deployment until a deploy succeeds." % service_name
    return note
