# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stack_check's plan of one environment, built from a checked stack: one record per service (what railway_services
takes, with bindings resolved from `outputs`, and the steps after it), the webhooks; and what a plan needs of the providers
(requirements, providers_needed).
"""

from __future__ import annotations

from typing import Any

from ansible_collections.railstack.platform.plugins.module_utils.railway_variable_specs import REFERENCE_RE
from ansible_collections.railstack.platform.plugins.module_utils.stack_shape import prune
from ansible_collections.railstack.platform.plugins.module_utils.stack_variables import variable_kind, variable_text

# binding kind -> (where its variable goes once the value is known, where it goes until then)
BINDING_PLACES = {
    "binding:stripe_price": ("Stripe price id", "Stripe price (pending)"),
    "binding:clerk": ("Clerk", "Clerk (pending)"),
}
ITEM_KEYS = ("name", "state", "source", "build", "deploy", "private_network_endpoint", "tcp_proxy_port")
# the steps after railway_services that a service's plan record also holds
STEP_KEYS = (
    "role",
    "state",
    "volume",
    "service_domain",
    "target_port",
    "domains",
    "health_check",
    "wait",
    "wait_timeout",
    "rollback_on_failure",
    "public_address",
)
WEBHOOK_PLAN_OPTIONS = ("enabled_events", "description", "api_version", "connect", "disabled", "metadata")


def public_address(service: dict[str, Any]) -> str | None:
    """The service's first custom domain, else its Railway domain; None when it has neither."""
    if service.get("domains"):
        return service["domains"][0]["domain"]
    name = service.get("service_domain")
    if isinstance(name, str) and name:
        return name if "." in name else "%s.up.railway.app" % name
    return None


def _bound_value(kind: str, value: dict[str, Any], outputs: dict[str, Any]) -> Any:
    """A binding's value from what the run has made by then (outputs), or None while it is not known."""
    if kind == "binding:stripe_price":
        return (outputs.get("stripe_prices") or {}).get(value["stripe_price"])
    return (outputs.get("clerk") or {}).get(value["clerk"])


def _place(kind: str, value: Any) -> str:
    if kind == "generate":
        return "generated once"
    if kind == "sealed":
        return "sealed"
    return "reference" if REFERENCE_RE.search(variable_text(value)) else "value"


def service_variables(
    where: str,
    name: str,
    variable_map: dict[str, Any],
    outputs: dict[str, Any],
    pending: list[dict[str, Any]],
    warnings: list[str],
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(the variables to write, the variable names by what they are): bindings resolved, or pending when their
    value is not known yet; a sealed variable with no value is left out, with a warning."""
    variables: dict[str, Any] = {}
    placement: dict[str, list[str]] = {}
    for var, value in sorted(variable_map.items()):
        kind = variable_kind(value)
        if kind == "empty":
            warnings.append(
                "%s.variables.%s: a sealed variable with no value is not written (Railway "
                "writes a sealed value once); give it a value." % (where, var)
            )
            place = "sealed, no value: not written"
        elif kind == "blank":
            warnings.append(
                "%s.variables.%s: empty; written as an empty value (give it one, for "
                "example from the environment)." % (where, var)
            )
            variables[var] = ""
            place = "empty"
        elif kind in BINDING_PLACES:
            found = _bound_value(kind, value, outputs)
            if found:
                variables[var] = found
            else:
                pending.append(dict(service=name, variable=var, binding=value))
            place = BINDING_PLACES[kind][0 if found else 1]
        else:
            variables[var] = value
            place = _place(kind, value)
        placement.setdefault(place, []).append(var)
    return variables, placement


def service_record(service: dict[str, Any], variables: dict[str, Any], domains: list[dict[str, Any]]) -> dict[str, Any]:
    """The service's one plan record: what railway_services takes (its settings and variables) and the steps after
    it (volume, domains, health check, the wait for its deployment), which railway_services leaves to the other
    modules."""
    record = prune({k: service.get(k) for k in ITEM_KEYS})
    if variables:
        record["variables"] = variables
    service_domain = service.get("service_domain")
    record.update(
        role=service["role"],
        state=service["state"],
        volume=service.get("volume"),
        service_domain=service_domain if service_domain not in (None, "") else None,
        target_port=service.get("target_port"),
        domains=domains,
        health_check=service.get("health_check"),
        wait=service["wait"],
        wait_timeout=service["wait_timeout"],
        rollback_on_failure=service["rollback_on_failure"],
        public_address=public_address(service),
    )
    return record


def step_view(record: dict[str, Any]) -> dict[str, Any]:
    """A record's name and steps only (the plan's `roles`, which the teardown, rollback and promote playbooks read)."""
    return {k: record.get(k) for k in ("name",) + STEP_KEYS}


def webhook_rows(webhooks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Stripe webhooks as the plan gives them: where they send to, and the endpoint's options."""
    return [
        dict(
            key=hook["key"],
            url=hook.get("url"),
            service=hook.get("service"),
            path=hook.get("path") or "",
            secret_service=hook["secret_service"],
            secret_variable=hook["secret_variable"],
            options={k: hook[k] for k in WEBHOOK_PLAN_OPTIONS if hook.get(k) is not None},
        )
        for hook in webhooks
    ]


