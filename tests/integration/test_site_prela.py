# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/site.yml on examples/prela.yml (the Prela deployment guide) against the recording sandbox.

The module starts from an empty sandbox (the example's names, api.prela.app and the service domains,
are unique in it), converges the stack twice, and checks what the guide asks for is there.
"""
from __future__ import annotations

import re
import uuid

import pytest

from .site_helpers import SITE, SandboxState, check_recording, converge_twice, load_stack, ref, service_of, write_report, write_stack

PRELA = "@examples/prela.yml"
EVENTS = ["customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
          "invoice.created", "invoice.paid", "invoice.payment_failed", "checkout.session.completed"]
WHSEC = re.compile(r"whsec_[0-9A-Za-z]{6,}")


@pytest.fixture(scope="module")
def recording(traffic):
    start = traffic.mark()
    yield lambda: traffic.since(start).entries


@pytest.fixture(scope="module")
def app_secrets():
    """The application's own secrets, given through the environment as the example reads them."""
    return dict(CLICKHOUSE_HOST="abc123.eu-central-1.aws.clickhouse.cloud",
                CLICKHOUSE_PASSWORD="ch-pass-%s" % uuid.uuid4().hex)


@pytest.fixture(scope="module")
def prela(sandbox, run_playbook, traffic, recording, app_secrets):
    sandbox.client.reset()
    first, first_traffic, second, second_traffic = converge_twice(
        run_playbook, traffic, PRELA, env=app_secrets, first_verbosity=4)
    write_report("prela", first_requests=first_traffic.requests, first_mutations=len(first_traffic.mutations),
                 second_requests=second_traffic.requests, second_mutations=len(second_traffic.mutations))
    return dict(first=first, first_traffic=first_traffic, second=second, second_traffic=second_traffic,
                state=SandboxState(sandbox))


def test_first_run_builds_the_guide_and_the_second_changes_nothing(prela):
    first = prela["first"]
    assert first.task("Take the stack's lease")["changed"] is True      # the project is made under the lease
    assert [i["changed"] for i in first.items("Stripe products")] == [True, True]
    assert [p["changed"] for p in first.task("Stripe prices")["prices"]] == [True, True]
    assert first.task("railstack.platform.web_service : Settings and variables of the services, in one write, in production")["changed"] is True
    operations = prela["first_traffic"].operation_names()
    assert operations.count("serviceCreate") == 4                 # two gateways, Postgres, Redis
    assert {"customDomainCreate", "serviceDomainCreate", "environmentPatchCommit"} <= set(operations)
    # the no-op run: reads only, and few of them (one environment read per bulk step, not per service)
    second = prela["second_traffic"]
    assert second.mutations == []
    assert second.requests <= 40, second.summary()
    # the environment's Railway tasks are given the project's and the environment's ids: each reads both in one
    # query (environmentState), none reads the project and then the environment's config on its own
    assert "environmentConfig" not in second.operation_names(), second.summary()


def test_databases_services_and_variables_are_the_guides(prela, app_secrets):
    state = prela["state"]
    project = state.project("prela-backend")
    assert set(state.services(project)) == {"Postgres", "Redis", "prela-api-gateway", "prela-ingest-gateway"}
    api = state.variables(project, "production", "prela-api-gateway")
    assert api["DATABASE_URL"] == "${{Postgres.DATABASE_URL}}" and api["REDIS_URL"] == "${{Redis.REDIS_URL}}"
    assert api["CLICKHOUSE_PASSWORD"] == app_secrets["CLICKHOUSE_PASSWORD"]
    assert api["SERVICE_NAME"] == "prela-api-gateway" and api["API_PORT"] == "8000"
    assert api["CORS_ORIGINS"] == '["https://dashboard.prela.app","http://localhost:5173"]'
    assert len(api["JWT_SECRET"]) == 64
    prices = {p["lookup_key"]: p for p in state.stripe("prices")}
    assert api["STRIPE_LUNCH_MONEY_PRICE_ID"] == prices["prela_lunch_money_monthly"]["id"]
    assert prices["prela_lunch_money_monthly"]["unit_amount"] == 1400
    assert api["STRIPE_PRO_PRICE_ID"] == prices["prela_pro_monthly"]["id"]
    assert api["CLERK_PUBLISHABLE_KEY"].startswith("pk_test_")
    assert api["CLERK_JWKS_URL"].endswith("/.well-known/jwks.json")
    ingest = state.variables(project, "production", "prela-ingest-gateway")
    assert ingest["CLICKHOUSE_PASSWORD"] == "${{prela-api-gateway.CLICKHOUSE_PASSWORD}}"      # a reference, not a copy
    assert ingest["API_PORT"] == "8001"
    instance = state.instance(project, "production", "prela-api-gateway")
    assert instance["deploy"]["healthcheckPath"] == "/api/v1/health"
    assert instance["source"]["rootDirectory"] == "backend/services/api-gateway"
    postgres = state.instance(project, "production", "Postgres")
    assert "DATABASE_PUBLIC_URL" in postgres["variables"]            # public, for the migrations


def test_api_prela_app_is_verified_with_its_records_at_cloudflare(prela):
    state = prela["state"]
    domain = state.custom_domains()["api.prela.app"]
    assert domain["verifiedAt"] and domain["certificateIssuedAt"] and domain["targetPort"] == 8000
    records = {(r["type"], r["name"]): r["content"] for r in state.cloudflare_records("prela.app")}
    assert records[("CNAME", "api.prela.app")] == domain["cnameTarget"]
    assert any(kind == "TXT" and name.startswith("_railway-verify") for kind, name in records)
    lines = prela["first"].task("What the stack is")["msg"]
    assert any(line.startswith("production: prela-api-gateway (web) https://api.prela.app - ") for line in lines)
    assert any(line.startswith("production: prela-ingest-gateway (web) https://prela-ingest-gateway.up.railway.app - ")
               for line in lines)


