# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Stripe's REST API: credentials, the live-mode guard, the client, and helpers shared by the stripe_* modules.

Every request pins Stripe-Version; every POST carries an Idempotency-Key made fresh for this task run and
reused only by the HTTP core's retries of that same request; bodies are form-encoded with Stripe's nesting
(metadata[k]=v, enabled_events[]=x, marketing_features[0][name]=y). A 500 to a POST is not retried: Stripe keeps
that answer for the key and would only replay it (docs/stripe.md).
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.railstack.platform.plugins.module_utils._http import (
    ApiError,
    HttpClient,
    HttpResponse,
    PageGuard,
    ProviderClient,
    unexpected_answer,
)
from ansible_collections.railstack.platform.plugins.module_utils._resource import Write
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, TaskFailed

STRIPE_API_BASE = "https://api.stripe.com"
# The API version of the official stripe-python 16.1.0; response shapes and parameters follow it.
STRIPE_VERSION = "2026-10-28.endive"
# Stripe allows 25 requests a second in test mode (100 live); stay under the lower one.
THROTTLE_RPS = 20
PAGE_SIZE = 100
# The metadata key that marks an object this collection manages, and names it (option `key`).
MARKER = "railstack_key"

KEY_RE = re.compile(r"^(sk|rk|pk)_(test|live)_[0-9A-Za-z_]+$")
API_VERSION_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")
CURRENCY_RE = re.compile(r"^[a-z]{3}$")
# A Stripe object as the API answers it: a JSON object with an "id".
StripeObject = dict[str, Any]


def stripe_argument_spec() -> dict[str, Any]:
    """Credentials and endpoint of every stripe_* module; documented in doc_fragments/stripe.py."""
    return dict(
        api_key=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["STRIPE_API_KEY"])),
        api_base=dict(type="str", default=STRIPE_API_BASE, fallback=(env_fallback, ["STRIPE_API_BASE"])),
        allow_live=dict(type="bool", default=False),
        validate_certs=dict(type="bool", default=True),
        timeout=dict(type="int", default=30),
    )


def key_livemode(api_key: str | None, allow_live: bool | None) -> bool:
    """True for a live-mode key, False for a test one; TaskFailed (before any request) for anything refused."""
    match = KEY_RE.match(api_key or "")
    if not match:
        raise TaskFailed(
            "api_key: not a Stripe secret key (sk_test_..., sk_live_...) or restricted key (rk_test_..., rk_live_...)."
        )
    kind, mode = match.groups()
    livemode = mode == "live"
    if kind == "pk":
        raise TaskFailed(
            "api_key: a publishable key (pk_...) cannot change Stripe objects; use a secret (sk_) or "
            "restricted (rk_) key.",
            livemode=livemode,
        )
    if livemode and not allow_live:
        raise TaskFailed(
            "api_key: this is a live-mode key (%s_live_...); it changes real billing. Set allow_live: true "
            "on the task to use it." % kind,
            livemode=True,
        )
    return livemode


def _stripe_error(response: HttpResponse) -> tuple[str, str | None] | None:
    """Stripe's {"error": {"message", "param", "code", "type"}} as (message, code)."""
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not error.get("message"):
        return None
    message = "Stripe: %s" % error["message"]
    if error.get("param") and error["param"] not in error["message"]:
        message += " (parameter %s)" % error["param"]
    return message, error.get("code") or error.get("type")


