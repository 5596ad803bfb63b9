# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Cloudflare's v4 API (zones and DNS records) over the shared HTTP core."""

from __future__ import annotations

from typing import Any
from ansible.module_utils.basic import env_fallback

from ansible_collections.railstack.platform.plugins.module_utils._http import (
    ApiError,
    ErrorCode,
    HttpClient,
    HttpResponse,
    PageGuard,
    ProviderClient,
    unexpected_answer,
)
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.dns import (
    MARKER,
    Op,
    Record,
    lenient_value,
    txt_quoted,
)

CLOUDFLARE_API_URL = "https://api.cloudflare.com/client/v4"
# Records per batch request on the Free plan (paid plans take 3,500).
BATCH_LIMIT = 200
RECORD_NOT_FOUND = 81044


def cloudflare_argument_spec() -> dict[str, Any]:
    """Credentials and endpoint; documented in doc_fragments/cloudflare.py."""
    return dict(
        cloudflare_api_token=dict(type="str", no_log=True, fallback=(env_fallback, ["CLOUDFLARE_API_TOKEN"])),
        cloudflare_api_url=dict(
            type="str", default=CLOUDFLARE_API_URL, fallback=(env_fallback, ["CLOUDFLARE_API_URL"])
        ),
    )


def _error(response: HttpResponse) -> tuple[str, ErrorCode | None] | None:
    """Cloudflare's envelope: errors[] of {code, message, error_chain?}."""
    body = response.json()
    if not isinstance(body, dict) or not body.get("errors"):
        return None
    parts: list[str] = []
    code = None
    for err in body["errors"]:
        if not isinstance(err, dict):
            parts.append(str(err))
            continue
        code = code if code is not None else err.get("code")
        text = "%s (%s)" % (err.get("message"), err.get("code"))
        chain = [c for c in err.get("error_chain") or [] if isinstance(c, dict)]
        if chain:
            text += ": " + "; ".join("%s (%s)" % (c.get("message"), c.get("code")) for c in chain)
        parts.append(text)
    return "Cloudflare: " + "; ".join(parts), code


