#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: dns_records
short_description: Manage many DNS record sets of one zone together
version_added: 0.1.0
description:
  - Make several record sets of one zone hold the given values (or delete them) in one go. It takes the
    C(dns_records) lists that M(railstack.platform.railway_domain) and M(railstack.platform.clerk_domain) return,
    as they are.
  - Writes land together where the provider can do that. On Cloudflare they go through its batch endpoint, one
    database transaction of up to 200 records. On Route53 they go in one change batch. On Namecheap they go in one
    setHosts.
  - The same rules as M(railstack.platform.dns_record) apply to every set. Ownership and conflicts are checked for
    all sets before anything is written.
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  records:
    description:
      - The record sets, each in the shape modules pass around. Each name and type may appear once.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Name, relative to O(zone) or complete.
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
          - The values of the set (see M(railstack.platform.dns_record)). Required when O(state=present).
        type: list
        elements: str
      ttl:
        description:
          - TTL in seconds, or V(auto).
        type: raw
        default: auto
      proxied:
        description:
          - Cloudflare only. Whether Cloudflare proxies the record.
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
  - module: railstack.platform.dns_record
"""

EXAMPLES = r"""
- name: What Railway and Clerk asked for, in one batch
  railstack.platform.dns_records:
    provider: cloudflare
    zone: prela.app
    records: "{{ api_domain.dns_records + clerk.dns_records }}"

- name: Clerk's production records at Namecheap
  railstack.platform.dns_records:
    provider: namecheap
    zone: prela.app
    records:
      - {name: clerk, type: CNAME, values: [frontend-api.clerk.services]}
      - {name: accounts, type: CNAME, values: [accounts.clerk.services]}
      - {name: clkmail, type: CNAME, values: [mail.n8q2r1.clerk.services]}
      - {name: clk._domainkey, type: CNAME, values: [dkim1.n8q2r1.clerk.services]}
      - {name: clk2._domainkey, type: CNAME, values: [dkim2.n8q2r1.clerk.services]}
"""

RETURN = r"""
records:
  description: Each record set as the provider has it after the run (planned in check mode), in the order given.
  returned: success
  type: list
  elements: dict
  sample: [{name: api.prela.app, type: CNAME, values: [prela-api-gateway.up.railway.app], ttl: auto, proxied: false}]
changes:
  description: The writes made (or planned in check mode), one per record value.
  returned: always
  type: list
  elements: dict
  sample: [{action: create, name: clerk.prela.app, type: CNAME, value: frontend-api.clerk.services}]
api_requests:
  description: How many requests the task sent to the provider.
  returned: when the provider was contacted
  type: int
  sample: 3
"""

from ansible_collections.railstack.platform.plugins.module_utils import dns_records as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
