# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_service: one Railway service and its settings in one environment.

The same code as railway_services, with one item: railway_service_plans.converge().
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils.railway import railway_argument_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import STAGED_CHANGES_OPTION, diff_hunk
from ansible_collections.railstack.platform.plugins.module_utils.railway_service_plans import (
    SERVICE_OPTIONS, converge, environment_result)

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    project=dict(type="str", required=True),
    workspace_id=dict(type="str"),
    environment=dict(type="str"),
    skip_deploys=dict(type="bool", default=False),
    staged_changes=STAGED_CHANGES_OPTION,
    **SERVICE_OPTIONS
)
MODULE_KWARGS = dict(required_if=[("state", "present", ("environment",))])


def run(ctx):
    params = ctx.params
    item = {option: params[option] for option in SERVICE_OPTIONS}
    state, rows, outcome, changed = converge(ctx, params, [item], lambda i: "")
    row = rows[0]
    return ctx.result(changed=changed, service=row["result"],
                      environment=environment_result(state) if state.environment else None,
                      staged=outcome["staged"] if changed else False, patch_id=outcome["patch_id"],
                      diff=diff_hunk(state, "service %s" % row["result"]["name"], row["before"], row["after"]))
