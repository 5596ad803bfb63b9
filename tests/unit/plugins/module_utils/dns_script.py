# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""A scripted stand-in for the HTTP core under the Cloudflare and Namecheap clients.

Each expected request is (METHOD, path, answer): answer is a JSON-able body (Cloudflare), an XML
string (Namecheap), an ApiError to raise, or a callable taking the Sent request and returning one
of those. Tests assert on exactly which requests were sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import _http
from ansible_collections.railstack.platform.plugins.module_utils._http import HttpResponse


@dataclass
class Sent:
    method: str
    path: str
    params: list = field(default_factory=list)
    json: object = None
    form: list = None
    safe: object = None

    def param(self, name):
        return dict(self.params).get(name)

    def form_value(self, name):
        return dict(self.form or []).get(name)


class Script:
    def __init__(self, steps):
        self.steps = list(steps)
        self.sent = []

    def request(self, client, method, path="", *, params=None, json=None, form=None, headers=None, safe=None,
                allow_status=()):  # pylint: disable=unused-argument
        sent = Sent(method.upper(), path, list(_http._pairs(params)), json, list(_http._pairs(form)) if form else None,
                    safe)
        self.sent.append(sent)
        client.stats["requests"] += 1
        assert self.steps, "unexpected request %s %s" % (sent.method, path)
        method_expected, path_expected, answer = self.steps.pop(0)
        assert (sent.method, path) == (method_expected, path_expected), \
            "sent %s %s, expected %s %s" % (sent.method, path, method_expected, path_expected)
        if callable(answer):
            answer = answer(sent)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, str):
            return HttpResponse(200, {"Content-Type": "text/xml"}, answer)
        return HttpResponse(200, {"Content-Type": "application/json"}, _http.jsonlib.dumps(answer))

    @property
    def writes(self):
        return [s for s in self.sent if s.method != "GET" and not (s.form and dict(s.form).get("Command", "").endswith("getHosts"))]

    def done(self):
        assert not self.steps, "expected requests not sent: %s" % [s[:2] for s in self.steps]


@pytest.fixture
def http_script(monkeypatch):
    def install(*steps):
        script = Script(steps)
        monkeypatch.setattr(_http.HttpClient, "request",
                            lambda self, method, path="", **kw: script.request(self, method, path, **kw))
        return script
    return install
