# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_notification in real playbooks against the recording sandbox."""
from __future__ import annotations

from .railway_ops_helpers import assert_contract, make_service, no_secret_in, unique

RULE = """
- name: Deploy notifications
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Rule
      railstack.platform.railway_notification:
        project: "{{ project }}"
        url: "{{ hook | default(lookup('ansible.builtin.env', 'DEPLOY_HOOK')) }}"
        event_types: "{{ events }}"
        severities: [CRITICAL, WARNING]
        state: "{{ state | default('present') }}"
      register: rule
"""


def rules_to(sandbox, hook):
    return [r for r in sandbox.client.state()["railway"].get("notificationRules", {}).values()
            if any(c["config"].get("url") == hook for c in r["channels"])]


def test_rule_converges_then_changes_nothing(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    hook = "https://hooks.example.com/services/%s/secretpart" % unique("T")
    names = dict(project=where["project"], hook=hook, events=["deployment.failed", "deployment.crashed"])
    with traffic.window() as first:      # the URL from the environment: -vvvv prints extra vars as given
        run = run_playbook(RULE, extra_vars=dict(project=names["project"], events=names["events"]),
                           env={"DEPLOY_HOOK": hook}, diff=True, verbosity=4).assert_ok()
    assert run.changed == ["Rule"]
    [rule] = rules_to(sandbox, hook)
    assert rule["projectId"] == where["project_id"] and rule["eventTypes"] == names["events"]
    assert rule["channels"][0]["config"] == {"type": "webhook", "url": hook}
    assert first.operation_names().count("notificationRuleCreate") == 1
    no_secret_in(run, hook, sandbox_env["RAILWAY_API_TOKEN"])

    with traffic.window() as second:
        again = run_playbook(RULE, extra_vars=dict(names, events=list(reversed(names["events"])))).assert_ok()
    assert again.changed == [] and again.recap["localhost"]["changed"] == 0
    assert second.mutations == [], second.summary()

    with traffic.window() as third:
        run = run_playbook(RULE, extra_vars=dict(names, events=["deployment.failed"])).assert_ok()
    assert run.changed == ["Rule"] and third.operation_names().count("notificationRuleUpdate") == 1
    assert rules_to(sandbox, hook)[0]["eventTypes"] == ["deployment.failed"]

    with traffic.window() as fourth:
        run = run_playbook(RULE, extra_vars=dict(names, state="absent")).assert_ok()
    assert run.changed == ["Rule"] and rules_to(sandbox, hook) == []
    assert_contract(first, "notification-first")
    assert_contract(fourth, "notification-delete")


def test_check_mode_sends_no_mutation(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    hook = "https://hooks.example.com/%s" % unique("check")
    with traffic.window() as window:
        run = run_playbook(RULE, extra_vars=dict(project=where["project"], hook=hook, events=["deployment.failed"]),
                           check=True).assert_ok()
    assert run.changed == ["Rule"] and window.mutations == [] and rules_to(sandbox, hook) == []


def test_lost_create_is_found_again(sandbox, sandbox_env, run_playbook, traffic, faults):
    where = make_service(sandbox_env)
    hook = "https://hooks.example.com/%s" % unique("lost")
    faults(next=[{"kind": "drop_after_commit", "api": "railway", "match": "notificationRuleCreate"}])
    with traffic.window() as window:
        run = run_playbook(RULE, extra_vars=dict(project=where["project"], hook=hook, events=["deployment.failed"])).assert_ok()
    assert run.changed == ["Rule"] and window.operation_names().count("notificationRuleCreate") == 1
    assert len(rules_to(sandbox, hook)) == 1


def test_bad_input_fails_before_any_write_naming_the_field(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    play = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: No scheme
      railstack.platform.railway_notification:
        project: "{{ project }}"
        url: hooks.example.com/x
        event_types: [deployment.failed]
      ignore_errors: true
    - name: Empty event
      railstack.platform.railway_notification:
        project: "{{ project }}"
        url: https://hooks.example.com/x
        event_types: [""]
      ignore_errors: true
    - name: No events
      railstack.platform.railway_notification:
        project: "{{ project }}"
        url: https://hooks.example.com/x
      ignore_errors: true
    - name: Bad severity
      railstack.platform.railway_notification:
        project: "{{ project }}"
        url: https://hooks.example.com/x
        event_types: [deployment.failed]
        severities: [LOUD]
      ignore_errors: true
"""
    with traffic.window() as window:
        run = run_playbook(play, extra_vars=dict(project=where["project"]))
    assert window.mutations == [], window.summary()
    messages = {name: run.task(name)["msg"] for name in run.failed}
    assert messages["No scheme"].startswith("url:")
    assert messages["Empty event"].startswith("event_types:")
    assert "event_types" in messages["No events"]
    assert "severities" in messages["Bad severity"]
