# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Request budgets: the burst-then-rate throttle, and the rate-limit state one task leaves for the next
(each Ansible task runs in a process of its own: reset_limiters() plays a new process)."""

from __future__ import annotations

import json
import re
import time

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import _http
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError, HttpClient, SharedRateState
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient

from .test_http import FakeTime, ScriptedServer

TOKEN = "tok-0123456789abcdef"


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
def state(tmp_path):
    return SharedRateState(str(tmp_path / "state" / "ratelimit.json"))


def new_task(url, state, fake_time, **kwargs):
    """A client as the next task (a new process) makes it: no in-process throttle state."""
    _http.reset_limiters()
    return HttpClient("Railway", url, rate_state=state, sleep=fake_time.sleep, clock=fake_time.clock, timeout=2,
                      **kwargs)


def test_a_burst_goes_at_once_then_requests_are_spaced(server):
    fake_time = FakeTime()
    for dummy in range(6):
        server.answer(200)
    client = HttpClient("Railway", server.url, throttle_rps=5, throttle_burst=4, sleep=fake_time.sleep,
                        clock=fake_time.clock)
    for dummy in range(6):
        client.request("GET", "/x")
    assert fake_time.waits == [pytest.approx(0.2), pytest.approx(0.2)]
    fake_time.now += 10                      # the bucket refills, up to the burst
    for dummy in range(4):
        server.answer(200)
        client.request("GET", "/y")
    assert len(fake_time.waits) == 2


def test_a_429_is_left_for_the_next_task_which_waits_before_sending(server, state):
    server.answer(429, headers={"Retry-After": "30", "X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0",
                                "X-RateLimit-Reset": str(int(time.time()) + 30)}).answer(200)
    first_time = FakeTime()
    new_task(server.url, state, first_time).request("GET", "/a")
    assert first_time.waits == [30.0]
    saved = state.read()
    assert saved["limit"] == 1000 and 25 <= saved["blocked_until"] - time.time() <= 30

    next_time = FakeTime()
    server.answer(200)
    new_task(server.url, state, next_time).request("GET", "/b")
    assert len(next_time.waits) == 1 and 25 <= next_time.waits[0] <= 30        # waited before its one request
    assert [r.path for r in server.requests] == ["/a", "/a", "/b"]


def test_a_task_starting_in_a_long_closed_window_fails_without_sending(server, state):
    state.write({"limit": 1000, "reset_at": time.time() + 3000, "blocked_until": time.time() + 3000})
    fake_time = FakeTime()
    with pytest.raises(ApiError) as info:
        new_task(server.url, state, fake_time, max_retry_wait=120).request("GET", "/a")
    assert server.requests == [] and fake_time.waits == []
    assert info.value.status == 429 and info.value.code == "rate_limited"
    assert info.value.rate_limit["limit"] == 1000 and 2990 <= info.value.retry_after <= 3000


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"blocked_until": "soon"}'])
def test_an_unreadable_state_is_ignored(server, state, content):
    state.write({})
    with open(state.path, "w", encoding="utf-8") as handle:
        handle.write(content)
    server.answer(200)
    fake_time = FakeTime()
    new_task(server.url, state, fake_time).request("GET", "/a")
    assert fake_time.waits == [] and len(server.requests) == 1


def test_a_window_that_has_ended_is_ignored(server, state):
    state.write({"limit": 1000, "blocked_until": time.time() - 1})
    server.answer(200)
    fake_time = FakeTime()
    new_task(server.url, state, fake_time).request("GET", "/a")
    assert fake_time.waits == []


def test_the_state_file_is_per_url_and_credential_and_never_holds_it(tmp_path):
    one = SharedRateState.for_credential("Railway", "https://a.example/graphql/v2", TOKEN, str(tmp_path))
    other = SharedRateState.for_credential("Railway", "https://a.example/graphql/v2", TOKEN + "x", str(tmp_path))
    elsewhere = SharedRateState.for_credential("Railway", "https://b.example/graphql/v2", TOKEN, str(tmp_path))
    assert len({one.path, other.path, elsewhere.path}) == 3
    one.write({"limit": 1000, "blocked_until": 1.0})
    assert TOKEN not in one.path and TOKEN not in open(one.path, encoding="utf-8").read()
    assert [p.name for p in tmp_path.iterdir()] == [one.path.rsplit("/", 1)[1]]      # no temporary file left


def test_railway_names_the_plan_and_the_next_task_sends_nothing(server, tmp_path):
    reset = int(time.time()) + 3000
    server.answer(429, {"errors": [{"message": "Rate limit exceeded"}]},
                  headers={"Retry-After": "3000", "X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0",
                           "X-RateLimit-Reset": str(reset)})
    params = dict(api_token=TOKEN, api_url=server.url + "/graphql/v2")
    with pytest.raises(ApiError) as first:
        RailwayClient(params).query("query me { me { id } }")
    expected = re.compile(r"Railway's rate limit for this token is exhausted until (\d\d:\d\d) UTC "
                          r"\(X-RateLimit-Limit 1000/hour, the Hobby plan's\): ")
    until = expected.match(first.value.message).group(1)
    assert until in (time.strftime("%H:%M", time.gmtime(reset + delta)) for delta in (0, 2))
    assert len(server.requests) == 1

    _http.reset_limiters()                                   # the next task
    with pytest.raises(ApiError) as second:
        RailwayClient(params).query("query me { me { id } }")
    assert expected.match(second.value.message) and "no request was sent" in second.value.message
    assert len(server.requests) == 1
    files = list((tmp_path / "cache").iterdir())
    assert len(files) == 1 and TOKEN not in files[0].read_text()
    assert re.match(r"ratelimit-[0-9a-f]{32}\.json$", files[0].name)
    assert json.loads(files[0].read_text())["limit"] == 1000


def test_the_next_task_counts_the_last_seconds_requests_of_the_previous_one(server, state):
    now = time.time()
    state.write({"blocked_until": 0, "recent": [[now - 0.1, "a"], [now - 0.05, "a"], [now - 0.02, "a"], [now - 5, "a"]]})
    for dummy in range(3):
        server.answer(200)
    fake_time = FakeTime()
    client = new_task(server.url, state, fake_time, throttle_rps=5, throttle_burst=4)
    for dummy in range(3):
        client.request("GET", "/a")
    # 3 recent requests of another process (the 4th is older than a second) leave 1 of the burst of 4
    assert fake_time.waits == [pytest.approx(0.2), pytest.approx(0.2)]
    saved = state.read()["recent"]          # the other process's sends of the last second are kept, with its own
    assert [sender for dummy, sender in saved][:3] == ["a", "a", "a"]
    assert len(saved) == 6 and len({sender for dummy, sender in saved[3:]}) == 1 and saved[3][1] != "a"


def test_clients_sharing_a_throttle_do_not_count_their_requests_twice(server, state):
    fake_time = FakeTime()
    first = new_task(server.url, state, fake_time, throttle_rps=5, throttle_burst=4)
    for dummy in range(3):
        server.answer(200)
    first.request("GET", "/a")
    first.request("GET", "/b")
    second = HttpClient("Railway", server.url, rate_state=state, sleep=fake_time.sleep, clock=fake_time.clock,
                        throttle_rps=5, throttle_burst=4)      # same process, same throttle
    second.request("GET", "/c")
    assert fake_time.waits == []


def test_a_low_budget_is_spread_over_the_rest_of_the_window(server, state):
    low = {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "59", "X-RateLimit-Reset": "600"}
    server.answer(200, headers=dict(low, **{"X-RateLimit-Remaining": "100"})).answer(200, headers=low)
    server.answer(200, headers=dict(low, **{"X-RateLimit-Reset": "36000"})).answer(200)
    fake_time = FakeTime()
    client = new_task(server.url, state, fake_time, max_retry_wait=120)
    client.request("GET", "/a")                 # 100 of 1000 left: not low yet
    client.request("GET", "/b")                 # 59 left for 600 s: one request every 10 s
    assert fake_time.waits == []
    client.request("GET", "/c")
    assert fake_time.waits == [pytest.approx(10.0)]
    client.request("GET", "/d")                 # never more than max_retry_wait between two requests
    assert fake_time.waits[1] == pytest.approx(120.0) and len(server.requests) == 4


def running_task(url, state, fake_time, **kwargs):
    """A client of a fork running at the same time as others (a process of its own, already started)."""
    _http.reset_limiters()
    return HttpClient("Railway", url, rate_state=state, sleep=fake_time.sleep, clock=fake_time.clock, timeout=2,
                      **kwargs)


def test_a_429_in_one_fork_slows_a_fork_that_is_already_running(server, state):
    other_time, this_time = FakeTime(), FakeTime()
    server.answer(200)
    running = running_task(server.url, state, this_time)
    running.request("GET", "/first")                      # started before the other fork was refused
    server.answer(429, headers={"Retry-After": "20"}).answer(200)
    running_task(server.url, state, other_time).request("GET", "/refused")
    assert other_time.waits == [20.0]
    server.answer(200)
    running.request("GET", "/next")
    assert len(this_time.waits) == 1 and 15 <= this_time.waits[0] <= 20     # waited before sending, did not fail
    assert [r.path for r in server.requests] == ["/first", "/refused", "/refused", "/next"]


def test_running_forks_count_each_others_requests_once(server, state):
    one_time, two_time = FakeTime(), FakeTime()
    for dummy in range(6):
        server.answer(200)
    one = running_task(server.url, state, one_time, throttle_rps=5, throttle_burst=4)
    two = running_task(server.url, state, two_time, throttle_rps=5, throttle_burst=4)
    for dummy in range(3):
        one.request("GET", "/one")
    two.request("GET", "/two")              # the 3 sends of the other fork leave 1 of the burst of 4
    assert two_time.waits == []
    two.request("GET", "/two")
    two.request("GET", "/two")
    assert two_time.waits == [pytest.approx(0.2), pytest.approx(0.2)]      # the first three were counted once only
    senders = {sender for dummy, sender in state.read()["recent"]}
    assert len(senders) == 2                # both forks' sends are in the shared state


def test_a_send_is_in_the_shared_state_before_its_answer_comes(server, state):
    """A fork that starts while another fork's request is under way counts that request."""
    fake_time = FakeTime()
    server.answer(200)
    client = running_task(server.url, state, fake_time, throttle_rps=5, throttle_burst=4)
    seen_while_sending = []
    send = client.session.request

    def request(*args, **kwargs):
        seen_while_sending.append([sender for dummy, sender in state.read().get("recent") or ()])
        return send(*args, **kwargs)

    client.session.request = request
    client.request("GET", "/a")
    assert seen_while_sending == [[client._limiter.id]]  # pylint: disable=protected-access


