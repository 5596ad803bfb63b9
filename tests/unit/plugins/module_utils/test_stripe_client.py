# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Stripe client: live-mode guard, pinned version, idempotency keys, form encoding, errors, pagination."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.railstack.platform.plugins.module_utils import stripe
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, TaskFailed, execute
from ansible_collections.railstack.platform.plugins.module_utils.stripe import (
    STRIPE_VERSION, StripeClient, form_pairs, key_livemode, merged_metadata, metadata_changes)

from .stripe_script import listing, stripe_error, stripe_script  # noqa: F401  pylint: disable=unused-import

KEY = "sk_test_unit0123456789abcdef"


def client(**overrides):
    params = dict(api_key=KEY, api_base="http://stripe.invalid", allow_live=False, validate_certs=True, timeout=5)
    params.update(overrides)
    return StripeClient(params)


# ------------------------------------------------------------------------------ live-mode guard
@pytest.mark.parametrize("key", ["sk_live_abc123", "rk_live_abc123"])
def test_live_keys_are_refused_without_allow_live(key):
    with pytest.raises(TaskFailed) as caught:
        key_livemode(key, False)
    assert caught.value.msg.startswith("api_key: this is a live-mode key")
    assert key not in caught.value.msg
    assert caught.value.extra == dict(livemode=True)


@pytest.mark.parametrize("key,live", [("sk_test_abc", False), ("rk_test_abc", False), ("sk_live_abc", True),
                                      ("rk_live_abc", True)])
def test_modes(key, live):
    assert key_livemode(key, True) is live


@pytest.mark.parametrize("key", ["", "whatever", "pk_test_abc", "sk_prod_abc"])
def test_other_keys_are_refused_naming_api_key(key):
    with pytest.raises(TaskFailed) as caught:
        key_livemode(key, True)
    assert caught.value.msg.startswith("api_key: ")


def test_a_live_key_fails_the_task_before_any_request(stripe_script):
    script = stripe_script()
    from ansible_collections.railstack.platform.plugins.module_utils import stripe_product
    params = dict(api_key="sk_live_realmoney123", api_base="http://stripe.invalid", allow_live=False,
                  validate_certs=True, timeout=5, id="prod_x", key=None, name="X", description=None, active=None,
                  metadata=None, marketing_features=None, state="present")
    result = execute(stripe_product, TaskContext(params, no_log_values={"sk_live_realmoney123"}))
    assert result["failed"] is True
    assert result["msg"].startswith("api_key: ")
    assert result["livemode"] is True
    assert script.sent == []


# ------------------------------------------------------------------------------ form encoding
def test_form_pairs_follow_stripe_nesting():
    pairs = form_pairs(dict(
        url="https://x", enabled_events=["invoice.paid", "checkout.session.completed"], connect=True,
        metadata=dict(plan="pro"), recurring=dict(interval="month", interval_count=1),
        marketing_features=[dict(name="Fast"), dict(name="Safe")], description=None, images=[], extra={}))
    assert pairs == [
        ("url", "https://x"), ("enabled_events[]", "invoice.paid"), ("enabled_events[]", "checkout.session.completed"),
        ("connect", "true"), ("metadata[plan]", "pro"), ("recurring[interval]", "month"),
        ("recurring[interval_count]", "1"), ("marketing_features[0][name]", "Fast"),
        ("marketing_features[1][name]", "Safe"), ("images", ""), ("extra", "")]


def test_metadata_changes_sets_and_unsets_only_what_is_asked():
    current = dict(a="1", b="2", c="3")
    assert metadata_changes(current, dict(a="1", b="9", c=None, d="", e=5)) == dict(b="9", c="", e="5")
    assert merged_metadata(current, dict(b="9", c=None)) == dict(a="1", b="9")
    assert metadata_changes(current, dict(a="1")) == {}


# ------------------------------------------------------------------------------ the wire
def test_every_request_pins_the_version_and_every_post_gets_its_own_key(stripe_script):
    script = stripe_script(("GET", "/products/p", dict(id="p")), ("POST", "/products", dict(id="p")),
                           ("POST", "/products/p", dict(id="p")))
    c = client()
    c.get("/products/p")
    c.post("/products", dict(name="P"))
    c.post("/products/p", dict(name="Q"))
    script.done()
    for sent in script.sent:
        assert sent.headers["Stripe-Version"] == STRIPE_VERSION
        assert sent.headers["Authorization"] == "Bearer %s" % KEY
    assert "Idempotency-Key" not in script.sent[0].headers
    keys = [s.headers["Idempotency-Key"] for s in script.sent[1:]]
    assert len(set(keys)) == 2 and all(k.startswith("railstack-%s-" % c.run_id) for k in keys)
    assert script.sent[1].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert script.sent[1].form == [("name", "P")]


