#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_info
short_description: Read a whole Railway project in one query
version_added: 0.1.0
description:
  - Return a Railway project with its environments, services, volumes, domains, TCP proxies and the names of
    its variables (never their values), read in one GraphQL query.
  - Without O(project), return every project the token can see (one query per workspace).
author:
  - railstack.platform developers (@railstack)
options:
  project:
    description:
      - The project, by id or by name.
    type: str
  workspace_id:
    description:
      - Workspace to look in. When not set, every workspace the token sees.
    type: str
  query:
    description:
      - A JMESPath expression applied to RV(project) (or to RV(projects) when O(project) is not set); its value is
        returned as RV(query_result).
    type: str
requirements:
  - jmespath (only for O(query))
extends_documentation_fragment:
  - railstack.platform.railway
  - railstack.platform.attributes.INFO_MODULE
  - railstack.platform.attributes.RAILWAY_GROUP
seealso:
  - module: railstack.platform.railway_project
"""

EXAMPLES = r"""
- name: The whole project
  railstack.platform.railway_info:
    project: prela
  register: prela

- name: Names of the services of the staging environment
  railstack.platform.railway_info:
    project: prela
    query: "environments[?name=='staging'].services[].name"
  register: staging_services
"""

RETURN = r"""
project:
  description: The project asked for by O(project).
  returned: when O(project) is set
  type: dict
  contains:
    id:
      description: Id of the project.
      type: str
    name:
      description: Name of the project.
      type: str
    services:
      description: The project's services (C(id), C(name)).
      type: list
      elements: dict
    volumes:
      description: The project's volumes (C(id), C(name)).
      type: list
      elements: dict
    environments:
      description:
        - Each environment with C(id), C(name), C(is_ephemeral), C(shared_variables) (names), C(volumes)
          (C(id), C(name), C(size_mb), C(region)) and C(services), each with C(id), C(name), C(variables) (names),
          C(service_domains), C(custom_domains), C(tcp_proxy_ports) and C(volume_mounts).
      type: list
      elements: dict
projects:
  description: Every project read, in the same shape as RV(project).
  returned: always
  type: list
  elements: dict
query_result:
  description: The value of O(query).
  returned: when O(query) is set
  type: raw
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_info as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
