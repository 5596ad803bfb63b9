# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The options of the HTTP core every provider client takes (validate_certs, timeout), documented once.

Not a fragment of its own: the Railway, Stripe and Clerk fragments put this text in their options.
Keep in sync with the argument specs of plugins/module_utils/railway.py, stripe.py and clerk.py.
"""

from __future__ import annotations

HTTP_OPTIONS = r"""
validate_certs:
  description:
    - Whether to validate TLS certificates of O({endpoint}).
  type: bool
  default: true
timeout:
  description:
    - Timeout in seconds of each HTTP request.
  type: int
  default: 30
"""


def indented(text: str, spaces: int) -> str:
    """Text at column 0 moved right by `spaces` (blank lines left blank), ending with one newline."""
    return "".join((" " * spaces + line if line.strip() else line) for line in text.strip("\n").splitlines(True)) + "\n"


def http_options(endpoint: str, spaces: int = 2) -> str:
    """validate_certs and timeout, for a client whose endpoint is the option `endpoint` (api_url, railway.api_url)."""
    return indented(HTTP_OPTIONS.replace("{endpoint}", endpoint), spaces)
