# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stripe_meter: a Stripe billing meter (usage-based billing), found by its event_name.

Stripe changes only a meter's display name. Any other change deactivates the meter and creates a new one for
the same event name (one active meter per event name); prices must then point at the new meter. Meters
cannot be deleted: absent deactivates, and present reactivates a deactivated meter with the same settings.
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, Write, converge
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.stripe import pick_current, stripe_argument_spec, stripe_task

PATH = "/billing/meters"
DEFAULT_CUSTOMER_MAPPING = dict(event_payload_key="stripe_customer_id", type="by_id")
DEFAULT_VALUE_SETTINGS = dict(event_payload_key="value")

ARGUMENT_SPEC = dict(
    stripe_argument_spec(),
    event_name=dict(type="str", required=True),
    display_name=dict(type="str"),
    default_aggregation=dict(type="dict", options=dict(
        formula=dict(type="str", required=True, choices=["count", "sum", "last"]),
    )),
    customer_mapping=dict(type="dict", options=dict(
        event_payload_key=dict(type="str", required=True, no_log=False),
        type=dict(type="str", default="by_id", choices=["by_id"]),
    )),
    value_settings=dict(type="dict", options=dict(
        event_payload_key=dict(type="str", required=True, no_log=False),
    )),
    event_time_window=dict(type="str", choices=["day", "hour"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def _check(params):
    if not params["event_name"].strip() or len(params["event_name"]) > 100:
        raise TaskFailed("event_name: must be 1 to 100 characters.")
    if params["state"] == "absent":
        return
    if not params["display_name"]:
        raise TaskFailed("display_name: needed for a meter (state: present).")
    if not params["default_aggregation"]:
        raise TaskFailed("default_aggregation: needed for a meter (state: present), such as {formula: sum}.")


def _terms(params):
    return dict(default_aggregation=dict(params["default_aggregation"]),
                customer_mapping=dict(params["customer_mapping"] or DEFAULT_CUSTOMER_MAPPING),
                value_settings=dict(params["value_settings"] or DEFAULT_VALUE_SETTINGS),
                event_time_window=params["event_time_window"])


def _current_terms(meter):
    return {k: meter.get(k) for k in ("default_aggregation", "customer_mapping", "value_settings", "event_time_window")}


def _view(meter):
    if not meter:
        return {}
    return dict(_current_terms(meter), event_name=meter.get("event_name"), display_name=meter.get("display_name"),
                status=meter.get("status"))


def _find(client, params):
    meters = [m for m in client.list_all(PATH) if m.get("event_name") == params["event_name"]]
    return pick_current(meters, lambda m: m.get("status") == "active", "event_name", "Stripe meters")


def _status_change(client, meter, action):
    """The Write that deactivates or reactivates meter."""
    preview = dict(meter, status="inactive" if action == "deactivate" else "active")
    return Write(preview, lambda: client.post("%s/%s/%s" % (PATH, meter["id"], action)))


def _create(ctx, client, params, current=None, differing=()):
    """Create the meter; with differing (terms Stripe cannot change) it replaces current, deactivated first."""
    create = dict(_terms(params), event_name=params["event_name"], display_name=params["display_name"])
    if differing:
        ctx.warn("meter %s for %s %s replaced by a new meter (%s change); point the prices that use it at the new "
                 "meter id." % (current["id"], params["event_name"], "would be" if ctx.check_mode else "was",
                                ", ".join(differing)))

    def apply():
        if differing and current.get("status") == "active":
            _status_change(client, current, "deactivate").apply()  # the event name is free only once it is inactive
        return client.post(PATH, create)

    planned = dict(create, id=None, object="billing.meter", status="active", livemode=client.livemode)
    return Write(planned, apply, dict(replaced=bool(differing), previous_id=current["id"] if differing else None))


def _update(ctx, client, params, current):
    """Reactivate and rename in place; any other change replaces the meter."""
    differing = [k for k, v in _terms(params).items() if _current_terms(current)[k] != v]
    if differing:
        return _create(ctx, client, params, current, differing)
    reactivate = current.get("status") != "active"
    rename = current.get("display_name") != params["display_name"]
    if not (reactivate or rename):
        return None

    def apply():
        after = _status_change(client, current, "reactivate").apply() if reactivate else current
        if rename:
            after = client.post("%s/%s" % (PATH, current["id"]), dict(display_name=params["display_name"]))
        return after

    return Write(dict(current, status="active", display_name=params["display_name"]), apply)


@stripe_task
def run(ctx, client):
    params = ctx.params
    _check(params)
    return converge(ctx, SingleObject(
        find=lambda: _find(client, params), view=_view,
        result=lambda before, after: dict(meter=after or {}, id=after["id"] if after else None),
        create=lambda: _create(ctx, client, params), update=lambda current: _update(ctx, client, params, current),
        remove=lambda current: _status_change(client, current, "deactivate")
        if current.get("status") == "active" else None,
        present_values=dict(replaced=False)))
