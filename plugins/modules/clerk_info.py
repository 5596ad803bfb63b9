#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: clerk_info
short_description: Read a Clerk instance, its domains, publishable key and JWKS URL
version_added: 0.1.0
description:
  - Return the Clerk instance that O(secret_key) belongs to and its domains, plus what an application needs from
    them, derived from the primary domain's Frontend API host the way Clerk's SDKs do it. The publishable key
    (C(pk_test_)/C(pk_live_) + base64 of C(<frontend api host>$)) and the JWKS URL
    (C(<frontend api url>/.well-known/jwks.json)) are public values, not secrets.
  - RV(railway_variables) holds them as C(CLERK_PUBLISHABLE_KEY) and C(CLERK_JWKS_URL), ready for a service's
    variables. The secret key itself is never returned.
author:
  - railstack.platform developers (@railstack)
options:
  include_jwks:
    description:
      - Also read the instance's public keys from C(GET /jwks) of the Backend API.
    type: bool
    default: false
extends_documentation_fragment:
  - railstack.platform.clerk
  - railstack.platform.attributes.INFO_MODULE
  - railstack.platform.attributes.CLERK_GROUP
seealso:
  - module: railstack.platform.clerk_domain
  - module: railstack.platform.clerk_instance
"""

EXAMPLES = r"""
- name: What the application needs from Clerk
  railstack.platform.clerk_info:
    secret_key: "{{ vault_clerk_live_secret_key }}"
  register: clerk

- name: Show the publishable key and the JWKS URL
  ansible.builtin.debug:
    msg: "{{ clerk.railway_variables }}"
"""

RETURN = r"""
instance:
  description: The instance.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the instance.
      type: str
    environment_type:
      description: V(development) or V(production).
      type: str
    allowed_origins:
      description: The allowed origins.
      type: list
      elements: str
    workspace_id:
      description: Id of the Clerk workspace, or null.
      type: str
domains:
  description: Every domain of the instance, primary first, each as RV(primary_domain).
  returned: always
  type: list
  elements: dict
primary_domain:
  description:
    - The instance's primary domain, with C(id), C(name), C(is_satellite), C(frontend_api_url),
      C(accounts_portal_url), C(proxy_url), C(development_origin), C(cname_targets) and C(dns_records)
      (see M(railstack.platform.clerk_domain)).
  returned: always
  type: dict
frontend_api:
  description: Host of the primary domain's Frontend API.
  returned: always
  type: str
  sample: clerk.prela.app
publishable_key:
  description: The instance's publishable key, derived from RV(frontend_api).
  returned: always
  type: str
  sample: pk_live_Y2xlcmsucHJlbGEuYXBwJA
jwks_url:
  description: The public JWKS URL of the Frontend API (no key needed to read it).
  returned: always
  type: str
  sample: https://clerk.prela.app/.well-known/jwks.json
backend_jwks_url:
  description: The Backend API's JWKS URL (needs the secret key).
  returned: always
  type: str
  sample: https://api.clerk.com/v1/jwks
dns_records:
  description: The CNAME records of every domain, in the shape M(railstack.platform.dns_records) takes.
  returned: always
  type: list
  elements: dict
railway_variables:
  description: C(CLERK_PUBLISHABLE_KEY) and C(CLERK_JWKS_URL), for a service's variables.
  returned: always
  type: dict
  sample: {CLERK_PUBLISHABLE_KEY: pk_live_Y2xlcmsucHJlbGEuYXBwJA, CLERK_JWKS_URL: https://clerk.prela.app/.well-known/jwks.json}
jwks:
  description: The instance's JSON Web Key Set (public keys).
  returned: when O(include_jwks=true)
  type: dict
api_requests:
  description: How many HTTP requests the task sent to Clerk.
  returned: always
  type: int
  sample: 2
"""

from ansible_collections.railstack.platform.plugins.module_utils import clerk_info as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
