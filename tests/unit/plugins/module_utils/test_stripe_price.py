# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""stripe_price: exactly which requests are sent."""
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stripe_price

from .stripe_script import listing, stripe_error, stripe_script  # noqa: F401  pylint: disable=unused-import
from .stripe_product_shared import BASE, run


# ------------------------------------------------------------------------------ prices
def price_params(**overrides):
    values = dict(BASE, lookup_key="pro_monthly", product="prela_pro", currency="usd", unit_amount=2900,
                  recurring=dict(interval="month", interval_count=1, usage_type="licensed", meter=None),
                  tax_behavior=None, nickname=None, metadata=None, state="present")
    values.update(overrides)
    return values


def price(**overrides):
    value = dict(id="price_old", object="price", active=True, currency="usd", unit_amount=2900, product="prela_pro",
                 lookup_key="pro_monthly", metadata={}, nickname=None, tax_behavior="unspecified", livemode=False,
                 recurring=dict(interval="month", interval_count=1, usage_type="licensed", meter=None,
                                trial_period_days=None))
    value.update(overrides)
    return value


def new_price(sent):
    form = dict(sent.form)
    return price(id="price_new", unit_amount=int(form["unit_amount"]), tax_behavior=form.get("tax_behavior", "unspecified"))


def test_price_created_with_transfer_lookup_key(stripe_script):
    script = stripe_script(("GET", "/prices", listing()), ("GET", "/prices", listing()), ("POST", "/prices", new_price))
    result = run(stripe_price, price_params(tax_behavior="exclusive"))
    script.done()
    assert script.sent[0].query == [("lookup_keys[]", "pro_monthly"), ("active", "true")]
    assert script.sent[1].query == [("lookup_keys[]", "pro_monthly"), ("active", "false")]
    assert script.sent[2].form == [("product", "prela_pro"), ("currency", "usd"), ("unit_amount", "2900"),
                                   ("recurring[interval]", "month"), ("recurring[interval_count]", "1"),
                                   ("recurring[usage_type]", "licensed"), ("lookup_key", "pro_monthly"),
                                   ("transfer_lookup_key", "true"), ("tax_behavior", "exclusive")]
    assert result["id"] == "price_new" and result["replaced"] is False and result["previous_id"] is None


def test_price_no_op_reads_once(stripe_script):
    script = stripe_script(("GET", "/prices", listing(price())))
    result = run(stripe_price, price_params())
    assert result["changed"] is False and result["api_requests"] == 1 and script.writes == []
    assert result["id"] == "price_old"


def test_price_mutable_fields_update_in_place(stripe_script):
    script = stripe_script(("GET", "/prices", listing(price())), ("POST", "/prices/price_old", price(nickname="n")))
    result = run(stripe_price, price_params(nickname="n", tax_behavior="exclusive", metadata=dict(plan="pro")))
    script.done()
    assert script.sent[1].form == [("nickname", "n"), ("tax_behavior", "exclusive"), ("metadata[plan]", "pro")]
    assert result["replaced"] is False


@pytest.mark.parametrize("change, current, reason", [
    (dict(unit_amount=3900), {}, "unit_amount changes"),
    (dict(currency="eur"), {}, "currency changes"),
    (dict(recurring=dict(interval="year", interval_count=1, usage_type="licensed", meter=None)), {}, "recurring changes"),
    (dict(tax_behavior="inclusive"), dict(tax_behavior="exclusive"), "tax_behavior is set once"),
])
def test_fixed_terms_replace_the_price(stripe_script, change, current, reason):
    script = stripe_script(("GET", "/prices", listing(price(**current))), ("POST", "/prices", new_price),
                           ("GET", "/products/prela_pro", dict(id="prela_pro", default_price="price_old")),
                           ("POST", "/products/prela_pro", dict(id="prela_pro", default_price="price_new")),
                           ("POST", "/prices/price_old", price(active=False, lookup_key=None)))
    result = run(stripe_price, price_params(**change))
    script.done()
    assert ("transfer_lookup_key", "true") in script.sent[1].form
    assert script.sent[3].form == [("default_price", "price_new")]
    assert script.sent[4].form == [("active", "false")]
    assert result["replaced"] is True and result["id"] == "price_new" and result["previous_id"] == "price_old"
    assert reason in result["warnings"][0]


def test_replace_leaves_a_non_default_product_alone(stripe_script):
    script = stripe_script(("GET", "/prices", listing(price())), ("POST", "/prices", new_price),
                           ("GET", "/products/prela_pro", dict(id="prela_pro", default_price=None)),
                           ("POST", "/prices/price_old", price(active=False)))
    run(stripe_price, price_params(unit_amount=3900))
    script.done()


def test_replace_in_check_mode_writes_nothing(stripe_script):
    script = stripe_script(("GET", "/prices", listing(price())))
    result = run(stripe_price, price_params(unit_amount=3900), check_mode=True)
    assert script.writes == [] and result["replaced"] is True and result["id"] is None
    assert result["diff"]["after"]["unit_amount"] == 3900


def test_an_archived_price_with_the_same_terms_is_reactivated(stripe_script):
    script = stripe_script(("GET", "/prices", listing()), ("GET", "/prices", listing(price(active=False))),
                           ("POST", "/prices/price_old", price()))
    result = run(stripe_price, price_params())
    script.done()
    assert script.sent[-1].form == [("active", "true")] and result["id"] == "price_old"


def test_price_absent_archives_once(stripe_script):
    script = stripe_script(("GET", "/prices", listing(price())), ("POST", "/prices/price_old", price(active=False)))
    assert run(stripe_price, price_params(state="absent"))["changed"] is True
    script.done()
    script = stripe_script(("GET", "/prices", listing()), ("GET", "/prices", listing(price(active=False))))
    assert run(stripe_price, price_params(state="absent"))["changed"] is False and script.writes == []


@pytest.mark.parametrize("change, field", [
    (dict(currency="USD"), "currency"),
    (dict(unit_amount=-1), "unit_amount"),
    (dict(product=None), "product"),
    (dict(lookup_key=""), "lookup_key"),
    (dict(recurring=dict(interval="month", interval_count=37, usage_type="licensed", meter=None)),
     "recurring.interval_count"),
    (dict(recurring=dict(interval="month", interval_count=1, usage_type="metered", meter=None)), "recurring.meter"),
    (dict(metadata={"a[b]": "c"}), "metadata"),
])
def test_price_bad_input_fails_before_any_request(stripe_script, change, field):
    script = stripe_script()
    result = run(stripe_price, price_params(**change))
    assert result["failed"] and result["msg"].startswith(field + ": ") and script.sent == []
