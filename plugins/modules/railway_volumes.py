#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_volumes
short_description: Manage the volumes of many services of one Railway environment at once
version_added: 0.1.0
description:
  - Create or converge the volumes of several services of one environment, each as M(railstack.platform.railway_volume)
    does it, in one read of the environment and one configuration write for all of them (plus one C(volumeCreate) per
    missing volume).
  - A run that changes nothing costs one or two read requests whatever the number of volumes (one when O(project)
    and O(environment) are ids).
  - "Every item is checked before anything is written: its service, its size against the project's Railway plan (a
    shrink, a resize on Free or Trial) and the volumes per project (Free: one), counting the new volumes of the list one
    after another."
  - In diff mode each volume is its own hunk, headed by the environment and the service.
  - An empty O(volumes) list sends no request.
  - Deleting a volume is M(railstack.platform.railway_volume)'s O(railstack.platform.railway_volume#module:state=absent).
author:
  - railstack.platform developers (@railstack)
options:
  volumes:
    description:
      - The volumes, one per service, each with the options of M(railstack.platform.railway_volume).
    type: list
    elements: dict
    required: true
  skip_deploys:
    description:
      - Commit the change without deploying the affected services (stage, then commit with C(skipDeploys)).
    type: bool
    default: false
extends_documentation_fragment:
  - railstack.platform.railway_volume.ITEMS
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
seealso:
  - module: railstack.platform.railway_volume
  - module: railstack.platform.railway_databases
"""

EXAMPLES = r"""
- name: The volumes of production's services, in one write
  railstack.platform.railway_volumes:
    project: prela
    environment: production
    volumes:
      - service: api
        mount_path: /data
        size_mb: 10000
        backup_schedules: [DAILY]
      - service: worker
        name: worker-cache
        mount_path: /cache
"""

RETURN = r"""
volumes:
  description: Each volume as M(railstack.platform.railway_volume) returns it, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the volume (null in check mode before it exists).
      type: str
    name:
      description: Name of the volume.
      type: str
    size_mb:
      description: Size in MB in the environment.
      type: int
    region:
      description: Region of the volume.
      type: str
    mount_path:
      description: Where the service mounts it.
      type: str
    backup_schedules:
      description: Backup schedules in the environment.
      type: list
      elements: str
    service:
      description: The service mounting it (C(id), C(name)).
      type: dict
    changed:
      description: Whether this volume was created or changed.
      type: bool
    staged:
      description: Whether this volume's change went through staged changes.
      type: bool
staged:
  description: Whether the change went through staged changes.
  returned: success
  type: bool
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_volumes as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
