#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_deployments
short_description: Wait for, probe and roll back the latest deployments of several Railway services at once
version_added: 0.1.0
description:
  - Follow the latest deployment of each service of O(services) in one environment, all at once, as
    M(railstack.platform.railway_deployment) does for one service with O(railstack.platform.railway_deployment#module:trigger=false)
    and O(railstack.platform.railway_deployment#module:wait=true). The task sends no deploy; the deployments it
    follows are the ones a configuration commit (M(railstack.platform.railway_services)) or a push started.
  - Waits until each deployment is C(SUCCESS) (or C(SLEEPING)). C(FAILED) and C(CRASHED) are failures;
    C(NEEDS_APPROVAL) fails at once, saying that a person must approve the deployment in Railway first. A deployment
    that a newer one superseded is not a failure; the task warns and follows the newer deployment.
  - B(One request per poll, whatever the number of services.) Each poll reads the latest deployment of every service
    of the environment in one query (the environment's service instances and their latest deployment).
  - Once a deployment succeeded, its O(services[].health_check) probes a URL. The probes of all services run at the
    same time.
  - A service whose deployment (or probe) failed is rolled back to its previous successful deployment when its
    O(services[].rollback_on_failure) says so, and the rollback is waited for. A build that failed (C(FAILED)) leaves
    the previous deployment running; then nothing is rolled back, and the failure names the deployment still running.
    Railway does not rewrite the environment's config on a rollback; the task warns, naming the service.
  - The other services are followed to their end all the same. Then the task fails once, naming every service that
    failed and why, and what was rolled back.
  - B(When it reports changed.) Only when it rolled something back. Waiting is not a change.
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  wait_interval:
    description:
      - Seconds between two reads of the deployments' statuses (one request each, for all services).
    type: float
    default: 5.0
  services:
    description:
      - The services whose latest deployment to follow, each listed once. An empty list sends no request.
    type: list
    elements: dict
    required: true
extends_documentation_fragment:
  - railstack.platform.railway_deployment.ITEMS
  - railstack.platform.railway
  - railstack.platform.railway.ENVIRONMENT
  - railstack.platform.attributes
  - railstack.platform.attributes.RAILWAY_GROUP
attributes:
  check_mode:
    support: full
    details: Reads the latest deployments and reports them as to be waited for (RV(services[].outcome=would_wait));
      nothing is waited for, probed or rolled back.
  diff_mode:
    support: full
    details: Shows each service's deployment before and after (a rollback's new deployment).
seealso:
  - module: railstack.platform.railway_deployment
  - module: railstack.platform.railway_services
"""

EXAMPLES = r"""
- name: Wait for the deployments the config commit started, probe them, roll back the API on failure
  railstack.platform.railway_deployments:
    project: prela
    environment: production
    wait_interval: 5
    services:
      - name: api
        wait_timeout: 900
        health_check:
          url: https://api.prela.app/healthz
          body: ok
        rollback_on_failure: true
      - name: worker
"""

RETURN = r"""
services:
  description:
    - One entry per item of O(services), in their order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The service, as given.
      type: str
    service_id:
      description: Its id (null in check mode when it does not exist yet).
      type: str
    deployment:
      description:
        - The latest deployment, as it ended (as M(railstack.platform.railway_deployment) returns it); on a failure,
          the deployment that failed; empty when the service has no deployment.
      type: dict
    outcome:
      description: V(succeeded), V(failed), or V(would_wait) in check mode.
      type: str
    rolled_back:
      description: Whether O(services[].rollback_on_failure) rolled this service back.
      type: bool
    health:
      description: The probe's answer (C(url), C(status_code), C(attempts)), when O(services[].health_check) passed.
      type: dict
    msg:
      description: Why this service failed and what was rolled back (null when it did not fail).
      type: str
    rolled_back_to:
      description: The deployment rolled back to (null when there was none).
      type: dict
    rollback_deployment:
      description: The new deployment the rollback made, as it ended (null when nothing was rolled back).
      type: dict
    running:
      description: The deployment still running after a build that failed (C(FAILED)), when nothing was rolled back.
      type: dict
api_requests:
  description: How many HTTP requests the task sent to Railway (health probes not counted).
  returned: unless O(services) is empty
  type: int
  sample: 3
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_deployments as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
