# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""What the collection's inventory plugins share: adding one host with its groups and variables, then the
`constructed` options (compose, groups, keyed_groups) applied to it."""

from __future__ import annotations

from typing import Any

from ansible.plugins.inventory import BaseInventoryPlugin, Constructable


class ConstructedHosts(BaseInventoryPlugin, Constructable):
    """An inventory plugin base whose _add makes a host in its groups, with its variables and the constructed options."""

    def _add(self, host: str, groups: list[str], variables: dict[str, Any]) -> None:
        self.inventory.add_host(host)
        for group in groups:
            self.inventory.add_group(group)
            self.inventory.add_child(group, host)
        for key, value in variables.items():
            self.inventory.set_variable(host, key, value)
        strict = self.get_option("strict")
        hostvars = self.inventory.get_host(host).get_vars()
        self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
        self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict=strict)
