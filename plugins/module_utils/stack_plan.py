# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stack_plan: what needs provider state, checked in one read-only pass before a run's first write.

stack_check checks everything the stack file alone can tell, with no request. What needs the providers'
state is checked here, before the first write of playbooks/site.yml, with reads only:

- Railway's plan: the project's `subscriptionType`, or, for a project not made yet, its workspace's `plan`
  (a project token cannot read the workspace; it reads its own project). Every volume of the stack is checked
  against the plan (first size, resize, volumes per project) and against the size it has (a shrink), and the
  restart policies against Free's limits. Reads: the workspaces' plans with their projects' names in one
  query, then, when the project exists, the project with every environment's config (variable values not
  decrypted) in one more; nothing when the stack has no volume and no restart policy.
- DNS: the records at the name of every custom domain and at its `_railway-verify.` name, one read per zone.
  A record Railway's CNAME cannot stand beside, or a CNAME this collection did not create that does not point
  at Railway, fails here, before Railway's custom domain is made.
"""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import env_fallback
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.cloudflare import cloudflare_argument_spec
from ansible_collections.railstack.platform.plugins.module_utils.dns import make_client, plan as dns_plan
from ansible_collections.railstack.platform.plugins.module_utils.namecheap import namecheap_argument_spec
from ansible_collections.railstack.platform.plugins.module_utils.route53 import route53_argument_spec
from ansible_collections.railstack.platform.plugins.module_utils.stripe import StripeClient
from ansible_collections.railstack.platform.plugins.module_utils.stripe_price_plans import (
    prices_by_lookup_key,
    replace_reasons,
)
from ansible_collections.railstack.platform.plugins.module_utils.railway import (
    RailwayClient,
    nodes,
    pick_environment,
    railway_argument_spec,
)
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import EnvironmentState
from ansible_collections.railstack.platform.plugins.module_utils.railway_volume_plans import (
    PAID_PLAN_HINT,
    PLAN_VOLUMES,
    check_size,
    check_volume_count,
    find_volume,
)

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    project=dict(type="dict", required=True),
    requirements=dict(type="list", elements="dict", required=True),
    prices=dict(type="list", elements="dict", default=[]),
    api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["STRIPE_API_KEY"])),
    api_base=dict(type="str", fallback=(env_fallback, ["STRIPE_API_BASE"])),
    allow_live=dict(type="bool", default=False),
    **cloudflare_argument_spec(),
    **route53_argument_spec(),
    **namecheap_argument_spec(),
)

PLAN_PROJECT_FIELDS = (
    "id name subscriptionType"
    " environments(first: 100) { edges { node { id name config(decryptVariables: false) } } }"
    " services(first: 100) { edges { node { id name } } }"
    " volumes(first: 100) { edges { node { id name } } }"
)

# Free's restart policy (docs restart-policy.md): no ALWAYS, at most 10 retries.
PLAN_RESTARTS = dict(free=dict(always=False, max_retries=10))
# Railway's custom domains point at a generated <name>.up.railway.app (docs networking/domains.md).
RAILWAY_TARGET_SUFFIX = ".up.railway.app"
VERIFY_PREFIX = "_railway-verify."


# ---------------------------------------------------------------------------------------- Railway

WORKSPACE_FIELDS = "id name plan projects(first: 100) { edges { node { id name } } pageInfo { hasNextPage } }"
MY_WORKSPACES = "query planWorkspaces { me { workspaces { %s } } }" % WORKSPACE_FIELDS
ONE_WORKSPACE = (
    "query planWorkspace($workspaceId: String!) { workspace(workspaceId: $workspaceId) { %s } }" % WORKSPACE_FIELDS
)


def read_railway(client: RailwayClient, name: str, workspace_id: str | None) -> tuple[dict | None, str | None]:
    """(the stack's project with every environment's config or None, the plan that applies, lower case or None).

    One query reads the workspaces' plans with their projects' names (the token's workspaces, or the one given);
    a second reads the project when it exists. A project token reads its own project (its workspace is closed
    to it); a workspace beyond one page of projects is searched as railway_project searches it.
    """
    if client.uses_project_token:
        project = _one_project(client, client.find_projects(name))
        return project, _plan(project)
    workspaces = _workspaces(client, workspace_id)
    if workspaces is None or any(w["projects"]["pageInfo"]["hasNextPage"] for w in workspaces):
        matches = client.find_projects(name, workspace_id)
    else:
        matches = [p for w in workspaces for p in nodes(w["projects"]) if p["name"] == name]
    project = _one_project(client, matches)
    if project is not None:
        return project, _plan(project)
    # a new project is made in the one workspace there is (railway_project asks for workspace_id otherwise)
    plan = (workspaces[0].get("plan") or "").lower() if workspaces and len(workspaces) == 1 else ""
    return None, plan or None


def _workspaces(client: RailwayClient, workspace_id: str | None) -> list | None:
    """The workspaces with their plans and projects' names; None when this token may not read them (a workspace
    token is refused `me`): the project is then found as railway_project finds it, and a new one's plan is unknown."""
    try:
        if workspace_id:
            return [client.query(ONE_WORKSPACE, dict(workspaceId=workspace_id))["workspace"]]
        return client.query(MY_WORKSPACES)["me"]["workspaces"]
    except ApiError as exc:
        if exc.status in (401, 403) or "not authorized" in exc.message.lower():
            return None
        raise


