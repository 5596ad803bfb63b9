"""What a provider module is, and how a request finds its provider.

A provider (one module or package per outside API) subclasses `Provider`:

    class StripeProvider(Provider):
        name = "stripe"
        base_path = "/v1"
        route_header = "Stripe-Version"          # a request under /v1 carrying it is Stripe's
        path_prefixes = ("/v1/products", ...)     # else: these paths are Stripe's
        def handle(self, request, store): ...     # -> wire.Response

and is listed in `all_providers()`. Stripe and Clerk share /v1: a request goes first to the
provider whose `route_header` it carries, then to the first provider that `claims` its path.
"""
from .wire import Response


class Provider:
    name = ""
    base_path = "/"            # every path this provider serves starts here
    route_header = None        # a request under base_path carrying this header is ours
    path_prefixes = ()         # else these paths (under base_path) are ours

    def __init__(self, credentials):
        self.credentials = credentials

    def initial_state(self, store):
        """This provider's section of an empty state."""
        return {}

    def on_load(self, store):
        """Called once the state is loaded (from a file, or new) and after each reset."""

    def claims(self, request):
        return any(_under(request.path, prefix) for prefix in self.path_prefixes)

    def handle(self, request, store):
        raise NotImplementedError

    def control(self, action, request, store):
        """The answer to /_sandbox/<name>/<action> (a provider's own control endpoints), or None: not found."""
        return None

    def fault_response(self, kind, request):
        """The response for an injected fault (`drop_after_commit` never gets here)."""
        if kind in ("429", "429_edge"):
            return Response.json(429, {"error": "rate limited"}, [("Retry-After", "1")] if kind == "429" else [])
        return Response.json(int(kind), {"error": f"sandbox fault {kind}"})


def all_providers(credentials, options):
    from .railway import RailwayProvider
    from .stripe import StripeProvider
    from .clerk import ClerkProvider
    from .cloudflare import CloudflareProvider
    from .namecheap import NamecheapProvider
    return [RailwayProvider(credentials, rate_limit_per_hour=options.get("railway_rate_limit"),
                            realism_settings=options.get("railway_realism")),
            StripeProvider(credentials, search_lag=options.get("stripe_search_lag")),
            ClerkProvider(credentials),
            CloudflareProvider(credentials), NamecheapProvider(credentials)]


def route(providers, request):
    """The provider that answers this request, or None."""
    for provider in providers:
        if provider.route_header and request.headers.get(provider.route_header) is not None \
                and _under(request.path, provider.base_path):
            return provider
    for provider in providers:
        if provider.claims(request):
            return provider
    return None


def _under(path, base):
    return path == base or path.startswith(base.rstrip("/") + "/")
