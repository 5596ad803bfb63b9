#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_deployment
short_description: Deploy, redeploy, restart or roll back a Railway service, and wait for the outcome
version_added: 0.1.0
description:
  - Run a lifecycle action on a service instance (a service in one environment). What each action deploys follows.
  - V(deploy) without O(commit_sha) deploys the B(head of the service's branch) (C(serviceInstanceDeploy) with
    C(latestCommit=true)), or pulls an image service's tag again. Railway's C(serviceInstanceDeployV2) without a
    commit would deploy the commit the service already has, not the branch head, so it is not used for this.
  - V(deploy) with O(commit_sha) deploys B(that commit) (C(serviceInstanceDeployV2) with C(commitSha)).
  - V(redeploy) builds B(the same commit) (or image) as the latest deployment again, with the variables the
    environment's config has now (C(deploymentRedeploy)); Railway must say C(canRedeploy) for it, else the task
    fails before any write.
  - V(restart) restarts the running (or crashed) deployment B(as it is), with the same image and variables and no new
    deployment (C(deploymentRestart)).
  - V(rollback) makes a new deployment of B(an earlier deployment's image and variables) (C(deploymentRollback)),
    the previous successful deployment (one Railway says C(canRollback) for), or O(deployment_id). Railway does not
    rewrite the environment's config, so what runs and the config can disagree; the task warns, naming the service
    and the deployment whose variables now run, and the next M(railstack.platform.railway_service),
    M(railstack.platform.railway_services) or M(railstack.platform.railway_variables) run for that service deploys
    it again (same commit) with the config's variables.
  - With O(wait=true), wait until the deployment is C(SUCCESS) (or C(SLEEPING)), and fail with its id and status
    when it ends C(FAILED) or C(CRASHED). A deployment that a newer one superseded (C(REMOVED) or C(SKIPPED)) is not
    a failure; the task warns and follows the newer deployment. C(NEEDS_APPROVAL) fails at once, saying that a
    person must approve the deployment in Railway first (without O(wait), it is a warning).
    O(health_check) then probes a URL. O(rollback_on_failure) rolls back when either fails, and the task still
    fails, saying so.
  - >-
    B(When it reports changed.) These actions are not idempotent: with O(trigger=true) (the default) every run
    sends the action and reports changed. Give O(trigger) whether something upstream changed, for example
    C("{{ api_service is changed or api_variables is changed }}"), and a run in which nothing changed sends no
    mutation and reports ok; it still reads the latest deployment, waits for it and probes it when asked.
    A V(deploy) of an O(commit_sha) that the latest deployment already runs or builds does nothing either.
  - Runs on the controller as an action plugin. A deploy whose answer is lost is found again, not repeated.
author:
  - railstack.platform developers (@railstack)
options:
  service:
    description:
      - The service, by name or id.
    type: str
    required: true
  action:
    description:
      - What to do.
    type: str
    choices: [deploy, redeploy, restart, rollback]
    default: deploy
  commit_sha:
    description:
      - With O(action=deploy), the Git commit to deploy (7 to 40 hexadecimal digits). When not set, the head of the
        service's branch (or its image's tag, pulled again).
    type: str
  deployment_id:
    description:
      - With O(action=rollback), the deployment to roll back to (one of the service's last 20). When not set, the
        most recent one Railway can roll back to.
    type: str
  trigger:
    description:
      - Whether to act. V(false) sends no mutation and reports no change; the latest deployment is still read, and
        waited for and probed when O(wait) is set (a service with no deployment at all then fails, naming it).
      - O(rollback_on_failure) holds for a deployment the task did not start as well (O(trigger=false), such as the
        deploy a configuration commit started, in this run or an earlier one).
    type: bool
    default: true
  wait:
    description:
      - Wait until the deployment succeeded (C(SUCCESS) or C(SLEEPING)), and fail when it ends otherwise.
      - O(health_check) and O(rollback_on_failure) need it.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for the deployment. The name O(timeout) is the timeout of each HTTP request.
    type: int
    default: 900
  wait_interval:
    description:
      - Seconds between two reads of the deployment's status.
    type: float
    default: 5.0
extends_documentation_fragment:
  - railstack.platform.railway_deployment
  - railstack.platform.railway
  - railstack.platform.railway.ENVIRONMENT
  - railstack.platform.attributes
  - railstack.platform.attributes.RAILWAY_GROUP
attributes:
  check_mode:
    support: full
    details: Reports whether the action would be sent; nothing is waited for.
  diff_mode:
    support: full
    details: Shows the deployment before and after.
seealso:
  - module: railstack.platform.railway_info
"""

EXAMPLES = r"""
- name: Deploy the head of the branch when the service or its variables changed, and wait for it
  railstack.platform.railway_deployment:
    project: prela
    environment: production
    service: api
    trigger: "{{ api_service is changed or api_variables is changed }}"
    wait: true
    health_check:
      url: https://api.prela.app/healthz
      body: ok
    rollback_on_failure: true

- name: Deploy a given commit (a no-op once the latest deployment runs it)
  railstack.platform.railway_deployment:
    project: prela
    environment: production
    service: api
    commit_sha: 3f9a2c1
    wait: true

- name: Roll back to the previous successful deployment
  railstack.platform.railway_deployment:
    project: prela
    environment: production
    service: api
    action: rollback
    wait: true
"""

RETURN = r"""
deployment:
  description:
    - The deployment the action made, or the latest one when nothing was sent; as it ended when O(wait=true).
    - On a failure, the deployment that failed.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the deployment.
      type: str
    status:
      description: Its status, Railway's C(DeploymentStatus).
      type: str
      sample: SUCCESS
    service_id:
      description: Id of the service.
      type: str
    environment_id:
      description: Id of the environment.
      type: str
    created_at:
      description: When it was made.
      type: str
    status_updated_at:
      description: When its status last changed.
      type: str
    can_rollback:
      description: Whether Railway can roll back to it.
      type: bool
    url:
      description: Its URL, when the service has a domain.
      type: str
    static_url:
      description: Its domain, when the service has one.
      type: str
    commit_sha:
      description: The commit deployed (C(meta.commitHash)), when Railway tells it.
      type: str
    image:
      description: The image deployed, for an image service.
      type: str
    reason:
      description: Why it was made (C(meta.reason)), when Railway tells it.
      type: str
health_check:
  description: The probe's answer (C(url), C(status_code), C(attempts)).
  returned: when O(health_check) passed
  type: dict
rolled_back_to:
  description: The deployment rolled back to by O(rollback_on_failure) (null when there was none to go back to).
  returned: when O(rollback_on_failure) acted
  type: dict
running:
  description: The deployment still running after a build that failed (C(FAILED)), when nothing was rolled back.
  returned: when O(rollback_on_failure) found the previous deployment still running
  type: dict
rollback_deployment:
  description: The new deployment the rollback made, as it ended.
  returned: when O(rollback_on_failure) rolled back
  type: dict
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
  sample: 6
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_deployment as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
