# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ids, parameters and answers the railway_volume and railway_database tests share."""
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute


TOKEN = "rw-account-token-0123456789"

PID = "22222222-2222-4222-8222-222222222222"

EID = "33333333-3333-4333-8333-333333333333"

API = "44444444-4444-4444-8444-444444444444"

VOL = "66666666-6666-4666-8666-666666666666"

PAGE = dict(hasNextPage=False, endCursor=None)


def answer(config, services=(("api", API),), volumes=(), plan="hobby"):
    return dict(project=dict(id=PID, name="prela", subscriptionType=plan,
                             environments=dict(edges=[dict(node=dict(id=EID, name="production", isEphemeral=False))]),
                             services=dict(edges=[dict(node=dict(id=i, name=n)) for n, i in services], pageInfo=PAGE),
                             volumes=dict(edges=[dict(node=dict(id=i, name=n)) for n, i in volumes], pageInfo=PAGE)),
                environment=dict(id=EID, name="production", projectId=PID, config=config, configEtag="e", unmergedChangesCount=0))


def common(**overrides):
    values = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True,
                  timeout=5, project=PID, workspace_id=None, environment=EID, skip_deploys=False, state="present")
    values.update(overrides)
    return values


def db_params(**overrides):
    values = common(engine="postgres", name=None, version=None, image=None, public=None, size_mb=None, backup_schedules=None,
                    region=None, redis_maxmemory=None, redis_maxmemory_policy=None)
    values.update(overrides)
    return values


def run(module, params, check_mode=False):
    return execute(module, TaskContext(params, check_mode=check_mode, diff=True, no_log_values={TOKEN}))
