#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_notification
short_description: Send a Railway project's deploy notifications to a webhook URL
version_added: 0.1.0
description:
  - Create, update or delete a Railway notification rule that sends events (deploys failing, crashing, ...) of a
    project, or of the whole workspace, to a webhook URL. Railway removed project webhooks (C(webhookCreate));
    notification rules replaced them.
  - The rule is found by its webhook URL (O(url)) in the project (or among the workspace-wide rules).
  - >-
    Railway's channel config is an opaque JSON value; the module sends C({"type": "webhook", "url": ...}), the
    shape third-party tools use. It is not verified against Railway's live API.
  - Runs on the controller as an action plugin. A create whose answer is lost is found again, not repeated.
author:
  - railstack.platform developers (@railstack)
options:
  url:
    description:
      - The webhook's URL. Treated as a secret (Slack and Discord webhook URLs are credentials), so results show it masked.
    type: str
    required: true
  project:
    description:
      - The project whose events are sent, by name or id. When not set, the rule covers the whole workspace.
    type: str
  workspace_id:
    description:
      - The workspace. When not set, the project's, or the only one the token sees.
    type: str
  event_types:
    description:
      - The events sent, in Railway's words. Required with O(state=present).
      - Third-party tools use lower-case names such as C(deployment.failed), C(deployment.crashed),
        C(deployment.completed); Railway's docs show C(Deployment.failed). Which casing Railway expects is not verified.
    type: list
    elements: str
  severities:
    description:
      - The severities sent. Left as they are when not set.
    type: list
    elements: str
    choices: [CRITICAL, WARNING, NOTICE, INFO]
  ephemeral_environments:
    description:
      - Whether events of ephemeral (pull-request) environments are sent too. Left as it is when not set.
    type: bool
  state:
    description:
      - V(present) creates or updates the rule; V(absent) deletes it.
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
notes:
  - Needs an account or workspace token (O(api_token)); notification rules are workspace objects that a project
    token cannot manage.
seealso:
  - module: railstack.platform.railway_info
"""

EXAMPLES = r"""
- name: Failed and crashed deploys of the project, to the team's webhook
  railstack.platform.railway_notification:
    project: prela
    url: "{{ vault_deploy_webhook_url }}"
    event_types: [deployment.failed, deployment.crashed]
    severities: [CRITICAL, WARNING]

- name: No more notifications to the old endpoint
  railstack.platform.railway_notification:
    project: prela
    url: https://hooks.example.com/old
    state: absent
"""

RETURN = r"""
notification_rule:
  description: The rule as Railway has it after the run (planned in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Id of the rule (null in check mode before it exists).
      type: str
    workspace_id:
      description: Id of the workspace.
      type: str
    project_id:
      description: Id of the project (null for a workspace-wide rule).
      type: str
    url:
      description: The webhook URL (masked in output).
      type: str
    event_types:
      description: The events sent.
      type: list
      elements: str
    severities:
      description: The severities sent.
      type: list
      elements: str
    ephemeral_environments:
      description: Whether ephemeral environments' events are sent.
      type: bool
    channels:
      description: How many channels the rule has.
      type: int
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
  sample: 2
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_notification as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
