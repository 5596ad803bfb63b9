#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stripe_meter
short_description: Manage a Stripe billing meter for usage-based billing
version_added: 0.1.0
description:
  - Create, update, replace, deactivate or reactivate a Stripe billing meter, found by its O(event_name).
  - Stripe changes only a meter's O(display_name). When another setting changes, the module deactivates the meter
    and creates a new one for the same event name (Stripe allows one active meter per event name), with a warning;
    metered prices must then use the new meter's RV(id) (see M(railstack.platform.stripe_price)).
  - Meters cannot be deleted; O(state=absent) deactivates the meter, and O(state=present) reactivates a deactivated
    meter whose settings match.
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  event_name:
    description:
      - Name of the meter events the meter counts, such as V(trace_ingested) (at most 100 characters).
    type: str
    required: true
  display_name:
    description:
      - Name of the meter in the Dashboard and on invoices. Required when O(state=present).
    type: str
  default_aggregation:
    description:
      - How events are added up in a billing period. Required when O(state=present).
    type: dict
    suboptions:
      formula:
        description:
          - V(sum) of the event values, V(count) of events, or the V(last) value.
        type: str
        required: true
        choices: [count, sum, last]
  customer_mapping:
    description:
      - Where in an event the Stripe customer id is. Stripe's default is C(stripe_customer_id).
    type: dict
    suboptions:
      event_payload_key:
        description:
          - Key of the event payload that holds the customer id.
        type: str
        required: true
      type:
        description:
          - How the customer is found.
        type: str
        choices: [by_id]
        default: by_id
  value_settings:
    description:
      - Where in an event the value is. Stripe's default is C(value).
    type: dict
    suboptions:
      event_payload_key:
        description:
          - Key of the event payload that holds the value.
        type: str
        required: true
  event_time_window:
    description:
      - Pre-aggregation window of events, for dashboards. Not set means none.
    type: str
    choices: [day, hour]
  state:
    description:
      - V(present) creates, updates, replaces or reactivates the meter; V(absent) deactivates it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
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
"""

EXAMPLES = r"""
- name: Traces ingested, summed per month
  railstack.platform.stripe_meter:
    event_name: trace_ingested
    display_name: Traces ingested
    default_aggregation: {formula: sum}
    value_settings: {event_payload_key: traces}
  register: traces_meter

- name: A metered price on it
  railstack.platform.stripe_price:
    lookup_key: traces_metered
    product: prela_pro
    currency: usd
    unit_amount: 1
    recurring: {interval: month, usage_type: metered, meter: "{{ traces_meter.id }}"}
"""

RETURN = r"""
meter:
  description: The meter as Stripe has it after the run (planned values in check mode).
  returned: always
  type: dict
  sample: {id: mtr_1E0vHQrM8UU9ayn3KmviPa4N, object: billing.meter, event_name: trace_ingested, status: active}
id:
  description: Id of the meter (null in check mode before it exists).
  returned: always
  type: str
  sample: mtr_1E0vHQrM8UU9ayn3KmviPa4N
replaced:
  description: Whether a new meter replaced (or in check mode would replace) the old one.
  returned: when state is present
  type: bool
previous_id:
  description: Id of the deactivated meter, when this run replaced it (in check mode, the meter it would deactivate).
  returned: when the meter was replaced
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

from ansible_collections.railstack.platform.plugins.module_utils import stripe_meter as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
