# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Options every dns_* module shares, with Route53 and Namecheap credentials (Cloudflare's are in
    # doc_fragments/cloudflare.py). Keep in sync with dns_argument_spec() in plugins/module_utils/dns.py,
    # route53_argument_spec() in route53.py and namecheap_argument_spec() in namecheap.py.
    DOCUMENTATION = r"""
options:
  provider:
    description:
      - The DNS provider that serves O(zone).
    type: str
    required: true
    choices: [cloudflare, route53, namecheap]
  zone:
    description:
      - The zone (Cloudflare zone, Route53 hosted zone, Namecheap domain) the records belong to, for example
        C(prela.app). On Namecheap it is the registered domain.
    type: str
    required: true
  state:
    description:
      - V(present) makes the record sets hold the given values; V(absent) deletes the given values, or, when no
        values are given, the records this collection created at the name and type.
    type: str
    choices: [present, absent]
    default: present
  solo:
    description:
      - Make each record set hold exactly the given values, deleting its other values. Values this collection did
        not create are deleted only with O(force=true).
    type: bool
    default: false
  force:
    description:
      - Change or delete records this collection did not create, and replace records of another type that a CNAME
        cannot stand beside (or that cannot stand beside a CNAME). Without it such a record makes the task fail,
        naming it, before anything is written.
    type: bool
    default: false
  validate_certs:
    description:
      - Whether to validate TLS certificates of the provider's API.
    type: bool
    default: true
  timeout:
    description:
      - Timeout in seconds of each request to the provider.
    type: int
    default: 30
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
      - Namecheap API user. If not set, the value of E(NAMECHEAP_API_USER) is used. Required when O(provider=namecheap).
    type: str
  namecheap_api_key:
    description:
      - Namecheap API key. If not set, the value of E(NAMECHEAP_API_KEY) is used. Required when O(provider=namecheap).
    type: str
  namecheap_username:
    description:
      - Namecheap user name the calls act as. If not set, the value of E(NAMECHEAP_USERNAME) is used, else
        O(namecheap_api_user).
    type: str
  namecheap_client_ip:
    description:
      - The IPv4 address the calls come from, as whitelisted in the Namecheap account. If not set, the value of
        E(NAMECHEAP_CLIENT_IP) is used. Required when O(provider=namecheap).
    type: str
  namecheap_api_url:
    description:
      - Namecheap's XML API endpoint (C(https://api.sandbox.namecheap.com/xml.response) for Namecheap's own sandbox).
      - If not set, the value of E(NAMECHEAP_API_URL) is used.
    type: str
    default: https://api.namecheap.com/xml.response
requirements:
  - requests (Cloudflare, Namecheap)
  - boto3 (only for O(provider=route53))
notes:
  - Records this collection writes are marked as its own. On Cloudflare it writes the comment
    C(managed by railstack.platform). Route53 and Namecheap have no place for a mark, so there a record counts as
    the collection's own only when its value is one the task manages. Changing such a record to another value
    needs O(force=true).
  - A TTL of V(auto) is Cloudflare's automatic TTL and Namecheap's C(Automatic) (1799 s). Route53 has no automatic TTL,
    so it means 300 s there.
  - Namecheap's setHosts replaces the domain's whole host list. The module reads the list, edits it, writes back
    everything else unchanged (EmailType included), then reads it again and fails if anything else changed. It
    refuses a domain that does not use Namecheap's DNS. Run tasks for one Namecheap domain one at a time (the task
    keyword C(throttle) set to 1), or use one dns_records task.
  - Requests that are safe to repeat are retried on HTTP 429 (honouring C(Retry-After)), 5xx and connection errors.
    When the answer to a write is lost, the module reads again and finishes from what the provider holds.
"""
