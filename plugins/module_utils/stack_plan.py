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
from ansible_collections.railstack.platform.plugins.module_utils import stack_fingerprint, stack_state
from ansible_collections.railstack.platform.plugins.module_utils._http import COLLECTION_VERSION, ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.clerk import CLERK_API_URL, ClerkClient
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
    clerk_secret_key=dict(type="str", no_log=True, fallback=(env_fallback, ["CLERK_SECRET_KEY"])),
    clerk_api_url=dict(type="str", default=CLERK_API_URL, fallback=(env_fallback, ["CLERK_API_URL"])),
    fingerprint=dict(type="str", default="none", choices=["none", "compare", "record", "forget"]),
    desired=dict(type="list", elements="dict", default=[]),
    run_options=dict(type="dict", default={}),
    summary=dict(type="list", elements="str", default=[]),
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


def read_railway(
    client: RailwayClient, name: str, workspace_id: str | None, fields: str = PLAN_PROJECT_FIELDS
) -> tuple[dict | None, str | None]:
    """(the stack's project with every environment's config or None, the plan that applies, lower case or None).

    One query reads the workspaces' plans with their projects' names (the token's workspaces, or the one given);
    a second reads the project when it exists. A project token reads its own project (its workspace is closed
    to it); a workspace beyond one page of projects is searched as railway_project searches it.
    """
    if client.uses_project_token:
        matches = client.find_projects(name, fields=fields)
        project = matches[0] if len(matches) == 1 else None
        return project, _plan(project)
    workspaces = _workspaces(client, workspace_id)
    if workspaces is None or any(w["projects"]["pageInfo"]["hasNextPage"] for w in workspaces):
        matches = client.find_projects(name, workspace_id)
    else:
        matches = [p for w in workspaces for p in nodes(w["projects"]) if p["name"] == name]
    project = _one_project(client, matches, fields)
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


def _one_project(client: RailwayClient, matches: list, fields: str) -> dict | None:
    if len(matches) != 1:
        return None  # none yet; several: railway_project says which to pick
    return client.get_project(matches[0]["id"], fields)


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


Zones = dict[tuple[str, str], tuple[Any, list]]  # {(provider, zone): (its client, the records read)}


def domain_rows(requirements: list) -> list[dict]:
    """The custom domains whose DNS a provider of this collection keeps."""
    return [
        row
        for env in requirements
        for row in env["domains"]
        if row["provider"] and row["provider"] != "manual" and row["zone"]
    ]


def read_zones(ctx: TaskContext, rows: list[dict]) -> Zones:
    """The records at the rows' names and their _railway-verify. names: one read per zone."""
    names: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        names.setdefault((row["provider"], row["zone"].rstrip(".").lower()), set()).update(
            (row["domain"], VERIFY_PREFIX + row["domain"])
        )
    zones: Zones = {}
    for (provider, zone), wanted in sorted(names.items()):
        client = ctx.register_client(make_client(dict(ctx.params, provider=provider)))
        zones[(provider, zone)] = (client, client.read(client.find_zone(zone), sorted(wanted)))
    return zones


def check_domains(zones: Zones, requirements: list) -> list:
    """Problems of records at the custom domains' names."""
    problems = []
    for row in domain_rows(requirements):
        client, current = zones[(row["provider"], row["zone"].rstrip(".").lower())]
        problems += _domain_problems(client, row["zone"].rstrip(".").lower(), row, current)
    return problems


def dns_state(zones: Zones) -> dict:
    """The records read, per zone, in one order."""
    return {
        "%s:%s" % key: sorted(records, key=lambda r: (str(r.get("name")), str(r.get("type")), str(r.get("value"))))
        for key, (unused_client, records) in sorted(zones.items())
    }


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


def read_prices(client: StripeClient, prices: list) -> dict:
    """The prices holding the stack's lookup keys: one read of every lookup key at once."""
    return prices_by_lookup_key(client, [p["lookup_key"] for p in prices])


def price_replacements(prices: list, current: dict) -> list:
    """What the price step will do to prices whose fixed terms change."""
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


# Clerk's GET /instance shows its allowed origins only: a stack that sets another instance setting (they are
# write-only) is converged on every run.
CLERK_READ_SETTINGS = ("allowed_origins",)


