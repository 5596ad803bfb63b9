#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: clerk_instance
short_description: Manage the settings of a Clerk instance
version_added: 0.1.0
description:
  - Set the settings of the Clerk instance that O(secret_key) belongs to. The instance is a singleton; it is adopted
    as it is, never created or deleted, and only the settings given are touched.
  - O(allowed_origins), O(restrictions) and O(organization_settings) are read back from Clerk, compared, and written
    only when they differ, so check mode and diff mode are exact for them.
  - O(test_mode), O(hibp), O(support_email), O(clerk_js_version), O(development_origin), O(url_based_session_syncing)
    and O(preferred_sign_in_strategy_when_password_required) are write-only at Clerk (C(GET /instance) never returns
    them). When given they are sent on every run and the task reports C(changed), since nothing can tell whether they
    already had that value. Leave them out of a play that must converge to C(changed=0), or apply them once.
  - Clerk has no read for the restrictions; the module reads them with an empty C(PATCH /instance/restrictions),
    which answers the current state and changes nothing. That request is sent in check mode too.
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  allowed_origins:
    description:
      - The complete list of origins allowed to call Clerk from a browser-like stack (browser extensions, Electron,
        Capacitor), each as C(scheme://host[:port]). Order does not matter. V([]) removes them all.
      - Left as it is when not set.
    type: list
    elements: str
  test_mode:
    description:
      - Whether test email addresses and phone numbers work on the instance. Write-only, see the description.
    type: bool
  hibp:
    description:
      - Whether passwords are checked against the Have I Been Pwned breach list. Write-only, see the description.
    type: bool
  support_email:
    description:
      - Support email address shown to users. Write-only, see the description.
    type: str
  clerk_js_version:
    description:
      - Version of ClerkJS the instance serves. Write-only, see the description.
    type: str
  development_origin:
    description:
      - Origin of the application in development, as C(scheme://host[:port]). Write-only, see the description.
    type: str
  url_based_session_syncing:
    description:
      - Whether development mode syncs sessions through the URL (without third-party cookies). Write-only, see the
        description.
    type: bool
  preferred_sign_in_strategy_when_password_required:
    description:
      - Sign-in strategy Clerk's components put first when a password is required. V("") clears it. Write-only, see
        the description.
    type: str
    choices: [password, otp, ""]
  restrictions:
    description:
      - Who may sign up and sign in. Only the keys given are managed.
      - The identifiers on the lists are managed by M(railstack.platform.clerk_identifiers).
    type: dict
    suboptions:
      allowlist:
        description: Only identifiers on the allow-list may sign up.
        type: bool
      blocklist:
        description: Identifiers on the block-list may not sign up.
        type: bool
      allowlist_blocklist_disabled_on_sign_in:
        description: The allow-list and block-list apply to sign-up only, not to sign-in.
        type: bool
      block_email_subaddresses:
        description: Refuse email addresses with a subaddress (C(user+tag@example.com)).
        type: bool
      block_disposable_email_domains:
        description: Refuse email addresses of disposable email providers.
        type: bool
  organization_settings:
    description:
      - The instance's organization settings. Only the keys given are managed.
    type: dict
    suboptions:
      enabled:
        description: Whether organizations are enabled.
        type: bool
      max_allowed_memberships:
        description: Most members an organization may have; V(0) for no limit.
        type: int
      admin_delete_enabled:
        description: Whether an organization admin may delete the organization.
        type: bool
      domains_enabled:
        description: Whether organizations may have verified domains.
        type: bool
      slug_disabled:
        description: Whether organization slugs are turned off.
        type: bool
      domains_enrollment_modes:
        description: How users with an email address of an organization's domain may join it. Order does not matter.
        type: list
        elements: str
        choices: [manual_invitation, automatic_invitation, automatic_suggestion]
      creator_role:
        description:
          - Key of the role given to the creator of an organization, such as V(org:admin).
          - Clerk takes a role id when writing; the module looks the key up.
        type: str
      domains_default_role:
        description: Key of the role given to users who join through an organization domain, such as V(org:member).
        type: str
extends_documentation_fragment:
  - railstack.platform.clerk
  - railstack.platform.attributes
  - railstack.platform.attributes.CLERK_GROUP
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: Write-only settings show as unknown before the run.
seealso:
  - module: railstack.platform.clerk_domain
  - module: railstack.platform.clerk_identifiers
  - module: railstack.platform.clerk_info
"""

EXAMPLES = r"""
- name: Origins, sign-up restrictions and organizations of the production instance
  railstack.platform.clerk_instance:
    secret_key: "{{ vault_clerk_secret_key }}"
    allowed_origins:
      - https://dashboard.prela.app
      - capacitor://localhost
    restrictions:
      block_disposable_email_domains: true
      block_email_subaddresses: true
    organization_settings:
      enabled: true
      max_allowed_memberships: 20
      creator_role: org:admin

- name: Write-only settings, applied once (they report changed on every run they are given)
  railstack.platform.clerk_instance:
    hibp: true
    support_email: support@prela.app
  when: clerk_first_setup | default(false)
"""

RETURN = r"""
instance:
  description: The instance as Clerk returns it after the run (planned values in check mode).
  returned: always
  type: dict
  contains:
    id:
      description: Id of the instance.
      type: str
      sample: ins_2abc123def456
    environment_type:
      description: V(development) or V(production).
      type: str
    allowed_origins:
      description: The allowed origins.
      type: list
      elements: str
    workspace_id:
      description: Id of the Clerk workspace that owns the application, or null.
      type: str
restrictions:
  description: The five restriction settings after the run.
  returned: when O(restrictions) is set
  type: dict
  sample: {allowlist: false, blocklist: false, allowlist_blocklist_disabled_on_sign_in: false,
           block_email_subaddresses: true, block_disposable_email_domains: true}
organization_settings:
  description:
    - The managed organization settings after the run; roles by key.
  returned: when O(organization_settings) is set
  type: dict
  sample: {enabled: true, max_allowed_memberships: 20, admin_delete_enabled: true, domains_enabled: false,
           slug_disabled: false, domains_enrollment_modes: [], creator_role: org:admin, domains_default_role: org:member}
write_only_applied:
  description: Names of the write-only settings sent (or that would be sent, in check mode).
  returned: always
  type: list
  elements: str
  sample: [hibp, support_email]
api_requests:
  description: How many HTTP requests the task sent to Clerk.
  returned: always
  type: int
  sample: 3
"""

from ansible_collections.railstack.platform.plugins.module_utils import clerk_instance as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
