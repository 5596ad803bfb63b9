"""The sandbox framework: CLI, env file, routing, control API, state file, recording, faults, latency."""
import json
import sys
import time

import pytest
import requests

from conftest import CREATE_PROJECT, SANDBOX_SRC, create_project, read_env_file

sys.path.insert(0, SANDBOX_SRC)
from railstack_sandbox.provider import Provider, route  # noqa: E402
from railstack_sandbox.wire import Request  # noqa: E402

ENV_NAMES = ["RAILWAY_API_URL", "RAILWAY_API_TOKEN", "STRIPE_API_BASE", "STRIPE_API_KEY", "CLERK_API_URL",
             "CLERK_SECRET_KEY", "CLOUDFLARE_API_URL", "CLOUDFLARE_API_TOKEN", "NAMECHEAP_API_URL",
             "NAMECHEAP_API_USER", "NAMECHEAP_API_KEY", "NAMECHEAP_CLIENT_IP", "RAILSTACK_SANDBOX_URL",
             "RAILSTACK_SANDBOX_RAILWAY_WORKSPACE_TOKEN"]


def test_listening_line_and_env_file(start_sandbox):
    sandbox = start_sandbox()
    assert sandbox.first_line == f"railstack-sandbox listening on {sandbox.url}"
    assert sandbox.url.startswith("http://127.0.0.1:") and not sandbox.url.endswith(":0")
    with open(sandbox.env_file) as f:
        lines = f.read().splitlines()
    assert all(line.startswith("export ") for line in lines)
    assert sorted(sandbox.env) == sorted(ENV_NAMES)
    assert sandbox.env["RAILWAY_API_URL"] == sandbox.url + "/graphql/v2"
    assert sandbox.env["STRIPE_API_BASE"] == sandbox.url
    assert sandbox.env["CLERK_API_URL"] == sandbox.url + "/v1"
    assert sandbox.env["CLOUDFLARE_API_URL"] == sandbox.url + "/client/v4"
    assert sandbox.env["STRIPE_API_KEY"].startswith("sk_test_")
    assert sandbox.env["CLERK_SECRET_KEY"].startswith("sk_test_")


def test_credentials_are_the_same_on_every_start_and_can_be_overridden(start_sandbox):
    first, second = start_sandbox(), start_sandbox()
    assert first.url != second.url
    assert {k: v for k, v in first.env.items() if "URL" not in k and "BASE" not in k} == \
           {k: v for k, v in second.env.items() if "URL" not in k and "BASE" not in k}
    custom = start_sandbox("--token-railway", "my token's value")
    assert custom.env["RAILWAY_API_TOKEN"] == "my token's value"     # shell-quoted and read back
    assert custom.gql("{ me { id } }", token="my token's value")["me"]["id"]
    assert custom.gql_error("{ me { id } }", token=first.token) == "Not Authorized"


def test_unclaimed_requests_get_404_json(sandbox):
    for method, path in [("GET", "/nowhere"), ("POST", "/graphql/v1"), ("GET", "/v2/customers")]:
        response = requests.request(method, sandbox.url + path, timeout=5)
        assert response.status_code == 404
        assert "error" in response.json()


def test_route_prefers_the_routing_header_then_the_path_table():
    class Stripe(Provider):
        name, base_path, route_header, path_prefixes = "stripe", "/v1", "Stripe-Version", ("/v1/prices",)

    class Clerk(Provider):
        name, base_path, route_header, path_prefixes = "clerk", "/v1", "Clerk-API-Version", ("/v1/users",)
    providers = [Stripe(None), Clerk(None)]

    def request(path, headers=()):
        return Request.build("GET", path, "", list(headers), b"")
    assert route(providers, request("/v1/users", [("Stripe-Version", "x")])).name == "stripe"
    assert route(providers, request("/v1/prices", [("clerk-api-version", "2025-11-10")])).name == "clerk"
    assert route(providers, request("/v1/prices/price_1")).name == "stripe"
    assert route(providers, request("/v1/users")).name == "clerk"
    assert route(providers, request("/v1/other")) is None
    assert route(providers, request("/graphql/v2", [("Stripe-Version", "x")])) is None


