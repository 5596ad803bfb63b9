# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stripe_price: a Stripe price, found by its lookup_key.

Stripe never changes a price's product, amount, currency or recurring terms, nor its tax behaviour once set.
A change to any of them creates a new price that takes the lookup key over (transfer_lookup_key), then
archives the old one (which existing subscriptions keep). If the old price was its product's default price,
the new one becomes the default first, since Stripe cannot archive a default price. Prices cannot be
deleted: absent archives.
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, converge
from ansible_collections.railstack.platform.plugins.module_utils.stripe import (
    archival, stripe_argument_spec, stripe_task)
from ansible_collections.railstack.platform.plugins.module_utils.stripe_price_plans import (
    PATH, PRICE_OPTIONS, check_price, find_price, price_create, price_update, price_view)

ARGUMENT_SPEC = dict(
    stripe_argument_spec(),
    **PRICE_OPTIONS,
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


@stripe_task
def run(ctx, client):
    params = ctx.params
    check_price(params)
    return converge(ctx, SingleObject(
        find=lambda: find_price(client, params["lookup_key"]), view=price_view,
        result=lambda before, after: dict(price=after or {}, id=after["id"] if after else None),
        create=lambda: price_create(ctx, client, params),
        update=lambda current: price_update(ctx, client, params, current),
        remove=lambda current: archival(client, PATH, current) if current.get("active") else None,
        present_values=dict(replaced=False)))
