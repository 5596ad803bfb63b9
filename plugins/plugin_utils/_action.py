# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""The controller-side runner behind the collection's one action plugin, plugins/action/resource.py.

meta/runtime.yml names that plugin as every module's action plugin (plugin_routing.modules.<module>.action_plugin).
The plugin finds the task's resource in RESOURCES by the module's short name, validates the task's
arguments against the resource's ARGUMENT_SPEC (environment fallbacks included), then runs the same
resource logic as the module, in the controller process, with no module process to start.

A module would run with the task's `environment:` (task, block, role and play levels) as its
process environment; an action plugin runs in the controller's. So the task's environment is
read here and wins over the controller's for every environment fallback of the argument spec,
and resource code gets the same merged view as `ctx.environ`. os.environ is never changed.
"""

from __future__ import annotations

import copy
import importlib
import os
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute
from ansible_collections.railstack.platform.plugins.module_utils.stack_template import template_stack

COLLECTION = "railstack.platform"

# The one module-to-resource registry: each module's short name and the file under plugins/ holding
# the resource it runs. meta/runtime.yml routes each of these names to the one action plugin (a unit test
# holds the two together). One name differs from its place: sandbox runs plugin_utils/sandbox.py,
# controller-only code (docs/architecture.md, "Layers").
RESOURCES: dict[str, str] = {
    "clerk_domain": "module_utils.clerk_domain",
    "clerk_identifiers": "module_utils.clerk_identifiers",
    "clerk_info": "module_utils.clerk_info",
    "clerk_instance": "module_utils.clerk_instance",
    "clerk_jwt_template": "module_utils.clerk_jwt_template",
    "clerk_redirect_urls": "module_utils.clerk_redirect_urls",
    "dns_record": "module_utils.dns_record",
    "dns_records": "module_utils.dns_records",
    "postgres_migrations": "module_utils.postgres_migrations",
    "railway_database": "module_utils.railway_database",
    "railway_databases": "module_utils.railway_databases",
    "railway_deployment": "module_utils.railway_deployment",
    "railway_deployments": "module_utils.railway_deployments",
    "railway_domain": "module_utils.railway_domain",
    "railway_domains": "module_utils.railway_domains",
    "railway_environment": "module_utils.railway_environment",
    "railway_info": "module_utils.railway_info",
    "railway_lease": "module_utils.railway_lease",
    "railway_notification": "module_utils.railway_notification",
    "railway_project": "module_utils.railway_project",
    "railway_service": "module_utils.railway_service",
    "railway_services": "module_utils.railway_services",
    "railway_variables": "module_utils.railway_variables",
    "railway_volume": "module_utils.railway_volume",
    "railway_volumes": "module_utils.railway_volumes",
    "sandbox": "plugin_utils.sandbox",
    "stack_check": "module_utils.stack_check",
    "stack_plan": "module_utils.stack_plan",
    "stripe_billing_portal": "module_utils.stripe_billing_portal",
    "stripe_coupon": "module_utils.stripe_coupon",
    "stripe_meter": "module_utils.stripe_meter",
    "stripe_price": "module_utils.stripe_price",
    "stripe_prices": "module_utils.stripe_prices",
    "stripe_product": "module_utils.stripe_product",
    "stripe_tax_rate": "module_utils.stripe_tax_rate",
    "stripe_webhook_endpoint": "module_utils.stripe_webhook_endpoint",
}


def module_name(action: str | None) -> str | None:
    """The short name of a module of this collection ('railstack.platform.railway_service' -> 'railway_service')."""
    if not action:
        return None
    prefix, short = action.rpartition(".")[::2]
    return short if prefix in ("", COLLECTION) and short in RESOURCES else None


def load_resource(name: str) -> ModuleType:
    """The resource module a module runs, imported when first used."""
    return importlib.import_module("ansible_collections.railstack.platform.plugins." + RESOURCES[name])


def task_environment(environment: list | dict | None, template: Callable) -> dict[str, str]:
    """The task's `environment:` as one dict: a list of dicts (play first, task last) or one dict, templated."""
    merged: dict[str, str] = {}
    for layer in environment if isinstance(environment, list) else [environment]:
        if not layer:
            continue
        values = template(layer)
        if isinstance(values, dict):
            merged.update({str(k): str(v) for k, v in values.items() if v is not None})
    return merged


def _env_names(option: dict) -> list[str]:
    """The variable names of an option's env_fallback, else []."""
    fallback = option.get("fallback")
    if not fallback or getattr(fallback[0], "__name__", "") != "env_fallback":
        return []
    return [name for name in (fallback[1] if len(fallback) > 1 else []) if isinstance(name, str)]


