# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.plugin_utils.doc_sections import suboptions


class ModuleDocFragment:
    # The options of one Railway service: railway_service's own. Keep in sync with SERVICE_OPTIONS in
    # plugins/module_utils/railway_service_plans.py (tests/unit/plugins/test_module_docs.py compares them).
    DOCUMENTATION = r"""
options:
  name:
    description:
      - Name of the service, unique in the project. The service is found by it.
    type: str
    required: true
  state:
    description:
      - V(present) creates the service when the project has none of that name and converges its settings in the environment.
      - V(absent) removes the service as O(scope) says.
    type: str
    choices: [present, absent]
    default: present
  scope:
    description:
      - What V(absent) removes. V(environment) removes the service's instance in the task's environment only
        (C(isDeleted) in the environment's config patch, committed with the other changes); the service stays in
        the project and in its other environments. V(project) deletes the service, with its instances in every
        environment of the project (C(serviceDelete) without an environment).
      - C(serviceDelete) with an environment is not used, because Railway's schema says it deletes the service in every
        environment that is not a fork when the environment given is not a fork.
    type: str
    choices: [environment, project]
    default: environment
  source:
    description:
      - Where the service's code comes from in this environment, a GitHub repository or an image. Only the keys given are managed.
    type: dict
    suboptions:
      image:
        description:
          - Image to deploy, such as V(nginx:1.27) or V(ghcr.io/org/app:v1). Replaces a repository source.
        type: str
      repo:
        description:
          - GitHub repository C(owner/name) to deploy. Replaces an image source.
        type: str
      branch:
        description:
          - Branch of O(source.repo) to deploy. An empty string removes it.
        type: str
      root_directory:
        description:
          - Directory of the repository to build from (monorepos). An empty string removes it.
        type: str
      registry_credentials:
        description:
          - Credentials of a private image registry (Railway Pro).
        type: dict
        suboptions:
          username:
            description:
              - Registry user name.
            type: str
            required: true
          password:
            description:
              - Registry password or token. Railway never shows it back, so it cannot be compared.
            type: str
            required: true
          update_password:
            description:
              - V(on_create) writes the password when the credentials are first set or the user name changes;
                V(always) writes it on every run (the task then always reports a change).
            type: str
            choices: [on_create, always]
            default: on_create
  build:
    description:
      - Build settings (Railway's C(build) section). Only the keys given are managed.
    type: dict
    suboptions:
      builder:
        description:
          - The builder.
        type: str
        choices: [NIXPACKS, DOCKERFILE, RAILPACK, HEROKU, PAKETO]
      build_command:
        description:
          - Build command. An empty string removes it.
        type: str
      dockerfile_path:
        description:
          - Path of the Dockerfile. An empty string removes it.
        type: str
      watch_patterns:
        description:
          - Paths whose changes trigger a deploy (gitignore-style patterns).
        type: list
        elements: str
  deploy:
    description:
      - Deploy settings (Railway's C(deploy) section). Only the keys given are managed.
    type: dict
    suboptions:
      start_command:
        description:
          - Command that starts the service. An empty string removes it.
        type: str
      pre_deploy_command:
        description:
          - Commands run before each deployment starts (migrations, for example).
        type: list
        elements: str
      healthcheck_path:
        description:
          - Path Railway probes before sending traffic to a new deployment. An empty string removes it.
        type: str
      healthcheck_timeout:
        description:
          - Seconds the health check may take.
        type: int
      restart_policy_type:
        description:
          - When Railway restarts a crashed service.
        type: str
        choices: [ON_FAILURE, ALWAYS, NEVER]
      restart_policy_max_retries:
        description:
          - Restarts allowed with O(deploy.restart_policy_type=ON_FAILURE).
        type: int
      num_replicas:
        description:
          - Number of replicas (1 to 50).
        type: int
      multi_region_config:
        description:
          - Replicas per region, a dict of region ids to numbers of replicas. The regions given are the whole
            placement; other regions are removed.
        type: dict
      cron_schedule:
        description:
          - Cron schedule (5 fields) that runs the service as a cron job. An empty string removes it.
        type: str
      sleep_application:
        description:
          - Whether the service sleeps when it gets no traffic (serverless).
        type: bool
      limit_override:
        description:
          - Resource limits of each replica.
        type: dict
        suboptions:
          cpu:
            description:
              - vCPUs.
            type: float
          memory_gb:
            description:
              - Memory in GB (sent as C(memoryBytes) = O(deploy.limit_override.memory_gb) x 1024^3).
            type: float
      draining_seconds:
        description:
          - Seconds an old deployment gets to finish its work after SIGTERM.
        type: int
      overlap_seconds:
        description:
          - Seconds old and new deployments run side by side.
        type: int
  private_network_endpoint:
    description:
      - Name of the service on the private network (C(<name>.railway.internal)). An empty string removes it.
    type: str
  tcp_proxy_port:
    description:
      - Application port exposed through Railway's TCP proxy (one per service instance); V(0) removes the TCP proxy.
    type: int
"""

    # What an item of railway_services has besides a service's options.
    VARIABLES = r"""
options:
  variables:
    description:
      - Variables of the service in this environment, a dict of names to values. Only the names given are managed.
      - A value may reference other variables (C(${{Postgres.DATABASE_URL}}), C(${{shared.X}}), C(${{RAILWAY_PRIVATE_DOMAIN}}));
        references are checked before anything is written, and a reference to a service or variable that does not
        exist fails the task naming the candidates.
      - "A value may also be a dict with C(generate) (C(length), C(alphabet)) and C(rotate): a random secret made once and
        kept on later runs, made again when its options or C(rotate) change; or with C(value) and C(sealed=true): a sealed
        variable, written when missing. As in M(railstack.platform.railway_variables)."
      - "In a playbook, write references as C(!unsafe '${{Postgres.DATABASE_URL}}') so Ansible does not template them."
    type: dict
"""

    # What a service's plan record (railstack.platform.stack_check's) holds besides: the steps other modules do.
    # Keep in sync with STEP_OPTIONS in plugins/module_utils/railway_services.py.
    STEPS = r"""
options:
  role:
    description:
      - The service's role in the stack (V(web), V(static), V(worker), V(scheduler)). Not used by this module.
    type: str
    choices: [web, static, worker, scheduler]
  volume:
    description:
      - The service's volume (C(name), C(mount_path), C(size_mb), C(backup_schedules), C(region)), for
        M(railstack.platform.railway_volumes). Not used by this module.
    type: dict
  service_domain:
    description:
      - The service's Railway domain, for M(railstack.platform.railway_domains). Not used by this module.
    type: raw
  target_port:
    description:
      - The port its domains route to, for M(railstack.platform.railway_domains). Not used by this module.
    type: int
  domains:
    description:
      - The service's custom domains, for M(railstack.platform.railway_domains). Not used by this module.
    type: list
    elements: dict
  health_check:
    description:
      - The probe after a deploy, for M(railstack.platform.railway_deployments). Not used by this module.
    type: dict
  wait:
    description:
      - Whether the play waits for the service's deploy (M(railstack.platform.railway_deployments)). Not used by this module.
    type: bool
  wait_timeout:
    description:
      - Seconds that wait may take. Not used by this module.
    type: int
  rollback_on_failure:
    description:
      - Whether a failed deploy is rolled back. Not used by this module.
    type: bool
  public_address:
    description:
      - The service's public host name as the stack gives it. Not used by this module.
    type: str
"""


# Derived, not written again (ansible-test's yamllint reads only literal class attributes; this is built from them):
# railway_services documents O(services) itself (description, type) and takes its suboptions from ITEMS, since
# Ansible merges a fragment's option into the module's option of the same name key by key.
ModuleDocFragment.ITEMS = suboptions(
    "services", ModuleDocFragment.DOCUMENTATION, ModuleDocFragment.VARIABLES, ModuleDocFragment.STEPS, elements=True
)
