# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""Controller-side runner shared by every action plugin of the collection.

An action plugin is `ActionModule = make_action(resource)`: it validates the task's arguments
against the resource's ARGUMENT_SPEC (environment fallbacks included), then runs the same
resource logic as the module, in the controller process, with no module process to start.
"""

from __future__ import annotations

import copy

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute


def make_action(resource):
    """Build the ActionModule class that runs `resource` on the controller."""

    class ActionModule(ActionBase):
        TRANSFERS_FILES = False
        _requires_connection = False

        def run(self, tmp=None, task_vars=None):
            result = super().run(tmp, task_vars)
            validator = ArgumentSpecValidator(copy.deepcopy(resource.ARGUMENT_SPEC), **getattr(resource, "MODULE_KWARGS", {}))
            validated = validator.validate(self._task.args)
            no_log_values = getattr(validated, "_no_log_values", set())
            if validated.error_messages:
                ctx = TaskContext({}, no_log_values=no_log_values)
                result.update(ctx.scrub(dict(failed=True, changed=False, msg="Invalid arguments for %s: %s" % (
                    self._task.action, "; ".join(validated.error_messages)))))
                return result
            ctx = TaskContext(validated.validated_parameters, check_mode=self._task.check_mode, diff=self._task.diff,
                              no_log_values=no_log_values)
            result.update(execute(resource, ctx))
            return result

    return ActionModule
