#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_environment
short_description: Manage an environment of a Railway project
version_added: 0.1.0
description:
  - Create or delete an environment of a Railway project, found by its name; environment names are unique in a project.
  - A new environment can be forked from another one (O(source_environment)), copying its services, volumes,
    configuration and variables (sealed variables excepted, as at Railway).
  - Runs on the controller as an action plugin. A create whose answer is lost is found again, not repeated.
author:
  - railstack.platform developers (@railstack)
options:
  name:
    description:
      - Name of the environment.
    type: str
    required: true
  source_environment:
    description:
      - Environment (name or id) of the same project to fork the new one from. Used only when the environment is created.
    type: str
  ephemeral:
    description:
      - Whether the environment is ephemeral (like a pull-request environment). Railway sets it only at creation;
        a difference on an existing environment is reported as a warning.
    type: bool
  state:
    description:
      - V(present) creates the environment; V(absent) deletes it with its service instances.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - railstack.platform.railway.PROJECT
  - railstack.platform.railway
  - railstack.platform.attributes
  - railstack.platform.attributes.RAILWAY_GROUP
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
seealso:
  - module: railstack.platform.railway_project
"""

EXAMPLES = r"""
- name: A staging environment forked from production
  railstack.platform.railway_environment:
    project: prela
    name: staging
    source_environment: production

- name: Remove a preview environment
  railstack.platform.railway_environment:
    project: 5f1c3e0a-2b4d-4c6e-8f00-112233445566
    name: preview-42
    state: absent
"""

RETURN = r"""
environment:
  description: The environment as Railway has it after the run (planned values in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the environment (null in check mode before it exists).
      type: str
    name:
      description: Name of the environment.
      type: str
      sample: staging
    project_id:
      description: Id of the project.
      type: str
    is_ephemeral:
      description: Whether the environment is ephemeral.
      type: bool
    source_environment:
      description: The environment it was forked from (C(id), C(name)), or null.
      type: dict
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_environment as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
