#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_database
short_description: Manage a Postgres, Redis, MySQL or MongoDB database on Railway
version_added: 0.1.0
description:
  - Create a database service in one environment the way Railway's own database templates build it, find it again by
    name on later runs, or delete it.
  - "A template deploy is not idempotent, so the same shape is built directly: C(serviceCreate) (the name only),
    C(volumeCreate) (detached), and one environment configuration patch with the image, the template's start command
    (MongoDB listens on IPv6 and IPv4, MySQL runs without native AIO, binary log and performance schema, Redis keeps its
    data on the volume), C(deploy.requiredMountPath), the standard variables (C(DATABASE_URL), C(PG*), C(REDIS_URL), ...
    with a generated password), the TCP proxy when O(public=true), and the volume: its size (Railway takes it as the
    initial size), its mount at the engine's data path, its backups."
  - "The volume follows the project's Railway plan, as in M(railstack.platform.railway_volume): a size the plan would
    refuse, or a second volume in a project on the Free plan, fails before anything is written, naming the plan."
  - On later runs only what differs is written. An existing database (one made from Railway's template too) keeps its
    password, its image (unless O(version) or O(image) is given) and the values of its standard variables; a missing
    standard variable is added. Nothing is redeployed unless a setting changes.
  - Returns the references other services use, such as C(${{Postgres.DATABASE_URL}}).
author:
  - railstack.platform developers (@railstack)
options:
  state:
    description:
      - V(present) creates or converges the database; V(absent) deletes its service (every environment). Its volume is kept.
    type: str
    choices: [present, absent]
    default: present
  skip_deploys:
    description:
      - Commit the change without deploying the database (stage, then commit with C(skipDeploys)).
    type: bool
    default: false
extends_documentation_fragment:
  - railstack.platform.railway_database
  - railstack.platform.railway
  - railstack.platform.railway.CONFIG
  - railstack.platform.railway.ENVIRONMENT
  - railstack.platform.attributes
  - railstack.platform.attributes.RAILWAY_GROUP
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The password is generated on the controller (32 letters, as Railway's templates do) and never returned or shown.
seealso:
  - module: railstack.platform.railway_variables
  - module: railstack.platform.railway_volume
"""

EXAMPLES = r"""
- name: Postgres with public access for migrations from CI
  railstack.platform.railway_database:
    project: prela
    environment: production
    engine: postgres
    public: true
    size_mb: 10000
    backup_schedules: [DAILY]
  register: postgres

- name: Redis as a cache
  railstack.platform.railway_database:
    project: prela
    environment: production
    engine: redis
    redis_maxmemory: 256mb
    redis_maxmemory_policy: allkeys-lru

- name: The API uses them
  railstack.platform.railway_variables:
    project: prela
    environment: production
    service: api
    variables:
      DATABASE_URL: "{{ postgres.url_reference }}"
      REDIS_URL: !unsafe '${{Redis.REDIS_URL}}'
"""

RETURN = r"""
engine:
  description: The engine.
  returned: always
  type: str
service:
  description: The database's service and its settings in the environment (as M(railstack.platform.railway_service) returns it).
  returned: always
  type: dict
volume:
  description: The database's volume (as M(railstack.platform.railway_volume) returns it).
  returned: always
  type: dict
variables:
  description: Names of the variables other services reference (the public URL's with public access).
  returned: always
  type: list
  elements: str
  sample: [DATABASE_URL, PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, DATABASE_PUBLIC_URL]
references:
  description: Those variables' references, C(NAME -> ${{<name>.NAME}}), password variables left out (results mask them).
  returned: always
  type: dict
url_reference:
  description: Reference to the private connection URL, such as C(${{Postgres.DATABASE_URL}}).
  returned: success
  type: str
public_url_reference:
  description: Reference to the public connection URL (C(${{Postgres.DATABASE_PUBLIC_URL}})); null without public access.
  returned: success
  type: str
staged:
  description: Whether the change went through staged changes.
  returned: success
  type: bool
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_database as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
