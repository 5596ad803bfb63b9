#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: clerk_jwt_template
short_description: Manage a JWT template of a Clerk instance
version_added: 0.1.0
description:
  - Create, update or delete a JWT template, found by its name (the name an application passes to
    C(getToken({template})).
  - Everything but the signing key is read back and compared. Clerk never returns O(signing_key); see
    O(update_signing_key).
  - Runs on the controller as an action plugin. A create whose answer is lost is found again, not repeated.
author:
  - railstack.platform developers (@railstack)
options:
  name:
    description:
      - Name of the template. It is how the template is found.
    type: str
    required: true
  claims:
    description:
      - The claims of the token, with Clerk's shortcodes such as C({{user.public_metadata.role}}) as strings.
      - The whole set is compared and replaced. Required with O(state=present).
      - C(azp), C(exp), C(iat), C(iss), C(jti), C(nbf) and C(sub) are set by Clerk in every token and cannot be used.
    type: dict
  lifetime:
    description:
      - Lifetime of a token in seconds, 30 to 315360000. Clerk's default (60) when the template is made without it.
    type: int
  allowed_clock_skew:
    description:
      - Allowed clock skew in seconds, 0 to 300. Clerk's default (5) when the template is made without it.
    type: int
  custom_signing_key:
    description:
      - Whether tokens are signed with O(signing_key) instead of the instance's key.
    type: bool
  signing_algorithm:
    description:
      - Algorithm of the custom signing key, such as V(RS256) or V(HS256). Required with O(custom_signing_key=true).
    type: str
  signing_key:
    description:
      - The custom signing private key (PEM, or the shared secret for HMAC). Write-only at Clerk.
      - Required when a template is created with, or switched to, O(custom_signing_key=true).
    type: str
  update_signing_key:
    description:
      - V(always) sends O(signing_key) on every run, and the task then reports C(changed), since Clerk cannot say
        whether it already has that key. V(on_create) sends it only when the template is created or switched to a
        custom signing key, so a converged template reports no change.
    type: str
    choices: [always, on_create]
    default: always
  state:
    description:
      - V(present) creates or updates the template; V(absent) deletes it.
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
    details: The signing key shows masked.
seealso:
  - module: railstack.platform.clerk_instance
"""

EXAMPLES = r"""
- name: Session token for the API gateway, with the user's role
  railstack.platform.clerk_jwt_template:
    name: prela-api
    lifetime: 300
    claims:
      email: !unsafe "{{user.primary_email_address}}"
      role: !unsafe "{{user.public_metadata.role}}"

- name: A template signed with our own key, sent once
  railstack.platform.clerk_jwt_template:
    name: supabase
    claims:
      role: authenticated
    custom_signing_key: true
    signing_algorithm: HS256
    signing_key: "{{ vault_supabase_jwt_secret }}"
    update_signing_key: on_create

- name: No such template
  railstack.platform.clerk_jwt_template:
    name: legacy
    state: absent
"""

RETURN = r"""
jwt_template:
  description: The template as Clerk has it after the run (planned values in check mode), never the signing key.
    Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the template (null in check mode before it exists).
      type: str
      sample: jtmp_2abc123def456
    name:
      description: Name of the template.
      type: str
    claims:
      description: The claims.
      type: dict
    lifetime:
      description: Token lifetime in seconds.
      type: int
    allowed_clock_skew:
      description: Allowed clock skew in seconds.
      type: int
    custom_signing_key:
      description: Whether a custom signing key is used.
      type: bool
    signing_algorithm:
      description: Signing algorithm.
      type: str
    created_at:
      description: Creation time, Unix milliseconds.
      type: int
    updated_at:
      description: Last update time, Unix milliseconds.
      type: int
api_requests:
  description: How many HTTP requests the task sent to Clerk.
  returned: always
  type: int
  sample: 1
"""

from ansible_collections.railstack.platform.plugins.module_utils import clerk_jwt_template as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
