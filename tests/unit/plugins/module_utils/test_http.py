# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests of the HTTP core against a real local HTTP server, scripted per test."""

from __future__ import annotations

import email.utils
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from ansible_collections.railstack.platform.plugins.module_utils import _http
from ansible_collections.railstack.platform.plugins.module_utils._http import (
    SECRET_MASK,
    ApiError,
    HttpClient,
    HttpResponse,
    Redactor,
)

REPO_ROOT = Path(__file__).resolve().parents[4]
LOST = "the connection closed before Testprov answered"


# --------------------------------------------------------------------------------------------
# A scripted local server
# --------------------------------------------------------------------------------------------

class Recorded:
    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in separate writes

    def log_message(self, *args):  # keep test output quiet
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        server = self.server.owner
        headers = {key.lower(): value for key, value in self.headers.items()}
        with server.lock:
            server.requests.append(Recorded(self.command, self.path, headers, body))
            action = server.script.pop(0) if server.script else {"status": 418, "body": "unscripted request"}
        if action.get("close"):
            # Read the request, answer nothing, close the socket.
            self.close_connection = True
            return
        if action.get("delay"):
            time.sleep(action["delay"])
        payload = action.get("body", {})
        if not isinstance(payload, (bytes, str)):
            payload = json.dumps(payload)
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        try:
            self.send_response(action.get("status", 200))
            headers = {"Content-Type": "application/json"}
            headers.update(action.get("headers") or {})
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


class ScriptedServer:
    def __init__(self, port=0):
        self.lock = threading.Lock()
        self.requests = []
        self.script = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def answer(self, status=200, body=None, headers=None, **extra):
        action = dict(status=status, body={} if body is None else body, headers=headers or {})
        action.update(extra)
        self.script.append(action)
        return self

    def close_without_answer(self):
        self.script.append({"close": True})
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeTime:
    """Injected clock and sleep: sleeping records the wait and moves the clock."""

    def __init__(self):
        self.now = 1000.0
        self.waits = []
        self.on_sleep = None

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.waits.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep(seconds)


def free_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def stripe_like_parser(response):
    body = response.json()
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"].get("message"), body["error"].get("code")
    return None


@pytest.fixture(autouse=True)
def _fresh_limiters():
    _http.reset_limiters()
    yield
    _http.reset_limiters()


@pytest.fixture
def server():
    srv = ScriptedServer()
    yield srv
    srv.stop()


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def make_client(fake_time):
    clients = []

    def factory(base_url, provider="Testprov", **kwargs):
        kwargs.setdefault("timeout", 2)
        kwargs.setdefault("sleep", fake_time.sleep)
        kwargs.setdefault("clock", fake_time.clock)
        client = HttpClient(provider, base_url, **kwargs)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


# --------------------------------------------------------------------------------------------
# What is sent
# --------------------------------------------------------------------------------------------

def test_get_returns_the_answer_and_sends_default_headers(server, make_client):
    server.answer(200, {"id": "p1"}, headers={"X-Request-Id": "req_1"})
    client = make_client(server.url)

    response = client.request("GET", "/v1/projects/p1")

    assert isinstance(response, HttpResponse)
    assert response.status == 200
    assert response.json() == {"id": "p1"}
    assert response.json() is response.json()  # cached
    assert response.headers["x-request-id"] == "req_1"
    assert response.headers["X-REQUEST-ID"] == "req_1"
    sent = server.requests[0]
    assert (sent.method, sent.path) == ("GET", "/v1/projects/p1")
    assert sent.headers["user-agent"] == "railstack.platform/%s (+https://github.com/railstack/platform)" % _http.COLLECTION_VERSION
    assert sent.headers["accept"] == "application/json"
    assert client.stats == {"requests": 1, "retries": 0, "throttled_seconds": 0.0}


def test_user_agent_version_matches_galaxy_yml():
    galaxy = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())
    assert _http.COLLECTION_VERSION == galaxy["version"]


