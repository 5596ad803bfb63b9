#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: clerk_redirect_urls
short_description: Manage the redirect URLs a Clerk instance allows
version_added: 0.1.0
description:
  - Make the instance's allowed redirect URLs (used by native and mobile apps for OAuth and magic-link callbacks)
    exactly O(urls), or add or remove some of them.
  - Clerk cannot update a redirect URL; a changed one is deleted and the new one created.
  - Runs on the controller as an action plugin. A create whose answer is lost is found again, not repeated.
author:
  - railstack.platform developers (@railstack)
options:
  urls:
    description:
      - Full URLs, prefixed with C(https://) or a custom scheme (V(my-app://oauth-callback)). Compared exactly.
    type: list
    elements: str
    required: true
  exclusive:
    description:
      - With O(state=present), remove every redirect URL of the instance that is not in O(urls).
      - V(false) only adds what is missing. Not used with O(state=absent).
    type: bool
    default: true
  state:
    description:
      - V(present) makes sure O(urls) are allowed; V(absent) removes them.
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
- name: Exactly these callbacks
  railstack.platform.clerk_redirect_urls:
    urls:
      - prela://oauth-callback
      - https://dashboard.prela.app/sso-callback

- name: One more, leaving the others alone
  railstack.platform.clerk_redirect_urls:
    urls: [exp://127.0.0.1:8081/--/oauth-callback]
    exclusive: false

- name: Not that one any more
  railstack.platform.clerk_redirect_urls:
    urls: [exp://127.0.0.1:8081/--/oauth-callback]
    state: absent
"""

RETURN = r"""
redirect_urls:
  description: Every redirect URL of the instance after the run (planned ones in check mode, with a null id).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the redirect URL.
      type: str
      sample: ru_2abc123def456
    url:
      description: The URL.
      type: str
      sample: prela://oauth-callback
    created_at:
      description: Creation time, Unix milliseconds.
      type: int
    updated_at:
      description: Last update time, Unix milliseconds.
      type: int
added:
  description: The URLs added (or that would be, in check mode).
  returned: always
  type: list
  elements: str
removed:
  description: The URLs removed (or that would be, in check mode).
  returned: always
  type: list
  elements: str
api_requests:
  description: How many HTTP requests the task sent to Clerk.
  returned: always
  type: int
  sample: 1
"""

from ansible_collections.railstack.platform.plugins.module_utils import clerk_redirect_urls as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
