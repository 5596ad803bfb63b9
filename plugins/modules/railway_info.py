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
  - Return a Railway project with its environments, services, volumes (with their size), domains (with their
    verification and certificate status), each service's latest deployment, TCP proxies, the names of its variables
    (never their values) and its notification rules (never their URLs).
  - Everything comes in one GraphQL query when the project is given by name, or by id with O(workspace_id); a
    project given by id alone takes a second query for the notification rules (they belong to the workspace).
    Finding a project by name without O(workspace_id) first reads the token's workspaces.
  - Without O(project), return every project the token can see (one query per workspace and page of 100 projects).
  - With a project token, notification rules are not read (they are workspace objects).
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
- name: Status of every custom domain of the production environment
  railstack.platform.railway_info:
    project: prela
    query: "environments[?name=='production'].services[].domains[?type=='custom'][]"
  register: custom_domains

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
          C(service_domains), C(custom_domains) (names), C(tcp_proxy_ports), C(volume_mounts),
          C(domains) (C(domain), C(type) C(service) or C(custom), C(target_port), C(sync_status), and for custom
          domains C(verified) and C(certificate_status)) and C(latest_deployment) (C(id), C(status), C(created_at),
          C(status_updated_at), C(static_url), C(can_rollback); null before the first deployment).
      type: list
      elements: dict
    notification_rules:
      description:
        - The notification rules of the project and the workspace-wide ones (C(project_id) null), each with C(id),
          C(project_id), C(event_types), C(severities), C(ephemeral_environments) and C(channels) (C(type) and the
          webhook's C(host), never its URL). Empty with a project token.
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
