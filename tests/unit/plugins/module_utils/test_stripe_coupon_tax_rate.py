# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stripe_coupon, stripe_tax_rate
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

from .stripe_script import listing, stripe_error, stripe_script  # noqa: F401  pylint: disable=unused-import

KEY = "sk_test_unit0123456789abcdef"
BASE = dict(api_key=KEY, api_base="http://stripe.invalid", allow_live=False, validate_certs=True, timeout=5)
NO_COUPON = stripe_error(404, "No such coupon: 'LAUNCH20'", "resource_missing", "id")


def run(resource, p, check_mode=False):
    return execute(resource, TaskContext(p, check_mode=check_mode, diff=True, no_log_values={KEY}))


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


# ------------------------------------------------------------------------------ tax rates
def rate_params(**overrides):
    values = dict(BASE, key="vat-de", display_name="VAT", percentage=19.0, inclusive=False, description=None,
                  jurisdiction=None, country="DE", state_code=None, tax_type="vat", metadata=None, state="present")
    values.update(overrides)
    return values


def rate(**overrides):
    value = dict(id="txr_old", object="tax_rate", active=True, display_name="VAT", percentage=19.0, inclusive=False,
                 country="DE", state=None, description=None, jurisdiction=None, tax_type="vat",
                 metadata=dict(railstack_key="vat-de"), livemode=False)
    value.update(overrides)
    return value


def test_tax_rate_created_with_the_marker(stripe_script):
    script = stripe_script(("GET", "/tax_rates", listing(rate(id="txr_other", metadata={}))),
                           ("POST", "/tax_rates", rate(id="txr_new")))
    result = run(stripe_tax_rate, rate_params(state_code="BY"))
    script.done()
    assert script.sent[1].form == [("display_name", "VAT"), ("country", "DE"), ("state", "BY"), ("tax_type", "vat"),
                                   ("percentage", "19.0"), ("inclusive", "false"), ("metadata[railstack_key]", "vat-de")]
    assert result["id"] == "txr_new" and result["replaced"] is False


def test_tax_rate_no_op_update_and_reactivate(stripe_script):
    script = stripe_script(("GET", "/tax_rates", listing(rate())))
    assert run(stripe_tax_rate, rate_params())["changed"] is False and script.writes == []
    script = stripe_script(("GET", "/tax_rates", listing(rate(active=False))),
                           ("POST", "/tax_rates/txr_old", rate(display_name="MwSt")))
    run(stripe_tax_rate, rate_params(display_name="MwSt"))
    script.done()
    assert script.sent[1].form == [("display_name", "MwSt"), ("active", "true")]


def test_tax_rate_percentage_change_replaces_and_archives(stripe_script):
    script = stripe_script(("GET", "/tax_rates", listing(rate())), ("POST", "/tax_rates", rate(id="txr_new")),
                           ("POST", "/tax_rates/txr_old", rate(active=False)))
    result = run(stripe_tax_rate, rate_params(percentage=7.0))
    script.done()
    assert script.sent[2].form == [("active", "false")]
    assert result["replaced"] is True and result["previous_id"] == "txr_old" and result["id"] == "txr_new"


def test_tax_rate_prefers_the_active_one_and_fails_on_two(stripe_script):
    script = stripe_script(("GET", "/tax_rates", listing(rate(id="txr_new"), rate(active=False))))
    assert run(stripe_tax_rate, rate_params())["id"] == "txr_new" and script.writes == []
    stripe_script(("GET", "/tax_rates", listing(rate(id="txr_a"), rate(id="txr_b"))))
    result = run(stripe_tax_rate, rate_params())
    assert result["failed"] and result["msg"].startswith("key: 2 active Stripe tax rates")


def test_tax_rate_absent_archives_once(stripe_script):
    script = stripe_script(("GET", "/tax_rates", listing(rate())), ("POST", "/tax_rates/txr_old", rate(active=False)))
    assert run(stripe_tax_rate, rate_params(state="absent"))["changed"] is True
    script.done()
    script = stripe_script(("GET", "/tax_rates", listing(rate(active=False))))
    assert run(stripe_tax_rate, rate_params(state="absent"))["changed"] is False and script.writes == []


@pytest.mark.parametrize("change, field", [
    (dict(percentage=None), "percentage"), (dict(percentage=101.0), "percentage"), (dict(inclusive=None), "inclusive"),
    (dict(country="de"), "country"), (dict(description=""), "description"), (dict(key=" "), "key"),
])
def test_tax_rate_bad_input(stripe_script, change, field):
    script = stripe_script()
    result = run(stripe_tax_rate, rate_params(**change))
    assert result["failed"] and result["msg"].startswith(field + ": ") and script.sent == []
