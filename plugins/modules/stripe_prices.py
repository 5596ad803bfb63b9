#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stripe_prices
short_description: Manage many Stripe prices by their lookup keys, read at once
version_added: 0.1.0
description:
  - Create, update or replace every price of O(prices), each as M(railstack.platform.stripe_price) does one, with the
    same messages and warnings.
  - The prices are read at once, not one by one, by their lookup keys (one list request per ten keys, Stripe's limit
    on C(lookup_keys)); the archived prices of the keys no active price holds are read at once as well. Writes are
    sent only for the prices that differ. A second run sends no write.
  - Stripe never changes a price's C(product), C(currency), C(unit_amount) or C(recurring) terms, and sets
    C(tax_behavior) only once. When one of them changes, a new price takes the lookup key over (Stripe's
    C(transfer_lookup_key)), becomes the product's default price if the old one was, and the old price is archived.
    Existing subscriptions keep the old price. An archived price that holds a lookup key is made active again.
  - Every price is checked before any request; a failure names the price (C(prices[<index>] (<lookup key>))).
  - Returns RV(ids), each lookup key's price id, the values an app reads from variables such as C(STRIPE_PRO_PRICE_ID).
  - To archive prices, use M(railstack.platform.stripe_price) with
    O(railstack.platform.stripe_price#module:state=absent).
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  prices:
    description:
      - The prices, each as M(railstack.platform.stripe_price) takes one, each lookup key once. An empty list sends
        no request.
      - An option of a price given as null is not set, so the prices of M(railstack.platform.stack_check)'s plan
        (which holds every option, null when not set) can be given whole.
    type: list
    elements: dict
    required: true
extends_documentation_fragment:
  - railstack.platform.stripe_price.ITEMS
  - railstack.platform.stripe
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
- name: The prices of the plans
  railstack.platform.stripe_prices:
    prices:
      - lookup_key: pro_monthly
        product: prela_pro
        currency: usd
        unit_amount: 2900
        recurring:
          interval: month
        tax_behavior: exclusive
      - lookup_key: pro_yearly
        product: prela_pro
        currency: usd
        unit_amount: 29000
        recurring:
          interval: year
  register: plan_prices

- name: The app reads the price ids from variables
  ansible.builtin.debug:
    msg: "STRIPE_PRO_PRICE_ID={{ plan_prices.ids.pro_monthly }}"
"""

RETURN = r"""
prices:
  description:
    - One result per price, in the order of O(prices), as M(railstack.platform.stripe_price) returns it, with the
      lookup key and whether it changed.
  returned: always
  type: list
  elements: dict
  contains:
    lookup_key:
      description: The price's lookup key.
      type: str
    price:
      description: The price as Stripe has it after the run (planned values in check mode).
      type: dict
    id:
      description: Id of the price holding the lookup key (null in check mode before it exists).
      type: str
    changed:
      description: Whether the price was (or in check mode would be) created, updated or replaced.
      type: bool
    replaced:
      description: Whether a new price replaced (or would replace) the one that held the lookup key.
      type: bool
    previous_id:
      description: Id of the price that held the lookup key before, when the price was created or replaced.
      type: str
      returned: when a price was created or replaced
  sample:
    - lookup_key: pro_monthly
      id: price_1Jd1EWN4grJnwwzeUYuUKE4V
      changed: false
      replaced: false
      price: {id: price_1Jd1EWN4grJnwwzeUYuUKE4V, lookup_key: pro_monthly, unit_amount: 2900, currency: usd}
ids:
  description: Each lookup key's price id (null in check mode for a price not made yet).
  returned: always
  type: dict
  sample: {pro_monthly: price_1Jd1EWN4grJnwwzeUYuUKE4V, pro_yearly: price_1Jd1EWN4grJnwwzeQ2Zt0bH8}
livemode:
  description: Whether the key is a live-mode key.
  returned: always
  type: bool
api_requests:
  description: How many HTTP requests the task sent to Stripe.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import stripe_prices as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