def _one_project(client: RailwayClient, matches: list) -> dict | None:
    if len(matches) != 1:
        return None  # none yet; several: railway_project says which to pick
    return client.get_project(matches[0]["id"], PLAN_PROJECT_FIELDS)


def _plan(project: dict | None) -> str | None:
    return ((project or {}).get("subscriptionType") or "").lower() or None


def check_restarts(plan: str | None, restarts: list) -> list:
    """Problems of restart policies the plan refuses."""
    limits = PLAN_RESTARTS.get(plan or "")
    if not limits:
        return []
    title = PLAN_VOLUMES[plan or ""]["title"]
    problems = []
    for row in restarts:
        if row["type"] == "ALWAYS" and not limits["always"]:
            problems.append(
                "%s.restart_policy_type: Railway's %s plan does not restart ALWAYS; use ON_FAILURE or "
                "NEVER, %s." % (row["where"], title, PAID_PLAN_HINT)
            )
        if (row["max_retries"] or 0) > limits["max_retries"]:
            most = limits["max_retries"]
            problems.append(
                "%s.restart_policy_max_retries: Railway's %s plan retries at most %d times; give %d or "
                "less, %s." % (row["where"], title, most, most, PAID_PLAN_HINT)
            )
    return problems


def _state(project: dict | None, name: str, plan: str | None, environment: str) -> EnvironmentState:
    if project is None:
        return EnvironmentState(dict(name=name, subscriptionType=plan), None)
    return EnvironmentState(dict(project, subscriptionType=plan), pick_environment(project, environment))


def check_volumes(project: dict | None, name: str, plan: str | None, requirements: list) -> list:
    """Problems of the stack's volumes against the plan and the sizes they have (first problem per volume)."""
    problems: list[str] = []
    new: dict[str, str] = {}
    for env in requirements:
        state = _state(project, name, plan, env["environment"])
        for row in env["volumes"]:
            try:
                volume_id = _existing_volume(state, row)
                check_size(state, volume_id, row["size_mb"], option=row["where"] + ".size_mb")
                if volume_id is None and "new:" + row["service"] not in new.values():
                    state.volumes.update(new)
                    check_volume_count(state, row["where"], row["service"])
                    new["%s (to be made for %s)" % (row["name"] or "a volume", row["service"])] = (
                        "new:" + row["service"]
                    )
            except TaskFailed as exc:
                problems.append(exc.msg)
    return problems


def _existing_volume(state: EnvironmentState, row: dict) -> str | None:
    service_id = state.services.get(row["service"])
    if state.environment is None:
        return state.volumes.get(row["name"]) if row["name"] else None
    return find_volume(state, service_id, row["name"], option=row["where"] + ".name")


# ---------------------------------------------------------------------------------------- DNS


def check_domains(ctx: TaskContext, requirements: list) -> list:
    """Problems of records at the custom domains' names: one read per zone."""
    zones: dict[tuple[str, str], list[dict]] = {}
    for env in requirements:
        for row in env["domains"]:
            if row["provider"] and row["provider"] != "manual" and row["zone"]:
                zones.setdefault((row["provider"], row["zone"].rstrip(".").lower()), []).append(row)
    problems = []
    for (provider, zone), rows in sorted(zones.items()):
        client = ctx.register_client(make_client(dict(ctx.params, provider=provider)))
        found = client.find_zone(zone)
        names = sorted({n for r in rows for n in (r["domain"], VERIFY_PREFIX + r["domain"])})
        current = client.read(found, names)
        for row in rows:
            problems += _domain_problems(client, zone, row, current)
    return problems


