# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A throwaway PostgreSQL server for tests: its own cluster (initdb) on a free loopback port.

    with PostgresServer() as pg:          # skips the test when no PostgreSQL server binaries exist
        pg.url("railway")                 # postgresql://postgres@127.0.0.1:PORT/railway
        pg.query("railway", "SELECT 1")

The cluster trusts local connections (any password is accepted), as the sandbox's Railway Postgres
generates its own password. PostgreSQL refuses to run as root: as root, the cluster runs as the
`postgres` user that Debian's `postgresql` package creates (.ci/run installs it).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

import pytest


def server_bin_dir():
    """The newest /usr/lib/postgresql/<v>/bin with initdb and pg_ctl, or the directory of `initdb` on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    pg_ctl = shutil.which("pg_ctl")
    return os.path.dirname(pg_ctl) if pg_ctl else None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    def __init__(self, databases=("railway",)):
        self.bindir = server_bin_dir()
        self.databases = databases
        self.port = None
        self.base = None
        self.user = None

    def _as_user(self, args):
        if os.geteuid() == 0:
            return ["runuser", "-u", self.user, "--", *args]
        return list(args)

    def _run(self, *args):
        proc = subprocess.run(self._as_user(args), capture_output=True, text=True, check=False, cwd=self.base)
        if proc.returncode != 0:
            raise RuntimeError("%s failed (%d): %s %s" % (args[0], proc.returncode, proc.stdout, proc.stderr))
        return proc.stdout

    def start(self):
        if not self.bindir:
            pytest.skip("no PostgreSQL server binaries (apt-get install postgresql)")
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and there is no postgres user to run PostgreSQL as")
            self.user = "postgres"
        self.base = tempfile.mkdtemp(prefix="railstack-pg-")
        os.chmod(self.base, 0o755)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        self.data = os.path.join(self.base, "data")
        self.port = free_port()
        self._run(os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--no-sync", "-N")
        options = "-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off" % (self.port, self.base)
        self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-o", options, "-l",
                  os.path.join(self.base, "server.log"), "-w", "-t", "60", "start")
        for database in self.databases:
            self._run(os.path.join(self.bindir, "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                      database)
        return self

    def stop(self):
        if self.base and os.path.exists(os.path.join(self.data, "postmaster.pid")):
            try:
                self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop")
            except RuntimeError:
                pass
        if self.base:
            shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def url(self, database="railway", password=None):
        auth = "postgres" + (":" + password if password else "")
        return "postgresql://%s@127.0.0.1:%d/%s" % (auth, self.port, database)

    def query(self, database, statement, params=None, fetch=True):
        import psycopg      # pylint: disable=import-outside-toplevel
        deadline = time.time() + 10
        while True:
            try:
                with psycopg.connect(self.url(database), autocommit=True) as conn:
                    cursor = conn.execute(statement, params)
                    return cursor.fetchall() if fetch else None
            except psycopg.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)

    def execute(self, database, script):
        """Run SQL statements (a migration file, as psql would)."""
        self.query(database, script, fetch=False)

    def createdb(self, name):
        self._run(os.path.join(self.bindir, "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def tables(self, database="railway", schema="public"):
        return sorted(r[0] for r in self.query(
            database, "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)))
