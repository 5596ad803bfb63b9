#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stripe_product
short_description: Manage a Stripe product
version_added: 0.1.0
description:
  - Create, update, archive or delete a Stripe product, found by its id or by a metadata marker.
  - With O(id), the product is read directly (one request) and created with that id; Stripe keeps product ids
    unique. With O(key), every product is listed and the one whose metadata C(railstack_key) is O(key) is used.
  - O(state=absent) deletes the product when it has no prices. Stripe keeps prices forever, so a product with
    prices is archived (C(active=false)) instead, with a warning.
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  id:
    description:
      - Id of the product, such as V(prela_pro). A new product gets this id.
      - Exactly one of O(id) and O(key) is required.
    type: str
  key:
    description:
      - Finds the product by its metadata C(railstack_key); a new product gets a Stripe-made id and this marker.
    type: str
  name:
    description:
      - Name shown to customers. Required to create the product; left as it is when not set.
    type: str
  description:
    description:
      - Description of the product. An empty string removes it. Left as it is when not set.
    type: str
  active:
    description:
      - Whether the product can be bought. Left as it is when not set (a new product is active).
    type: bool
  marketing_features:
    description:
      - Names of the features shown in pricing tables, in order (at most 15). An empty list removes them all. Left
        as they are when not set.
    type: list
    elements: str
  state:
    description:
      - V(present) creates or updates the product; V(absent) deletes it, or archives it when it has prices.
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
- name: The Pro plan
  railstack.platform.stripe_product:
    id: prela_pro
    name: Prela Pro
    description: Unlimited traces and 90 days of history
    marketing_features: [Unlimited traces, 90-day retention, Priority support]
    metadata:
      plan: pro

- name: A product found by its marker instead of a fixed id
  railstack.platform.stripe_product:
    key: lunch-money
    name: Lunch Money
"""

RETURN = r"""
product:
  description: The product as Stripe has it after the run (planned values in check mode); empty when deleted.
  returned: always
  type: dict
  sample:
    id: prela_pro
    object: product
    name: Prela Pro
    active: true
    marketing_features: [{name: Unlimited traces}]
    metadata: {plan: pro}
    livemode: false
id:
  description: Id of the product (null in check mode before a product found by O(key) exists).
  returned: always
  type: str
  sample: prela_pro
livemode:
  description: Whether the key is a live-mode key.
  returned: always
  type: bool
api_requests:
  description: How many HTTP requests the task sent to Stripe.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import stripe_product as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
