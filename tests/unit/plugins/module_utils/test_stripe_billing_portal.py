# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""stripe_billing_portal: exactly which requests are sent."""
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stripe_billing_portal

from .stripe_script import listing, stripe_error, stripe_script  # noqa: F401  pylint: disable=unused-import
from .stripe_meter_shared import BASE, run


# ------------------------------------------------------------------------------ portal configurations
FEATURES = dict(invoice_history=dict(enabled=True), customer_update=dict(enabled=True, allowed_updates=["email", "address"]),
                subscription_update=dict(enabled=True, default_allowed_updates=["price"],
                                         products=[dict(product="prela_pro", prices=["price_a", "price_b"])]))


def portal_params(**overrides):
    values = dict(BASE, key="default", features=FEATURES, business_profile=None, default_return_url=None,
                  login_page=None, name=None, metadata=None, state="present")
    values.update(overrides)
    return values


def configuration(**overrides):
    value = dict(id="bpc_1", object="billing_portal.configuration", active=True, is_default=False, name=None,
                 default_return_url=None, login_page=dict(enabled=False, url=None), metadata=dict(railstack_key="default"),
                 business_profile=dict(headline=None, privacy_policy_url=None, terms_of_service_url=None),
                 features=dict(
                     invoice_history=dict(enabled=True),
                     customer_update=dict(enabled=True, allowed_updates=["address", "email"]),
                     subscription_cancel=dict(enabled=False, mode="at_period_end", proration_behavior="none",
                                              cancellation_reason=dict(enabled=False, options=[])),
                     subscription_update=dict(enabled=True, default_allowed_updates=["price"], proration_behavior="none",
                                              products=[dict(product="prela_pro", prices=["price_b", "price_a"],
                                                             adjustable_quantity=dict(enabled=False))])),
                 livemode=False)
    value.update(overrides)
    return value


EXPANDED_LIST = [("expand[]", "data.features.subscription_update.products"), ("limit", "100")]


def test_portal_created_with_expanded_products(stripe_script):
    script = stripe_script(("GET", "/billing_portal/configurations", listing()),
                           ("POST", "/billing_portal/configurations", configuration()))
    profile = dict(headline="Prela", privacy_policy_url=None, terms_of_service_url=None)
    result = run(stripe_billing_portal, portal_params(business_profile=profile))
    script.done()
    assert script.sent[0].query == EXPANDED_LIST
    form = script.sent[1].form
    assert ("features[subscription_update][products][0][prices][]", "price_b") in form
    assert ("features[customer_update][allowed_updates][]", "email") in form
    assert ("business_profile[headline]", "Prela") in form and ("metadata[railstack_key]", "default") in form
    assert form[-1] == ("expand[]", "features.subscription_update.products")
    assert result["id"] == "bpc_1"


def test_portal_no_op_ignores_order_and_stripe_defaults(stripe_script):
    script = stripe_script(("GET", "/billing_portal/configurations", listing(configuration())))
    result = run(stripe_billing_portal, portal_params())
    assert result["changed"] is False and script.writes == [] and result["api_requests"] == 1


def test_portal_sends_only_the_features_that_differ(stripe_script):
    script = stripe_script(("GET", "/billing_portal/configurations", listing(configuration())),
                           ("POST", "/billing_portal/configurations/bpc_1", configuration()))
    features = dict(FEATURES, subscription_cancel=dict(enabled=True))
    run(stripe_billing_portal, portal_params(features=features, default_return_url="https://app.prela.app/billing"))
    script.done()
    assert script.sent[1].form == [("features[subscription_cancel][enabled]", "true"),
                                   ("default_return_url", "https://app.prela.app/billing"),
                                   ("expand[]", "features.subscription_update.products")]


def test_portal_check_mode_absent_and_the_default(stripe_script):
    script = stripe_script(("GET", "/billing_portal/configurations", listing(configuration())))
    result = run(stripe_billing_portal, portal_params(name="Prela"), check_mode=True)
    assert result["changed"] is True and script.writes == [] and result["configuration"]["name"] == "Prela"
    script = stripe_script(("GET", "/billing_portal/configurations", listing(configuration())),
                           ("POST", "/billing_portal/configurations/bpc_1", configuration(active=False)))
    assert run(stripe_billing_portal, portal_params(state="absent"))["changed"] is True
    assert script.sent[1].form[0] == ("active", "false")
    script = stripe_script(("GET", "/billing_portal/configurations", listing(configuration(is_default=True))))
    result = run(stripe_billing_portal, portal_params(state="absent"))
    assert result["failed"] and result["msg"].startswith("state: bpc_1 is the account's default") and not script.writes


@pytest.mark.parametrize("change, field", [
    (dict(features=dict(invoice_histroy=dict(enabled=True))), "features"),
    (dict(features=dict(subscription_update=dict(enabled=True, products=[dict(product="p")]))),
     "features.subscription_update.products[0]"),
    (dict(features=dict(subscription_cancel=dict(cancellation_reason=dict(enabled=True, reasons=[])))),
     "features.subscription_cancel.cancellation_reason"),
    (dict(key=""), "key"),
])
def test_portal_bad_input(stripe_script, change, field):
    script = stripe_script()
    result = run(stripe_billing_portal, portal_params(**change))
    assert result["failed"] and result["msg"].startswith(field + ": ") and script.sent == []


def test_portal_needs_features_to_be_created(stripe_script):
    script = stripe_script(("GET", "/billing_portal/configurations", listing()))
    result = run(stripe_billing_portal, portal_params(features=None))
    assert result["failed"] and result["msg"].startswith("features: ") and script.writes == []
