# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ids, parameters and answers the railway_services and railway_service tests share."""
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import railway_services
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute


TOKEN = "rw-account-token-0123456789"

PID = "22222222-2222-4222-8222-222222222222"

EID = "33333333-3333-4333-8333-333333333333"

API = "44444444-4444-4444-8444-444444444444"

PG = "55555555-5555-4555-8555-555555555555"

PAGE = dict(hasNextPage=False, endCursor=None)


def base(**overrides):
    values = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True,
                  timeout=5, project=PID, workspace_id=None, environment=EID, skip_deploys=False)
    values.update(overrides)
    return values


def item(name, **overrides):
    value = {k: None for k in railway_services.ITEM_OPTIONS}
    value.update(name=name, state="present", scope="environment")
    for key, sub in overrides.items():
        if key in ("source", "build", "deploy") and isinstance(sub, dict):
            full = {k: None for k in railway_services.ITEM_OPTIONS[key]["options"]}
            full.update(sub)
            sub = full
        value[key] = sub
    return value


def state_answer(config, services=(("api", API), ("Postgres", PG)), unmerged=0):
    return dict(project=dict(id=PID, name="prela",
                             environments=dict(edges=[dict(node=dict(id=EID, name="production", isEphemeral=False))]),
                             services=dict(edges=[dict(node=dict(id=i, name=n)) for n, i in services], pageInfo=PAGE),
                             volumes=dict(edges=[], pageInfo=PAGE)),
                environment=dict(id=EID, name="production", projectId=PID, config=config, configEtag="e1",
                                 unmergedChangesCount=unmerged))


def run(module, params, check_mode=False, secrets=()):
    return execute(module, TaskContext(params, check_mode=check_mode, diff=True, no_log_values={TOKEN, *secrets}))
