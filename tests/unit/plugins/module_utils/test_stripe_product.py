# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""stripe_product: exactly which requests are sent."""
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stripe_product

from .stripe_script import listing, stripe_error, stripe_script  # noqa: F401  pylint: disable=unused-import
from .stripe_product_shared import BASE, run


MISSING = stripe_error(404, "No such product: 'prela_pro'", "resource_missing", "id")


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
