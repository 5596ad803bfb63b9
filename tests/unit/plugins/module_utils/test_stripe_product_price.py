# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stripe_price, stripe_product
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

from .stripe_script import listing, stripe_error, stripe_script  # noqa: F401  pylint: disable=unused-import

KEY = "sk_test_unit0123456789abcdef"
BASE = dict(api_key=KEY, api_base="http://stripe.invalid", allow_live=False, validate_certs=True, timeout=5)
MISSING = stripe_error(404, "No such product: 'prela_pro'", "resource_missing", "id")


def run(resource, p, check_mode=False):
    return execute(resource, TaskContext(p, check_mode=check_mode, diff=True, no_log_values={KEY}))


# ------------------------------------------------------------------------------ products
def product_params(**overrides):
    values = dict(BASE, id="prela_pro", key=None, name="Prela Pro", description=None, active=None, metadata=None,
                  marketing_features=None, state="present")
    values.update(overrides)
    return values


def product(**overrides):
    value = dict(id="prela_pro", object="product", active=True, name="Prela Pro", description=None, metadata={},
                 marketing_features=[], default_price=None, livemode=False)
    value.update(overrides)
    return value


def echo_product(sent):
    form = dict(sent.form)
    return product(id=form.get("id", "prod_new"), name=form.get("name", "Prela Pro"),
                   metadata={k[9:-1]: v for k, v in sent.form if k.startswith("metadata[")},
                   marketing_features=[dict(name=v) for k, v in sent.form if k.startswith("marketing_features[")])


def test_product_created_with_its_id(stripe_script):
    script = stripe_script(("GET", "/products/prela_pro", MISSING), ("POST", "/products", echo_product))
    result = run(stripe_product, product_params(marketing_features=["Fast", "Safe"], metadata=dict(plan="pro")))
    script.done()
    assert script.sent[1].form == [("id", "prela_pro"), ("name", "Prela Pro"), ("marketing_features[0][name]", "Fast"),
                                   ("marketing_features[1][name]", "Safe"), ("metadata[plan]", "pro")]
    assert result["changed"] is True and result["id"] == "prela_pro" and result["livemode"] is False


def test_product_found_by_key(stripe_script):
    script = stripe_script(("GET", "/products", listing(product(id="prod_a", metadata=dict(railstack_key="other")))),
                           ("POST", "/products", echo_product))
    result = run(stripe_product, product_params(id=None, key="lunch"))
    script.done()
    assert ("metadata[railstack_key]", "lunch") in script.sent[1].form and "id" not in dict(script.sent[1].form)
    assert result["id"] == "prod_new"
    script = stripe_script(("GET", "/products", listing(product(id="prod_new", metadata=dict(railstack_key="lunch")))))
    assert run(stripe_product, product_params(id=None, key="lunch"))["changed"] is False
    assert script.writes == []


def test_product_no_op_and_update(stripe_script):
    script = stripe_script(("GET", "/products/prela_pro", product(description="x", metadata=dict(a="1"))))
    assert run(stripe_product, product_params(description="x", metadata=dict(a="1")))["changed"] is False
    assert script.writes == []
    script = stripe_script(("GET", "/products/prela_pro", product(description="x", metadata=dict(a="1"),
                                                                  marketing_features=[dict(name="Old")])),
                           ("POST", "/products/prela_pro", product()))
    result = run(stripe_product, product_params(description="", metadata=dict(a=None, b="2"), marketing_features=[]))
    script.done()
    assert script.sent[1].form == [("description", ""), ("marketing_features", ""), ("metadata[a]", ""),
                                   ("metadata[b]", "2")]
    assert result["diff"]["before"]["description"] == "x"


def test_product_check_mode(stripe_script):
    script = stripe_script(("GET", "/products/prela_pro", MISSING))
    result = run(stripe_product, product_params(), check_mode=True)
    assert result["changed"] is True and script.writes == [] and result["product"]["name"] == "Prela Pro"


def test_product_absent_deletes_or_archives(stripe_script):
    script = stripe_script(("GET", "/products/prela_pro", product()),
                           ("GET", "/prices", listing()), ("GET", "/prices", listing()),
                           ("DELETE", "/products/prela_pro", dict(id="prela_pro", deleted=True)))
    assert run(stripe_product, product_params(state="absent"))["changed"] is True
    script.done()
    assert script.sent[1].query == [("product", "prela_pro"), ("active", "true"), ("limit", "1")]
    script = stripe_script(("GET", "/products/prela_pro", product()), ("GET", "/prices", listing(dict(id="price_1"))),
                           ("POST", "/products/prela_pro", product(active=False)))
    result = run(stripe_product, product_params(state="absent"))
    script.done()
    assert script.sent[-1].form == [("active", "false")] and "archived" in result["warnings"][0]
    script = stripe_script(("GET", "/products/prela_pro", product(active=False)),
                           ("GET", "/prices", listing(dict(id="price_1"))))
    assert run(stripe_product, product_params(state="absent"))["changed"] is False and script.writes == []


@pytest.mark.parametrize("change, field", [
    (dict(name=None), "name"),
    (dict(marketing_features=["x"] * 16), "marketing_features"),
    (dict(metadata={"k" * 41: "v"}), "metadata"),
])
def test_product_bad_input(stripe_script, change, field):
    script = stripe_script(("GET", "/products/prela_pro", MISSING))
    result = run(stripe_product, product_params(**change))
    assert result["failed"] and result["msg"].startswith(field + ": ") and script.writes == []


def test_two_products_with_the_key_fail_naming_key(stripe_script):
    stripe_script(("GET", "/products", listing(product(id="a", metadata=dict(railstack_key="k")),
                                               product(id="b", metadata=dict(railstack_key="k")))))
    result = run(stripe_product, product_params(id=None, key="k"))
    assert result["failed"] and result["msg"].startswith("key: 2 Stripe products")


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
