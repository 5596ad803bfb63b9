#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stack_plan
short_description: Check what a stack needs of the providers' state, reading only, before the first write
version_added: 0.2.0
description:
  - The second check of C(playbooks/site.yml), after M(railstack.platform.stack_check) and before the first write. It
    checks what the stack file alone cannot tell, with reads only, and fails naming the field and the fix.
  - "Railway's plan: the project's plan (C(subscriptionType)), or, when the project does not exist yet, the plan of
    the workspace it will be made in (C(Workspace.plan)). A project token cannot read its workspace; it reads its
    project. Railway's C(Workspace.plan) has no trial: a workspace on a trial reads as Free here, and Free's limits
    apply to a new project."
  - Every volume (databases' and services') against the plan (the size a new volume starts at, whether it can be
    resized, the volumes a project may have, one on Free) and against the size it has (Railway volumes never shrink),
    and restart policies against Free's limits (no C(ALWAYS), at most 10 retries).
  - "DNS: the records at each custom domain's name and at its C(_railway-verify.) name, one read per zone. A record
    Railway's CNAME cannot stand beside (an A record, say), or a CNAME this collection did not create that does not
    point at Railway (C(*.up.railway.app)), fails the check before Railway's custom domain is made."
  - "The no-op fast path (O(fingerprint)): with V(compare), the module reads the whole state a converge of the stack
    compares, providers at once (Railway in 2 queries, Stripe's prices with their products and its webhook endpoints,
    Clerk's instance and domains, each DNS zone's records), and says whether it matches this machine's fingerprint of
    the stack's last converge (RV(converged)); with V(record), after a converge that succeeded, it reads the same
    state and stores that fingerprint; with V(forget) it removes it, reading nothing."
  - "The fingerprint is kept under the collection's cache directory (E(RAILSTACK_CACHE_DIR), else
    C($XDG_CACHE_HOME/railstack-platform)), in C(converged/), mode 0600. It holds salted digests only (a key made by
    scrypt from the credentials and a random salt; an HMAC of each part under it), the time, and the summary lines
    (names and URLs): never a value nor an unsalted hash of one."
  - "Never converged, whatever matches: a latest deployment that is not C(SUCCESS), a custom domain not verified or
    whose certificate is not valid, staged changes, another run holding the stack's lease, migrations to run, deploy
    notifications, Clerk instance settings Clerk does not show (all but C(allowed_origins)), a Clerk domain, a list
    longer than one page."
  - "Stripe: a price whose fixed terms change is announced before the first write: the price step replaces it
    (one request per 10 lookup keys)."
  - "Reads: the token's workspaces (or the one in C(project.workspace_id)) with their plans and their projects'
    names in one query, then, when the project exists, the project with every environment's configuration in one
    more (variable values are not decrypted); nothing from Railway when the stack has no volume and no restart
    policy. Per DNS zone, the zone and its records at the domains' names (two requests on Cloudflare)."
author:
  - railstack.platform developers (@railstack)