def test_custom_user_agent_and_per_call_headers(server, make_client):
    server.answer(200).answer(200)
    client = make_client(server.url, user_agent="my-agent/1", headers={"X-Default": "a"})

    client.request("GET", "/a", headers={"X-Call": "b"})
    client.request("GET", "/b")

    first, second = server.requests
    assert first.headers["user-agent"] == "my-agent/1"
    assert first.headers["x-default"] == "a" and first.headers["x-call"] == "b"
    assert "x-call" not in second.headers


def test_base_url_path_and_query_are_kept_with_params(server, make_client):
    server.answer(200).answer(200).answer(200)
    graphql = make_client(server.url + "/graphql/v2?source=railstack-platform")
    rest = make_client(server.url + "/v1/")

    graphql.request("POST", json={"query": "{ me { id } }"})
    graphql.request("GET", params={"a": "1"})
    rest.request("GET", "/prices", params=[("expand[]", "x"), ("expand[]", "y"), ("active", True)])

    assert server.requests[0].path == "/graphql/v2?source=railstack-platform"
    assert server.requests[1].path == "/graphql/v2?source=railstack-platform&a=1"
    assert server.requests[2].path == "/v1/prices?expand%5B%5D=x&expand%5B%5D=y&active=true"


def test_json_body(server, make_client):
    server.answer(200, {"data": {"me": {"id": "u1"}}})
    client = make_client(server.url + "/graphql/v2")

    response = client.request("POST", json={"query": "{ me { id } }", "variables": {"n": 1}})

    sent = server.requests[0]
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.body) == {"query": "{ me { id } }", "variables": {"n": 1}}
    assert response.json()["data"]["me"]["id"] == "u1"


def test_form_body_keeps_order_and_repeated_keys(server, make_client):
    server.answer(200, {"id": "price_1"})
    client = make_client(server.url + "/v1")

    client.request("POST", "/prices", form=[("b", "2"), ("a", "1"), ("a", "x y"), ("metadata[env]", "prod"), ("active", False)])

    sent = server.requests[0]
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.body == b"b=2&a=1&a=x+y&metadata%5Benv%5D=prod&active=false"


def test_non_json_body_gives_none(server, make_client):
    server.answer(200, "plain text", headers={"Content-Type": "text/plain"})
    response = make_client(server.url).request("GET", "/x")
    assert response.text == "plain text"
    assert response.json() is None


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

def test_allow_status_returns_the_answer(server, make_client):
    server.answer(404, {"error": {"message": "No such price", "code": "resource_missing"}})
    response = make_client(server.url, error_parser=stripe_like_parser).request("GET", "/v1/prices/p", allow_status=(404,))
    assert response.status == 404


def test_error_carries_the_providers_message_and_fields(server, make_client):
    server.answer(400, {"error": {"message": "Invalid integer: abc", "code": "parameter_invalid_integer", "param": "unit_amount"}})
    client = make_client(server.url + "/v1", provider="Stripe", error_parser=stripe_like_parser)

    with pytest.raises(ApiError) as info:
        client.request("POST", "/prices", form=[("unit_amount", "abc")])

    error = info.value
    assert str(error) == error.message == "Invalid integer: abc"
    assert (error.provider, error.status, error.code) == ("Stripe", 400, "parameter_invalid_integer")
    assert (error.method, error.path) == ("POST", "/v1/prices")
    assert error.details["error"]["param"] == "unit_amount"
    assert error.lost_response is False
    assert error.to_result() == {
        "msg": "Invalid integer: abc", "provider": "Stripe", "status": 400, "code": "parameter_invalid_integer", "lost_response": False,
    }
    assert len(server.requests) == 1  # a 400 is never retried


