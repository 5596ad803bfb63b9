# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The key and runner the stripe_coupon and stripe_tax_rate tests share."""
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute


KEY = "sk_test_unit0123456789abcdef"

BASE = dict(api_key=KEY, api_base="http://stripe.invalid", allow_live=False, validate_certs=True, timeout=5)


def run(resource, p, check_mode=False):
    return execute(resource, TaskContext(p, check_mode=check_mode, diff=True, no_log_values={KEY}))