options:
  project:
    description:
      - The stack's project, as M(railstack.platform.stack_check) returns it (C(name), C(workspace_id)).
    type: dict
    required: true
  requirements:
    description:
      - What needs the providers' state, per environment, as M(railstack.platform.stack_check) returns it in
        C(requirements).
    type: list
    elements: dict
    required: true
  prices:
    description:
      - The stack's Stripe prices, as M(railstack.platform.stack_check) returns them in C(stripe.prices).
      - A price whose product, currency, amount or recurring terms change is announced (a warning, and
        RV(price_replacements)), since Stripe never changes them on a price, so the price step makes a new price that
        takes the lookup key over and archives the old one. Read only when O(api_key) is set.
    type: list
    elements: dict
    default: []
  fingerprint:
    description:
      - V(none) makes the checks only; V(compare) also reads the whole state and compares it with this machine's
        fingerprint of the last converge (when there is none, it reads only what the checks need); V(record) reads
        it and stores its fingerprint (not converged state, such as a deployment still building, stores none and
        removes the old one); V(forget) removes the fingerprint and reads nothing.
    type: str
    choices: [none, compare, record, forget]
    default: none
  desired:
    description:
      - The results of M(railstack.platform.stack_check) for the stack's environments in the play (one per host with
        the stacks inventory). Part of the fingerprint, values included (digested only).
      - Used when O(fingerprint) is not V(none).
    type: list
    elements: dict
    default: []
  run_options:
    description:
      - The run options that change what a converge does (such as C(run_migrations)). Part of the fingerprint.
    type: dict
    default: {}
  summary:
    description:
      - With O(fingerprint=record), the lines a fast run prints (names and URLs only, never a value).
    type: list
    elements: str
    default: []
  clerk_secret_key:
    description:
      - Clerk secret key, to read the instance and its domains for the fingerprint. If not set, the value of
        E(CLERK_SECRET_KEY) is used.
    type: str
  clerk_api_url:
    description:
      - Clerk's Backend API URL. If not set, the value of E(CLERK_API_URL) is used, else Clerk's.
    type: str
    default: https://api.clerk.com/v1
  api_key:
    description:
      - Stripe secret key, to read the prices. If not set, the value of E(STRIPE_API_KEY) is used; without any, the
        prices are not read.
      - A live-mode key is refused unless O(allow_live=true).
    type: str
  api_base:
    description:
      - Stripe's API base URL (the sandbox's, say). If not set, the value of E(STRIPE_API_BASE) is used, else Stripe's.
    type: str
  allow_live:
    description:
      - Whether a live-mode Stripe key may be used.
    type: bool
    default: false
  cloudflare_api_token:
    description:
      - Cloudflare API token, sent as a bearer token. It needs the permission C(Zone Read) (this module only reads).
      - If not set, the value of the E(CLOUDFLARE_API_TOKEN) environment variable is used.
      - Required when a domain's DNS is at Cloudflare.
    type: str
  cloudflare_api_url:
    description:
      - Base URL of Cloudflare's v4 API.
      - If not set, the value of the E(CLOUDFLARE_API_URL) environment variable is used.
    type: str
    default: https://api.cloudflare.com/client/v4
  aws_access_key_id:
    description:
      - AWS access key id for Route53. If not set, the value of E(AWS_ACCESS_KEY_ID) is used; without any, boto3's
        usual credential chain (profiles, instance roles) applies.
    type: str
  aws_secret_access_key:
    description:
      - AWS secret access key for Route53. If not set, the value of E(AWS_SECRET_ACCESS_KEY) is used.
    type: str
  aws_session_token:
    description:
      - AWS session token for temporary credentials. If not set, the value of E(AWS_SESSION_TOKEN) is used.
    type: str
  aws_profile:
    description:
      - Named AWS profile to take credentials from. If not set, the value of E(AWS_PROFILE) is used.
    type: str
  aws_endpoint_url:
    description:
      - Route53 endpoint, to use an emulator such as moto. If not set, the value of E(AWS_ENDPOINT_URL_ROUTE_53) or
        E(AWS_ENDPOINT_URL) is used; without either, AWS's own endpoint.
    type: str
  namecheap_api_user:
    description:
      - Namecheap API user. If not set, the value of E(NAMECHEAP_API_USER) is used. Required when a domain's DNS is at Namecheap.
    type: str
  namecheap_api_key:
    description:
      - Namecheap API key. If not set, the value of E(NAMECHEAP_API_KEY) is used. Required when a domain's DNS is at Namecheap.
    type: str
  namecheap_username:
    description:
      - Namecheap user name the calls act as. If not set, the value of E(NAMECHEAP_USERNAME) is used, else
        O(namecheap_api_user).
    type: str
  namecheap_client_ip:
    description:
      - The IPv4 address the calls come from, as whitelisted in the Namecheap account. If not set, the value of
        E(NAMECHEAP_CLIENT_IP) is used. Required when a domain's DNS is at Namecheap.
    type: str
  namecheap_api_url:
    description:
      - Namecheap's XML API endpoint (C(https://api.sandbox.namecheap.com/xml.response) for Namecheap's own sandbox).
      - If not set, the value of E(NAMECHEAP_API_URL) is used.
    type: str
    default: https://api.namecheap.com/xml.response
extends_documentation_fragment:
  - railstack.platform.railway
  - railstack.platform.attributes.INFO_MODULE
attributes:
  action_group:
    description: >-
      Use C(group/railstack.platform.railway), C(group/railstack.platform.stripe) and C(group/railstack.platform.dns)
      in C(module_defaults).
    support: full
    membership:
      - railstack.platform.railway
      - railstack.platform.stripe
      - railstack.platform.dns
seealso:
  - module: railstack.platform.stack_check
"""

EXAMPLES = r"""
- name: Check the whole stack before any write
  railstack.platform.stack_check:
    stack_variable: stack
  register: site_check

- name: Check what needs the providers' state, before any write
  railstack.platform.stack_plan:
    project: "{{ site_check.project }}"
    requirements: "{{ site_check.requirements }}"
    prices: "{{ site_check.stripe.prices }}"
"""

RETURN = r"""
plan:
  description: Railway's plan that applies (V(free), V(trial), V(hobby), V(pro)); null when it cannot be read.
  returned: always
  type: str
price_replacements:
  description: One line per Stripe price the run will replace, saying why (the same lines are warnings).
  returned: success
  type: list
  elements: str
project:
  description: The project (C(id), C(name), C(exists)); C(id) is null when it does not exist yet.
  returned: success
  type: dict
converged:
  description: Whether nothing changed since this machine's last converge of the stack (O(fingerprint=compare)).
  returned: success
  type: bool
converged_reason:
  description: Why the stack is not called converged (empty when it is).
  returned: success
  type: str
converged_at:
  description: When the matching converge was recorded (UTC), when RV(converged) is true.
  returned: when O(fingerprint=compare)
  type: str
converged_summary:
  description: The summary lines stored with the matching converge (names and URLs only).
  returned: when O(fingerprint=compare)
  type: list
  elements: str
recorded:
  description: Whether a fingerprint was stored (O(fingerprint=record)).
  returned: when O(fingerprint=record)
  type: bool
forgotten:
  description: Whether a fingerprint was removed (O(fingerprint=forget)).
  returned: when O(fingerprint=forget)
  type: bool
problems:
  description: Every problem found, when the check fails.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.railstack.platform.plugins.module_utils import stack_plan as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
