# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""clerk_identifiers (with the allow-list enforced by clerk_instance) in real playbooks against the sandbox."""
from __future__ import annotations

from .clerk_helpers import assert_contract, clerk_call, no_secret_in, writes

PLAYBOOK = """
- name: Clerk allow-list and block-list
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Identifiers
      railstack.platform.clerk_identifiers:
        allowlist: "{{ allow }}"
        blocklist: "{{ block }}"
        notify: true
    - name: Enforced
      railstack.platform.clerk_instance:
        restrictions:
          allowlist: true
          blocklist: true
"""


def lists_at_clerk(sandbox):
    instance = sandbox.client.state()["clerk"]["instances"]["development"]
    return ({r["identifier"]: r for r in instance["allowlist"].values()},
            sorted(r["identifier"] for r in instance["blocklist"].values()), instance["restrictions"])


def test_identifiers_converge(sandbox, sandbox_env, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    assert clerk_call(sandbox_env, "POST", "/allowlist_identifiers", {"identifier": "stale@prela.app"})[0] == 200
    lists = {"allow": ["*@prela.app", "Ada@Example.com", "+14155550100"], "block": ["spam.example"]}
    with traffic.window() as first:
        run = run_playbook(PLAYBOOK, extra_vars=lists, diff=True, verbosity=4).assert_ok()
    no_secret_in(run, sandbox_env["CLERK_SECRET_KEY"])
    assert run.changed == ["Identifiers", "Enforced"]
    allow, block, restrictions = lists_at_clerk(sandbox)
    assert sorted(allow) == ["*@prela.app", "+14155550100", "ada@example.com"] and block == ["spam.example"]
    assert allow["ada@example.com"]["invitation_id"] and restrictions["allowlist"] and restrictions["blocklist"]
    assert run.task("Identifiers")["allowlist_removed"] == ["stale@prela.app"]

    with traffic.window() as second:
        again = run_playbook(PLAYBOOK, extra_vars=lists).assert_ok()
    assert again.changed == [] and writes(second) == [], second.summary()

    with traffic.window() as check:
        planned = run_playbook(PLAYBOOK, extra_vars={"allow": ["new@prela.app"], "block": []}, check=True,
                               diff=True).assert_ok()
    # Clerk shows the restrictions only in answer to a PATCH: check mode sends none, so it cannot
    # verify them and reports them as to be applied, with a warning.
    assert planned.changed == ["Identifiers", "Enforced"] and check.mutations == [], check.summary()
    assert planned.task("Enforced")["warnings"][0].startswith("restrictions:")
    assert sorted(lists_at_clerk(sandbox)[0]) == sorted(allow)
    for window, name in ((first, "identifiers-first"), (second, "identifiers-second"), (check, "identifiers-check")):
        assert_contract(window, name)


def test_bad_identifier_fails_before_any_write_naming_the_field(sandbox, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    with traffic.window() as window:
        run = run_playbook(PLAYBOOK, extra_vars={"allow": ["ok@prela.app"], "block": ["two words"]})
    assert run.rc != 0 and run.task("Identifiers")["msg"].startswith("blocklist[0]:")
    assert window.requests == 0 and lists_at_clerk(sandbox)[:2] == ({}, [])
