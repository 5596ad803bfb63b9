# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""postgres_migrations: an application's SQL migration files, applied once each, then the expected tables verified.

The database is given by URL, or as a Railway database service whose (rendered) variable holds the
URL, read from Railway in the task so that the password never passes through the play. Each file
runs in its own transaction together with the row that records it (name and sha256) in a tracking
table; a file already recorded is never run again, and one whose content changed since fails the
task. Check mode connects and reads, and runs nothing.

A new database is not reachable at once: Railway deploys it and provisions its TCP proxy first
(until then DATABASE_PUBLIC_URL has an empty host and port, or leads to nothing that answers).
The connection is retried with back-off for `ready_timeout` seconds, reading the URL from Railway
again after each failure, and the task fails naming the database and the last error.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from urllib.parse import urlsplit

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.railway import (
    RailwayClient,
    railway_argument_spec,
    resolve_instance,
)

try:
    import psycopg
    from psycopg import sql as pg_sql

    HAS_PSYCOPG = True
except ImportError:  # optional: only this module needs it
    psycopg = None
    pg_sql = None
    HAS_PSYCOPG = False

ARGUMENT_SPEC = dict(
    url=dict(type="str", no_log=True),
    railway=dict(
        type="dict",
        options=dict(
            railway_argument_spec(),
            project=dict(type="str", required=True),
            workspace_id=dict(type="str"),
            environment=dict(type="str", required=True),
            service=dict(type="str", default="Postgres"),
            variable=dict(type="str", default="DATABASE_PUBLIC_URL"),
        ),
    ),
    path=dict(type="path", required=True),
    table=dict(type="str", default="railstack_schema_migrations"),
    schema=dict(type="str", default="public"),
    expect_tables=dict(type="list", elements="str", default=[]),
    adopt_existing=dict(type="bool", default=False),
    connect_timeout=dict(type="int", default=10),
    ready_timeout=dict(type="int", default=300),
)
MODULE_KWARGS = dict(mutually_exclusive=[("url", "railway")], required_one_of=[("url", "railway")])

# Back-off between two connection attempts while the database is not ready: 1, 2, 4, 8, 15, 15, ... seconds.
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 15.0
# Tests replace these to run the retries without sleeping.
SLEEP = time.sleep
CLOCK = time.monotonic
IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
VARIABLES_QUERY = (
    "query migrationUrl($projectId: String!, $environmentId: String!, $serviceId: String) {"
    " variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) }"
)


class Migration:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        with open(path, "rb") as handle:
            self.data = handle.read()
        self.checksum = hashlib.sha256(self.data).hexdigest()

    @property
    def text(self):
        return self.data.decode("utf-8")


def migration_files(path):
    """The .sql files of a directory in name order, or one file."""
    if os.path.isfile(path):
        return [Migration(path)]
    if not os.path.isdir(path):
        raise TaskFailed("path: %s is neither a directory of .sql files nor a file." % path)
    names = sorted(n for n in os.listdir(path) if n.endswith(".sql") and os.path.isfile(os.path.join(path, n)))
    if not names:
        raise TaskFailed("path: %s has no .sql file." % path)
    return [Migration(os.path.join(path, n)) for n in names]


def _check(params):
    for option in ("table", "schema"):
        if not IDENTIFIER_RE.match(params[option]):
            raise TaskFailed("%s: %r is not a plain SQL identifier (letters, digits, _)." % (option, params[option]))
    for index, name in enumerate(params["expect_tables"]):
        if not IDENTIFIER_RE.match(name):
            raise TaskFailed("expect_tables[%d]: %r is not a plain SQL identifier." % (index, name))
    if params["url"] is not None and urlsplit(params["url"]).scheme not in ("postgres", "postgresql"):
        raise TaskFailed("url: a postgresql:// URL.")
    if params["ready_timeout"] < 0:
        raise TaskFailed("ready_timeout: must not be negative (0 tries once).")


