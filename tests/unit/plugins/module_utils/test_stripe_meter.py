# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""stripe_meter: exactly which requests are sent."""
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stripe_meter

from .stripe_script import listing, stripe_error, stripe_script  # noqa: F401  pylint: disable=unused-import
from .stripe_meter_shared import BASE, run


# ------------------------------------------------------------------------------ meters
def meter_params(**overrides):
    values = dict(BASE, event_name="trace_ingested", display_name="Traces", default_aggregation=dict(formula="sum"),
                  customer_mapping=None, value_settings=dict(event_payload_key="traces"), event_time_window=None,
                  state="present")
    values.update(overrides)
    return values


def meter(**overrides):
    value = dict(id="mtr_old", object="billing.meter", event_name="trace_ingested", display_name="Traces",
                 default_aggregation=dict(formula="sum"), status="active", event_time_window=None,
                 customer_mapping=dict(event_payload_key="stripe_customer_id", type="by_id"),
                 value_settings=dict(event_payload_key="traces"), livemode=False)
    value.update(overrides)
    return value


def test_meter_created(stripe_script):
    script = stripe_script(("GET", "/billing/meters", listing(meter(event_name="other"))),
                           ("POST", "/billing/meters", meter(id="mtr_new")))
    result = run(stripe_meter, meter_params())
    script.done()
    assert script.sent[1].form == [
        ("default_aggregation[formula]", "sum"), ("customer_mapping[event_payload_key]", "stripe_customer_id"),
        ("customer_mapping[type]", "by_id"), ("value_settings[event_payload_key]", "traces"),
        ("event_name", "trace_ingested"), ("display_name", "Traces")]
    assert result["id"] == "mtr_new" and result["replaced"] is False


def test_meter_no_op_rename_and_reactivate(stripe_script):
    script = stripe_script(("GET", "/billing/meters", listing(meter())))
    assert run(stripe_meter, meter_params())["changed"] is False and script.writes == []
    script = stripe_script(("GET", "/billing/meters", listing(meter(status="inactive"))),
                           ("POST", "/billing/meters/mtr_old/reactivate", meter()),
                           ("POST", "/billing/meters/mtr_old", meter(display_name="Traces ingested")))
    result = run(stripe_meter, meter_params(display_name="Traces ingested"))
    script.done()
    assert script.sent[1].form == [] and script.sent[2].form == [("display_name", "Traces ingested")]
    assert result["changed"] is True and result["id"] == "mtr_old"


@pytest.mark.parametrize("change", [
    dict(default_aggregation=dict(formula="count")), dict(event_time_window="hour"), dict(value_settings=None),
    dict(customer_mapping=dict(event_payload_key="cus", type="by_id")),
])
def test_meter_settings_replace_it_old_one_first(stripe_script, change):
    script = stripe_script(("GET", "/billing/meters", listing(meter())),
                           ("POST", "/billing/meters/mtr_old/deactivate", meter(status="inactive")),
                           ("POST", "/billing/meters", meter(id="mtr_new")))
    result = run(stripe_meter, meter_params(**change))
    script.done()
    assert result["replaced"] is True and result["previous_id"] == "mtr_old"
    assert "point the prices that use it at the new meter id" in result["warnings"][0]


def test_meter_check_mode_and_absent(stripe_script):
    script = stripe_script(("GET", "/billing/meters", listing(meter())))
    result = run(stripe_meter, meter_params(default_aggregation=dict(formula="last")), check_mode=True)
    assert result["replaced"] is True and script.writes == []
    script = stripe_script(("GET", "/billing/meters", listing(meter())),
                           ("POST", "/billing/meters/mtr_old/deactivate", meter(status="inactive")))
    assert run(stripe_meter, meter_params(state="absent"))["changed"] is True
    script.done()
    script = stripe_script(("GET", "/billing/meters", listing(meter(status="inactive"))))
    assert run(stripe_meter, meter_params(state="absent"))["changed"] is False and script.writes == []


@pytest.mark.parametrize("change, field", [(dict(display_name=None), "display_name"),
                                           (dict(default_aggregation=None), "default_aggregation"),
                                           (dict(event_name="x" * 101), "event_name")])
def test_meter_bad_input(stripe_script, change, field):
    script = stripe_script()
    result = run(stripe_meter, meter_params(**change))
    assert result["failed"] and result["msg"].startswith(field + ": ") and script.sent == []
