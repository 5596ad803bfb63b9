# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""stripe_coupon, stripe_tax_rate (and the other billing settings): real playbooks against the recording sandbox."""
from __future__ import annotations

import pytest

from .test_stripe import assert_no_secret, check_recording, recording, stripe_get  # noqa: F401  pylint: disable=unused-import

PLAY = """
- hosts: localhost
  gather_facts: false
  vars:
    percent_off: 20
    vat: 19
    formula: sum
    state: present
  tasks:
    - name: Pro product
      railstack.platform.stripe_product: {id: prela_pro, name: Prela Pro}
      when: state == 'present'

    - name: Launch coupon
      railstack.platform.stripe_coupon:
        id: LAUNCH20
        name: Launch offer
        percent_off: "{{ percent_off }}"
        duration: repeating
        duration_in_months: 3
        applies_to_products: [prela_pro]
        state: "{{ state }}"

    - name: German VAT
      railstack.platform.stripe_tax_rate:
        key: vat-de
        display_name: VAT
        percentage: "{{ vat }}"
        inclusive: false
        country: DE
        tax_type: vat
        state: "{{ state }}"

    - name: Traces meter
      railstack.platform.stripe_meter:
        event_name: trace_ingested
        display_name: Traces ingested
        default_aggregation: {formula: "{{ formula }}"}
        value_settings: {event_payload_key: traces}
        state: "{{ state }}"
      register: meter

    - name: Pro monthly
      railstack.platform.stripe_price:
        lookup_key: pro_monthly
        product: prela_pro
        currency: usd
        unit_amount: 2900
        recurring: {interval: month}
      register: pro_price
      when: state == 'present'

    - name: Traces price
      railstack.platform.stripe_price:
        lookup_key: traces_metered
        product: prela_pro
        currency: usd
        unit_amount: 1
        recurring: {interval: month, usage_type: metered, meter: "{{ meter.id }}"}
      when: state == 'present' and meter.id is not none

    - name: Customer portal
      railstack.platform.stripe_billing_portal:
        business_profile: {headline: Prela billing}
        default_return_url: https://app.prela.app/settings/billing
        features:
          invoice_history: {enabled: true}
          customer_update: {enabled: true, allowed_updates: [email, address]}
          subscription_cancel: {enabled: true, mode: at_period_end}
          subscription_update:
            enabled: true
            default_allowed_updates: [price]
            products: [{product: prela_pro, prices: ["{{ pro_price.id | default('') }}"]}]
        state: "{{ state }}"
      when: state == 'absent' or pro_price.id is not none
"""
TASKS = ["Launch coupon", "German VAT", "Traces meter"]


@pytest.fixture
def fresh(reset_sandbox):
    reset_sandbox()


def test_converges_then_writes_nothing(fresh, run_playbook, traffic, sandbox_env):
    start = traffic.mark()
    check = run_playbook(PLAY, check=True, diff=True).assert_ok()
    assert set(TASKS) <= set(check.changed)
    assert traffic.since(start).mutations == [], traffic.since(start).summary()

    first = run_playbook(PLAY, verbosity=4).assert_ok()
    assert set(TASKS + ["Traces price", "Customer portal"]) <= set(first.changed)
    assert_no_secret(first, sandbox_env)
    assert stripe_get(sandbox_env, "/coupons/LAUNCH20")["percent_off"] == 20
    assert [r["metadata"] for r in stripe_get(sandbox_env, "/tax_rates")["data"]] == [{"railstack_key": "vat-de"}]
    meter = stripe_get(sandbox_env, "/billing/meters")["data"][0]
    traces = stripe_get(sandbox_env, "/prices?lookup_keys[]=traces_metered")["data"][0]
    assert traces["recurring"]["meter"] == meter["id"] and traces["recurring"]["usage_type"] == "metered"
    portal = stripe_get(sandbox_env, "/billing_portal/configurations?expand[]=data.features.subscription_update.products")
    products = portal["data"][0]["features"]["subscription_update"]["products"]
    assert [p["prices"] for p in products] == [[first.task("Pro monthly")["id"]]]

    start = traffic.mark()
    second = run_playbook(PLAY).assert_ok()
    assert second.changed == []
    assert traffic.since(start).mutations == [], traffic.since(start).summary()


