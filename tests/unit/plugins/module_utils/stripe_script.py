# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""A scripted stand-in for Stripe's HTTP API, below the shared HTTP core (so form encoding, headers and
retries are the real ones).

Each expected request is (METHOD, path under /v1, answer). The answer is a body dict (HTTP 200), a
(status, body) tuple, an exception to raise (a lost connection), or a callable taking the Sent request
and returning one of those. Tests assert on exactly what was sent.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import _http, stripe


class Sent:
    def __init__(self, method, url, params, data, headers):
        split = urlsplit(url)
        self.method = method
        self.path = split.path[len("/v1"):] if split.path.startswith("/v1") else split.path
        self.query = list(params or []) + parse_qsl(split.query, keep_blank_values=True)
        self.form = parse_qsl(data.decode("ascii"), keep_blank_values=True) if data else []
        self.headers = dict(headers or {})

    @property
    def is_write(self):
        return self.method not in ("GET", "HEAD")

    def pairs(self):
        return self.form if self.method == "POST" else self.query

    def __repr__(self):
        return "%s %s %s" % (self.method, self.path, self.pairs())


class FakeResponse:
    def __init__(self, status, body, url, headers=None):
        self.status_code = status
        self.headers = {"Content-Type": "application/json", "Request-Id": "req_test", **(headers or {})}
        self.content = json.dumps(body).encode("utf-8")
        self.encoding = "utf-8"
        self.url = url


class Script:
    def __init__(self, steps):
        self.steps = list(steps)
        self.sent = []

    def request(self, method, url, params=None, data=None, headers=None, **kwargs):  # pylint: disable=unused-argument
        sent = Sent(method, url, params, data, headers)
        self.sent.append(sent)
        assert self.steps, "unexpected request %r" % sent
        expected_method, expected_path, answer = self.steps.pop(0)
        assert (sent.method, sent.path) == (expected_method, expected_path), \
            "sent %s %s, expected %s %s" % (sent.method, sent.path, expected_method, expected_path)
        if callable(answer) and not isinstance(answer, type):
            answer = answer(sent)
        if isinstance(answer, Exception):
            raise answer
        status, body, headers = (tuple(answer) + (None,))[:3] if isinstance(answer, tuple) else (200, answer, None)
        return FakeResponse(status, body, url, headers)

    @property
    def writes(self):
        return [s for s in self.sent if s.is_write]

    def done(self):
        assert not self.steps, "expected requests not sent: %s" % [s[:2] for s in self.steps]


class FakeSession:
    script = None

    def request(self, *args, **kwargs):
        return FakeSession.script.request(*args, **kwargs)

    def close(self):
        pass


@pytest.fixture
def stripe_script(monkeypatch):
    """stripe_script(*steps) -> Script; every Stripe request of the test goes to it."""
    _http.reset_limiters()
    monkeypatch.setattr(stripe, "THROTTLE_RPS", None)
    monkeypatch.setattr(_http.time, "sleep", lambda seconds: None)  # retry back-off

    def install(*steps):
        script = Script(steps)
        FakeSession.script = script
        monkeypatch.setattr(_http.requests, "Session", FakeSession)
        return script

    return install


def stripe_error(status, message, code=None, param=None, type_="invalid_request_error"):
    error = dict(type=type_, message=message)
    if code:
        error["code"] = code
    if param:
        error["param"] = param
    return status, dict(error=error)


def listing(*objects, has_more=False):
    return dict(object="list", data=list(objects), has_more=has_more, url="/v1/x")
