# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stack_check's variables: what kind each value is (a literal, generated, sealed, a binding), the bindings
and `variables_from` checked against the stack, and the variables a service or database ends up with.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.railstack.platform.plugins.module_utils import railway_database
from ansible_collections.railstack.platform.plugins.module_utils.stack_options import CLERK_VALUES
from ansible_collections.railstack.platform.plugins.module_utils.stack_shape import LABEL_LENGTH, printable
from ansible_collections.railstack.platform.plugins.module_utils.stack_values import (
    BINDING_KEYS,
    candidates,
    did_you_mean,
    kind_of,
    variable_problems,
)


def variable_kind(value: Any) -> str:
    """literal, generate, sealed, binding:<kind> or empty (a value that is not there)."""
    if isinstance(value, dict):
        bindings = [k for k in BINDING_KEYS if k in value]
        if bindings:
            return "binding:" + bindings[0]
        if "generate" in value:
            return "generate"
        inner = value.get("value")
        if value.get("sealed"):
            return "empty" if inner is None or inner == "" else "sealed"
        return "blank" if inner is None or inner == "" else "literal"
    if value is None or value == "":
        return "blank"
    return "literal"


def variable_text(value: Any) -> str:
    """The text Railway holds for a literal or sealed value."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def check_variables(variables: Any, where: str, errors: list[str], stack: dict[str, Any]) -> None:
    """Each variable's shape, and its bindings (railway_variables checks the values against Railway when it runs)."""
    if not isinstance(variables, dict):
        errors.append("%s: expected a dict of NAME: value, got %s." % (where, kind_of(variables)))
        return
    prices = {p["lookup_key"] for p in (stack.get("stripe") or {}).get("prices") or []}
    for name, value in sorted(variables.items(), key=lambda pair: str(pair[0])):
        problems = variable_problems(name, value, where)
        errors += problems
        if problems or not isinstance(value, dict):
            continue
        here = "%s.%s" % (where, name)
        if "stripe_price" in value and value["stripe_price"] not in prices:
            errors.append(
                "%s.stripe_price: the stack has no Stripe price with lookup_key %r%s."
                % (here, str(value["stripe_price"])[:LABEL_LENGTH], candidates(value["stripe_price"], prices))
            )
        elif "clerk" in value and value["clerk"] not in CLERK_VALUES:
            errors.append(
                "%s.clerk: not one of %s%s."
                % (here, ", ".join(CLERK_VALUES), did_you_mean(value["clerk"], CLERK_VALUES))
            )


def reference_texts(variables: dict[str, Any]) -> dict[str, str]:
    """NAME -> text of the variables whose values Railway renders (values and sealed values)."""
    return {n: variable_text(v) for n, v in variables.items() if variable_kind(v) in ("literal", "sealed", "blank")}


def database_variables(database: dict[str, Any]) -> set[str]:
    """Names of the variables a database service has (what references to it may name)."""
    engine: dict[str, Any] = railway_database.TEMPLATES[database["engine"]]
    names = {pair[0] for pair in engine["variables"]} | {engine["password"], engine["url"]}
    if database.get("public"):
        names.add(engine["public_url"])
    return names


def variables_from_parts(value: Any) -> tuple[Any, list[str]]:
    """(service, names to leave out) of `variables_from`: `api`, or `{service: api, exclude: [APP_URL]}`."""
    if isinstance(value, dict):
        exclude = value.get("exclude")
        return value.get("service"), list(exclude) if isinstance(exclude, list) else []
    return value, []


def variables_from_problems(value: Any, where: str, by_name: dict[str, dict[str, Any]]) -> list[str]:
    """Messages for a `variables_from` that is not a service name or {service, exclude}, or names what is not there."""
    where += ".variables_from"
    if isinstance(value, dict):
        unknown = sorted(str(k) for k in value if k not in ("service", "exclude"))
        if unknown:
            return [
                "%s: unknown key %r%s; variables_from is a service name or {service, exclude}."
                % (where, printable(unknown[0]), did_you_mean(unknown[0], ("service", "exclude")))
            ]
        exclude = value.get("exclude")
        if exclude is not None and not (isinstance(exclude, list) and all(isinstance(n, str) for n in exclude)):
            return ["%s.exclude: expected a list of variable names, got %s." % (where, kind_of(exclude))]
        if not isinstance(value.get("service"), str):
            return ["%s.service: the name of a service of the stack is required." % where]
    elif not isinstance(value, str):
        return ["%s: a service name or {service, exclude}, got %s." % (where, kind_of(value))]
    source, exclude = variables_from_parts(value)
    if source not in by_name:
        return ["%s: the stack has no service %r%s." % (where, printable(source), candidates(source, by_name))]
    names = {n for n, v in (by_name[source].get("variables") or {}).items() if variable_kind(v) != "empty"}
    return [
        "%s.exclude[%d]: %s has no variable %r to leave out%s."
        % (where, index, source, printable(name), candidates(name, names))
        for index, name in enumerate(exclude)
        if name not in names
    ]


def service_variable_map(service: dict[str, Any], services: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """NAME -> value of one service: `variables_from` references first (less the excluded), then its own variables."""
    out = {}
    source, exclude = variables_from_parts(service.get("variables_from"))
    if source and source in services:
        for name, value in sorted((services[source].get("variables") or {}).items()):
            if (
                variable_kind(value) != "empty" and name not in exclude
            ):  # a sealed variable with no value is not written
                out[name] = "${{%s.%s}}" % (source, name)
    out.update(service.get("variables") or {})
    return out
