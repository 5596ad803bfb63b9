#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_databases
short_description: Manage many Postgres, Redis, MySQL or MongoDB databases of one Railway environment at once
version_added: 0.1.0
description:
  - Create or converge the databases of one environment, each built as M(railstack.platform.railway_database) builds
    one, in one read of the environment and one configuration write for all of them (plus one C(serviceCreate) and one
    C(volumeCreate) per missing database).
  - A run that changes nothing costs one or two read requests whatever the number of databases (one when O(project)
    and O(environment) are ids).
  - "Every item is checked before anything is written: its options, the image of a service of the same name, and its
    volume against the project's Railway plan (a size the plan would refuse, or more volumes than a project on the Free
    plan may have, counting the new volumes of the list one after another)."
  - An existing database keeps its password, its image (unless C(version) or C(image) is given) and the values of its
    standard variables. Nothing is redeployed unless a setting changes; only the databases whose settings change deploy.
  - In diff mode each database is its own hunk, headed by the environment and the database. Secret values are masked.
  - An empty O(databases) list sends no request.
author:
  - railstack.platform developers (@railstack)
options:
  databases:
    description:
      - The databases, each with the options of M(railstack.platform.railway_database) (without
        O(railstack.platform.railway_database#module:state)), each with its own name.
    type: list
    elements: dict
    required: true
  skip_deploys:
    description:
      - Commit the change without deploying the databases (stage, then commit with C(skipDeploys)).
    type: bool
    default: false
  commit:
    description:
      - With V(false), the databases' configuration is staged (C(environmentStageChanges)), not committed, so that a
        later task of the run commits it with its own change in one configuration commit; pass RV(staged_by_run) to
        the O(railstack.platform.railway_services#module:staged_by_run) option of M(railstack.platform.railway_services).
        Their services and volumes are still created by this task. Nothing deploys until that commit, so do not use it
        when something needs the databases running before the services deploy (migrations, or a service that uses a
        database's public address, which Railway provisions after the commit).
      - Staged changes of only these databases, never committed yet (left by a first run that stopped between the
        stage and the commit), are taken as this task's own, with either value. When changes made by someone else are
        staged, the change is committed as with V(true), following O(staged_changes).
      - O(skip_deploys) applies only when this task commits; the task that commits the staged change decides.
    type: bool
    default: true
extends_documentation_fragment:
  - railstack.platform.railway_database.ITEMS
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
  - Passwords are generated on the controller (32 letters, as Railway's templates do) and never returned or shown.
seealso:
  - module: railstack.platform.railway_database
  - module: railstack.platform.railway_volumes
"""

EXAMPLES = r"""
- name: The databases of production, in one write
  railstack.platform.railway_databases:
    project: prela
    environment: production
    databases:
      - engine: postgres
        public: true
        size_mb: 10000
        backup_schedules: [DAILY]
      - engine: redis
        redis_maxmemory: 256mb
        redis_maxmemory_policy: allkeys-lru
  register: databases

- name: The API uses the first one
  railstack.platform.railway_variables:
    project: prela
    environment: production
    service: api
    variables:
      DATABASE_URL: "{{ databases.databases[0].url_reference }}"
"""

RETURN = r"""
databases:
  description: Each database as M(railstack.platform.railway_database) returns it, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    changed:
      description: Whether this database was created or changed.
      type: bool
    engine:
      description: The engine.
      type: str
    service:
      description: The database's service and its settings in the environment (id null in check mode before it exists).
      type: dict
    volume:
      description: The database's volume (as M(railstack.platform.railway_volume) returns it).
      type: dict
    variables:
      description: Names of the variables other services reference.
      type: list
      elements: str
    references:
      description: Those variables' references, C(NAME -> ${{<name>.NAME}}), password variables left out.
      type: dict
    url_reference:
      description: Reference to the private connection URL, such as C(${{Postgres.DATABASE_URL}}).
      type: str
    public_url_reference:
      description: Reference to the public connection URL; null without public access.
      type: str
    staged:
      description: Whether this database's change went through staged changes.
      type: bool
staged:
  description: Whether the change went through staged changes.
  returned: success
  type: bool
staged_by_run:
  description:
    - With O(commit=false), what identifies the changes this task left staged (the staged patch's id and the ids of
      the services and volumes it touches), for O(railstack.platform.railway_services#module:staged_by_run); null
      when nothing is left staged (nothing to change, check mode, or committed).
  returned: success
  type: dict
  contains:
    environment_id:
      description: Id of the environment.
      type: str
    patch_id:
      description: Id of the staged patch.
      type: str
    touches:
      description: Ids of the services and volumes the staged patch touches.
      type: list
      elements: str
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_databases as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
