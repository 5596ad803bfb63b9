# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Clerk credentials and endpoint. Keep in sync with clerk_argument_spec() in plugins/module_utils/clerk.py.
    DOCUMENTATION = r"""
options:
  secret_key:
    description:
      - Clerk secret key of the instance (C(sk_test_...) for a development instance, C(sk_live_...) for a production
        one), sent as a bearer token in the C(Authorization) header. One key is one instance.
      - If not set, the value of the E(CLERK_SECRET_KEY) environment variable is used. One of them is required.
    type: str
  api_url:
    description:
      - Base URL of Clerk's Backend API, including C(/v1).
      - If not set, the value of the E(CLERK_API_URL) environment variable is used.
      - Point it at the railstack sandbox to work offline.
    type: str
    default: https://api.clerk.com/v1
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
  - Every request pins the Backend API version with the header C(Clerk-API-Version) set to V(2026-05-12).
  - Requests are spaced to Clerk's sustained rate (100 requests per 10 s on development instances, 1000 on production
    ones); HTTP 429 is retried after C(Retry-After). Reads are retried on 5xx and connection errors; a create whose
    answer is lost is never sent twice, the module looks for what it made instead.
"""
