# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.plugin_utils.doc_sections import suboptions


class ModuleDocFragment:
    # The options of one Railway volume: railway_volume's own but service, state and the task's options. Keep in sync
    # with VOLUME_OPTIONS in plugins/module_utils/railway_volume_plans.py (tests/unit/plugins/test_module_docs.py
    # compares them).
    DOCUMENTATION = r"""
options:
  name:
    description:
      - Name of the volume. A new volume is renamed to it; without it, the volume is the one the service mounts.
    type: str
  mount_path:
    description:
      - Absolute path the volume is mounted at in the service. Required to create the volume.
    type: str
  size_mb:
    description:
      - Size of the volume in MB in this environment. Grow only; a smaller size than the current one fails naming this option.
      - For a new volume, at least the plan's first size (Hobby 5000, Pro 50000); on Free and Trial only 500 (they cannot
        resize). Left out, a new volume gets the plan's first size.
    type: int
  backup_schedules:
    description:
      - Backup schedules of the volume in this environment; an empty list removes them.
    type: list
    elements: str
    choices: [DAILY, WEEKLY, MONTHLY]
  region:
    description:
      - Region of a new volume. Railway sets the region when the volume is created; a different one later is reported as a warning.
    type: str
"""

    # The service of an item of railway_volumes (each item names one; railway_volume's service is needed with
    # state=present only).
    ITEM_SERVICE = r"""
options:
  service:
    description:
      - The service the volume is mounted on, by id or by name.
    type: str
    required: true
"""


# Derived, not written again (ansible-test's yamllint reads only literal class attributes; this is built from them):
# railway_volumes documents O(volumes) itself (description, type) and takes its suboptions from ITEMS, since Ansible
# merges a fragment's option into the module's option of the same name key by key.
ModuleDocFragment.ITEMS = suboptions(
    "volumes", ModuleDocFragment.ITEM_SERVICE, ModuleDocFragment.DOCUMENTATION, elements=True
)
