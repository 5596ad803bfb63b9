# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_volume: a volume mounted on a service in one environment.

The volume (project level) is made with volumeCreate, detached (no environment), found again after a
lost answer; the config engine's patch then creates its instance here with the size asked (Railway
takes it as the initial size), its mount path and backup schedules. Sizes are checked against the
project's plan (`subscriptionType`) before any write: a shrink, a resize on Free or Trial, or a second
volume in a Free project fails naming the plan. railway_volumes is the same code with many
items (railway_volume_plans.converge_volumes); railway_database shares its volume helpers.
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, railway_argument_spec, railway_environment_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import STAGED_CHANGES_OPTION, read_state
from ansible_collections.railstack.platform.plugins.module_utils.railway_volume_plans import (
    VOLUME_DELETE, VOLUME_OPTIONS, converge_volumes, find_volume, volume_result, volume_service_id, volume_view)


ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
    **VOLUME_OPTIONS,
    state=dict(type="str", default="present", choices=["present", "absent"]),
    skip_deploys=dict(type="bool", default=False),
    staged_changes=STAGED_CHANGES_OPTION,
)
MODULE_KWARGS = dict(required_if=[("state", "present", ("service",))], required_one_of=[("service", "name")])


def _remove(ctx, client, state, params):
    """state=absent: delete the volume (found by name, else the one the service mounts here)."""
    service_id = volume_service_id(ctx, state, params["service"]) if params["service"] else None
    volume_id = find_volume(state, service_id, params["name"])
    if volume_id is None:
        return ctx.result(changed=False, volume={}, diff=({}, {}))
    before = volume_result(state, state.config, volume_id)
    if not ctx.check_mode:
        try:
            client.mutate(VOLUME_DELETE, dict(volumeId=volume_id))
        except ApiError as exc:
            if not exc.lost_response:
                raise
    return ctx.result(changed=True, volume=before,
                      diff=(volume_view(state.config, volume_id, before["service"] and before["service"]["id"]), {}))


def run(ctx):
    params = ctx.params
    if params["mount_path"] is not None and not params["mount_path"].startswith("/"):
        ctx.fail("mount_path: an absolute path, got %r." % params["mount_path"])
    client = ctx.register_client(RailwayClient(params))
    state = read_state(ctx, client, params["project"], params["environment"], params["workspace_id"])
    if params["state"] == "absent":
        return _remove(ctx, client, state, params)
    row = converge_volumes(ctx, client, state, [params], lambda index: "",
                           "railstack.platform railway_volume: %s" % params["service"])[0]
    result = row["result"]
    changed, staged = result.pop("changed"), result.pop("staged")
    return ctx.result(changed=changed, volume=result, staged=staged, diff=(row["before"], row["after"]))
