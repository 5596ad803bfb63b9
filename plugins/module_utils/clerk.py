# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Clerk's Backend API: credentials, the client, and helpers shared by the clerk_* modules."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.railstack.platform.plugins.module_utils._http import (
    HttpClient,
    HttpResponse,
    PageGuard,
    ProviderClient,
    unexpected_answer,
)
from ansible_collections.railstack.platform.plugins.module_utils._task import (
    TaskContext,
    TaskFailed,
    create_or_find_again,
)

CLERK_API_URL = "https://api.clerk.com/v1"
# Pinned: every request says which version of the Backend API it was written against.
CLERK_API_VERSION = "2026-05-12"
# Clerk allows 100 requests per 10 s on development instances and 1000 on production ones:
# spacing requests at the sustained rate never trips the window (a 429 is honoured anyway).
THROTTLE_RPS = dict(development=10, production=100)
PAGE_SIZE = 500
# buildPublishableKey() in @clerk/shared keys.ts: development Frontend API hosts look like this.
DEV_FRONTEND_API_RE = re.compile(r"^(([a-z]+)-){2}([0-9]{1,2})\.clerk\.accounts([a-z.]*)(dev|com)$", re.I)
# An origin: scheme://host[:port], nothing after it (chrome-extension://id and capacitor://localhost too).
ORIGIN_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s?#@]+$", re.I)
# A domain name as Clerk takes it: no scheme, no path; a port only for development instances.
DOMAIN_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:[0-9]{1,5})?$")
WRITE_ONLY = "(write-only: Clerk does not return it)"
# A Clerk object as the Backend API answers it (a JSON object).
ClerkObject = dict[str, Any]


def clerk_argument_spec() -> dict[str, Any]:
    """Credentials and endpoint of every clerk_* module; documented in doc_fragments/clerk.py."""
    return dict(
        secret_key=dict(type="str", no_log=True, fallback=(env_fallback, ["CLERK_SECRET_KEY"])),
        api_url=dict(type="str", default=CLERK_API_URL, fallback=(env_fallback, ["CLERK_API_URL"])),
        validate_certs=dict(type="bool", default=True),
        timeout=dict(type="int", default=30),
    )


def clerk_error(response: HttpResponse) -> tuple[str, str | None] | None:
    """(message, code) from Clerk's error body {errors: [{message, long_message, code, meta}]}."""
    body = response.json()
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list) or not body["errors"]:
        return None
    parts: list[str] = []
    code = None
    for err in body["errors"]:
        if not isinstance(err, dict):
            parts.append(str(err))
            continue
        text = err.get("long_message") or err.get("message") or "error"
        param = (err.get("meta") or {}).get("param_name")
        if param and param not in text:
            text = "%s: %s" % (param, text)
        parts.append("%s [%s]" % (text, err.get("code")) if err.get("code") else text)
        code = code or err.get("code")
    where = "%s %s" % (response.method or "", urlsplit(response.url or "").path)
    return "Clerk refused %s (HTTP %d): %s" % (where.strip(), response.status, "; ".join(parts)), code


def environment_of(secret_key: str) -> str:
    """'production' for sk_live_ keys, 'development' for sk_test_ ones (what Clerk's SDKs do)."""
    return "production" if secret_key.startswith("sk_live_") else "development"


