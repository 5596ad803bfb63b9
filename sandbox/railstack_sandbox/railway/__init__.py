# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Railway: the GraphQL API at /graphql/v2 (https://backboard.railway.com/graphql/v2).

One module per area registers resolvers with `graphql_api.resolves`:
projects.py, environments.py, config.py (EnvironmentConfig) with semantics.py (what a merged
config means), services.py, tokens.py, variables.py (reads, rendering, granular writes),
tcp_proxies.py, volumes.py (volume instances), control.py (/_sandbox/railway/<action> endpoints).
A later area (deployments, domains, variables) is one more module imported below,
plus its root fields in sandbox/tools/railway_keep.txt.
"""
import json

from ..provider import Provider
from ..wire import Response
from . import config, environments, projects, services, tokens  # noqa: F401  (register resolvers)
from . import deployments, domains, notifications  # noqa: F401  (register resolvers)
from . import tcp_proxies, variables, volumes  # noqa: F401  (register resolvers and control endpoints)
from . import realism
from .context import Caller, RailwayContext, budget_key, identify_caller
from .control import answer_control
from .graphql_api import answer_graphql
from .rate_limit import RateLimiter
from .records import initial_state


class RailwayProvider(Provider):
    name = "railway"
    base_path = "/graphql/v2"
    path_prefixes = ("/graphql/v2",)

    def __init__(self, credentials, rate_limit_per_hour=None, realism_settings=None):
        super().__init__(credentials)
        self.rate_limit = RateLimiter(rate_limit_per_hour)
        self.store = None           # set by on_load: faults answer with the caller's budget headers too
        self.startup_realism = realism.validated(realism_settings)   # RealismError on a bad one

    def initial_state(self, store):
        state = initial_state()
        state["realism"] = dict(self.startup_realism)
        state["realism_startup"] = dict(self.startup_realism)
        return state

    def handle(self, request, store):
        caller = self.caller(request, store)
        limit_headers, retry_after = self.count_request(store, caller)
        if retry_after is not None:
            return rate_limited(limit_headers, retry_after)
        config.apply_due_patches(RailwayContext(store, Caller("sandbox")))   # patches whose time has come
        response = answer_graphql(request, store, caller)
        response.headers.extend(limit_headers)
        return response

    def caller(self, request, store):
        return identify_caller(request.headers, store.section(self.name), self.credentials.railway,
                               self.credentials.railway_workspace)

    def count_request(self, store, caller, force_exhausted=False):
        """(X-RateLimit-* headers, Retry-After seconds if the caller's budget refuses the request, else None)."""
        data = store.section(self.name)
        return self.rate_limit.count_request(budget_key(caller), realism.plan_limits(data),
                                             realism.current(data)["request_budget"], force_exhausted)

    def on_load(self, store):
        """The settings the sandbox was started with win over those saved in a state file; every token
        starts a fresh hour."""
        data = store.section(self.name)
        data["realism"] = dict(self.startup_realism)
        data["realism_startup"] = dict(self.startup_realism)
        self.rate_limit.new_window()
        self.store = store

    def budget_control(self, request, store):
        """GET: each token's use of its budget; POST {"new_window": true}: every token starts a fresh hour."""
        data = store.section(self.name)
        if request.method == "POST":
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict) or set(body) != {"new_window"} or body["new_window"] is not True:
                return Response.json(400, {"error": 'the body must be {"new_window": true}'})
            self.rate_limit.new_window()
        return Response.json(200, self.rate_limit.view(realism.plan_limits(data), realism.current(data)["request_budget"]))

    def control(self, action, request, store):
        """/_sandbox/railway/<action>: realism, budget, deployments/behaviour (GET, POST), health/<host>[/path] (GET)."""
        if action == "realism" and request.method in ("GET", "POST"):
            data = store.section(self.name)
            if request.method == "GET":
                return Response.json(200, realism.view(data))
            try:
                answer = realism.update(data, json.loads(request.body or b"{}"))
            except ValueError as e:          # RealismError, or a body that is not JSON
                return Response.json(400, {"error": str(e)})
            store.mark_changed()
            return Response.json(200, answer)
        if action == "budget" and request.method in ("GET", "POST"):
            return self.budget_control(request, store)
        if action == "deployments/behaviour" and request.method in ("GET", "POST"):
            data = store.section(self.name)
            if request.method == "GET":
                return Response.json(200, deployments.behaviour_view(data))
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                return Response.json(400, {"error": "the body is not JSON"})
            status, answer = deployments.set_behaviour(data, body)
            if status == 200:
                store.mark_changed()
            return Response.json(status, answer)
        if action.startswith("health/") and request.method in ("GET", "HEAD"):
            status, answer = deployments.health(store.section(self.name), action[len("health/"):].split("/", 1)[0])
            store.mark_changed()
            return Response.json(status, answer)
        return answer_control(action, request, store)     # endpoints registered with control.control()

    def fault_response(self, kind, request):
        caller = self.caller(request, self.store)
        if kind == "429":
            headers, _ = self.count_request(self.store, caller, force_exhausted=True)
            return rate_limited(headers, 1)
        if kind == "429_edge":          # Cloudflare in front of Railway: no rate-limit headers at all
            return Response.text(429, "error code: 1015")
        headers, _ = self.count_request(self.store, caller)
        if kind == "500":
            return Response.json(500, {"errors": [{"message": "Internal Server Error"}]}, headers)
        reason = {"502": "Bad Gateway", "503": "Service Unavailable"}[kind]
        return Response.text(int(kind), f"<html><head><title>{kind} {reason}</title></head>"
                                        f"<body><center><h1>{kind} {reason}</h1></center></body></html>",
                             "text/html", headers)


def rate_limited(limit_headers, retry_after):
    return Response.json(429, {"errors": [{"message": "Rate limit exceeded"}]},
                         [("Retry-After", str(retry_after)), *limit_headers])