def railway_url(ctx, target):
    """The rendered value of the database service's URL variable; None in check mode before it exists."""
    client = ctx.register_client(RailwayClient(target))
    project, environment, service = resolve_instance(client, target, required=not ctx.check_mode)
    if project is None or environment is None or service is None:
        return None
    found = (
        client.query(
            VARIABLES_QUERY, dict(projectId=project["id"], environmentId=environment["id"], serviceId=service["id"])
        )["variables"]
        or {}
    )
    url = found.get(target["variable"])
    if not url:
        if ctx.check_mode:
            return None
        hint = (
            " (a database gets its public URL with public access: railway_database public=true)"
            if "PUBLIC" in target["variable"]
            else ""
        )
        raise TaskFailed(
            "railway.variable: service %s has no variable %s in %s%s; it has: %s."
            % (service["name"], target["variable"], environment["name"], hint, ", ".join(sorted(found)) or "none")
        )
    return url


def _secret_parts(ctx, url):
    ctx.redactor.add(url)
    parts = urlsplit(url)
    if parts.password:
        ctx.redactor.add(parts.password)
    return parts


def _where(parts):
    return "%s:%s/%s" % (parts.hostname or "", parts.port or "", parts.path.lstrip("/"))


def _not_provisioned(parts):
    """Why the URL cannot lead anywhere yet (Railway renders an empty host and port until the proxy exists), or None."""
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None and re.search(r"@[^/]*:(/|$)", parts.geturl()):
        return "the URL has no host or port yet (Railway is still provisioning the database's TCP proxy)"
    return None


def open_database(ctx, params, url, read_url_again):
    """A Database, once it accepts connections: tried again with back-off for ready_timeout seconds.

    read_url_again() gives the URL anew (from Railway) after a failure, or None to keep the one given."""
    option = "url" if params["url"] else "railway"
    deadline = CLOCK() + params["ready_timeout"]
    delay, attempts = FIRST_RETRY_SECONDS, 0
    while True:
        attempts += 1
        parts = _secret_parts(ctx, url)
        problem = _not_provisioned(parts)
        if problem is None:
            try:
                conn = psycopg.connect(url, connect_timeout=params["connect_timeout"], autocommit=False)
                return Database(ctx, conn, _where(parts), params, attempts)
            except psycopg.Error as exc:
                problem = ctx.scrub(str(exc).strip())
        if CLOCK() + delay > deadline:
            raise TaskFailed(
                "%s: cannot connect to PostgreSQL at %s%s: %s"
                % (option, _where(parts), _tried(params["ready_timeout"], attempts), problem)
            )
        SLEEP(delay)
        delay = min(delay * 2, MAX_RETRY_SECONDS)
        url = read_url_again() or url


def _tried(ready_timeout, attempts):
    if attempts == 1:
        return ""
    return " (%d attempts in %ds; ready_timeout is %ds: a new database can need more)" % (
        attempts,
        ready_timeout,
        ready_timeout,
    )


class Database:
    def __init__(self, ctx, conn, where, params, attempts=1):
        self.ctx = ctx
        self.params = params
        self.conn = conn
        self.where = where
        self.attempts = attempts

    def close(self):
        self.conn.close()

    def _table(self):
        return pg_sql.Identifier(self.params["schema"], self.params["table"])

    def tracking_exists(self):
        with self.conn.cursor() as cur:
            cur.execute("SELECT to_regclass(%s)", ("%s.%s" % (self.params["schema"], self.params["table"]),))
            found = cur.fetchone()[0] is not None
        self.conn.rollback()
        return found

    def applied(self):
        """{file name: checksum} recorded in the tracking table ({} when there is none)."""
        if not self.tracking_exists():
            return {}
        with self.conn.cursor() as cur:
            cur.execute(pg_sql.SQL("SELECT name, checksum FROM {}").format(self._table()))
            rows = dict(cur.fetchall())
        self.conn.rollback()
        return rows

    def tables(self):
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (self.params["schema"],)
            )
            rows = sorted(r[0] for r in cur.fetchall())
        self.conn.rollback()
        return rows

    def create_tracking(self):
        with self.conn.cursor() as cur:
            cur.execute(
                pg_sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL,"
                    " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                ).format(self._table())
            )
        self.conn.commit()

    def record(self, cur, migration):
        cur.execute(
            pg_sql.SQL("INSERT INTO {} (name, checksum) VALUES (%s, %s)").format(self._table()),
            (migration.name, migration.checksum),
        )

    def apply(self, migration):
        try:
            with self.conn.cursor() as cur:
                cur.execute(migration.text)
                self.record(cur, migration)
            self.conn.commit()
        except psycopg.Error as exc:
            self.conn.rollback()
            raise TaskFailed(
                "path: %s failed and was rolled back (nothing of it applied): %s"
                % (migration.name, self.ctx.scrub(str(exc).strip()))
            )

    def adopt(self, migrations):
        with self.conn.cursor() as cur:
            for migration in migrations:
                self.record(cur, migration)
        self.conn.commit()


