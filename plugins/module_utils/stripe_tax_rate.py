# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stripe_tax_rate: a Stripe tax rate, found by the metadata marker we own (tax rates have no custom id, no
lookup key and no search).

Stripe never changes a rate's percentage or whether it is inclusive: a change creates a new rate with the
marker and archives the old one (subscriptions keep it). Tax rates cannot be deleted: absent archives.
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, Write, converge
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.stripe import (
    MARKER, archival, check_metadata, create_metadata, find_by_marker, merged_metadata, metadata_changes, pick_current,
    stripe_argument_spec, stripe_task)

PATH = "/tax_rates"
TAX_TYPES = ["admissions_tax", "amusement_tax", "attendance_tax", "communications_tax", "digital_excise_tax",
             "entertainment_tax", "get_fund", "gross_receipts_tax", "gst", "hospitality_tax", "hst", "igst", "jct",
             "lease_tax", "luxury_tax", "mass_transit_parking_tax", "nhil", "parking_tax", "pst", "qst", "resort_tax",
             "retail_delivery_fee", "rst", "sales_tax", "service_tax", "tourism_tax", "utility_users_tax", "vat"]
# Option name -> Stripe's field, for what changes in place (`state` is the task's state, so Stripe's is state_code).
MUTABLE = dict(display_name="display_name", description="description", jurisdiction="jurisdiction",
               country="country", state_code="state", tax_type="tax_type")

ARGUMENT_SPEC = dict(
    stripe_argument_spec(),
    key=dict(type="str", required=True, no_log=False),
    display_name=dict(type="str"),
    percentage=dict(type="float"),
    inclusive=dict(type="bool"),
    description=dict(type="str"),
    jurisdiction=dict(type="str"),
    country=dict(type="str"),
    state_code=dict(type="str"),
    tax_type=dict(type="str", choices=TAX_TYPES),
    metadata=dict(type="dict"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def _check(params):
    if not params["key"].strip():
        raise TaskFailed("key: must not be empty.")
    if params["state"] == "absent":
        return
    for option in ("display_name", "percentage", "inclusive"):
        if params[option] is None:
            raise TaskFailed("%s: needed for a tax rate (state: present)." % option)
    if not 0 <= params["percentage"] <= 100:
        raise TaskFailed("percentage: must be from 0 to 100.")
    for option in MUTABLE:
        if params[option] == "":
            raise TaskFailed("%s: Stripe cannot unset it on a tax rate; leave the option out instead." % option)
    country = params["country"]
    if country is not None and not (len(country) == 2 and country.isalpha() and country.isupper()):
        raise TaskFailed("country: %r is not a two-letter ISO country code in capitals, such as DE." % country)
    check_metadata(params["metadata"])


def _desired_metadata(params):
    return dict(params["metadata"] or {}, **{MARKER: params["key"]})


def _view(rate):
    if not rate:
        return {}
    view = {option: rate.get(field) for option, field in MUTABLE.items()}
    view.update(percentage=rate.get("percentage"), inclusive=rate.get("inclusive"), active=rate.get("active"),
                metadata=dict(rate.get("metadata") or {}))
    return view


def _updates(params, current):
    update = {field: params[option] for option, field in MUTABLE.items()
              if params[option] is not None and current.get(field) != params[option]}
    if not current.get("active"):
        update["active"] = True
    metadata = metadata_changes(current.get("metadata"), _desired_metadata(params))
    if metadata:
        update["metadata"] = metadata
    return update


def _find(client, params):
    """Archived rates keep the marker: the active one counts, else the newest archived one."""
    return pick_current(find_by_marker(client.list_all(PATH), params["key"]), lambda r: r.get("active"), "key",
                        "Stripe tax rates with this key")


def _create(ctx, client, params, current=None, fixed=()):
    """Create the rate; with fixed (the fixed terms that change), it replaces current, which is archived."""
    create = {field: params[option] for option, field in MUTABLE.items()}
    create.update(percentage=params["percentage"], inclusive=params["inclusive"],
                  metadata=create_metadata(_desired_metadata(params)))
    if fixed:
        ctx.warn("tax rate %s %s replaced by a new rate (%s change) and archived; subscriptions keep the old rate."
                 % (current["id"], "would be" if ctx.check_mode else "was", ", ".join(fixed)))

    def apply():
        created = client.post(PATH, create)
        if fixed and current.get("active"):
            archival(client, PATH, current).apply()
        return created

    planned = dict(create, id=None, object="tax_rate", active=True, livemode=client.livemode)
    return Write(planned, apply, dict(replaced=bool(fixed), previous_id=current["id"] if fixed else None))


def _update(ctx, client, params, current):
    fixed = [k for k in ("percentage", "inclusive") if current.get(k) != params[k]]
    if fixed:
        return _create(ctx, client, params, current, fixed)
    update = _updates(params, current)
    if not update:
        return None
    after = dict(current, **{k: v for k, v in update.items() if k != "metadata"})
    after["metadata"] = merged_metadata(current.get("metadata"), _desired_metadata(params))
    return Write(after, lambda: client.post("%s/%s" % (PATH, current["id"]), update))


@stripe_task
def run(ctx, client):
    params = ctx.params
    _check(params)
    return converge(ctx, SingleObject(
        find=lambda: _find(client, params), view=_view,
        result=lambda before, after: dict(tax_rate=after or {}, id=after["id"] if after else None),
        create=lambda: _create(ctx, client, params), update=lambda obj: _update(ctx, client, params, obj),
        remove=lambda obj: archival(client, PATH, obj) if obj.get("active") else None,
        present_values=dict(replaced=False)))
