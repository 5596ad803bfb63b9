# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Asynchronous config patches, refusals after the commit, concurrent edits, sealed variables: real playbooks."""
from __future__ import annotations

import threading
import time

import pytest

from .railway_helpers import assert_contract, environment_config, graphql, make_project, operations, unique

SERVICE = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Service
      railstack.platform.railway_service:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        name: "{{ name }}"
        source: {image: "ghcr.io/prela/report:1"}
        deploy: {cron_schedule: "{{ cron }}", num_replicas: "{{ replicas | default(1) }}"}
"""

SEALED = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Sealed
      railstack.platform.railway_variables:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        service: "{{ name }}"
        variables:
          PLAIN: visible
          SIGNING_KEY: {value: "sealed-value-0123456789", sealed: true}
"""
PATCH = "mutation p($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }"


@pytest.fixture(scope="module")
def stack(sandbox_env):
    project_id, environment_id = make_project(sandbox_env, unique("patches"))
    return dict(project=project_id, env_id=environment_id)


@pytest.fixture
def realism(sandbox):
    """realism(key=value): change the sandbox's realism settings for one test; the startup ones come back after."""
    def change(**settings):
        return sandbox.client.request("POST", "/_sandbox/railway/realism", settings)
    yield change
    sandbox.client.request("POST", "/_sandbox/railway/realism", {"defaults": True})


def test_a_change_railway_refuses_after_the_commit_fails_the_task_naming_service_and_setting(
        sandbox_env, stack, run_playbook, traffic):
    values = dict(stack, name=unique("cron"), cron="0 3 * * *")
    run_playbook(SERVICE, extra_vars=values).assert_ok()
    with traffic.window() as window:
        run = run_playbook(SERVICE, extra_vars=dict(values, cron="*/2 * * * *"))
    assert run.rc != 0
    message = run.task("Service")["msg"]
    assert message.startswith("services.%s.deploy.cronSchedule: " % values["name"]), message
    assert "every 5 minutes" in message and "nothing of it was applied" in message
    assert operations(window).count("environmentPatchCommit") == 1 and "environmentPatch" in operations(window)
    service_id = services_by_name_env(sandbox_env, stack)[values["name"]]
    assert environment_config(sandbox_env, stack["env_id"])["config"]["services"][service_id]["deploy"]["cronSchedule"] == "0 3 * * *"
    assert_contract(window, "patches-refused")


def services_by_name_env(sandbox_env, stack):
    edges = graphql(sandbox_env, "query p($id: String!) { project(id: $id) { services { edges { node { id name } } } } }",
                    {"id": stack["project"]})["project"]["services"]["edges"]
    return {e["node"]["name"]: e["node"]["id"] for e in edges}


def test_a_later_task_sees_the_applied_config_and_a_second_run_writes_nothing(stack, run_playbook, traffic):
    values = dict(stack, name=unique("applied"), cron="0 4 * * *")
    two_tasks = SERVICE + SERVICE.split("tasks:\n", 1)[1].replace("name: Service", "name: Again")
    with traffic.window() as first:
        run = run_playbook(two_tasks, extra_vars=values).assert_ok()
    assert run.changed == ["Service"], run.changed          # the second task read the applied config
    assert operations(first).count("environmentPatchCommit") == 1
    with traffic.window() as second:
        run = run_playbook(SERVICE, extra_vars=values).assert_ok()
    assert run.changed == [] and second.mutations == [], second.summary()


def test_a_read_waits_for_a_patch_still_applying(sandbox_env, stack, run_playbook, traffic, realism):
    values = dict(stack, name=unique("pending"), cron="0 5 * * *")
    run_playbook(SERVICE, extra_vars=values).assert_ok()
    service_id = services_by_name_env(sandbox_env, stack)[values["name"]]
    realism(patch_apply_seconds=1.5)
    graphql(sandbox_env, PATCH, {"e": stack["env_id"], "p": {"services": {service_id: {"deploy": {"numReplicas": 3}}}}})
    with traffic.window() as window:
        run = run_playbook(SERVICE, extra_vars=dict(values, replicas=3)).assert_ok()
    assert run.changed == [] and window.mutations == [], window.summary()      # planned against the applied patch


def commit_when_the_check_is_delayed(sandbox, sandbox_env, stack, service_id, done):
    """Someone else's commit, sent while the task's check before its commit waits out a 429."""
    start = sandbox.client.mark()
    deadline = time.time() + 30
    while time.time() < deadline and not done.is_set():
        entries, dummy = sandbox.client.traffic(since=start)
        if any(e.get("status") == 429 for e in entries):
            graphql(sandbox_env, PATCH, {"e": stack["env_id"], "p": {"services": {service_id: {"deploy": {"numReplicas": 2}}}}})
            return
        time.sleep(0.02)


def test_a_concurrent_edit_is_detected_not_overwritten(sandbox, sandbox_env, stack, run_playbook, traffic, faults):
    values = dict(stack, name=unique("race"), cron="0 6 * * *")
    run_playbook(SERVICE, extra_vars=values).assert_ok()
    service_id = services_by_name_env(sandbox_env, stack)[values["name"]]
    faults(next=[{"kind": "429", "api": "railway", "match": "environmentGuard"}])      # Retry-After: 1
    done = threading.Event()
    other = threading.Thread(target=commit_when_the_check_is_delayed, args=(sandbox, sandbox_env, stack, service_id, done))
    other.start()
    try:
        with traffic.window() as window:
            run = run_playbook(SERVICE, extra_vars=dict(values, cron="0 7 * * *"))
    finally:
        done.set()
        other.join()
    assert run.rc != 0
    message = run.task("Service")["msg"]
    assert message.startswith("environment: production changed after this task read it"), message
    assert "rerun" in message
    assert len(window.railway_mutations) == 1, window.summary()          # the other commit only, none of the task's
    deploy = environment_config(sandbox_env, stack["env_id"])["config"]["services"][service_id]["deploy"]
    assert deploy["numReplicas"] == 2 and deploy["cronSchedule"] == "0 6 * * *"      # theirs kept, ours not written
    run_playbook(SERVICE, extra_vars=dict(values, cron="0 7 * * *", replicas=2)).assert_ok()      # the rerun works


@pytest.mark.parametrize("listed", [False, True])
def test_a_sealed_variable_is_not_rewritten_whether_or_not_config_lists_it(sandbox_env, stack, run_playbook, traffic,
                                                                           realism, listed):
    realism(config_lists_sealed=listed)
    values = dict(stack, name=unique("sealed"), cron="0 8 * * *")
    run_playbook(SERVICE, extra_vars=values).assert_ok()
    run = run_playbook(SEALED, extra_vars=values).assert_ok()
    assert run.changed == ["Sealed"] and run.task("Sealed")["sealed"] == ["SIGNING_KEY"]
    with traffic.window() as second:
        run = run_playbook(SEALED, extra_vars=values).assert_ok()
    assert run.changed == [] and second.mutations == [], second.summary()
    assert "sealed-value-0123456789" not in run.stdout
