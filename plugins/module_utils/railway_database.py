# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_database: Postgres, Redis, MySQL or MongoDB built the way Railway's own templates build them
(their shapes are data: railway_database_templates.py).

A template deploy (templateDeployV2) is not idempotent, so the same shape is built by hand:
serviceCreate (name only) + volumeCreate (detached) + ONE config patch with the image, the start
command, deploy.requiredMountPath, the standard variables (a generated password), the TCP proxy when
public, and the volume's instance: its size (Railway takes it as the initial size) and its mount at
the engine's data path. Sizes and the volumes per project are checked against the plan first. Found again by name on later runs, where only what
differs is written: an existing database (one made from Railway's template too) keeps its
password, its image and its variables; nothing is redeployed unless a setting changes.
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, railway_argument_spec, railway_environment_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import STAGED_CHANGES_OPTION, read_state
from ansible_collections.railstack.platform.plugins.module_utils.railway_database_plans import (
    DATABASE_OPTIONS, TEMPLATES, converge, database_name, validate_database)
from ansible_collections.railstack.platform.plugins.module_utils.railway_service_plans import delete_service

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
    **DATABASE_OPTIONS,
    state=dict(type="str", default="present", choices=["present", "absent"]),
    skip_deploys=dict(type="bool", default=False),
    staged_changes=STAGED_CHANGES_OPTION,
)
MODULE_KWARGS = dict(mutually_exclusive=[("version", "image")])
_validate = validate_database      # stack_check checks a stack's databases with it
__all__ = ["ARGUMENT_SPEC", "MODULE_KWARGS", "TEMPLATES", "run"]


def _remove(ctx, client, state, params, name, service_id):
    """state=absent: delete the database's service (its volume goes with it)."""
    if service_id is None:
        return ctx.result(changed=False, engine=params["engine"], service={}, volume={}, variables=[], references={},
                          diff=({}, {}))
    if not ctx.check_mode:
        delete_service(client, state, service_id, name)
    return ctx.result(changed=True, engine=params["engine"], service=dict(id=service_id, name=name), volume={},
                      variables=[], references={}, diff=(dict(service=name), {}))


def run(ctx):
    params = ctx.params
    validate_database(params)
    name = database_name(params)
    client = ctx.register_client(RailwayClient(params))
    state = read_state(ctx, client, params["project"], params["environment"], params["workspace_id"])
    if params["state"] == "absent":
        return _remove(ctx, client, state, params, name, state.services.get(name))
    row = converge(ctx, client, state, [params], lambda index: "", "railstack.platform railway_database: %s" % name)[0][0]
    return ctx.result(diff=(row["before"], row["after"]), **row["result"])
