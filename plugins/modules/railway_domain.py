#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_domain
short_description: Manage a Railway service domain or custom domain, and get the DNS records it needs
version_added: 0.1.0
description:
  - Give a service instance (a service in one environment) a Railway domain (C(*.up.railway.app)), generated or of
    a chosen name, or a custom domain, or remove one.
  - For a custom domain, return the DNS records Railway requires (the CNAME to the target Railway gives the domain,
    and the TXT ownership record) as RV(dns_records), in the shape M(railstack.platform.dns_records) and
    M(railstack.platform.dns_record) take directly.
  - With O(wait=verified), wait until Railway has verified the domain and issued a valid certificate.
  - The service's domains are read in one query (C(domains)), after one query for the project, its environments and
    its services.
  - Runs on the controller as an action plugin. A create whose answer is lost is found again, not repeated.
author:
  - railstack.platform developers (@railstack)
options:
  service:
    description:
      - The service, by name or id. It needs an instance in O(environment).
    type: str
    required: true
  domain:
    description:
      - The domain. For a custom domain, its full name, for example C(api.prela.app).
      - For a Railway domain, the chosen name, as C(prela-api.up.railway.app) or C(prela-api). When not set, the
        service gets a generated Railway domain, or keeps the one it has.
      - Railway gives a service instance one Railway domain; a chosen name renames the one it has (checked with
        C(serviceDomainAvailable) first).
    type: str
  type:
    description:
      - V(custom) for a domain of yours, V(service) for a C(*.up.railway.app) domain.
      - When not set, V(service) when O(domain) is not set, ends with C(.up.railway.app) or has no dot; else V(custom).
    type: str
    choices: [custom, service]
  target_port:
    description:
      - The port of the service that the domain sends traffic to. Left as it is when not set.
    type: int
  wait:
    description:
      - V(verified) waits until a custom domain is verified and its certificate is C(CERTIFICATE_STATUS_TYPE_VALID),
        polling every O(wait_interval) seconds for up to O(wait_timeout) seconds, then fails naming the records
        Railway has not seen yet. Railway domains need no wait.
      - A certificate issuance that ends C(CERTIFICATE_STATUS_TYPE_ISSUE_FAILED) is retried (C(customDomainIssueCertificate),
        as C(railway domain certificate retry) does) up to O(certificate_retries) times when Railway says it can be;
        when it cannot, the task fails naming the domain, the status and Railway's error.
      - A domain that is verified and has a valid certificate counts as done even when Railway lists its CNAME as
        C(DNS_RECORD_STATUS_REQUIRES_UPDATE), as it does for a record proxied by Cloudflare; a warning says so.
      - Not in check mode.
    type: str
    choices: [none, verified]
    default: none
  wait_timeout:
    description:
      - Seconds to wait with O(wait=verified). The name O(timeout) is the timeout of each HTTP request.
    type: int
    default: 600
  wait_interval:
    description:
      - Seconds between two reads while waiting.
    type: float
    default: 10.0
  certificate_retries:
    description:
      - With O(wait=verified), how many times to ask Railway to issue a failed certificate again before failing.
    type: int
    default: 2
  state:
    description:
      - V(present) creates or updates the domain; V(absent) deletes it. V(absent) with O(type=service) and no
        O(domain) deletes every Railway domain of the service instance.
    type: str
    choices: [present, absent]
    default: present
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
notes:
  - Railway publishes no static address. An apex domain needs CNAME flattening, ALIAS or ANAME at its DNS host.
  - Railway lists the CNAME in C(dnsRecords); the ownership TXT record is C(verificationDnsHost), the full name
    C(_railway-verify.<domain>), holding C(verificationToken). The domain answers 404 until Railway has seen it.
  - A CNAME proxied by Cloudflare still verifies and works; Railway then shows the record as
    C(DNS_RECORD_STATUS_REQUIRES_UPDATE), because Cloudflare answers with its own addresses.
seealso:
  - module: railstack.platform.dns_records
  - module: railstack.platform.railway_info
"""

EXAMPLES = r"""
- name: A Railway domain of a chosen name
  railstack.platform.railway_domain:
    project: prela
    environment: production
    service: api
    domain: prela-api
    target_port: 8080

- name: The custom domain
  railstack.platform.railway_domain:
    project: prela
    environment: production
    service: api
    domain: api.prela.app
    target_port: 8080
  register: api_domain

- name: The records Railway asks for, at Cloudflare
  railstack.platform.dns_records:
    provider: cloudflare
    zone: prela.app
    records: "{{ api_domain.dns_records }}"

- name: Wait until Railway verified it and issued its certificate
  railstack.platform.railway_domain:
    project: prela
    environment: production
    service: api
    domain: api.prela.app
    wait: verified
    wait_timeout: 900
"""

RETURN = r"""
domain:
  description: The domain as Railway has it after the run (planned in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the domain (null in check mode before it exists).
      type: str
    domain:
      description: The domain name.
      type: str
      sample: api.prela.app
    type:
      description: C(custom) or C(service).
      type: str
    target_port:
      description: The port traffic goes to (null when Railway picks it).
      type: int
    service_id:
      description: Id of the service.
      type: str
    environment_id:
      description: Id of the environment.
      type: str
    sync_status:
      description: Railway's C(syncStatus) of the domain.
      type: str
    verified:
      description: Whether Railway verified a custom domain's ownership.
      type: bool
      returned: for custom domains
    certificate_status:
      description: Railway's C(certificateStatus) of a custom domain.
      type: str
      returned: for custom domains
      sample: CERTIFICATE_STATUS_TYPE_VALID
    certificate_retryable:
      description: Railway's C(certificateRetryable) after a failed issuance (null otherwise).
      type: bool
      returned: for custom domains
    certificate_error:
      description: Railway's C(certificateErrorMessage) after a failed issuance (null otherwise).
      type: str
      returned: for custom domains
    required_records:
      description: Railway's C(dnsRecords) of a custom domain (C(name), C(type), C(required_value), C(current_value), C(status)).
      type: list
      elements: dict
      returned: for custom domains
dns_records:
  description:
    - The records a custom domain needs, in the one shape M(railstack.platform.dns_records) takes; empty for Railway
      domains and after a delete.
  returned: always
  type: list
  elements: dict
  sample:
    - {name: api.prela.app, type: CNAME, values: [x7k2m9qa.up.railway.app], ttl: auto, proxied: false}
    - {name: _railway-verify.api.prela.app, type: TXT, values: ["railway-verify=9f2c..."], ttl: auto, proxied: false}
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
  sample: 3
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_domain as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
