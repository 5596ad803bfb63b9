# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.plugin_utils.doc_sections import suboptions


class ModuleDocFragment:
    # What follows a service's deployment once it is followed: the probe and the rollback, railway_deployment's and
    # each item of railway_deployments'. Keep in sync with the argument specs of plugins/module_utils/
    # railway_deployment.py and railway_deployments.py (tests/unit/plugins/test_module_docs.py compares them).
    DOCUMENTATION = r"""
options:
  health_check:
    description:
      - A plain HTTP GET of a URL once the deployment succeeded, repeated until it answers as expected or
        O(health_check.timeout) passes.
    type: dict
    suboptions:
      url:
        description:
          - The URL to GET.
        type: str
        required: true
      status_code:
        description:
          - The HTTP status expected.
        type: int
        default: 200
      body:
        description:
          - Text the answer's body must contain.
        type: str
      timeout:
        description:
          - Seconds to keep trying.
        type: int
        default: 60
      interval:
        description:
          - Seconds between two tries.
        type: float
        default: 3.0
      validate_certs:
        description:
          - Whether to validate the URL's TLS certificate.
        type: bool
        default: true
  rollback_on_failure:
    description:
      - When the deployment fails (or its O(health_check) does), roll back to the previous successful deployment
        and wait for that one; the task fails all the same, naming both.
      - A build that failed (C(FAILED)) leaves the previous deployment running; then nothing is rolled back, and
        the failure names the deployment still running.
      - When V(false), a failure says that nothing was rolled back.
    type: bool
    default: false
"""

    # The rest of an item of railway_deployments: the service whose latest deployment is followed, and how long.
    ITEM_SERVICE = r"""
options:
  name:
    description:
      - The service, by name or id.
    type: str
    required: true
  wait_timeout:
    description:
      - Seconds to wait for this service's deployment (counted from the start of the wait, and again for its
        rollback).
    type: int
    default: 900
"""


# Derived, not written again (ansible-test's yamllint reads only literal class attributes; this is built from them):
# railway_deployments documents O(services) itself (description, type) and takes its suboptions from ITEMS, since
# Ansible merges a fragment's option into the module's option of the same name key by key.
ModuleDocFragment.ITEMS = suboptions(
    "services", ModuleDocFragment.ITEM_SERVICE, ModuleDocFragment.DOCUMENTATION, elements=True
)