class ClerkClient(ProviderClient):
    """JSON over the shared HTTP core. Reads are retried; creates never are (a lost one is found again)."""

    def __init__(self, params: dict[str, Any]) -> None:
        key = params.get("secret_key")
        if not key:
            raise TaskFailed(
                "secret_key: no Clerk secret key; set secret_key or the CLERK_SECRET_KEY environment variable."
            )
        if not key.startswith(("sk_test_", "sk_live_")):
            raise TaskFailed(
                "secret_key: a Clerk secret key starts with sk_test_ or sk_live_; "
                "this one does not (a publishable pk_ key cannot call the Backend API)."
            )
        self.environment = environment_of(key)
        self.api_url = (params.get("api_url") or CLERK_API_URL).rstrip("/")
        self.http = HttpClient(
            "Clerk",
            self.api_url,
            secrets=[key],
            timeout=params.get("timeout") or 30,
            validate_certs=params.get("validate_certs", True),
            throttle_rps=THROTTLE_RPS[self.environment],
            headers={"Authorization": "Bearer %s" % key, "Clerk-API-Version": CLERK_API_VERSION},
            error_parser=clerk_error,
        )

    def get(self, path: str, params: Any = None) -> Any:
        """A JSON object or array; anything else (an HTML page, an empty body) fails naming the request."""
        return self._json(self.http.request("GET", path, params=params), "GET", path, (dict, list))

    def write(self, method: str, path: str, body: Any = None, safe: bool = False) -> ClerkObject | None:
        """POST/PATCH. safe=True for a PATCH that sets absolute values (repeating it changes nothing)."""
        return self._json(self.http.request(method, path, json=body, safe=safe), method, path, dict)

    def read_by_patch(self, path: str) -> ClerkObject | None:
        """The state of a singleton Clerk has no GET for: an empty PATCH answers it and changes nothing."""
        return self._json(self.http.request("PATCH", path, json={}, safe=True), "PATCH", path, dict)

    def _json(self, response: HttpResponse, method: str, path: str, kinds: type | tuple[type, ...]) -> Any:
        if response.status == 204:  # No Content, as Clerk answers some PATCHes
            return None
        body = response.json()
        if not isinstance(body, kinds):
            raise unexpected_answer(
                self.http,
                method,
                self._path(path),
                "not a JSON %s" % ("object" if kinds is dict else "object or array"),
                response.text,
            )
        return body

    def _path(self, path: str) -> str:
        """The URL path a message names (/v1/users)."""
        return self.http._url(path)[1]  # pylint: disable=protected-access

    def delete(self, path: str) -> Any:
        """DELETE; an object already gone (404, e.g. after a lost answer was retried) is not an error."""
        return self.http.request("DELETE", path, allow_status=(404,)).json()

    def list(self, path: str, paginated: bool = True) -> list[ClerkObject]:
        """Every item of a list endpoint, whether it answers a bare array or {data, total_count}."""
        items: list[ClerkObject] = []
        offset = 0
        guard = PageGuard("Clerk", "GET %s" % self._path(path))
        while True:
            params = [("paginated", "true"), ("limit", PAGE_SIZE), ("offset", offset)] if paginated else None
            body = self.get(path, params)
            if isinstance(body, dict) and isinstance(body.get("data"), list):
                page, total = body["data"], body.get("total_count")
            elif isinstance(body, list):
                page, total = body, None
            else:
                raise unexpected_answer(
                    self.http, "GET", self._path(path), "not a list (an array, or data with total_count)"
                )
            if not all(isinstance(item, dict) for item in page):
                raise unexpected_answer(
                    self.http, "GET", self._path(path), "a list holding something other than objects"
                )
            if not page and total is not None and offset < total:
                raise unexpected_answer(
                    self.http, "GET", self._path(path), "an empty page at offset %d of total_count %s" % (offset, total)
                )
            items.extend(page)
            offset += len(page)
            if (
                not paginated
                or not page
                or (total is not None and offset >= total)
                or (total is None and len(page) < PAGE_SIZE)
            ):
                return items
            guard.advance(offset)

    def create(self, path: str, body: Any, find_again: Callable[[], ClerkObject | None]) -> ClerkObject | None:
        """POST a new object once; if the answer is lost, adopt what find_again() finds instead of posting twice."""
        return create_or_find_again(lambda: self.write("POST", path, body), find_again)


# ------------------------------------------------------------------ instance, domains, keys


def instance_result(instance: ClerkObject) -> dict[str, Any]:
    return dict(
        id=instance.get("id"),
        environment_type=instance.get("environment_type"),
        allowed_origins=list(instance.get("allowed_origins") or []),
        workspace_id=instance.get("workspace_id"),
    )


