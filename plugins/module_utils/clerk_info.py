# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""clerk_info: the instance, its domains, and what an application needs from them (publishable key, JWKS URL)."""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils.clerk import (
    ClerkClient, clerk_argument_spec, domain_result, frontend_api_host, instance_result, primary_domain, publishable_key)

ARGUMENT_SPEC = dict(
    clerk_argument_spec(),
    include_jwks=dict(type="bool", default=False),
)


def run(ctx):
    params = ctx.params
    client = ctx.register_client(ClerkClient(params))
    instance = client.get("/instance")
    domains = client.list("/domains", paginated=False)
    primary = primary_domain(domains)
    values = dict(instance=instance_result(instance), domains=[domain_result(d) for d in domains])
    values["primary_domain"] = domain_result(primary) if primary else {}
    frontend_api = frontend_api_host(primary.get("frontend_api_url")) if primary else None
    values["frontend_api"] = frontend_api
    values["publishable_key"] = publishable_key(frontend_api) if frontend_api else None
    values["jwks_url"] = primary["frontend_api_url"].rstrip("/") + "/.well-known/jwks.json" if frontend_api else None
    values["backend_jwks_url"] = client.api_url + "/jwks"
    values["dns_records"] = [r for d in values["domains"] for r in d["dns_records"]]
    values["railway_variables"] = dict(CLERK_PUBLISHABLE_KEY=values["publishable_key"], CLERK_JWKS_URL=values["jwks_url"])
    if frontend_api is None:
        ctx.warn("Clerk lists no primary domain for this instance: no publishable key or JWKS URL can be derived.")
    if params["include_jwks"]:
        values["jwks"] = client.get("/jwks")
    return ctx.result(changed=False, **values)