def test_a_retried_post_reuses_its_idempotency_key(stripe_script):
    script = stripe_script(("POST", "/products", requests.exceptions.ConnectionError("reset by peer")),
                           ("POST", "/products", (503, dict(error=dict(type="api_error", message="busy")))),
                           ("POST", "/products", dict(id="p")))
    assert client().post("/products", dict(name="P")) == dict(id="p")
    script.done()
    assert len({s.headers["Idempotency-Key"] for s in script.sent}) == 1


def test_a_500_to_a_post_is_not_retried_and_names_the_request(stripe_script):
    """Stripe keeps a 500 for the Idempotency-Key: a retry with the key would get the same 500 back."""
    answer = (500, dict(error=dict(type="api_error", message="boom")), {"Stripe-Should-Retry": "false"})
    script = stripe_script(("POST", "/webhook_endpoints", answer))
    with pytest.raises(ApiError) as info:
        client().post("/webhook_endpoints", dict(url="https://x.test/h"))
    script.done()
    assert len(script.sent) == 1
    error = info.value
    assert error.status == 500 and error.method == "POST" and error.path == "/v1/webhook_endpoints"
    assert error.message.startswith("Stripe answered HTTP 500 to POST /v1/webhook_endpoints: Stripe: boom.")
    assert "replay" not in error.message and "run the task again" in error.message


def test_a_replayed_500_after_a_lost_answer_says_it_is_a_replay(stripe_script):
    script = stripe_script(("POST", "/products", requests.exceptions.ConnectionError("reset by peer")),
                           ("POST", "/products", (500, dict(error=dict(type="api_error", message="boom")),
                                                  {"Idempotent-Replayed": "true"})))
    with pytest.raises(ApiError) as info:
        client().post("/products", dict(name="P"))
    script.done()
    assert len({s.headers["Idempotency-Key"] for s in script.sent}) == 1
    assert "POST /v1/products (a replay of the answer Stripe kept for this request's Idempotency-Key)" \
        in info.value.message


def test_a_second_run_uses_new_keys(stripe_script):
    script = stripe_script(("POST", "/products", dict(id="p")), ("POST", "/products", dict(id="p")))
    client().post("/products", dict(name="P"))
    client().post("/products", dict(name="P"))
    assert script.sent[0].headers["Idempotency-Key"] != script.sent[1].headers["Idempotency-Key"]


def test_stripe_errors_carry_message_code_and_parameter(stripe_script):
    stripe_script(("POST", "/prices", stripe_error(400, "Invalid integer: abc", "parameter_invalid_integer",
                                                   "unit_amount")))
    with pytest.raises(ApiError) as caught:
        client().post("/prices", dict(unit_amount="abc"))
    assert caught.value.message == "Stripe: Invalid integer: abc (parameter unit_amount)"
    assert caught.value.code == "parameter_invalid_integer"
    assert caught.value.status == 400


def test_find_answers_none_for_a_missing_object(stripe_script):
    stripe_script(("GET", "/products/nope", stripe_error(404, "No such product: 'nope'", "resource_missing", "id")))
    assert client().find("/products/nope") is None


def test_list_all_follows_pages(stripe_script):
    script = stripe_script(("GET", "/webhook_endpoints", listing(dict(id="we_3"), dict(id="we_2"), has_more=True)),
                           ("GET", "/webhook_endpoints", listing(dict(id="we_1"))))
    assert [e["id"] for e in client().list_all("/webhook_endpoints")] == ["we_3", "we_2", "we_1"]
    assert script.sent[0].query == [("limit", "100")]
    assert script.sent[1].query == [("limit", "100"), ("starting_after", "we_2")]


def test_the_key_never_shows_in_errors(stripe_script):
    answer = (401, dict(error=dict(type="invalid_request_error", message="Invalid API Key provided: %s" % KEY)))
    stripe_script(("GET", "/products/p", answer))
    with pytest.raises(ApiError) as caught:
        client().get("/products/p")
    assert KEY not in str(caught.value) and KEY not in repr(caught.value.details)


def test_the_throttle_keeps_under_stripes_test_mode_limit():
    assert stripe.THROTTLE_RPS <= 25
