# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Railway credentials and endpoint. Keep in sync with railway_argument_spec() in plugins/module_utils/railway.py.
    DOCUMENTATION = r"""
options:
  api_token:
    description:
      - 'Railway account, workspace or OAuth token, sent as an C(Authorization) Bearer header.'
      - A workspace token needs no O(ignore:workspace_id) where a module has it; its workspace is the token's own.
      - If not set, the value of the E(RAILWAY_API_TOKEN) environment variable is used.
      - One of O(api_token) and O(project_token) is required. When both are set, O(project_token) is used.
    type: str
  project_token:
    description:
      - Railway project token, bound to one environment of one project, sent as C(Project-Access-Token).
      - If not set, the value of the E(RAILWAY_TOKEN) environment variable is used.
    type: str
  api_url:
    description:
      - Railway's GraphQL endpoint. The collection adds C(?source=railstack-platform) to it, since Railway's edge
        limits requests without a query string much more strictly.
      - If not set, the value of the E(RAILWAY_API_URL) environment variable is used.
      - Point it at the railstack sandbox to work offline.
    type: str
    default: https://backboard.railway.com/graphql/v2
  validate_certs:
    description:
      - Whether to validate TLS certificates of O(api_url).
    type: bool
    default: true
  timeout:
    description:
      - Timeout in seconds of each HTTP request.
    type: int
    default: 30
notes:
  - Requests that are safe to repeat (reads) are retried on HTTP 429 (honouring C(Retry-After)), 5xx and connection
    errors. A mutation whose answer is lost is never sent twice; the module looks for its effect instead.
  - Requests are spaced to stay within Railway's request budgets (Hobby, 10 a second). A rate limit
    learned by one task is known to the next ones through a state file per API URL and token (it holds a hash
    of the token, never the token) in E(RAILSTACK_CACHE_DIR), else C(~/.cache/railstack-platform). A task that
    starts in a used-up window waits up to two minutes, or fails at once naming the plan's hourly budget.
"""

    # Where a per-environment module works. Keep in sync with railway_environment_spec() in plugins/module_utils/railway.py.
    ENVIRONMENT = r"""
options:
  project:
    description:
      - The project, by id or by name.
    type: str
    required: true
  workspace_id:
    description:
      - Workspace to look for O(project) in when it is given by name. When not set, every workspace the token sees.
    type: str
  environment:
    description:
      - The environment, by id or by name. With ids for both O(project) and O(environment), one request reads both.
    type: str
    required: true
"""
