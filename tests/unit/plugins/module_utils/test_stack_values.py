# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""stack_check's single-value rules, its reference rules and its value-by-value templating, each with the
good values next to the bad ones, and the whole check on examples of each class."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stack_refs, stack_values
from ansible_collections.railstack.platform.plugins.module_utils.stack_template import template_stack
from ansible_collections.railstack.platform.plugins.module_utils.stripe_events import EVENT_TYPES
from .test_stack_check import REF, check, example, failure, small

REPO_ROOT = Path(__file__).resolve().parents[4]
SECRET = "hunter2-not-to-be-shown"


# ------------------------------------------------------------------------------------------ whole numbers

@pytest.mark.parametrize("value", ["14.00", "1e3", "1400", 14.0, 14.5, True, None, [1400], SECRET])
def test_money_is_a_whole_number_written_as_one(value):
    errors = []
    assert stack_values.whole_number(value, "unit_amount", "stack.stripe.prices[pro].unit_amount", errors) is None
    assert errors[0].startswith("stack.stripe.prices[pro].unit_amount: expected a whole number (the amount in the "
                                "currency's smallest unit: 1400 for 14.00), got ")
    assert SECRET not in errors[0]


def test_text_that_reads_as_a_number_says_to_drop_the_quotes():
    errors = []
    stack_values.whole_number("14.00", "unit_amount", "x", errors)
    assert errors[0].endswith("got text that reads as a number; write it without quotes.")


@pytest.mark.parametrize("name,value,ok", [("unit_amount", 0, True), ("unit_amount", -1, False), ("size_mb", 0, False),
                                           ("size_mb", 5000, True), ("target_port", 65536, False), ("target_port", 8000, True)])
def test_whole_numbers_have_a_range(name, value, ok):
    errors = []
    assert (stack_values.whole_number(value, name, name, errors) == value) is ok
    assert bool(errors) is not ok


# ------------------------------------------------------------------------------------------ host names

@pytest.mark.parametrize("host", ["api.prela.app", "a-b.c1.example.com", "x.io"])
def test_good_host_names(host):
    assert stack_values.host_name_problem(host, "d") is None


@pytest.mark.parametrize("host,words", [
    ("api..prela.app", "empty label"), ("-api.prela.app", "the label '-api'"), ("api.prela.app.", "trailing dot"),
    ("https://api.prela.app", "without https://"), ("API.prela.app", "lower case"), ("localhost", "full host name"),
    ("api_1.prela.app", "the label 'api_1'"), ("10.0.0.1", "not an IP address"), ("a" * 64 + ".app", "the label"),
    ("api.prélà.app", "the label"), ("", "expected a host name")])
def test_bad_host_names(host, words):
    assert words in stack_values.host_name_problem(host, "d")


def test_a_wildcard_is_a_custom_domain_only():
    assert stack_values.host_name_problem("*.prela.app", "d", wildcard=True) is None
    assert stack_values.host_name_problem("*.prela.app", "d") is not None


# ------------------------------------------------------------------------------------------ cron

@pytest.mark.parametrize("schedule", ["*/5 * * * *", "0 3 * * *", "0,30 * * * *", "15 2 1 1 0", "0 9-17 * * 1-5",
                                      "55 * * * *", "0,55 23 * * *", "0 */6 * * *"])
def test_good_cron_schedules(schedule):
    assert stack_values.cron_problems(schedule, "c") == []


@pytest.mark.parametrize("schedule,words", [
    ("61 * * * *", "minute field '61'"), ("0 24 * * *", "hour field '24'"), ("0 0 0 * *", "day of month field '0'"),
    ("0 0 32 * *", "day of month field '32'"), ("0 0 * 13 *", "month field '13'"), ("0 0 * * 7", "(Sunday is 0)"),
    ("0 0 * * MON", "day of week field 'MON'"), ("0 0 * *", "has 5 fields"), ("5-1 * * * *", "minute field"),
    ("*/0 * * * *", "minute field"), ("* * * * *", "1 minute apart"), ("*/2 * * * *", "2 minutes apart"),
    ("0,2 * * * *", "2 minutes apart"), ("58,0 * * * *", "2 minutes apart"), ("0-4 * * * *", "1 minute apart")])