def form_pairs(data: Mapping[str, Any], prefix: str | None = None) -> list[tuple[str, str]]:
    """A dict as Stripe's form pairs. None is left out; {} and [] become "" (Stripe's way to unset a field);
    lists of scalars use `name[]`, lists of objects `name[0][field]`; booleans are true/false."""
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        name = key if prefix is None else "%s[%s]" % (prefix, key)
        if value is None:
            continue
        if isinstance(value, dict):
            pairs.extend(form_pairs(value, name) if value else [(name, "")])
        elif isinstance(value, (list, tuple)):
            if not value:
                pairs.append((name, ""))
            elif all(isinstance(item, dict) for item in value):
                for index, item in enumerate(value):
                    pairs.extend(form_pairs(item, "%s[%d]" % (name, index)))
            else:
                pairs.extend(("%s[]" % name, _scalar(item)) for item in value)
        else:
            pairs.append((name, _scalar(value)))
    return pairs


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class StripeClient(ProviderClient):
    """Stripe over the shared HTTP core. GETs and DELETEs are retried; POSTs too, with the same Idempotency-Key."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.livemode = key_livemode(params.get("api_key"), params.get("allow_live"))
        base = (params.get("api_base") or STRIPE_API_BASE).rstrip("/")
        self.http = HttpClient(
            "Stripe",
            base + "/v1",
            headers={"Authorization": "Bearer %s" % params["api_key"], "Stripe-Version": STRIPE_VERSION},
            secrets=[params["api_key"]],
            timeout=params.get("timeout") or 30,
            validate_certs=params.get("validate_certs", True),
            throttle_rps=THROTTLE_RPS,
            error_parser=_stripe_error,
        )
        self.run_id = uuid.uuid4().hex
        self.writes = 0

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> StripeObject:
        """GET one object: a JSON object with an id, else ApiError (never None)."""
        return self._object(self.http.request("GET", path, params=form_pairs(params or {})), "GET", path)

    def _object(self, response: HttpResponse, method: str, path: str) -> StripeObject:
        """The answer as a Stripe object ({"id": ...}); anything else fails naming the request."""
        body = response.json()
        if not isinstance(body, dict):
            raise unexpected_answer(self.http, method, "/v1" + path, "not a JSON object", response.text)
        if not isinstance(body.get("id"), str) or not body["id"]:
            raise unexpected_answer(self.http, method, "/v1" + path, "a JSON object without an id", response.text)
        return body

    def list_page(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One page of a list endpoint as Stripe documents it: {"data": [objects with an id], "has_more": bool}."""
        response = self.http.request("GET", path, params=form_pairs(params or {}))
        page = response.json()
        problem = None
        if not isinstance(page, dict):
            problem = "not a JSON object"
        elif not isinstance(page.get("data"), list):
            problem = "a list without its data array"
        elif not isinstance(page.get("has_more"), bool):
            problem = "a list without has_more (true or false)"
        elif not all(isinstance(obj, dict) and isinstance(obj.get("id"), str) and obj["id"] for obj in page["data"]):
            problem = "a list whose data holds something other than objects with an id"
        elif page["has_more"] and not page["data"]:
            problem = "an empty page that says more follow"
        if problem:
            raise unexpected_answer(self.http, "GET", "/v1" + path, problem, response.text)
        return page

    def find(self, path: str, params: Mapping[str, Any] | None = None) -> StripeObject | None:
        """GET an object, or None when Stripe has no such object (404 resource_missing)."""
        try:
            return self.get(path, params)
        except ApiError as exc:
            if exc.status == 404 and exc.code == "resource_missing":
                return None
            raise

    def post(self, path: str, data: Mapping[str, Any] | None = None) -> StripeObject:
        """A write. Its Idempotency-Key is new for this request; the HTTP core's retries (429, 502-504, a lost
        connection) resend it unchanged. A 500 fails at once (server_error)."""
        self.writes += 1
        key = "railstack-%s-%d" % (self.run_id, self.writes)
        response = self.http.request(
            "POST", path, form=form_pairs(data or {}), headers={"Idempotency-Key": key}, allow_status=(500,)
        )
        if response.status == 500:
            raise self.server_error(response, path)
        return self._object(response, "POST", path)

    def server_error(self, response: HttpResponse, path: str) -> ApiError:
        """The ApiError for a 500 to a POST. Stripe keeps a 500 for the request's Idempotency-Key and replays it to a
        retry with that key (marked `Idempotent-Replayed: true`), so retrying cannot help; a new key could apply the
        write twice, as the first attempt may have done part of it."""
        parsed = _stripe_error(response)
        replayed = (response.headers.get("Idempotent-Replayed") or "").lower() == "true"
        message = (
            "Stripe answered HTTP 500 to POST /v1%s%s: %s. Stripe may have applied part of it and keeps this "
            "answer for the request's Idempotency-Key, so the request is not sent again; run the task again "
            "later: it reads what Stripe has and sends only what is still missing."
            % (
                path,
                " (a replay of the answer Stripe kept for this request's Idempotency-Key)" if replayed else "",
                parsed[0] if parsed else "no error message",
            )
        )
        return ApiError(
            self.redactor.redact(message),
            provider="Stripe",
            status=500,
            code=parsed[1] if parsed else None,
            method="POST",
            path="/v1" + path,
        )

    def delete(self, path: str) -> StripeObject:
        """DELETE an object; one that is already gone (a retry after a lost answer) counts as deleted."""
        self.writes += 1
        try:
            return self._object(self.http.request("DELETE", path), "DELETE", path)
        except ApiError as exc:
            if exc.status == 404 and exc.code == "resource_missing":
                return {"deleted": True}
            raise

    def list_all(self, path: str, params: Mapping[str, Any] | None = None) -> list[StripeObject]:
        """Every object of a list endpoint, newest first (pages of 100)."""
        query = dict(params or {}, limit=PAGE_SIZE)
        guard = PageGuard("Stripe", "GET /v1%s" % path)
        objects: list[StripeObject] = []
        while True:
            page = self.list_page(path, query)
            objects.extend(page["data"])
            if not page["has_more"]:
                return objects
            query["starting_after"] = guard.advance(page["data"][-1]["id"])


