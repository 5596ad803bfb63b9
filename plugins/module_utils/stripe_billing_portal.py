# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stripe_billing_portal: a Stripe customer portal configuration, found by the metadata marker we own.

Every read and write asks for expand[]=features.subscription_update.products: Stripe leaves those products out
of its answers otherwise, and a diff would never settle. Configurations cannot be deleted: absent archives
(active=false), which Stripe refuses for the account's default configuration.
"""

from __future__ import annotations

import json

from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, Write, converge
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.stripe import (
    MARKER, archival, check_metadata, create_metadata, find_by_marker, merged_metadata, metadata_changes, pick_current,
    stripe_argument_spec, stripe_task)

PATH = "/billing_portal/configurations"
EXPAND = "features.subscription_update.products"
# The keys Stripe takes under `features` (stripe 16.1.0), checked before any request.
FEATURE_KEYS = {
    "customer_update": {"allowed_updates": None, "enabled": None},
    "invoice_history": {"enabled": None},
    "payment_method_update": {"enabled": None, "payment_method_configuration": None},
    "subscription_cancel": {"cancellation_reason": {"enabled": None, "options": None, "feedback_options": None},
                            "enabled": None, "mode": None, "proration_behavior": None},
    "subscription_pause": {"enabled": None, "duration": {"type": None, "interval_options": None}},
    "subscription_update": {"billing_cycle_anchor": None, "default_allowed_updates": None, "enabled": None,
                            "products": None, "proration_behavior": None, "schedule_at_period_end": {"conditions": None},
                            "trial_update_behavior": None},
}
PRODUCT_KEYS = {"product", "prices", "adjustable_quantity"}

ARGUMENT_SPEC = dict(
    stripe_argument_spec(),
    key=dict(type="str", default="default", no_log=False),
    features=dict(type="dict"),
    business_profile=dict(type="dict", options=dict(
        headline=dict(type="str"),
        privacy_policy_url=dict(type="str"),
        terms_of_service_url=dict(type="str"),
    )),
    default_return_url=dict(type="str"),
    login_page=dict(type="bool"),
    name=dict(type="str"),
    metadata=dict(type="dict"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def _check_keys(value, allowed, path):
    if not isinstance(value, dict):
        raise TaskFailed("%s: must be a dictionary." % path)
    for key, item in value.items():
        if key not in allowed:
            raise TaskFailed("%s: Stripe has no %r here (it takes %s)." % (path, key, ", ".join(sorted(allowed))))
        if isinstance(allowed[key], dict) and item is not None:
            _check_keys(item, allowed[key], "%s.%s" % (path, key))
    products = (value.get("products") if path == "features.subscription_update" else None) or []
    for index, product in enumerate(products):
        if not isinstance(product, dict) or not {"product", "prices"} <= set(product) or set(product) - PRODUCT_KEYS:
            raise TaskFailed("%s.products[%d]: needs product and prices (and may have adjustable_quantity)."
                             % (path, index))


def _check(params):
    if not params["key"].strip():
        raise TaskFailed("key: must not be empty.")
    if params["features"] is not None:
        _check_keys(params["features"], FEATURE_KEYS, "features")
    check_metadata(params["metadata"])


def _normal(value):
    """A value with list order made irrelevant (Stripe keeps the order it was given, people do not care)."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_normal(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _covers(current, desired):
    """Whether current already has everything desired names (keys not named are Stripe's or left alone)."""
    if isinstance(desired, dict):
        return isinstance(current, dict) and all(_covers(current.get(k), v) for k, v in desired.items())
    if isinstance(desired, list):
        if not isinstance(current, list) or len(current) != len(desired):
            return False
        remaining = list(current)
        for want in desired:
            match = next((have for have in remaining if _covers(_normal(have), _normal(want))), None)
            if match is None:
                return False
            remaining.remove(match)
        return True
    if desired in (None, ""):
        return current in (None, "", [])
    return current == desired


def _desired(params):
    """The configuration's settings this task names, in Stripe's shape (None: not named)."""
    return dict(features=params["features"], business_profile=params["business_profile"],
                default_return_url=params["default_return_url"],
                login_page=None if params["login_page"] is None else dict(enabled=params["login_page"]),
                name=params["name"])


def _desired_metadata(params):
    return dict(params["metadata"] or {}, **{MARKER: params["key"]})


def _updates(params, current):
    update = {}
    for field, value in _desired(params).items():
        if value is None:
            continue
        if field == "features":
            differing = {k: v for k, v in value.items() if not _covers((current.get("features") or {}).get(k), v)}
            if differing:
                update["features"] = differing
        elif field == "business_profile":
            value = {k: v for k, v in value.items() if v is not None}
            if value and not _covers(current.get(field), value):
                update[field] = value
        elif not _covers(current.get(field), value):
            update[field] = value
    if not current.get("active"):
        update["active"] = True
    metadata = metadata_changes(current.get("metadata"), _desired_metadata(params))
    if metadata:
        update["metadata"] = metadata
    return update


def _view(configuration):
    if not configuration:
        return {}
    fields = ("active", "features", "business_profile", "default_return_url", "login_page", "name", "metadata",
              "is_default")
    return {k: configuration.get(k) for k in fields}


def _planned(current, update):
    """current after update, for check mode (nested features merged)."""
    after = json.loads(json.dumps(current))
    for field, value in update.items():
        if field == "features":
            for name, settings in value.items():
                after.setdefault("features", {}).setdefault(name, {}).update(settings)
        elif field == "business_profile":
            after.setdefault(field, {}).update(value)
        elif field != "metadata":
            after[field] = value
    return after


def _find(client, params):
    ours = find_by_marker(client.list_all(PATH, {"expand": ["data." + EXPAND]}), params["key"])
    return pick_current(ours, lambda c: c.get("active"), "key", "portal configurations with this key")


def _remove(client, current):
    if not current.get("active"):
        return None
    if current.get("is_default"):
        raise TaskFailed("state: %s is the account's default portal configuration, which Stripe cannot archive."
                         % current["id"])
    return archival(client, PATH, current, expand=[EXPAND])


def _create(client, params):
    if not params["features"]:
        raise TaskFailed("features: needed to create the portal configuration, such as "
                         "{invoice_history: {enabled: true}}.")
    create = {k: v for k, v in _desired(params).items() if v is not None}
    if "business_profile" in create:
        create["business_profile"] = {k: v for k, v in create["business_profile"].items() if v is not None}
    create["metadata"] = create_metadata(_desired_metadata(params))
    planned = dict(create, id=None, object="billing_portal.configuration", active=True, is_default=False,
                   livemode=client.livemode)
    return Write(planned, lambda: client.post(PATH, dict(create, expand=[EXPAND])))


def _update(client, params, current):
    update = _updates(params, current)
    if not update:
        return None
    preview = _planned(current, update)
    preview["metadata"] = merged_metadata(current.get("metadata"), _desired_metadata(params))
    return Write(preview, lambda: client.post("%s/%s" % (PATH, current["id"]), dict(update, expand=[EXPAND])))


@stripe_task
def run(ctx, client):
    params = ctx.params
    _check(params)
    return converge(ctx, SingleObject(
        find=lambda: _find(client, params), view=_view,
        result=lambda before, after: dict(configuration=after or {}, id=after["id"] if after else None),
        create=lambda: _create(client, params), update=lambda current: _update(client, params, current),
        remove=lambda current: _remove(client, current)))
