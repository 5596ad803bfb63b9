#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: clerk_identifiers
short_description: Manage the allow-list and block-list identifiers of a Clerk instance
version_added: 0.1.0
description:
  - Make the identifiers (email addresses, email domains, phone numbers, web3 wallets) on the instance's allow-list
    and block-list exactly those given, or add or remove some.
  - Whether the lists are enforced is set with O(railstack.platform.clerk_instance#module:restrictions).
  - Email addresses and domains are compared without regard to case. Clerk plans without the feature answer
    HTTP 402, which fails the task with Clerk's message.
  - Runs on the controller as an action plugin. A create whose answer is lost is found again, not repeated.
author:
  - railstack.platform developers (@railstack)
options:
  allowlist:
    description:
      - Identifiers on the allow-list. Left as it is when not set.
    type: list
    elements: str
  blocklist:
    description:
      - Identifiers on the block-list. Left as it is when not set.
    type: list
    elements: str
  exclusive:
    description:
      - With O(state=present), remove from each list given every identifier that is not in it.
      - V(false) only adds what is missing. Not used with O(state=absent).
    type: bool
    default: true
  notify:
    description:
      - Send an invitation to email addresses and phone numbers added to the allow-list by this run.
    type: bool
    default: false
  state:
    description:
      - V(present) makes sure the identifiers are on their lists; V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - railstack.platform.clerk
  - railstack.platform.attributes
  - railstack.platform.attributes.CLERK_GROUP
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
seealso:
  - module: railstack.platform.clerk_instance
"""

EXAMPLES = r"""
- name: Only our people may sign up, and the allow-list is enforced
  block:
    - name: Allow-list
      railstack.platform.clerk_identifiers:
        allowlist:
          - "*@prela.app"
          - ada@example.com
    - name: Enforce it
      railstack.platform.clerk_instance:
        restrictions:
          allowlist: true

- name: Keep a spammer out, leaving the rest of the block-list alone
  railstack.platform.clerk_identifiers:
    blocklist: [spam.example]
    exclusive: false
"""

RETURN = r"""
allowlist:
  description: Every identifier on the allow-list after the run (planned ones in check mode, with a null id).
  returned: when O(allowlist) is set
  type: list
  elements: dict
  contains:
    id:
      description: Id of the identifier.
      type: str
    identifier:
      description: The identifier.
      type: str
      sample: "*@prela.app"
    identifier_type:
      description: V(email_address), V(phone_number) or V(web3_wallet).
      type: str
    invitation_id:
      description: Id of the invitation sent when it was added with O(notify=true).
      type: str
    created_at:
      description: Creation time, Unix milliseconds.
      type: int
    updated_at:
      description: Last update time, Unix milliseconds.
      type: int
blocklist:
  description: Every identifier on the block-list after the run, like RV(allowlist) without C(invitation_id).
  returned: when O(blocklist) is set
  type: list
  elements: dict
allowlist_added:
  description: Identifiers added to the allow-list.
  returned: when O(allowlist) is set
  type: list
  elements: str
allowlist_removed:
  description: Identifiers removed from the allow-list.
  returned: when O(allowlist) is set
  type: list
  elements: str
blocklist_added:
  description: Identifiers added to the block-list.
  returned: when O(blocklist) is set
  type: list
  elements: str
blocklist_removed:
  description: Identifiers removed from the block-list.
  returned: when O(blocklist) is set
  type: list
  elements: str
api_requests:
  description: How many HTTP requests the task sent to Clerk.
  returned: always
  type: int
  sample: 2
"""

from ansible_collections.railstack.platform.plugins.module_utils import clerk_identifiers as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
