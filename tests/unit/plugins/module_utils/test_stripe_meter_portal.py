# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stripe_billing_portal, stripe_meter
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

from .stripe_script import listing, stripe_error, stripe_script  # noqa: F401  pylint: disable=unused-import

KEY = "sk_test_unit0123456789abcdef"
BASE = dict(api_key=KEY, api_base="http://stripe.invalid", allow_live=False, validate_certs=True, timeout=5)


def run(resource, p, check_mode=False):
    return execute(resource, TaskContext(p, check_mode=check_mode, diff=True, no_log_values={KEY}))


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
