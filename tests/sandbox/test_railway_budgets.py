"""Railway's request budgets per plan and per token (docs/sandbox.md, "Request budgets")."""
import time

import pytest

ME = "{ me { id } }"
WORKSPACES = "{ apiToken { workspaces { id } } }"


def statuses(sandbox, count, query=ME, **kwargs):
    return [sandbox.post_graphql(query, **kwargs).status_code for _ in range(count)]


def new_window(sandbox):
    response = sandbox.control("POST", "railway/budget", {"new_window": True})
    assert response.status_code == 200, response.text
    return response.json()


def test_hobby_refuses_the_eleventh_request_of_a_second(start_sandbox):
    sandbox = start_sandbox()                     # the default plan: hobby, budgets on
    started = time.monotonic()
    answers = [sandbox.post_graphql(ME) for _ in range(11)]
    if time.monotonic() - started >= 1.0:
        pytest.skip("11 requests took more than a second on this machine")
    assert [a.status_code for a in answers] == [200] * 10 + [429]
    refused = answers[-1]
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["X-RateLimit-Limit"] == "1000"
    assert refused.headers["X-RateLimit-Remaining"] == "990"       # the refused request does not count
    assert refused.json() == {"errors": [{"message": "Rate limit exceeded"}]}
    time.sleep(1.05)
    assert sandbox.post_graphql(ME).status_code == 200


def test_free_plan_hour_is_used_up_until_the_window_ends(start_sandbox):
    sandbox = start_sandbox("--railway-plan", "free")
    assert statuses(sandbox, 100) == [200] * 100
    refused = sandbox.post_graphql(ME)
    assert refused.status_code == 429
    reset_at = int(refused.headers["X-RateLimit-Reset"])
    assert 3590 <= reset_at - time.time() <= 3600
    assert 3590 <= int(refused.headers["Retry-After"]) <= 3600
    assert refused.headers["X-RateLimit-Limit"] == "100" and refused.headers["X-RateLimit-Remaining"] == "0"
    budget = new_window(sandbox)
    assert budget["requests_per_hour"] == 100 and budget["tokens"] == {}
    answer = sandbox.post_graphql(ME)
    assert answer.status_code == 200 and answer.headers["X-RateLimit-Remaining"] == "99"


def test_each_token_has_its_own_budget(start_sandbox):
    sandbox = start_sandbox("--railway-plan", "free")
    assert statuses(sandbox, 100) == [200] * 100
    assert sandbox.post_graphql(ME).status_code == 429
    answer = sandbox.post_graphql(WORKSPACES, token=sandbox.workspace_token)
    assert answer.status_code == 200 and answer.headers["X-RateLimit-Remaining"] == "99"
    tokens = sandbox.control("GET", "railway/budget").json()["tokens"]
    assert tokens["account"]["used"] == 100 and tokens["workspace"]["used"] == 1


def test_budgets_off_shows_pro_limit_and_never_refuses(start_sandbox):
    sandbox = start_sandbox("--railway-plan", "free", "--realism", "request_budget=false")
    assert statuses(sandbox, 120) == [200] * 120
    assert sandbox.post_graphql(ME).headers["X-RateLimit-Limit"] == "10000"


def test_explicit_hourly_limit_overrides_the_plan(start_sandbox):
    sandbox = start_sandbox("--railway-rate-limit", "5", "--realism", "request_budget=false")
    assert statuses(sandbox, 6) == [200] * 5 + [429]
    assert sandbox.post_graphql(ME).headers["X-RateLimit-Limit"] == "5"


def test_budget_setting_and_plan_change_at_runtime(start_sandbox):
    sandbox = start_sandbox("--realism", "request_budget=false")
    assert statuses(sandbox, 15) == [200] * 15
    assert sandbox.control("POST", "railway/realism", {"request_budget": True, "plan": "pro"}).status_code == 200
    new_window(sandbox)
    answers = [sandbox.post_graphql(ME) for _ in range(12)]
    assert [a.status_code for a in answers] == [200] * 12           # Pro: 50 a second
    assert answers[-1].headers["X-RateLimit-Limit"] == "10000"


@pytest.mark.parametrize("body", [{}, {"new_window": False}, {"new_window": True, "x": 1}, [1]])
def test_budget_control_refuses_other_bodies(sandbox, body):
    assert sandbox.control("POST", "railway/budget", body).status_code == 400


def test_reset_starts_a_new_window(start_sandbox):
    sandbox = start_sandbox("--railway-rate-limit", "2")
    assert statuses(sandbox, 3) == [200, 200, 429]
    assert sandbox.control("POST", "reset").status_code == 200
    assert statuses(sandbox, 1) == [200]