def test_fallback_message_without_parser_or_when_parser_fails(server, make_client):
    server.answer(422, "bad   thing\nhappened", headers={"Content-Type": "text/plain"})
    server.answer(409, "conflict", headers={"Content-Type": "text/plain"})

    def broken_parser(response):
        raise KeyError("boom")

    with pytest.raises(ApiError) as first:
        make_client(server.url + "/v1").request("PUT", "/things/1", json={})
    with pytest.raises(ApiError) as second:
        make_client(server.url + "/v1", error_parser=broken_parser).request("DELETE", "/things/1")

    assert first.value.message == "Testprov answered HTTP 422 to PUT /v1/things/1: bad thing happened"
    assert first.value.details is None and first.value.code is None
    assert second.value.message == "Testprov answered HTTP 409 to DELETE /v1/things/1: conflict"


def test_redirects_are_not_followed(server, make_client):
    server.answer(301, "", headers={"Location": "http://elsewhere.invalid/x"})
    with pytest.raises(ApiError) as info:
        make_client(server.url, headers={"Project-Access-Token": "tok-secret-1"}).request("GET", "/x")
    assert info.value.status == 301
    assert "http://elsewhere.invalid/x" in info.value.message
    assert len(server.requests) == 1


def test_to_result_leaves_out_none():
    assert ApiError("boom").to_result() == {"msg": "boom", "lost_response": False}
    assert ApiError("gone", provider="Railway", lost_response=True).to_result() == {
        "msg": "gone", "provider": "Railway", "lost_response": True,
    }


# --------------------------------------------------------------------------------------------
# Retries on answers
# --------------------------------------------------------------------------------------------

def test_429_honours_retry_after_seconds(server, make_client, fake_time):
    server.answer(429, {"error": "slow down"}, headers={"Retry-After": "7"}).answer(200, {"ok": True})
    client = make_client(server.url)

    assert client.request("GET", "/x").json() == {"ok": True}

    assert fake_time.waits == [7.0]
    assert len(server.requests) == 2
    assert client.stats == {"requests": 2, "retries": 1, "throttled_seconds": 7.0}


def test_429_honours_retry_after_http_date(server, make_client, fake_time):
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    server.answer(429, headers={"Retry-After": when}).answer(200)

    make_client(server.url).request("GET", "/x")

    assert len(fake_time.waits) == 1
    assert 17.5 <= fake_time.waits[0] <= 20.5


@pytest.mark.parametrize("reset, low, high", [("5", 5.0, 5.0), ("EPOCH+9", 7.5, 9.5)])
def test_429_uses_x_ratelimit_reset_without_retry_after(server, make_client, fake_time, reset, low, high):
    if reset.startswith("EPOCH+"):
        reset = str(int(time.time()) + int(reset[6:]))
    server.answer(429, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}).answer(200)

    make_client(server.url).request("GET", "/x")

    assert len(fake_time.waits) == 1
    assert low <= fake_time.waits[0] <= high


def test_edge_429_without_headers_backs_off_exponentially_with_jitter(server, make_client, fake_time):
    # Railway's Cloudflare edge: 429, body "error code: 1015", no rate-limit headers.
    for dummy in range(5):
        server.answer(429, "error code: 1015", headers={"Content-Type": "text/plain"})
    client = make_client(server.url + "/graphql/v2?source=railstack-platform", provider="Railway",
                         max_retries=4, backoff_base=1.0, backoff_max=5.0)

    with pytest.raises(ApiError) as info:
        client.request("POST", json={"query": "{ me { id } }"}, safe=True)

    ceilings = [1.0, 2.0, 4.0, 5.0]  # base * 2**attempt, capped at backoff_max
    assert len(fake_time.waits) == 4
    for wait, ceiling in zip(fake_time.waits, ceilings):
        assert ceiling / 2 <= wait <= ceiling
    assert any(wait < ceiling for wait, ceiling in zip(fake_time.waits, ceilings))  # jittered
    assert len(server.requests) == 5
    error = info.value
    assert error.status == 429
    assert error.message == "Railway answered HTTP 429 to POST /graphql/v2: error code: 1015 (after 4 retries)"
    assert client.stats["requests"] == 5 and client.stats["retries"] == 4
    assert client.stats["throttled_seconds"] == pytest.approx(sum(fake_time.waits))


