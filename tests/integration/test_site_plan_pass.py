# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""site.yml's planning pass (railstack.platform.stack_plan): what needs provider state fails before the first write.

A DNS record we do not own at a custom domain's name fails before Railway's custom domain is made; a volume
shrink fails before any write; the happy path is test_site_prela's (it runs the same pass on every run).
"""
from __future__ import annotations

import copy

import pytest

from .dns_helpers import CloudflareEmulator
from .railway_helpers import operations, unique
from .site_helpers import SITE, load_stack, write_stack

PLAN_TASK = "Check what needs the providers' state before any write"


@pytest.fixture
def secrets():
    return dict(CLICKHOUSE_HOST="abc.clickhouse.cloud", CLICKHOUSE_PASSWORD="ch-%s" % unique("pw"))


def test_a_foreign_record_at_a_domain_fails_before_the_custom_domain_is_made(sandbox, run_playbook, traffic, secrets):
    sandbox.client.reset()
    CloudflareEmulator(sandbox).put_foreign("api", "A", "203.0.113.7")
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars="@examples/prela.yml", env=secrets)
    assert run.failed == [PLAN_TASK], run
    message = run.task(PLAN_TASK)["msg"]
    assert message.startswith("stack.services[prela-api-gateway].domains[api.prela.app]: Cloudflare zone prela.app: "
                              "api.prela.app already has an A record (203.0.113.7)"), message
    assert "remove it" in message and "force" not in message, message
    assert "customDomainCreate" not in operations(window) and window.mutations == [], window.summary()


def test_a_foreign_cname_at_a_domain_fails_but_one_to_railway_does_not(sandbox, run_playbook, traffic, secrets):
    sandbox.client.reset()
    cloudflare = CloudflareEmulator(sandbox)
    cloudflare.put_foreign("api", "CNAME", "elsewhere.example.net")
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars="@examples/prela.yml", env=secrets)
    assert run.failed == [PLAN_TASK] and window.mutations == [], window.summary()
    assert "elsewhere.example.net" in run.task(PLAN_TASK)["msg"]


def test_a_volume_shrink_fails_before_any_write(sandbox, run_playbook, traffic, secrets):
    sandbox.client.reset()
    stack = load_stack("prela")
    stack["stack"]["databases"][0]["size_mb"] = 8000
    run_playbook(SITE, extra_vars=write_stack(stack, "plan-pass-8000"), env=secrets).assert_ok()
    smaller = copy.deepcopy(stack)
    smaller["stack"]["databases"][0]["size_mb"] = 6000
    smaller["stack"]["services"][0]["variables"]["LOG_LEVEL"] = "DEBUG"      # a write the shrink must also stop
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=write_stack(smaller, "plan-pass-6000"), env=secrets)
    assert run.failed == [PLAN_TASK], run
    message = run.task(PLAN_TASK)["msg"]
    assert message.startswith("stack.databases[Postgres].size_mb: volume ") and "8000 MB" in message, message
    assert "Give 8000 or more" in message, message
    assert window.mutations == [], window.summary()


def test_a_price_change_is_announced_before_the_first_write(sandbox, run_playbook, traffic, secrets):
    sandbox.client.reset()
    stack = load_stack("prela")
    run_playbook(SITE, extra_vars=write_stack(stack, "plan-pass-prices"), env=secrets).assert_ok()
    dearer = copy.deepcopy(stack)
    dearer["stack"]["stripe"]["prices"][1]["unit_amount"] = 5900
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=write_stack(dearer, "plan-pass-dearer"), env=secrets,
                           check=True).assert_ok()
    plan = run.task(PLAN_TASK)
    assert len(plan["price_replacements"]) == 1, plan
    line = plan["price_replacements"][0]
    assert line.startswith("stack.stripe.prices[prela_pro_monthly]: unit_amount changes, which Stripe never changes "
                           "on a price: the run makes a new price that takes the lookup key over and archives price_")
    assert line in plan.get("warnings", []) and window.mutations == [], window.summary()


def test_free_refuses_restart_always_before_any_write(sandbox, run_playbook, traffic, secrets):
    sandbox.client.reset()
    sandbox.client.request("POST", "/_sandbox/railway/realism", {"plan": "free", "request_budget": False})
    stack = dict(stack=dict(project=dict(name=unique("restarts")), services=[dict(
        name="web", role="web", source=dict(image="nginx:1.27"), deploy=dict(restart_policy_type="ALWAYS"))]))
    try:
        with traffic.window() as window:
            run = run_playbook(SITE, extra_vars=write_stack(stack, "plan-pass-restart"), env=secrets)
    finally:
        sandbox.client.request("POST", "/_sandbox/railway/realism", {"defaults": True})
    assert run.failed == [PLAN_TASK], run
    assert run.task(PLAN_TASK)["msg"].startswith(
        "stack.services[web].deploy.restart_policy_type: Railway's Free plan does not restart ALWAYS")
    assert window.mutations == [], window.summary()
