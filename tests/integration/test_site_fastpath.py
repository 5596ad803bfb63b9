# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The no-op fast path of playbooks/site.yml, on examples/prela.yml against the recording sandbox.

After a converge, a run with nothing changed reads the stack's state in bulk (8 requests), finds this machine's
fingerprint of the last converge matching, and skips the converge: no lease, no write. Every drift the converge
repairs, made through the providers' own APIs, makes the next run a full one, which repairs it; the one after is fast
again.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from .railway_helpers import graphql
from .clerk_helpers import clerk_call
from .site_helpers import SITE, SandboxState

PRELA = "@examples/prela.yml"
STRIPE_VERSION = "2026-10-28.endive"  # the version the collection pins (module_utils/stripe.py)
PROJECT = "prela-backend"
FAST_TASK = "Nothing changed since this machine's last converge"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("fastpath-cache")


@pytest.fixture(scope="module")
def app_env(cache):
    return dict(CLICKHOUSE_HOST="abc123.eu-central-1.aws.clickhouse.cloud",
                CLICKHOUSE_PASSWORD="ch-pass-%s" % uuid.uuid4().hex, RAILSTACK_CACHE_DIR=str(cache))


@pytest.fixture(scope="module")
def site(run_playbook, traffic, app_env):
    def run(check=False, extra=None, env=None):
        start = traffic.mark()
        extra_vars = [PRELA] + ([extra] if extra else [])
        result = run_playbook(SITE, extra_vars=extra_vars, check=check, env=dict(app_env, **(env or {})), fast_path=True)
        result.assert_ok()
        return result, traffic.since(start)
    return run


@pytest.fixture(scope="module")
def converged(sandbox, site):
    sandbox.client.reset()
    first = site()[0]
    assert not is_fast(first)
    assert first.task("Record this converge on this machine")["recorded"] is True
    return first


def is_fast(run):
    return any(r["task"] == FAST_TASK and r["status"] == "ok" for r in run.results)


def reason(run):
    return run.task("Check what needs the providers' state before any write")["converged_reason"]


def assert_fast(run, window):
    assert is_fast(run), reason(run)
    assert window.requests <= 8, window.summary()
    assert window.mutations == [] and window.lease_requests == [], window.summary()
    assert all(host["changed"] == 0 for host in run.recap.values()), run.recap


# ---------------------------------------------------------------------------------------- the no-op


def test_a_noop_after_a_converge_is_fast(converged, site):
    run, window = site()
    assert_fast(run, window)
    apis = sorted(e["api"] for e in window.entries)
    assert apis == ["clerk"] * 2 + ["cloudflare"] * 2 + ["railway"] * 2 + ["stripe"] * 2, window.summary()
    message = "\n".join(run.task(FAST_TASK)["msg"])
    assert "project prela-backend" in message and "https://api.prela.app" in message
    # the lines the converge printed, stored with its fingerprint (names and URLs, never a value)
    assert set(converged.task("What the stack is")["msg"]) <= set(run.task(FAST_TASK)["msg"])


def test_check_mode_is_fast_too_and_records_nothing(converged, site, cache):
    before = {p.name: p.read_bytes() for p in (cache / "converged").iterdir()}
    run, window = site(check=True)
    assert_fast(run, window)
    assert {p.name: p.read_bytes() for p in (cache / "converged").iterdir()} == before


def test_converge_all_runs_in_full_and_writes_nothing(converged, site):
    run, window = site(extra="converge_all=true")
    assert not is_fast(run)
    assert window.mutations == [], window.summary()
    assert all(host["changed"] == 0 for host in run.recap.values()), run.recap
    assert run.task("Record this converge on this machine")["recorded"] is True
    again, window = site()
    assert_fast(again, window)


def test_the_fingerprint_holds_no_value_and_is_private(converged, cache, app_env):
    [path] = list((cache / "converged").iterdir())
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text(encoding="utf-8")
    assert app_env["CLICKHOUSE_PASSWORD"] not in text and app_env["CLICKHOUSE_HOST"] not in text
    data = json.loads(text)
    assert set(data) == {"format", "collection_version", "salt", "digests", "time", "summary"}


def test_an_interrupted_run_leaves_no_fingerprint(converged, site, cache, faults, run_playbook, app_env):
    """A run that fails after the lease (Clerk down when the services' Clerk values are read) leaves none behind,
    and the next run converges in full."""
    faults(next=[{"kind": "500", "api": "clerk", "match": "/v1/instance"}] * 10)
    failed = run_playbook(SITE, extra_vars=[PRELA, "converge_all=true"], env=app_env)
    assert failed.rc != 0
    assert not list((cache / "converged").iterdir())
    faults(next=[])
    run = site()[0]
    assert not is_fast(run) and reason(run) == "no converge of this stack is recorded on this machine"
    again, window = site()
    assert_fast(again, window)


# ---------------------------------------------------------------------------------------- drift


def _stripe(sandbox_env, method, path, data=None):
    body = urllib.parse.urlencode(data or {}).encode() if data is not None else None
    request = urllib.request.Request(sandbox_env["STRIPE_API_BASE"].rstrip("/") + "/v1" + path, data=body, method=method,
                                     headers={"Authorization": "Bearer " + sandbox_env["STRIPE_API_KEY"],
                                              "Stripe-Version": STRIPE_VERSION, "Idempotency-Key": uuid.uuid4().hex})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise AssertionError("%s %s: %s" % (method, path, exc.read().decode())) from exc