def test_retry_after_longer_than_max_retry_wait_fails_at_once(server, make_client, fake_time):
    server.answer(429, {"error": {"message": "Too many requests"}}, headers={"Retry-After": "3600"}).answer(200)
    client = make_client(server.url, provider="Clerk", max_retry_wait=120)

    with pytest.raises(ApiError) as info:
        client.request("GET", "/v1/users")

    error = info.value
    assert fake_time.waits == []
    assert len(server.requests) == 1
    assert error.status == 429 and error.retry_after == 3600
    assert "Clerk rate-limited GET /v1/users" in error.message
    assert "3600 s" in error.message


def test_safe_request_retried_on_5xx_until_success(server, make_client, fake_time):
    server.answer(500).answer(502).answer(504).answer(200, {"ok": 1})
    client = make_client(server.url, backoff_base=0.5)

    assert client.request("GET", "/x").json() == {"ok": 1}

    assert len(server.requests) == 4
    assert len(fake_time.waits) == 3
    assert client.stats["retries"] == 3


def test_503_retry_after_is_honoured(server, make_client, fake_time):
    server.answer(503, headers={"Retry-After": "3"}).answer(200)
    make_client(server.url).request("GET", "/x")
    assert fake_time.waits == [3.0]


def test_retries_exhausted_reports_last_status_and_provider_message(server, make_client, fake_time):
    for dummy in range(3):
        server.answer(503, {"error": {"message": "Service Unavailable", "code": "unavailable"}})
    server.answer(200)
    client = make_client(server.url, error_parser=stripe_like_parser, max_retries=2)

    with pytest.raises(ApiError) as info:
        client.request("GET", "/x")

    assert info.value.status == 503
    assert info.value.code == "unavailable"
    assert info.value.message == "Service Unavailable (after 2 retries)"
    assert len(server.requests) == 3
    assert client.stats == {"requests": 3, "retries": 2, "throttled_seconds": pytest.approx(sum(fake_time.waits))}


@pytest.mark.parametrize("status", [500, 502, 504])
def test_unsafe_post_is_not_retried_on_5xx(server, make_client, fake_time, status):
    server.answer(status).answer(200)
    with pytest.raises(ApiError) as info:
        make_client(server.url).request("POST", "/v1/things", json={"name": "a"})
    assert info.value.status == status
    assert info.value.lost_response is False
    assert len(server.requests) == 1
    assert fake_time.waits == []


@pytest.mark.parametrize("status", [429, 503])
def test_unsafe_post_is_retried_on_429_and_503(server, make_client, status):
    server.answer(status, headers={"Retry-After": "1"}).answer(201, {"id": "t1"})
    response = make_client(server.url).request("POST", "/v1/things", json={"name": "a"})
    assert response.status == 201
    assert len(server.requests) == 2


def test_post_with_idempotency_key_is_retried_with_the_same_key(server, make_client):
    server.answer(500).answer(200, {"id": "price_1"})
    client = make_client(server.url)

    client.request("POST", "/v1/prices", form=[("currency", "usd")], headers={"Idempotency-Key": "run-1-price"})

    assert [req.headers["idempotency-key"] for req in server.requests] == ["run-1-price", "run-1-price"]
    assert server.requests[0].body == server.requests[1].body


def test_safe_argument_overrides_the_method_default(server, make_client):
    server.answer(500).answer(200).answer(500).answer(200)
    client = make_client(server.url)

    client.request("POST", "/graphql", json={"query": "{ a }"}, safe=True)
    assert len(server.requests) == 2

    with pytest.raises(ApiError):
        client.request("GET", "/x", safe=False)
    assert len(server.requests) == 3


# --------------------------------------------------------------------------------------------
# Connection-level failures (real sockets)
# --------------------------------------------------------------------------------------------