def desired_parts(desired: list) -> dict[str, Any]:
    """What the stack_check results of the play's environments (one per host, or one for all) ask of the providers."""
    first = desired[0] if desired else {}
    envs = [env for d in desired for env in (d.get("environments") or [])]
    clerk = first.get("clerk") or {}
    return dict(
        project=(first.get("project") or {}).get("name"),
        environments=sorted({e["name"] for d in desired for e in d.get("environment_list") or []}),
        prices=(first.get("stripe") or {}).get("prices") or [],
        products=(first.get("stripe") or {}).get("products") or [],
        webhooks=any(env.get("webhooks") for env in envs),
        clerk=any(d.get("uses_clerk") for d in desired) or bool(clerk.get("instance") or clerk.get("domain")),
        requirements=[r for d in desired for r in d.get("requirements") or []],
        uncovered=_uncovered(first, envs, clerk),
    )


def _uncovered(first: dict, envs: list, clerk: dict) -> list[str]:
    reasons = []
    if first.get("notifications"):
        reasons.append("the stack has deploy notifications, which this read does not cover")
    instance = clerk.get("instance") or {}
    unread = sorted(k for k, v in instance.items() if v is not None and k not in CLERK_READ_SETTINGS)
    if unread:
        reasons.append(
            "the stack sets Clerk's %s, which Clerk does not show (converged on every run)" % ", ".join(unread)
        )
    if clerk.get("domain"):
        reasons.append("the stack has a Clerk domain, whose DNS records this read does not cover")
    if not envs:
        reasons.append("no environment of the stack is in the play")
    return reasons


def _migrations_run(desired: list, options: dict) -> bool:
    return bool(options.get("run_migrations")) and any(
        db.get("migrations")
        for d in desired
        for env in d.get("environments") or []
        for db in env.get("databases") or []
    )


