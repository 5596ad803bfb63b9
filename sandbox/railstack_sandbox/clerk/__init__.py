# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Clerk: the Backend API at /v1 (https://api.clerk.com/v1), JSON in and out.

One secret key is one instance: the sandbox's Clerk key (sk_test_...) is a development instance,
and the same key with the sk_live_ prefix is a production instance (primary domain example.com,
with the five CNAME targets Clerk gives production domains). Stripe shares /v1: a request carrying
Clerk-API-Version is Clerk's, else the paths in PATHS are.

Areas, one module each: instance.py (instance settings, restrictions, organization settings, roles,
JWKS), domains.py, jwt_templates.py, lists.py (redirect URLs, allow-list, block-list).
"""
import collections
import math
import time

from ..provider import Provider
from ..wire import Response
from . import domains, instance, jwt_templates, lists  # noqa: F401  (register routes)
from .api import ClerkError, error_response, find_route, not_found
from .records import initial_state

BASE = "/v1"
PATHS = ("/instance", "/domains", "/jwt_templates", "/redirect_urls", "/allowlist_identifiers",
         "/blocklist_identifiers", "/organization_roles", "/jwks")
# Published Backend API versions (clerk/openapi-specs); a request without the header gets the first.
API_VERSIONS = ("2021-02-05", "2024-10-01", "2025-03-12", "2025-04-10", "2025-11-10", "2026-05-12")
# Requests per 10 seconds and instance (clerk.com/docs rate limits); GET /v1/jwks is not limited.
RATE_LIMITS = {"development": 100, "production": 1000}
WINDOW_SECONDS = 10.0


def live_key(test_key):
    """The production instance's key: the sandbox's sk_test_ key with the sk_live_ prefix."""
    return "sk_live_" + test_key.split("_", 2)[2] if test_key.startswith("sk_test_") else test_key + "_live"


def too_many_requests(retry_after):
    return error_response(429, [{"message": "Too many requests", "code": "too_many_requests", "meta": {},
                                 "long_message": "Too many requests, please try again later."}],
                          [("Retry-After", str(retry_after))] if retry_after is not None else [])


class Context:
    def __init__(self, request, store, instance):
        self.request = request
        self.store = store
        self.instance = instance

    def changed(self):
        self.store.mark_changed()


class ClerkProvider(Provider):
    name = "clerk"
    base_path = BASE
    route_header = "Clerk-API-Version"
    path_prefixes = tuple(BASE + p for p in PATHS)

    def __init__(self, credentials, clock=time.monotonic):
        super().__init__(credentials)
        self.keys = {credentials.clerk: "development", live_key(credentials.clerk): "production"}
        self.clock = clock
        self.recent = {env: collections.deque() for env in RATE_LIMITS}

    def initial_state(self, store):
        return initial_state(store)

    def _rate_limited(self, environment, path):
        if path == BASE + "/jwks":
            return None
        now, recent = self.clock(), self.recent[environment]
        while recent and recent[0] <= now - WINDOW_SECONDS:
            recent.popleft()
        if len(recent) >= RATE_LIMITS[environment]:
            return too_many_requests(max(1, math.ceil(recent[0] + WINDOW_SECONDS - now)))
        recent.append(now)
        return None

    def handle(self, request, store):
        try:
            return self._handle(request, store)
        except ClerkError as err:
            return err.response()

    def _handle(self, request, store):
        scheme, _, key = (request.headers.get("Authorization") or "").partition(" ")
        environment = self.keys.get(key) if scheme.lower() == "bearer" else None
        if environment is None:
            raise ClerkError(401, "authentication_invalid", "Invalid authentication",
                             "Unable to authenticate the request, you need to supply an active API key")
        limited = self._rate_limited(environment, request.path)
        if limited is not None:
            return limited
        version = request.headers.get("Clerk-API-Version")
        if version is not None and version not in API_VERSIONS:
            raise ClerkError(400, "invalid_api_version", "Invalid API version",
                             f"{version} is not a valid Clerk-API-Version; use one of {', '.join(API_VERSIONS)}.")
        path = request.path[len(BASE):] if request.path.startswith(BASE + "/") else request.path
        handler, args = find_route(request.method, path)
        if handler is None:
            raise not_found("Resource")
        ctx = Context(request, store, store.section(self.name)["instances"][environment])
        status, payload = handler(ctx, **args)
        if payload is None:
            return Response(status)
        return Response.json(status, payload)

    def fault_response(self, kind, request):
        if kind == "429":
            return too_many_requests(1)
        if kind == "429_edge":            # a limit in front of the API: Clerk's body, no Retry-After
            return too_many_requests(None)
        if kind == "500":
            return error_response(500, [{"message": "Oops, something went wrong", "code": "internal_clerk_error",
                                         "meta": {}, "long_message": "Oops, something went wrong"}])
        reason = {"502": "Bad Gateway", "503": "Service Unavailable"}[kind]
        return Response.text(int(kind), f"<html><head><title>{kind} {reason}</title></head>"
                                        f"<body><center><h1>{kind} {reason}</h1></center></body></html>", "text/html")
