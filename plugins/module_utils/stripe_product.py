# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stripe_product: a Stripe product, found by its (custom) id or by the metadata marker we own.

Absent: deleted when it has no prices; Stripe refuses that once a price exists, so it is archived instead.
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, Write, converge, deletion
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.stripe import (
    MARKER, archival, check_metadata, create_metadata, find_by_marker, merged_metadata, metadata_changes,
    stripe_argument_spec, stripe_task)

PATH = "/products"
MAX_FEATURES = 15

ARGUMENT_SPEC = dict(
    stripe_argument_spec(),
    id=dict(type="str"),
    key=dict(type="str", no_log=False),
    name=dict(type="str"),
    description=dict(type="str"),
    active=dict(type="bool"),
    metadata=dict(type="dict"),
    marketing_features=dict(type="list", elements="str"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)
MODULE_KWARGS = dict(mutually_exclusive=[("id", "key")], required_one_of=[("id", "key")])


def _check(params):
    if params["id"] is not None and not params["id"].strip():
        raise TaskFailed("id: must not be empty.")
    if params["key"] is not None and not params["key"].strip():
        raise TaskFailed("key: must not be empty.")
    if params["name"] is not None and not params["name"].strip():
        raise TaskFailed("name: must not be empty.")
    features = params["marketing_features"]
    if features is not None and (len(features) > MAX_FEATURES or not all(f and f.strip() for f in features)):
        raise TaskFailed("marketing_features: at most %d non-empty names." % MAX_FEATURES)
    check_metadata(params["metadata"])


def _find(client, params):
    if params["id"]:
        return client.find("%s/%s" % (PATH, params["id"]))
    matches = find_by_marker(client.list_all(PATH), params["key"])
    if len(matches) > 1:
        raise TaskFailed("key: %d Stripe products carry %s=%s (%s); keep one." % (
            len(matches), MARKER, params["key"], ", ".join(p["id"] for p in matches)))
    return matches[0] if matches else None


def _desired_metadata(params):
    metadata = dict(params["metadata"] or {})
    if params["key"]:
        metadata[MARKER] = params["key"]
    return metadata


def _features(names):
    return None if names is None else [dict(name=n) for n in names]


def _view(product):
    if not product:
        return {}
    return dict(name=product.get("name"), description=product.get("description"), active=product.get("active"),
                metadata=dict(product.get("metadata") or {}),
                marketing_features=[f.get("name") for f in product.get("marketing_features") or []])


def _updates(params, current):
    update = {}
    for field in ("name", "active"):
        if params[field] is not None and current.get(field) != params[field]:
            update[field] = params[field]
    if params["description"] is not None and (current.get("description") or "") != params["description"]:
        update["description"] = params["description"]
    if params["marketing_features"] is not None and \
            [f.get("name") for f in current.get("marketing_features") or []] != params["marketing_features"]:
        update["marketing_features"] = _features(params["marketing_features"])
    metadata = metadata_changes(current.get("metadata"), _desired_metadata(params))
    if metadata:
        update["metadata"] = metadata
    return update


def _has_prices(client, product_id):
    return any(client.list_page("/prices", dict(product=product_id, active=active, limit=1))["data"]
               for active in (True, False))


def _create(ctx, client, params):
    if not params["name"]:
        raise TaskFailed("name: needed to create the product%s." % (" %s" % params["id"] if params["id"] else ""))
    create = dict(id=params["id"], name=params["name"], description=params["description"] or None,
                  active=params["active"], marketing_features=_features(params["marketing_features"]) or None,
                  metadata=create_metadata(_desired_metadata(params)))
    planned = dict(create, object="product", livemode=client.livemode, active=params["active"] is not False,
                   metadata=create["metadata"] or {}, marketing_features=create["marketing_features"] or [])
    return Write(planned, lambda: client.post(PATH, create))


def _update(client, params, current):
    update = _updates(params, current)
    if not update:
        return None
    after = dict(current, **{k: v for k, v in update.items() if k != "metadata"})
    after["metadata"] = merged_metadata(current.get("metadata"), _desired_metadata(params))
    return Write(after, lambda: client.post("%s/%s" % (PATH, current["id"]), update))


def _remove(ctx, client, current):
    """Delete; a product with prices is archived instead (Stripe keeps prices), unless it already is."""
    if not _has_prices(client, current["id"]):
        return deletion(lambda: client.delete("%s/%s" % (PATH, current["id"])))
    if not current.get("active"):
        return None
    ctx.warn("product %s has prices, which Stripe keeps; it was archived (active: false) instead of deleted."
             % current["id"])
    return archival(client, PATH, current)


@stripe_task
def run(ctx, client):
    params = ctx.params
    _check(params)
    return converge(ctx, SingleObject(
        find=lambda: _find(client, params), view=_view,
        result=lambda before, after: dict(product=after or {}, id=(after or before or {}).get("id")),
        create=lambda: _create(ctx, client, params), update=lambda current: _update(client, params, current),
        remove=lambda current: _remove(ctx, client, current)))