def test_unsafe_post_lost_when_connection_closes_without_answer(server, make_client, fake_time):
    server.close_without_answer().answer(200)
    client = make_client(server.url + "/graphql/v2", provider="Testprov")

    with pytest.raises(ApiError) as info:
        client.request("POST", json={"query": "mutation { projectCreate }"})

    error = info.value
    assert error.lost_response is True
    assert error.message.startswith(LOST + " POST /graphql/v2; the request may have been applied")
    assert (error.method, error.path, error.status) == ("POST", "/graphql/v2", None)
    assert len(server.requests) == 1  # never sent twice
    assert fake_time.waits == []
    assert error.to_result()["lost_response"] is True


def test_safe_get_retried_when_connection_closes_without_answer(server, make_client):
    server.close_without_answer().answer(200, {"ok": True})
    client = make_client(server.url)
    assert client.request("GET", "/x").json() == {"ok": True}
    assert len(server.requests) == 2
    assert client.stats["retries"] == 1


def test_unsafe_post_lost_on_read_timeout(server, make_client):
    server.answer(200, {"id": "late"}, delay=0.6).answer(200)
    client = make_client(server.url, timeout=0.2)

    with pytest.raises(ApiError) as info:
        client.request("POST", "/v1/things", json={"name": "a"})

    assert info.value.lost_response is True
    assert info.value.message.startswith(LOST + " POST /v1/things; the request may have been applied")
    assert len(server.requests) == 1
    assert client.stats["requests"] == 1


def test_safe_get_retried_after_read_timeout(server, make_client):
    server.answer(200, {"n": 1}, delay=0.6).answer(200, {"n": 2})
    client = make_client(server.url, timeout=0.2)
    assert client.request("GET", "/x").json() == {"n": 2}
    assert len(server.requests) == 2


def test_unsafe_post_retried_when_connection_refused(make_client, fake_time):
    # Nothing listens on the port: the request never left, so even a create is sent again.
    port = free_port()
    started = []

    def start_server(seconds):
        if not started:
            started.append(ScriptedServer(port).answer(201, {"id": "t1"}))

    fake_time.on_sleep = start_server
    client = make_client("http://127.0.0.1:%d" % port)
    try:
        response = client.request("POST", "/v1/things", json={"name": "a"})
    finally:
        for srv in started:
            srv.stop()

    assert response.status == 201
    assert len(started[0].requests) == 1
    assert client.stats == {"requests": 2, "retries": 1, "throttled_seconds": pytest.approx(fake_time.waits[0])}


def test_connection_refused_after_all_retries(make_client, fake_time):
    client = make_client("http://127.0.0.1:%d/v1" % free_port(), max_retries=2)

    with pytest.raises(ApiError) as info:
        client.request("POST", "/things", json={})

    error = info.value
    assert error.lost_response is False and error.status is None
    assert "Connection refused" in error.message
    assert error.message.endswith("(after 2 retries)")
    assert client.stats["requests"] == 3
    assert len(fake_time.waits) == 2


def test_unsafe_post_retried_on_connect_timeout(make_client):
    # A listening socket whose accept queue is full drops SYNs: a real connect timeout.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for dummy in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    time.sleep(0.05)
    client = make_client("http://127.0.0.1:%d" % port, timeout=0.2, max_retries=1)
    try:
        with pytest.raises(ApiError) as info:
            client.request("POST", "/v1/things", json={})
    finally:
        for sock in fillers + [listener]:
            sock.close()

    assert info.value.lost_response is False
    assert "could not connect within 0.2 s" in info.value.message
    assert client.stats["requests"] == 2  # retried: nothing had been sent


# --------------------------------------------------------------------------------------------
# Throttle and proactive slow-down
# --------------------------------------------------------------------------------------------

