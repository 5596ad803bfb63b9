# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_volumes in real playbooks against the recording sandbox: the volumes of many services in one task,
one read of the environment and one config write, whatever their number."""
from __future__ import annotations

import pytest

from .railway_helpers import assert_contract, environment_config, make_project, operations, services_by_name, unique

SERVICES = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Services
      railstack.platform.railway_services:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        services: "{{ services }}"
"""
VOLUMES = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Volumes
      railstack.platform.railway_volumes:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        volumes: "{{ volumes }}"
      register: volumes
"""
THREE = [dict(service="api", mount_path="/data", size_mb=10000, backup_schedules=["DAILY"]),
         dict(service="worker", name="worker-cache", mount_path="/cache"),
         dict(service="files", mount_path="/files")]
FIVE = THREE + [dict(service="cron", mount_path="/state"), dict(service="admin", mount_path="/uploads")]


@pytest.fixture
def railway_plan(sandbox):
    """Put the sandbox's Railway account on a plan for one test."""
    def use(plan):
        sandbox.client.request("POST", "/_sandbox/railway/realism", {"plan": plan, "request_budget": False})
    yield use
    sandbox.client.request("POST", "/_sandbox/railway/realism", {"defaults": True})


def project_with(sandbox_env, run_playbook, volumes):
    """A new project whose services are those of `volumes`."""
    project_id, environment_id = make_project(sandbox_env, unique("volumes"))
    values = dict(project=project_id, env_id=environment_id)
    services = [dict(name=v["service"], source=dict(image="nginx:1.27")) for v in volumes]
    run_playbook(SERVICES, extra_vars=dict(values, services=services)).assert_ok()
    return values


def test_many_volumes_are_one_config_write_and_a_second_run_writes_nothing(sandbox, sandbox_env, run_playbook, traffic):
    values = dict(project_with(sandbox_env, run_playbook, THREE), volumes=THREE)
    with traffic.window() as first:
        run = run_playbook(VOLUMES, extra_vars=values, diff=True).assert_ok()
    names = operations(first)
    assert names.count("volumeCreate") == 3 and names.count("environmentPatchCommit") == 1, first.summary()
    results = run.task("Volumes")["volumes"]
    assert [v["service"]["name"] for v in results] == ["api", "worker", "files"]
    assert results[0]["size_mb"] == 10000 and results[1]["name"] == "worker-cache" and results[2]["mount_path"] == "/files"
    ids = services_by_name(sandbox, values["project"])
    config = environment_config(sandbox_env, values["env_id"])["config"]
    assert config["services"][ids["worker"]]["volumeMounts"] == {results[1]["id"]: {"mountPath": "/cache"}}
    assert config["volumes"][results[0]["id"]]["sizeMB"] == 10000
    assert_contract(first, "volumes-plural-first")
    with traffic.window() as second:
        again = run_playbook(VOLUMES, extra_vars=values, diff=True).assert_ok()
    assert again.changed == [] and second.mutations == [], second.summary()


def test_a_changed_volume_is_updated_alone_and_check_mode_writes_nothing(sandbox_env, run_playbook, traffic):
    values = dict(project_with(sandbox_env, run_playbook, THREE), volumes=THREE)
    first = run_playbook(VOLUMES, extra_vars=values).assert_ok().task("Volumes")["volumes"]
    changed = THREE[:2] + [dict(THREE[2], size_mb=8000)]
    with traffic.window() as check:
        planned = run_playbook(VOLUMES, extra_vars=dict(values, volumes=changed), check=True, diff=True).assert_ok()
    assert check.mutations == [] and [v["changed"] for v in planned.task("Volumes")["volumes"]] == [False, False, True]
    with traffic.window() as window:
        run_playbook(VOLUMES, extra_vars=dict(values, volumes=changed)).assert_ok()
    patches = [e["json"]["variables"]["patch"] for e in window.railway_mutations]
    assert patches == [{"volumes": {first[2]["id"]: {"sizeMB": 8000}}}], window.summary()


def test_an_empty_list_sends_no_request(sandbox_env, run_playbook, traffic):
    project_id, environment_id = make_project(sandbox_env, unique("volumes"))
    with traffic.window() as window:
        run = run_playbook(VOLUMES, extra_vars=dict(project=project_id, env_id=environment_id, volumes=[])).assert_ok()
    assert run.task("Volumes")["volumes"] == [] and window.by_api("railway") == [], window.summary()


def test_requests_of_a_run_that_changes_nothing_do_not_grow_with_the_volumes(sandbox_env, run_playbook, traffic):
    counts = {}
    for volumes in (THREE[:1], FIVE):
        values = dict(project_with(sandbox_env, run_playbook, volumes), volumes=volumes)
        run_playbook(VOLUMES, extra_vars=values).assert_ok()
        with traffic.window() as window:
            run = run_playbook(VOLUMES, extra_vars=values).assert_ok()
        assert window.mutations == [], window.summary()
        counts[len(volumes)] = (len(window.by_api("railway")), run.task("Volumes")["api_requests"])
    assert counts[1] == counts[5], counts


def test_the_plan_refuses_the_list_before_any_write(sandbox_env, run_playbook, traffic, railway_plan):
    values = dict(project_with(sandbox_env, run_playbook, THREE[:2]), volumes=[dict(v, size_mb=None) for v in THREE[:2]])
    railway_plan("free")
    with traffic.window() as window:
        run = run_playbook(VOLUMES, extra_vars=values)
    assert run.failed == ["Volumes"] and window.mutations == [], window.summary()
    assert run.task("Volumes")["msg"].startswith("volumes[1].service: Railway's Free plan allows 1 volume per project")
    assert "volumeCreate" not in operations(window)