def _without_run_data(value: Any) -> Any:
    """A task result without what Ansible adds to it."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if not k.startswith("_ansible") and k not in ("changed", "warnings")}
    return value


def credentials(params: dict) -> dict[str, Any]:
    """The providers' credentials and endpoints in use (they go into the fingerprint's key, never stored)."""
    names = (
        "api_token",
        "project_token",
        "api_url",
        "api_key",
        "api_base",
        "clerk_secret_key",
        "clerk_api_url",
        "cloudflare_api_token",
        "cloudflare_api_url",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_profile",
        "aws_endpoint_url",
        "namecheap_api_user",
        "namecheap_api_key",
        "namecheap_username",
        "namecheap_client_ip",
        "namecheap_api_url",
    )
    return {name: params.get(name) for name in names}


def _clerk_client(params: dict) -> ClerkClient:
    return ClerkClient(
        dict(
            secret_key=params["clerk_secret_key"],
            api_url=params["clerk_api_url"],
            validate_certs=params["validate_certs"],
            timeout=params["timeout"],
        )
    )


def _readers(ctx: TaskContext, wanted: dict, full: bool) -> dict[str, Any]:
    """The reads to make, one per provider: only what the checks need, or (full) the whole state."""
    params = ctx.params
    readers: dict[str, Any] = {}
    name, workspace_id = params["project"].get("name"), params["project"].get("workspace_id")
    if full or any(env["volumes"] or env["restarts"] for env in params["requirements"]):
        fields = stack_state.STATE_PROJECT_FIELDS if full else PLAN_PROJECT_FIELDS
        railway = ctx.register_client(RailwayClient(params))
        readers["railway"] = lambda: read_railway(railway, name, workspace_id, fields)
    rows = domain_rows(params["requirements"] + (wanted["requirements"] if full else []))
    if rows:
        readers["dns"] = lambda: read_zones(ctx, rows)
    if params["api_key"] and (
        params["prices"] or (full and (wanted["prices"] or wanted["products"] or wanted["webhooks"]))
    ):
        stripe = ctx.register_client(StripeClient(params))
        if full:
            readers["stripe"] = lambda: stack_state.stripe_state(
                stripe, wanted["prices"], wanted["products"], wanted["webhooks"]
            )
        else:
            readers["stripe"] = lambda: read_prices(stripe, params["prices"])
    if full and wanted["clerk"] and params["clerk_secret_key"]:
        clerk = ctx.register_client(_clerk_client(params))
        readers["clerk"] = lambda: stack_state.clerk_state(clerk)
    return readers


def check(ctx: TaskContext, read: dict[str, Any]) -> tuple[str | None, list]:
    """The plan checks on what was read (fails naming every problem); (Railway's plan, the price notes)."""
    params = ctx.params
    name = params["project"].get("name")
    project, plan = read.get("railway") or (None, None)
    problems = check_volumes(project, name, plan, params["requirements"]) + check_restarts(
        plan, [r for env in params["requirements"] for r in env["restarts"]]
    )
    if "dns" in read:
        problems += check_domains(read["dns"], params["requirements"])
    problems = list(dict.fromkeys(problems))
    if problems:
        ctx.fail(
            problems[0] if len(problems) == 1 else "%d problems: %s" % (len(problems), " ".join(problems)),
            problems=problems,
            plan=plan,
        )
    stripe = read.get("stripe")
    current = stripe[0]["prices"] if isinstance(stripe, tuple) else (stripe or {})
    return plan, price_replacements(params["prices"], current)


def state_material(ctx: TaskContext, wanted: dict, read: dict[str, Any], lease_is_ours: bool) -> tuple[dict, list]:
    """(the fingerprint's material, the reasons the stack cannot be called converged)."""
    params = ctx.params
    reasons = list(wanted["uncovered"])
    if _migrations_run(params["desired"], params["run_options"]):
        reasons.append("the databases' migrations are to run")
    railway, railway_reasons = stack_state.railway_state((read.get("railway") or (None, None))[0], lease_is_ours)
    reasons += railway_reasons
    for provider, needed in (
        ("stripe", wanted["prices"] or wanted["products"] or wanted["webhooks"]),
        ("clerk", wanted["clerk"]),
    ):
        if needed and provider not in read:
            reasons.append("%s's credential is not set" % provider.capitalize())
    material = dict(
        credentials=credentials(params),
        desired=[_without_run_data(d) for d in params["desired"]],
        options=params["run_options"],
        railway=railway,
        stripe=read["stripe"][0] if "stripe" in read else None,
        clerk=read["clerk"][0] if "clerk" in read else None,
        dns=dns_state(read["dns"]) if "dns" in read else None,
    )
    return material, reasons


def run(ctx: TaskContext) -> dict[str, Any]:
    params = ctx.params
    mode = params["fingerprint"]
    wanted = desired_parts(params["desired"])
    path = stack_fingerprint.fingerprint_path(
        wanted["project"] or params["project"].get("name") or "", wanted["environments"]
    )
    if mode == "forget":
        return ctx.result(changed=False, forgotten=stack_fingerprint.forget(path))
    # with no fingerprint on this machine, the whole state is not read before the converge (it is after it)
    stored = stack_fingerprint.load(path) if mode == "compare" else None
    full = mode == "record" or stored is not None
    read = stack_state.read_concurrently(_readers(ctx, wanted, full))
    plan, replacements = check(ctx, read)
    for note in replacements:
        ctx.warn(note)
    project = (read.get("railway") or (None, None))[0]
    out: dict[str, Any] = dict(
        plan=plan,
        price_replacements=replacements,
        project=dict(id=(project or {}).get("id"), name=params["project"].get("name"), exists=project is not None),
        converged=False,
        converged_reason="the fast path is off for this run",
    )
    if full:
        out.update(_fingerprint(ctx, mode, path, wanted, read))
    elif mode == "compare":
        out.update(converged_reason=stack_fingerprint.NO_FINGERPRINT, converged_at=None, converged_summary=[])
    return ctx.result(changed=False, **out)


def _fingerprint(ctx: TaskContext, mode: str, path: str, wanted: dict, read: dict[str, Any]) -> dict[str, Any]:
    material, reasons = state_material(ctx, wanted, read, lease_is_ours=mode == "record")
    if mode == "record":
        if reasons:
            stack_fingerprint.forget(path)
            return dict(recorded=False, converged_reason=reasons[0])
        stack_fingerprint.record(path, material, COLLECTION_VERSION, ctx.params["summary"])
        return dict(recorded=True, converged_reason="")
    if reasons:
        return dict(converged_reason=reasons[0])
    converged, reason, stored = stack_fingerprint.compare(path, material, COLLECTION_VERSION)
    stored = stored or {}
    return dict(
        converged=converged,
        converged_reason=reason,
        converged_at=stored.get("time") if converged else None,
        converged_summary=stored.get("summary", []) if converged else [],
    )