def test_throttle_is_shared_by_clients_of_one_provider_and_host(server, make_client, fake_time):
    for dummy in range(5):
        server.answer(200)
    first = make_client(server.url, provider="Railway", throttle_rps=5)
    second = make_client(server.url + "/graphql/v2", provider="Railway", throttle_rps=5)
    other = make_client(server.url, provider="Stripe", throttle_rps=5)

    first.request("GET", "/a")
    second.request("GET", "/b")
    first.request("GET", "/c")
    other.request("GET", "/d")  # another provider: its own budget

    assert fake_time.waits == [pytest.approx(0.2), pytest.approx(0.2)]
    assert first.stats["throttled_seconds"] == pytest.approx(0.2)
    assert second.stats["throttled_seconds"] == pytest.approx(0.2)
    assert other.stats["throttled_seconds"] == 0

    fake_time.now += 10  # time passes: no wait
    second.request("GET", "/e")
    assert len(fake_time.waits) == 2


def test_remaining_zero_makes_the_next_request_wait_for_reset(server, make_client, fake_time):
    server.answer(200, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "5"}).answer(200).answer(200)
    client = make_client(server.url)
    other = make_client(server.url)

    client.request("GET", "/a")
    assert fake_time.waits == []
    other.request("GET", "/b")
    assert fake_time.waits == [5.0]
    client.request("GET", "/c")
    assert fake_time.waits == [5.0]  # the window was waited for once


def test_slow_down_works_with_only_sleep_injected(server):
    # A test double that records waits without moving any clock must still see each wait once.
    server.answer(200, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "5"}).answer(429, headers={"Retry-After": "2"})
    server.answer(200).answer(200)
    waits = []
    client = HttpClient("Testprov", server.url, sleep=waits.append, throttle_rps=1000)
    try:
        for path in ("/a", "/b", "/c"):
            client.request("GET", path)
    finally:
        client.close()
    assert waits[:2] == pytest.approx([5.0, 2.0], abs=0.2)
    assert all(wait <= 0.001 + 1e-9 for wait in waits[2:]), waits  # only throttle spacing remains
    assert len(server.requests) == 4


def test_remaining_zero_with_a_reset_beyond_max_retry_wait_fails_without_sending(server, make_client, fake_time):
    server.answer(200, headers={"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0",
                                "X-RateLimit-Reset": "3000"}).answer(200)
    client = make_client(server.url, max_retry_wait=60)
    client.request("GET", "/a")
    with pytest.raises(ApiError) as info:
        client.request("GET", "/b")
    assert fake_time.waits == [] and len(server.requests) == 1
    error = info.value
    assert error.status == 429 and error.code == "rate_limited" and error.retry_after == pytest.approx(3000)
    assert error.rate_limit["limit"] == 1000
    assert "no request was sent" in error.message and "max_retry_wait 60 s" in error.message


# --------------------------------------------------------------------------------------------
# Redaction
# --------------------------------------------------------------------------------------------

def test_redactor_masks_registered_and_secret_shaped_values():
    redactor = Redactor(["tok-0123456789", None, "", "abc"])
    redactor.add("late-secret-value")

    text = ("token tok-0123456789 and late-secret-value, quoted late-secret-value, sk_live_abcDEF123 rk_test_ZZZZ9999 "
            "whsec_abc+/def= Authorization: Bearer eyJhbGciOi.x.y and abc stays")
    out = redactor.redact(text)

    for secret in ("tok-0123456789", "late-secret-value", "sk_live_abcDEF123", "rk_test_ZZZZ9999", "whsec_abc", "eyJhbGciOi"):
        assert secret not in out
    assert "Bearer " + SECRET_MASK in out
    assert "abc stays" in out  # short values are not registered
    assert redactor.redact(b"x tok-0123456789 y") == ("x %s y" % SECRET_MASK).encode()
    assert redactor.redact("tok-0123456789".replace("-", "%2D")) == "tok%2D0123456789"  # not a registered form
    assert redactor.redact("a%20b late secret") == "a%20b late secret"


