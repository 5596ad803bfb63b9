# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""clerk_instance, clerk_domain and clerk_info in real playbooks against the recording sandbox."""
from __future__ import annotations

import base64

from .clerk_helpers import assert_contract, clerk_call, is_restrictions_read, name_production_primary, no_secret_in, writes

INSTANCE = """
- name: Clerk instance
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Instance settings
      railstack.platform.clerk_instance:
        allowed_origins: "{{ origins }}"
        restrictions:
          block_disposable_email_domains: true
          blocklist: true
        organization_settings:
          enabled: true
          max_allowed_memberships: "{{ members }}"
          domains_default_role: org:member
          domains_enrollment_modes: [automatic_invitation]
"""


def clerk_state(sandbox, environment="development"):
    return sandbox.client.state()["clerk"]["instances"][environment]


def test_instance_converges_then_reads_only(sandbox, sandbox_env, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    wanted = {"origins": ["https://dashboard.prela.app", "capacitor://localhost"], "members": 20}
    with traffic.window() as first:
        run = run_playbook(INSTANCE, extra_vars=wanted, diff=True).assert_ok()
    result = run.task("Instance settings")
    assert run.changed == ["Instance settings"]
    assert result["instance"]["allowed_origins"] == wanted["origins"]
    assert result["restrictions"]["block_disposable_email_domains"] is True
    assert result["organization_settings"]["enabled"] is True
    state = clerk_state(sandbox)
    assert state["allowed_origins"] == wanted["origins"]
    assert state["restrictions"]["blocklist"] is True and state["organization_settings"]["max_allowed_memberships"] == 20
    assert [e["path"] for e in writes(first)] == [
        "/v1/instance", "/v1/instance/restrictions", "/v1/instance/organization_settings"]

    with traffic.window() as second:
        again = run_playbook(INSTANCE, extra_vars=dict(wanted, origins=list(reversed(wanted["origins"])))).assert_ok()
    assert again.changed == [] and again.recap["localhost"]["changed"] == 0
    assert writes(second) == [], second.summary()
    assert [is_restrictions_read(e) for e in second.mutations] == [True]
    assert_contract(first, "instance-first")
    assert_contract(second, "instance-second")


def test_instance_check_mode_sends_no_write(sandbox, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    before = clerk_state(sandbox)
    with traffic.window() as window:
        run = run_playbook(INSTANCE, extra_vars={"origins": ["https://x.example"], "members": 3}, check=True,
                           diff=True).assert_ok()
    assert run.changed == ["Instance settings"]
    assert run.task("Instance settings")["instance"]["allowed_origins"] == ["https://x.example"]
    assert window.mutations == [], window.summary()     # not even the empty PATCH that reads the restrictions
    assert clerk_state(sandbox) == before


def test_write_only_settings_are_applied_and_always_changed(sandbox, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    playbook = """
- name: Clerk write-only settings
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Write-only
      railstack.platform.clerk_instance:
        hibp: false
        support_email: support@prela.app
"""
    for attempt in range(2):
        with traffic.window() as window:
            run = run_playbook(playbook).assert_ok()
        assert run.changed == ["Write-only"], attempt
        assert run.task("Write-only")["write_only_applied"] == ["hibp", "support_email"]
        assert [e["json"] for e in writes(window)] == [{"hibp": False, "support_email": "support@prela.app"}]
    settings = clerk_state(sandbox)["settings"]
    assert settings["hibp"] is False and settings["support_email"] == "support@prela.app"
    with traffic.window() as window:
        run = run_playbook(playbook, check=True).assert_ok()
    assert run.changed == ["Write-only"] and writes(window) == []


def test_bad_input_fails_before_any_write_naming_the_field(sandbox, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    playbook = """
- name: Clerk bad input
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Bad origin
      railstack.platform.clerk_instance:
        allowed_origins: [https://ok.example, "https://bad.example/app"]
      ignore_errors: true
    - name: Bad enrollment mode
      railstack.platform.clerk_instance:
        organization_settings:
          domains_enrollment_modes: [magic]
      ignore_errors: true
    - name: Unknown role
      railstack.platform.clerk_instance:
        allowed_origins: [https://new.example]
        organization_settings:
          creator_role: org:nobody
      ignore_errors: true
    - name: Domain with a scheme
      railstack.platform.clerk_domain:
        name: https://prela.dev
      ignore_errors: true
"""
    with traffic.window() as window:
        run = run_playbook(playbook).assert_ok()
    assert run.failed == ["Bad origin", "Bad enrollment mode", "Unknown role", "Domain with a scheme"]
    assert run.task("Bad origin")["msg"].startswith("allowed_origins[1]:")
    assert "domains_enrollment_modes" in run.task("Bad enrollment mode")["msg"]
    assert run.task("Unknown role")["msg"].startswith("organization_settings.creator_role:")
    assert run.task("Domain with a scheme")["msg"].startswith("name:")
    assert writes(window) == [], window.summary()
    assert clerk_state(sandbox)["allowed_origins"] is None


DOMAINS = """
- name: Clerk production domains
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Primary domain
      railstack.platform.clerk_domain:
        name: prela.app
        is_satellite: false
      register: primary
    - name: Satellite
      railstack.platform.clerk_domain:
        name: "{{ satellite }}"
        state: "{{ satellite_state | default('present') }}"
    - name: Application values
      railstack.platform.clerk_info:
        include_jwks: true
"""


def test_domains_give_dns_records_and_converge(sandbox, sandbox_env, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    key = name_production_primary(sandbox_env, "prela.app")
    env = {"CLERK_SECRET_KEY": key}
    with traffic.window() as first:
        run = run_playbook(DOMAINS, extra_vars={"satellite": "prela.dev"}, env=env, diff=True).assert_ok()
    assert run.changed == ["Satellite"]
    primary = run.task("Primary domain")
    assert [r["name"] for r in primary["dns_records"]] == [
        "clerk.prela.app", "accounts.prela.app", "clkmail.prela.app", "clk._domainkey.prela.app",
        "clk2._domainkey.prela.app"]
    for record, target in zip(primary["dns_records"], primary["cname_targets"]):
        assert record == {"name": target["host"], "type": "CNAME", "values": [target["value"]], "ttl": "auto",
                          "proxied": False}
    assert run.task("Satellite")["dns_records"][0]["name"] == "clerk.prela.dev"
    info = run.task("Application values")
    assert info["publishable_key"] == "pk_live_" + base64.b64encode(b"clerk.prela.app$").decode().rstrip("=")
    assert info["railway_variables"] == {"CLERK_PUBLISHABLE_KEY": info["publishable_key"],
                                         "CLERK_JWKS_URL": "https://clerk.prela.app/.well-known/jwks.json"}
    assert info["jwks"]["keys"]
    assert [e["method"] + " " + e["path"] for e in writes(first)] == ["POST /v1/domains"]

    with traffic.window() as second:
        again = run_playbook(DOMAINS, extra_vars={"satellite": "prela.dev"}, env=env).assert_ok()
    assert again.changed == [] and writes(second) == [], second.summary()

    with traffic.window() as check:
        planned = run_playbook(DOMAINS, extra_vars={"satellite": "prela.io"}, env=env, check=True).assert_ok()
    assert planned.changed == ["Satellite"] and writes(check) == [], check.summary()

    with traffic.window() as removal:
        removed = run_playbook(DOMAINS, extra_vars={"satellite": "prela.dev", "satellite_state": "absent"},
                               env=env).assert_ok()
    assert removed.changed == ["Satellite"]
    assert [e["method"] for e in writes(removal)] == ["DELETE"]
    names = [d["name"] for d in clerk_state(sandbox, "production")["domains"].values()]
    assert names == ["prela.app"]
    for window, name in ((first, "domains-first"), (second, "domains-second"), (check, "domains-check"),
                         (removal, "domains-removal")):
        assert_contract(window, name)


def test_info_reads_only_and_derives_the_development_key(sandbox, sandbox_env, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    playbook = """
- name: Clerk info
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Info
      railstack.platform.clerk_info:
"""
    with traffic.window() as window:
        run = run_playbook(playbook).assert_ok()
    info = run.task("Info")
    primary = clerk_call(sandbox_env, "GET", "/domains")[1]["data"][0]
    host = primary["frontend_api_url"].split("://", 1)[1]
    assert info["frontend_api"] == host
    assert info["publishable_key"].startswith("pk_test_")
    encoded = info["publishable_key"][len("pk_test_"):]
    assert base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode() == host + "$"
    assert info["jwks_url"] == primary["frontend_api_url"] + "/.well-known/jwks.json"
    assert info["dns_records"] == []
    assert window.mutations == [] and window.requests == 2, window.summary()
    assert_contract(window, "info")


def test_429_is_waited_out_and_a_lost_delete_answer_is_not_an_error(sandbox, run_playbook, traffic, reset_sandbox,
                                                                    faults):
    # (A lost *create* answer is covered by the unit tests: the sandbox's fault `match` cannot tell
    # GET /v1/domains from POST /v1/domains, so it cannot drop the POST alone.)
    reset_sandbox()
    playbook = """
- name: Clerk satellite through faults
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Satellite
      railstack.platform.clerk_domain:
        name: localhost:3001
        state: "{{ wanted }}"
"""
    faults(next=[{"kind": "429", "api": "clerk", "match": "/v1/domains"}])
    with traffic.window() as window:
        run = run_playbook(playbook, extra_vars={"wanted": "present"}).assert_ok()
    assert run.task("Satellite")["domain"]["id"].startswith("dmn_")
    assert [(e["method"], e["status"]) for e in window.entries] == [("GET", 429), ("GET", 200), ("POST", 200)]

    faults(next=[{"kind": "drop_after_commit", "api": "clerk", "match": "/v1/domains/"}])
    with traffic.window() as window:
        run = run_playbook(playbook, extra_vars={"wanted": "absent"}).assert_ok()
    assert run.changed == ["Satellite"]
    assert [(e["method"], e["status"]) for e in window.entries] == [("GET", 200), ("DELETE", None), ("DELETE", 404)]
    assert [d["is_satellite"] for d in clerk_state(sandbox)["domains"].values()] == [False]


def test_no_secret_at_vvvv(sandbox, sandbox_env, run_playbook, reset_sandbox):
    reset_sandbox()
    key = name_production_primary(sandbox_env, "prela.app")
    run = run_playbook(DOMAINS, extra_vars={"satellite": "example.dev"}, env={"CLERK_SECRET_KEY": key}, verbosity=4,
                       diff=True).assert_ok()
    no_secret_in(run, key, sandbox_env["CLERK_SECRET_KEY"])
    run = run_playbook(INSTANCE, extra_vars={"origins": ["https://a.example"], "members": 2}, verbosity=4,
                       diff=True).assert_ok()
    no_secret_in(run, key, sandbox_env["CLERK_SECRET_KEY"])
    failed = run_playbook(DOMAINS, extra_vars={"satellite": "x.dev"}, env={"CLERK_SECRET_KEY": "sk_test_wrongkey123"},
                          verbosity=4)
    assert failed.rc != 0
    assert "authenticate" in failed.task("Primary domain")["msg"]
    no_secret_in(failed, "sk_test_wrongkey123", key)


def test_clerk_cnames_go_straight_into_cloudflare(sandbox, sandbox_env, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    key = name_production_primary(sandbox_env, "prela.app")
    playbook = """
- name: Clerk production DNS
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Clerk's domain
      railstack.platform.clerk_domain:
        name: prela.app
        is_satellite: false
      register: clerk_domain
    - name: Its CNAMEs
      railstack.platform.dns_records:
        provider: cloudflare
        zone: prela.app
        records: "{{ clerk_domain.dns_records }}"
"""
    run = run_playbook(playbook, env={"CLERK_SECRET_KEY": key}).assert_ok()
    assert run.changed == ["Its CNAMEs"]
    targets = {t["host"]: t["value"] for t in run.task("Clerk's domain")["cname_targets"]}
    cloudflare = sandbox.client.state()["cloudflare"]
    zone = next(z for z in cloudflare["zones"].values() if z["name"] == "prela.app")
    cnames = [r for r in cloudflare["records"].values() if r["_zone"] == zone["id"] and r["type"] == "CNAME"]
    assert {r["name"]: r["content"] for r in cnames} == targets and len(targets) == 5
    assert not any(r["proxied"] for r in cnames)
    with traffic.window() as again:
        second = run_playbook(playbook, env={"CLERK_SECRET_KEY": key}).assert_ok()
    assert second.changed == [] and writes(again) == [], again.summary()