def stripe_task(
    body: Callable[[TaskContext, StripeClient], dict[str, Any]],
) -> Callable[[TaskContext], dict[str, Any]]:
    """run(ctx) of a stripe_* resource: builds the client (live-mode guard first), calls body(ctx, client), and
    reports the mode (`livemode`) in every result, failed or not."""

    @functools.wraps(body)
    def run(ctx: TaskContext) -> dict[str, Any]:
        client = ctx.register_client(StripeClient(ctx.params))
        try:
            result = body(ctx, client)
        except ApiError as exc:
            extra = dict((k, v) for k, v in exc.to_result().items() if k != "msg")
            raise TaskFailed(exc.message, livemode=client.livemode, **extra) from None
        except TaskFailed as exc:
            exc.extra.setdefault("livemode", client.livemode)
            raise
        result["livemode"] = client.livemode
        return result

    return run


# ------------------------------------------------------------------------------ shared checks and diffs
def check_currency(value: str | None, option: str = "currency") -> str | None:
    if value is not None and not CURRENCY_RE.match(value):
        raise TaskFailed(
            "%s: %r is not a three-letter ISO currency code in lower case (for example usd)." % (option, value)
        )
    return value


def metadata_changes(current: Mapping[str, str] | None, desired: Mapping[str, Any] | None) -> dict[str, str]:
    """What to send so that current metadata has every desired key: {key: value}, "" removing a key whose
    desired value is None or "". Keys not in desired are left alone. {} when nothing is to change."""
    current = current or {}
    changes = {}
    for key, value in (desired or {}).items():
        if value in (None, ""):
            if key in current:
                changes[key] = ""
        elif current.get(key) != str(value):
            changes[key] = str(value)
    return changes


def merged_metadata(current: Mapping[str, str] | None, desired: Mapping[str, Any] | None) -> dict[str, str]:
    """current metadata after metadata_changes(current, desired) is applied."""
    merged = dict(current or {})
    for key, value in metadata_changes(current, desired).items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def check_metadata(metadata: Mapping[str, Any] | None, option: str = "metadata") -> Mapping[str, Any] | None:
    """Stripe's limits, checked before any write: keys up to 40 characters without brackets, values up to 500."""
    for key, value in (metadata or {}).items():
        if len(key) > 40 or "[" in key or "]" in key:
            raise TaskFailed("%s: key %r must be at most 40 characters, without [ or ]." % (option, key))
        if value is not None and len(str(value)) > 500:
            raise TaskFailed("%s: value of %r is longer than Stripe's 500 characters." % (option, key))
        if key == MARKER:
            raise TaskFailed(
                "%s: %s is the key railstack.platform marks its objects with; set it through the "
                "module's key option." % (option, MARKER)
            )
    return metadata


def create_metadata(desired: Mapping[str, Any] | None) -> dict[str, str] | None:
    """The metadata to create an object with: desired without the keys it asks to remove (None if empty)."""
    return {k: str(v) for k, v in (desired or {}).items() if v not in (None, "")} or None


def find_by_marker(objects: Iterable[StripeObject], key: str) -> list[StripeObject]:
    """The objects whose metadata marks them as railstack's `key`."""
    return [obj for obj in objects if (obj.get("metadata") or {}).get(MARKER) == key]


def pick_current(
    matches: list[StripeObject], is_active: Callable[[StripeObject], Any], option: str, what: str
) -> StripeObject | None:
    """Of the objects that match (newest first): the active one, else the newest inactive one, else None.
    Two active ones fail, naming `option`."""
    active = [obj for obj in matches if is_active(obj)]
    if len(active) > 1:
        raise TaskFailed(
            "%s: %d active %s match (%s); archive the extra ones."
            % (option, len(active), what, ", ".join(obj["id"] for obj in active))
        )
    return active[0] if active else (matches[0] if matches else None)


def archival(client: StripeClient, path: str, obj: StripeObject, **extra: Any) -> Write:
    """The skeleton's Write that archives obj (active=false; extra: more parameters, such as expand)."""
    return Write(dict(obj, active=False), lambda: client.post("%s/%s" % (path, obj["id"]), dict(active=False, **extra)))
