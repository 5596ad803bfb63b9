# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ids, project answers and the runner the railway_environment and railway_info tests share."""
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute


TOKEN = "rw-account-token-0123456789"

WS = "11111111-1111-4111-8111-111111111111"

PID = "22222222-2222-4222-8222-222222222222"

PROD = "aaaaaaaa-0000-4000-8000-000000000001"

CREDS = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True, timeout=5)


def env_node(env_id, name, source=None, ephemeral=False, config=None):
    node = dict(id=env_id, name=name, isEphemeral=ephemeral, projectId=PID,
                sourceEnvironment=dict(id=source[0], name=source[1]) if source else None)
    if config is not None:
        node["config"] = config
    return node


def project_with(*envs, **extra):
    return dict(project=dict(id=PID, name="prela", environments=dict(edges=[dict(node=e) for e in envs]), **extra))


def run(resource, p, check_mode=False):
    return execute(resource, TaskContext(p, check_mode=check_mode, diff=True, no_log_values={TOKEN}))
