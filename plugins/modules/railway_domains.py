#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_domains
short_description: Manage the Railway domains and custom domains of many services of one environment at once
version_added: 0.1.0
description:
  - For each service of O(services), give its service instance a Railway domain (C(*.up.railway.app)), generated or
    of a chosen name, remove it, or leave it alone; and add its custom domains, or update their target ports.
  - The environment's domains are read in one query for every service (C(environment.serviceInstances.domains)),
    after one query for the project, its environments and its services; only what differs is written.
    A run that changes nothing sends these two reads, whatever the number of services. Given ids for both
    O(project) and O(environment), one query reads the project, the environment and its domains.
  - Returns the DNS records the custom domains need, grouped per DNS provider and zone (RV(dns)), so one
    M(railstack.platform.dns_records) task looping over RV(dns) writes them; the records of domains whose
    C(dns.provider) is C(manual) are in RV(manual_records) instead.
  - With O(wait=verified), waits until Railway has verified every custom domain whose item says C(wait) and issued
    its certificate, reading the environment's domains once per poll for all of them.
  - The same semantics, messages and waits (certificate retries included) as M(railstack.platform.railway_domain).
    Custom domains not listed are left as they are.
  - Runs on the controller as an action plugin. A create whose answer is lost is found again, not repeated.
author:
  - railstack.platform developers (@railstack)
options:
  services:
    description:
      - The services whose domains to manage. Each service needs an instance in O(environment).
      - A service's plan record (M(railstack.platform.stack_check)'s C(services)) can be passed whole; what the
        record holds for other modules is ignored.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - The service, by name or id.
        type: str
        required: true
      role:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      source:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      build:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      deploy:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      private_network_endpoint:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      tcp_proxy_port:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      volume:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      health_check:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      wait:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      wait_timeout:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      rollback_on_failure:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      public_address:
        description:
          - Part of a service's plan record (M(railstack.platform.stack_check)), so that a record is passed whole;
            ignored here.
        type: raw
      variables:
        description:
          - Part of a service's plan record, so that a record is passed whole; ignored here (never read, never
            returned).
        type: dict
      state:
        description:
          - V(absent) for a service that is being removed; its domains go with it and it is skipped (its result
            has no domains).
        type: str
        choices: [present, absent]
        default: present
      service_domain:
        description:
          - Its Railway domain. V(true) for the one Railway generates (or the one it has), a name such as
            C(prela-api) or C(prela-api.up.railway.app) for a chosen one, V(false) to remove every Railway domain of
            the service instance, null to leave them as they are.
        type: raw
      target_port:
        description:
          - The port the Railway domain sends traffic to, and the custom domains that give none. Left as it is when
            not set.
        type: int
      domains:
        description:
          - Its custom domains.
        type: list
        elements: dict
        default: []
        suboptions:
          domain:
            description:
              - The custom domain's full name, for example C(api.prela.app).
            type: str
            required: true
          target_port:
            description:
              - The port the domain sends traffic to; the service's O(services[].target_port) when not set.
            type: int
          dns:
            description:
              - Where its records go, as C(provider) and C(zone) (the options of M(railstack.platform.dns_records)).
                C(provider=manual), or no C(dns), puts its records in RV(manual_records).
            type: dict
          wait:
            description:
              - Whether O(wait=verified) waits for this domain.
            type: bool
            default: true
  wait:
    description:
      - V(verified) waits until every custom domain whose item says C(wait) is verified and its certificate is
        C(CERTIFICATE_STATUS_TYPE_VALID), polling every O(wait_interval) seconds for up to O(wait_timeout) seconds,
        then fails naming every domain still waiting and the records Railway has not seen yet.
      - A certificate issuance that ends C(CERTIFICATE_STATUS_TYPE_ISSUE_FAILED) is retried up to
        O(certificate_retries) times per domain when Railway says it can be; when it cannot, the task fails naming
        the domain, the status and Railway's error.
      - Not in check mode.
    type: str
    choices: [none, verified]
    default: none
  wait_timeout:
    description:
      - Seconds to wait with O(wait=verified), for all the domains together.
    type: int
    default: 600
  wait_interval:
    description:
      - Seconds between two reads while waiting.
    type: float
    default: 10.0
  certificate_retries:
    description:
      - With O(wait=verified), how many times to ask Railway to issue a domain's failed certificate again before
        failing.
    type: int
    default: 2
