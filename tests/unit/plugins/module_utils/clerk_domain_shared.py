# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Domain answers and the runner the clerk_domain and clerk_info tests share."""
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

from .clerk_script import LIVE_SECRET, SECRET


PROD_TARGETS = [dict(host="clerk.prela.app", value="frontend-api.clerk.services", required=True),
                dict(host="accounts.prela.app", value="accounts.clerk.services", required=True),
                dict(host="clkmail.prela.app", value="mail1.abc.clerk.services", required=True),
                dict(host="clk._domainkey.prela.app", value="dkim1.abc.clerk.services", required=True),
                dict(host="clk2._domainkey.prela.app", value="dkim2.abc.clerk.services", required=True)]


def primary(name="prela.app", targets=None, proxy_url=None):
    return dict(object="domain", id="dmn_primary", name=name, is_satellite=False, frontend_api_url="https://clerk." + name,
                accounts_portal_url="https://accounts." + name, proxy_url=proxy_url, development_origin="",
                cname_targets=PROD_TARGETS if targets is None else targets)


def satellite(name="prela.dev", domain_id="dmn_sat"):
    return dict(object="domain", id=domain_id, name=name, is_satellite=True, frontend_api_url="https://clerk." + name,
                accounts_portal_url=None, proxy_url=None, development_origin="",
                cname_targets=[dict(host="clerk." + name, value="frontend-api.clerk.services", required=True)])


def dev_primary():
    return dict(object="domain", id="dmn_dev", name="brave-otter-42.accounts.dev", is_satellite=False,
                frontend_api_url="https://brave-otter-42.clerk.accounts.dev",
                accounts_portal_url="https://brave-otter-42.accounts.dev", proxy_url=None, development_origin="",
                cname_targets=None)


def listing(*domains):
    return dict(data=list(domains), total_count=len(domains))


def run(resource, p, check_mode=False, diff=True):
    return execute(resource, TaskContext(p, check_mode=check_mode, diff=diff, no_log_values={SECRET, LIVE_SECRET}))
