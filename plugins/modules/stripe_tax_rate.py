#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stripe_tax_rate
short_description: Manage a Stripe tax rate
version_added: 0.1.0
description:
  - Create, update, replace or archive a Stripe tax rate, found by the metadata marker C(railstack_key=<key>)
    (tax rates have no custom id and no search, so every rate is listed).
  - Stripe never changes a rate's O(percentage) or O(inclusive). A change creates a new rate with the marker and
    archives the old one, with a warning; subscriptions that use the old rate keep it.
  - Tax rates cannot be deleted; O(state=absent) archives the rate.
  - With Stripe Tax (automatic tax), manual tax rates are not needed.
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  key:
    description:
      - Names the rate among those this collection manages; stored as metadata C(railstack_key).
    type: str
    required: true
  display_name:
    description:
      - Name shown on invoices, such as V(VAT). Required when O(state=present).
    type: str
  percentage:
    description:
      - The rate in percent, from 0 to 100. Required when O(state=present).
    type: float
  inclusive:
    description:
      - Whether prices include the tax. Required when O(state=present).
    type: bool
  description:
    description:
      - Description for the Dashboard. Left as it is when not set.
    type: str
  jurisdiction:
    description:
      - Jurisdiction shown on invoices. Left as it is when not set.
    type: str
  country:
    description:
      - Two-letter ISO country code in capitals, such as V(DE). Left as it is when not set.
    type: str
  state_code:
    description:
      - Stripe's C(state) field, an ISO 3166-2 subdivision code without the country prefix, such as V(NY). Left as
        it is when not set.
    type: str
  tax_type:
    description:
      - Kind of tax. Left as it is when not set.
    type: str
    choices: [admissions_tax, amusement_tax, attendance_tax, communications_tax, digital_excise_tax, entertainment_tax,
              get_fund, gross_receipts_tax, gst, hospitality_tax, hst, igst, jct, lease_tax, luxury_tax,
              mass_transit_parking_tax, nhil, parking_tax, pst, qst, resort_tax, retail_delivery_fee, rst, sales_tax,
              service_tax, tourism_tax, utility_users_tax, vat]
  state:
    description:
      - V(present) creates, updates or replaces the rate; V(absent) archives it.
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
"""

EXAMPLES = r"""
- name: German VAT, exclusive
  railstack.platform.stripe_tax_rate:
    key: vat-de
    display_name: VAT
    percentage: 19
    inclusive: false
    country: DE
    tax_type: vat
"""

RETURN = r"""
tax_rate:
  description: The tax rate as Stripe has it after the run (planned values in check mode).
  returned: always
  type: dict
  sample: {id: txr_1bPp4ni9WcVTtj7vl9xRt9Kb, object: tax_rate, display_name: VAT, percentage: 19.0, inclusive: false}
id:
  description: Id of the tax rate (null in check mode before it exists).
  returned: always
  type: str
  sample: txr_1bPp4ni9WcVTtj7vl9xRt9Kb
replaced:
  description: Whether a new rate replaced (or in check mode would replace) the old one.
  returned: when state is present
  type: bool
previous_id:
  description: Id of the archived rate, when this run replaced it (in check mode, the rate it would archive).
  returned: when the rate was replaced
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

from ansible_collections.railstack.platform.plugins.module_utils import stripe_tax_rate as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
