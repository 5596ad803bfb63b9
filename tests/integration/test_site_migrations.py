# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 2 of the Prela guide: the SQL migrations, run against a REAL PostgreSQL server.

The test starts its own PostgreSQL cluster on a free loopback port (postgres_server.py), converges
examples/prela.yml, and points the sandbox's Postgres TCP proxy at that server (control API
/_sandbox/railway/tcp-proxy): DATABASE_PUBLIC_URL, which postgres_migrations reads from Railway, then
leads to it. What the migrations made is read back from PostgreSQL itself, not from the module.
"""
from __future__ import annotations

import shutil

import pytest

from .helpers.sandbox import OUTPUT, REPO_ROOT
from .postgres_server import PostgresServer
from .site_helpers import SITE, SandboxState, check_recording

PRELA = "@examples/prela.yml"
MIGRATE = {"run_migrations": True}
TASK = "railstack.platform.postgres_addon : Migrations, in production"   # looped over the databases with migrations
TABLES = ["api_keys", "subscriptions", "usage_records", "users"]


@pytest.fixture(scope="module")
def postgres():
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="module")
def recording(traffic):
    start = traffic.mark()
    yield lambda: traffic.since(start).entries


@pytest.fixture(scope="module")
def migrations_dir():
    path = OUTPUT / "integration" / "prela-migrations"
    shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(REPO_ROOT / "examples" / "prela" / "migrations", path)
    return path


def test_the_first_run_makes_the_database_and_migrates_it_once_it_is_ready(sandbox, run_playbook, migrations_dir,
                                                                           recording):
    """One run from nothing: the database deploys and gets its TCP proxy while the migrations wait for it.

    The sandbox's Postgres proxy is pointed at a real server before the service exists; it leads there
    only once the proxy is provisioned (realism tcp_proxy_seconds) and the deployment succeeded
    (database_ready); until then the public URL has no host and port, then a port that refuses."""
    with PostgresServer() as fresh:
        sandbox.client.reset()
        sandbox.client.request("POST", "/_sandbox/railway/tcp-proxy", dict(name="Postgres", projectName="prela-backend",
                                                                           pending=True, host="127.0.0.1", port=fresh.port))
        env = dict(PRELA_MIGRATIONS_DIR=str(migrations_dir))
        run = run_playbook(SITE, extra_vars=[PRELA, MIGRATE], env=env).assert_ok()
        result = run.items(TASK)[-1]
        assert result["applied"] == ["001_create_users_and_subscriptions.sql"] and result["tables"] == TABLES
        assert result["connect_attempts"] > 1                 # it was not reachable at once
        assert fresh.tables() == sorted(TABLES + ["railstack_schema_migrations"])


def test_without_waiting_a_new_database_is_not_reachable(sandbox, run_playbook, migrations_dir):
    """ready_timeout 0 (one attempt) right after the database is made fails, naming why."""
    sandbox.client.reset()
    sandbox.client.request("POST", "/_sandbox/railway/tcp-proxy", dict(name="Postgres", projectName="prela-backend",
                                                                       pending=True, host="127.0.0.1", port=9))
    run = run_playbook(SITE, extra_vars=[PRELA, MIGRATE, {"postgres_addon_ready_timeout": 0}],
                       env=dict(PRELA_MIGRATIONS_DIR=str(migrations_dir)))
    assert not run.ok
    msg = run.items(TASK)[-1]["msg"]
    assert msg.startswith("railway: cannot connect to PostgreSQL at")
    assert "no host or port yet" in msg or "refused" in msg, msg


@pytest.fixture(scope="module")
def stack(sandbox, run_playbook, postgres, recording, migrations_dir):
    """Prela converged without migrations (the sandbox default), then its Postgres proxy pointed at the real server."""
    sandbox.client.reset()
    run = run_playbook(SITE, extra_vars=PRELA).assert_ok()
    assert run.tasks(TASK)[-1]["status"] == "skipped"         # against a sandbox, not unless asked
    project = SandboxState(sandbox).project("prela-backend")
    sandbox.client.request("POST", "/_sandbox/railway/tcp-proxy",
                           dict(name="Postgres", projectId=project["id"], host="127.0.0.1", port=postgres.port))
    return dict(env=dict(PRELA_MIGRATIONS_DIR=str(migrations_dir)), dir=migrations_dir)


def test_check_mode_plans_the_migration_and_runs_nothing(stack, postgres, run_playbook, traffic):
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=[PRELA, MIGRATE], env=stack["env"], check=True, diff=True).assert_ok()
    assert window.mutations == []
    result = run.items(TASK)[-1]
    assert result["changed"] is True and result["pending"] == ["001_create_users_and_subscriptions.sql"]
    assert run.changed == [TASK]
    assert postgres.tables() == []                 # nothing ran, not even the tracking table


def test_the_migration_runs_once_and_the_tables_exist(stack, postgres, run_playbook, traffic, sandbox):
    run = run_playbook(SITE, extra_vars=[PRELA, MIGRATE], env=stack["env"], verbosity=3).assert_ok()
    result = run.items(TASK)[-1]
    assert result["changed"] is True and result["applied"] == ["001_create_users_and_subscriptions.sql"]
    assert result["tables"] == TABLES
    assert postgres.tables() == sorted(TABLES + ["railstack_schema_migrations"])
    assert postgres.query("railway", "SELECT name FROM railstack_schema_migrations") == [("001_create_users_and_subscriptions.sql",)]
    # the database URL came from Railway and stayed there
    state = SandboxState(sandbox)
    password = state.variables(state.project("prela-backend"), "production", "Postgres")["POSTGRES_PASSWORD"]
    assert password not in run.stdout + run.stderr
    with traffic.window() as window:
        again = run_playbook(SITE, extra_vars=[PRELA, MIGRATE], env=stack["env"]).assert_ok()
    assert again.changed == [] and window.mutations == []
    assert again.items(TASK)[-1]["already_applied"] == ["001_create_users_and_subscriptions.sql"]


def test_a_new_file_runs_alone(stack, postgres, run_playbook):
    (stack["dir"] / "002_add_teams.sql").write_text("CREATE TABLE teams (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL);\n",
                                                    encoding="utf-8")
    run = run_playbook(SITE, extra_vars=[PRELA, MIGRATE], env=stack["env"]).assert_ok()
    assert run.items(TASK)[-1]["applied"] == ["002_add_teams.sql"]
    assert "teams" in postgres.tables()


def test_a_failing_file_is_rolled_back_whole_and_not_recorded(stack, postgres, run_playbook):
    (stack["dir"] / "003_broken.sql").write_text("CREATE TABLE half_made (id INT);\nCREATE TABL oops (id INT);\n",
                                                 encoding="utf-8")
    try:
        run = run_playbook(SITE, extra_vars=[PRELA, MIGRATE], env=stack["env"])
        assert not run.ok
        msg = run.items(TASK)[-1]["msg"]
        assert msg.startswith("path: 003_broken.sql failed and was rolled back") and "syntax error" in msg
        assert "half_made" not in postgres.tables()
        names = [r[0] for r in postgres.query("railway", "SELECT name FROM railstack_schema_migrations ORDER BY name")]
        assert names == ["001_create_users_and_subscriptions.sql", "002_add_teams.sql"]
    finally:
        (stack["dir"] / "003_broken.sql").unlink()


def test_an_applied_file_that_changed_fails_naming_it(stack, postgres, run_playbook, traffic):
    first = stack["dir"] / "001_create_users_and_subscriptions.sql"
    original = first.read_text(encoding="utf-8")
    first.write_text(original + "\n-- edited after it ran\n", encoding="utf-8")
    try:
        with traffic.window() as window:
            run = run_playbook(SITE, extra_vars=[PRELA, MIGRATE], env=stack["env"], check=True)
        assert not run.ok and window.mutations == []
        assert run.items(TASK)[-1]["msg"].startswith("path: 001_create_users_and_subscriptions.sql changed since it was applied")
    finally:
        first.write_text(original, encoding="utf-8")


def test_a_missing_expected_table_fails_naming_it(stack, postgres, run_playbook):
    play = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Expect a table the migrations do not make
      railstack.platform.postgres_migrations:
        railway: {project: prela-backend, environment: production}
        path: %s
        expect_tables: [users, invoices]
""" % stack["dir"]
    run = run_playbook(play)
    assert not run.ok
    msg = run.task("Expect a table the migrations do not make")["msg"]
    assert msg.startswith("expect_tables: invoices missing in schema public") and "users" in msg


