# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import railway_lease as resource
from ansible_collections.railstack.platform.plugins.plugin_utils._action import make_action

ActionModule = make_action(resource)
