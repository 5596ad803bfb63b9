#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stripe_billing_portal
short_description: Manage a Stripe customer portal configuration
version_added: 0.1.0
description:
  - Create, update or archive a Stripe customer portal configuration, found by the metadata marker
    C(railstack_key=<key>) (configurations have no custom id and no search, so every one is listed).
  - Every read and write asks Stripe to expand C(features.subscription_update.products), which Stripe leaves out of
    its answers otherwise; without it a diff would never settle.
  - Only the settings the task names are compared and sent; list order does not matter.
  - Configurations cannot be deleted; O(state=absent) archives the configuration (Stripe refuses that for the
    account's default configuration, which this module does not manage).
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  key:
    description:
      - Names the configuration among those this collection manages; stored as metadata C(railstack_key).
    type: str
    default: default
  features:
    description:
      - The portal's features in Stripe's own shape, with the feature names C(customer_update),
        C(invoice_history), C(payment_method_update), C(subscription_cancel), C(subscription_pause) and
        C(subscription_update) as keys (see Stripe's API reference for what each takes).
      - Required to create the configuration. Keys are checked before any request; features not named are left
        as they are.
    type: dict
  business_profile:
    description:
      - What the portal shows about the business. Fields not set are left as they are.
    type: dict
    suboptions:
      headline:
        description:
          - Headline shown in the portal.
        type: str
      privacy_policy_url:
        description:
          - Link to the privacy policy.
        type: str
      terms_of_service_url:
        description:
          - Link to the terms of service.
        type: str
  default_return_url:
    description:
      - Where the portal sends customers back to. Left as it is when not set.
    type: str
  login_page:
    description:
      - Whether Stripe hosts a login page (a shareable link) for this configuration. Left as it is when not set.
    type: bool
  name:
    description:
      - Name of the configuration in the Dashboard. Left as it is when not set.
    type: str
  state:
    description:
      - V(present) creates or updates (and reactivates) the configuration; V(absent) archives it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
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
"""

EXAMPLES = r"""
- name: Customers may switch between the monthly prices and cancel at period end
  railstack.platform.stripe_billing_portal:
    business_profile:
      headline: Prela billing
      privacy_policy_url: https://prela.app/privacy
    default_return_url: https://app.prela.app/settings/billing
    features:
      invoice_history: {enabled: true}
      payment_method_update: {enabled: true}
      customer_update: {enabled: true, allowed_updates: [email, address, tax_id]}
      subscription_cancel: {enabled: true, mode: at_period_end}
      subscription_update:
        enabled: true
        default_allowed_updates: [price]
        proration_behavior: create_prorations
        products:
          - product: prela_pro
            prices: ["{{ pro_price.id }}"]
"""

RETURN = r"""
configuration:
  description:
    - The configuration as Stripe has it after the run (planned values in check mode), with
      C(features.subscription_update.products) expanded.
  returned: always
  type: dict
  sample: {id: bpc_1i5vHsPKgpRphNt9eqnO7w5J, object: billing_portal.configuration, active: true, is_default: false}
id:
  description: Id of the configuration (null in check mode before it exists).
  returned: always
  type: str
  sample: bpc_1i5vHsPKgpRphNt9eqnO7w5J
livemode:
  description: Whether the key is a live-mode key.
  returned: always
  type: bool
api_requests:
  description: How many HTTP requests the task sent to Stripe.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import stripe_billing_portal as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
