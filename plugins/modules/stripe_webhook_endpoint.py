#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stripe_webhook_endpoint
short_description: Manage a Stripe webhook endpoint and put its signing secret where the app reads it
version_added: 0.1.0
description:
  - Create, update, recreate or delete a Stripe webhook endpoint.
  - The endpoint is found by the metadata marker C(railstack_key=<key>) the module sets on it. Changing O(url)
    updates the endpoint in place and keeps its signing secret.
  - Stripe shows the C(whsec_) signing secret only in its answer to the create call. With
    O(railway_secret_target), the module writes it straight into a Railway variable, so it never passes through
    the play; without it, the module returns it as RV(secret) on the run that creates the endpoint, and the task
    result is then hidden (no_log) from every callback.
  - Stripe cannot change O(api_version) or O(connect) of an endpoint. Changing either on an endpoint this module
    made deletes the endpoint and creates it again, which gives it a new signing secret; diff and a warning say so.
    The new endpoint is created (and its secret written to Railway) before the old one is deleted.
  - An endpoint taken over with O(adopt) is never replaced; what cannot change in place fails the task, naming the
    option, before any write.
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  url:
    description:
      - The URL Stripe sends events to.
    type: str
    required: true
  key:
    description:
      - Names the endpoint among those this collection manages; stored as metadata C(railstack_key).
      - Two endpoints with the same URL (for example one with O(connect=true) and one without) need two keys.
    type: str
    default: default
  enabled_events:
    description:
      - The event types Stripe sends, such as V(invoice.paid), or V(*) for all of them. Order does not matter.
      - Required when O(state=present).
    type: list
    elements: str
  description:
    description:
      - Description of the endpoint. An empty string removes it. Left as it is when not set.
    type: str
  api_version:
    description:
      - The Stripe API version events are rendered with, such as V(2026-10-28.endive).
      - When not set, a new endpoint uses the Stripe version the collection pins (C(2026-10-28.endive)), the one its
        requests use, and an existing one keeps its own.
      - Changing it recreates the endpoint (new signing secret).
    type: str
  connect:
    description:
      - Whether the endpoint receives events from connected accounts instead of this account.
      - Read from the endpoint's C(application), which Stripe sets to the Connect platform's application id
        (C(ca_...)) on such endpoints. Changing it recreates the endpoint (new signing secret).
    type: bool
    default: false
  disabled:
    description:
      - Whether Stripe stops sending events to the endpoint. Left as it is when not set.
    type: bool
  adopt:
    description:
      - Take over an endpoint with the same O(url) that this collection does not manage yet (for example one made
        in the Dashboard). It is updated in place and never replaced, since a replacement would have a new signing secret
        and whatever checks the old one would refuse every event. A difference Stripe cannot change in place
        (O(api_version), O(connect)), or a missing Railway variable with O(rotate_if_secret_missing), fails the task
        naming the option; to replace it on purpose, delete it first (O(state=absent) with O(adopt=true)).
      - Without it, such an endpoint makes the task fail, so that Stripe does not send every event twice.
    type: bool
    default: false
  railway_secret_target:
    description:
      - The Railway variable that receives the signing secret when the endpoint is created, so the secret never
        passes through the play.
      - The Railway credentials come from these suboptions or from the E(RAILWAY_API_TOKEN), E(RAILWAY_TOKEN) and
        E(RAILWAY_API_URL) environment variables.
    type: dict
  rotate_if_secret_missing:
    description:
      - When the endpoint exists but the variable named by O(railway_secret_target) is missing, recreate the
        endpoint so that its new signing secret can be written there. Without this, the service would have no
        secret to check events with. An endpoint being adopted is not recreated; the task fails instead.
    type: bool
    default: true
  state:
    description:
      - V(present) creates, updates or recreates the endpoint; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - railstack.platform.railway.WEBHOOK_SECRET_TARGET
  - railstack.platform.stripe
  - railstack.platform.stripe.METADATA
  - railstack.platform.attributes
  - railstack.platform.attributes.STRIPE_GROUP
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
seealso:
  - module: railstack.platform.stripe_price
  - module: railstack.platform.stripe_product
"""

EXAMPLES = r"""
- name: Prela's billing webhook, its secret written straight into the api service's variables
  railstack.platform.stripe_webhook_endpoint:
    url: https://api.prela.app/api/v1/billing/webhooks/stripe
    enabled_events:
      - customer.subscription.created
      - customer.subscription.updated
      - customer.subscription.deleted
      - invoice.created
      - invoice.paid
      - invoice.payment_failed
      - checkout.session.completed
    api_version: 2026-10-28.endive
    railway_secret_target:
      project: prela
      environment: production
      service: api-gateway
      name: STRIPE_WEBHOOK_SECRET

- name: Without Railway, the secret is returned once, on the run that creates the endpoint
  railstack.platform.stripe_webhook_endpoint:
    url: https://hooks.example.com/stripe
    enabled_events: [invoice.paid]
  register: hook
  no_log: true

- name: Remove it
  railstack.platform.stripe_webhook_endpoint:
    url: https://hooks.example.com/stripe
    state: absent
"""

RETURN = r"""
webhook_endpoint:
  description:
    - The endpoint as Stripe has it after the run (planned values in check mode); empty when absent.
    - Its C(secret) field, when present, is always masked; see RV(secret).
  returned: always
  type: dict
  sample:
    id: we_1NQ3a4JOHZHt5uxgSHN7014e
    object: webhook_endpoint
    url: https://api.prela.app/api/v1/billing/webhooks/stripe
    enabled_events: [invoice.paid]
    status: enabled
    livemode: false
    metadata: {railstack_key: default}
id:
  description: Id of the endpoint (null in check mode before it exists).
  returned: always
  type: str
  sample: we_1NQ3a4JOHZHt5uxgSHN7014e
secret:
  description:
    - The signing secret (C(whsec_...)) of the endpoint created by this run.
    - Only when the endpoint was created or recreated and O(railway_secret_target) is not set. The whole task result
      is then marked no_log; read it from a registered variable.
  returned: when created without railway_secret_target
  type: str
replaced:
  description: Whether the endpoint was (or in check mode would be) deleted and created again.
  returned: when state is present
  type: bool
railway_variable:
  description: Where the secret goes, and whether this run wrote it.
  returned: when railway_secret_target is set
  type: dict
  contains:
    project_id:
      description: Id of the Railway project.
      type: str
    environment_id:
      description: Id of the environment.
      type: str
    service_id:
      description: Id of the service (null for a shared variable).
      type: str
    name:
      description: Name of the variable.
      type: str
    written:
      description: Whether this run wrote (or in check mode would write) the variable.
      type: bool
livemode:
  description: Whether the key is a live-mode key.
  returned: always
  type: bool
api_requests:
  description: How many HTTP requests the task sent (Stripe and Railway).
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import stripe_webhook_endpoint as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