extends_documentation_fragment:
  - railstack.platform.railway
  - railstack.platform.railway.ENVIRONMENT
  - railstack.platform.attributes
  - railstack.platform.attributes.RAILWAY_GROUP
attributes:
  check_mode:
    support: full
    details: A custom domain that does not exist yet has no DNS records in check mode.
  diff_mode:
    support: full
    details: One hunk per service whose domains change.
notes:
  - An empty O(services) sends no request.
  - Railway publishes no static address. An apex domain needs CNAME flattening, ALIAS or ANAME at its DNS host.
seealso:
  - module: railstack.platform.railway_domain
  - module: railstack.platform.dns_records
"""

EXAMPLES = r"""
- name: The domains of production's services
  railstack.platform.railway_domains:
    project: prela
    environment: production
    services:
      - name: api
        service_domain: prela-api
        target_port: 8080
        domains:
          - domain: api.prela.app
            dns: {provider: cloudflare, zone: prela.app}
      - name: web
        service_domain: true
        domains:
          - domain: prela.app
            dns: {provider: manual}
  register: domains

- name: The records Railway asks for, one task per zone
  railstack.platform.dns_records:
    provider: "{{ item.provider }}"
    zone: "{{ item.zone }}"
    records: "{{ item.records }}"
  loop: "{{ domains.dns }}"
  loop_control:
    label: "{{ item.zone }}"

- name: The records to add by hand
  ansible.builtin.debug:
    msg: "{{ item.domain }}: {{ item.records | map(attribute='type') | zip(item.records | map(attribute='name')) | map('join', ' ') }}"
  loop: "{{ domains.manual_records }}"

- name: Wait until Railway verified them all
  railstack.platform.railway_domains:
    project: prela
    environment: production
    services: "{{ production_services }}"
    wait: verified
"""

RETURN = r"""
services:
  description: Each service's domains after the run (planned in check mode), in the order of O(services).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The service as given.
      type: str
    service_domain:
      description:
        - Its Railway domain, as M(railstack.platform.railway_domain) returns C(domain); null when
          O(services[].service_domain) is null (left alone) or false (removed).
      type: dict
    custom_domains:
      description:
        - Its custom domains in the order given, each as M(railstack.platform.railway_domain) returns C(domain),
          plus C(dns_records), the records it needs (empty in check mode before it exists).
      type: list
      elements: dict
    public_url:
      description: C(https://) and its first custom domain, else its Railway domain; null when it has neither.
      type: str
      sample: https://api.prela.app
dns:
  description:
    - The records the custom domains need, grouped per DNS provider and zone, without the C(manual) ones.
  returned: always
  type: list
  elements: dict
  contains:
    provider:
      description: The DNS provider.
      type: str
    zone:
      description: The zone.
      type: str
    records:
      description: The records, in the shape M(railstack.platform.dns_records) takes.
      type: list
      elements: dict
  sample:
    - provider: cloudflare
      zone: prela.app
      records:
        - {name: api.prela.app, type: CNAME, values: [x7k2m9qa.up.railway.app], ttl: auto, proxied: false}
        - {name: _railway-verify.api.prela.app, type: TXT, values: ["railway-verify=9f2c..."], ttl: auto, proxied: false}
manual_records:
  description: The records to add by hand, for the domains whose C(dns.provider) is C(manual) or not given.
  returned: always
  type: list
  elements: dict
  contains:
    domain:
      description: The custom domain.
      type: str
    records:
      description: Its records, in the same shape as RV(dns[].records).
      type: list
      elements: dict
api_requests:
  description: How many HTTP requests the task sent to Railway (none for an empty O(services)).
  returned: when O(services) is not empty
  type: int
  sample: 2
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_domains as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
