# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""stack_check: the shape of a stack, its cross-references, the service roles, environments and bindings.

It sends no request, so these tests run it whole: parameters in, result (or failure) out.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from ansible_collections.railstack.platform.plugins.module_utils import stack_check as stack
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

REPO_ROOT = Path(__file__).resolve().parents[4]
REF = "${{%s}}"


class _Loader(yaml.SafeLoader):
    """YAML as Ansible reads a stack file: !unsafe strings are plain strings."""


_Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def example(name):
    return yaml.load((REPO_ROOT / "examples" / ("%s.yml" % name)).read_text(encoding="utf-8"), Loader=_Loader)["stack"]


def small(**extra):
    value = dict(
        project=dict(name="shop"),
        environments=[dict(name="production"), dict(name="staging", source_environment="production")],
        dns=dict(provider="cloudflare", zone="example.com"),
        databases=[dict(name="Postgres", engine="postgres"), dict(engine="redis")],
        services=[
            dict(name="api", source=dict(repo="acme/shop"), service_domain=True,
                 domains=[dict(domain="api.example.com", target_port=8000)], health_check=dict(path="/health"),
                 variables=dict(DATABASE_URL=REF % "Postgres.DATABASE_URL", REDIS_URL=REF % "Redis.REDIS_URL",
                                SECRET_KEY=dict(generate=dict(length=40)), MODE="live")),
            dict(name="worker", role="worker", source=dict(repo="acme/shop"),
                 deploy=dict(start_command="celery -A shop worker"), variables_from="api"),
        ],
    )
    value.update(extra)
    return value


def check(value, environment=None, outputs=None, check_references=True, **more):
    ctx = TaskContext(dict(dict(stack=value, environment=environment, outputs=outputs or {}, check_references=check_references),
                           **more))
    return execute(stack, ctx)


def failure(value, **kwargs):
    result = check(value, **kwargs)
    assert result.get("failed"), result
    return result["msg"]


def plan(result, environment="production"):
    return next(e for e in result["environments"] if e["name"] == environment)


def item(env_plan, name):
    return next(s for s in env_plan["services"] if s["name"] == name)


def role(env_plan, name):
    return next(s for s in env_plan["roles"] if s["name"] == name)


# ------------------------------------------------------------------------------------------ the examples

@pytest.mark.parametrize("name", ["prela", "laravel", "django", "demo"])
def test_the_examples_pass(name):
    result = check(example(name))
    assert not result.get("failed"), result.get("msg")
    assert result["_ansible_no_log"] is True          # the plan holds variable values
    assert [e["name"] for e in result["environments"]] == [e["name"] for e in example(name)["environments"]]


