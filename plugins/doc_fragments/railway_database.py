# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.plugin_utils.doc_sections import suboptions


class ModuleDocFragment:
    # The options of one Railway database: railway_database's own but state and the task's options. Keep in sync with
    # DATABASE_OPTIONS in plugins/module_utils/railway_database_plans.py (tests/unit/plugins/test_module_docs.py
    # compares them).
    DOCUMENTATION = r"""
options:
  engine:
    description:
      - The database.
    type: str
    required: true
    choices: [postgres, redis, mysql, mongo]
  name:
    description:
      - Name of the service (references are C(${{<name>.VARIABLE}})). Default C(Postgres), C(Redis), C(MySQL) or C(MongoDB),
        as Railway's templates name them.
    type: str
  version:
    description:
      - Image tag of the engine's image (Railway's template images; C(ghcr.io/railwayapp-templates/postgres-ssl) for
        Postgres, C(redis), C(mysql), C(mongo)). Default C(18), C(8.2.1), C(9.4), C(8). Given on an existing database, it
        changes the image (an upgrade; Postgres data of another major version is not migrated).
    type: str
  image:
    description:
      - A whole image reference instead of the engine's image and O(version).
    type: str
  public:
    description:
      - V(true) adds a TCP proxy on the engine's port and the public URL variable (C(DATABASE_PUBLIC_URL), C(REDIS_PUBLIC_URL), ...);
        V(false) removes both. Not given, an existing database keeps what it has and a new one gets no public access.
    type: bool
  size_mb:
    description:
      - Size of the volume in MB. Grow only; a smaller size than the current one fails naming this option.
      - For a new database, at least the plan's first size (Hobby 5000, Pro 50000); on Free and Trial only 500. Left out, the
        volume gets the plan's first size.
    type: int
  backup_schedules:
    description:
      - Backup schedules of the volume.
    type: list
    elements: str
    choices: [DAILY, WEEKLY, MONTHLY]
  region:
    description:
      - Region of a new volume.
    type: str
  redis_maxmemory:
    description:
      - Redis C(--maxmemory), such as V(256mb). O(engine=redis) only. Changes the start command.
    type: str
  redis_maxmemory_policy:
    description:
      - Redis C(--maxmemory-policy). O(engine=redis) only. Changes the start command.
    type: str
    choices: [noeviction, allkeys-lru, allkeys-lfu, allkeys-random, volatile-lru, volatile-lfu, volatile-random, volatile-ttl]
"""

    # What an item of railway_databases takes besides: the rest of a database record of stack_check's plan.
    ITEM_RECORD = r"""
options:
  migrations:
    description:
      - Not used by this module (M(railstack.platform.postgres_migrations) runs them); accepted so that the database
        records of M(railstack.platform.stack_check)'s plan can be passed whole.
    type: dict
  staged_changes:
    description:
      - Accepted for the records of M(railstack.platform.stack_check)'s plan; the databases are written in one commit,
        so it must be the task's O(railstack.platform.railway_databases#module:staged_changes) when given.
    type: str
    choices: [refuse, stage, commit]
"""


# Derived, not written again (ansible-test's yamllint reads only literal class attributes; this is built from them):
# railway_databases documents O(databases) itself (description, type) and takes its suboptions from ITEMS, since
# Ansible merges a fragment's option into the module's option of the same name key by key.
ModuleDocFragment.ITEMS = suboptions(
    "databases", ModuleDocFragment.DOCUMENTATION, ModuleDocFragment.ITEM_RECORD, elements=True
)
