# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Cloudflare credentials and endpoint. Keep in sync with cloudflare_argument_spec() in plugins/module_utils/cloudflare.py.
    DOCUMENTATION = r"""
options:
  cloudflare_api_token:
    description:
      - Cloudflare API token, sent as a bearer token. It needs the permissions C(Zone Read) and C(DNS Write) on the zone.
      - If not set, the value of the E(CLOUDFLARE_API_TOKEN) environment variable is used.
      - Required when O(provider=cloudflare).
    type: str
  cloudflare_api_url:
    description:
      - Base URL of Cloudflare's v4 API.
      - If not set, the value of the E(CLOUDFLARE_API_URL) environment variable is used.
      - Point it at the railstack sandbox to work offline.
    type: str
    default: https://api.cloudflare.com/client/v4
"""
