#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stripe_price
short_description: Manage a Stripe price by its lookup key
version_added: 0.1.0
description:
  - Create, update, replace or archive a Stripe price, found by its O(lookup_key).
  - Stripe never changes a price's O(product), O(currency), O(unit_amount) or O(recurring) terms, and sets
    O(tax_behavior) only once. When one of them changes, the module creates a new price that takes the lookup key
    over (Stripe's C(transfer_lookup_key)), makes it the product's default price if the old one was, and archives
    the old price. Existing subscriptions keep the old price.
  - Prices cannot be deleted; O(state=absent) archives the price.
  - Returns the price's RV(id), the value an app reads from a variable such as C(STRIPE_PRO_PRICE_ID).
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  lookup_key:
    description:
      - The lookup key that finds the price (up to 200 characters), unique in the Stripe account.
    type: str
    required: true
  product:
    description:
      - Id of the product the price belongs to. Required when O(state=present).
    type: str
  currency:
    description:
      - Three-letter ISO currency code in lower case, such as V(usd). Required when O(state=present).
    type: str
  unit_amount:
    description:
      - Amount in the currency's smallest unit (cents for V(usd)). Required when O(state=present).
    type: int
  recurring:
    description:
      - Billing period of a subscription price. Not set for a one-time price.
    type: dict
    suboptions:
      interval:
        description:
          - Unit of the billing period.
        type: str
        required: true
        choices: [day, week, month, year]
      interval_count:
        description:
          - Number of intervals in one period (at most 3 years).
        type: int
        default: 1
      usage_type:
        description:
          - V(metered) bills the usage a billing meter records; V(licensed) bills a quantity.
        type: str
        choices: [licensed, metered]
        default: licensed
      meter:
        description:
          - Id of the billing meter of a metered price (see M(railstack.platform.stripe_meter)).
        type: str
  tax_behavior:
    description:
      - Whether the amount includes tax. Stripe lets it change only from V(unspecified); another change replaces
        the price. Left as it is when not set.
    type: str
    choices: [inclusive, exclusive, unspecified]
  nickname:
    description:
      - Name of the price shown in the Dashboard only. Left as it is when not set.
    type: str
  state:
    description:
      - V(present) creates, updates or replaces the price; V(absent) archives it.
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
  - module: railstack.platform.stripe_product
"""

EXAMPLES = r"""
- name: Pro, monthly
  railstack.platform.stripe_price:
    lookup_key: pro_monthly
    product: prela_pro
    currency: usd
    unit_amount: 2900
    recurring:
      interval: month
    tax_behavior: exclusive
  register: pro_price

- name: The app reads the price id from a variable
  ansible.builtin.debug:
    msg: "STRIPE_PRO_PRICE_ID={{ pro_price.id }}"
"""

RETURN = r"""
price:
  description: The price as Stripe has it after the run (planned values in check mode).
  returned: always
  type: dict
  sample:
    id: price_1Jd1EWN4grJnwwzeUYuUKE4V
    object: price
    lookup_key: pro_monthly
    product: prela_pro
    currency: usd
    unit_amount: 2900
    recurring: {interval: month, interval_count: 1, usage_type: licensed, meter: null}
    active: true
id:
  description: Id of the price holding the lookup key (null in check mode before it exists).
  returned: always
  type: str
  sample: price_1Jd1EWN4grJnwwzeUYuUKE4V
replaced:
  description: Whether a new price replaced (or in check mode would replace) the one that held the lookup key.
  returned: when state is present
  type: bool
previous_id:
  description: Id of the price that held the lookup key before, when the price was created or replaced.
  returned: when a price was created or replaced
  type: str
livemode:
  description: Whether the key is a live-mode key.
  returned: always
  type: bool
api_requests:
  description: How many HTTP requests the task sent to Stripe.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import stripe_price as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
