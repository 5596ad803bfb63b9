"""Railway: the GraphQL API at /graphql/v2 (https://backboard.railway.com/graphql/v2).

One module per area registers resolvers with `graphql_api.resolves`:
projects.py, environments.py, config.py (EnvironmentConfig), services.py, tokens.py.
A later area (deployments, domains, variables) is one more module imported below,
plus its root fields in sandbox/tools/railway_keep.txt.
"""
from ..provider import Provider
from ..wire import Response
from . import config, environments, projects, services, tokens  # noqa: F401  (register resolvers)
from .graphql_api import answer_graphql
from .rate_limit import RateLimitWindow
from .records import initial_state


class RailwayProvider(Provider):
    name = "railway"
    base_path = "/graphql/v2"
    path_prefixes = ("/graphql/v2",)

    def __init__(self, credentials, rate_limit_per_hour=None):
        super().__init__(credentials)
        self.rate_limit = RateLimitWindow(rate_limit_per_hour)

    def initial_state(self, store):
        return initial_state()

    def handle(self, request, store):
        limit_headers, exceeded = self.rate_limit.count_request()
        if exceeded:
            return rate_limited(limit_headers)
        response = answer_graphql(request, store, self.credentials.railway)
        response.headers.extend(limit_headers)
        return response

    def fault_response(self, kind, request):
        if kind == "429":
            headers, _ = self.rate_limit.count_request(force_exhausted=True)
            return rate_limited(headers)
        if kind == "429_edge":          # Cloudflare in front of Railway: no rate-limit headers at all
            return Response.text(429, "error code: 1015")
        headers, _ = self.rate_limit.count_request()
        if kind == "500":
            return Response.json(500, {"errors": [{"message": "Internal Server Error"}]}, headers)
        reason = {"502": "Bad Gateway", "503": "Service Unavailable"}[kind]
        return Response.text(int(kind), f"<html><head><title>{kind} {reason}</title></head>"
                                        f"<body><center><h1>{kind} {reason}</h1></center></body></html>",
                             "text/html", headers)


def rate_limited(limit_headers):
    return Response.json(429, {"errors": [{"message": "Rate limit exceeded"}]},
                         [("Retry-After", "1"), *[h for h in limit_headers if h[0] != "Retry-After"]])
