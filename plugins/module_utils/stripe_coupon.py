# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stripe_coupon: a Stripe coupon, found by its id (the code customers may see).

Stripe changes only a coupon's name and metadata; any other term changes by deleting the coupon and creating it
again with the same id (customers who already applied it keep their discount). Absent deletes it.
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, Write, converge, deletion
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.stripe import (
    check_currency, check_metadata, create_metadata, merged_metadata, metadata_changes, stripe_argument_spec,
    stripe_task)

PATH = "/coupons"
TERMS = ("percent_off", "amount_off", "currency", "duration", "duration_in_months", "max_redemptions", "redeem_by",
         "applies_to_products")

ARGUMENT_SPEC = dict(
    stripe_argument_spec(),
    id=dict(type="str", required=True),
    name=dict(type="str"),
    percent_off=dict(type="float"),
    amount_off=dict(type="int"),
    currency=dict(type="str"),
    duration=dict(type="str", default="once", choices=["once", "repeating", "forever"]),
    duration_in_months=dict(type="int"),
    max_redemptions=dict(type="int"),
    redeem_by=dict(type="int"),
    applies_to_products=dict(type="list", elements="str"),
    metadata=dict(type="dict"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)
MODULE_KWARGS = dict(mutually_exclusive=[("percent_off", "amount_off")])


def _check(params):
    if not params["id"].strip():
        raise TaskFailed("id: must not be empty.")
    if params["state"] == "absent":
        return
    if params["percent_off"] is None and params["amount_off"] is None:
        raise TaskFailed("percent_off: one of percent_off and amount_off is needed.")
    if params["percent_off"] is not None and not 0 < params["percent_off"] <= 100:
        raise TaskFailed("percent_off: must be more than 0 and at most 100.")
    if params["amount_off"] is not None:
        if params["amount_off"] < 1:
            raise TaskFailed("amount_off: must be at least 1 (in the currency's smallest unit).")
        if not params["currency"]:
            raise TaskFailed("currency: needed with amount_off.")
    elif params["currency"]:
        raise TaskFailed("currency: only goes with amount_off.")
    check_currency(params["currency"])
    if (params["duration"] == "repeating") != (params["duration_in_months"] is not None):
        raise TaskFailed("duration_in_months: needed with duration repeating, and only with it.")
    if params["max_redemptions"] is not None and params["max_redemptions"] < 1:
        raise TaskFailed("max_redemptions: must be at least 1.")
    if params["name"] is not None and len(params["name"]) > 40:
        raise TaskFailed("name: at most 40 characters.")
    check_metadata(params["metadata"])


def _terms(coupon):
    """The fixed terms of a coupon as Stripe shows it (read with expand[]=applies_to)."""
    applies_to = coupon.get("applies_to") or {}
    return dict(percent_off=coupon.get("percent_off"), amount_off=coupon.get("amount_off"),
                currency=coupon.get("currency"), duration=coupon.get("duration"),
                duration_in_months=coupon.get("duration_in_months"), max_redemptions=coupon.get("max_redemptions"),
                redeem_by=coupon.get("redeem_by"), applies_to_products=sorted(applies_to.get("products") or []) or None)


def _desired_terms(params):
    terms = {k: params[k] for k in TERMS}
    terms["applies_to_products"] = sorted(params["applies_to_products"] or []) or None
    return terms


def _view(coupon):
    if not coupon:
        return {}
    return dict(_terms(coupon), name=coupon.get("name"), metadata=dict(coupon.get("metadata") or {}))


def _create_params(params):
    create = {k: params[k] for k in TERMS if k != "applies_to_products"}
    create.update(id=params["id"], name=params["name"] or None,
                  metadata=create_metadata(params["metadata"]),
                  applies_to=dict(products=params["applies_to_products"]) if params["applies_to_products"] else None)
    return create


def _create(ctx, client, params, changed_terms=()):
    """Create the coupon; with changed_terms, the one with this id is deleted first (Stripe cannot change them)."""
    path = "%s/%s" % (PATH, params["id"])
    create = _create_params(params)
    planned = dict(create, object="coupon", livemode=client.livemode, metadata=create["metadata"] or {},
                   applies_to=create["applies_to"], valid=True)
    if changed_terms:
        ctx.warn("coupon %s %s deleted and created again (%s change); customers who applied it keep their discount."
                 % (params["id"], "would be" if ctx.check_mode else "was", ", ".join(changed_terms)))

    def apply():
        if changed_terms:
            client.delete(path)
        return client.post(PATH, dict(create, expand=["applies_to"]))

    return Write(planned, apply, dict(replaced=bool(changed_terms)))


def _update(ctx, client, params, current):
    changed_terms = [k for k, v in _desired_terms(params).items() if _terms(current)[k] != v]
    if changed_terms:
        return _create(ctx, client, params, changed_terms)
    update = {}
    if params["name"] is not None and (current.get("name") or "") != params["name"]:
        update["name"] = params["name"]
    metadata = metadata_changes(current.get("metadata"), params["metadata"])
    if metadata:
        update["metadata"] = metadata
    if not update:
        return None
    after = dict(current, name=update.get("name", current.get("name")),
                 metadata=merged_metadata(current.get("metadata"), params["metadata"]))
    return Write(after, lambda: client.post("%s/%s" % (PATH, params["id"]), update))


def _result(before, after):
    coupon = after or before or {}   # a deleted coupon is shown as it was
    return dict(coupon=coupon, id=coupon.get("id"))


@stripe_task
def run(ctx, client):
    params = ctx.params
    _check(params)
    path = "%s/%s" % (PATH, params["id"])
    return converge(ctx, SingleObject(
        find=lambda: client.find(path, {"expand": ["applies_to"]}), view=_view, result=_result,
        create=lambda: _create(ctx, client, params), update=lambda current: _update(ctx, client, params, current),
        remove=lambda current: deletion(lambda: client.delete(path)),
        present_values=dict(replaced=False)))