def test_control_state_and_reset(sandbox):
    project = create_project(sandbox)
    state = sandbox.control("GET", "state").json()
    assert project["id"] in state["railway"]["projects"]
    workspace = state["railway"]["workspace"]
    assert workspace["name"] == "Sandbox Workspace"
    assert sandbox.control("POST", "reset").json() == {"reset": True}
    state = sandbox.control("GET", "state").json()
    assert state["railway"]["projects"] == {}
    assert state["railway"]["workspace"]["id"] == workspace["id"]
    assert sandbox.gql("{ me { id } }")["me"]       # same credentials after reset
    assert sandbox.control("GET", "reset").status_code == 405
    assert sandbox.control("GET", "nothing").status_code == 404


def test_control_faults_settings_are_validated(sandbox):
    settings = sandbox.control("GET", "faults").json()
    assert set(settings) == {"rate", "seed", "latency_ms", "kinds", "next"}
    for bad in [{"rate": 2}, {"kinds": ["418"]}, {"next": [{"kind": "nope"}]}, {"next": [{"kind": "500", "x": 1}]},
                {"latency_ms": -1}, {"bogus": 1}, [1]]:
        assert sandbox.control("POST", "faults", bad).status_code == 400, bad
    changed = sandbox.control("POST", "faults", {"next": [{"kind": "500", "api": "railway", "match": "me"}]}).json()
    assert changed["next"] == [{"kind": "500", "api": "railway", "match": "me"}]
    assert changed["rate"] == settings["rate"]


def test_traffic_endpoint_counts_requests_between_two_points(sandbox):
    start = sandbox.traffic_index()
    create_project(sandbox, "one")
    sandbox.gql("{ projects { edges { node { id } } } }")
    sandbox.control("GET", "state")          # control requests are not recorded
    entries = sandbox.traffic_since(start)
    assert [e["json"]["query"].lstrip().split()[0] for e in entries] == ["mutation", "{"]
    assert sandbox.traffic_index() == start + 2
    assert sandbox.control("GET", "traffic?since=abc").status_code == 400


def test_state_survives_a_restart(start_sandbox, tmp_path):
    state_file = tmp_path / "state.json"
    first = start_sandbox("--state", str(state_file))
    project = create_project(first, "kept")
    token = first.gql("mutation($i: ProjectTokenCreateInput!) { projectTokenCreate(input: $i) }",
                      {"i": {"projectId": project["id"], "environmentId": project["environment_id"], "name": "ci"}})
    first.stop()
    assert json.loads(state_file.read_text())["railway"]["projects"][project["id"]]["name"] == "kept"
    second = start_sandbox("--state", str(state_file))
    assert second.token == first.token
    found = second.gql("query($id: String!) { project(id: $id) { name environments { edges { node { id } } } } }",
                       {"id": project["id"]})["project"]
    assert found["name"] == "kept"
    assert second.gql("{ projectToken { projectId } }", project_token=token["projectTokenCreate"]) == \
        {"projectToken": {"projectId": project["id"]}}
    # new ids after a restart never collide with old ones
    assert create_project(second, "new")["id"] != project["id"]


def test_seeded_ids_are_deterministic(start_sandbox):
    ids = [create_project(start_sandbox("--seed", "42"))["id"] for _ in range(2)]
    assert ids[0] == ids[1]
    assert create_project(start_sandbox("--seed", "43"))["id"] != ids[0]


