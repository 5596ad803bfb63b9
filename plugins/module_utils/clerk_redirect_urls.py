# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""clerk_redirect_urls: the redirect URLs an instance allows (native and mobile OAuth callbacks), as one list."""

from __future__ import annotations

import re

from ansible_collections.railstack.platform.plugins.module_utils.clerk import (
    ClerkClient, clerk_argument_spec, sync_values)

ARGUMENT_SPEC = dict(
    clerk_argument_spec(),
    urls=dict(type="list", elements="str", required=True),
    exclusive=dict(type="bool", default=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)
# https://..., or a custom scheme such as my-app://oauth-callback (Clerk's words).
URL_RE = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.I)


def redirect_url_result(record):
    return {k: record.get(k) for k in ("id", "url", "created_at", "updated_at")}


def run(ctx):
    params = ctx.params
    urls = [(u or "").strip() for u in params["urls"]]
    for index, url in enumerate(urls):
        if not URL_RE.match(url):
            ctx.fail("urls[%d]: %r is not a full URL; give https://... or a custom scheme such as my-app://callback." % (
                index, url))
    client = ctx.register_client(ClerkClient(params))

    def find(url):
        return next((r for r in client.list("/redirect_urls") if r.get("url") == url), None)

    current = client.list("/redirect_urls")
    added, removed, after = sync_values(
        ctx, current, lambda r: r.get("url"), urls, params["exclusive"], params["state"],
        create=lambda url: client.create("/redirect_urls", dict(url=url), lambda: find(url)),
        delete=lambda r: client.delete("/redirect_urls/%s" % r["id"]),
        preview=lambda url: dict(id=None, url=url))
    before_urls = sorted(r.get("url") for r in current)
    return ctx.result(changed=bool(added or removed), diff=(dict(urls=before_urls), dict(urls=sorted(r["url"] for r in after))),
                      redirect_urls=[redirect_url_result(r) for r in after], added=added,
                      removed=[r.get("url") for r in removed])
