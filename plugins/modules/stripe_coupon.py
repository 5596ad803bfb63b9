#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stripe_coupon
short_description: Manage a Stripe coupon
version_added: 0.1.0
description:
  - Create, update, recreate or delete a Stripe coupon, found by its O(id).
  - Stripe changes only a coupon's O(name) and O(metadata). When another term changes, the module deletes the
    coupon and creates it again with the same id, with a warning; customers who already applied it keep their
    discount.
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  id:
    description:
      - Id of the coupon, such as V(LAUNCH20).
    type: str
    required: true
  name:
    description:
      - Name shown to customers (at most 40 characters). An empty string removes it. Left as it is when not set.
    type: str
  percent_off:
    description:
      - Percentage taken off (more than 0, at most 100). One of O(percent_off) and O(amount_off) is required when
        O(state=present).
    type: float
  amount_off:
    description:
      - Amount taken off, in the smallest unit of O(currency).
    type: int
  currency:
    description:
      - Three-letter ISO currency code in lower case; goes with O(amount_off).
    type: str
  duration:
    description:
      - How long the discount applies to a subscription.
    type: str
    choices: [once, repeating, forever]
    default: once
  duration_in_months:
    description:
      - Number of months the discount applies, with O(duration=repeating).
    type: int
  max_redemptions:
    description:
      - How many times the coupon can be redeemed in all. Not set means no limit.
    type: int
  redeem_by:
    description:
      - Unix time after which the coupon can no longer be redeemed (at most 5 years ahead).
    type: int
  applies_to_products:
    description:
      - Ids of the products the coupon is limited to. Not set means every product.
    type: list
    elements: str
  state:
    description:
      - V(present) creates, updates or recreates the coupon; V(absent) deletes it.
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
- name: 20% off the first three months of Pro
  railstack.platform.stripe_coupon:
    id: LAUNCH20
    name: Launch offer
    percent_off: 20
    duration: repeating
    duration_in_months: 3
    applies_to_products: [prela_pro]
"""

RETURN = r"""
coupon:
  description: The coupon as Stripe has it after the run (planned values in check mode); empty when absent.
  returned: always
  type: dict
  sample: {id: LAUNCH20, object: coupon, percent_off: 20.0, duration: repeating, duration_in_months: 3, valid: true}
id:
  description: Id of the coupon.
  returned: always
  type: str
  sample: LAUNCH20
replaced:
  description: Whether the coupon was (or in check mode would be) deleted and created again.
  returned: when state is present
  type: bool
livemode:
  description: Whether the key is a live-mode key.
  returned: always
  type: bool
api_requests:
  description: How many HTTP requests the task sent to Stripe.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import stripe_coupon as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
