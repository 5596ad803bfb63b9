#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: postgres_migrations
short_description: Apply an application's SQL migration files to PostgreSQL once each, and verify the tables they make
version_added: 0.1.0
description:
  - Runs the C(.sql) files of O(path) in name order against a PostgreSQL database, each file once. Each file runs in
    its own transaction together with the row that records it (its name and sha256) in the tracking table O(table),
    so a file either applies whole and is recorded, or not at all.
  - A recorded file is never run again. A recorded file whose content changed fails the task naming it (add a new
    file instead).
  - Then verifies that every table of O(expect_tables) exists (the C(\dt) check of a deployment guide).
  - The database is given by O(url), or by O(railway), a Railway database service whose variable holding the URL
    (C(DATABASE_PUBLIC_URL) by default) is read from Railway in the task, so the password never passes through the play.
  - Check mode connects and reads which files are recorded, and runs nothing.
  - A database that does not accept connections yet (a new one still deploying) is tried again for O(ready_timeout)
    seconds.
  - Runs on the controller as an action plugin; the database must be reachable from the controller (a Railway
    database with public access, or a network path to its private address).
author:
  - railstack.platform developers (@railstack)
requirements:
  - psycopg >= 3.1 (C(pip install 'psycopg[binary]')) on the controller.
options:
  url:
    description:
      - Connection URL, C(postgresql://user:password@host:port/database). Mutually exclusive with O(railway).
    type: str
  railway:
    description:
      - The Railway database service whose variable holds the URL. Mutually exclusive with O(url).
      - The Railway credentials come from these suboptions or from E(RAILWAY_API_TOKEN), E(RAILWAY_TOKEN) and E(RAILWAY_API_URL).
    type: dict
  path:
    description:
      - A directory whose C(.sql) files are the migrations (applied in name order, such as C(001_users.sql), C(002_keys.sql)),
        or one C(.sql) file. Relative to the working directory of C(ansible-playbook).
    type: path
    required: true
  table:
    description:
      - The tracking table, made in O(schema) the first time a file is applied.
    type: str
    default: railstack_schema_migrations
  schema:
    description:
      - The schema of the tracking table and of O(expect_tables).
    type: str
    default: public
  expect_tables:
    description:
      - Tables that must exist in O(schema) once the migrations ran; the task fails naming the missing ones.
    type: list
    elements: str
    default: []
  adopt_existing:
    description:
      - For a database migrated by hand before (C(psql < 001_....sql)) when there is no tracking table yet and every table
        of O(expect_tables) exists, record every file as applied without running it.
    type: bool
    default: false
  connect_timeout:
    description:
      - Seconds to wait for one connection attempt.
    type: int
    default: 10
  ready_timeout:
    description:
      - Seconds to keep trying to connect while the database is not ready. A new Railway database is reachable only
        once its deployment succeeded and its TCP proxy is provisioned; until then its public URL has an empty host
        and port, or leads to nothing that answers.
      - Attempts are 1, 2, 4, 8, then 15 seconds apart; with O(railway), the URL is read from Railway again before each
        one. The task then fails naming the database, the attempts and the last error. V(0) tries once.
    type: int
    default: 300
extends_documentation_fragment:
  - railstack.platform.railway.POSTGRES_MIGRATIONS
  - railstack.platform.attributes
attributes:
  check_mode:
    support: full
    details: Connects and reads; runs no file and creates no table. A database that an earlier task would create reports every file as pending.
  diff_mode:
    support: full
    details: The recorded files before and after.
notes:
  - A file runs in a transaction, so statements that PostgreSQL refuses in one (C(CREATE INDEX CONCURRENTLY), C(VACUUM))
    fail the task; put them in a pre-deploy command of the service instead.
seealso:
  - module: railstack.platform.railway_database
"""

EXAMPLES = r"""
- name: Prela's migrations against the Railway Postgres, through its public URL
  railstack.platform.postgres_migrations:
    railway:
      project: prela-backend
      environment: production
      service: Postgres
    path: backend/migrations
    expect_tables: [api_keys, subscriptions, usage_records, users]

- name: Any PostgreSQL
  railstack.platform.postgres_migrations:
    url: "{{ vault_database_url }}"
    path: db/migrations/
"""

RETURN = r"""
applied:
  description: The files this run applied, in order.
  returned: success
  type: list
  elements: str
pending:
  description: In check mode, the files a run would apply.
  returned: success
  type: list
  elements: str
already_applied:
  description: The files of O(path) that were recorded before this run.
  returned: success
  type: list
  elements: str
adopted:
  description: The files recorded without running them (O(adopt_existing)).
  returned: success
  type: list
  elements: str
tables:
  description: The tables of O(expect_tables) that exist.
  returned: success
  type: list
  elements: str
missing_tables:
  description: The tables of O(expect_tables) that do not exist (only in check mode with files pending; otherwise the task fails).
  returned: success
  type: list
  elements: str
database:
  description: C(host:port/database) the migrations ran against (no user or password).
  returned: when connected
  type: str
connect_attempts:
  description: How many connection attempts it took (more than 1 when the database was not ready yet, see O(ready_timeout)).
  returned: when connected
  type: int
  sample: 1
"""

from ansible_collections.railstack.platform.plugins.module_utils import postgres_migrations as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
