# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""What stripe_price and stripe_prices share: a price's options, checks, and the writes that converge it.

Stripe never changes a price's product, amount, currency or recurring terms, nor its tax behaviour once set.
A change to any of them creates a new price that takes the lookup key over (transfer_lookup_key), then
archives the old one (which existing subscriptions keep). If the old price was its product's default price,
the new one becomes the default first, since Stripe cannot archive a default price. Prices cannot be
deleted: absent archives.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.railstack.platform.plugins.module_utils._resource import Write
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.stripe import (
    StripeClient, archival, check_currency, check_metadata, create_metadata, merged_metadata, metadata_changes)

PATH = "/prices"
INTERVALS = ["day", "week", "month", "year"]
MAX_INTERVAL_COUNT = dict(day=1095, week=156, month=36, year=3)
LOOKUP_KEYS_PER_REQUEST = 10      # Stripe's limit on lookup_keys[] in one list request

# What one price takes (stripe_price's options but state and the credentials; stripe_prices' prices[] items).
PRICE_OPTIONS: dict[str, Any] = dict(
    lookup_key=dict(type="str", required=True, no_log=False),
    product=dict(type="str"),
    currency=dict(type="str"),
    unit_amount=dict(type="int"),
    recurring=dict(type="dict", options=dict(
        interval=dict(type="str", required=True, choices=INTERVALS),
        interval_count=dict(type="int", default=1),
        usage_type=dict(type="str", default="licensed", choices=["licensed", "metered"]),
        meter=dict(type="str"),
    )),
    tax_behavior=dict(type="str", choices=["inclusive", "exclusive", "unspecified"]),
    nickname=dict(type="str"),
    metadata=dict(type="dict"),
)


def check_price(params):
    key = params["lookup_key"]
    if not key.strip() or len(key) > 200:
        raise TaskFailed("lookup_key: must be 1 to 200 characters.")
    if params["state"] == "absent":
        return
    for option in ("product", "currency", "unit_amount"):
        if params[option] is None:
            raise TaskFailed("%s: needed for a price (state: present)." % option)
    check_currency(params["currency"])
    if params["unit_amount"] < 0:
        raise TaskFailed("unit_amount: must be 0 or more (in the currency's smallest unit, such as cents).")
    recurring = params["recurring"]
    if recurring:
        if not 1 <= recurring["interval_count"] <= MAX_INTERVAL_COUNT[recurring["interval"]]:
            raise TaskFailed("recurring.interval_count: must be 1 to %d for interval %s (Stripe's limit is 3 years)."
                             % (MAX_INTERVAL_COUNT[recurring["interval"]], recurring["interval"]))
        if (recurring["usage_type"] == "metered") != bool(recurring["meter"]):
            raise TaskFailed("recurring.meter: a metered price needs the id of its billing meter, and only a metered "
                             "price takes one.")
    check_metadata(params["metadata"])


def find_price(client, key):
    """The price holding the lookup key: active first, else an archived one (Stripe lists only active by default)."""
    for active in (True, False):
        found = client.list_page(PATH, {"lookup_keys": [key], "active": active})["data"]
        if found:
            return found[0]
    return None


def _terms(params):
    """The fixed terms of the desired price, in the shape Stripe shows them."""
    recurring = params["recurring"]
    return dict(product=params["product"], currency=params["currency"], unit_amount=params["unit_amount"],
                recurring=None if not recurring else dict(
                    interval=recurring["interval"], interval_count=recurring["interval_count"],
                    usage_type=recurring["usage_type"], meter=recurring["meter"]))


def _current_terms(price):
    recurring = price.get("recurring")
    product = price.get("product")
    return dict(product=product["id"] if isinstance(product, dict) else product, currency=price.get("currency"),
                unit_amount=price.get("unit_amount"),
                recurring=None if not recurring else dict(
                    interval=recurring.get("interval"), interval_count=recurring.get("interval_count"),
                    usage_type=recurring.get("usage_type"), meter=recurring.get("meter")))


def replace_reasons(params, current):
    """Why the price holding the key must be replaced (its fixed terms change); empty when it need not."""
    desired, actual = _terms(params), _current_terms(current)
    reasons = ["%s changes" % field for field in ("product", "currency", "unit_amount", "recurring")
               if desired[field] != actual[field]]
    wanted_tax = params["tax_behavior"]
    if wanted_tax and current.get("tax_behavior") not in (None, "unspecified", wanted_tax):
        reasons.append("tax_behavior is set once")
    return reasons