def _refuse_changed(migrations, recorded):
    """An applied migration whose file changed since fails the task: it is never run again."""
    for migration in migrations:
        if migration.name in recorded and recorded[migration.name] != migration.checksum:
            raise TaskFailed(
                "path: %s changed since it was applied (sha256 %s then, %s now); an applied migration is "
                "never run again: add a new file instead."
                % (migration.name, recorded[migration.name][:12], migration.checksum[:12])
            )


def _pending_and_adopted(params, migrations, recorded, present):
    """(the migrations to run, those to record without running): a schema that already has every expected table
    and no tracking table adopts them (applied by hand before, with psql) when adopt_existing is on."""
    pending = [m for m in migrations if m.name not in recorded]
    if (
        pending
        and params["adopt_existing"]
        and not recorded
        and params["expect_tables"]
        and set(params["expect_tables"]) <= set(present)
    ):
        return [], pending
    return pending, []


def _migrate(database, pending, adopted):
    """Record the adopted migrations and run the pending ones, in order; the names of those run."""
    applied = []
    if pending or adopted:
        database.create_tracking()
    if adopted:
        database.adopt(adopted)
    for migration in pending:
        database.apply(migration)
        applied.append(migration.name)
    return applied


def _missing_tables(ctx, params, present, pending, applied):
    """The expected tables the schema lacks; a failure when it lacks them after the migrations (not in check mode
    with migrations still to run, which would make them)."""
    missing = [t for t in params["expect_tables"] if t not in present]
    if missing and not (ctx.check_mode and pending):
        raise TaskFailed(
            "expect_tables: %s missing in schema %s after the migrations%s; the schema has: %s."
            % (
                ", ".join(missing),
                params["schema"],
                " (%s applied now)" % ", ".join(applied) if applied else "",
                ", ".join(t for t in present if t != params["table"]) or "no table",
            )
        )
    return missing


def run(ctx):
    params = ctx.params
    _check(params)
    migrations = migration_files(params["path"])
    if not HAS_PSYCOPG:
        ctx.fail(
            "psycopg (version 3) is needed on the controller for postgres_migrations: pip install 'psycopg[binary]'."
        )
    url = params["url"] if params["url"] else railway_url(ctx, params["railway"])
    names = [m.name for m in migrations]
    if url is None:  # check mode, and the database is made earlier in the same run
        ctx.warn("The database does not exist yet: every migration would be applied.")
        return ctx.result(
            changed=True,
            applied=[],
            pending=names,
            already_applied=[],
            adopted=[],
            tables=[],
            missing_tables=list(params["expect_tables"]),
            diff=(dict(applied=[]), dict(applied=names)),
        )
    database = open_database(ctx, params, url, lambda: None if params["url"] else railway_url(ctx, params["railway"]))
    try:
        recorded = database.applied()
        _refuse_changed(migrations, recorded)
        present = database.tables()
        pending, adopted = _pending_and_adopted(params, migrations, recorded, present)
        applied = [] if ctx.check_mode else _migrate(database, pending, adopted)
        present = database.tables() if applied else present
        missing = _missing_tables(ctx, params, present, pending, applied)
    finally:
        database.close()
    before = sorted(recorded)
    after = sorted(set(recorded) | {m.name for m in pending} | {m.name for m in adopted})
    return ctx.result(
        changed=bool(pending or adopted),
        applied=applied,
        pending=[m.name for m in pending] if ctx.check_mode else [],
        already_applied=[n for n in names if n in recorded],
        adopted=[m.name for m in adopted],
        tables=[t for t in params["expect_tables"] if t in present],
        missing_tables=missing,
        database=database.where,
        connect_attempts=database.attempts,
        diff=(dict(applied=before), dict(applied=after)),
    )
