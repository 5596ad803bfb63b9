# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Volumes and Railway's plans: the size asked on the run that creates a volume, and the plan's limits
checked before any write (railway_database, railway_volume, and site.yml on examples/prela.yml)."""
from __future__ import annotations

import pytest

from .railway_helpers import assert_contract, environment_config, make_project, operations, services_by_name, unique
from .site_helpers import SITE

DATABASE = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Database
      railstack.platform.railway_database:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        engine: "{{ engine }}"
        size_mb: "{{ size | default(omit) }}"
      register: database
"""
VOLUME = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Service
      railstack.platform.railway_service:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        name: files
        source: {image: "nginx:1.27"}
    - name: Volume
      railstack.platform.railway_volume:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        service: files
        mount_path: /files
        size_mb: "{{ size | default(omit) }}"
"""


@pytest.fixture
def railway_plan(sandbox):
    """Put the sandbox's Railway account on a plan for one test (its request budget is another test's matter)."""
    def use(plan):
        sandbox.client.request("POST", "/_sandbox/railway/realism", {"plan": plan, "request_budget": False})
    yield use
    sandbox.client.request("POST", "/_sandbox/railway/realism", {"defaults": True})


@pytest.fixture
def project(sandbox_env):
    project_id, environment_id = make_project(sandbox_env, unique("plans"))
    return dict(project=project_id, env_id=environment_id)


def volume_sizes(sandbox_env, environment_id):
    return {v: (c or {}).get("sizeMB") for v, c in environment_config(sandbox_env, environment_id)["config"]["volumes"].items()}


def test_a_database_volume_gets_the_asked_size_on_the_run_that_creates_it(sandbox_env, project, run_playbook, traffic):
    values = dict(project, engine="postgres", size=20000)
    with traffic.window() as first:
        run = run_playbook(DATABASE, extra_vars=values).assert_ok()
    assert operations(first)[1:] == ["serviceCreate", "volumeCreate", "environmentConfig", "environmentPatchCommit",
                                     "environmentPatch"], first.summary()
    volume = run.task("Database")["volume"]
    assert volume["size_mb"] == 20000 and volume_sizes(sandbox_env, project["env_id"]) == {volume["id"]: 20000}
    assert_contract(first, "volume-plans-first")
    with traffic.window() as second:
        again = run_playbook(DATABASE, extra_vars=values).assert_ok()
    assert again.changed == [] and second.mutations == [], second.summary()


def test_pro_refuses_a_new_volume_under_50_gb_before_any_write(sandbox_env, project, run_playbook, traffic, railway_plan):
    railway_plan("pro")
    with traffic.window() as window:
        run = run_playbook(DATABASE, extra_vars=dict(project, engine="redis", size=10000))
    assert run.rc != 0 and window.mutations == [], window.summary()
    assert run.task("Database")["msg"].startswith("size_mb: Railway's Pro plan creates volumes of 50000 MB")
    values = dict(project, engine="redis", size=60000)
    run = run_playbook(DATABASE, extra_vars=values).assert_ok()
    assert volume_sizes(sandbox_env, project["env_id"]) == {run.task("Database")["volume"]["id"]: 60000}
    with traffic.window() as second:
        assert run_playbook(DATABASE, extra_vars=values).assert_ok().changed == []
    assert second.mutations == []


def test_free_refuses_a_resize_and_a_second_volume_before_any_write(
        sandbox, sandbox_env, project, run_playbook, traffic, railway_plan):
    railway_plan("free")
    run = run_playbook(DATABASE, extra_vars=dict(project, engine="postgres")).assert_ok()
    assert volume_sizes(sandbox_env, project["env_id"]) == {run.task("Database")["volume"]["id"]: 500}
    with traffic.window() as window:
        resized = run_playbook(DATABASE, extra_vars=dict(project, engine="postgres", size=1000))
        second = run_playbook(DATABASE, extra_vars=dict(project, engine="mongo"))
    assert window.mutations == [], window.summary()
    assert resized.task("Database")["msg"].startswith("size_mb: Railway's Free plan cannot resize volumes")
    assert second.task("Database")["msg"].startswith("name: Railway's Free plan allows 1 volume per project")
    assert "MongoDB" not in services_by_name(sandbox, project["project"])
    with traffic.window() as again:
        assert run_playbook(DATABASE, extra_vars=dict(project, engine="postgres", size=500)).assert_ok().changed == []
    assert again.mutations == []


def test_free_refuses_a_volume_size_before_any_write(project, run_playbook, traffic, railway_plan):
    railway_plan("free")
    with traffic.window() as window:
        run = run_playbook(VOLUME, extra_vars=dict(project, size=10000))
    assert run.failed == ["Volume"] and operations(window).count("volumeCreate") == 0, window.summary()
    assert run.task("Volume")["msg"].startswith(
        "size_mb: Railway's Free plan creates volumes of 500 MB and cannot resize them: size_mb 10000")


def test_prela_on_free_fails_naming_the_plan_then_converges_on_hobby(sandbox, run_playbook, traffic, railway_plan):
    """Prela has two databases, so two volumes: Free allows one per project. The project does not exist yet, so
    the workspace's plan is read, and the planning pass fails before ANY write, naming the plan and the database
    whose volume it refuses; once the workspace is on Hobby the same run converges."""
    secrets = dict(CLICKHOUSE_HOST="abc.clickhouse.cloud", CLICKHOUSE_PASSWORD="ch-%s" % unique("pw"))
    sandbox.client.reset()
    railway_plan("free")
    with traffic.window() as free:
        refused = run_playbook(SITE, extra_vars="@examples/prela.yml", env=secrets)
    assert refused.failed == ["Check what needs the providers' state before any write"], refused
    assert refused.task("Check what needs the providers' state before any write")["msg"].startswith(
        "stack.databases[Redis]: Railway's Free plan allows 1 volume per project"), refused
    assert free.mutations == [], free.summary()                  # nothing written: no project, no Stripe object
    assert "planWorkspaces" in operations(free), free.summary()
    railway_plan("hobby")
    run_playbook(SITE, extra_vars="@examples/prela.yml", env=secrets).assert_ok()
    with traffic.window() as again:
        second = run_playbook(SITE, extra_vars="@examples/prela.yml", env=secrets).assert_ok()
    assert second.changed == [] and again.mutations == [], again.summary()
