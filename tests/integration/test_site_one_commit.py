# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/site.yml commits an environment's databases and services in ONE configuration commit.

railway_databases stages the databases' change (commit=false) and railway_services commits it with the services'
(staged_by_run), unless something needs the databases running before the services deploy: a migration, or a
service that uses a database's public address. Someone else's staged change is still refused before any write, and
a run that stopped between the stage and the commit is finished by the next run. Commits are counted from the
sandbox's recording, as the bench counts them.
"""
from __future__ import annotations

import sys

import pytest

from .helpers.sandbox import REPO_ROOT
from .railway_helpers import graphql, unique
from .site_helpers import SITE, SandboxState, converge_twice, ref, write_stack

sys.path.insert(0, str(REPO_ROOT / "bench"))
from benchlib import config_commits  # noqa: E402  pylint: disable=wrong-import-position

DATABASES_TASK = "railstack.platform.postgres_addon : Databases, in production"
SERVICES_TASK = "railstack.platform.web_service : Settings and variables of the services, in one write, in production"
STAGE = ("mutation s($e: String!, $i: EnvironmentConfig!) {"
         " environmentStageChanges(environmentId: $e, input: $i, merge: true) { id } }")
DISCARD = ("mutation d($e: String!) {"
           " environmentStageChanges(environmentId: $e, input: {}, merge: false) { id } }")


def one_commit_stack(project, public_reference=False, migrations=None, redis=False):
    database = {"name": "Postgres", "engine": "postgres"}
    api = {"name": "api", "source": {"image": "nginx:1.27"}, "variables": {"DATABASE_URL": ref("Postgres.DATABASE_URL")}}
    if public_reference or migrations:
        database["public"] = True
    if public_reference:
        api["variables"]["REPORTS_DATABASE_URL"] = ref("Postgres.DATABASE_PUBLIC_URL")
    if migrations:
        database["migrations"] = {"path": migrations}
    databases = [database] + ([{"name": "Redis", "engine": "redis"}] if redis else [])
    docs = {"name": "docs", "source": {"image": "nginx:1.27"}}        # a service without variables
    return {"stack": {"project": {"name": project}, "databases": databases, "services": [api, docs]}}


def environment_of(sandbox, project):
    state = SandboxState(sandbox)
    found = state.project(project)
    return state, found, state.environment(found, "production")


def rendered(sandbox_env, sandbox, project, service):
    state, found, environment = environment_of(sandbox, project)
    query = ("query v($p: String!, $e: String!, $s: String) {"
             " variables(projectId: $p, environmentId: $e, serviceId: $s) }")
    return graphql(sandbox_env, query, {"p": found["id"], "e": environment["id"],
                                        "s": state.services(found)[service]["id"]})["variables"]


def latest_status(sandbox, project, service):
    state, found, dummy = environment_of(sandbox, project)
    service_id = state.services(found)[service]["id"]
    deployments = [d for d in state.railway["deployments"].values() if d["serviceId"] == service_id]
    return max(deployments, key=lambda d: d["createdAt"])["status"] if deployments else None


def commits_in(window, sandbox, project):
    return config_commits(window.entries).get(environment_of(sandbox, project)[2]["id"], 0)


def staged_count(sandbox_env, sandbox, project):
    environment_id = environment_of(sandbox, project)[2]["id"]
    query = "query g($e: String!) { environment(id: $e) { unmergedChangesCount } }"
    return graphql(sandbox_env, query, {"e": environment_id})["environment"]["unmergedChangesCount"]


@pytest.fixture(scope="module")
def converged(sandbox, run_playbook, traffic):
    project = unique("one-commit")
    first, first_traffic, dummy, dummy = converge_twice(run_playbook, traffic,
                                                        write_stack(one_commit_stack(project), project))
    return dict(project=project, first=first, commits=commits_in(first_traffic, sandbox, project),
                operations=first_traffic.operation_names())


def test_the_first_converge_commits_databases_and_services_once(converged):
    assert converged["commits"] == 1
    assert converged["operations"].count("environmentPatchCommitStaged") == 1
    assert "environmentPatchCommit" not in converged["operations"]
    assert converged["first"].task(DATABASES_TASK)["staged_by_run"]["patch_id"]


def test_the_service_deploys_with_the_database_reference_resolved(converged, sandbox, sandbox_env):
    assert latest_status(sandbox, converged["project"], "api") == "SUCCESS"
    assert latest_status(sandbox, converged["project"], "Postgres") == "SUCCESS"
    url = rendered(sandbox_env, sandbox, converged["project"], "api")["DATABASE_URL"]
    assert url.startswith("postgresql://") and "${{" not in url


def test_a_public_address_reference_commits_the_databases_first(sandbox, run_playbook, traffic):
    project = unique("two-commits")
    first, first_traffic, dummy, dummy = converge_twice(
        run_playbook, traffic, write_stack(one_commit_stack(project, public_reference=True), project))
    assert first.task(DATABASES_TASK)["staged_by_run"] is None
    assert commits_in(first_traffic, sandbox, project) == 2
    assert "environmentStageChanges" not in first_traffic.operation_names()


def test_a_migration_needs_the_databases_committed_before_it_runs(sandbox, run_playbook, traffic, tmp_path):
    """With migrations run, the databases commit alone first (here the sandbox's Postgres is no server: the
    migration, given no time to wait, fails, after the databases' commit and before any service's write)."""
    (tmp_path / "001_init.sql").write_text("CREATE TABLE t (id INT);\n", encoding="utf-8")
    project = unique("migrate-commit")
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=[write_stack(one_commit_stack(project, migrations=str(tmp_path)), project),
                                             {"run_migrations": True, "postgres_addon_ready_timeout": 0}])
    assert not run.ok
    assert run.task(DATABASES_TASK)["staged_by_run"] is None
    assert commits_in(window, sandbox, project) == 1
    assert "environmentStageChanges" not in window.operation_names() and not run.tasks(SERVICES_TASK)


def test_a_foreign_staged_change_is_refused_before_any_write(converged, sandbox, sandbox_env, run_playbook, traffic):
    project = converged["project"]
    state, found, environment = environment_of(sandbox, project)
    api_id = state.services(found)["api"]["id"]
    graphql(sandbox_env, STAGE, {"e": environment["id"], "i": {"services": {api_id: {"variables": {"FOO": {"value": "1"}}}}}})
    try:
        with traffic.window() as window:
            run = run_playbook(SITE, extra_vars=write_stack(one_commit_stack(project, redis=True), project + "-redis"))
        assert not run.ok
        message = run.task(DATABASES_TASK)["msg"]
        assert message.startswith("staged_changes:") and "services api" in message
        assert window.mutations == [], window.summary()
    finally:
        graphql(sandbox_env, DISCARD, {"e": environment["id"]})


def test_a_run_stopped_between_the_stage_and_the_commit_is_finished_by_the_next(
        sandbox, sandbox_env, run_playbook, traffic, faults):
    project = unique("stopped")
    stack = write_stack(one_commit_stack(project), project)
    faults({"next": [{"kind": "500", "api": "railway", "match": "merge: $merge) { id } }"}]})   # the services' stage
    stopped = run_playbook(SITE, extra_vars=stack)
    assert not stopped.ok and stopped.task(DATABASES_TASK)["staged_by_run"]
    assert staged_count(sandbox_env, sandbox, project) == 2            # the database and its volume
    first, first_traffic, dummy, dummy = converge_twice(run_playbook, traffic, stack)
    assert commits_in(first_traffic, sandbox, project) == 1
    assert first_traffic.operation_names().count("serviceCreate") == 0 and not first.task(DATABASES_TASK)["changed"]
    assert staged_count(sandbox_env, sandbox, project) == 0
    assert latest_status(sandbox, project, "api") == "SUCCESS"


def test_check_mode_of_a_stack_not_made_yet_plans_the_services_and_writes_nothing(run_playbook, traffic):
    project = unique("one-commit-check")
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=write_stack(one_commit_stack(project), project), check=True).assert_ok()
    assert window.mutations == [], window.summary()
    planned = run.task(SERVICES_TASK)
    assert planned["changed"] is True and [s["name"] for s in planned["services"]] == ["api", "docs"]
    assert planned["services"][0]["variables"] == ["DATABASE_URL"]