def price_view(price):
    if not price:
        return {}
    return dict(_current_terms(price), lookup_key=price.get("lookup_key"), active=price.get("active"),
                tax_behavior=price.get("tax_behavior"), nickname=price.get("nickname"),
                metadata=dict(price.get("metadata") or {}))


def _updates(params, current):
    update = {}
    if not current.get("active"):
        update["active"] = True
    if params["nickname"] is not None and (current.get("nickname") or "") != params["nickname"]:
        update["nickname"] = params["nickname"]
    if params["tax_behavior"] and current.get("tax_behavior") != params["tax_behavior"]:
        update["tax_behavior"] = params["tax_behavior"]
    metadata = metadata_changes(current.get("metadata"), params["metadata"])
    if metadata:
        update["metadata"] = metadata
    return update


def _create_params(params):
    terms = _terms(params)
    if terms["recurring"] and not terms["recurring"]["meter"]:
        del terms["recurring"]["meter"]
    return dict(terms, lookup_key=params["lookup_key"], transfer_lookup_key=True, tax_behavior=params["tax_behavior"],
                nickname=params["nickname"] or None,
                metadata=create_metadata(params["metadata"]))


def _take_default_over(client, current, created):
    """The new price becomes its product's default if the old one was (Stripe cannot archive a default price)."""
    old_product = client.get("/products/%s" % _current_terms(current)["product"])
    if old_product.get("default_price") != current["id"]:
        return
    if old_product["id"] != created["product"]:
        raise TaskFailed("product: the new price %s belongs to another product, and the old price %s stays "
                         "active because it is the default price of %s; choose another default price for "
                         "%s, then run again." % (created["id"], current["id"], old_product["id"],
                                                  old_product["id"]), changed=True)
    client.post("/products/%s" % old_product["id"], dict(default_price=created["id"]))


def price_create(ctx, client, params, current=None, reasons=()):
    """Create the price; with reasons (its fixed terms change) it replaces current, which is archived."""
    create = _create_params(params)
    planned = dict(create, id=None, object="price", active=True, livemode=client.livemode,
                   tax_behavior=params["tax_behavior"] or "unspecified", metadata=create["metadata"] or {})
    planned.pop("transfer_lookup_key")
    if reasons and ctx.check_mode:
        ctx.warn("price %s would be replaced by a new price (%s) and archived." % (current["id"], "; ".join(reasons)))

    def apply():
        created = client.post(PATH, create)
        if reasons and current.get("active"):
            _take_default_over(client, current, created)
            archival(client, PATH, current).apply()
        if reasons:
            ctx.warn("price %s was replaced by %s (%s) and archived; existing subscriptions keep the old price."
                     % (current["id"], created["id"], "; ".join(reasons)))
        return created

    return Write(planned, apply, dict(replaced=bool(reasons), previous_id=current["id"] if current else None))


def price_update(ctx, client, params, current):
    reasons = replace_reasons(params, current)
    if reasons:
        return price_create(ctx, client, params, current, reasons)
    update = _updates(params, current)
    if not update:
        return None
    after = dict(current, **{k: v for k, v in update.items() if k != "metadata"})
    after["metadata"] = merged_metadata(current.get("metadata"), params["metadata"])
    return Write(after, lambda: client.post("%s/%s" % (PATH, current["id"]), update))


def prices_by_lookup_key(
    client: StripeClient, keys: list[str], active: bool = True, expand: tuple[str, ...] = ()
) -> dict[str, dict]:
    """{lookup key: the price holding it} for every key that one has, among active (or archived) prices: one list
    request per ten keys (Stripe's limit on lookup_keys), each paged; `expand` as Stripe's expand[]."""
    found: dict[str, dict] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), LOOKUP_KEYS_PER_REQUEST):
        query: dict = {"lookup_keys": unique[start:start + LOOKUP_KEYS_PER_REQUEST], "active": active}
        if expand:
            query["expand"] = list(expand)
        for price in client.list_all(PATH, query):
            found.setdefault(price.get("lookup_key"), price)
    return found
