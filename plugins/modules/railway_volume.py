#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_volume
short_description: Manage a Railway volume mounted on a service
version_added: 0.1.0
description:
  - Create or delete a volume mounted on a service in one environment, and converge its size, mount path and backup schedules.
  - The volume is found by O(name), or else as the volume the service mounts in the environment (a service mounts one volume).
  - A new volume is made with C(volumeCreate) detached (no environment; a lost answer is found again, not repeated); one
    environment configuration patch then creates it in the environment with the size asked (Railway takes it as the
    volume's initial size), its mount path and backups.
  - "Sizes follow the project's Railway plan (read from the project): a new volume is 500 MB on Free and Trial, 5000 MB on
    Hobby, 50000 MB on Pro; only Hobby and Pro resize, and only upward; Free allows one volume per project. A size or a
    volume the plan would refuse fails before anything is written, naming the plan."
author:
  - railstack.platform developers (@railstack)
options:
  service:
    description:
      - The service the volume is mounted on, by id or by name. Required with O(state=present).
    type: str
  state:
    description:
      - V(present) creates the volume if needed and converges it; V(absent) deletes the volume (C(volumeDelete)),
        with its data, in every environment.
    type: str
    choices: [present, absent]
    default: present
  skip_deploys:
    description:
      - Commit the change without deploying the affected service (stage, then commit with C(skipDeploys)).
    type: bool
    default: false
extends_documentation_fragment:
  - railstack.platform.railway_volume
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
  - module: railstack.platform.railway_service
  - module: railstack.platform.railway_database
"""

EXAMPLES = r"""
- name: Uploads on a 10 GB volume, backed up daily
  railstack.platform.railway_volume:
    project: prela
    environment: production
    service: api
    name: api-uploads
    mount_path: /app/uploads
    size_mb: 10000
    backup_schedules: [DAILY, WEEKLY]
"""

RETURN = r"""
volume:
  description: The volume in the environment after the run (planned values in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the volume (null in check mode before it exists).
      type: str
    name:
      description: Name of the volume.
      type: str
    size_mb:
      description: Size in MB in this environment.
      type: int
    region:
      description: Region of the volume.
      type: str
    mount_path:
      description: Path the volume is mounted at.
      type: str
    backup_schedules:
      description: Backup schedules.
      type: list
      elements: str
    service:
      description: C(id) and C(name) of the service that mounts it.
      type: dict
staged:
  description: Whether the change went through staged changes.
  returned: success
  type: bool
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_volume as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
