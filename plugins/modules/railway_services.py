#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_services
short_description: Manage many Railway services of one environment at once
version_added: 0.1.0
description:
  - Create, configure or delete the services of one environment of a Railway project, with their variables,
    in one read of the environment's configuration and one configuration write for all of them
    (plus one C(serviceCreate) per missing service and one C(serviceDelete) per service to remove).
  - A run that changes nothing costs one or two read requests whatever the number of services
    (one when O(project) and O(environment) are ids).
  - Each item takes the options of M(railstack.platform.railway_service), plus C(variables). Only the settings and
    variables given are managed; the rest are left as they are.
  - The task waits until Railway has applied the change. With O(skip_deploys=true) the change is staged, then committed
    with C(skipDeploys). Changes staged by someone else are refused unless O(staged_changes) says otherwise.
  - Every item is checked (settings, variable references) before anything is written.
  - Railway deploys the services whose config a change touches, not the services that reference a changed variable
    (C(${{api.FLAG}}), C(${{shared.X}})), which keep running the old value. Such a service of O(services) is deployed
    again in the same run (one C(serviceInstanceDeployV2) each, unless the change deploys it anyway), and its result
    and diff say which reference changed. References of references count (C(${{worker.X}}) where worker's X is
    C(${{api.FLAG}})). A run that changes nothing deploys nothing.
  - In diff mode each service is its own hunk, headed by the environment and the service. Values are shown, except
    the values of secrets (a secret-looking name, a sealed or generated variable, a connection string), which are masked.
author:
  - railstack.platform developers (@railstack)
options:
  skip_deploys:
    description:
      - Commit the change without deploying the affected services (stage, then commit with C(skipDeploys)).
    type: bool
    default: false
  changed_shared_variables:
    description:
      - Names of shared variables an earlier task of the run changed (the C(added), C(updated) and C(removed) of
        M(railstack.platform.railway_variables)). The services that reference one of them are deployed again.
    type: list
    elements: str
    default: []
  planned_services:
    description:
      - Services an earlier task of the run would create, by name, with the names of their variables, such as the
        databases of M(railstack.platform.railway_databases) in check mode (each result's C(service.name) and
        C(service.variables)). References to their variables are checked against these names, so that the services
        can be planned in check mode before those services exist. A service that exists is read from Railway instead.
    type: dict
    default: {}
  staged_by_run:
    description:
      - The RV(railstack.platform.railway_databases#module:staged_by_run) of an earlier task of the run that staged
        its change without committing it (M(railstack.platform.railway_databases) with
        O(railstack.platform.railway_databases#module:commit=false)). When the environment's staged patch is that one
        and touches nothing else, it is this run's own; the references are checked against the configuration with it,
        and it is committed with this task's change in one commit (even when the services need no change). Anything else staged
        is someone else's and follows O(staged_changes).
    type: dict
    suboptions:
      environment_id:
        description: Id of the environment.
        type: str
      patch_id:
        description: Id of the staged patch.
        type: str
        required: true
      touches:
        description:
          - Ids of the services and volumes that task staged. The staged patch is taken as the run's own only when
            it touches nothing else.
        type: list
        elements: str
        required: true
  services:
    description:
      - The services, each with the options of M(railstack.platform.railway_service) and its C(variables).
    type: list
    elements: dict
    required: true
extends_documentation_fragment:
  - railstack.platform.railway_service.ITEMS
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
  - module: railstack.platform.railway_variables
  - module: railstack.platform.railway_database
"""

EXAMPLES = r"""
- name: The services of production, in one write
  railstack.platform.railway_services:
    project: prela
    environment: production
    services:
      - name: api
        source:
          repo: prela/platform
          branch: main
          root_directory: apps/api
        deploy:
          start_command: node dist/main.js
          healthcheck_path: /health
          num_replicas: 2
        variables:
          NODE_ENV: production
          DATABASE_URL: !unsafe '${{Postgres.DATABASE_URL}}'
          REDIS_URL: !unsafe '${{Redis.REDIS_URL}}'
          APP_KEY:
            generate:
              length: 48
      - name: worker
        source:
          repo: prela/platform
          branch: main
          root_directory: apps/worker
        variables:
          API_URL: !unsafe 'http://${{api.RAILWAY_PRIVATE_DOMAIN}}:8080'
      - name: legacy
        state: absent
"""

RETURN = r"""
services:
  description: Each service and its settings in the environment after the run (planned values in check mode), in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the service (null in check mode before it exists).
      type: str
    name:
      description: Name of the service.
      type: str
    state:
      description: V(present) or V(absent).
      type: str
    scope:
      description: With V(absent), what was removed (V(environment) or V(project)).
      type: str
    redeployed_after_rollback:
      description:
        - Set when the service's latest deployment was a rollback (running older variables than the config) and this
          run deployed it again, same commit, with the config's variables; the new deployment's id (V(true) in check
          mode).
      type: raw
    latest_deployment:
      description:
        - The service's latest deployment (C(id), C(status)) as read before this task wrote anything, from the same
          read as the config (no extra request); null for a service with no deployment yet. A status other than
          C(SUCCESS) or C(SLEEPING) on a service nothing changed tells a deploy still in progress, or one that failed.
      type: dict
    redeployed_for_references:
      description:
        - Set when the service was deployed again because a value it references changed in this run (Railway does not
          deploy it); the references that changed, such as V(api.FLAG) or V(shared.APP_URL).
      type: list
      elements: str
    created:
      description: Whether this run created the service.
      type: bool
    changed:
      description: Whether this run changed the service.
      type: bool
    source:
      description: C(image), C(repo), C(branch), C(root_directory) and C(registry_username) of the instance.
      type: dict
    build:
      description: The instance's build settings, in the options' words.
      type: dict
    deploy:
      description: The instance's deploy settings, in the options' words (with C(required_mount_path) when set).
      type: dict
    private_network_endpoint:
      description: Private network name of the service.
      type: str
    tcp_proxy_ports:
      description: Application ports exposed through a TCP proxy.
      type: list
      elements: int
    service_domains:
      description: Railway domains (C(*.up.railway.app)) of the instance.
      type: list
      elements: str
    custom_domains:
      description: Custom domains of the instance.
      type: list
      elements: str
    variables:
      description: Names of the instance's variables (never their values).
      type: list
      elements: str
    volume_mounts:
      description: C(volume_id) and C(mount_path) of the volume the instance mounts.
      type: list
      elements: dict
environment:
  description: C(id), C(name), C(project_id) and C(project_name) of the environment.
  returned: always
  type: dict
staged:
  description: Whether the change went through staged changes (O(skip_deploys=true), or O(staged_changes) V(stage) or V(commit) with staged work pending).
  returned: always
  type: bool
patch_id:
  description: Id of the committed environment patch; null when nothing was written.
  returned: always
  type: str
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_services as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