def _domain_problems(client: Any, zone: str, row: dict, current: list) -> list:
    """What Railway's CNAME at the domain and its TXT at _railway-verify.<domain> would meet (dns.plan's rules)."""
    name = row["domain"]
    at_name = [r for r in current if r["name"] == name and r["type"] == "CNAME"]
    ours = [r["value"] for r in at_name if r["owned"] or r["value"].endswith(RAILWAY_TARGET_SUFFIX)]
    target = ours[0] if ours else "railway-target" + RAILWAY_TARGET_SUFFIX
    wanted = [
        dict(name=name, type="CNAME", values=[target], ttl=None, proxied=False),
        dict(name=VERIFY_PREFIX + name, type="TXT", values=["railway-verify"], ttl=None, proxied=False),
    ]
    errors = dns_plan(wanted, current, "present", False, False, client)[1]
    return [
        "%s: %s zone %s: %s. Nothing was written; the run makes the custom domain once that record is gone (it "
        "changes only records it made, and CNAMEs to Railway)." % (row["where"], client.NAME, zone, _fix(error))
        for error in errors
    ]


def _fix(error: str) -> str:
    """dns.plan's conflict without its option prefix, with site.yml's fix (it has no `force`)."""
    text = error.split(": ", 1)[1]
    return text.replace("remove it or set force: true to replace it", "remove it").replace(
        "; set force: true to replace it", ": remove it"
    )


# ---------------------------------------------------------------------------------------- Stripe


def price_replacements(ctx: TaskContext, prices: list) -> list:
    """What the price step will do to prices whose fixed terms change: one read of every lookup key at once."""
    if not prices or not ctx.params["api_key"]:
        return []
    client = ctx.register_client(StripeClient(ctx.params))
    current = prices_by_lookup_key(client, [p["lookup_key"] for p in prices])
    notes = []
    for price in prices:
        have = current.get(price["lookup_key"])
        if not have:
            continue
        reasons = replace_reasons(_price_params(price), have)
        if reasons:
            notes.append(
                "stack.stripe.prices[%s]: %s, which Stripe never changes on a price: the run makes a new "
                "price that takes the lookup key over and archives %s (existing subscriptions keep it)."
                % (price["lookup_key"], ", ".join(reasons), have["id"])
            )
    return notes


def _price_params(price: dict) -> dict:
    """A stack price in stripe_price's options (its recurring defaults filled in)."""
    recurring = price.get("recurring")
    if recurring:
        recurring = dict(
            interval=recurring["interval"],
            interval_count=recurring.get("interval_count") or 1,
            usage_type=recurring.get("usage_type") or "licensed",
            meter=recurring.get("meter"),
        )
    return dict(
        product=price["product"],
        currency=price["currency"],
        unit_amount=price["unit_amount"],
        recurring=recurring,
        tax_behavior=price.get("tax_behavior"),
    )


# ---------------------------------------------------------------------------------------- the module


def run(ctx: TaskContext) -> dict[str, Any]:
    params = ctx.params
    name = params["project"].get("name")
    workspace_id = params["project"].get("workspace_id")
    requirements = params["requirements"]
    project, plan = None, None
    if any(env["volumes"] or env["restarts"] for env in requirements):  # else Railway's state is not needed
        project, plan = read_railway(ctx.register_client(RailwayClient(params)), name, workspace_id)
    problems = check_volumes(project, name, plan, requirements) + check_restarts(
        plan, [r for env in requirements for r in env["restarts"]]
    )
    problems += check_domains(ctx, requirements)
    problems = list(dict.fromkeys(problems))
    if problems:
        ctx.fail(
            problems[0] if len(problems) == 1 else "%d problems: %s" % (len(problems), " ".join(problems)),
            problems=problems,
            plan=plan,
        )
    replacements = price_replacements(ctx, params["prices"])
    for note in replacements:
        ctx.warn(note)
    return ctx.result(
        changed=False,
        plan=plan,
        price_replacements=replacements,
        project=dict(id=(project or {}).get("id"), name=name, exists=project is not None),
    )
