# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The integration harness itself: sandbox fixture, run_playbook, traffic counting, faults."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from .helpers.sandbox import TrafficWindow, is_mutation, is_railway_mutation, parse_env_file


def graphql(sandbox_env, query, variables=None, operation_name=None):
    body = {"query": query, "variables": variables or {}}
    if operation_name:
        body["operationName"] = operation_name
    req = urllib.request.Request(
        sandbox_env["RAILWAY_API_URL"] + "?source=railstack-platform-tests", data=json.dumps(body).encode(),
        method="POST", headers={"Content-Type": "application/json",
                                "Authorization": "Bearer " + sandbox_env["RAILWAY_API_TOKEN"]})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def railway_entry(query, operation_name=None):
    return {"api": "railway", "method": "POST", "path": "/graphql/v2",
            "json": {"query": query, "operationName": operation_name}}


@pytest.mark.parametrize("query, name, expected", [
    ("mutation { projectDelete(id: \"p\") }", None, True),
    ("  # comment\n mutation Create($i: ProjectCreateInput!) { projectCreate(input: $i) { id } }", None, True),
    ("{ me { id } }", None, False),
    ("query Me { me { id } }", None, False),
    ("query A { me { id } } mutation B { projectDelete(id: \"p\") }", "B", True),
    ("query A { me { id } } mutation B { projectDelete(id: \"p\") }", "A", False),
])
def test_is_railway_mutation(query, name, expected):
    assert is_railway_mutation(railway_entry(query, name)) is expected
    assert is_mutation(railway_entry(query, name)) is expected


def test_rest_writes_are_mutations():
    assert is_mutation({"api": "stripe", "method": "POST", "path": "/v1/prices"})
    assert is_mutation({"api": "cloudflare", "method": "DELETE", "path": "/client/v4/zones/z/dns_records/r"})
    assert not is_mutation({"api": "clerk", "method": "GET", "path": "/v1/instance"})


def test_env_file_parsed(sandbox, sandbox_env):
    assert sandbox_env == parse_env_file(sandbox.env_file)
    for name in ("RAILWAY_API_URL", "RAILWAY_API_TOKEN", "STRIPE_API_BASE", "STRIPE_API_KEY", "CLERK_API_URL",
                 "CLERK_SECRET_KEY", "CLOUDFLARE_API_URL", "CLOUDFLARE_API_TOKEN", "RAILSTACK_SANDBOX_URL"):
        assert sandbox_env.get(name), name
    assert sandbox_env["RAILSTACK_SANDBOX_URL"].startswith("http://127.0.0.1:")


def test_traffic_counts_requests_and_mutations(sandbox_env, traffic, reset_sandbox):
    reset_sandbox()
    start = traffic.mark()
    status, answer = graphql(sandbox_env, "query Me { me { id } }")
    assert status == 200, answer
    status, answer = graphql(sandbox_env, "mutation Make($input: ProjectCreateInput!) { projectCreate(input: $input) { id name } }",
                             {"input": {"name": "harness-check"}})
    assert status == 200 and not answer.get("errors"), answer
    window = traffic.since(start)
    assert window.requests == 2, window.summary()
    assert len(window.mutations) == 1 and len(window.railway_mutations) == 1, window.summary()
    assert window.operation_names() == ["Me", "Make"]
    # a later mark sees none of it
    assert traffic.since(traffic.mark()).requests == 0


def test_reset_empties_state(sandbox_env, sandbox, reset_sandbox):
    status, answer = graphql(sandbox_env, "mutation { projectCreate(input: {name: \"to-be-reset\"}) { id } }")
    assert status == 200 and not answer.get("errors"), answer
    assert "to-be-reset" in json.dumps(sandbox.client.state())
    reset_sandbox()
    assert "to-be-reset" not in json.dumps(sandbox.client.state())


def test_faults_apply_once(sandbox_env, faults, traffic):
    faults(next=[{"kind": "500", "api": "railway"}])
    with traffic.window() as window:
        first = graphql(sandbox_env, "query { me { id } }")[0]
        second = graphql(sandbox_env, "query { me { id } }")[0]
    assert (first, second) == (500, 200)
    assert [e["status"] for e in window.entries] == [500, 200]
    assert faults()["next"] == []


def test_run_playbook_reports_each_task(run_playbook):
    run = run_playbook("""
- name: Harness check
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Say hello
      ansible.builtin.debug:
        msg: "sandbox at {{ lookup('env', 'RAILSTACK_SANDBOX_URL') }}"
    - name: Change something
      ansible.builtin.set_fact:
        harness_fact: 1
      changed_when: true
    - name: Loop
      ansible.builtin.debug:
        msg: "{{ item }}"
      loop: [a, b]
    - name: Fail but go on
      ansible.builtin.fail:
        msg: expected failure
      ignore_errors: true
""", extra_vars={"unused": {"nested": True}})
    run.assert_ok()
    assert run.task("Say hello")["msg"].startswith("sandbox at http://127.0.0.1:")
    assert run.changed == ["Change something"]
    assert [r["msg"] for r in run.items("Loop")] == ["a", "b"]
    assert run.failed == ["Fail but go on"]
    assert run.recap["localhost"]["changed"] == 1
    assert run.recap["localhost"]["ignored"] == 1


def test_run_playbook_check_mode_and_failure(run_playbook):
    run = run_playbook("""
- name: Harness check mode
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Report check mode
      ansible.builtin.debug:
        msg: "{{ ansible_check_mode }}"
    - name: Stop here
      ansible.builtin.fail:
        msg: stopping
""", check=True)
    assert run.rc == 2
    assert run.task("Report check mode")["msg"] is True
    assert run.task("Stop here")["msg"] == "stopping"
    assert "stopping" in run.stdout


def test_window_ignores_control_requests():
    window = TrafficWindow([{"api": "unknown", "method": "GET", "path": "/_sandbox/state"},
                            {"api": "stripe", "method": "GET", "path": "/v1/prices"}])
    assert window.requests == 1 and window.mutations == []
