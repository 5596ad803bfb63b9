# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_databases in real playbooks against the recording sandbox: many databases in one task, one read of the
environment and one config write, whatever their number."""
from __future__ import annotations

import pytest

from .railway_helpers import (assert_contract, environment_config, make_project, no_secret_in, operations, raw_config,
                              services_by_name, unique)

DATABASES = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Databases
      railstack.platform.railway_databases:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        databases: "{{ databases }}"
      register: databases
"""
THREE = [dict(engine="postgres", public=True, size_mb=10000, backup_schedules=["DAILY"]),
         dict(engine="redis", redis_maxmemory="256mb"),
         dict(engine="mysql", name="Orders")]
FIVE = THREE + [dict(engine="mongo"), dict(engine="postgres", name="Analytics", migrations=dict(path="db/migrations"))]


@pytest.fixture
def railway_plan(sandbox):
    """Put the sandbox's Railway account on a plan for one test."""
    def use(plan):
        sandbox.client.request("POST", "/_sandbox/railway/realism", {"plan": plan, "request_budget": False})
    yield use
    sandbox.client.request("POST", "/_sandbox/railway/realism", {"defaults": True})


@pytest.fixture
def project(sandbox_env):
    project_id, environment_id = make_project(sandbox_env, unique("databases"))
    return dict(project=project_id, env_id=environment_id)


def test_many_databases_are_one_config_write_and_a_second_run_writes_nothing(sandbox, sandbox_env, project, run_playbook, traffic):
    values = dict(project, databases=THREE)
    with traffic.window() as first:
        run = run_playbook(DATABASES, extra_vars=values, diff=True).assert_ok()
    names = operations(first)
    assert names.count("serviceCreate") == 3 and names.count("volumeCreate") == 3, first.summary()
    assert names.count("environmentPatchCommit") == 1, first.summary()
    results = run.task("Databases")["databases"]
    assert [d["service"]["name"] for d in results] == ["Postgres", "Redis", "Orders"]
    assert [d["url_reference"] for d in results] == ["${{Postgres.DATABASE_URL}}", "${{Redis.REDIS_URL}}", "${{Orders.MYSQL_URL}}"]
    assert results[0]["volume"]["size_mb"] == 10000 and results[0]["volume"]["backup_schedules"] == ["DAILY"]
    ids = services_by_name(sandbox, project["project"])
    config = environment_config(sandbox_env, project["env_id"])["config"]
    assert config["services"][ids["Postgres"]]["networking"]["tcpProxies"] == {"5432": {}}
    assert config["services"][ids["Orders"]]["source"]["image"] == "mysql:9.4"
    raw = raw_config(sandbox, project["env_id"])["services"]
    no_secret_in(run, raw[ids["Postgres"]]["variables"]["POSTGRES_PASSWORD"]["value"],
                 raw[ids["Redis"]]["variables"]["REDIS_PASSWORD"]["value"])
    assert_contract(first, "databases-plural-first")
    with traffic.window() as second:
        again = run_playbook(DATABASES, extra_vars=values, diff=True).assert_ok()
    assert again.changed == [] and second.mutations == [], second.summary()
    assert [d["changed"] for d in again.task("Databases")["databases"]] == [False, False, False]


def test_a_changed_database_is_updated_alone_and_check_mode_writes_nothing(sandbox, project, run_playbook, traffic):
    run_playbook(DATABASES, extra_vars=dict(project, databases=THREE)).assert_ok()
    changed = [dict(THREE[0], public=False)] + THREE[1:]
    with traffic.window() as check:
        planned = run_playbook(DATABASES, extra_vars=dict(project, databases=changed), check=True, diff=True).assert_ok()
    assert check.mutations == [] and planned.changed == ["Databases"], check.summary()
    assert [d["changed"] for d in planned.task("Databases")["databases"]] == [True, False, False]
    with traffic.window() as window:
        run = run_playbook(DATABASES, extra_vars=dict(project, databases=changed)).assert_ok()
    patches = [e["json"]["variables"]["patch"] for e in window.railway_mutations]
    ids = services_by_name(sandbox, project["project"])
    assert len(patches) == 1 and list(patches[0]["services"]) == [ids["Postgres"]], window.summary()
    assert "volumes" not in patches[0]
    assert run.task("Databases")["databases"][0]["public_url_reference"] is None


def test_an_empty_list_sends_no_request(project, run_playbook, traffic):
    with traffic.window() as window:
        run = run_playbook(DATABASES, extra_vars=dict(project, databases=[])).assert_ok()
    assert run.task("Databases")["databases"] == [] and window.by_api("railway") == [], window.summary()


def test_requests_of_a_run_that_changes_nothing_do_not_grow_with_the_databases(sandbox_env, run_playbook, traffic):
    counts = {}
    for databases in (THREE[:1], FIVE):
        project_id, environment_id = make_project(sandbox_env, unique("databases"))
        values = dict(project=project_id, env_id=environment_id, databases=databases)
        run_playbook(DATABASES, extra_vars=values).assert_ok()
        with traffic.window() as window:
            run = run_playbook(DATABASES, extra_vars=values).assert_ok()
        assert window.mutations == [], window.summary()
        counts[len(databases)] = (len(window.by_api("railway")), run.task("Databases")["api_requests"])
    assert counts[1] == counts[5], counts


def test_the_plan_refuses_the_list_before_any_write(sandbox, project, run_playbook, traffic, railway_plan):
    railway_plan("free")
    with traffic.window() as window:
        run = run_playbook(DATABASES, extra_vars=dict(project, databases=[dict(engine="postgres"), dict(engine="redis")]))
    assert run.failed == ["Databases"] and window.mutations == [], window.summary()
    assert run.task("Databases")["msg"].startswith("databases[1].name: Railway's Free plan allows 1 volume per project")
    assert services_by_name(sandbox, project["project"]) == {}
