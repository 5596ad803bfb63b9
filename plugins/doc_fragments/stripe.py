# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Stripe credentials and endpoint. Keep in sync with stripe_argument_spec() in plugins/module_utils/stripe.py.
    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - Stripe secret (C(sk_)) or restricted (C(rk_)) key.
      - If not set, the value of the E(STRIPE_API_KEY) environment variable is used.
      - A live-mode key is refused unless O(allow_live=true).
    type: str
    required: true
  api_base:
    description:
      - Base URL of Stripe's API, without C(/v1).
      - If not set, the value of the E(STRIPE_API_BASE) environment variable is used.
    type: str
    default: https://api.stripe.com
  allow_live:
    description:
      - Allow a live-mode key (C(sk_live_), C(rk_live_)).
    type: bool
    default: false
  validate_certs:
    description:
      - Whether to validate TLS certificates of O(api_base).
    type: bool
    default: true
  timeout:
    description:
      - Timeout in seconds of each HTTP request.
    type: int
    default: 30
notes:
  - Every request pins C(Stripe-Version) to V(2026-10-28.endive), the API version of stripe-python 16.1.0, so
    answers keep one shape whatever the account's default version is.
  - Every write carries an C(Idempotency-Key) that is new for the run and reused only when the same request is
    retried (connection errors, HTTP 429 and 5xx), so a retried create cannot create twice. A second run finds
    objects again by their natural key (an id, a lookup key, a metadata marker), never by an old key.
  - Every result has C(livemode), the mode of the key used.
"""

    # The metadata option of the stripe_* modules that manage an object with metadata.
    METADATA = r"""
options:
  metadata:
    description:
      - Metadata keys to set. Keys not listed are left alone; a key whose value is null or an empty string is
        removed.
      - C(railstack_key) is the module's own marker and cannot be set here.
    type: dict
"""
