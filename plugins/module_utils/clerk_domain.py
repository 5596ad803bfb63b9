# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""clerk_domain: a domain of a Clerk instance, found by name, with the CNAMEs it needs as dns_records.

Clerk creates satellite domains only (an instance has one primary domain, made with the instance);
the primary domain can be adopted to manage its proxy_url and read its CNAME targets, never deleted.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, Write, converge, deletion
from ansible_collections.railstack.platform.plugins.module_utils.clerk import (
    DOMAIN_RE, ClerkClient, clerk_argument_spec, domain_result)

ARGUMENT_SPEC = dict(
    clerk_argument_spec(),
    name=dict(type="str", required=True),
    is_satellite=dict(type="bool", default=True),
    proxy_url=dict(type="str"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def _validate(ctx, params, environment):
    name = params["name"]
    if "://" in name or "/" in name:
        ctx.fail("name: give the domain name alone, without scheme or path (got %r)." % name)
    if not DOMAIN_RE.match(name) or len(name) > 253:
        ctx.fail("name: %r is not a domain name." % name)
    if ":" in name and environment == "production":
        ctx.fail("name: a production instance takes a fully qualified domain name with no port (got %r)." % name)
    proxy = params["proxy_url"]
    if proxy:
        if environment != "production":
            ctx.fail("proxy_url: Clerk takes a proxy URL on production instances only; this secret key is a "
                     "development instance's (sk_test_).")
        parts = urlsplit(proxy)
        if parts.scheme != "https" or not parts.netloc:
            ctx.fail("proxy_url: give the full https:// URL of the proxy, e.g. https://app.example.com/__clerk (got %r)." % proxy)


def _view(domain):
    return dict(name=domain.get("name"), is_satellite=bool(domain.get("is_satellite")), proxy_url=domain.get("proxy_url"))


def _result(before, after):
    """The domain and its CNAMEs; a deleted domain is shown as it was, with no DNS records left to make."""
    if after:
        shaped = domain_result(after)
        return dict(domain=shaped, cname_targets=shaped["cname_targets"], dns_records=shaped["dns_records"])
    return dict(domain=domain_result(before) if before else {}, cname_targets=[], dns_records=[])


def _create(ctx, client, params, domains):
    name = params["name"]
    if not params["is_satellite"]:
        primary = next((d for d in domains if not d.get("is_satellite")), None)
        ctx.fail("name: the instance's primary domain is %s, not %s; Clerk makes new domains as satellites only "
                 "(set is_satellite=true, or change the primary domain in the Clerk dashboard)."
                 % (primary.get("name") if primary else "not set", name))
    body = dict(name=name, is_satellite=True)
    if params["proxy_url"]:
        body["proxy_url"] = params["proxy_url"]
    return Write(dict(body, id=None, cname_targets=[]), lambda: client.write("POST", "/domains", body))


def _update(ctx, client, params, current):
    if bool(current.get("is_satellite")) != params["is_satellite"]:
        ctx.fail("is_satellite: %s is %s domain at Clerk, and a domain cannot change kind." % (
            params["name"], "a satellite" if current.get("is_satellite") else "the instance's primary"))
    if params["proxy_url"] is None or (current.get("proxy_url") or "") == params["proxy_url"]:
        return None
    patch = dict(proxy_url=params["proxy_url"] or None)
    return Write(dict(current, **patch), lambda: client.write("PATCH", "/domains/%s" % current["id"], patch, safe=True))


def _remove(ctx, client, params, current):
    if not current.get("is_satellite"):
        ctx.fail("name: %s is the instance's primary domain; Clerk cannot delete a primary domain." % params["name"])
    return deletion(lambda: client.delete("/domains/%s" % current["id"]))


def run(ctx):
    params = ctx.params
    params["name"] = params["name"].strip().lower().rstrip(".")
    client = ctx.register_client(ClerkClient(params))
    _validate(ctx, params, client.environment)

    def named(domains):
        return next((d for d in domains if (d.get("name") or "").lower() == params["name"]), None)

    domains = client.list("/domains", paginated=False)
    return converge(ctx, SingleObject(
        find=lambda: named(domains), find_again=lambda: named(client.list("/domains", paginated=False)),
        view=_view, result=_result, create=lambda: _create(ctx, client, params, domains),
        update=lambda current: _update(ctx, client, params, current),
        remove=lambda current: _remove(ctx, client, params, current)))
