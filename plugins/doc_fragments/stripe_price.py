# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.doc_fragments.stripe import ModuleDocFragment as StripeDocFragment
from ansible_collections.railstack.platform.plugins.plugin_utils.doc_sections import suboptions


class ModuleDocFragment:
    # The options of one Stripe price: stripe_price's own but state and metadata (the stripe.METADATA fragment).
    # Keep in sync with PRICE_OPTIONS in plugins/module_utils/stripe_price_plans.py
    # (tests/unit/plugins/test_module_docs.py compares them).
    DOCUMENTATION = r"""
options:
  lookup_key:
    description:
      - The lookup key that finds the price (up to 200 characters), unique in the Stripe account.
    type: str
    required: true
  product:
    description:
      - Id of the product the price belongs to. Needed for a price that is not archived.
    type: str
  currency:
    description:
      - Three-letter ISO currency code in lower case, such as V(usd). Needed for a price that is not archived.
    type: str
  unit_amount:
    description:
      - Amount in the currency's smallest unit (cents for V(usd)). Needed for a price that is not archived.
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
"""


# Derived, not written again (ansible-test's yamllint reads only literal class attributes; this is built from them):
# stripe_prices documents O(prices) itself (description, type) and takes its suboptions from ITEMS, since Ansible
# merges a fragment's option into the module's option of the same name key by key.
ModuleDocFragment.ITEMS = suboptions("prices", ModuleDocFragment.DOCUMENTATION, StripeDocFragment.METADATA, elements=True)
