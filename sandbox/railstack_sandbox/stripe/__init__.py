"""Stripe: the REST API at /v1 (https://api.stripe.com), stateful, in the shapes of API version 2026-10-28.endive.

One module per area registers its routes with `api.route`: webhooks.py, catalog.py (products, prices),
discounts.py (coupons, tax rates), billing.py (customer portal configurations, meters). Parameters are
checked against params.json, generated from the official stripe 16.1.0 package
(sandbox/tools/make_stripe_params.py). docs/stripe.md lists what the sandbox enforces.
"""
import os

from ..provider import Provider
from ..wire import Response
from . import billing, catalog, discounts, webhooks  # noqa: F401  (register routes)
from .account import initial_state
from .api import answer

# Seconds before a write shows in /v1/products/search and /v1/prices/search (Stripe: "less than a minute").
DEFAULT_SEARCH_LAG = 2.0
SEARCH_LAG_ENV = "RAILSTACK_SANDBOX_STRIPE_SEARCH_LAG"


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
        return initial_state()

    def handle(self, request, store):
        return answer(request, store, self.credentials.stripe, self.search_lag)

    def fault_response(self, kind, request):
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
