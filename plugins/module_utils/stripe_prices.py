# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stripe_prices: many Stripe prices, found by their lookup keys with one list request per ten keys.

Each price converges as stripe_price converges one (stripe_price_plans holds what both do): a change of its
fixed terms makes a new price that takes the lookup key over and archives the old one; an archived price holding
the key is made active again. The active prices of every key are read at once; the archived ones are read (at
once) only for the keys no active price holds.
"""

from __future__ import annotations

from typing import Any, Optional

from ansible_collections.railstack.platform.plugins.module_utils._resource import Write
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.stripe import (
    StripeClient, stripe_argument_spec, stripe_task)
from ansible_collections.railstack.platform.plugins.module_utils.stripe_price_plans import (
    PRICE_OPTIONS, check_price, price_create, price_update, price_view, prices_by_lookup_key)

ARGUMENT_SPEC = dict(
    stripe_argument_spec(),
    prices=dict(type="list", elements="dict", required=True, options=PRICE_OPTIONS),
)


def _item_params(ctx: TaskContext, price: dict) -> dict:
    """One price's options as stripe_price takes them (the task's credentials with them, state present)."""
    return dict(ctx.params, **price, state="present")


def _check_all(ctx: TaskContext) -> list[dict]:
    """Every price's options, checked before any request; a failure names the price."""
    items, seen = [], set()
    for index, price in enumerate(ctx.params["prices"]):
        params = _item_params(ctx, price)
        where = "prices[%d] (%s)" % (index, price.get("lookup_key"))
        if price["lookup_key"] in seen:
            raise TaskFailed("%s: lookup_key is given twice; a lookup key names one price." % where)
        seen.add(price["lookup_key"])
        try:
            check_price(params)
        except TaskFailed as exc:
            raise TaskFailed("%s: %s" % (where, exc.msg), **exc.extra) from None
        items.append(params)
    return items


def _current(client: StripeClient, keys: list[str]) -> dict[str, dict]:
    """{lookup key: the price holding it}: active ones first, archived ones only for the keys left."""
    found = prices_by_lookup_key(client, keys, active=True)
    missing = [key for key in keys if key not in found]
    if missing:
        found.update(prices_by_lookup_key(client, missing, active=False))
    return found


def _converge_one(ctx: TaskContext, client: StripeClient, params: dict, current: Optional[dict]) -> tuple[dict, dict]:
    """stripe_price's result for one price (price, id, replaced, previous_id, changed) and its diff hunk."""
    write: Optional[Write] = (price_create(ctx, client, params) if current is None
                              else price_update(ctx, client, params, current))
    values: dict[str, Any] = dict(replaced=False)
    after = current
    if write is not None:
        values.update(write.values)
        try:
            after = write.preview if ctx.check_mode else write.apply()
        except TaskFailed as exc:
            raise TaskFailed("prices[%s]: %s" % (params["lookup_key"], exc.msg), **exc.extra) from None
    key = params["lookup_key"]
    hunk = dict(before=price_view(current) if current else {}, after=price_view(after) if after else {},
                before_header="price %s" % key, after_header="price %s" % key)
    return dict(lookup_key=key, price=after or {}, id=after["id"] if after else None, changed=write is not None,
                **values), hunk


@stripe_task
def run(ctx: TaskContext, client: StripeClient) -> dict[str, Any]:
    items = _check_all(ctx)
    current = _current(client, [params["lookup_key"] for params in items]) if items else {}
    results, hunks = [], []
    for params in items:
        result, hunk = _converge_one(ctx, client, params, current.get(params["lookup_key"]))
        results.append(result)
        if result["changed"]:
            hunks.append(hunk)
    return ctx.result(changed=any(r["changed"] for r in results), diff=hunks, prices=results,
                      ids={r["lookup_key"]: r["id"] for r in results})