def dns_records(cname_targets: Iterable[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Clerk's cname_targets in the one DNS record shape the dns modules take (DNS-only, never proxied)."""
    return [
        dict(name=t["host"], type="CNAME", values=[t["value"]], ttl="auto", proxied=False) for t in cname_targets or []
    ]


def domain_result(domain: ClerkObject) -> dict[str, Any]:
    """A domain as Clerk has it, plus its CNAMEs as dns_records."""
    targets = [
        dict(host=t.get("host"), value=t.get("value"), required=bool(t.get("required")))
        for t in domain.get("cname_targets") or []
    ]
    return dict(
        id=domain.get("id"),
        name=domain.get("name"),
        is_satellite=bool(domain.get("is_satellite")),
        frontend_api_url=domain.get("frontend_api_url"),
        accounts_portal_url=domain.get("accounts_portal_url"),
        proxy_url=domain.get("proxy_url"),
        development_origin=domain.get("development_origin"),
        cname_targets=targets,
        dns_records=dns_records(targets),
    )


def frontend_api_host(frontend_api_url: str | None) -> str:
    """'clerk.prela.app' from 'https://clerk.prela.app' (the host a publishable key encodes)."""
    url = frontend_api_url or ""
    return (urlsplit(url).netloc or url).rstrip("/")


def publishable_key(frontend_api: str) -> str:
    """Clerk's buildPublishableKey(): pk_test_/pk_live_ + base64(host + '$'), '=' padding stripped."""
    prefix = "pk_test_" if DEV_FRONTEND_API_RE.match(frontend_api) else "pk_live_"
    return prefix + base64.b64encode((frontend_api + "$").encode("utf-8")).decode("ascii").rstrip("=")


def parse_publishable_key(key: str | None) -> str | None:
    """The Frontend API host a publishable key encodes, or None when it is not one."""
    if not key or not key.startswith(("pk_test_", "pk_live_")):
        return None
    encoded = key.split("_", 2)[2]
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return decoded[:-1] if decoded.endswith("$") else None


def primary_domain(domains: Iterable[ClerkObject]) -> ClerkObject | None:
    return next((d for d in domains if not d.get("is_satellite")), None)


# ------------------------------------------------------------------ lists of plain values


def sync_values(
    ctx: TaskContext,
    current: list[ClerkObject],
    value_of: Callable[[ClerkObject], Any],
    desired: list[Any],
    exclusive: bool,
    state: str,
    create: Callable[[Any], ClerkObject],
    delete: Callable[[ClerkObject], Any],
    preview: Callable[[Any], ClerkObject],
) -> tuple[list[Any], list[ClerkObject], list[ClerkObject]]:
    """Reconcile objects that are one value each (a redirect URL, an identifier): Clerk has no update for them.

    current: the objects Clerk has; value_of(obj): its normalised value; desired: normalised values.
    state=present adds what is missing (and, when exclusive, removes the rest); state=absent removes desired.
    Writes only outside check mode: delete(obj), then create(value) -> the new object (preview(value) in check
    mode). Returns (added values, removed objects, the objects after the run).
    """
    have: dict[Any, ClerkObject] = {}
    for obj in current:
        have.setdefault(value_of(obj), obj)
    if state == "present":
        to_add = [value for value in dict.fromkeys(desired) if value not in have]
        to_remove = [obj for value, obj in have.items() if value not in desired] if exclusive else []
    else:
        to_add, to_remove = [], [have[value] for value in dict.fromkeys(desired) if value in have]
    removed_ids = {id(obj) for obj in to_remove}
    after = [obj for obj in current if id(obj) not in removed_ids]
    if ctx.check_mode:
        return to_add, to_remove, after + [preview(value) for value in to_add]
    for obj in to_remove:
        delete(obj)
    return to_add, to_remove, after + [create(value) for value in to_add]
