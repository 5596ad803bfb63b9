#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: dns_record
short_description: Manage one DNS record set at Cloudflare, Route53 or Namecheap
version_added: 0.1.0
description:
  - Make one record set (a name and a type) at a DNS provider hold the given values, or delete them.
  - Names may be relative to the zone (V(api), V(@)) or complete (V(api.prela.app)). Values that differ only in
    spelling compare equal, such as TXT quoting or a final dot, so a second run changes nothing.
  - Records the collection did not create are never changed or deleted without O(force=true). A CNAME beside
    another record type (or the reverse) fails before anything is written, naming the blocking record.
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  name:
    description:
      - Name of the record set, relative to O(zone) (V(@) for the zone itself) or complete.
    type: str
    required: true
  type:
    description:
      - Record type.
    type: str
    required: true
    choices: [A, AAAA, CNAME, MX, NS, TXT]
  values:
    description:
      - The values of the set. TXT values are given as plain text; quoting and splitting into 255-byte strings is
        done for each provider. MX values are V(PRIORITY HOST), for example V(10 mail.example.com).
      - Required when O(state=present). With O(state=absent), only these values are deleted.
    type: list
    elements: str
  ttl:
    description:
      - TTL in seconds, or V(auto) (see the notes for what it means at each provider).
    type: raw
    default: auto
  proxied:
    description:
      - Cloudflare only. Whether Cloudflare proxies the record (A, AAAA, CNAME). Clerk's and Railway's
        verification records must stay DNS-only, which is the default.
    type: bool
    default: false
extends_documentation_fragment:
  - railstack.platform.dns
  - railstack.platform.cloudflare
  - railstack.platform.attributes
  - railstack.platform.attributes.DNS_GROUP
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
seealso:
  - module: railstack.platform.dns_records
"""

EXAMPLES = r"""
- name: Railway's custom domain, DNS-only
  railstack.platform.dns_record:
    provider: cloudflare
    zone: prela.app
    name: api
    type: CNAME
    values: [prela-api-gateway.up.railway.app]

- name: Railway's ownership TXT record at Namecheap
  railstack.platform.dns_record:
    provider: namecheap
    zone: prela.app
    name: _railway-verify.api
    type: TXT
    values: ["railway-verify=2a5c0d4e"]
    ttl: 300

- name: Replace an A record someone made by hand with the CNAME
  railstack.platform.dns_record:
    provider: route53
    zone: prela.app
    name: api.prela.app
    type: CNAME
    values: [prela-api-gateway.up.railway.app]
    force: true

- name: Remove the record set this collection created
  railstack.platform.dns_record:
    provider: cloudflare
    zone: prela.app
    name: api
    type: CNAME
    state: absent
"""

RETURN = r"""
record:
  description:
    - The record set as the provider has it after the run (planned in check mode), in the shape dns_records
      takes. It has the keys C(name) (complete), C(type), C(values), C(ttl) and C(proxied).
    - C(values) is a list in compared form (TXT unquoted, no final dots). It is empty when the set is absent.
      Read it as C(record['values']), since C(record.values) is a method in Jinja.
    - C(ttl) is seconds, or C(auto) for Cloudflare's automatic TTL. C(proxied) tells whether Cloudflare proxies it.
  returned: success
  type: dict
  sample: {name: api.prela.app, type: CNAME, values: [prela-api-gateway.up.railway.app], ttl: auto, proxied: false}
changes:
  description: The writes made (or planned in check mode), one per record value.
  returned: always
  type: list
  elements: dict
  sample: [{action: create, name: api.prela.app, type: CNAME, value: prela-api-gateway.up.railway.app}]
api_requests:
  description: How many requests the task sent to the provider.
  returned: when the provider was contacted
  type: int
  sample: 3
"""

from ansible_collections.railstack.platform.plugins.module_utils import dns_record as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
