#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: clerk_domain
short_description: Manage a domain of a Clerk instance and return the DNS records it needs
version_added: 0.1.0
description:
  - Create, update or delete a satellite domain of a Clerk instance, found by its name; or adopt the instance's
    primary domain (O(is_satellite=false)) to manage its proxy URL and read its CNAME targets.
  - Clerk makes an instance's primary domain with the instance and cannot delete it; new domains are satellites.
  - Returns Clerk's C(cname_targets) as they are, and the same records as RV(dns_records) in the shape that
    M(railstack.platform.dns_records) takes, so the CNAMEs of a production instance (C(clerk.), C(accounts.),
    C(clkmail.), C(clk._domainkey.), C(clk2._domainkey.)) go straight into DNS. They are never proxied.
  - Development instances have no CNAME targets. Verification status is not part of Clerk's Backend API.
  - Runs on the controller as an action plugin. A create whose answer is lost is found again, not repeated.
author:
  - railstack.platform developers (@railstack)
options:
  name:
    description:
      - The domain name, without scheme or path (V(prela.app), V(app.prela.dev)). A development instance also takes
        a port (V(localhost:3001)). It is how the domain is found.
    type: str
    required: true
  is_satellite:
    description:
      - V(true) for a satellite domain (created when missing). V(false) for the instance's primary domain, which must
        already be called O(name).
    type: bool
    default: true
  proxy_url:
    description:
      - Full C(https://) URL of a proxy that forwards to Clerk's Frontend API for this domain (production instances
        only). V("") switches back to the DNS (CNAME) setup. Left as it is when not set.
      - Clerk recommends checking a proxy (C(POST /proxy_checks)) before using it; this module does not.
    type: str
  state:
    description:
      - V(present) creates or updates the domain; V(absent) deletes a satellite domain.
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
    details: A domain created in check mode has no id and no CNAME targets yet.
  diff_mode:
    support: full
seealso:
  - module: railstack.platform.clerk_info
  - module: railstack.platform.clerk_instance
"""

EXAMPLES = r"""
- name: The production instance's primary domain, and the DNS records it needs
  railstack.platform.clerk_domain:
    secret_key: "{{ vault_clerk_live_secret_key }}"
    name: prela.app
    is_satellite: false
  register: clerk_domain

- name: Clerk's CNAMEs in the zone, DNS-only
  railstack.platform.dns_records:
    zone: prela.app
    records: "{{ clerk_domain.dns_records }}"

- name: A satellite domain
  railstack.platform.clerk_domain:
    name: prela.dev

- name: No satellite any more
  railstack.platform.clerk_domain:
    name: prela.dev
    state: absent
"""

RETURN = r"""
domain:
  description: The domain as Clerk has it after the run (planned values in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the domain (null in check mode before it exists).
      type: str
      sample: dmn_2abc123def456
    name:
      description: The domain name.
      type: str
      sample: prela.app
    is_satellite:
      description: Whether it is a satellite domain.
      type: bool
    frontend_api_url:
      description: URL of Clerk's Frontend API for this domain.
      type: str
      sample: https://clerk.prela.app
    accounts_portal_url:
      description: URL of the Account Portal (null for satellites).
      type: str
    proxy_url:
      description: The proxy URL, or null.
      type: str
    development_origin:
      description: Development origin of the domain.
      type: str
    cname_targets:
      description: Same as RV(cname_targets).
      type: list
      elements: dict
    dns_records:
      description: Same as RV(dns_records).
      type: list
      elements: dict
cname_targets:
  description: The CNAME records Clerk asks for, as Clerk gives them. Empty for development instances.
  returned: always
  type: list
  elements: dict
  sample: [{host: clerk.prela.app, value: frontend-api.clerk.services, required: true}]
dns_records:
  description:
    - The same records in the one DNS record shape of the collection, for M(railstack.platform.dns_records).
  returned: always
  type: list
  elements: dict
  sample: [{name: clerk.prela.app, type: CNAME, values: [frontend-api.clerk.services], ttl: auto, proxied: false}]
api_requests:
  description: How many HTTP requests the task sent to Clerk.
  returned: always
  type: int
  sample: 1
"""

from ansible_collections.railstack.platform.plugins.module_utils import clerk_domain as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