def test_recording_format(start_sandbox, tmp_path):
    record = tmp_path / "traffic.jsonl"
    sandbox = start_sandbox("--record", str(record))
    project = create_project(sandbox)
    token = sandbox.gql("mutation($i: ProjectTokenCreateInput!) { projectTokenCreate(input: $i) }",
                        {"i": {"projectId": project["id"], "environmentId": project["environment_id"],
                               "name": "t"}})["projectTokenCreate"]
    sandbox.post_graphql("{ projectToken { projectId } }", project_token=token)
    sandbox.post_graphql("{ nope }")
    requests.post(sandbox.url + "/v1/customers", data={"metadata[env]": "prod", "name": "x"},
                  headers={"Stripe-Version": "2026-10-28.endive", "Idempotency-Key": "k1",
                           "Authorization": "Bearer sk_test_secret"}, timeout=5)
    requests.get(sandbox.url + "/v1/users?limit=5&a=1&a=2", headers={"Clerk-API-Version": "2025-11-10"}, timeout=5)
    text = record.read_text()
    assert sandbox.token not in text and token not in text and "sk_test_secret" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 6
    for line in lines:
        assert set(line) == {"api", "method", "path", "query", "headers", "json", "form", "status"}
    railway = lines[0]
    assert railway["api"] == "railway" and railway["method"] == "POST" and railway["path"] == "/graphql/v2"
    assert railway["query"] == [["source", "railstack-platform"]]
    assert railway["headers"] == {"Content-Type": "application/json", "Authorization": "<redacted>"}
    assert railway["json"]["variables"] == {"input": {"name": "demo"}} and railway["form"] is None
    assert railway["status"] == 200
    assert lines[2]["headers"]["Project-Access-Token"] == "<redacted>" and "Authorization" not in lines[2]["headers"]
    assert lines[3]["status"] == 400
    form = lines[4]
    assert form["path"] == "/v1/customers" and isinstance(form["status"], int) and form["json"] is None
    assert form["form"] == [["metadata[env]", "prod"], ["name", "x"]]
    assert form["headers"]["Stripe-Version"] == "2026-10-28.endive" and form["headers"]["Idempotency-Key"] == "k1"
    assert form["headers"]["Authorization"] == "<redacted>"
    assert lines[5]["query"] == [["limit", "5"], ["a", "1"], ["a", "2"]]
    assert lines[5]["headers"] == {"Clerk-API-Version": "2025-11-10"}
    # the in-memory recording is the same
    assert sandbox.traffic_since(0) == lines


def test_rate_limit_headers_on_every_railway_response(sandbox):
    remaining = []
    for _ in range(3):
        response = sandbox.post_graphql("{ me { id } }")
        assert response.headers["X-RateLimit-Limit"].isdigit()
        assert int(response.headers["X-RateLimit-Reset"]) > time.time()
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
    assert remaining[0] > remaining[1] > remaining[2]
    assert "X-RateLimit-Limit" in sandbox.post_graphql("{ nope }").headers     # 400s carry them too