def _cloudflare(sandbox_env, method, path, data=None):
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(sandbox_env["CLOUDFLARE_API_URL"].rstrip("/") + path, data=body, method=method,
                                     headers={"Authorization": "Bearer " + sandbox_env["CLOUDFLARE_API_TOKEN"],
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _ids(sandbox):
    state = SandboxState(sandbox)
    project = state.project(PROJECT)
    environment = state.environment(project, "production")
    return state, project, environment


def edit_variable(sandbox, sandbox_env):
    state, project, environment = _ids(sandbox)
    service = state.services(project)["prela-api-gateway"]["id"]
    graphql(sandbox_env, "mutation v($input: VariableUpsertInput!) { variableUpsert(input: $input) }",
            {"input": {"projectId": project["id"], "environmentId": environment["id"], "serviceId": service,
                       "name": "LOG_LEVEL", "value": "DEBUG"}})


def change_service_setting(sandbox, sandbox_env):
    state, project, environment = _ids(sandbox)
    service = state.services(project)["prela-api-gateway"]["id"]
    graphql(sandbox_env, "mutation c($environmentId: String!, $patch: EnvironmentConfig) {"
                         " environmentPatchCommit(environmentId: $environmentId, patch: $patch) }",
            {"environmentId": environment["id"],
             "patch": {"services": {service: {"deploy": {"healthcheckPath": "/elsewhere"}}}}})


def delete_service(sandbox, sandbox_env):
    state, project = _ids(sandbox)[:2]
    graphql(sandbox_env, "mutation d($id: String!) { serviceDelete(id: $id) }",
            {"id": state.services(project)["prela-ingest-gateway"]["id"]})


def delete_volume(sandbox, sandbox_env):
    state, project = _ids(sandbox)[:2]
    volume = sorted(state.volumes(project).values(), key=lambda v: v["name"])[0]
    graphql(sandbox_env, "mutation d($volumeId: String!) { volumeDelete(volumeId: $volumeId) }",
            {"volumeId": volume["id"]})


def delete_domain(sandbox, sandbox_env):
    domain = SandboxState(sandbox).custom_domains()["api.prela.app"]
    graphql(sandbox_env, "mutation d($id: String!) { customDomainDelete(id: $id) }", {"id": domain["id"]})


def change_dns_record(sandbox, sandbox_env):
    record = next(r for r in SandboxState(sandbox).cloudflare_records("prela.app") if r["type"] == "CNAME")
    _cloudflare(sandbox_env, "PATCH", "/zones/%s/dns_records/%s" % (record["_zone"], record["id"]), {"ttl": 300})


def archive_price(sandbox, sandbox_env):
    price = next(p for p in SandboxState(sandbox).stripe("prices") if p.get("lookup_key") == "prela_pro_monthly")
    _stripe(sandbox_env, "POST", "/prices/" + price["id"], {"active": "false"})


def rename_product(sandbox, sandbox_env):
    _stripe(sandbox_env, "POST", "/products/prela_pro", {"name": "Pro (renamed)"})


def disable_webhook(sandbox, sandbox_env):
    [endpoint] = _stripe(sandbox_env, "GET", "/webhook_endpoints")["data"]
    _stripe(sandbox_env, "POST", "/webhook_endpoints/" + endpoint["id"], {"disabled": "true"})


def delete_webhook(sandbox, sandbox_env):
    [endpoint] = _stripe(sandbox_env, "GET", "/webhook_endpoints")["data"]
    _stripe(sandbox_env, "DELETE", "/webhook_endpoints/" + endpoint["id"])


def change_clerk(sandbox, sandbox_env):
    status = clerk_call(sandbox_env, "PATCH", "/instance", {"allowed_origins": ["https://elsewhere.example"]})[0]
    assert status in (200, 204)


DRIFTS = [edit_variable, change_service_setting, delete_service, delete_volume, delete_domain, change_dns_record, archive_price,
          rename_product, disable_webhook, delete_webhook, change_clerk]


@pytest.mark.parametrize("drift", DRIFTS, ids=[d.__name__ for d in DRIFTS])
def test_a_drift_makes_the_next_run_full_and_the_one_after_fast(converged, site, sandbox, sandbox_env, drift):
    drift(sandbox, sandbox_env)
    repair = site()[0]
    assert not is_fast(repair)
    assert repair.task("Record this converge on this machine")["recorded"] is True
    again, window = site()
    assert_fast(again, window)


def test_the_stack_changed_makes_the_next_run_full(converged, site):
    run = site(env=dict(CLICKHOUSE_HOST="moved.eu-central-1.aws.clickhouse.cloud"))[0]
    assert not is_fast(run) and reason(run).startswith("the stack changed")
    assert "Settings and variables" in " ".join(run.changed)
    again, window = site(env=dict(CLICKHOUSE_HOST="moved.eu-central-1.aws.clickhouse.cloud"))
    assert_fast(again, window)


def test_a_credential_rotated_makes_the_next_run_full(converged, site, sandbox_env):
    """Railway's workspace token in place of the account token: another credential, so the next run converges in
    full (and records again); back to the first one, the same."""
    rotated = dict(RAILWAY_API_TOKEN=sandbox_env["RAILSTACK_SANDBOX_RAILWAY_WORKSPACE_TOKEN"])
    run = site(env=rotated)[0]
    assert not is_fast(run) and reason(run) == "a provider credential or API URL changed"
    again, window = site(env=rotated)
    # fast; a workspace token is refused `me`, so Railway's reads are 4 here (the workspaces, their projects, then
    # the project) instead of 2
    assert is_fast(again), reason(again)
    assert window.mutations == [] and window.lease_requests == [] and window.requests <= 10, window.summary()
    back = site()[0]
    assert not is_fast(back) and reason(back) == "a provider credential or API URL changed"