def shared_values(shared: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """The shared variables to write: a blank one as an empty value, a sealed one with no value left out."""
    out = {k: ("" if variable_kind(v) == "blank" else v) for k, v in shared.items() if variable_kind(v) != "empty"}
    for var in sorted(set(shared) - set(out)):
        warnings.append("stack.shared_variables.%s: a sealed variable with no value is not written." % var)
    return out


def needs_clerk(pending: list[dict[str, Any]], variable_maps: dict[str, dict[str, Any]]) -> bool:
    """Whether a variable of the environment takes a Clerk value."""
    return any(p["binding"].get("clerk") for p in pending) or any(
        variable_kind(v) == "binding:clerk" for m in variable_maps.values() for v in m.values()
    )


# ---------------------------------------------------------------------------------------- what a plan needs


def requirements(plan: dict[str, Any]) -> dict[str, Any]:
    """What of an environment's plan needs provider state to be checked (names, sizes, settings; never a value):
    the volumes with their size, the restart policies, and the custom domains with their DNS zone."""
    volumes = [
        dict(where="stack.databases[%s]" % d["name"], service=d["name"], name=None, size_mb=d.get("size_mb"))
        for d in plan["databases"]
        if d.get("state", "present") == "present"
    ]
    present = [r for r in plan["services"] if r["state"] == "present"]
    volumes += [
        dict(
            where="stack.services[%s].volume" % r["name"],
            service=r["name"],
            name=r["volume"].get("name"),
            size_mb=r["volume"].get("size_mb"),
        )
        for r in present
        if r["volume"]
    ]
    restarts = []
    for item in plan["services"]:
        deploy = item.get("deploy") or {}
        asked = deploy.get("restart_policy_type") or deploy.get("restart_policy_max_retries") is not None
        if item.get("state", "present") == "present" and asked:
            restarts.append(
                dict(
                    where="stack.services[%s].deploy" % item["name"],
                    service=item["name"],
                    type=deploy.get("restart_policy_type"),
                    max_retries=deploy.get("restart_policy_max_retries"),
                )
            )
    domains = [
        dict(
            where="stack.services[%s].domains[%s]" % (r["name"], d["domain"]),
            service=r["name"],
            domain=d["domain"],
            provider=(d.get("dns") or {}).get("provider"),
            zone=(d.get("dns") or {}).get("zone"),
        )
        for r in present
        for d in r["domains"]
    ]
    return dict(environment=plan["name"], volumes=volumes, restarts=restarts, domains=domains)


def _dns_providers(value: Any) -> set[str]:
    """The DNS providers (other than manual) named by any `dns` of a plan."""
    found: set[str] = set()
    if isinstance(value, dict):
        dns = value.get("dns")
        if isinstance(dns, dict) and dns.get("provider") not in (None, "manual"):
            found.add(dns["provider"])
        for item in value.values():
            found |= _dns_providers(item)
    elif isinstance(value, list):
        for item in value:
            found |= _dns_providers(item)
    return found


def providers_needed(stack: dict[str, Any], plans: list[dict[str, Any]], uses_clerk: bool) -> list[str]:
    """The providers a converge of these plans talks to: railway, and stripe, clerk and DNS providers when used."""
    stripe = stack.get("stripe") or {}
    needed = ["railway"]
    if stripe.get("products") or stripe.get("prices") or any(p["webhooks"] for p in plans):
        needed.append("stripe")
    if uses_clerk:
        needed.append("clerk")
    return needed + sorted(_dns_providers(plans))