def pace_after_answer(server, tmp_path, hourly_limit):
    """The waits of the 5 requests of a task whose first answer says X-RateLimit-Limit hourly_limit."""
    server.answer(200, {"data": {"me": {"id": "u"}}},
                  headers={"X-RateLimit-Limit": str(hourly_limit), "X-RateLimit-Remaining": str(hourly_limit - 1),
                           "X-RateLimit-Reset": "3000"})
    for dummy in range(4):
        server.answer(200, {"data": {"me": {"id": "u"}}})
    fake_time = FakeTime()
    client = RailwayClient(dict(api_token=TOKEN, api_url=server.url + "/graphql/v2"))
    client.http.sleep, client.http.clock = fake_time.sleep, fake_time.clock
    for dummy in range(5):
        client.query("query me { me { id } }")
    return fake_time.waits


@pytest.mark.parametrize("hourly_limit, waits", [
    (1000, [pytest.approx(1 / 6)] * 2),     # Hobby, 10 a second: a burst of 3, then 6 a second
    (100, [pytest.approx(1 / 6)] * 2),      # Free and Trial: no per-second limit known, Hobby's pace
    (12345, [pytest.approx(1 / 6)] * 2),    # a plan the collection does not know: the default pace
    (10000, [pytest.approx(1 / 30)] * 2),   # Pro, 50 a second: 30 a second (the first burst was Hobby's)
])
def test_railway_paces_requests_as_the_plan_named_by_its_answers_allows(server, tmp_path, monkeypatch,
                                                                        hourly_limit, waits):
    monkeypatch.setenv("RAILSTACK_CACHE_DIR", str(tmp_path / "cache"))
    assert pace_after_answer(server, tmp_path, hourly_limit) == waits


def test_the_next_task_paces_as_the_plan_an_earlier_task_learned(server, tmp_path, monkeypatch):
    monkeypatch.setenv("RAILSTACK_CACHE_DIR", str(tmp_path / "cache"))
    pace_after_answer(server, tmp_path, 10000)
    _http.reset_limiters()                   # the next task: its first request already goes at Pro's pace
    fake_time = FakeTime()
    for dummy in range(20):
        server.answer(200, {"data": {"me": {"id": "u"}}})
    client = RailwayClient(dict(api_token=TOKEN, api_url=server.url + "/graphql/v2"))
    client.http.sleep, client.http.clock = fake_time.sleep, fake_time.clock
    for dummy in range(20):
        client.query("query me { me { id } }")
    # a burst of 15 (less the earlier task's sends of the last second), then 30 a second
    assert fake_time.waits == [pytest.approx(1 / 30)] * len(fake_time.waits)
    assert client.http.throttle_rps == 30 and client.http.throttle_burst == 15
