# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_deployments in real playbooks against the recording sandbox: several services followed at once, one
crashing and rolled back while another succeeds, a health probe of the sandbox's app stand-in failing, check mode,
an empty list, and the requests of a run that do not grow with the services."""
from __future__ import annotations

import pytest

from .railway_ops_helpers import FAST, assert_contract, behaviour, deployments, gql, make_service

FOLLOW = """
- name: Follow deployments
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      project: "{{ project }}"
      environment: production
  tasks:
    - name: Deployments
      railstack.platform.railway_deployments:
        wait_interval: 0.1
        services: "{{ services }}"
      register: followed
      ignore_errors: "{{ may_fail | default(false) }}"
"""
SERVICE_CREATE = "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id } }"
DEPLOY = ("mutation($e: String!, $s: String!) { serviceInstanceDeployV2(environmentId: $e, serviceId: $s) }")


@pytest.fixture(autouse=True)
def fast_deployments(sandbox):
    behaviour(sandbox, phase_seconds=FAST)


def make_services(env, names):
    """A project whose production environment has one image service per name: {"project", "environment_id", ids}."""
    where = make_service(env, service=names[0])
    ids = {names[0]: where["service_id"]}
    for name in names[1:]:
        ids[name] = gql(env, SERVICE_CREATE, {"i": {"projectId": where["project_id"], "name": name,
                                                    "source": {"image": "nginx:1.27"}}})["serviceCreate"]["id"]
    return dict(where, ids=ids)


def deploy(env, where, *names):
    """Start a deployment of each service (not waited for): what a config commit does."""
    return {name: gql(env, DEPLOY, {"e": where["environment_id"], "s": where["ids"][name]})["serviceInstanceDeployV2"]
            for name in names}


def items(*names, **options):
    return [dict(name=name, wait_timeout=30, **options) for name in names]


def follow(run_playbook, where, services, **extra):
    return run_playbook(FOLLOW, extra_vars=dict(project=where["project"], services=services, **extra), diff=True)


def test_several_services_are_waited_for_then_a_second_run_changes_nothing(sandbox_env, run_playbook, traffic):
    where = make_services(sandbox_env, ["api", "worker", "web"])
    started = deploy(sandbox_env, where, "api", "worker", "web")
    with traffic.window() as first:
        run = follow(run_playbook, where, items("api", "worker", "web")).assert_ok()
    result = run.task("Deployments")
    assert run.changed == [] and first.mutations == [], first.summary()
    assert [(s["name"], s["deployment"]["id"], s["deployment"]["status"], s["outcome"]) for s in result["services"]] == [
        (name, started[name], "SUCCESS", "succeeded") for name in ("api", "worker", "web")]
    with traffic.window() as second:
        again = follow(run_playbook, where, items("api", "worker", "web")).assert_ok()
    assert again.changed == [] and second.mutations == [], second.summary()
    assert second.operation_names().count("latestDeployments") == 1
    assert_contract(first, "deployments-first")


def test_one_crash_is_rolled_back_while_another_succeeds(sandbox, sandbox_env, run_playbook, traffic):
    where = make_services(sandbox_env, ["api", "worker"])
    good = deploy(sandbox_env, where, "api", "worker")
    follow(run_playbook, where, items("api", "worker")).assert_ok()
    behaviour(sandbox, service=where["ids"]["api"], outcome="CRASHED")
    try:
        started = deploy(sandbox_env, where, "api", "worker")
        with traffic.window() as window:
            run = follow(run_playbook, where, items("api", "worker", rollback_on_failure=True), may_fail=True)
    finally:
        behaviour(sandbox, service=where["ids"]["api"], outcome=None)
    result = run.task("Deployments")
    assert run.failed == ["Deployments"] and result["changed"] is True
    assert result["msg"].startswith("1 of 2 services failed: api: wait: deployment %s of service api ended CRASHED."
                                    % started["api"]), result["msg"]
    assert "worker:" not in result["msg"] and "rolled back to deployment %s" % good["api"] in result["msg"]
    api, worker = result["services"]
    assert api["rolled_back"] is True and api["rolled_back_to"]["id"] == good["api"]
    assert api["rollback_deployment"]["status"] == "SUCCESS"
    assert deployments(sandbox_env, where["ids"]["api"])[0]["id"] == api["rollback_deployment"]["id"]
    assert worker["outcome"] == "succeeded" and worker["deployment"]["id"] == started["worker"]
    assert worker["rolled_back"] is False
    assert window.operation_names().count("deploymentRollback") == 1 and len(window.mutations) == 1
    assert_contract(window, "deployments-rollback")


HEALTH = """
- name: Follow deployments and probe them
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      project: "{{ project }}"
      environment: production
  tasks:
    - name: Railway domain
      railstack.platform.railway_domain:
        service: api
      register: domain
    - name: Deployments
      railstack.platform.railway_deployments:
        wait_interval: 0.1
        services:
          - name: api
            wait_timeout: 30
            health_check:
              url: "{{ sandbox_url }}/_sandbox/railway/health/{{ domain.domain.domain }}/healthz"
              body: '"status":"ok"'
              timeout: 10
              interval: 0.2
          - name: worker
            wait_timeout: 30
            rollback_on_failure: true
            health_check: {url: "{{ sandbox_url }}/_sandbox/railway/health/nothing-here.example.com", timeout: 1,
                           interval: 0.2}
      register: followed
      ignore_errors: true
