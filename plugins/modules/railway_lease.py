#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: railway_lease
short_description: Take or release the lease that lets one run of a stack write at a time
version_added: 0.1.0
description:
  - Two runs of one stack started together (an AWX job launched twice, a CI retry, two people) must never both write.
    The run that takes the lease writes; another run waits for it (O(wait)) or fails before any write, naming the holder.
  - The lease is kept at Railway, so it holds across machines. It is a service named C(railstack-lease), with no source
    (nothing deploys), in the stack's project. Railway refuses a second service of one name in a project, so creating it
    is a compare-and-set that one run wins. Its variables name the holder (run id, host, start).
  - With O(state=present), the project is found by name and created when there is none. Project names are not unique at
    Railway, so a run that created a project and then sees an older one of the same name deletes its own (empty) project
    and uses the older one, so two runs racing on an empty account end with one project.
    Several projects of the name that stay are a stack duplicated earlier; the task fails naming each one and which to
    delete, and writes nothing.
  - A lease older than O(ttl_minutes) belongs to a run that was killed; it is taken over, with a warning naming its holder.
  - In check mode nothing is written and no lease is taken; a held lease is reported as a warning.
  - Runs on the controller as an action plugin.
author:
  - railstack.platform developers (@railstack)
options:
  project:
    description:
      - Name of the stack's Railway project.
    type: str
    required: true
  workspace_id:
    description:
      - Workspace of the project. Needed to create the project when the token sees several workspaces.
    type: str
  description:
    description:
      - Description given to the project when this task creates it.
    type: str
  pr_deploys:
    description:
      - Whether pull requests get their own environment, when this task creates the project.
    type: bool
  default_environment:
    description:
      - Name of the first environment of the project, when this task creates it.
    type: str
    default: production
  state:
    description:
      - V(present) takes the lease (creating the project when there is none); V(absent) releases the lease O(lease_id).
    type: str
    choices: [present, absent]
    default: present
  lease_id:
    description:
      - The lease to release (RV(lease.id) of the task that took it). Required with O(state=absent).
      - A lease already gone (taken over by another run) is reported as a warning.
    type: str
  run_id:
    description:
      - How this run is named in the lease (shown to other runs). A random id by default.
    type: str
  wait:
    description:
      - Seconds to wait for another run holding the lease to release it, trying again every few seconds.
        V(0) fails at once, naming the holder.
    type: int
    default: 0
  ttl_minutes:
    description:
      - A lease older than this many minutes is stale (its run was killed) and is taken over.
        Keep it longer than the longest run of the stack.
    type: int
    default: 60
  take_over:
    description:
      - Take the lease even when it is held and not stale, for when you know its holder is gone. The holder is named in
        a warning.
    type: bool
    default: false
extends_documentation_fragment:
  - railstack.platform.railway
  - railstack.platform.attributes
  - railstack.platform.attributes.RAILWAY_GROUP
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - The lease needs an account or workspace token (O(api_token)); a project token cannot create services.
seealso:
  - module: railstack.platform.railway_project
"""

EXAMPLES = r"""
- name: Take the lease of the stack (wait up to 10 minutes for another run)
  railstack.platform.railway_lease:
    project: prela-backend
    wait: 600
  register: lease

- name: Release it
  railstack.platform.railway_lease:
    project: prela-backend
    state: absent
    lease_id: "{{ lease.lease.id }}"
  when: lease.lease.id | default('') | length > 0
"""

RETURN = r"""
lease:
  description: The lease this run took. Empty in check mode and when releasing.
  returned: always with O(state=present)
  type: dict
  contains:
    id:
      description: Id of the lease (the id of the C(railstack-lease) service); give it to O(lease_id) to release.
      type: str
    project_id:
      description: Id of the project the lease is on.
      type: str
    created_at:
      description: When the lease was taken, by Railway's clock.
      type: str
    holder:
      description: Who holds it (C(run)).
      type: dict
project:
  description: The project (as M(railstack.platform.railway_project) returns it). Empty in check mode before it exists.
  returned: always with O(state=present)
  type: dict
waited_for:
  description: The holder (C(run), C(host), C(started)) of the lease this run waited for before taking it, or null.
  returned: when a lease was taken
  type: dict
released:
  description: Whether the lease was released by this task.
  returned: with O(state=absent)
  type: bool
api_requests:
  description: How many HTTP requests the task sent to Railway.
  returned: always
  type: int
"""

from ansible_collections.railstack.platform.plugins.module_utils import railway_lease as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
