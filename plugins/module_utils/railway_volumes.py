# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_volumes: the volumes of one environment's services in one read and one config write.

railway_volume is the same code with one item: both run railway_volume_plans.converge_volumes(). Every
item is checked (its service, its size, the volumes per project of the plan) before the first write.
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, railway_argument_spec, railway_environment_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import STAGED_CHANGES_OPTION, diff_hunk, read_state
from ansible_collections.railstack.platform.plugins.module_utils.railway_volume_plans import VOLUME_OPTIONS, converge_volumes

ITEM_OPTIONS = dict(VOLUME_OPTIONS, service=dict(type="str", required=True))
ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
    volumes=dict(type="list", elements="dict", required=True, options=ITEM_OPTIONS),
    skip_deploys=dict(type="bool", default=False),
    staged_changes=STAGED_CHANGES_OPTION,
)


def where_of(index: int) -> str:
    return "volumes[%d]." % index


def validate_items(items: list[dict]) -> None:
    """A service mounts one volume, and a volume is mounted once: each given once, before any request."""
    services: dict[str, int] = {}
    names: dict[str, int] = {}
    for index, item in enumerate(items):
        for key, seen in (("service", services), ("name", names)):
            if item[key] is None:
                continue
            if item[key] in seen:
                raise TaskFailed("%s%s: %s is also in volumes[%d]; a service mounts one volume and a volume is mounted "
                                 "once." % (where_of(index), key, item[key], seen[item[key]]))
            seen[item[key]] = index


def run(ctx):
    params = ctx.params
    validate_items(params["volumes"])
    if not params["volumes"]:
        return ctx.result(changed=False, volumes=[], diff=[])
    client = ctx.register_client(RailwayClient(params))
    state = read_state(ctx, client, params["project"], params["environment"], params["workspace_id"])
    rows = converge_volumes(ctx, client, state, params["volumes"], where_of,
                            "railstack.platform: %d volume(s)" % len(params["volumes"]))
    changed = any(row["result"]["changed"] for row in rows)
    return ctx.result(changed=changed, volumes=[row["result"] for row in rows],
                      staged=any(row["result"]["staged"] for row in rows),
                      diff=[diff_hunk(state, "volume of service %s" % row["service"], row["before"], row["after"])
                            for row in rows if row["before"] != row["after"]])
