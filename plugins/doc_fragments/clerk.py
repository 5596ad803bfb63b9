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
      - Clerk secret key of the instance, sent as C(Authorization: Bearer).
      - If not set, the value of the E(CLERK_SECRET_KEY) environment variable is used.
    type: str
    required: true
  api_url:
    description:
      - Base URL of Clerk's Backend API, including C(/v1).
      - If not set, the value of the E(CLERK_API_URL) environment variable is used.
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
"""