def with_env_fallbacks(spec: dict, args: dict, task_env: dict[str, str]) -> dict:
    """args plus, for each option left out whose env fallback names a variable of the task's environment, its value.

    Options whose variables are only in the controller's environment are left to the validator's own fallback,
    so the task's environment takes precedence and the controller's still applies.
    """
    out = dict(args)
    for name, option in spec.items():
        keys = [name] + list(option.get("aliases") or [])
        if any(out.get(key) is not None for key in keys):
            continue
        found = next((task_env[var] for var in _env_names(option) if var in task_env), None)
        if found is not None:
            out[name] = found
    return out


def argument_errors(action: str, errors: Iterable[Exception]) -> str:
    """The validator's errors in Ansible's own words (an unknown option: 'Unsupported parameters for (...) module')."""
    messages = []
    for error in errors:
        if isinstance(error, UnsupportedError):
            messages.insert(0, "Unsupported parameters for (%s) module: %s" % (action, error.msg))
        else:
            messages.append(error.msg)
    return "; ".join(messages)


def stack_from_variable(template: Callable, args: dict, task_vars: dict) -> tuple[dict, dict | None]:
    """stack_check's stack_variable: the stack read from that variable and templated value by value.

    Returns the arguments to validate, and a failed result instead when the variable is missing or does not template.
    """
    name = args.get("stack_variable")
    if not name:
        return args, None
    if name not in task_vars:
        return args, dict(failed=True, changed=False, msg=(
            "stack: no stack is given (no variable %s); give a stack file: ansible-playbook playbooks/site.yml "
            "-e @examples/prela.yml, or -e stack_file=..." % name))
    problems: list[str] = []
    stack = template_stack(template, task_vars[name], problems)
    if problems:
        return args, dict(failed=True, changed=False, msg="; ".join(problems), problems=problems)
    return dict({k: v for k, v in args.items() if k != "stack_variable"}, stack=stack), None


def _without_nulls(value: Any) -> Any:
    """A mapping without its null values, at every depth (a null option is one not given)."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    return value


def prices_without_nulls(_template: Callable, args: dict, _task_vars: dict) -> tuple[dict, dict | None]:
    """stripe_prices: an option of a price given as null is not set, so the prices of stack_check's plan (which
    holds every option, null when not set) are given whole."""
    prices = args.get("prices")
    if isinstance(prices, list):
        args = dict(args, prices=[_without_nulls(price) for price in prices])
    return args, None


# Controller-side steps a module's arguments go through before validation, by module.
ARGUMENT_STEPS: dict[str, Callable[[Callable, dict, dict], tuple[dict, dict | None]]] = {
    "stack_check": stack_from_variable,
    "stripe_prices": prices_without_nulls,
}


class ResourceAction(ActionBase):
    """Runs the task's module (any name in RESOURCES) on the controller."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp: str | None = None, task_vars: dict | None = None) -> dict:
        result = super().run(tmp, task_vars)
        name = module_name(self._task.resolved_action) or module_name(self._task.action)
        if name is None:
            result.update(failed=True, changed=False, msg=(
                "%s: the railstack.platform action plugin runs only the collection's modules (%s); use one of them."
                % (self._task.action, ", ".join(sorted(RESOURCES)))))
            return result
        args, failure = ARGUMENT_STEPS.get(name, lambda template, given, task_vars: (given, None))(
            self._templar.template, dict(self._task.args), task_vars or {})
        result.update(failure or self._run_resource(load_resource(name), args))
        return result

    def _run_resource(self, resource: ModuleType, args: dict) -> dict:
        """The resource's result for these arguments, or Ansible's own argument errors."""
        task_env = task_environment(self._task.environment, self._templar.template)
        spec = copy.deepcopy(resource.ARGUMENT_SPEC)
        validator = ArgumentSpecValidator(spec, **getattr(resource, "MODULE_KWARGS", {}))
        validated = validator.validate(with_env_fallbacks(spec, args, task_env))
        no_log_values = getattr(validated, "_no_log_values", set())
        if validated.error_messages:
            ctx = TaskContext({}, no_log_values=no_log_values)
            msg = argument_errors(self._task.action, validated.errors)
            return ctx.scrub(dict(failed=True, changed=False, msg=msg))
        ctx = TaskContext(validated.validated_parameters, check_mode=self._task.check_mode, diff=self._task.diff,
                          no_log_values=no_log_values, environ={**os.environ, **task_env})
        return execute(resource, ctx)
