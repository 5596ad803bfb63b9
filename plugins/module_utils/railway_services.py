# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_services: many services of one environment in one read and one config write.

railway_service is the same code with one item: both run railway_service_plans.converge().
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils.railway import railway_argument_spec, railway_environment_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import STAGED_CHANGES_OPTION, diff_hunk
from ansible_collections.railstack.platform.plugins.module_utils.railway_service_plans import (
    SERVICE_OPTIONS, converge, environment_result)


# A service's plan record (stack_check's) holds the steps after this module too; it takes them and leaves them to the
# modules that do them (railway_volumes, railway_domains, railway_deployments), so a record is passed whole.
STEP_OPTIONS = dict(
    role=dict(type="str", choices=["web", "static", "worker", "scheduler"]),
    volume=dict(type="dict"),
    service_domain=dict(type="raw"),
    target_port=dict(type="int"),
    domains=dict(type="list", elements="dict"),
    health_check=dict(type="dict"),
    wait=dict(type="bool"),
    wait_timeout=dict(type="int"),
    rollback_on_failure=dict(type="bool"),
    public_address=dict(type="str"),
)
ITEM_OPTIONS = dict(SERVICE_OPTIONS, variables=dict(type="dict", no_log=False), **STEP_OPTIONS)   # see railway_variables.SECRET_NAME_RE
ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
    services=dict(type="list", elements="dict", required=True, options=ITEM_OPTIONS),
    skip_deploys=dict(type="bool", default=False),
    staged_changes=STAGED_CHANGES_OPTION,
    changed_shared_variables=dict(type="list", elements="str", default=[]),
    planned_services=dict(type="dict", default={}),
    staged_by_run=dict(type="dict", options=dict(environment_id=dict(type="str"), patch_id=dict(type="str", required=True),
                                                 touches=dict(type="list", elements="str", required=True))),
)


def diff_hunks(state, rows):
    """One diff per service that differs, headed by the environment and the service (what a reviewer reads)."""
    return [diff_hunk(state, "service %s" % row["result"]["name"], row["before"], row["after"])
            for row in rows if row["before"] != row["after"]]


def run(ctx):
    params = ctx.params
    state, rows, outcome, changed = converge(ctx, params, params["services"], lambda i: "services[%d]" % i)
    return ctx.result(changed=changed, services=[row["result"] for row in rows], environment=environment_result(state),
                      staged=outcome["staged"] if changed else False, patch_id=outcome["patch_id"],
                      diff=diff_hunks(state, rows))