def test_bad_cron_schedules(schedule, words):
    problems = stack_values.cron_problems(schedule, "c")
    assert problems and words in problems[0], problems


def test_two_runs_an_hour_apart_at_the_turn_of_the_hour_are_far_enough():
    assert stack_values.cron_problems("58,0 3 * * *", "c") == []      # 03:00 and 03:58, never 03:58 then 04:00


# ------------------------------------------------------------------------------------------ Stripe

def test_the_event_types_are_the_sandboxs_list_from_the_stripe_package():
    params = json.loads((REPO_ROOT / "sandbox" / "railstack_sandbox" / "stripe" / "params.json").read_text(encoding="utf-8"))
    enum = params["endpoints"]["webhook_endpoints.create"]["obj"]["enabled_events"][1]["list"]["enum"]
    assert EVENT_TYPES == set(enum)


def test_a_misspelled_event_type_gets_the_close_one():
    assert "did you mean invoice.paid?" in stack_values.event_type_problem("invoice.payed", "e")
    assert stack_values.event_type_problem("invoice.paid", "e") is None
    assert stack_values.event_type_problem("*", "e") is None


@pytest.mark.parametrize("key,live", [("sk_live_abc", True), ("rk_live_abc", True), ("sk_test_abc", False), ("", False),
                                      (None, False), ("pk_live_abc", False)])
def test_live_keys(key, live):
    assert stack_values.is_live_key(key) is live


# ------------------------------------------------------------------------------------------ variables

@pytest.mark.parametrize("value", ["DEBUG", 8000, True, None, "", {"value": "x", "sealed": True}, {"generate": {"length": 64}},
                                   {"stripe_price": "pro"}, {"clerk": "jwks_url"}])
def test_good_variables(value):
    assert stack_values.variable_problems("NAME", value, "v") == []


@pytest.mark.parametrize("value,words", [
    ({"vaule": "DEBUG"}, "v.NAME.vaule: unknown key; did you mean value?"), ({}, "give either value or generate"),
    ({"value": "a", "generate": {}}, "give either value or generate"), ({"value": "a", "sealed": "yes"}, "sealed: expected a boolean"),
    ({"generate": {"length": 4}}, "generate.length"), ({"generate": {"lenght": 40}}, "generate.lenght: unknown key"),
    ({"value": ["a"]}, "value: expected text"), ([1], "not a list"), ({"stripe_price": "a", "value": 1}, "a binding is one key")])
def test_bad_variables(value, words):
    problems = stack_values.variable_problems("NAME", value, "v")
    assert problems and words in problems[0], problems


def test_a_variable_with_an_unknown_key_fails_the_check_instead_of_being_empty():
    value = small()
    value["services"][0]["variables"]["LOG_LEVEL"] = {"vaule": "DEBUG"}
    assert "stack.services[api].variables.LOG_LEVEL.vaule: unknown key; did you mean value?" in failure(value)


# ------------------------------------------------------------------------------------------ references

def test_a_variable_that_references_itself():
    values = {("api", "DATABASE_URL"): "${{DATABASE_URL}}", ("api", "MODE"): "live"}
    problems = stack_refs.cycle_problems(values, {("api", "DATABASE_URL"): "stack.services[api].variables.DATABASE_URL"})
    assert problems == ["stack.services[api].variables.DATABASE_URL: it references itself (${{DATABASE_URL}}), which "
                        "Railway renders empty; give it a value, or reference another service's variable "
                        "(${{Postgres.DATABASE_URL}})."]


def test_a_cycle_across_services_is_reported_once():
    values = {("api", "A"): "${{worker.B}}", ("worker", "B"): "x-${{shared.C}}", ("shared", "C"): "${{api.A}}",
              ("api", "D"): "${{api.A}}"}
    problems = stack_refs.cycle_problems(values, {})
    assert problems == ["api.A: a cycle of references (api.A -> worker.B -> shared.C -> api.A), which Railway renders "
                        "empty; break it with a value."]


def test_references_without_a_cycle_pass():
    values = {("api", "A"): "${{B}}", ("api", "B"): "${{Postgres.DATABASE_URL}}", ("worker", "A"): "${{api.A}}"}
    assert stack_refs.cycle_problems(values, {}) == []


