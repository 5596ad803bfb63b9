# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""stripe_tax_rate: exactly which requests are sent."""
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stripe_tax_rate

from .stripe_script import listing, stripe_error, stripe_script  # noqa: F401  pylint: disable=unused-import
from .stripe_coupon_shared import BASE, run


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
