"""Cloudflare: the v4 API's zones and DNS records at /client/v4 (https://api.cloudflare.com/client/v4).

The account starts with the zones in records.SEED_ZONES (prela.app, example.com), each empty, on the
Free plan (TTL 60..86400 or 1, batches of 200). Errors use Cloudflare's envelope and codes.

Hook for other sandbox providers (railway_domain's verification): `zone_holds_record(store, zone,
name, type, value)` answers whether a Cloudflare zone holds that record, and `resolve(store, fqdn,
type)` what the sandbox's DNS (Cloudflare zones, then Namecheap domains) answers for a name. A proxied
record is answered as Cloudflare answers it: with Cloudflare's edge addresses (A/AAAA), never its own
content, and no CNAME; `proxied_origin(store, fqdn)` says where Cloudflare forwards such a name's traffic.
"""
from ..provider import Provider
from ..wire import Response
from .api import authenticate, route
from .records import CfError, comparable, initial_state, zone_by_name, zone_records


class CloudflareProvider(Provider):
    name = "cloudflare"
    base_path = "/client/v4"
    path_prefixes = ("/client/v4",)

    def initial_state(self, store):
        return initial_state()

    def handle(self, request, store):
        try:
            authenticate(request, self.credentials.cloudflare)
            return route(store, request)
        except CfError as error:
            return Response.json(error.status, error.payload())

    def fault_response(self, kind, request):
        if kind == "429":
            return Response.json(429, CfError(429, 971, "Please wait and consider throttling your request speed")
                                 .payload(), [("Retry-After", "1")])
        if kind == "429_edge":
            return Response.text(429, "error code: 1015")
        if kind == "500":
            return Response.json(500, CfError(500, 10001, "Internal server error").payload())
        reason = {"502": "Bad gateway", "503": "Service unavailable"}[kind]
        return Response.text(int(kind), f"<html><head><title>{kind} {reason}</title></head><body>cloudflare</body>"
                                        "</html>", "text/html")


def _fqdn(zone, name):
    name = name.lower().rstrip(".")
    if name in ("", "@"):
        return zone
    return name if name == zone or name.endswith("." + zone) else f"{name}.{zone}"


def zone_holds_record(store, zone, name, rtype, value):
    """Does Cloudflare zone `zone` hold `name` (relative or complete) of `rtype` with `value`?

    Values compare as DNS does: TXT quoting and final dots do not matter."""
    section = store.section("cloudflare")
    found = zone_by_name(section, zone)
    if found is None:
        return False
    fqdn = _fqdn(found["name"], name)
    want = comparable({"type": rtype, "content": str(value)})
    return any(r["name"] == fqdn and r["type"] == rtype and comparable(r) == want
               for r in zone_records(section, found["id"]))


# Addresses a proxied name answers with (from Cloudflare's published ranges 104.16.0.0/13, 172.64.0.0/13,
# 2606:4700::/32): the edge, never the record's own content.
EDGE_ADDRESSES = {"A": ["104.21.48.1", "172.67.160.1"], "AAAA": ["2606:4700:3030::6815:3001", "2606:4700:3036::ac43:a001"]}
PROXIED_TYPES = ("A", "AAAA", "CNAME")


def _name_records(store, fqdn):
    """The Cloudflare records called `fqdn` in the longest zone holding it."""
    section = store.section("cloudflare")
    zones = sorted((z for z in section["zones"].values() if fqdn == z["name"] or fqdn.endswith("." + z["name"])),
                   key=lambda z: -len(z["name"]))
    if not zones:
        return []
    return [r for r in zone_records(section, zones[0]["id"]) if r["name"] == fqdn]


def resolve(store, fqdn, rtype):
    """The values the sandbox's DNS serves for `fqdn`/`rtype` (compared form): from the Namecheap domain when it
    is on Namecheap's DNS (its name servers point there), else from the Cloudflare zone holding the name."""
    from ..namecheap import resolve as namecheap_resolve, serves as namecheap_serves
    fqdn = fqdn.lower().rstrip(".")
    if namecheap_serves(store, fqdn):
        return namecheap_resolve(store, fqdn, rtype)
    records = _name_records(store, fqdn)
    if rtype in PROXIED_TYPES and any(r.get("proxied") for r in records if r["type"] in PROXIED_TYPES):
        return list(EDGE_ADDRESSES.get(rtype, []))
    return sorted(comparable(r) for r in records if r["type"] == rtype)


def proxied_origin(store, fqdn):
    """Where Cloudflare forwards a proxied name (its CNAME target, compared form), or None when not proxied."""
    from ..namecheap import serves as namecheap_serves
    fqdn = fqdn.lower().rstrip(".")
    if namecheap_serves(store, fqdn):
        return None
    return next((comparable(r) for r in _name_records(store, fqdn) if r.get("proxied") and r["type"] == "CNAME"),
                None)
