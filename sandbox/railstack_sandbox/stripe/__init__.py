"""Stripe: the REST API at /v1 (https://api.stripe.com), stateful, in the shapes of API version 2026-10-28.endive.

One module per area registers its routes with `api.route`: webhooks.py, catalog.py (products, prices),
discounts.py (coupons, tax rates), billing.py (customer portal configurations, meters). Parameters are
checked against params.json, generated from the official stripe 16.1.0 package
(sandbox/tools/make_stripe_params.py). docs/stripe.md lists what the sandbox enforces.
"""
import json
import os

from ..provider import Provider
from ..wire import Response
from . import billing, catalog, discounts, webhooks  # noqa: F401  (register routes)
from .account import initial_state
from .api import answer, keep_fault_answer
from .errors import StripeError

# Seconds before a write shows in /v1/products/search and /v1/prices/search (Stripe: "less than a minute").
DEFAULT_SEARCH_LAG = 2.0
SEARCH_LAG_ENV = "RAILSTACK_SANDBOX_STRIPE_SEARCH_LAG"
# name -> (default, what it does): how strict the Stripe stand-in is (GET|POST /_sandbox/stripe/realism).
REALISM = {
    "idempotent_error_replay": (True, "a 500 fault on a POST is kept for its Idempotency-Key and replayed to a retry "
                                      "with the same key, as Stripe does"),
}


class StripeProvider(Provider):
    name = "stripe"
    base_path = "/v1"
    route_header = "Stripe-Version"
    path_prefixes = ("/v1/webhook_endpoints", "/v1/products", "/v1/prices", "/v1/coupons", "/v1/tax_rates",
                     "/v1/billing_portal", "/v1/billing/meters")

    def __init__(self, credentials, search_lag=None):
        super().__init__(credentials)
        if search_lag is None:
            search_lag = float(os.environ.get(SEARCH_LAG_ENV, DEFAULT_SEARCH_LAG))
        self.search_lag = search_lag

    def initial_state(self, store):
        state = initial_state()
        state["realism"] = {name: default for name, (default, dummy) in REALISM.items()}
        return state

    def on_load(self, store):
        self.store = store      # fault_response keeps a faulted POST's answer for its Idempotency-Key here

    def handle(self, request, store):
        return answer(request, store, self.credentials.stripe, self.search_lag)

    def control(self, action, request, store):
        """/_sandbox/stripe/realism: GET the settings, POST {name: value} to change them (reset restores them)."""
        if action != "realism" or request.method not in ("GET", "POST"):
            return None
        settings = realism(store)
        if request.method == "POST":
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict) or set(body) - set(REALISM) \
                    or any(not isinstance(v, bool) for v in body.values()):
                return Response.json(400, {"error": "give {name: true|false} for names among %s" % ", ".join(REALISM)})
            settings.update(body)
            store.mark_changed()
        return Response.json(200, {"settings": dict(settings),
                                   "descriptions": {name: doc for name, (dummy, doc) in REALISM.items()}})

    def fault_response(self, kind, request):
        if kind == "500":
            return self._server_error(request)
        if kind in ("429", "429_edge"):
            headers = [("Retry-After", "1")] if kind == "429" else []
            return Response.json(429, {"error": {
                "type": "invalid_request_error", "code": "rate_limit",
                "doc_url": "https://stripe.com/docs/error-codes/rate-limit",
                "message": "Request rate limit exceeded. Learn more about rate limits here "
                           "https://stripe.com/docs/rate-limits."}}, headers)
        return Response.json(int(kind), {"error": {
            "type": "api_error",
            "message": "An unknown error occurred (sandbox fault %s)." % kind}}, [("Stripe-Should-Retry", "true")])

    def _server_error(self, request):
        """A 500 from an endpoint that failed while it ran: kept for the Idempotency-Key when the setting is on
        (Stripe then says not to retry: the same key would get the same answer)."""
        error = StripeError(500, "An unknown error occurred (sandbox fault 500).", type="api_error")
        request_id = None
        if realism(self.store).get("idempotent_error_replay", True):
            request_id = keep_fault_answer(request, self.store, self.credentials.stripe, self.search_lag, error)
        if request_id is None:
            return Response.json(500, error.body(), [("Stripe-Should-Retry", "true")])
        return Response.json(500, error.body(request_id), [("Request-Id", request_id), ("Stripe-Should-Retry", "false"),
                                                           ("Idempotency-Key", request.headers.get("Idempotency-Key"))])


def realism(store):
    """The Stripe stand-in's settings (a state saved before they existed gets the defaults)."""
    return store.section("stripe").setdefault("realism", {name: default for name, (default, dummy) in REALISM.items()})