def test_fixed_terms_replace_after_a_dry_run(fresh, run_playbook, traffic, sandbox_env):
    run_playbook(PLAY).assert_ok()
    old_rate = stripe_get(sandbox_env, "/tax_rates")["data"][0]["id"]
    changed = dict(percent_off=25, vat=7, formula="count")
    old_meter = stripe_get(sandbox_env, "/billing/meters")["data"][0]["id"]

    start = traffic.mark()
    dry = run_playbook(PLAY, extra_vars=changed, check=True, diff=True).assert_ok()
    assert [dry.task(t)["replaced"] for t in TASKS] == [True, True, True]
    assert traffic.since(start).mutations == []

    run = run_playbook(PLAY, extra_vars=changed).assert_ok()
    assert run.task("German VAT")["previous_id"] == old_rate
    assert stripe_get(sandbox_env, "/coupons/LAUNCH20")["percent_off"] == 25
    rates = {r["id"]: (r["percentage"], r["active"]) for r in stripe_get(sandbox_env, "/tax_rates")["data"]}
    assert rates[old_rate] == (19, False) and sorted(rates.values()) == [(7, True), (19, False)]
    meters = {m["id"]: m["status"] for m in stripe_get(sandbox_env, "/billing/meters")["data"]}
    new_meter = run.task("Traces meter")["id"]
    assert meters == {old_meter: "inactive", new_meter: "active"}
    # the metered price follows the new meter: a new price took its lookup key
    assert run.task("Traces price")["replaced"] is True
    assert stripe_get(sandbox_env, "/prices?lookup_keys[]=traces_metered")["data"][0]["recurring"]["meter"] == new_meter

    start = traffic.mark()
    assert run_playbook(PLAY, extra_vars=changed).assert_ok().changed == []
    assert traffic.since(start).mutations == []


def test_absent_deletes_the_coupon_and_archives_the_rest(fresh, run_playbook, traffic, sandbox_env):
    run_playbook(PLAY).assert_ok()
    gone = run_playbook(PLAY, extra_vars=dict(state="absent")).assert_ok()
    assert gone.changed == TASKS + ["Customer portal"]
    assert stripe_get(sandbox_env, "/coupons")["data"] == []
    assert [r["active"] for r in stripe_get(sandbox_env, "/tax_rates")["data"]] == [False]
    assert [m["status"] for m in stripe_get(sandbox_env, "/billing/meters")["data"]] == ["inactive"]
    assert [c["active"] for c in stripe_get(sandbox_env, "/billing_portal/configurations")["data"]] == [False]
    start = traffic.mark()
    assert run_playbook(PLAY, extra_vars=dict(state="absent")).assert_ok().changed == []
    assert traffic.since(start).mutations == []


@pytest.mark.parametrize("task, field", [
    ("railstack.platform.stripe_coupon: {id: X, percent_off: 120}", "percent_off"),
    ("railstack.platform.stripe_coupon: {id: X, amount_off: 500}", "currency"),
    ("railstack.platform.stripe_tax_rate: {key: k, display_name: VAT, percentage: 19, inclusive: false, country: de}",
     "country"),
    ("railstack.platform.stripe_tax_rate: {key: k, display_name: VAT, inclusive: false}", "percentage"),
    ("railstack.platform.stripe_meter: {event_name: e, default_aggregation: {formula: sum}}", "display_name"),
    ("railstack.platform.stripe_billing_portal: {features: {invoices: {enabled: true}}}", "features"),
])
def test_bad_input_fails_before_any_write(fresh, run_playbook, traffic, task, field):
    start = traffic.mark()
    run = run_playbook("""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Bad
      %s
""" % task)
    assert run.failed == ["Bad"] and run.task("Bad")["msg"].startswith(field + ":"), run.task("Bad")
    assert traffic.since(start).mutations == []


def test_the_recording_passes_the_stripe_contract(recording):
    """Last in this module: every request above, against stripe 16.1.0's parameters (../shared/contracts)."""
    check_recording(recording)
