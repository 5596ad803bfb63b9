#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: sandbox
short_description: Start or stop the local railstack sandbox that stands in for Railway, Stripe, Clerk and Cloudflare
version_added: 0.1.0
description:
  - Starts C(python -m railstack_sandbox) in the background, its state kept in O(state_dir), and returns its env file's
    values (every API URL and the sandbox's fake credentials), or finds the one already running from that directory.
  - Stops it with O(state=stopped). The state file stays, so the next start sees what earlier runs made.
  - With O(state=auto) it starts only when no provider credential and no API URL at all is set in the task's
    environment (the controller's, with the task's C(environment) keyword over it). When some are set, every provider
    in O(providers) must have its credential, else the task fails naming what is missing, and no sandbox is used, so
    a provider with a real credential is never pointed at the sandbox. The C(railstack.platform.site) playbook works
    this way.
  - The sandbox's code ships with the collection (its C(sandbox/) directory) and runs with that copy first on
    C(PYTHONPATH); the interpreter in O(python) needs the collection's Python requirements (C(requirements.txt),
    which holds C(graphql-core)).
author:
  - railstack.platform developers (@railstack)
options:
  state:
    description:
      - V(started) starts the sandbox unless one started from O(state_dir) is answering; V(stopped) stops it.
      - V(auto) starts it like V(started) only when no provider credential or API URL is set in the environment
        (see the description); otherwise it checks the credentials of O(providers) and returns RV(used=false).
    type: str
    choices: [started, stopped, auto]
    default: started
  state_dir:
    description:
      - Where the state file (C(state.json)), env file, pid file and log are kept.
      - Default C($XDG_CACHE_HOME/railstack/sandbox), or C(~/.cache/railstack/sandbox).
    type: path
  python:
    description:
      - The Python interpreter that runs the sandbox. Default the controller's own.
    type: path
  args:
    description:
      - More arguments for the sandbox, such as C(--latency-ms 30) or C(--record traffic.jsonl).
    type: list
    elements: str
    default: []
  start_timeout:
    description:
      - Seconds to wait for the sandbox to listen.
    type: int
    default: 30
  providers:
    description:
      - With O(state=auto), the providers the run needs. When some provider setting is set, each of these must have
        its credential in the environment (C(RAILWAY_API_TOKEN) or C(RAILWAY_TOKEN), C(STRIPE_API_KEY),
        C(CLERK_SECRET_KEY), C(CLOUDFLARE_API_TOKEN), C(NAMECHEAP_API_USER) with C(NAMECHEAP_API_KEY) and
        C(NAMECHEAP_CLIENT_IP)); with none set, the sandbox must stand in for each (it has no Route 53).
    type: list
    elements: str
    choices: [railway, stripe, clerk, cloudflare, namecheap, route53]
    default: [railway]
  start_without_credentials:
    description:
      - With O(state=auto), V(false) fails instead of starting the sandbox when no provider credential is set.
    type: bool
    default: true
extends_documentation_fragment:
  - railstack.platform.attributes
attributes:
  check_mode:
    support: none
    details: Starting or stopping a local process is not a change to the stack; run it with C(check_mode=false).
  diff_mode:
    support: none
  action:
    support: full
    details: It runs only as an action plugin, on the controller; this file holds its documentation.
notes:
  - The result is marked no_log, as it carries the sandbox's (fake) credentials.
seealso:
  - module: railstack.platform.stack_check
"""

EXAMPLES = r"""
- name: A sandbox for this play
  railstack.platform.sandbox:
    state_dir: /tmp/my-sandbox
  register: sandbox
  check_mode: false

- name: Converge against it
  railstack.platform.railway_project:
    name: demo
    api_url: "{{ sandbox.env.RAILWAY_API_URL }}"
    api_token: "{{ sandbox.env.RAILWAY_API_TOKEN }}"

- name: The sandbox only if no provider credential is set (fails on a partial set)
  railstack.platform.sandbox:
    state: auto
    providers: [railway, stripe]
  register: sandbox
  check_mode: false

- name: Stop it
  railstack.platform.sandbox:
    state: stopped
    state_dir: /tmp/my-sandbox
"""

RETURN = r"""
env:
  description: The env file's values, C(RAILWAY_API_URL), C(RAILWAY_API_TOKEN), C(STRIPE_API_BASE), C(STRIPE_API_KEY), ...,
    C(RAILSTACK_SANDBOX_URL); empty when stopped.
  returned: always
  type: dict
url:
  description: The sandbox's base URL.
  returned: when started
  type: str
started:
  description: Whether this task started it (false when one was already running).
  returned: when started
  type: bool
used:
  description: Whether the sandbox is in use (false when O(state=auto) found provider credentials).
  returned: when started
  type: bool
credential_names:
  description: The names (never the values) of the provider variables set, when O(state=auto) did not use the sandbox.
  returned: when not used
  type: list
  elements: str
fresh:
  description: Whether its state file did not exist before (an empty sandbox).
  returned: when started
  type: bool
pid:
  description: Process id of the sandbox.
  returned: when started
  type: int
stopped:
  description: Whether a running sandbox was stopped.
  returned: when stopped
  type: bool
state_dir:
  description: The directory of its state, env file, pid file and log.
  returned: always
  type: str
env_file:
  description: Path of its env file (C(. file) in a shell points a shell at it).
  returned: when started
  type: str
state_file:
  description: Path of its state file.
  returned: when started
  type: str
log_file:
  description: Path of its log.
  returned: when started
  type: str
"""