def test_the_webhook_has_its_seven_events_and_its_secret_is_in_the_api_variable(prela):
    state = prela["state"]
    endpoints = state.stripe("webhook_endpoints")
    assert [e["url"] for e in endpoints] == ["https://api.prela.app/api/v1/billing/webhooks/stripe"]
    assert sorted(endpoints[0]["enabled_events"]) == sorted(EVENTS)
    secret = state.variables(state.project("prela-backend"), "production", "prela-api-gateway")["STRIPE_WEBHOOK_SECRET"]
    assert WHSEC.fullmatch(secret)


def test_no_secret_reaches_the_output(prela, sandbox_env, app_secrets):
    state = prela["state"]
    api = state.variables(state.project("prela-backend"), "production", "prela-api-gateway")
    secrets = [api["JWT_SECRET"], api["STRIPE_WEBHOOK_SECRET"], app_secrets["CLICKHOUSE_PASSWORD"],
               sandbox_env["STRIPE_API_KEY"], sandbox_env["CLERK_SECRET_KEY"], sandbox_env["RAILWAY_API_TOKEN"],
               sandbox_env["CLOUDFLARE_API_TOKEN"]]
    postgres = state.variables(state.project("prela-backend"), "production", "Postgres")
    secrets.append(postgres["POSTGRES_PASSWORD"])
    for run in (prela["first"], prela["second"]):              # the first at -vvvv
        text = run.stdout + run.stderr
        for secret in secrets:
            assert secret not in text
        assert not WHSEC.search(text)


def test_the_summary_says_where_secrets_went_without_them(prela):
    lines = prela["second"].task("What the stack is")["msg"]
    assert "production: databases Postgres, Redis" in lines
    api = next(line for line in lines if line.startswith("production: prela-api-gateway (web)"))
    assert "generated once JWT_SECRET" in api
    assert "written by the Stripe webhook STRIPE_WEBHOOK_SECRET" in api
    assert "Stripe price id STRIPE_LUNCH_MONEY_PRICE_ID STRIPE_PRO_PRICE_ID" in api
    assert "Clerk CLERK_JWKS_URL CLERK_PUBLISHABLE_KEY" in api
    assert "reference DATABASE_URL REDIS_URL" in api
    assert "whsec_" not in api


def test_check_diff_on_a_changed_stack_plans_exactly_the_changes_and_writes_nothing(
        prela, sandbox, run_playbook, traffic, app_secrets):
    data = load_stack("prela")
    ingest = service_of(data, "prela-ingest-gateway")
    ingest["deploy"] = {"num_replicas": 2}
    api = service_of(data, "prela-api-gateway")
    api["variables"]["LOG_LEVEL"] = "DEBUG"
    api["variables"]["FEATURE_NEW_BILLING"] = "on"
    data["stack"]["stripe"]["prices"].append(dict(lookup_key="prela_pro_yearly", product="prela_pro", currency="usd",
                                                  unit_amount=49000, recurring={"interval": "year"}))
    changed = write_stack(data, "prela-changed")
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=changed, check=True, diff=True, env=app_secrets)
    run.assert_ok()
    assert window.mutations == [], window.summary()
    assert sorted(set(run.changed)) == ["Stripe prices", "railstack.platform.web_service : Settings and variables of the services, in one write, in production"]
    assert [p["changed"] for p in run.task("Stripe prices")["prices"]] == [False, False, True]
    services = run.task("railstack.platform.web_service : Settings and variables of the services, in one write, in production")["services"]
    assert [s["changed"] for s in services] == [True, True]           # the API's variables, the ingest's replicas
    assert '"numReplicas": 2' in run.stdout
    assert "FEATURE_NEW_BILLING" in run.stdout
    # and nothing of it happened
    state = SandboxState(sandbox)
    variables = state.variables(state.project("prela-backend"), "production", "prela-api-gateway")
    assert "FEATURE_NEW_BILLING" not in variables and variables["LOG_LEVEL"] == "INFO"


def test_a_reference_to_a_service_not_in_the_stack_fails_before_any_request(prela, run_playbook, traffic):
    data = load_stack("prela")
    service_of(data, "prela-ingest-gateway")["variables"]["DATABASE_URL"] = ref("Postgress.DATABASE_URL")
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=write_stack(data, "prela-typo"))
    assert not run.ok
    assert run.tasks("Check the whole stack before any write")[-1]["status"] == "failed"
    result = run.task("Check the whole stack before any write")
    assert result["msg"].startswith("stack.services[prela-ingest-gateway].variables.DATABASE_URL: the reference to "
                                    "Postgress.DATABASE_URL names service 'Postgress'")
    assert "did you mean Postgres?" in result["msg"]
    assert window.requests == 0, window.summary()


def test_an_unknown_key_fails_before_any_request_naming_it(prela, run_playbook, traffic):
    data = load_stack("prela")
    service_of(data, "prela-api-gateway")["helthcheck"] = {"path": "/"}
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=write_stack(data, "prela-unknown-key"))
    assert not run.ok
    assert "stack.services[prela-api-gateway].helthcheck: unknown key" in run.task("Check the whole stack before any write")["msg"]
    assert window.requests == 0


def test_the_recording_passes_the_contracts(prela, recording):
    check_recording(recording(), "prela")