def test_a_database_migrated_by_hand_is_adopted(postgres, run_playbook, migrations_dir):
    postgres.createdb("byhand")
    sql = (migrations_dir / "001_create_users_and_subscriptions.sql").read_text(encoding="utf-8")
    postgres.execute("byhand", sql)                # psql "$DATABASE_URL" < migrations/001_....sql, as in the guide
    play = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Adopt
      railstack.platform.postgres_migrations:
        url: "{url}"
        path: {path}
        expect_tables: [api_keys, subscriptions, usage_records, users]
        adopt_existing: true
""".format(url=postgres.url("byhand", password="not-checked-0815"), path=migrations_dir / "001_create_users_and_subscriptions.sql")
    run = run_playbook(play).assert_ok()
    assert run.task("Adopt")["adopted"] == ["001_create_users_and_subscriptions.sql"]
    assert "not-checked-0815" not in run.stdout
    assert run_playbook(play).assert_ok().changed == []


def test_an_unreachable_database_fails_naming_it(run_playbook):
    play = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Nowhere
      railstack.platform.postgres_migrations:
        url: postgresql://postgres:pw-secret-4711@127.0.0.1:9/railway
        path: examples/prela/migrations
        connect_timeout: 3
        ready_timeout: 0
"""
    run = run_playbook(play)
    assert not run.ok
    msg = run.task("Nowhere")["msg"]
    assert msg.startswith("url: cannot connect to PostgreSQL at 127.0.0.1:9/railway")
    assert "pw-secret-4711" not in run.stdout


def test_the_recording_passes_the_contracts(stack, recording):
    check_recording(recording(), "migrations")