def test_railway_rate_limit_answers_429(start_sandbox):
    sandbox = start_sandbox("--railway-rate-limit", "3")
    statuses = [sandbox.post_graphql("{ me { id } }").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = sandbox.post_graphql("{ me { id } }")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["X-RateLimit-Limit"] == "3" and response.headers["X-RateLimit-Remaining"] == "0"


def test_fault_429_has_railway_rate_limit_headers(sandbox):
    sandbox.control("POST", "faults", {"next": [{"kind": "429", "api": "railway"}]})
    response = sandbox.post_graphql("{ me { id } }")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert "X-RateLimit-Limit" in response.headers and "X-RateLimit-Reset" in response.headers
    assert sandbox.post_graphql("{ me { id } }").status_code == 200      # one-shot
    assert sandbox.control("GET", "faults").json()["next"] == []


def test_fault_429_edge_has_no_rate_limit_headers(sandbox):
    sandbox.control("POST", "faults", {"next": [{"kind": "429_edge"}]})
    response = sandbox.post_graphql("{ me { id } }")
    assert response.status_code == 429
    assert response.text == "error code: 1015"
    assert not [h for h in response.headers if h.lower().startswith("x-ratelimit") or h.lower() == "retry-after"]


@pytest.mark.parametrize("kind", ["500", "502", "503"])
def test_fault_server_errors_change_nothing(sandbox, kind):
    sandbox.control("POST", "faults", {"next": [{"kind": kind, "match": "projectCreate"}]})
    assert sandbox.post_graphql("{ me { id } }").status_code == 200          # does not match
    response = sandbox.post_graphql(CREATE_PROJECT, {"input": {"name": "x"}})
    assert response.status_code == int(kind)
    assert sandbox.gql("{ projects { edges { node { id } } } }")["projects"]["edges"] == []


def test_fault_drop_after_commit_commits_then_drops(sandbox):
    sandbox.control("POST", "faults", {"next": [{"kind": "drop_after_commit", "api": "railway",
                                                 "match": "projectCreate"}]})
    start = sandbox.traffic_index()
    with pytest.raises(requests.ConnectionError):
        sandbox.post_graphql(CREATE_PROJECT, {"input": {"name": "lost-answer"}})
    edges = sandbox.gql("{ projects { edges { node { name } } } }")["projects"]["edges"]
    assert [e["node"]["name"] for e in edges] == ["lost-answer"]
    assert sandbox.traffic_since(start)[0]["status"] is None


def test_fault_for_another_api_is_not_applied(sandbox):
    sandbox.control("POST", "faults", {"next": [{"kind": "500", "api": "stripe"}]})
    assert sandbox.post_graphql("{ me { id } }").status_code == 200
    assert len(sandbox.control("GET", "faults").json()["next"]) == 1


def test_random_faults_are_deterministic_with_a_seed(start_sandbox):
    runs = []
    for _ in range(2):
        sandbox = start_sandbox("--fault-rate", "0.5", "--seed", "9", "--fault-kinds", "500,502,503,429")
        runs.append([sandbox.post_graphql("{ me { id } }").status_code for _ in range(20)])
        assert sandbox.control("GET", "state").status_code == 200           # control API never faulted
    assert runs[0] == runs[1]
    assert 200 in runs[0] and set(runs[0]) - {200}


def test_latency_is_added_to_provider_requests_only(start_sandbox):
    sandbox = start_sandbox("--latency-ms", "300")
    began = time.monotonic()
    sandbox.post_graphql("{ me { id } }")
    assert time.monotonic() - began >= 0.3
    began = time.monotonic()
    sandbox.control("GET", "faults")
    assert time.monotonic() - began < 0.3
    sandbox.control("POST", "faults", {"latency_ms": 0})
    began = time.monotonic()
    sandbox.post_graphql("{ me { id } }")
    assert time.monotonic() - began < 0.3


def test_env_file_is_read_back_by_the_helper(tmp_path):
    path = tmp_path / "x.env"
    path.write_text("export A='b c'\nexport B=plain\n")
    assert read_env_file(path) == {"A": "b c", "B": "plain"}


def test_chunked_request_bodies_are_read(sandbox):
    def chunks():
        yield b'{"query": "{ me '
        yield b'{ id } }"}'
    response = requests.post(sandbox.graphql_url, data=chunks(), timeout=5,
                             headers={"Content-Type": "application/json", "Authorization": f"Bearer {sandbox.token}"})
    assert response.status_code == 200 and response.json()["data"]["me"]["id"]


def test_unreadable_state_file_is_reported(tmp_path):
    import subprocess
    bad = tmp_path / "state.json"
    bad.write_text("{not json")
    result = subprocess.run([sys.executable, "-m", "railstack_sandbox", "--state", str(bad)], cwd=SANDBOX_SRC,
                            capture_output=True, text=True, timeout=20)
    assert result.returncode != 0 and "not valid JSON" in result.stderr


def test_sandbox_runs_in_a_thread_for_embedding(tmp_path):
    from railstack_sandbox.server import SandboxThread
    with SandboxThread(env_file=str(tmp_path / "e.env"), state_path=str(tmp_path / "s.json")) as running:
        env = read_env_file(tmp_path / "e.env")
        assert env["RAILSTACK_SANDBOX_URL"] == running.url
        response = requests.post(env["RAILWAY_API_URL"], json={"query": "{ me { id } }"}, timeout=5,
                                 headers={"Authorization": f"Bearer {env['RAILWAY_API_TOKEN']}"})
        assert response.json()["data"]["me"]["id"]


def test_recording_never_holds_a_secret_value(start_sandbox, tmp_path):
    record = tmp_path / "traffic.jsonl"
    sandbox = start_sandbox("--record", str(record))
    project = sandbox.gql('mutation { projectCreate(input: {name: "redact"}) { id environments { edges { node { id } } } } }')
    project = project["projectCreate"]
    env_id = project["environments"]["edges"][0]["node"]["id"]
    sandbox.gql("mutation p($id: String!, $patch: EnvironmentConfig) { environmentPatchCommit(environmentId: $id, patch: $patch) }",
                variables={"id": env_id, "patch": {"sharedVariables": {"JWT_SECRET": {"value": "hunter2-very-secret"},
                                                                          "DB": {"value": "${{Postgres.DATABASE_URL}}"}}}})
    text = record.read_text()
    assert "hunter2-very-secret" not in text
    assert "${{Postgres.DATABASE_URL}}" in text          # references are not secrets, and stay readable
    assert env_id in text                                 # nor are the operation's own arguments
