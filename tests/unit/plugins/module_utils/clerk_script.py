# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""A scripted stand-in for Clerk's Backend API, in place of requests.Session below the HTTP core.

Each expected request is (METHOD, path, answer); path is relative to /v1 and has no query string.
The answer is a body (HTTP 200), a (status, body[, headers]) tuple, a callable taking the Sent
request and returning either, or an exception to raise (e.g. requests.exceptions.ReadTimeout for a
lost answer). Tests assert on exactly which requests were sent.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import _http, clerk

SECRET = "sk_test_unit0123456789abcdefSECRET"
LIVE_SECRET = "sk_live_unit0123456789abcdefSECRET"
API_URL = "http://clerk.invalid/v1"


def creds(**overrides):
    values = dict(secret_key=SECRET, api_url=API_URL, validate_certs=True, timeout=5)
    values.update(overrides)
    return values


class Sent:
    def __init__(self, method, path, query, body, headers):
        self.method = method
        self.path = path
        self.query = query
        self.json = body
        self.headers = headers

    def __repr__(self):
        return "%s %s %s %s" % (self.method, self.path, self.query or "", self.json if self.json is not None else "")


class FakeResponse:
    def __init__(self, status, body, headers, url):
        self.status_code = status
        self.content = b"" if body is None else json.dumps(body).encode()
        self.headers = dict({"Content-Type": "application/json"}, **(headers or {}))
        self.encoding = "utf-8"
        self.url = url


class ClerkApi:
    def __init__(self, steps):
        self.steps = list(steps)
        self.sent = []

    def request(self, method, url, params=None, data=None, headers=None, **kwargs):  # pylint: disable=unused-argument
        parts = urlsplit(url)
        path = parts.path[len("/v1"):] if parts.path.startswith("/v1") else parts.path
        query = [(k, str(v)) for k, v in (params or [])] + parse_qsl(parts.query)
        sent = Sent(method, path, query, json.loads(data) if data else None, dict(headers or {}))
        self.sent.append(sent)
        assert self.steps, "unexpected request %r" % sent
        expected_method, expected_path, answer = self.steps.pop(0)
        assert (method, path) == (expected_method, expected_path), "sent %r, expected %s %s" % (
            sent, expected_method, expected_path)
        if callable(answer) and not isinstance(answer, type):
            answer = answer(sent)
        if isinstance(answer, BaseException) or (isinstance(answer, type) and issubclass(answer, BaseException)):
            raise answer
        status, body, extra = 200, answer, None
        if isinstance(answer, tuple):
            status, body = answer[0], answer[1]
            extra = answer[2] if len(answer) > 2 else None
        return FakeResponse(status, body, extra, url)

    def close(self):
        pass

    @property
    def writes(self):
        return [s for s in self.sent if s.method != "GET"]

    def done(self):
        assert not self.steps, "expected requests not sent: %s" % [s[:2] for s in self.steps]


def clerk_errors(code, long_message, param=None, message="is invalid"):
    return dict(errors=[dict(message=message, long_message=long_message, code=code,
                             meta=dict(param_name=param) if param else {})], clerk_trace_id="t")


@pytest.fixture
def clerk_api(monkeypatch):
    _http.reset_limiters()
    monkeypatch.setattr(clerk, "THROTTLE_RPS", dict(development=None, production=None))

    def install(*steps):
        api = ClerkApi(steps)
        monkeypatch.setattr(_http.requests, "Session", lambda: api)
        return api

    yield install
    _http.reset_limiters()
