#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_variables
short_description: Manage the variables of a Railway service, or the shared variables of an environment
version_added: 0.1.0
description:
  - Set or remove variables of one service in one environment, or (without O(service)) the environment's shared variables.
  - Values are compared as written (unrendered), so references such as C(${{Postgres.DATABASE_URL}}) are compared as
    references. Every reference is checked before anything is written; one that names a service or a variable that
    does not exist fails the task and names the close candidates (a typo such as C(Postgress) never reaches Railway).
    Railway-provided variables (C(RAILWAY_PUBLIC_DOMAIN), C(RAILWAY_PRIVATE_DOMAIN), C(RAILWAY_TCP_PROXY_DOMAIN),
    C(RAILWAY_TCP_PROXY_PORT), C(RAILWAY_VOLUME_MOUNT_PATH), ...) and template functions (C(secret), C(randomInt)) are accepted.
  - One read of the environment's configuration and one configuration write, whatever the number of variables.
    The task waits until Railway has applied it. With O(skip_deploys=true) the change is staged, then committed with
    C(skipDeploys). Changes staged by someone else are refused unless O(staged_changes) says otherwise.
  - "Values are never returned. Diffs show the values that are not secrets (C(LOG_LEVEL: info -> debug)); the values of
    secrets (a secret-looking name, a sealed variable, a connection string) are masked, a changed one marked C((changed))."
author:
  - railstack.platform developers (@railstack)
options:
  service:
    description:
      - The service whose variables these are, by id or by name. Without it, the environment's shared variables are managed
        (referenced by services as C(${{shared.NAME}})).
    type: str
  variables:
    description:
      - The variables, a dict of names to values. A value is a string (numbers and booleans are written as text),
        or a dict with one of C(value) or C(generate), and C(sealed) (and C(rotate) with C(generate)).
      - "C(generate): C(length) (8 to 256, default 32) and C(alphabet) (default letters and digits): a random secret
        made on the controller when the variable is missing and kept as it is on later runs (present = keep).
        The variable's description records the options it was made with; a change of C(length) or of the alphabet's
        characters (not their order) makes a new secret once."
      - "C(rotate) (with C(generate)): a name of the rotation, such as C(2026-12). A new secret is made once when it changes
        (recorded in the description too); later runs with the same C(rotate) keep it. A secret made without a description
        (by hand, or by an earlier version) is kept until C(rotate) is given. A sealed secret is never rotated: its
        description cannot be read back."
      - "C(sealed=true): the variable is sealed. Railway never shows a sealed value again, so it cannot be compared:
        it is written when missing (or on every run with O(update_mode=always)). A variable can be sealed later,
        never unsealed."
      - With O(state=absent), the names of the variables to remove (values are ignored).
      - "In a playbook, write references as C(!unsafe '${{Postgres.DATABASE_URL}}') so Ansible does not template them."
      - Values are never returned. Diffs show them, except the values of secrets, which are masked.
        The values of sealed variables, of connection strings (C(://))
        and of variables whose names look secret (C(KEY), C(SECRET), C(TOKEN), C(PASS), C(AUTH), C(DSN), C(*_URL), ...)
        are also removed from every message. Plain settings such as C(LOG_LEVEL) are not, so that they do not mask
        service or environment names that happen to contain them.
    type: dict
    default: {}
  names:
    description:
      - With O(state=absent), more names of variables to remove.
    type: list
    elements: str
    default: []
  state:
    description:
      - V(present) sets the variables; V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), remove the variables of the service (or the shared variables) that O(variables) does not list.
    type: bool
    default: false
  update_mode:
    description:
      - V(compare) writes a value that differs from Railway's; a sealed variable (unreadable) is written only when missing.
      - V(on_create) writes only missing variables and leaves existing ones as they are.
      - V(always) is V(compare), but sealed variables are written on every run (the task then always reports a change).
    type: str
    choices: [compare, on_create, always]
    default: compare
  skip_deploys:
    description:
      - Commit the change without deploying the affected services (stage, then commit with C(skipDeploys)).
    type: bool
    default: false
extends_documentation_fragment:
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
notes:
  - A generated secret is made with Python's C(secrets) module on the controller and sent in the configuration write;
    it is never returned or shown.
seealso:
  - module: railstack.platform.railway_services
  - module: railstack.platform.railway_database
"""

EXAMPLES = r"""
- name: Variables of the API
  railstack.platform.railway_variables:
    project: prela
    environment: production
    service: api
    variables:
      NODE_ENV: production
      PORT: 8080
      DATABASE_URL: !unsafe '${{Postgres.DATABASE_URL}}'
      PUBLIC_URL: !unsafe 'https://${{RAILWAY_PUBLIC_DOMAIN}}'
      APP_KEY:
        generate:
          length: 48
      STRIPE_SECRET_KEY:
        value: "{{ vault_stripe_secret_key }}"
        sealed: true

- name: Shared variables, and nothing else
  railstack.platform.railway_variables:
    project: prela
    environment: production
    variables:
      SENTRY_ENVIRONMENT: production
    exclusive: true

- name: Remove two variables without redeploying
  railstack.platform.railway_variables:
    project: prela
    environment: production
    service: api
    names: [OLD_FLAG, LEGACY_URL]
    state: absent
    skip_deploys: true
"""

RETURN = r"""
service:
  description: C(id) and C(name) of the service; null for shared variables.
  returned: always
  type: dict
environment:
  description: C(id), C(name) and C(project_id) of the environment.
  returned: always
  type: dict
redeployed_after_rollback:
  description:
    - The id of the deployment this run made (V(true) in check mode) because the service's latest deployment was a
      rollback, which runs an older deployment's variables rather than the config's; null otherwise. The service
      is deployed again with the same commit (C(serviceInstanceDeployV2) without a commit), with a warning; not
      with O(skip_deploys), and not when this run's change deploys it anyway.
  returned: always
  type: raw
variables:
  description: Names of the service's (or shared) variables after the run; never their values.
  returned: always
  type: list
  elements: str
sealed:
  description: Names of the sealed ones among them.
  returned: always
  type: list
  elements: str
added:
  description: Names of the variables this run adds (or would add, in check mode).
  returned: always
  type: list
  elements: str
updated:
  description: Names of the variables whose value (or sealing) this run changes.
  returned: always
  type: list
  elements: str
removed:
  description: Names of the variables this run removes.
  returned: always
  type: list
  elements: str
staged:
  description: Whether the change went through staged changes (O(skip_deploys=true), or O(staged_changes) V(stage) or V(commit) with staged work pending).
  returned: always
  type: bool
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_variables as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