def test_redactor_masks_values_of_sensitive_keys_recursively():
    redactor = Redactor()
    data = {
        "Password": "hunter2",
        "nested": [{"api_key": "k", "X-Api-Key": "kk", "name": "web"}, ("sk_test_123456", 3)],
        "clientSecret": "s3",
        "Authorization": "Basic Zm9vOmJhcg==",
        "access_token": {"value": "t", "token": "t2"},
        "tokens": ["t3", {"name": "ci"}],
        "tokenId": "tok_1",
        "projectToken": {"projectId": "p1"},
        "count": 3,
        "has_password": True,
    }
    out = redactor.redact(data)
    assert out == {
        "Password": SECRET_MASK,
        "nested": [{"api_key": SECRET_MASK, "X-Api-Key": SECRET_MASK, "name": "web"}, (SECRET_MASK, 3)],
        "clientSecret": SECRET_MASK,
        "Authorization": SECRET_MASK,
        "access_token": {"value": "t", "token": SECRET_MASK},
        "tokens": [SECRET_MASK, {"name": "ci"}],
        "tokenId": "tok_1",
        "projectToken": {"projectId": "p1"},
        "count": 3,
        "has_password": True,
    }
    assert data["Password"] == "hunter2"  # the input is not changed


def test_echoed_credentials_never_reach_the_error(server, make_client):
    token = "rw-token-5f1c2d9e"
    echo = {"error": {"message": "Invalid token %s (header was Bearer %s)" % (token, token),
                      "code": "bad_token", "request": {"headers": {"authorization": "Bearer " + token}, "note": token}}}
    server.answer(401, echo)
    client = make_client(server.url, headers={"Authorization": "Bearer " + token}, error_parser=stripe_like_parser)

    with pytest.raises(ApiError) as info:
        client.request("GET", "/me")

    error = info.value
    assert server.requests[0].headers["authorization"] == "Bearer " + token  # it was really sent
    everything = " ".join([str(error), repr(error.details), repr(error.to_result()), repr(error.args)])
    assert token not in everything
    assert SECRET_MASK in error.message
    assert error.details["error"]["request"]["note"] == SECRET_MASK


def test_secret_registered_later_is_masked_in_fallback_message(server, make_client):
    server.answer(400, "duplicate webhook whsec-like-value-777 and sk_test_abcdef0123", headers={"Content-Type": "text/plain"})
    client = make_client(server.url, secrets=["clerk-secret-key-1"])
    client.redactor.add("whsec-like-value-777")

    with pytest.raises(ApiError) as info:
        client.request("POST", "/v1/webhooks", json={"secret": "whsec-like-value-777"})

    assert "whsec-like-value-777" not in info.value.message
    assert "sk_test_abcdef0123" not in info.value.message
    assert info.value.message.startswith("Testprov answered HTTP 400 to POST /v1/webhooks: duplicate webhook " + SECRET_MASK)


def test_credentials_in_the_url_never_reach_connection_errors(make_client):
    port = free_port()
    client = make_client("http://127.0.0.1:%d/zones?api_key=cf-key-998877" % port, max_retries=0,
                         secrets=["cf-param-secret"])

    with pytest.raises(ApiError) as info:
        client.request("GET", "/records", params={"token": "query-token-4455", "other": "cf-param-secret"})

    assert "cf-key-998877" not in info.value.message
    assert "query-token-4455" not in info.value.message
    assert "cf-param-secret" not in info.value.message
    assert info.value.path == "/zones/records"


def test_credentials_in_a_rejected_header_never_reach_the_error(make_client):
    # requests refuses the header and quotes its value in its exception text.
    client = make_client("http://127.0.0.1:9", headers={"Authorization": "Bearer hdr-token-31415\n"})
    with pytest.raises(ApiError) as info:
        client.request("GET", "/x")
    assert "hdr-token-31415" not in repr(info.value.to_result())
    assert client.stats["requests"] == 1  # not a transient failure: not retried