"""


def test_a_failing_health_probe_is_rolled_back_and_named(sandbox, sandbox_env, run_playbook):
    where = make_services(sandbox_env, ["api", "worker"])
    good = deploy(sandbox_env, where, "api", "worker")
    follow(run_playbook, where, items("api", "worker")).assert_ok()
    deploy(sandbox_env, where, "api", "worker")
    run = run_playbook(HEALTH, extra_vars=dict(project=where["project"], sandbox_url=sandbox.url))
    result = run.task("Deployments")
    assert run.failed == ["Deployments"]
    assert result["msg"].startswith("1 of 2 services failed: worker: health_check:") and "HTTP 404" in result["msg"]
    api, worker = result["services"]
    assert api["outcome"] == "succeeded" and api["health"]["status_code"] == 200
    assert worker["rolled_back"] is True and worker["rolled_back_to"]["id"] == good["worker"]


def test_check_mode_waits_for_nothing_and_sends_no_mutation(sandbox, sandbox_env, run_playbook, traffic):
    where = make_services(sandbox_env, ["api", "worker"])
    behaviour(sandbox, service=where["ids"]["api"], outcome="CRASHED")
    try:
        started = deploy(sandbox_env, where, "api", "worker")
        with traffic.window() as window:
            run = run_playbook(FOLLOW, extra_vars=dict(project=where["project"],
                                                       services=items("api", "worker", rollback_on_failure=True)),
                               check=True).assert_ok()
    finally:
        behaviour(sandbox, service=where["ids"]["api"], outcome=None)
    result = run.task("Deployments")
    assert window.mutations == [] and run.changed == []
    assert [(s["outcome"], s["deployment"]["id"]) for s in result["services"]] == [
        ("would_wait", started["api"]), ("would_wait", started["worker"])]
    assert window.operation_names().count("latestDeployments") == 1


def test_an_empty_list_sends_no_request(sandbox_env, run_playbook, traffic):
    where = make_services(sandbox_env, ["api"])
    with traffic.window() as window:
        run = follow(run_playbook, where, []).assert_ok()
    assert run.task("Deployments")["services"] == [] and window.requests == 0, window.summary()


def test_the_requests_of_a_run_do_not_grow_with_the_services(sandbox_env, run_playbook, traffic):
    names = ["svc%d" % n for n in range(10)]
    where = make_services(sandbox_env, names)
    deploy(sandbox_env, where, *names)
    follow(run_playbook, where, items(*names)).assert_ok()
    counts = {}
    for count in (1, 10):
        with traffic.window() as window:
            run = follow(run_playbook, where, items(*names[:count])).assert_ok()
        counts[count] = (run.task("Deployments")["api_requests"], window.requests)
        assert window.operation_names().count("latestDeployments") == 1, window.summary()
    assert counts[1] == counts[10], counts
