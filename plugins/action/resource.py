# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's one action plugin: meta/runtime.yml routes every module here (plugin_routing.modules.<module>.action_plugin).

It runs the task's module on the controller; plugin_utils/_action.py says how, and which resource each module runs.
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.plugin_utils._action import ResourceAction


class ActionModule(ResourceAction):
    """Every railstack.platform module, run on the controller."""
