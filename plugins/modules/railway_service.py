#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_service
short_description: Manage a Railway service and its settings in one environment
version_added: 0.1.0
description:
  - Create or delete a service of a Railway project, found by its name, and converge its settings in one environment.
  - The settings are Railway's per-environment configuration (source, build, deploy, networking). Only the settings
    given are managed; the rest are left as they are. Variables are managed by M(railstack.platform.railway_variables),
    or together with the service by M(railstack.platform.railway_services).
  - One read of the environment's whole configuration, and one C(environmentPatchCommit) for every change, which the task
    waits for until Railway has applied it. With O(skip_deploys=true) the change is staged, then committed with
    C(skipDeploys). Changes staged by someone else are refused unless O(staged_changes) says otherwise.
  - A new service is created empty (C(serviceCreate) with its name), so nothing deploys before its settings are in place.
    A create whose answer is lost is found again by name, not repeated.
  - This is M(railstack.platform.railway_services) with one service, the same code.
author:
  - railstack.platform developers (@railstack)
options:
  environment:
    description:
      - The environment whose settings are converged, by id or by name. Required with O(state=present), and with
        O(state=absent) and O(scope=environment).
    type: str
  skip_deploys:
    description:
      - Commit the change without deploying the affected services (stage, then commit with C(skipDeploys)).
    type: bool
    default: false
extends_documentation_fragment:
  - railstack.platform.railway.PROJECT
  - railstack.platform.railway_service
  - railstack.platform.railway
  - railstack.platform.railway.CONFIG
  - railstack.platform.attributes
  - railstack.platform.attributes.RAILWAY_GROUP
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
seealso:
  - module: railstack.platform.railway_services
  - module: railstack.platform.railway_variables
  - module: railstack.platform.railway_volume
"""

EXAMPLES = r"""
- name: An API built from a monorepo
  railstack.platform.railway_service:
    project: prela
    environment: production
    name: api
    source:
      repo: prela/platform
      branch: main
      root_directory: apps/api
    build:
      builder: RAILPACK
      watch_patterns: ["apps/api/**"]
    deploy:
      start_command: node dist/main.js
      pre_deploy_command: ["npm run migrate"]
      healthcheck_path: /health
      healthcheck_timeout: 60
      num_replicas: 2
      restart_policy_type: ON_FAILURE
      restart_policy_max_retries: 5
      limit_override:
        cpu: 2
        memory_gb: 1
    private_network_endpoint: api

- name: A worker from a private image, two regions
  railstack.platform.railway_service:
    project: prela
    environment: production
    name: worker
    source:
      image: ghcr.io/prela/worker:1.4.0
      registry_credentials:
        username: prela-bot
        password: "{{ vault_ghcr_token }}"
    deploy:
      multi_region_config:
        us-west2: 2
        europe-west4-drams3a: 1

- name: A nightly job
  railstack.platform.railway_service:
    project: prela
    environment: production
    name: nightly-report
    source:
      image: ghcr.io/prela/report:latest
    deploy:
      cron_schedule: "0 3 * * *"
      restart_policy_type: NEVER

- name: Remove a service from staging only (it stays in the project and its other environments)
  railstack.platform.railway_service:
    project: prela
    environment: staging
    name: preview-worker
    state: absent

- name: Delete a service (every environment)
  railstack.platform.railway_service:
    project: prela
    name: old-worker
    state: absent
    scope: project
"""

RETURN = r"""
service:
  description: The service and its settings in the environment after the run (planned values in check mode).
  returned: always
  type: dict
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
          read as the config (no extra request); null for a service with no deployment yet.
      type: dict
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
  description: C(id), C(name), C(project_id) and C(project_name) of the environment (null with O(state=absent) and no O(environment)).
  returned: always
  type: dict
staged:
  description: Whether the change went through staged changes (staged work was pending, or O(skip_deploys=true)).
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

from ansible_collections.railstack.platform.plugins.module_utils import railway_service as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