def test_the_public_domain_of_a_service_without_one():
    value = small()
    value["services"][1]["variables"] = dict(URL="https://" + REF % "RAILWAY_PUBLIC_DOMAIN", API=REF % "api.RAILWAY_PUBLIC_DOMAIN")
    assert failure(value) == ("stack.services[worker].variables.URL: references RAILWAY_PUBLIC_DOMAIN of worker, which has "
                              "no public domain, so Railway renders it empty; give worker service_domain: true or a domain, "
                              "or remove the reference.")


def test_a_cycle_through_variables_from_names_the_place():
    value = small()
    value["services"][0]["variables"]["MODE"] = REF % "worker.MODE"
    assert "stack.services[worker].variables_from (MODE): a cycle of references" in failure(value) or \
        "stack.services[api].variables.MODE: a cycle of references" in failure(value)


# ------------------------------------------------------------------------------------------ the whole check

def test_live_keys_are_refused_without_allow_live_and_never_shown():
    value = example("prela")
    value["services"][0]["variables"]["STRIPE_SECRET_KEY"] = "sk_live_" + SECRET
    result = check(value, allow_live=False, stripe_api_key="rk_live_" + SECRET)
    assert result["problems"] == [
        "STRIPE_API_KEY: a live-mode key (rk_live_...); this run would change real billing. Run with -e allow_live=true to use it.",
        "stack.services[prela-api-gateway].variables.STRIPE_SECRET_KEY: holds a live-mode Stripe key; writing it needs "
        "-e allow_live=true."]
    assert SECRET not in repr(result)
    assert not check(value, allow_live=True, stripe_api_key="rk_live_" + SECRET).get("failed")
    assert not check(value, stripe_api_key="rk_live_" + SECRET).get("failed")       # roles: no allow_live, no check


def test_a_test_key_passes_without_allow_live():
    assert not check(example("prela"), allow_live=False, stripe_api_key="sk_test_abc").get("failed")


@pytest.mark.parametrize("field,value", [("pr_deploys", SECRET), ("pr_deploys", 7), ("name", [SECRET])])
def test_a_secret_in_a_wrong_typed_field_is_never_quoted(field, value):
    stack = small()
    stack["project"][field] = value
    msg = failure(stack)
    assert msg.startswith("stack.project.%s: expected " % field)
    assert SECRET not in msg


def test_each_class_is_refused_in_the_whole_check():
    value = example("prela")
    value["services"][0]["domains"][0]["domain"] = "api..prela.app"
    value["services"][0]["volume"] = {"mount_path": "/data", "size_mb": 0}
    value["services"][0]["deploy"] = {"cron_schedule": "* * * * *"}
    value["stripe"]["webhooks"][0]["enabled_events"].append("invoice.payed")
    value["stripe"]["prices"][0]["unit_amount"] = "14.00"
    value["stripe"]["prices"][1]["currency"] = "USD"
    problems = check(value)["problems"]
    assert [p.split(":")[0] for p in problems] == [
        "stack.services[prela-api-gateway].volume.size_mb", "stack.stripe.prices[prela_lunch_money_monthly].unit_amount"]
    value["services"][0]["volume"]["size_mb"] = 5000
    value["stripe"]["prices"][0]["unit_amount"] = 1400
    assert [p.split(":")[0] for p in check(value)["problems"]] == [
        "stack.stripe.prices[prela_pro_monthly].currency", "stack.stripe.webhooks[prela-api-gateway].enabled_events[invoice.payed]"]
    value["stripe"]["prices"][1]["currency"] = "usd"
    value["stripe"]["webhooks"][0]["enabled_events"].pop()
    assert [p.split(":")[0] for p in check(value)["problems"]] == ["stack.services[prela-api-gateway].deploy.cron_schedule"]
    value["services"][0]["deploy"] = {}
    assert [p.split(":")[0] for p in check(value)["problems"]] == ["stack.services[prela-api-gateway].domains[api..prela.app].domain"]


# ------------------------------------------------------------------------------------------ templating value by value

def _template(text):
    if "${{" in text:
        raise ValueError("'Postgres' is undefined")
    if "{{" in text:
        return 8000 if "port" in text else "templated"
    return text


