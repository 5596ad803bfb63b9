#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_project
short_description: Manage a Railway project
version_added: 0.1.0
description:
  - Create, update or delete a Railway project, found by its name in a workspace.
  - Railway does not keep project names unique; when several projects share O(name), the module fails and names them.
  - A project created without a workspace is temporary at Railway (deleted after 24 hours), so the module always
    creates it in a workspace; O(workspace_id) is needed when the token sees more than one.
  - Runs on the controller as an action plugin. A create whose answer is lost is found again, not repeated.
author:
  - railstack.platform developers (@railstack)
options:
  name:
    description:
      - Name of the project. It is how the project is found.
    type: str
    required: true
  workspace_id:
    description:
      - Id of the workspace the project belongs to.
      - When not set, every workspace the token sees is searched, and a new project goes into the only one.
    type: str
  description:
    description:
      - Description of the project. Left as it is when not set.
    type: str
  pr_deploys:
    description:
      - Whether Railway makes an environment for every pull request. Left as it is when not set.
    type: bool
  default_environment:
    description:
      - Name of the environment Railway creates with a new project. Used only when the project is created.
    type: str
    default: production
  state:
    description:
      - V(present) creates or updates the project; V(absent) deletes it with everything in it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - railstack.platform.railway
  - railstack.platform.attributes
  - railstack.platform.attributes.RAILWAY_GROUP
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
seealso:
  - module: railstack.platform.railway_environment
  - module: railstack.platform.railway_info
"""

EXAMPLES = r"""
- name: The project, in the only workspace the token sees
  railstack.platform.railway_project:
    name: prela
    description: Prela API and gateways

- name: Credentials once for every Railway task of a play
  module_defaults:
    group/railstack.platform.railway:
      api_token: "{{ vault_railway_token }}"
  block:
    - name: The project in a given workspace
      railstack.platform.railway_project:
        name: prela
        workspace_id: 0b7a9d3e-4a60-4f0e-9d0a-1b2c3d4e5f60

- name: Delete the project and everything in it
  railstack.platform.railway_project:
    name: prela-preview
    state: absent
"""

RETURN = r"""
project:
  description: The project as Railway has it after the run (planned values in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the project (null in check mode before it exists).
      type: str
      sample: 5f1c3e0a-2b4d-4c6e-8f00-112233445566
    name:
      description: Name of the project.
      type: str
      sample: prela
    description:
      description: Description of the project.
      type: str
    pr_deploys:
      description: Whether pull-request environments are made.
      type: bool
    is_public:
      description: Whether the project is public.
      type: bool
    workspace_id:
      description: Id of the workspace.
      type: str
    environments:
      description: The project's environments, each with C(id), C(name) and C(is_ephemeral).
      type: list
      elements: dict
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
  sample: 2
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_project as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
