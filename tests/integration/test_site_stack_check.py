# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/site.yml on bad stack files: everything the file alone can tell is refused by the first task,
before any request, naming the field, with no Python traceback and no planted secret in the output.

Each case is examples/prela.yml with one mistake a user makes. Also: -e dry_run=true is check mode.
"""
from __future__ import annotations

import uuid

import pytest

from .site_helpers import SITE, Unsafe, load_stack, ref, service_of, write_stack

CHECK_TASK = "Check the whole stack before any write"
PLANTED = "planted-secret-%s" % uuid.uuid4().hex
LIVE_KEY = "sk_live_%s" % uuid.uuid4().hex
API, INGEST = "stack.services[prela-api-gateway]", "stack.services[prela-ingest-gateway]"
HOOK = "stack.stripe.webhooks[prela-api-gateway]"
PRICE = "stack.stripe.prices[prela_lunch_money_monthly]"
SECRET_LOOKUP = "{{ lookup('ansible.builtin.env', 'SOME_PASSWORD') }}"


def _stack(data):
    return data["stack"]


def _api(data):
    return service_of(data, "prela-api-gateway")


def _ingest(data):
    return service_of(data, "prela-ingest-gateway")


def _set(getter, **values):
    return lambda data: getter(data).update(values)


def _api_variables(**values):
    return lambda data: _api(data)["variables"].update(values)


def _ingest_variables(**values):
    return lambda data: _ingest(data)["variables"].update(values)


def _event(name):
    return lambda data: _stack(data)["stripe"]["webhooks"][0]["enabled_events"].append(name)


def _domain(name):
    return lambda data: _api(data)["domains"][0].update(domain=name)


def _volume(size):
    return _set(_api, volume={"mount_path": "/data", "size_mb": size})


def _cron(schedule):
    def mutate(data):
        _stack(data)["services"].append(dict(
            name="nightly", role="scheduler", source=dict(repo="prela/prela", branch="main"),
            deploy=dict(start_command="python -m jobs.nightly", cron_schedule=schedule)))
    return mutate


def _price(**values):
    return lambda data: _stack(data)["stripe"]["prices"][0].update(values)


def _no_ingest_domain(**variables):
    def mutate(data):
        _ingest(data).pop("service_domain")
        _ingest(data)["variables"].update(variables)
    return mutate


def _duplicate_service(data):
    _stack(data)["services"].append(dict(_ingest(data)))


def _override(value):
    return lambda data: _stack(data)["environments"][0].update(services={"prela-api-gateway": value})


NIGHTLY = "stack.services[nightly].deploy.cron_schedule"
# (id, mutation, the field the message must name, extra environment)
BAD_STACKS = [
    # Stripe event types (Stripe's own list, stripe 16.1.0)
    ("event-misspelled", _event("invoice.payed"), HOOK + ".enabled_events[invoice.payed]", {}),
    ("event-singular", _event("customer.subscription.create"), HOOK + ".enabled_events[customer.subscription.create]", {}),
    ("event-number", _event(42), HOOK + ".enabled_events[42]", {}),
    # host names
    ("domain-empty-label", _domain("api..prela.app"), API + ".domains[api..prela.app].domain", {}),
    ("domain-hyphen-label", _domain("-api.prela.app"), API + ".domains[-api.prela.app].domain", {}),
    ("domain-with-scheme", _domain("https://api.prela.app"), API + ".domains[https://api.prela.app].domain", {}),
    ("domain-upper-case", _domain("API.prela.app"), API + ".domains[API.prela.app].domain", {}),
    ("domain-outside-zone", _domain("api.prela.dev"), API + ".domains[api.prela.dev].dns.zone", {}),
    ("service-domain-name", _set(_api, service_domain="prela_api!"), API + ".service_domain", {}),
    ("dns-zone-empty-label", lambda data: _stack(data)["dns"].update(zone="prela..app"), "stack.dns.zone", {}),
    # volume sizes (plan-independent: a whole number of megabytes, at least 1)
    ("volume-zero", _volume(0), API + ".volume.size_mb", {}),
    ("volume-negative", _volume(-100), API + ".volume.size_mb", {}),
    ("volume-text", _volume("5000"), API + ".volume.size_mb", {}),
    ("volume-decimal", _volume(5000.5), API + ".volume.size_mb", {}),
    # cron schedules
    ("cron-minute-61", _cron("61 * * * *"), NIGHTLY, {}),
    ("cron-every-minute", _cron("* * * * *"), NIGHTLY, {}),
    ("cron-every-2-minutes", _cron("*/2 * * * *"), NIGHTLY, {}),
    ("cron-two-minutes-apart", _cron("0,2 * * * *"), NIGHTLY, {}),
    ("cron-hour-24", _cron("0 24 * * *"), NIGHTLY, {}),
    ("cron-day-32", _cron("0 0 32 * *"), NIGHTLY, {}),
    ("cron-month-13", _cron("0 0 * 13 *"), NIGHTLY, {}),
    ("cron-weekday-7", _cron("0 0 * * 7"), NIGHTLY, {}),
    ("cron-four-fields", _cron("0 0 * *"), NIGHTLY, {}),
    # live Stripe keys without -e allow_live=true
    ("live-key-in-environment", lambda data: None, "STRIPE_API_KEY", {"STRIPE_API_KEY": LIVE_KEY}),
    ("live-key-in-variable", _api_variables(STRIPE_RESTRICTED_KEY="{{ lookup('ansible.builtin.env', 'RK') }}"),
     API + ".variables.STRIPE_RESTRICTED_KEY", {"RK": "rk_live_" + PLANTED}),
    # references
    ("reference-to-itself", _api_variables(DATABASE_URL=ref("DATABASE_URL")), API + ".variables.DATABASE_URL", {}),
    ("reference-cycle", _ingest_variables(A=ref("B"), B=ref("A")), INGEST + ".variables.A", {}),
    ("reference-cycle-across-services", lambda data: (_api(data)["variables"].update(X=ref("prela-ingest-gateway.Y")),
                                                      _ingest(data)["variables"].update(Y=ref("prela-api-gateway.X"))),
     ".variables.", {}),
    ("public-domain-without-domain", _no_ingest_domain(URL=Unsafe("https://${{RAILWAY_PUBLIC_DOMAIN}}")),
     INGEST + ".variables.URL", {}),
    ("static-url-without-domain", _no_ingest_domain(URL=ref("RAILWAY_STATIC_URL")), INGEST + ".variables.URL", {}),
    ("reference-unknown-service", _ingest_variables(DATABASE_URL=ref("Postgress.DATABASE_URL")),
     INGEST + ".variables.DATABASE_URL", {}),
    ("reference-unknown-variable", _ingest_variables(DATABASE_URL=ref("Postgres.DATABSE_URL")),
     INGEST + ".variables.DATABASE_URL", {}),
    ("reference-without-unsafe", _ingest_variables(DATABASE_URL="${{Postgres.DATABASE_URL}}"),
     INGEST + ".variables.DATABASE_URL", {}),
    ("shared-reference-to-itself", lambda data: _stack(data).update(shared_variables={"A": ref("shared.A")}),
     "stack.shared_variables.A", {}),
    # values that mean something else
    ("amount-as-decimal-text", _price(unit_amount="14.00"), PRICE + ".unit_amount", {}),
    ("amount-as-exponent-text", _price(unit_amount="1e3"), PRICE + ".unit_amount", {}),
    ("amount-as-decimal", _price(unit_amount=14.5), PRICE + ".unit_amount", {}),
    ("amount-negative", _price(unit_amount=-100), PRICE + ".unit_amount", {}),
    ("currency-upper-case", _price(currency="USD"), PRICE + ".currency", {}),
    ("replicas-as-text", _set(_api, deploy={"num_replicas": "2"}), API + ".deploy.num_replicas", {}),
    ("port-out-of-range", lambda data: _api(data)["domains"][0].update(target_port=70000),
     API + ".domains[api.prela.app].target_port", {}),
    ("variable-unknown-key", _api_variables(LOG_LEVEL={"vaule": "DEBUG"}), API + ".variables.LOG_LEVEL.vaule", {}),
    ("variable-short-generate", _api_variables(JWT_SECRET={"generate": {"length": 4}}),
     API + ".variables.JWT_SECRET.generate.length", {}),
    ("override-not-a-dict", _override(5), "stack.environments[production].services.prela-api-gateway", {}),
    # a secret in a wrong-typed field is never echoed
    ("secret-in-a-boolean", lambda data: _stack(data)["project"].update(pr_deploys=SECRET_LOOKUP),
     "stack.project.pr_deploys", {}),
    ("secret-in-a-number", lambda data: _api(data)["health_check"].update(timeout=SECRET_LOOKUP),
     API + ".health_check.timeout", {}),
    ("secret-in-a-choice", _set(_api, role=SECRET_LOOKUP), API + ".role", {}),
    # shape
    ("unknown-key", _set(_api, helthcheck={"path": "/"}), API + ".helthcheck", {}),
    ("template-that-fails", _api_variables(LOG_LEVEL="{{ log_level_not_defined }}"), API + ".variables.LOG_LEVEL", {}),
    ("duplicate-service", _duplicate_service, "stack.services[prela-ingest-gateway].name", {}),
]


@pytest.mark.parametrize("case", BAD_STACKS, ids=[c[0] for c in BAD_STACKS])
def test_a_bad_stack_is_refused_before_the_first_request(case, run_playbook, traffic):
    name, mutate, field, env = case
    data = load_stack("prela")
    mutate(data)
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=write_stack(data, "bad-%s" % name), env=dict(env, SOME_PASSWORD=PLANTED))
    output = run.stdout + run.stderr
    assert not run.ok, output[-3000:]
    failed = [r for r in run.results if r["status"] == "failed"]
    assert [r["task"] for r in failed] == [CHECK_TASK], output[-3000:]
    message = failed[0]["result"]["msg"]
    assert field in message, message
    assert window.requests == 0, window.summary()
    assert "Traceback" not in output and "Traceback" not in repr(run.results)
    for secret in (PLANTED, LIVE_KEY):
        assert secret not in output and secret not in repr(run.results), name


def test_there_are_at_least_forty_bad_stacks():
    assert len(BAD_STACKS) >= 40


def test_dry_run_is_check_mode_on_a_fresh_project(sandbox, run_playbook, traffic):
    sandbox.client.reset()
    runs = {}
    for mode, kwargs in (("check", dict(check=True)), ("dry_run", dict(extra_vars=["@examples/prela.yml", "dry_run=true"]))):
        kwargs.setdefault("extra_vars", "@examples/prela.yml")
        with traffic.window() as window:
            runs[mode] = run_playbook(SITE, **kwargs)
        assert runs[mode].ok, (mode, (runs[mode].stdout + runs[mode].stderr)[-3000:])
        assert window.mutations == [], (mode, window.summary())
    assert [r["task"] for r in runs["dry_run"].results] == [r["task"] for r in runs["check"].results]
    assert runs["dry_run"].changed == runs["check"].changed


@pytest.mark.parametrize("name", ["secret-in-a-boolean", "live-key-in-environment", "live-key-in-variable"])
def test_no_secret_at_the_highest_verbosity(name, run_playbook, traffic):
    dummy, mutate, field, env = next(case for case in BAD_STACKS if case[0] == name)
    data = load_stack("prela")
    mutate(data)
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=write_stack(data, "bad-vvvv-%s" % name),
                           env=dict(env, SOME_PASSWORD=PLANTED), verbosity=4)
    output = run.stdout + run.stderr
    assert not run.ok and field in output
    assert window.requests == 0
    for secret in (PLANTED, LIVE_KEY):
        assert secret not in output and secret not in repr(run.results)
