# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""A provider stand-in on 127.0.0.1 that answers whatever a test says (hostile or broken answers included) and
records every request. The unit tests and tests/integration/test_hostile_answers.py use it.

    with StubProvider(lambda request: (200, "<html>maintenance</html>")) as stub:
        ... point a client at stub.url ...
    assert not stub.writes

An answer is (status, body) or (status, body, headers); a dict or list body is sent as JSON, a str or bytes as is.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


class StubRequest:
    """One request the stub received."""

    def __init__(self, method, target, body):
        split = urlsplit(target)
        self.method = method
        self.path = split.path
        self.query = parse_qsl(split.query, keep_blank_values=True)
        self.text = body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.text) if self.text else None

    @property
    def operation(self):
        """The GraphQL operation ('query projects', 'mutation serviceCreate') of a GraphQL request, else ''."""
        body = self.json() if self.text.startswith("{") else None
        document = (body or {}).get("query") or ""
        return " ".join(document.split("(")[0].split("{")[0].split()[:2])

    def __repr__(self):
        return "%s %s %s" % (self.method, self.path, self.operation or self.query)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        request = StubRequest(self.command, self.path, self.rfile.read(length) if length else b"")
        stub = self.server.stub
        with stub.lock:
            stub.requests.append(request)
        answer = tuple(stub.answer(request))
        status, body, headers = (answer + ({},))[:3]
        if isinstance(body, (dict, list)):
            payload, content_type = json.dumps(body).encode("utf-8"), "application/json"
        else:
            payload = body.encode("utf-8") if isinstance(body, str) else (body or b"")
            content_type = "text/html; charset=utf-8" if payload.lstrip()[:1] == b"<" else "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle


class StubProvider:
    """answer(request) -> (status, body[, headers]); every request is kept in `requests`."""

    def __init__(self, answer):
        self.answer = answer
        self.requests = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.stub = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.httpd.server_address[1]

    @property
    def writes(self):
        """Requests that may change something: every method but GET, and GraphQL mutations."""
        return [r for r in self.requests
                if (r.method != "GET" and not r.operation.startswith("query")) or r.operation.startswith("mutation")]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
