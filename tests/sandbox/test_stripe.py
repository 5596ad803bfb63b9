"""The sandbox's Stripe: it refuses what Stripe refuses, in Stripe's error shape, and keeps Stripe's rules
(idempotency replay, immutability, lookup keys, lists, lagging search)."""
import json
import os
import subprocess
import sys
import time
import uuid

import pytest

VERSION = "2026-10-28.endive"
EVENTS = ["invoice.paid", "checkout.session.completed"]


class Stripe:
    def __init__(self, sandbox, key=None):
        self.sandbox = sandbox
        self.key = key or sandbox.env["STRIPE_API_KEY"]
        self.base = sandbox.env["STRIPE_API_BASE"] + "/v1"

    def request(self, method, path, data=None, params=None, key=None, idempotency_key="fresh", version=VERSION,
                headers=None):
        sent = {"Authorization": "Bearer " + (key or self.key)}
        if version:
            sent["Stripe-Version"] = version
        if method == "POST" and idempotency_key:
            sent["Idempotency-Key"] = uuid.uuid4().hex if idempotency_key == "fresh" else idempotency_key
        sent.update(headers or {})
        return self.sandbox.session.request(method, self.base + path, data=data, params=params, headers=sent,
                                            timeout=10)

    def ok(self, method, path, data=None, params=None, **kwargs):
        response = self.request(method, path, data, params, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def error(self, status, method, path, data=None, params=None, **kwargs):
        response = self.request(method, path, data, params, **kwargs)
        assert response.status_code == status, response.text
        body = response.json()
        assert set(body) == {"error"} and body["error"]["message"], body
        return body["error"]


@pytest.fixture
def stripe(sandbox):
    return Stripe(sandbox)


def product(stripe, **fields):
    return stripe.ok("POST", "/products", dict({"name": "Pro"}, **fields))


def price(stripe, product_id, **fields):
    data = {"product": product_id, "currency": "usd", "unit_amount": "1500", "recurring[interval]": "month"}
    data.update(fields)
    return stripe.ok("POST", "/prices", data)


# ------------------------------------------------------------------------------ the request
def test_api_key(stripe, sandbox):
    response = sandbox.session.get(stripe.base + "/products", headers={"Stripe-Version": VERSION}, timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith("You did not provide an API key.")
    error = stripe.error(401, "GET", "/products", key="sk_test_wrongwrongwrong1234")
    assert error["message"].startswith("Invalid API Key provided: sk_test_")
    assert "wrongwrongwrong" not in error["message"] and error["message"].endswith("1234")


def test_version_is_pinned_and_known(stripe):
    assert stripe.error(400, "GET", "/products", version=None)["message"].startswith(
        "railstack sandbox: every request must pin Stripe-Version")
    assert stripe.error(400, "GET", "/products", version="2099-01-01.nope")["message"] == \
        "Invalid Stripe API version: 2099-01-01.nope"
    assert stripe.request("GET", "/products", version="2025-11-17.clover").status_code == 200


def test_posts_need_an_idempotency_key_and_a_form_body(stripe):
    error = stripe.error(400, "POST", "/products", {"name": "P"}, idempotency_key=None)
    assert error["message"].startswith("railstack sandbox: every POST must carry an Idempotency-Key")
    response = stripe.request("POST", "/products", json.dumps({"name": "P"}),
                              headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "Content-Type application/json" in response.json()["error"]["message"]
    assert stripe.ok("GET", "/products")["data"] == []


def test_unknown_urls_and_methods(stripe):
    error = stripe.error(404, "GET", "/nothing")
    assert error["message"].startswith("Unrecognized request URL (GET: /v1/nothing).")
    assert stripe.error(404, "DELETE", "/prices/price_x")["message"].startswith("Unrecognized request URL (DELETE")


@pytest.mark.parametrize("path, data, code, param, message", [
    ("/products", {"name": "P", "colour": "red"}, "parameter_unknown", "colour", "Received unknown parameter: colour"),
    ("/products", {"description": "x"}, "parameter_missing", "name", "Missing required param: name."),
    ("/products", {"name": ""}, "parameter_invalid_empty", "name", "You passed an empty string for 'name'."),
    ("/products", {"name": "P", "active": "yes"}, None, "active", "Invalid boolean: yes"),
    ("/prices", {"currency": "usd", "product": "p", "unit_amount": "12.5"}, "parameter_invalid_integer",
     "unit_amount", "Invalid integer: 12.5"),
    ("/prices", {"currency": "usd", "product": "p", "unit_amount": "5", "recurring[interval]": "fortnight"}, None,
     "recurring[interval]", "Invalid recurring[interval]: must be one of day, month, week, or year"),
    ("/prices", {"currency": "usd", "product": "p", "unit_amount": "5", "recurring[interval]": "month",
                 "recurring[aggregate_usage]": "sum"}, "parameter_unknown", "recurring[aggregate_usage]",
     "Received unknown parameter: recurring[aggregate_usage]"),
    ("/webhook_endpoints", {"url": "https://x.test", "enabled_events[]": "invoice.paidd"}, None,
     "enabled_events[0]", "Invalid enabled_events[0]: must be one of"),
    ("/webhook_endpoints", {"url": "https://x.test", "enabled_events[]": "*", "api_version": "2010-01-01"}, None,
     "api_version", "Invalid api_version: must be one of"),
])
def test_parameters_are_checked_as_stripe_types_them(stripe, path, data, code, param, message):
    error = stripe.error(400, "POST", path, data)
    assert error["type"] == "invalid_request_error"
    assert error.get("code") == code and error["param"] == param
    assert error["message"].startswith(message)


def test_list_filters_are_checked_too(stripe):
    assert stripe.error(400, "GET", "/prices", params={"lookup_key": "x"})["code"] == "parameter_unknown"
    assert stripe.error(400, "GET", "/products", params={"limit": "0"})["param"] == "limit"


# ------------------------------------------------------------------------------ idempotency
def test_same_key_same_parameters_replays_the_answer(stripe):
    first = stripe.request("POST", "/products", {"name": "P"}, idempotency_key="k1")
    again = stripe.request("POST", "/products", {"name": "P"}, idempotency_key="k1")
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Original-Request"] == first.headers["Request-Id"]
    assert len(stripe.ok("GET", "/products")["data"]) == 1


def test_same_key_other_parameters_is_an_idempotency_error(stripe):
    stripe.ok("POST", "/products", {"name": "P"}, idempotency_key="k2")
    error = stripe.error(400, "POST", "/products", {"name": "Q"}, idempotency_key="k2")
    assert error["type"] == "idempotency_error"
    assert error["message"] == ("Keys for idempotent requests can only be used with the same parameters they were "
                                "first used with. Try using a key other than 'k2' if you meant to execute a different "
                                "request.")
    error = stripe.error(400, "POST", "/webhook_endpoints", {"url": "https://x.test"}, idempotency_key="k2")
    assert error["type"] == "idempotency_error" and "same endpoint" in error["message"]


def test_a_refused_request_keeps_nothing_for_its_key_but_an_executed_error_is_replayed(stripe):
    stripe.error(400, "POST", "/products", {"name": "P", "bogus": "1"}, idempotency_key="k3")
    assert stripe.ok("POST", "/products", {"name": "P"}, idempotency_key="k3")["name"] == "P"
    first = stripe.error(404, "POST", "/products/nope", {"name": "P"}, idempotency_key="k4")
    product(stripe, id="nope")
    assert stripe.error(404, "POST", "/products/nope", {"name": "P"}, idempotency_key="k4") == first


def test_a_500_is_kept_for_its_key_and_replayed_to_a_retry(stripe, sandbox):
    sandbox.control("POST", "faults", {"next": [{"kind": "500", "api": "stripe", "match": "POST /v1/products"}]})
    first = stripe.request("POST", "/products", {"name": "P"}, idempotency_key="k500")
    assert first.status_code == 500 and first.headers["Stripe-Should-Retry"] == "false"
    again = stripe.request("POST", "/products", {"name": "P"}, idempotency_key="k500")
    assert again.status_code == 500 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and again.json()["error"]["type"] == "api_error"
    assert again.headers["Original-Request"] == first.headers["Request-Id"]
    assert stripe.ok("GET", "/products")["data"] == []
    assert stripe.ok("POST", "/products", {"name": "P"}, idempotency_key="k501")["name"] == "P"


def test_with_error_replay_off_a_retry_after_a_500_runs(stripe, sandbox):
    settings = sandbox.control("POST", "stripe/realism", {"idempotent_error_replay": False})
    assert settings.status_code == 200 and settings.json()["settings"] == {"idempotent_error_replay": False}
    sandbox.control("POST", "faults", {"next": [{"kind": "500", "api": "stripe", "match": "POST /v1/products"}]})
    assert stripe.request("POST", "/products", {"name": "P"}, idempotency_key="k502").status_code == 500
    assert stripe.ok("POST", "/products", {"name": "P"}, idempotency_key="k502")["name"] == "P"
    assert sandbox.control("POST", "stripe/realism", {"bogus": True}).status_code == 400
    sandbox.control("POST", "reset")
    assert sandbox.control("GET", "stripe/realism").json()["settings"] == {"idempotent_error_replay": True}


def test_a_lost_answer_is_replayed_to_the_retry(stripe, sandbox):
    sandbox.control("POST", "faults", {"next": [{"kind": "drop_after_commit", "api": "stripe",
                                                 "match": "POST /v1/webhook_endpoints"}]})
    data = {"url": "https://x.test/h", "enabled_events[]": EVENTS}
    with pytest.raises(Exception):
        stripe.request("POST", "/webhook_endpoints", data, idempotency_key="k5")
    retry = stripe.ok("POST", "/webhook_endpoints", data, idempotency_key="k5")
    assert retry["secret"].startswith("whsec_")
    assert [e["id"] for e in stripe.ok("GET", "/webhook_endpoints")["data"]] == [retry["id"]]


# ------------------------------------------------------------------------------ objects and lists
def test_objects_have_stripe_ids_and_mode(stripe):
    prod = product(stripe)
    assert prod["id"].startswith("prod_") and prod["object"] == "product" and prod["livemode"] is False
    assert prod["created"] == prod["updated"] and prod["marketing_features"] == [] and prod["default_price"] is None
    pr = price(stripe, prod["id"])
    assert pr["id"].startswith("price_") and pr["type"] == "recurring" and pr["unit_amount_decimal"] == "1500"
    assert pr["recurring"] == {"interval": "month", "interval_count": 1, "meter": None, "trial_period_days": None,
                               "usage_type": "licensed"}
    assert stripe.ok("GET", "/prices/" + pr["id"], params={"expand[]": "product"})["product"] == \
        stripe.ok("GET", "/products/" + prod["id"])
    assert stripe.error(400, "GET", "/prices/" + pr["id"], params={"expand[]": "colour"})["message"] == \
        "This property cannot be expanded (colour)."
    missing = stripe.error(404, "GET", "/products/prod_nope")
    assert missing == {**missing, "code": "resource_missing", "param": "id", "message": "No such product: 'prod_nope'"}


def test_lists_are_newest_first_with_cursors(stripe):
    ids = [product(stripe, name="P%d" % i)["id"] for i in range(5)]
    page = stripe.ok("GET", "/products", params={"limit": "2"})
    assert page["object"] == "list" and page["url"] == "/v1/products" and page["has_more"] is True
    assert [p["id"] for p in page["data"]] == ids[:2:-1][:2]
    rest = stripe.ok("GET", "/products", params={"limit": "10", "starting_after": page["data"][-1]["id"]})
    assert [p["id"] for p in rest["data"]] == ids[2::-1] and rest["has_more"] is False
    before = stripe.ok("GET", "/products", params={"limit": "1", "ending_before": ids[0]})
    assert [p["id"] for p in before["data"]] == [ids[1]] and before["has_more"] is True


# ------------------------------------------------------------------------------ products and prices
def test_product_ids_are_unique_and_products_with_prices_stay(stripe):
    product(stripe, id="prela_pro")
    error = stripe.error(400, "POST", "/products", {"id": "prela_pro", "name": "Again"})
    assert (error["code"], error["param"]) == ("resource_already_exists", "id")
    price(stripe, "prela_pro")
    assert "has one or more user-created prices" in stripe.error(400, "DELETE", "/products/prela_pro")["message"]
    product(stripe, id="empty")
    assert stripe.ok("DELETE", "/products/empty") == {"id": "empty", "object": "product", "deleted": True}


def test_price_terms_cannot_change(stripe):
    pr = price(stripe, product(stripe)["id"])
    error = stripe.error(400, "POST", "/prices/" + pr["id"], {"unit_amount": "2000"})
    assert (error["code"], error["param"]) == ("parameter_unknown", "unit_amount")
    assert stripe.error(404, "DELETE", "/prices/" + pr["id"])["message"].startswith("Unrecognized request URL")
    updated = stripe.ok("POST", "/prices/" + pr["id"], {"tax_behavior": "exclusive", "nickname": "monthly"})
    assert (updated["tax_behavior"], updated["nickname"]) == ("exclusive", "monthly")
    error = stripe.error(400, "POST", "/prices/" + pr["id"], {"tax_behavior": "inclusive"})
    assert error["param"] == "tax_behavior"


def test_lookup_keys_are_unique_and_move_with_transfer(stripe):
    prod = product(stripe)["id"]
    old = price(stripe, prod, lookup_key="pro_monthly")
    error = stripe.error(400, "POST", "/prices", {"product": prod, "currency": "usd", "unit_amount": "5",
                                                   "lookup_key": "pro_monthly"})
    assert error["message"] == "A price (`%s`) already uses that lookup key." % old["id"]
    new = price(stripe, prod, unit_amount="2900", lookup_key="pro_monthly", transfer_lookup_key="true")
    assert stripe.ok("GET", "/prices/" + old["id"])["lookup_key"] is None
    found = stripe.ok("GET", "/prices", params=[("lookup_keys[]", "pro_monthly")])["data"]
    assert [p["id"] for p in found] == [new["id"]]


def test_listing_prices_shows_active_ones_unless_asked(stripe):
    prod = product(stripe)["id"]
    archived = price(stripe, prod, lookup_key="old")
    stripe.ok("POST", "/prices/" + archived["id"], {"active": "false"})
    assert stripe.ok("GET", "/prices", params=[("lookup_keys[]", "old")])["data"] == []
    assert [p["id"] for p in stripe.ok("GET", "/prices", params=[("lookup_keys[]", "old"), ("active", "false")])[
        "data"]] == [archived["id"]]


def test_a_default_price_cannot_be_archived(stripe):
    prod = product(stripe, **{"default_price_data[currency]": "usd", "default_price_data[unit_amount]": "900"})
    assert prod["default_price"].startswith("price_")
    error = stripe.error(400, "POST", "/prices/" + prod["default_price"], {"active": "false"})
    assert "default price of its product" in error["message"]


def test_metadata_is_set_unset_and_cleared(stripe):
    prod = product(stripe, **{"metadata[a]": "1", "metadata[b]": "2"})
    assert prod["metadata"] == {"a": "1", "b": "2"}
    prod = stripe.ok("POST", "/products/" + prod["id"], {"metadata[a]": "", "metadata[c]": "3"})
    assert prod["metadata"] == {"b": "2", "c": "3"}
    assert stripe.ok("POST", "/products/" + prod["id"], {"metadata": ""})["metadata"] == {}
    assert stripe.error(400, "POST", "/products/" + prod["id"], {"metadata[%s]" % ("k" * 41): "v"})["param"]


def test_search_lags_behind_writes(start_sandbox, monkeypatch):
    monkeypatch.setenv("RAILSTACK_SANDBOX_STRIPE_SEARCH_LAG", "1.0")
    stripe = Stripe(start_sandbox())
    product(stripe, id="pro", **{"metadata[plan]": "pro"})
    query = {"query": "metadata['plan']:'pro' AND active:'true'"}
    assert stripe.ok("GET", "/products/search", params=query)["data"] == []
    time.sleep(1.2)
    found = stripe.ok("GET", "/products/search", params=query)
    assert found["object"] == "search_result" and [p["id"] for p in found["data"]] == ["pro"]
    stripe.ok("POST", "/products/pro", {"active": "false"})
    assert [p["id"] for p in stripe.ok("GET", "/products/search", params=query)["data"]] == ["pro"]  # not yet
    time.sleep(1.2)
    assert stripe.ok("GET", "/products/search", params=query)["data"] == []
    assert stripe.error(400, "GET", "/products/search", params={"query": "a:'1' AND b:'2' OR c:'3'"})["param"] == "query"


# ------------------------------------------------------------------------------ webhook endpoints
def test_the_secret_is_shown_once(stripe):
    created = stripe.ok("POST", "/webhook_endpoints", {"url": "https://x.test/h", "enabled_events[]": EVENTS,
                                                       "connect": "true", "api_version": VERSION})
    assert created["id"].startswith("we_") and created["secret"].startswith("whsec_")
    assert created["api_version"] == VERSION and "connect" not in created
    assert created["application"].startswith("ca_")
    own = stripe.ok("POST", "/webhook_endpoints", {"url": "https://x.test/own", "enabled_events[]": EVENTS})
    assert own["application"] is None
    listed = {e["id"]: e["application"] for e in stripe.ok("GET", "/webhook_endpoints")["data"]}
    assert listed == {created["id"]: created["application"], own["id"]: None}
    second = stripe.ok("POST", "/webhook_endpoints", {"url": "https://x.test/h2", "enabled_events[]": EVENTS,
                                                      "connect": "true"})
    assert second["application"] == created["application"]    # one platform, one application
    assert "secret" not in stripe.ok("GET", "/webhook_endpoints/" + created["id"])
    assert "secret" not in stripe.ok("GET", "/webhook_endpoints")["data"][0]
    error = stripe.error(400, "POST", "/webhook_endpoints/" + created["id"], {"api_version": "2025-11-17.clover"})
    assert error["code"] == "parameter_unknown"
    updated = stripe.ok("POST", "/webhook_endpoints/" + created["id"], {"disabled": "true", "description": ""})
    assert (updated["status"], updated["description"]) == ("disabled", None)
    assert stripe.ok("DELETE", "/webhook_endpoints/" + created["id"])["deleted"] is True


def test_at_most_sixteen_endpoints(stripe):
    for i in range(16):
        stripe.ok("POST", "/webhook_endpoints", {"url": "https://x.test/%d" % i, "enabled_events[]": "*"})
    error = stripe.error(400, "POST", "/webhook_endpoints", {"url": "https://x.test/17", "enabled_events[]": "*"})
    assert "maximum of 16 test webhook endpoints" in error["message"]


def test_a_live_key_sees_live_objects_and_live_rules(start_sandbox):
    live = Stripe(start_sandbox("--token-stripe", "sk_live_sandbox_live_key_0123"))
    assert live.ok("GET", "/products")["data"] == []
    assert live.ok("POST", "/products", {"name": "P"})["livemode"] is True
    error = live.error(400, "POST", "/webhook_endpoints", {"url": "http://x.test/h", "enabled_events[]": "*"})
    assert "live mode must use HTTPS" in error["message"]


# ------------------------------------------------------------------------------ the parameter table
def test_params_json_is_what_stripe_16_1_0_types():
    """Regenerating sandbox/railstack_sandbox/stripe/params.json from the stripe package changes nothing."""
    python = os.path.expanduser("~/.cache/api-contracts-venv/bin/python")
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    target = os.path.join(repo, "sandbox", "railstack_sandbox", "stripe", "params.json")
    check = subprocess.run([python, "-c", "import stripe; print(stripe.VERSION)"], capture_output=True, text=True,
                           check=False) if os.path.exists(python) else None
    if check is None or check.stdout.strip() != "16.1.0":
        pytest.skip("no stripe 16.1.0 at %s (the contract checker's venv)" % python)
    with open(target, encoding="utf-8") as f:
        before = f.read()
    try:
        subprocess.run([python, os.path.join(repo, "sandbox", "tools", "make_stripe_params.py")], check=True,
                       capture_output=True, text=True)
        with open(target, encoding="utf-8") as f:
            assert f.read() == before
    finally:
        with open(target, "w", encoding="utf-8") as f:
            f.write(before)
    assert sys.version_info >= (3, 9)


# ------------------------------------------------------------------------------ coupons and tax rates
def test_coupons_keep_their_terms(stripe):
    made = stripe.ok("POST", "/coupons", {"id": "LAUNCH", "percent_off": "20", "duration": "repeating",
                                          "duration_in_months": "3", "applies_to[products][]": product(stripe)["id"]})
    assert (made["object"], made["percent_off"], made["valid"], made["times_redeemed"]) == ("coupon", 20.0, True, 0)
    assert "applies_to" not in made
    assert stripe.ok("GET", "/coupons/LAUNCH", params={"expand[]": "applies_to"})["applies_to"]["products"]
    error = stripe.error(400, "POST", "/coupons", {"id": "LAUNCH", "percent_off": "5"})
    assert error["code"] == "resource_already_exists"
    assert stripe.error(400, "POST", "/coupons/LAUNCH", {"percent_off": "30"})["code"] == "parameter_unknown"
    assert stripe.ok("POST", "/coupons/LAUNCH", {"name": "Launch"})["name"] == "Launch"
    assert stripe.error(400, "POST", "/coupons", {"percent_off": "5", "amount_off": "100"})["param"] == "percent_off"
    assert stripe.error(400, "POST", "/coupons", {"amount_off": "100"})["param"] == "currency"
    assert stripe.error(400, "POST", "/coupons", {"percent_off": "5", "duration": "repeating"})["param"] == \
        "duration_in_months"
    assert stripe.ok("DELETE", "/coupons/LAUNCH") == {"id": "LAUNCH", "object": "coupon", "deleted": True}
    assert len(stripe.ok("POST", "/coupons", {"percent_off": "5"})["id"]) == 8


def test_tax_rates_are_archived_not_deleted(stripe):
    made = stripe.ok("POST", "/tax_rates", {"display_name": "VAT", "percentage": "19", "inclusive": "false",
                                            "country": "DE", "tax_type": "vat"})
    assert made["id"].startswith("txr_") and made["rate_type"] == "percentage" and made["active"] is True
    path = "/tax_rates/" + made["id"]
    assert stripe.error(404, "DELETE", path)["message"].startswith("Unrecognized request URL (DELETE")
    assert stripe.error(400, "POST", path, {"percentage": "7"})["code"] == "parameter_unknown"
    assert stripe.error(400, "POST", path, {"description": ""})["code"] == "parameter_invalid_empty"
    assert stripe.ok("POST", path, {"active": "false"})["active"] is False
    assert stripe.ok("GET", "/tax_rates", params={"active": "true"})["data"] == []
    assert stripe.error(400, "POST", "/tax_rates", {"display_name": "X", "percentage": "1", "inclusive": "false",
                                                    "country": "Germany"})["param"] == "country"


# ------------------------------------------------------------------------------ meters and portal configurations
def meter(stripe, event_name="trace", **fields):
    return stripe.ok("POST", "/billing/meters", dict({"display_name": "Traces", "event_name": event_name,
                                                      "default_aggregation[formula]": "sum"}, **fields))


def test_meters_change_only_their_name_and_one_is_active_per_event(stripe):
    made = meter(stripe)
    assert (made["object"], made["status"], made["value_settings"]) == ("billing.meter", "active",
                                                                        {"event_payload_key": "value"})
    path = "/billing/meters/" + made["id"]
    assert stripe.error(400, "POST", path, {"event_name": "other"})["code"] == "parameter_unknown"
    assert stripe.error(400, "POST", "/billing/meters", {"display_name": "T", "event_name": "trace",
                                                         "default_aggregation[formula]": "count"})["param"] == "event_name"
    assert stripe.error(404, "DELETE", path)["message"].startswith("Unrecognized request URL")
    prod = product(stripe)["id"]
    metered = {"product": prod, "currency": "usd", "unit_amount": "1", "recurring[interval]": "month",
               "recurring[usage_type]": "metered"}
    assert stripe.error(400, "POST", "/prices", metered)["param"] == "recurring[meter]"
    assert stripe.ok("POST", "/prices", dict(metered, **{"recurring[meter]": made["id"]}))["recurring"]["meter"] == \
        made["id"]
    gone = stripe.ok("POST", path + "/deactivate")
    assert gone["status"] == "inactive" and gone["status_transitions"]["deactivated_at"]
    assert stripe.error(400, "POST", "/prices", dict(metered, **{"recurring[meter]": made["id"]}))["param"] == \
        "recurring[meter]"
    assert stripe.ok("GET", "/billing/meters", params={"status": "inactive"})["data"][0]["id"] == made["id"]
    newer = meter(stripe)
    assert "already exists" in stripe.error(400, "POST", path + "/reactivate")["message"]
    stripe.ok("POST", "/billing/meters/%s/deactivate" % newer["id"])
    assert stripe.ok("POST", path + "/reactivate")["status"] == "active"


def test_portal_products_show_only_when_expanded(stripe):
    prod = product(stripe)["id"]
    monthly = price(stripe, prod)["id"]
    data = {"features[invoice_history][enabled]": "true", "features[subscription_update][enabled]": "true",
            "features[subscription_update][default_allowed_updates][]": "price",
            "features[subscription_update][products][0][product]": prod,
            "features[subscription_update][products][0][prices][]": monthly}
    made = stripe.ok("POST", "/billing_portal/configurations", data)
    assert made["id"].startswith("bpc_") and made["is_default"] is False and made["active"] is True
    assert "products" not in made["features"]["subscription_update"]
    listed = stripe.ok("GET", "/billing_portal/configurations",
                       params={"expand[]": "data.features.subscription_update.products"})["data"][0]
    assert listed["features"]["subscription_update"]["products"] == [
        {"adjustable_quantity": {"enabled": False, "maximum": None, "minimum": 1}, "prices": [monthly], "product": prod}]
    error = stripe.error(400, "POST", "/billing_portal/configurations",
                         {"features[subscription_update][enabled]": "true"})
    assert error["param"] == "features[subscription_update][products]"
    one_time = stripe.ok("POST", "/prices", {"product": prod, "currency": "usd", "unit_amount": "5"})["id"]
    error = stripe.error(400, "POST", "/billing_portal/configurations", dict(
        data, **{"features[subscription_update][products][0][prices][]": one_time}))
    assert "not a recurring price" in error["message"]
    assert stripe.error(404, "DELETE", "/billing_portal/configurations/" + made["id"])["message"].startswith(
        "Unrecognized")
    assert stripe.ok("POST", "/billing_portal/configurations/" + made["id"], {"active": "false"})["active"] is False
