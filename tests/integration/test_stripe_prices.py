# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""stripe_prices against the recording sandbox: many prices, their lookup keys read at once.

A first run creates each price (one list request of the active prices, one of the archived ones, one create each);
a second run sends one list request and no write (an option given as null is not set, as in stack_check's
plan); a changed amount replaces that price only (the new one takes the lookup key, the old one is archived);
check mode writes nothing.
"""
from __future__ import annotations

import pytest

from .test_stripe import check_recording, recording, stripe_get  # noqa: F401  pylint: disable=unused-import

PLAY = """
- hosts: localhost
  gather_facts: false
  vars:
    pro_amount: 2900
  tasks:
    - name: Pro product
      railstack.platform.stripe_product:
        id: prela_pro
        name: Prela Pro
    - name: The prices
      railstack.platform.stripe_prices:
        prices:
          - {lookup_key: pro_monthly, product: prela_pro, currency: usd, unit_amount: "{{ pro_amount }}",
             recurring: {interval: month}, tax_behavior: exclusive}
          - {lookup_key: pro_yearly, product: prela_pro, currency: usd, unit_amount: 29000,
             recurring: {interval: year}, nickname: Yearly}
          - {lookup_key: pro_setup, product: prela_pro, currency: usd, unit_amount: 5000, metadata: {kind: setup},
             tax_behavior: null, nickname: null}
      register: prices
    - name: The ids an app reads
      ansible.builtin.debug:
        msg: "STRIPE_PRO_PRICE_ID={{ prices.ids.pro_monthly }}"
"""
KEYS = ["pro_monthly", "pro_yearly", "pro_setup"]


@pytest.fixture
def fresh(reset_sandbox):
    reset_sandbox()


def price_requests(window):
    return [(e["method"], e["path"]) for e in window.by_api("stripe") if e["path"].startswith("/v1/prices")]


def test_first_run_creates_each_price_and_the_second_writes_nothing(fresh, run_playbook, traffic, sandbox_env):
    with traffic.window() as first_window:
        first = run_playbook(PLAY).assert_ok()
    assert price_requests(first_window) == [("GET", "/v1/prices")] * 2 + [("POST", "/v1/prices")] * 3
    ids = first.task("The prices")["ids"]
    assert sorted(ids) == sorted(KEYS) and all(value.startswith("price_") for value in ids.values())
    assert [p["lookup_key"] for p in first.task("The prices")["prices"]] == KEYS
    assert "STRIPE_PRO_PRICE_ID=%s" % ids["pro_monthly"] in first.stdout
    yearly = stripe_get(sandbox_env, "/prices?lookup_keys[]=pro_yearly")["data"][0]
    assert (yearly["unit_amount"], yearly["nickname"], yearly["recurring"]["interval"]) == (29000, "Yearly", "year")

    with traffic.window() as second_window:
        second = run_playbook(PLAY).assert_ok()
    assert second.changed == [] and second_window.mutations == [], second_window.summary()
    assert price_requests(second_window) == [("GET", "/v1/prices")]
    assert second.task("The prices")["ids"] == ids


def test_a_changed_amount_replaces_that_price_only(fresh, run_playbook, traffic, sandbox_env):
    ids = run_playbook(PLAY).assert_ok().task("The prices")["ids"]
    with traffic.window() as window:
        run = run_playbook(PLAY, extra_vars=dict(pro_amount=3900), diff=True).assert_ok()
    result = run.task("The prices")
    monthly = result["prices"][0]
    assert monthly["replaced"] is True and monthly["previous_id"] == ids["pro_monthly"]
    assert [p["changed"] for p in result["prices"]] == [True, False, False]
    assert result["ids"]["pro_monthly"] != ids["pro_monthly"]
    assert {k: v for k, v in result["ids"].items() if k != "pro_monthly"} == {k: ids[k] for k in KEYS[1:]}
    assert "was replaced by %s (unit_amount changes)" % result["ids"]["pro_monthly"] in " ".join(result["warnings"])
    assert [(w["method"], w["path"]) for w in window.mutations] == [
        ("POST", "/v1/prices"), ("POST", "/v1/prices/%s" % ids["pro_monthly"])]      # new price, old archived
    current = stripe_get(sandbox_env, "/prices?lookup_keys[]=pro_monthly")["data"][0]
    assert (current["id"], current["unit_amount"]) == (result["ids"]["pro_monthly"], 3900)
    old = stripe_get(sandbox_env, "/prices/%s" % ids["pro_monthly"])
    assert old["active"] is False and old["lookup_key"] is None
    with traffic.window() as again:
        run_playbook(PLAY, extra_vars=dict(pro_amount=3900)).assert_ok()
    assert again.mutations == [], again.summary()


def test_check_mode_sends_no_write(fresh, run_playbook, traffic):
    with traffic.window() as window:
        dry = run_playbook(PLAY, check=True, diff=True).assert_ok()
    assert "The prices" in dry.changed and window.mutations == [], window.summary()
    run_playbook(PLAY).assert_ok()
    with traffic.window() as window:
        dry = run_playbook(PLAY, check=True, diff=True, extra_vars=dict(pro_amount=3900)).assert_ok()
    assert window.mutations == [], window.summary()
    result = dry.task("The prices")
    assert result["prices"][0]["replaced"] is True and result["ids"]["pro_monthly"] is None
    assert "would be replaced by a new price (unit_amount changes)" in " ".join(result["warnings"])


def test_the_recording_passes_the_stripe_contract(recording):
    """Last in this module: every request above, against Stripe's published parameters."""
    check_recording(recording)
