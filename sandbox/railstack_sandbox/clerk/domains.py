# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""/domains: the primary domain (made with the instance) and satellites."""
import re
from urllib.parse import urlsplit

from .api import BOOL, STR, ClerkError, body, invalid, not_found, route
from .records import domain_object, new_id

HOST = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
PORT = re.compile(r"^[0-9]{1,5}$")


def _check_name(instance, name):
    host, _, port = name.partition(":")
    production = instance["environment_type"] == "production"
    if "://" in name or "/" in name or not HOST.match(host) or (port and not PORT.match(port)):
        raise invalid("name", "name must be a valid domain name, without scheme or path.")
    if production and (port or "." not in host):
        raise invalid("name", "name must be a fully qualified domain name (e.g. mysite.com) for production instances.")


def _check_proxy(instance, proxy_url):
    if proxy_url is None:
        return
    if instance["environment_type"] != "production":
        raise invalid("proxy_url", "proxy_url can only be set for production instances.", "form_param_value_invalid")
    parts = urlsplit(proxy_url)
    if parts.scheme != "https" or not parts.netloc:
        raise invalid("proxy_url", "proxy_url must be a valid https URL.")


def _ordered(instance):
    domains = list(instance["domains"].values())
    return sorted(domains, key=lambda d: d["is_satellite"])      # the primary domain first, then in creation order


@route("GET", "/domains")
def list_domains(ctx):
    data = [domain_object(ctx.instance, d) for d in _ordered(ctx.instance)]
    return 200, {"data": data, "total_count": len(data)}


@route("POST", "/domains")
def add_domain(ctx):
    data = body(ctx.request, {"name": (STR, False), "is_satellite": (BOOL, False), "proxy_url": (STR, True)},
                required=("name", "is_satellite"))
    if data["is_satellite"] is not True:
        raise invalid("is_satellite", "Instances can have only one primary domain: is_satellite must be true.",
                      "form_param_value_invalid")
    name = data["name"].lower()
    _check_name(ctx.instance, name)
    _check_proxy(ctx.instance, data.get("proxy_url"))
    if any(d["name"] == name for d in ctx.instance["domains"].values()):
        raise invalid("name", f"The domain {name} is already in use by this instance.", "form_identifier_exists",
                      "is taken")
    domain_id = new_id(ctx.store, "dmn")
    ctx.instance["domains"][domain_id] = {"id": domain_id, "name": name, "is_satellite": True,
                                          "proxy_url": data.get("proxy_url"), "is_secondary": None}
    ctx.changed()
    return 200, domain_object(ctx.instance, ctx.instance["domains"][domain_id])


def _domain(ctx, domain_id):
    domain = ctx.instance["domains"].get(domain_id)
    if domain is None:
        raise not_found("Domain")
    return domain


@route("PATCH", "/domains/{domain_id}")
def update_domain(ctx, domain_id):
    domain = _domain(ctx, domain_id)
    data = body(ctx.request, {"name": (STR, True), "proxy_url": (STR, True), "is_secondary": (BOOL, True)})
    if data.get("name") is not None:
        name = data["name"].lower()
        _check_name(ctx.instance, name)
        if any(d["name"] == name and d["id"] != domain_id for d in ctx.instance["domains"].values()):
            raise invalid("name", f"The domain {name} is already in use by this instance.", "form_identifier_exists",
                          "is taken")
        domain["name"] = name
    if "proxy_url" in data:                  # null switches back to DNS (CNAME) setup
        _check_proxy(ctx.instance, data["proxy_url"])
        domain["proxy_url"] = data["proxy_url"]
    if data.get("is_secondary") is not None:  # write-only: never part of a Domain object
        domain["is_secondary"] = data["is_secondary"]
    ctx.changed()
    return 200, domain_object(ctx.instance, domain)


@route("DELETE", "/domains/{domain_id}")
def delete_domain(ctx, domain_id):
    domain = _domain(ctx, domain_id)
    if not domain["is_satellite"]:
        raise ClerkError(403, "operation_not_allowed", "not allowed",
                         "It is currently not possible to delete the instance's primary domain.")
    del ctx.instance["domains"][domain_id]
    ctx.changed()
    return 200, {"object": "domain", "id": domain_id, "deleted": True}