def test_each_value_is_templated_and_a_failure_names_its_place():
    raw = {"services": [{"name": "api", "variables": {"DATABASE_URL": "${{Postgres.DATABASE_URL}}", "PORT": "{{ port }}"}}]}
    problems = []
    out = template_stack(_template, raw, problems)
    assert out["services"][0]["variables"]["PORT"] == 8000
    assert problems == ["stack.services[api].variables.DATABASE_URL: a Railway reference must be written with the YAML tag "
                        "!unsafe, or Ansible reads it as a template ('Postgres' is undefined); write it as DATABASE_URL: "
                        "!unsafe \"${{Postgres.DATABASE_URL}}\"."]


def test_a_failing_template_names_its_place():
    def template(text):
        raise RuntimeError("'nope' is undefined\nOrigin: somewhere")
    problems = []
    template_stack(template, {"project": {"name": "{{ nope }}"}}, problems)
    assert problems == ["stack.project.name: its template failed ('nope' is undefined); fix the lookup or the variable it uses."]


def test_a_template_error_that_may_hold_a_value_is_not_shown():
    def template(text):
        raise ValueError("time data %r does not match format" % SECRET)
    problems = []
    template_stack(template, {"project": {"name": "{{ x | to_datetime }}"}}, problems)
    assert problems == ["stack.project.name: its template failed (ValueError, not shown: it may hold a value); fix the "
                        "lookup or the variable it uses."]


def test_tcp_proxy_port_zero_removes_the_proxy_and_is_accepted():
    value = small()
    value["services"][0]["tcp_proxy_port"] = 0
    assert not check(value).get("failed")
    value["services"][0]["tcp_proxy_port"] = 65536
    assert "stack.services[api].tcp_proxy_port: expected a whole number from 0 to 65535." in failure(value)


@pytest.mark.parametrize("mutate,message", [
    (lambda s: s["stripe"]["prices"][0].update(recurring={"interval": "month", "interval_count": 40}),
     "stack.stripe.prices[prela_lunch_money_monthly].recurring.interval_count: must be 1 to 36 for interval month"),
    (lambda s: s["databases"][0].update(redis_maxmemory="1gb"), "stack.databases[Postgres].redis_maxmemory: only with engine=redis."),
    (lambda s: s["stripe"]["webhooks"][0].update(api_version="latest"),
     "stack.stripe.webhooks[prela-api-gateway].api_version: not a Stripe API version")])
def test_the_modules_own_value_checks_run_in_the_stack_check(mutate, message):
    value = example("prela")
    mutate(value)
    assert message in failure(value)


def test_a_notification_url_holds_a_token_and_is_never_a_place_or_quoted():
    url = "https://hooks.slack.com/services/T000/B000/" + SECRET
    value = small(notifications=[dict(url=url, event_types=[5, [1]])])
    msg = failure(value)
    assert msg.startswith("stack.notifications[0].event_types[1]: expected text, got a list.")
    assert SECRET not in msg
    value = small(notifications=[dict(url="hooks.slack.com/" + SECRET, event_types=["deployment.failed"])])
    assert failure(value) == "stack.notifications[0].url: the webhook's full http:// or https:// URL."


def test_a_webhook_url_must_be_a_url():
    value = example("prela")
    value["stripe"]["webhooks"][0].update(url="api.prela.app/stripe", key="billing")
    assert failure(value) == "stack.stripe.webhooks[billing].url: the full https:// URL Stripe sends events to."


def test_a_clerk_production_key_is_not_a_stripe_key():
    value = example("prela")
    value["services"][0]["variables"]["CLERK_SECRET_KEY"] = "sk_live_" + SECRET
    assert not check(value, allow_live=False, stripe_api_key="sk_test_abc").get("failed")
    value["services"][0]["variables"]["PAYMENTS_KEY"] = "sk_live_" + SECRET + "2"
    assert not check(value, allow_live=False, stripe_api_key="sk_test_abc").get("failed")
    value["services"][0]["variables"]["PAYMENTS_KEY"] = "sk_live_stripe"
    assert check(value, allow_live=False, stripe_api_key="sk_live_stripe")["problems"] == [
        "STRIPE_API_KEY: a live-mode key (sk_live_...); this run would change real billing. Run with -e allow_live=true to use it.",
        "stack.services[prela-api-gateway].variables.PAYMENTS_KEY: holds a live-mode Stripe key; writing it needs "
        "-e allow_live=true."]
