# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_volume: a volume mounted on a service in one environment.

The volume (project level) is made with volumeCreate, detached (no environment), found again after a
lost answer; the config engine's patch then creates its instance here with the size asked (Railway
takes it as the initial size), its mount path and backup schedules. Sizes are checked against the
project's plan (`subscriptionType`) before any write: a shrink, a resize on Free or Trial, or a second
volume in a Free project fails naming the plan. The volume helpers it shares with railway_database
are in railway_volume_plans.
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, railway_argument_spec, railway_environment_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import STAGED_CHANGES_OPTION, Plan, commit, read_state, view
from ansible_collections.railstack.platform.plugins.module_utils.railway_volume_plans import (
    NEW_VOLUME, VOLUME_DELETE, check_size, check_volume_count, commit_or_drop_volume, create_volume, find_volume, plan_volume,
    volume_result)


BACKUP_SCHEDULES = ["DAILY", "WEEKLY", "MONTHLY"]
ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
    service=dict(type="str"),
    name=dict(type="str"),
    mount_path=dict(type="str"),
    size_mb=dict(type="int"),
    backup_schedules=dict(type="list", elements="str", choices=BACKUP_SCHEDULES),
    region=dict(type="str"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    skip_deploys=dict(type="bool", default=False),
    staged_changes=STAGED_CHANGES_OPTION,
)
MODULE_KWARGS = dict(required_if=[("state", "present", ("service",))], required_one_of=[("service", "name")])


def _view(config, volume_id, service_id):
    if not volume_id:
        return {}
    return dict(volume=view((config.get("volumes") or {}).get(volume_id), dict(sizeMB=1, region=1)),
                mount=view(((config.get("services") or {}).get(service_id) or {}).get("volumeMounts", {}).get(volume_id),
                           dict(mountPath=1, backupSchedules=1)))


def _service_id(ctx, state, service):
    sid = state.services.get(service) or (service if service in state.services.values() else None)
    if sid is None and ctx.check_mode:
        ctx.warn("service %r does not exist yet; in check mode its volume is reported as to be created." % service)
    elif sid is None:
        ctx.fail("service: project %s has no service %r (it has: %s)." % (
            state.project["name"], service, ", ".join(sorted(state.services)) or "none"))
    return sid


def run(ctx):
    params = ctx.params
    if params["mount_path"] is not None and not params["mount_path"].startswith("/"):
        ctx.fail("mount_path: an absolute path, got %r." % params["mount_path"])
    client = ctx.register_client(RailwayClient(params))
    state = read_state(ctx, client, params["project"], params["environment"], params["workspace_id"])
    service_id = _service_id(ctx, state, params["service"]) if params["service"] else None
    if service_id and state.exists and state.instance(service_id) is None:
        ctx.fail("service: %s has no instance in environment %s; create it there first (railway_service)." % (
            params["service"], state.environment["name"]))
    volume_id = find_volume(state, service_id, params["name"])

    if params["state"] == "absent":
        if volume_id is None:
            return ctx.result(changed=False, volume={}, diff=({}, {}))
        before = volume_result(state, state.config, volume_id)
        if not ctx.check_mode:
            try:
                client.mutate(VOLUME_DELETE, dict(volumeId=volume_id))
            except ApiError as exc:
                if not exc.lost_response:
                    raise
        return ctx.result(changed=True, volume=before, diff=(_view(state.config, volume_id, before["service"] and before["service"]["id"]), {}))

    check_size(state, volume_id, params["size_mb"])
    if volume_id is None and params["mount_path"] is None:
        ctx.fail("mount_path: needed to create the volume of service %s." % params["service"])
    if volume_id and params["region"] and (state.volume_instance(volume_id) or {}).get("region") not in (None, params["region"]):
        ctx.warn("region: volume %s is in %s; Railway sets the region when a volume is created, so it is left there." % (
            state.volume_names.get(volume_id), state.volume_instance(volume_id).get("region")))
    if volume_id is None:
        check_volume_count(state, "service", "service %s" % params["service"])
    created = None
    if volume_id is None and not ctx.check_mode:
        created = create_volume(client, state, service_id, params["mount_path"], params["region"], params["name"])
        volume_id = created["id"]
        state.volumes[created["name"]] = volume_id

    def planner(s):
        plan = Plan(s)
        plan_volume(plan, volume_id or NEW_VOLUME, service_id or "new:service", params["mount_path"], params["size_mb"],
                    params["backup_schedules"], params["region"])
        return plan

    plan = planner(state)
    outcome = commit_or_drop_volume(client, created, lambda: commit(
        ctx, client, state, planner, "railstack.platform railway_volume: %s" % params["service"], params["skip_deploys"]))
    after = plan.after()
    vid = volume_id or NEW_VOLUME
    changed = bool(created) or plan.changed or volume_id is None
    name = (created or {}).get("name") or params["name"]
    result = volume_result(state, after, vid, name)
    if created and result["size_mb"] is None:
        result["size_mb"] = params["size_mb"]
    return ctx.result(changed=changed, volume=result, staged=outcome["staged"] if changed else False,
                      diff=(_view(state.config, None if created else volume_id, service_id),
                            _view(after, vid, service_id)))
