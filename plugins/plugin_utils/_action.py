# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""Controller-side runner shared by every action plugin of the collection.

An action plugin is `ActionModule = make_action(resource)`: it validates the task's arguments
against the resource's ARGUMENT_SPEC (environment fallbacks included), then runs the same
resource logic as the module, in the controller process, with no module process to start.

A module would run with the task's `environment:` (task, block, role and play levels) as its
process environment; an action plugin runs in the controller's. So the task's environment is
read here and wins over the controller's for every environment fallback of the argument spec,
and resource code gets the same merged view as `ctx.environ`. os.environ is never changed.
"""

from __future__ import annotations

import copy
import os

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute


def task_environment(environment, template) -> dict[str, str]:
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


def argument_errors(action: str, errors) -> str:
    """The validator's errors in Ansible's own words (an unknown option: 'Unsupported parameters for (...) module')."""
    messages = []
    for error in errors:
        if isinstance(error, UnsupportedError):
            messages.insert(0, "Unsupported parameters for (%s) module: %s" % (action, error.msg))
        else:
            messages.append(error.msg)
    return "; ".join(messages)


def make_action(resource):
    """Build the ActionModule class that runs `resource` on the controller."""

    class ActionModule(ActionBase):
        TRANSFERS_FILES = False
        _requires_connection = False

        def run(self, tmp=None, task_vars=None):
            result = super().run(tmp, task_vars)
            task_env = task_environment(self._task.environment, self._templar.template)
            spec = copy.deepcopy(resource.ARGUMENT_SPEC)
            validator = ArgumentSpecValidator(spec, **getattr(resource, "MODULE_KWARGS", {}))
            validated = validator.validate(with_env_fallbacks(spec, self._task.args, task_env))
            no_log_values = getattr(validated, "_no_log_values", set())
            if validated.error_messages:
                ctx = TaskContext({}, no_log_values=no_log_values)
                msg = argument_errors(self._task.action, validated.errors)
                result.update(ctx.scrub(dict(failed=True, changed=False, msg=msg)))
                return result
            ctx = TaskContext(validated.validated_parameters, check_mode=self._task.check_mode, diff=self._task.diff,
                              no_log_values=no_log_values, environ={**os.environ, **task_env})
            result.update(execute(resource, ctx))
            return result

    return ActionModule
