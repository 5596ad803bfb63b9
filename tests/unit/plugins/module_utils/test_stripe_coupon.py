# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""stripe_coupon: exactly which requests are sent."""
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stripe_coupon

from .stripe_script import listing, stripe_error, stripe_script  # noqa: F401  pylint: disable=unused-import
from .stripe_coupon_shared import BASE, run


NO_COUPON = stripe_error(404, "No such coupon: 'LAUNCH20'", "resource_missing", "id")


# ------------------------------------------------------------------------------ coupons
def coupon_params(**overrides):
    values = dict(BASE, id="LAUNCH20", name="Launch", percent_off=20.0, amount_off=None, currency=None,
                  duration="repeating", duration_in_months=3, max_redemptions=None, redeem_by=None,
                  applies_to_products=None, metadata=None, state="present")
    values.update(overrides)
    return values


def coupon(**overrides):
    value = dict(id="LAUNCH20", object="coupon", name="Launch", percent_off=20.0, amount_off=None, currency=None,
                 duration="repeating", duration_in_months=3, max_redemptions=None, redeem_by=None, metadata={},
                 applies_to=None, valid=True, livemode=False)
    value.update(overrides)
    return value


def test_coupon_created_with_its_id(stripe_script):
    script = stripe_script(("GET", "/coupons/LAUNCH20", NO_COUPON), ("POST", "/coupons", coupon()))
    result = run(stripe_coupon, coupon_params(applies_to_products=["prela_pro"]))
    script.done()
    assert script.sent[0].query == [("expand[]", "applies_to")]
    assert script.sent[1].form == [("percent_off", "20.0"), ("duration", "repeating"), ("duration_in_months", "3"),
                                   ("id", "LAUNCH20"), ("name", "Launch"), ("applies_to[products][]", "prela_pro"),
                                   ("expand[]", "applies_to")]
    assert result["changed"] is True and result["replaced"] is False


def test_coupon_no_op_and_name_update(stripe_script):
    script = stripe_script(("GET", "/coupons/LAUNCH20", coupon()))
    assert run(stripe_coupon, coupon_params(percent_off=20))["changed"] is False and script.writes == []
    script = stripe_script(("GET", "/coupons/LAUNCH20", coupon()), ("POST", "/coupons/LAUNCH20", coupon(name="New")))
    result = run(stripe_coupon, coupon_params(name="New", metadata=dict(campaign="x")))
    script.done()
    assert script.sent[1].form == [("name", "New"), ("metadata[campaign]", "x")] and result["replaced"] is False


@pytest.mark.parametrize("change", [dict(percent_off=25.0), dict(duration_in_months=6),
                                    dict(applies_to_products=["prela_pro"]), dict(max_redemptions=100)])
def test_coupon_terms_recreate_it(stripe_script, change):
    script = stripe_script(("GET", "/coupons/LAUNCH20", coupon()),
                           ("DELETE", "/coupons/LAUNCH20", dict(id="LAUNCH20", deleted=True)),
                           ("POST", "/coupons", coupon()))
    result = run(stripe_coupon, coupon_params(**change))
    script.done()
    assert result["replaced"] is True and "deleted and created again" in result["warnings"][0]


def test_coupon_check_mode_and_absent(stripe_script):
    script = stripe_script(("GET", "/coupons/LAUNCH20", coupon()))
    result = run(stripe_coupon, coupon_params(percent_off=30.0), check_mode=True)
    assert result["replaced"] is True and script.writes == [] and "would be" in result["warnings"][0]
    script = stripe_script(("GET", "/coupons/LAUNCH20", coupon()),
                           ("DELETE", "/coupons/LAUNCH20", dict(id="LAUNCH20", deleted=True)))
    assert run(stripe_coupon, coupon_params(state="absent"))["changed"] is True
    script = stripe_script(("GET", "/coupons/LAUNCH20", NO_COUPON))
    assert run(stripe_coupon, coupon_params(state="absent"))["changed"] is False and script.writes == []


@pytest.mark.parametrize("change, field", [
    (dict(percent_off=None), "percent_off"),
    (dict(percent_off=150.0), "percent_off"),
    (dict(percent_off=None, amount_off=500), "currency"),
    (dict(percent_off=None, amount_off=0, currency="usd"), "amount_off"),
    (dict(currency="usd"), "currency"),
    (dict(duration="once"), "duration_in_months"),
    (dict(duration_in_months=None), "duration_in_months"),
    (dict(name="x" * 41), "name"),
])
def test_coupon_bad_input(stripe_script, change, field):
    script = stripe_script()
    result = run(stripe_coupon, coupon_params(**change))
    assert result["failed"] and result["msg"].startswith(field + ": ") and script.sent == []
