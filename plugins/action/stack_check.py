# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import stack_check as resource
from ansible_collections.railstack.platform.plugins.module_utils.stack_template import template_stack
from ansible_collections.railstack.platform.plugins.plugin_utils._action import make_action


class ActionModule(make_action(resource)):
    """stack_check; with stack_variable, the stack is read from that variable and templated value by value."""

    def run(self, tmp=None, task_vars=None):
        name = self._task.args.get("stack_variable")
        if name:
            variables = task_vars or {}
            if name not in variables:
                return dict(failed=True, changed=False, msg=(
                    "stack: no stack is given (no variable %s); give a stack file: ansible-playbook playbooks/site.yml "
                    "-e @examples/prela.yml, or -e stack_file=..." % name))
            problems = []
            stack = template_stack(self._templar.template, variables[name], problems)
            if problems:
                return dict(failed=True, changed=False, msg="; ".join(problems), problems=problems)
            self._task.args = dict((k, v) for k, v in self._task.args.items() if k != "stack_variable")
            self._task.args["stack"] = stack
        return super().run(tmp, task_vars)
