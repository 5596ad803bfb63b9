# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""postgres_migrations without a database: which files, in which order, and what fails before connecting.

What the module does to a database is tested against a real PostgreSQL server in
tests/integration/test_site_migrations.py.
"""
from __future__ import annotations

import hashlib

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import postgres_migrations
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, TaskFailed, execute


def params(path, **overrides):
    values = dict(url="postgresql://postgres:pw-0815-secret@127.0.0.1:9/railway", railway=None, path=str(path),
                  table="railstack_schema_migrations", schema="public", expect_tables=[], adopt_existing=False,
                  connect_timeout=1, ready_timeout=0)
    values.update(overrides)
    return values


def run(p, check_mode=False):
    return execute(postgres_migrations, TaskContext(p, check_mode=check_mode, diff=True,
                                                    no_log_values={p["url"]} if p.get("url") else ()))


def test_files_run_in_name_order_and_carry_their_checksum(tmp_path):
    for name in ("010_c.sql", "002_b.sql", "001_a.sql", "notes.txt"):
        (tmp_path / name).write_text("-- %s\n" % name, encoding="utf-8")
    files = postgres_migrations.migration_files(str(tmp_path))
    assert [m.name for m in files] == ["001_a.sql", "002_b.sql", "010_c.sql"]
    assert files[0].checksum == hashlib.sha256(b"-- 001_a.sql\n").hexdigest()


def test_one_file_is_a_migration_too(tmp_path):
    path = tmp_path / "001_only.sql"
    path.write_text("SELECT 1;\n", encoding="utf-8")
    assert [m.name for m in postgres_migrations.migration_files(str(path))] == ["001_only.sql"]


def test_a_directory_without_sql_fails_naming_path(tmp_path):
    result = run(params(tmp_path))
    assert result["failed"] and result["msg"] == "path: %s has no .sql file." % tmp_path
    with pytest.raises(TaskFailed, match="^path: .* is neither a directory"):
        postgres_migrations.migration_files(str(tmp_path / "missing"))


@pytest.mark.parametrize("option, value", [("table", "schema_migrations; DROP TABLE users"), ("schema", "pub lic"),
                                           ("expect_tables", ["users", "x y"])])
def test_identifiers_are_checked_before_connecting(tmp_path, option, value):
    (tmp_path / "001.sql").write_text("SELECT 1;", encoding="utf-8")
    result = run(params(tmp_path, **{option: value}))
    assert result["failed"] and result["msg"].startswith(option)


def test_a_url_that_is_not_postgres_fails(tmp_path):
    (tmp_path / "001.sql").write_text("SELECT 1;", encoding="utf-8")
    result = run(params(tmp_path, url="mysql://root@localhost/db"))
    assert result["failed"] and result["msg"] == "url: a postgresql:// URL."


def test_a_connection_failure_names_the_place_and_hides_the_password(tmp_path):
    (tmp_path / "001.sql").write_text("SELECT 1;", encoding="utf-8")
    result = run(params(tmp_path))
    assert result["failed"]
    assert result["msg"].startswith("url: cannot connect to PostgreSQL at 127.0.0.1:9/railway")
    assert "pw-0815-secret" not in repr(result)


@pytest.fixture
def clock(monkeypatch):
    now = dict(t=0.0, slept=[])

    def sleep(seconds):
        now["slept"].append(seconds)
        now["t"] += seconds
    monkeypatch.setattr(postgres_migrations, "CLOCK", lambda: now["t"])
    monkeypatch.setattr(postgres_migrations, "SLEEP", sleep)
    return now


class Refused(postgres_migrations.psycopg.OperationalError):
    pass


def test_a_database_not_ready_yet_is_tried_again_with_back_off(tmp_path, clock, monkeypatch):
    (tmp_path / "001.sql").write_text("SELECT 1;", encoding="utf-8")
    tries = []

    def connect(url, **kwargs):
        tries.append(url)
        raise Refused("connection refused")
    monkeypatch.setattr(postgres_migrations.psycopg, "connect", connect)
    result = run(params(tmp_path, ready_timeout=30))
    assert result["failed"] and len(tries) == 6 and clock["slept"] == [1.0, 2.0, 4.0, 8.0, 15.0]
    msg = result["msg"]
    assert msg.startswith("url: cannot connect to PostgreSQL at 127.0.0.1:9/railway (6 attempts in 30s; ready_timeout")
    assert "connection refused" in msg and "pw-0815-secret" not in repr(result)


def test_the_railway_url_is_read_again_until_it_has_a_host_and_the_database_answers(tmp_path, clock, monkeypatch):
    (tmp_path / "001.sql").write_text("SELECT 1;", encoding="utf-8")
    urls = ["postgresql://postgres:pw-0815-secret@:/railway",                   # proxy not provisioned
            "postgresql://postgres:pw-0815-secret@127.0.0.1:40001/railway",     # provisioned, database starting
            "postgresql://postgres:pw-0815-secret@127.0.0.1:5432/railway"]      # ready
    reads, tries = [], []

    def railway_url(ctx, target):
        reads.append(target)
        return urls[len(reads) - 1]

    def connect(url, **kwargs):
        tries.append(url)
        if url != urls[2]:
            raise Refused("connection refused")
        raise RuntimeError("connected")           # stop here: what happens next needs a real server
    monkeypatch.setattr(postgres_migrations, "railway_url", railway_url)
    monkeypatch.setattr(postgres_migrations.psycopg, "connect", connect)
    with pytest.raises(RuntimeError, match="connected"):
        run(params(tmp_path, url=None, railway=dict(project="p", environment="production"), ready_timeout=60))
    assert len(reads) == 3 and tries == urls[1:] and clock["slept"] == [1.0, 2.0]


def test_ready_timeout_must_not_be_negative(tmp_path):
    (tmp_path / "001.sql").write_text("SELECT 1;", encoding="utf-8")
    result = run(params(tmp_path, ready_timeout=-1))
    assert result["failed"] and result["msg"].startswith("ready_timeout:")
