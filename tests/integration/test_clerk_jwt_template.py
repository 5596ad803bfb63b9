# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""clerk_jwt_template in real playbooks against the recording sandbox."""
from __future__ import annotations

from .clerk_helpers import assert_contract, no_secret_in, writes

SIGNING_KEY = "integration-hmac-signing-key-0123456789"

TEMPLATES = """
- name: Clerk JWT templates
  hosts: localhost
  gather_facts: false
  tasks:
    - name: API template
      railstack.platform.clerk_jwt_template:
        name: prela-api
        lifetime: "{{ lifetime }}"
        claims:
          role: !unsafe "{{user.public_metadata.role}}"
          email: !unsafe "{{user.primary_email_address}}"
    - name: Custom key template
      railstack.platform.clerk_jwt_template:
        name: supabase
        claims:
          role: authenticated
        custom_signing_key: true
        signing_algorithm: HS256
        signing_key: "{{ lookup('env', 'TEST_JWT_SIGNING_KEY') }}"
        update_signing_key: on_create
    - name: Gone
      railstack.platform.clerk_jwt_template:
        name: legacy
        state: absent
"""


def templates(sandbox):
    return {t["name"]: t for t in sandbox.client.state()["clerk"]["instances"]["development"]["jwt_templates"].values()}


def test_templates_converge_and_the_key_never_shows(sandbox, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    # the key comes from the environment: ansible-playbook -vvvv prints -e extra vars itself
    extra = {"lifetime": 300}
    key_env = {"TEST_JWT_SIGNING_KEY": SIGNING_KEY}
    with traffic.window() as first:
        run = run_playbook(TEMPLATES, extra_vars=extra, env=key_env, diff=True, verbosity=4).assert_ok()
    no_secret_in(run, SIGNING_KEY, sandbox.env["CLERK_SECRET_KEY"])
    assert run.changed == ["API template", "Custom key template"]
    api = run.task("API template")["jwt_template"]
    assert api["claims"] == {"role": "{{user.public_metadata.role}}", "email": "{{user.primary_email_address}}"}
    assert api["lifetime"] == 300
    stored = templates(sandbox)
    assert stored["supabase"]["signing_key"] == SIGNING_KEY and stored["supabase"]["signing_algorithm"] == "HS256"
    assert [e["method"] for e in writes(first)] == ["POST", "POST"]

    with traffic.window() as second:
        again = run_playbook(TEMPLATES, extra_vars=extra, env=key_env, verbosity=4).assert_ok()
    assert again.changed == [] and writes(second) == [], second.summary()
    no_secret_in(again, SIGNING_KEY)

    with traffic.window() as check:
        planned = run_playbook(TEMPLATES, extra_vars=dict(extra, lifetime=900), env=key_env, check=True, diff=True).assert_ok()
    assert planned.changed == ["API template"] and writes(check) == [], check.summary()
    assert templates(sandbox)["prela-api"]["lifetime"] == 300

    with traffic.window() as update:
        changed = run_playbook(TEMPLATES, extra_vars=dict(extra, lifetime=900), env=key_env).assert_ok()
    assert changed.changed == ["API template"]
    assert [e["method"] for e in writes(update)] == ["PATCH"]
    assert templates(sandbox)["prela-api"]["lifetime"] == 900
    for window, name in ((first, "jwt-first"), (second, "jwt-second"), (check, "jwt-check"), (update, "jwt-update")):
        assert_contract(window, name)


def test_bad_input_fails_before_any_write_naming_the_field(sandbox, run_playbook, traffic, reset_sandbox):
    reset_sandbox()
    playbook = """
- name: Clerk JWT template bad input
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Reserved claim
      railstack.platform.clerk_jwt_template:
        name: bad
        claims: {sub: me}
      ignore_errors: true
    - name: Lifetime too short
      railstack.platform.clerk_jwt_template:
        name: bad
        claims: {}
        lifetime: 5
      ignore_errors: true
    - name: No claims
      railstack.platform.clerk_jwt_template:
        name: bad
      ignore_errors: true
"""
    with traffic.window() as window:
        run = run_playbook(playbook).assert_ok()
    assert run.failed == ["Reserved claim", "Lifetime too short", "No claims"]
    assert run.task("Reserved claim")["msg"].startswith("claims:")
    assert run.task("Lifetime too short")["msg"].startswith("lifetime:")
    assert "claims" in run.task("No claims")["msg"]
    assert writes(window) == [] and templates(sandbox) == {}
