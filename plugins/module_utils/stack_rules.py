# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stack_check's rules on the whole (shaped) stack that need no environment: Stripe's prices and webhooks,
DNS zones, the environments' overrides, and live Stripe keys."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from ansible_collections.railstack.platform.plugins.module_utils import stripe_price, stripe_price_plans
from ansible_collections.railstack.platform.plugins.module_utils.stack_shape import (
    LABEL_LENGTH,
    _item_label,
    module_problems,
    printable,
)
from ansible_collections.railstack.platform.plugins.module_utils.stack_values import (
    event_type_problem,
    host_name_problem,
    is_live_key,
    kind_of,
)
from ansible_collections.railstack.platform.plugins.module_utils.stripe import API_VERSION_RE

CURRENCY_RE = re.compile(r"^[a-z]{3}$")
URL_RE = re.compile(r"^https?://[^/\s]+")  # as the webhook and notification modules check it


def file_problems(stack: dict) -> list:
    """Every problem of these rules, each naming its place."""
    errors: list = []
    _stripe_problems(stack, errors)
    _zone_problems(stack, errors)
    _override_problems(stack, errors)
    return errors


def _stripe_problems(stack: dict[str, Any], errors: list[str]) -> None:
    """Event types Stripe knows, currencies written as Stripe writes them."""
    stripe = stack.get("stripe") or {}
    for price in stripe.get("prices") or []:
        where = "stack.stripe.prices[%s]" % printable(price["lookup_key"])
        if not CURRENCY_RE.match(price.get("currency") or ""):
            errors.append("%s.currency: a three-letter ISO code in lower case (usd, eur)." % where)
        else:
            errors += module_problems(stripe_price_plans.check_price, stripe_price.ARGUMENT_SPEC, price, where)
    for index, hook in enumerate(stripe.get("webhooks") or []):
        where = "stack.stripe.webhooks[%s]" % _item_label(hook, index)
        if hook.get("api_version") and not API_VERSION_RE.match(hook["api_version"]):
            errors.append("%s.api_version: not a Stripe API version such as 2026-10-28.endive." % where)
        if hook.get("url") and not URL_RE.match(hook["url"]):
            errors.append("%s.url: the full https:// URL Stripe sends events to." % where)
        for event in hook.get("enabled_events") or []:
            problem = event_type_problem(event, "%s.enabled_events[%s]" % (where, printable(event)))
            if problem:
                errors.append(problem)
    for index, rule in enumerate(stack.get("notifications") or []):
        if not URL_RE.match((rule.get("url") or "").strip()):
            errors.append("stack.notifications[%d].url: the webhook's full http:// or https:// URL." % index)


def _zone_problems(stack: dict[str, Any], errors: list[str]) -> None:
    """The DNS zones the file names are host names."""
    clerk_domain = (stack.get("clerk") or {}).get("domain") or {}
    for where, dns in (("stack.dns", stack.get("dns")), ("stack.clerk.domain.dns", clerk_domain.get("dns"))):
        zone = (dns or {}).get("zone")
        problem = host_name_problem(zone.rstrip("."), where + ".zone") if zone else None
        if problem:
            errors.append(problem)


def _override_problems(stack: dict[str, Any], errors: list[str]) -> None:
    """Each environment's overrides are dicts of settings, by service or database name."""
    for env in stack["environments"]:
        for kind in ("services", "databases"):
            for name, override in (env.get(kind) or {}).items():
                if override is not None and not isinstance(override, dict):
                    errors.append(
                        "stack.environments[%s].%s.%s: expected a dict of the settings this environment "
                        "changes, got %s." % (env["name"], kind, str(name)[:LABEL_LENGTH], kind_of(override))
                    )


def live_key_problems(stack: dict[str, Any], stripe_api_key: str | None) -> list[str]:
    """The live Stripe keys of a run: the key the Stripe steps use, and any variable holding one."""
    problems = []
    uses_stripe = any((stack.get("stripe") or {}).get(k) for k in ("products", "prices", "webhooks"))
    if uses_stripe and is_live_key(stripe_api_key):
        problems.append(
            "STRIPE_API_KEY: a live-mode key (%s_live_...); this run would change real billing. "
            "Run with -e allow_live=true to use it." % str(stripe_api_key).strip()[:2]
        )
    for where, variables in _all_variables(stack):
        for name, value in sorted(variables.items(), key=lambda pair: str(pair[0])):
            if _holds_live_stripe_key(
                str(name), value.get("value") if isinstance(value, dict) else value, stripe_api_key
            ):
                problems.append(
                    "%s.%s: holds a live-mode Stripe key; writing it needs -e allow_live=true." % (where, name)
                )
    return problems


def _holds_live_stripe_key(name: str, value: Any, stripe_api_key: str | None) -> bool:
    """A live Stripe key: the run's own, a restricted key (rk_live_, Stripe's only), or sk_live_ in a variable named
    for Stripe. Clerk's production secret keys start with sk_live_ too (CLERK_SECRET_KEY): they are not Stripe's."""
    if not is_live_key(value):
        return False
    value = value.strip()
    return value == (stripe_api_key or "").strip() or value.startswith("rk_") or "STRIPE" in name.upper()


def _all_variables(stack: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(place, variables) of every variables map of the stack, environments' overrides included."""
    yield "stack.shared_variables", stack["shared_variables"] or {}
    for service in stack["services"]:
        yield "stack.services[%s].variables" % service["name"], service.get("variables") or {}
    for env in stack["environments"]:
        yield "stack.environments[%s].shared_variables" % env["name"], env.get("shared_variables") or {}
        for name, override in (env.get("services") or {}).items():
            if isinstance(override, dict) and isinstance(override.get("variables"), dict):
                yield "stack.environments[%s].services.%s.variables" % (env["name"], name), override["variables"]
