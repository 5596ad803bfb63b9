# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""stripe_prices: every price read at once (one list request per ten lookup keys), writes only for what differs."""
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stripe_prices

from .stripe_script import listing, stripe_script  # noqa: F401  pylint: disable=unused-import
from .stripe_product_shared import BASE, run


def item(key="pro_monthly", **overrides):
    values = dict(lookup_key=key, product="prela_pro", currency="usd", unit_amount=2900,
                  recurring=dict(interval="month", interval_count=1, usage_type="licensed", meter=None),
                  tax_behavior=None, nickname=None, metadata=None)
    values.update(overrides)
    return values


def params(*items):
    return dict(BASE, prices=list(items))


def price(key="pro_monthly", id_="price_old", **overrides):
    value = dict(id=id_, object="price", active=True, currency="usd", unit_amount=2900, product="prela_pro",
                 lookup_key=key, metadata={}, nickname=None, tax_behavior="unspecified", livemode=False,
                 recurring=dict(interval="month", interval_count=1, usage_type="licensed", meter=None,
                                trial_period_days=None))
    value.update(overrides)
    return value


def created(sent):
    form = dict(sent.form)
    return price(form["lookup_key"], "price_new_" + form["lookup_key"], unit_amount=int(form["unit_amount"]))


def keys_of(sent):
    return [value for name, value in sent.query if name == "lookup_keys[]"]


def test_no_op_reads_every_price_in_one_request(stripe_script):
    script = stripe_script(("GET", "/prices", listing(price("pro_monthly", "price_a"), price("pro_yearly", "price_b"))))
    result = run(stripe_prices, params(item("pro_monthly"), item("pro_yearly")))
    script.done()
    assert result["changed"] is False and result["api_requests"] == 1 and script.writes == []
    assert keys_of(script.sent[0]) == ["pro_monthly", "pro_yearly"] and ("active", "true") in script.sent[0].query
    assert result["ids"] == {"pro_monthly": "price_a", "pro_yearly": "price_b"}
    assert [r["lookup_key"] for r in result["prices"]] == ["pro_monthly", "pro_yearly"]
    assert [r["changed"] for r in result["prices"]] == [False, False]


def test_first_run_reads_active_then_archived_at_once_and_creates_each(stripe_script):
    script = stripe_script(("GET", "/prices", listing()), ("GET", "/prices", listing()),
                           ("POST", "/prices", created), ("POST", "/prices", created))
    result = run(stripe_prices, params(item("pro_monthly"), item("pro_yearly", unit_amount=29000)))
    script.done()
    assert keys_of(script.sent[1]) == ["pro_monthly", "pro_yearly"] and ("active", "false") in script.sent[1].query
    assert ("transfer_lookup_key", "true") in script.sent[2].form
    assert result["changed"] is True
    assert result["ids"] == {"pro_monthly": "price_new_pro_monthly", "pro_yearly": "price_new_pro_yearly"}
    assert [r["previous_id"] for r in result["prices"]] == [None, None]
    assert [h["before_header"] for h in result["diff"]] == ["price pro_monthly", "price pro_yearly"]


def test_ten_keys_a_request(stripe_script):
    keys = ["plan_%02d" % n for n in range(12)]
    script = stripe_script(("GET", "/prices", listing(*[price(k, "price_" + k) for k in keys[:10]])),
                           ("GET", "/prices", listing(*[price(k, "price_" + k) for k in keys[10:]])))
    result = run(stripe_prices, params(*[item(k) for k in keys]))
    script.done()
    assert [len(keys_of(s)) for s in script.sent] == [10, 2] and result["changed"] is False


def test_a_changed_amount_replaces_that_price_only(stripe_script):
    script = stripe_script(("GET", "/prices", listing(price("pro_monthly", "price_a"), price("pro_yearly", "price_b"))),
                           ("POST", "/prices", created),
                           ("GET", "/products/prela_pro", dict(id="prela_pro", default_price="price_b")),
                           ("POST", "/prices/price_a", price("pro_monthly", "price_a", active=False)))
    result = run(stripe_prices, params(item("pro_monthly", unit_amount=3900), item("pro_yearly")))
    script.done()
    monthly, yearly = result["prices"]
    assert monthly["replaced"] is True and monthly["previous_id"] == "price_a" and monthly["changed"] is True
    assert yearly["changed"] is False and yearly["replaced"] is False
    assert script.sent[3].form == [("active", "false")]
    assert "price price_a was replaced by price_new_pro_monthly (unit_amount changes)" in result["warnings"][0]
    assert result["ids"]["pro_monthly"] == "price_new_pro_monthly"


def test_check_mode_writes_nothing_and_says_what_would_change(stripe_script):
    script = stripe_script(("GET", "/prices", listing(price("pro_monthly", "price_a"))), ("GET", "/prices", listing()))
    result = run(stripe_prices, params(item("pro_monthly", unit_amount=3900), item("pro_yearly")), check_mode=True)
    script.done()
    assert script.writes == [] and result["changed"] is True
    assert result["prices"][0]["replaced"] is True and result["ids"] == {"pro_monthly": None, "pro_yearly": None}
    assert "price price_a would be replaced by a new price (unit_amount changes)" in result["warnings"][0]
    assert result["diff"][0]["after"]["unit_amount"] == 3900


def test_an_archived_price_is_made_active_again(stripe_script):
    script = stripe_script(("GET", "/prices", listing()), ("GET", "/prices", listing(price(active=False))),
                           ("POST", "/prices/price_old", price()))
    result = run(stripe_prices, params(item()))
    script.done()
    assert script.sent[-1].form == [("active", "true")] and result["ids"] == {"pro_monthly": "price_old"}


def test_an_empty_list_sends_nothing(stripe_script):
    script = stripe_script()
    result = run(stripe_prices, params())
    assert result["changed"] is False and script.sent == [] and result["prices"] == [] and result["ids"] == {}


@pytest.mark.parametrize("bad, message", [
    (item("pro_yearly", unit_amount=-1), "prices[1] (pro_yearly): unit_amount: must be 0 or more"),
    (item("pro_yearly", currency="USD"), "prices[1] (pro_yearly): currency: "),
    (item("pro_monthly"), "prices[1] (pro_monthly): lookup_key is given twice"),
])
def test_bad_input_fails_before_any_request_naming_the_price(stripe_script, bad, message):
    script = stripe_script()
    result = run(stripe_prices, params(item("pro_monthly"), bad))
    assert result["failed"] and result["msg"].startswith(message) and script.sent == []
