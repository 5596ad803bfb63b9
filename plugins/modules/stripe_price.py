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
  state:
    description:
      - V(present) creates, updates or replaces the price; V(absent) archives it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - railstack.platform.stripe_price
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
