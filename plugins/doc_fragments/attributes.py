# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  action:
    description: Runs on the controller as an action plugin, with no module process to start.
    support: full
"""

    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module only reads.
  action:
    description: Runs on the controller as an action plugin, with no module process to start.
    support: full
"""

    RAILWAY_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/railstack.platform.railway) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - railstack.platform.railway
"""

    STRIPE_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/railstack.platform.stripe) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - railstack.platform.stripe
"""

    CLERK_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/railstack.platform.clerk) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - railstack.platform.clerk
"""

    DNS_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/railstack.platform.dns) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - railstack.platform.dns
"""