class CloudflareClient(ProviderClient):
    NAME = "Cloudflare"
    AUTO_TTL = 1
    TTL_RANGE = (30, 86400)
    PROXIES = True
    # A create met a record equal to it: a repeated request found its own first attempt.
    REPLAY_CODES = (81057, 81058)

    def __init__(self, params: dict[str, Any]) -> None:
        token = params.get("cloudflare_api_token")
        if not token:
            raise TaskFailed("cloudflare_api_token: required with provider cloudflare (or set CLOUDFLARE_API_TOKEN).")
        self.http = HttpClient(
            "Cloudflare",
            params.get("cloudflare_api_url") or CLOUDFLARE_API_URL,
            headers={"Authorization": "Bearer %s" % token},
            secrets=[token],
            timeout=params.get("timeout") or 30,
            validate_certs=params.get("validate_certs", True),
            error_parser=_error,
        )

    def _envelope(self, response: HttpResponse, method: str, path: str) -> dict[str, Any]:
        """Cloudflare's {"success": true, "result": ...}; anything else fails naming the request."""
        body = response.json()
        if not isinstance(body, dict):
            raise unexpected_answer(self.http, method, self._path(path), "not a JSON object", response.text)
        if body.get("success") is not True:
            raise unexpected_answer(self.http, method, self._path(path), "success is not true", response.text)
        return body

    def _path(self, path: str) -> str:
        return self.http._url(path)[1]  # pylint: disable=protected-access

    def _list(self, path: str, params: list[tuple[str, Any]]) -> tuple[list[dict[str, Any]], int]:
        """One page of a list: result must be a list of records (objects with an id)."""
        response = self.http.request("GET", path, params=params)
        body = self._envelope(response, "GET", path)
        result: Any = body.get("result")
        info: Any = body.get("result_info")
        problem = None
        if not isinstance(result, list):
            problem = "a list answer without its result array"
        elif not all(
            isinstance(item, dict) and item.get("id") and isinstance(item.get("name"), str) for item in result
        ):
            problem = "a result array holding something other than objects with an id and a name"
        elif info is not None and not (isinstance(info, dict) and isinstance(info.get("total_pages", 1), int)):
            problem = "result_info without a whole number of total_pages"
        if problem:
            raise unexpected_answer(self.http, "GET", self._path(path), problem, response.text)
        return result, (info or {}).get("total_pages") or 1

    def _pages(self, path: str, params: list[tuple[str, Any]], per_page: int) -> list[dict[str, Any]]:
        guard = PageGuard("Cloudflare", "GET %s" % self._path(path))
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            result, total_pages = self._list(path, params + [("page", page), ("per_page", per_page)])
            found.extend(result)
            if page >= total_pages:
                return found
            if not result:
                raise unexpected_answer(
                    self.http,
                    "GET",
                    self._path(path),
                    "page %d is empty but result_info says there are %d pages" % (page, total_pages),
                )
            page = guard.advance(page + 1)

    def _write(self, method: str, path: str, body: Any = None, safe: bool | None = None) -> dict[str, Any]:
        """A write whose answer must be Cloudflare's success envelope."""
        response = self.http.request(method, path, json=body, safe=safe)
        return self._envelope(response, method, path)

    # ------------------------------------------------------------------ reads

    def find_zone(self, name: str) -> dict[str, Any]:
        """The zone called `name` (GET /zones?name=; every page when the filter is not applied)."""
        result, total_pages = self._list("zones", [("name", name), ("per_page", 50)])
        found = [z for z in result if z["name"].lower() == name]
        if not found and total_pages > 1:
            found = [z for z in self._pages("zones", [], 50) if z.get("name", "").lower() == name]
        if not found:
            raise TaskFailed("zone: no Cloudflare zone called %s is visible to this token." % name)
        return found[0]

    def read(self, zone: dict[str, Any], names: list[str]) -> list[Record]:
        """Every record (all types) at `names`: one filtered list for one name, the whole zone for more."""
        path = "zones/%s/dns_records" % zone["id"]
        if len(names) == 1:
            records = self._pages(path, [("name.exact", names[0])], 100)
        else:
            wanted = set(names)
            records = [r for r in self._pages(path, [], 5000) if r.get("name", "").lower() in wanted]
        return [self._record(r) for r in records]

    @staticmethod
    def _record(raw: dict[str, Any]) -> Record:
        rtype = raw.get("type")
        content = raw.get("content") or ""
        if rtype == "MX":
            content = "%s %s" % (raw.get("priority", 0), content)
        return dict(
            name=raw.get("name", "").lower().rstrip("."),
            type=rtype,
            value=lenient_value(rtype, content),
            ttl=raw.get("ttl"),
            proxied=bool(raw.get("proxied")),
            owned=(raw.get("comment") or "").startswith(MARKER),
            id=raw.get("id"),
            raw=raw,
        )

    # ------------------------------------------------------------------ writes

    @staticmethod
    def _body(op: Op) -> dict[str, Any]:
        body = dict(
            type=op["type"],
            name=op["name"],
            ttl=1 if op["proxied"] else op["ttl"],
            proxied=op["proxied"],
            comment=MARKER,
        )
        if op["type"] == "MX":
            priority, host = op["value"].split()
            body.update(content=host, priority=int(priority))
        elif op["type"] == "TXT":
            body["content"] = txt_quoted(op["value"])
        else:
            body["content"] = op["value"]
        return body

    def apply(self, zone: dict[str, Any], current: list[Record], ops: list[Op]) -> None:
        """One request for one change; the batch endpoint (one transaction) for more."""
        base = "zones/%s/dns_records" % zone["id"]
        items = [("deletes", dict(id=o["record"]["id"])) for o in ops if o["action"] == "delete"]
        items += [("patches", dict(self._body(o), id=o["record"]["id"])) for o in ops if o["action"] == "update"]
        items += [("posts", self._body(o)) for o in ops if o["action"] == "create"]
        if len(items) == 1:
            kind, item = items[0]
            if kind == "deletes":
                try:
                    self._write("DELETE", "%s/%s" % (base, item["id"]))
                except ApiError as exc:
                    if exc.code != RECORD_NOT_FOUND:
                        raise  # 81044: already gone (a retried delete, or someone else)
            elif kind == "patches":
                record_id = item.pop("id")
                # Absolute values: sending them twice is harmless, so a lost answer may be retried.
                self._write("PATCH", "%s/%s" % (base, record_id), item, safe=True)
            else:
                self._write("POST", base, item)
            return
        # Deletes, patches and posts keep that order across batches too (Cloudflare's own order within one).
        for start in range(0, len(items), BATCH_LIMIT):
            body: dict[str, list[dict[str, Any]]] = {}
            for kind, item in items[start : start + BATCH_LIMIT]:
                body.setdefault(kind, []).append(item)
            self._write("POST", "%s/batch" % base, body)