def test_one_record_per_service_holds_its_settings_variables_and_steps():
    production = plan(check(small()))
    api = item(production, "api")
    assert api["source"] == dict(repo="acme/shop") and set(api["variables"]) == {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MODE"}
    assert api["role"] == "web" and api["service_domain"] is True and api["public_address"] == "api.example.com"
    assert [d["domain"] for d in api["domains"]] == ["api.example.com"] and api["health_check"]["path"] == "/health"
    assert (api["wait"], api["wait_timeout"], api["rollback_on_failure"], api["volume"]) == (True, 900, True, None)
    assert [s["name"] for s in production["services"]] == ["api", "worker"]
    assert role(production, "api") == {k: api[k] for k in role(production, "api")}     # the steps, from the same record
    assert "variables" not in role(production, "api")


def test_prela_is_the_guide():
    result = check(example("prela"))
    production = plan(result)
    assert [d["name"] for d in production["databases"]] == ["Postgres", "Redis"]
    assert production["databases"][0]["migrations"]["expect_tables"] == ["api_keys", "subscriptions", "usage_records", "users"]
    api = item(production, "prela-api-gateway")
    assert api["source"] == dict(repo="prela/prela", branch="main", root_directory="backend/services/api-gateway")
    assert api["deploy"] == dict(healthcheck_path="/api/v1/health")
    assert api["variables"]["DATABASE_URL"] == REF % "Postgres.DATABASE_URL"
    assert api["variables"]["JWT_SECRET"] == dict(generate=dict(length=64))
    # bindings wait for their values: price ids and Clerk's
    pending = sorted(p["variable"] for p in production["pending"])
    assert pending == ["CLERK_JWKS_URL", "CLERK_PUBLISHABLE_KEY", "STRIPE_LUNCH_MONEY_PRICE_ID", "STRIPE_PRO_PRICE_ID"]
    assert "STRIPE_PRO_PRICE_ID" not in api["variables"]
    hook = production["webhooks"][0]
    assert hook["service"] == "prela-api-gateway" and hook["path"] == "/api/v1/billing/webhooks/stripe"
    assert len(hook["options"]["enabled_events"]) == 7
    assert role(production, "prela-api-gateway")["domains"] == [
        dict(domain="api.prela.app", target_port=8000, dns=dict(provider="cloudflare", zone="prela.app"), wait=True)]
    assert role(production, "prela-api-gateway")["public_address"] == "api.prela.app"
    assert role(production, "prela-ingest-gateway")["public_address"] == "prela-ingest-gateway.up.railway.app"
    assert [p["lookup_key"] for p in result["stripe"]["prices"]] == ["prela_lunch_money_monthly", "prela_pro_monthly"]
    assert result["uses_clerk"] is True


def test_outputs_resolve_the_bindings():
    outputs = dict(stripe_prices=dict(prela_lunch_money_monthly="price_1", prela_pro_monthly="price_2"),
                   clerk=dict(publishable_key="pk_test_abc", jwks_url="https://x.clerk.accounts.dev/.well-known/jwks.json"))
    production = plan(check(example("prela"), outputs=outputs))
    api = item(production, "prela-api-gateway")
    assert api["variables"]["STRIPE_PRO_PRICE_ID"] == "price_2"
    assert api["variables"]["CLERK_PUBLISHABLE_KEY"] == "pk_test_abc"
    assert production["pending"] == []


def test_summary_names_where_each_variable_comes_from_and_never_a_value():
    value = small()
    value["services"][0]["variables"]["TOKEN"] = "tok-very-secret-value"
    result = check(value)
    rows = {r["service"]: r for r in result["summary"]["environments"][0]["services"]}
    assert rows["api"]["variables"]["generated once"] == ["SECRET_KEY"]
    assert rows["api"]["variables"]["reference"] == ["DATABASE_URL", "REDIS_URL"]
    assert "tok-very-secret-value" not in repr(result["summary"])


# ------------------------------------------------------------------------------------------ shape

def test_unknown_keys_and_wrong_types_are_named_with_their_place():
    value = small()
    value["services"][0]["deploy"] = dict(num_replicas="many")
    value["services"][1]["colour"] = "blue"
    value["databases"][0]["engine"] = "postgress"
    msg = failure(value)
    assert "stack.services[api].deploy.num_replicas: expected a whole number, got text." in msg
    assert "stack.services[worker].colour: unknown key" in msg
    assert "stack.databases[Postgres].engine: not one of postgres, redis; did you mean postgres?" in msg


def test_the_modules_own_options_check_the_parts_they_take():
    value = small(stripe=dict(prices=[dict(lookup_key="pro", product="prod_x", unit_amount=900,
                                           recurring=dict(interval="fortnight"))]))
    assert "stack.stripe.prices[pro].recurring.interval: not one of day, week, month, year." in failure(value)


def test_a_project_is_required():
    assert "stack.project: required." in failure(dict(services=[]))


# ------------------------------------------------------------------------------------------ references

def test_a_reference_to_a_service_not_in_the_stack_fails_naming_it_and_the_candidates():
    value = small()
    value["services"][0]["variables"]["DATABASE_URL"] = REF % "Postgress.DATABASE_URL"
    msg = failure(value)
    assert msg.startswith("stack.services[api].variables.DATABASE_URL: the reference to Postgress.DATABASE_URL names "
                          "service 'Postgress'")
    assert "did you mean Postgres?" in msg and "Redis" in msg and "worker" in msg


def test_a_reference_to_a_variable_a_database_does_not_have_fails():
    value = small()
    value["services"][0]["variables"]["PUBLIC"] = REF % "Postgres.DATABASE_PUBLIC_URL"     # not public
    msg = failure(value)
    assert "stack.services[api].variables.PUBLIC: the reference to Postgres.DATABASE_PUBLIC_URL names no variable" in msg
    value["databases"][0]["public"] = True
    assert not check(value).get("failed")


def test_references_between_services_and_railway_provided_names_pass():
    value = small()
    value["services"][1]["variables"] = dict(API=REF % "api.RAILWAY_PRIVATE_DOMAIN", MODE=REF % "api.MODE",
                                             HOST=REF % "api.RAILWAY_PUBLIC_DOMAIN")
    assert not check(value).get("failed")


def test_references_are_left_to_railway_when_asked():
    value = small()
    value["services"][0]["variables"]["DATABASE_URL"] = REF % "Elsewhere.DATABASE_URL"
    assert not check(value, check_references=False).get("failed")


def test_every_problem_is_reported_at_once():
    value = small()
    value["services"][0]["variables"].update(A=REF % "Nope.X", B=REF % "Postgres.NOPE")
    result = check(value)
    assert len(result["problems"]) == 2


def test_variables_from_names_a_service_of_the_stack():
    value = small()
    value["services"][1]["variables_from"] = "apii"
    assert "stack.services[worker].variables_from: the stack has no service 'apii'; did you mean api?" in failure(value)


def test_variables_from_gives_references_not_copies():
    worker = item(plan(check(small())), "worker")
    assert worker["variables"] == {"DATABASE_URL": REF % "api.DATABASE_URL", "MODE": REF % "api.MODE",
                                   "REDIS_URL": REF % "api.REDIS_URL", "SECRET_KEY": REF % "api.SECRET_KEY"}


def test_variables_from_can_leave_variables_out():
    value = small()
    value["services"][1]["variables_from"] = dict(service="api", exclude=["MODE", "SECRET_KEY"])
    worker = item(plan(check(value)), "worker")
    assert worker["variables"] == {"DATABASE_URL": REF % "api.DATABASE_URL", "REDIS_URL": REF % "api.REDIS_URL"}


@pytest.mark.parametrize("variables_from, message", [
    (dict(service="api", exclude=["MDOE"]),
     "stack.services[worker].variables_from.exclude[0]: api has no variable 'MDOE' to leave out; did you mean MODE?"),
    (dict(service="apii", exclude=[]), "stack.services[worker].variables_from: the stack has no service 'apii'"),
    (dict(exclude=["MODE"]), "stack.services[worker].variables_from.service: the name of a service of the stack is required"),
    (dict(service="api", exclude="MODE"), "stack.services[worker].variables_from.exclude: expected a list of variable names"),
    (dict(service="api", excludes=["MODE"]), "stack.services[worker].variables_from: unknown key 'excludes'"),
    (["api"], "stack.services[worker].variables_from: a service name or {service, exclude}"),
])
def test_a_wrong_variables_from_is_named(variables_from, message):
    value = small()
    value["services"][1]["variables_from"] = variables_from
    assert message in failure(value)


def test_a_binding_must_name_a_price_of_the_stack():
    value = small(stripe=dict(products=[dict(id="pro", name="Pro")],
                              prices=[dict(lookup_key="pro_monthly", product="pro", unit_amount=900,
                                           recurring=dict(interval="month"))]))
    value["services"][0]["variables"]["PRICE"] = dict(stripe_price="pro_montly")
    assert "stack.services[api].variables.PRICE.stripe_price: the stack has no Stripe price with lookup_key " \
           "'pro_montly'; did you mean pro_monthly?" in failure(value)


def test_a_price_must_name_a_product_of_the_stack():
    value = small(stripe=dict(products=[dict(id="pro", name="Pro")],
                              prices=[dict(lookup_key="m", product="por", unit_amount=1, recurring=dict(interval="month"))]))
    assert "stack.stripe.prices[m].product: the stack has no product 'por'; did you mean pro?" in failure(value)


def test_a_webhook_names_a_public_service():
    value = small(stripe=dict(webhooks=[dict(service="worker", path="/stripe", enabled_events=["invoice.paid"])]))
    assert "stack.stripe.webhooks[worker].service: worker has no public address" in failure(value)
    value["stripe"]["webhooks"][0]["service"] = "apx"
    assert "stack.stripe.webhooks[apx].service: the stack has no service 'apx'" in failure(value)


def test_a_webhook_secret_is_a_variable_others_may_reference():
    value = small(stripe=dict(webhooks=[dict(service="api", path="/stripe", enabled_events=["invoice.paid"])]))
    value["services"][1]["variables"] = dict(HOOK=REF % "api.STRIPE_WEBHOOK_SECRET")
    assert not check(value).get("failed")


def test_names_are_unique_in_the_project():
    value = small()
    value["services"][1]["name"] = "Postgres"
    assert "is also the name of a database" in failure(value)


def test_custom_domains_need_a_dns_zone_that_holds_them():
    value = small()
    value["services"][0]["domains"][0]["domain"] = "api.example.org"
    assert "stack.services[api].domains[api.example.org].dns.zone: api.example.org is not in zone example.com." in failure(value)
    del value["dns"]
    assert "no DNS provider for api.example.org" in failure(value)


def test_migrations_need_public_access_and_postgres():
    value = small()
    value["databases"][0]["migrations"] = dict(path="db/migrations")
    assert "stack.databases[Postgres].migrations: they run from outside Railway, over the public URL" in failure(value)
    value["databases"][1]["migrations"] = dict(path="x")
    assert "stack.databases[Redis].migrations: only for engine postgres." in failure(value)


# ------------------------------------------------------------------------------------------ roles

def test_worker_has_no_health_check_and_restarts_on_failure():
    worker = item(plan(check(small())), "worker")
    assert worker["deploy"] == dict(start_command="celery -A shop worker", healthcheck_path="", restart_policy_type="ON_FAILURE")


def test_worker_needs_a_command_and_no_domain():
    value = small()
    value["services"][1]["deploy"] = {}
    value["services"][1]["service_domain"] = True
    msg = failure(value)
    assert "stack.services[worker].deploy.start_command: a worker needs its command" in msg
    assert "stack.services[worker]: a worker has no domain" in msg


def test_scheduler_runs_exactly_one_replica():
    value = small()
    value["services"].append(dict(name="beat", role="scheduler", deploy=dict(start_command="celery beat", num_replicas=2)))
    assert "stack.services[beat].deploy.num_replicas: a scheduler runs exactly one replica" in failure(value)
    value["services"][-1]["deploy"] = dict(start_command="celery beat")
    beat = item(plan(check(value)), "beat")
    assert beat["deploy"]["num_replicas"] == 1 and beat["deploy"]["restart_policy_type"] == "ON_FAILURE"


def test_scheduler_as_a_railway_cron_job():
    value = small()
    value["services"].append(dict(name="nightly", role="scheduler", deploy=dict(start_command="php artisan report",
                                                                                cron_schedule="0 3 * * *")))
    nightly = item(plan(check(value)), "nightly")
    assert nightly["deploy"]["cron_schedule"] == "0 3 * * *" and nightly["deploy"]["restart_policy_type"] == "NEVER"
    value["services"][-1]["deploy"]["cron_schedule"] = "nightly"
    assert "a cron schedule has 5 fields" in failure(value)


def test_web_health_check_is_railways_probe_too():
    api = item(plan(check(small())), "api")
    assert api["deploy"]["healthcheck_path"] == "/health"


def test_a_volume_needs_one_replica():
    value = small()
    value["services"][0].update(volume=dict(mount_path="/data"), deploy=dict(num_replicas=3))
    assert "stack.services[api].volume: Railway mounts a volume on a service of one replica only." in failure(value)


# ------------------------------------------------------------------------------------------ environments

def test_environment_overrides_merge_into_the_stack():
    value = small()
    value["environments"][1]["services"] = dict(api=dict(domains=[dict(domain="api.staging.example.com")],
                                                         variables=dict(MODE="test", REDIS_URL=None)),
                                                worker=dict(deploy=dict(num_replicas=1)))
    result = check(value)
    staging, production = plan(result, "staging"), plan(result)
    assert item(staging, "api")["variables"]["MODE"] == "test"
    assert "REDIS_URL" not in item(staging, "api")["variables"]
    assert item(production, "api")["variables"]["MODE"] == "live"
    assert role(staging, "api")["domains"][0]["domain"] == "api.staging.example.com"
    assert item(staging, "worker")["deploy"]["num_replicas"] == 1
    assert item(staging, "worker")["deploy"]["start_command"] == "celery -A shop worker"   # merged, not replaced
    # the worker's references follow the staging API's variables
    assert "REDIS_URL" not in item(staging, "worker")["variables"]


def test_an_override_of_a_service_not_in_the_stack_fails():
    value = small()
    value["environments"][1]["services"] = dict(apy=dict(variables=dict(A="1")))
    assert "stack.environments[staging].services.apy: the stack has no service called 'apy'" in failure(value)


def test_one_environment_only_and_unknown_ones():
    result = check(small(), environment="staging")
    assert [e["name"] for e in result["environments"]] == ["staging"]
    assert failure(small(), environment="prod").startswith("environment: 'prod' is not an environment of the stack")


# ------------------------------------------------------------------------------------------ values

def test_an_empty_value_is_written_empty_with_a_warning_and_a_sealed_one_is_not_written():
    value = small()
    value["services"][0]["variables"].update(EMPTY="", SEALED=dict(value="", sealed=True))
    result = check(value)
    api = item(plan(result), "api")
    assert api["variables"]["EMPTY"] == ""
    assert "SEALED" not in api["variables"]
    assert any("variables.EMPTY: empty" in w for w in result["warnings"])
    assert any("variables.SEALED: a sealed variable with no value is not written" in w for w in result["warnings"])
    # nothing may reference what is not written
    value["services"][1]["variables"] = dict(X=REF % "api.SEALED")
    assert "the reference to api.SEALED names no variable of service api" in failure(value)


def test_plan_values_are_not_redacted():
    value = small()
    value["services"][0]["variables"]["STRIPE_SECRET_KEY"] = "sk_test_0123456789abcdef"
    api = item(plan(check(value)), "api")
    assert api["variables"]["STRIPE_SECRET_KEY"] == "sk_test_0123456789abcdef"


def test_merge_replaces_a_variable_whole():
    base = dict(variables=dict(A=dict(value="x", sealed=True)))
    merged = stack.deep_merge(base, dict(variables=dict(A=dict(generate=dict(length=20)))))
    assert merged == dict(variables=dict(A=dict(generate=dict(length=20))))
    assert base == dict(variables=dict(A=dict(value="x", sealed=True)))


def test_check_does_not_change_its_input():
    value = small()
    before = copy.deepcopy(value)
    check(value)
    assert value == before


def test_providers_name_what_the_stack_talks_to():
    assert check(small())["providers"] == ["railway", "cloudflare"]
    no_dns = small(dns=None, services=[dict(name="api", source=dict(repo="acme/shop"))])
    assert check(no_dns)["providers"] == ["railway"]
    prela = check(example("prela"))
    assert prela["providers"][:3] == ["railway", "stripe", "clerk"] and "cloudflare" in prela["providers"]


@pytest.mark.parametrize("variable, message", [
    (dict(value="x", rotate="2026-12"), "stack.services[api].variables.APP_KEY.rotate: only with generate"),
    (dict(generate=dict(length=40), rotate=True), "stack.services[api].variables.APP_KEY.rotate: expected a text"),
])
def test_rotate_is_a_name_of_a_rotation_of_a_generated_secret(variable, message):
    value = small()
    value["services"][0]["variables"]["APP_KEY"] = variable
    assert message in failure(value)


def test_rotate_passes_to_the_services_step():
    value = small()
    value["services"][0]["variables"]["APP_KEY"] = dict(generate=dict(length=40), rotate="2026-12")
    assert item(plan(check(value)), "api")["variables"]["APP_KEY"]["rotate"] == "2026-12"
