# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""Railway volumes as railway_volume and railway_database plan them: library code, no resource of its own.

find_volume() (a service's volume, or one by name), create_volume() (detached, found again after a lost
answer), commit_or_drop_volume() (no volume left behind when the config write fails), the plan's size
and count limits (check_size, check_volume_count, which stack_plan reuses) and plan_volume() (the
volume's instance and mount in the config engine's patch).
"""

from __future__ import annotations

from typing import Callable

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed, create_or_find_again
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, nodes
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import DELETE, EnvironmentState, Plan, commit, view


VOLUME_CREATE = "mutation volumeCreate($input: VolumeCreateInput!) { volumeCreate(input: $input) { id name } }"
VOLUME_UPDATE = "mutation volumeUpdate($volumeId: String!, $input: VolumeUpdateInput!) { volumeUpdate(volumeId: $volumeId, input: $input) { id name } }"
VOLUME_DELETE = "mutation volumeDelete($volumeId: String!) { volumeDelete(volumeId: $volumeId) }"
NEW_VOLUME = "new:volume"


def mounted_volume(config, service_id):
    """(volume id, mount) of the volume a service instance mounts, or (None, None)."""
    mounts = (((config.get("services") or {}).get(service_id) or {}).get("volumeMounts")) or {}
    for volume_id, mount in sorted(mounts.items()):
        return volume_id, mount or {}
    return None, None


def mounting_service(config, volume_id):
    for service_id, instance in (config.get("services") or {}).items():
        if volume_id in ((instance or {}).get("volumeMounts") or {}):
            return service_id
    return None


def find_volume(state, service_id, name=None, option="name"):
    """The id of the volume meant: by name, else the one the service mounts here; None when there is none."""
    mounted = mounted_volume(state.config, service_id)[0] if service_id else None
    if name:
        volume_id = state.volumes.get(name)
        if volume_id and mounted and mounted != volume_id:
            raise TaskFailed("%s: service %s already mounts volume %s in %s; a service mounts one volume." % (
                option, state.service_names.get(service_id, service_id), state.volume_names.get(mounted, mounted),
                state.environment["name"]))
        if volume_id is None and mounted:
            raise TaskFailed("%s: no volume is called %r, and service %s already mounts volume %s in %s." % (
                option, name, state.service_names.get(service_id, service_id), state.volume_names.get(mounted, mounted),
                state.environment["name"]))
        return volume_id
    return mounted


def create_volume(client: RailwayClient, state: EnvironmentState, service_id: str, mount_path: str,
                  region: str | None = None, name: str | None = None) -> dict:
    """volumeCreate detached (no environment): the config patch creates its instance, with its size and mount.

    Railway takes the `sizeMB` of the patch that creates the instance (`isCreated`) as its initial size,
    so a volume is made the size asked in one run, never made first and then resized. Renamed when a name
    is asked; found again (the one new volume of the project) when the answer is lost.
    """
    volume_input = dict(projectId=state.project["id"], serviceId=service_id, mountPath=mount_path, environmentId=None)
    if region:
        volume_input["region"] = region
    known = set(state.volumes.values())
    # detached: no environment's config (nor its configEtag) changes until the patch creates the instance

    def create():
        return client.mutate(VOLUME_CREATE, dict(input=volume_input))["volumeCreate"]

    def find_again():
        volumes = client.get_project(state.project["id"], "volumes(first: 100) { edges { node { id name } } }")["volumes"]
        new = [v for v in nodes(volumes) if v["id"] not in known]
        return new[0] if len(new) == 1 else None

    volume = create_or_find_again(create, find_again)
    if name and volume.get("name") != name:
        volume = client.mutate(VOLUME_UPDATE, dict(volumeId=volume["id"], input=dict(name=name)))["volumeUpdate"]
    return volume


def commit_or_drop_volume(client: RailwayClient, created: dict | None, write: Callable[[], dict]) -> dict:
    """commit_or_drop_volumes() with the one volume this run made (or none)."""
    return commit_or_drop_volumes(client, [created] if created else [], write)


def commit_or_drop_volumes(client: RailwayClient, created: list[dict], write: Callable[[], dict]) -> dict:
    """Run `write()` (the patch creating the volumes' instances); if Railway refuses it, delete the volumes made
    detached in this run (they have no instance and no data yet), so that a later run starts clean, then re-raise."""
    try:
        return write()
    except (ApiError, TaskFailed) as exc:
        if not getattr(exc, "lost_response", False):
            for volume in created:
                try:
                    client.mutate(VOLUME_DELETE, dict(volumeId=volume["id"]))
                except ApiError:
                    pass
        raise


# Railway's plans as they concern volumes (docs volumes/reference.md): the size of a new volume,
# whether a volume can be resized (grown; nothing shrinks), and how many volumes a project may have.
PLAN_VOLUMES = dict(
    free=dict(title="Free", first_mb=500, resize=False, per_project=1),
    trial=dict(title="Trial", first_mb=500, resize=False, per_project=None),
    hobby=dict(title="Hobby", first_mb=5000, resize=True, per_project=None),
    pro=dict(title="Pro", first_mb=50000, resize=True, per_project=None),
)
PAID_PLAN_HINT = "or move the workspace to Railway's Hobby or Pro plan"


def plan_limits(state: EnvironmentState) -> dict | None:
    """The volume limits of the project's plan (`subscriptionType`), or None while the plan is not known."""
    return PLAN_VOLUMES.get((state.plan or "").lower())


def check_size(state: EnvironmentState, volume_id: str | None, size_mb: int | None, option: str = "size_mb") -> None:
    """Refuse, before any write, a size the project's plan would refuse: a shrink, or a resize on Free/Trial.

    A new volume starts at the plan's first size (Free and Trial 500 MB, Hobby 5000 MB, Pro 50000 MB); on Pro
    anything smaller is a shrink. Only on paid plans does a volume grow past that.
    """
    if size_mb is None:
        return
    if size_mb <= 0:
        raise TaskFailed("%s: a size in MB, more than 0; got %d." % (option, size_mb))
    current = (state.volume_instance(volume_id) or {}).get("sizeMB") if volume_id else None
    limits = plan_limits(state)
    if current is None:
        _check_new_size(limits, size_mb, option)
    elif size_mb < current:
        raise TaskFailed("%s: volume %s is %d MB in %s and Railway volumes only grow; asked %d MB. Give %d or more "
                         "(or leave %s out)." % (option, state.volume_names.get(volume_id, volume_id), current,
                                                 state.environment["name"], size_mb, current, option))
    elif size_mb > current and limits and not limits["resize"]:
        raise TaskFailed("%s: Railway's %s plan cannot resize volumes: volume %s is %d MB in %s and %s %d asks for more. "
                         "Leave %s out (or give %d), %s." % (
                             option, limits["title"], state.volume_names.get(volume_id, volume_id), current,
                             state.environment["name"], option, size_mb, option, current, PAID_PLAN_HINT))


def _check_new_size(limits: dict | None, size_mb: int, option: str) -> None:
    if limits is None:
        return
    first = limits["first_mb"]
    if not limits["resize"] and size_mb != first:
        raise TaskFailed("%s: Railway's %s plan creates volumes of %d MB and cannot resize them: %s %d cannot be given. "
                         "Leave %s out (or give %d), %s." % (option, limits["title"], first, option, size_mb, option,
                                                             first, PAID_PLAN_HINT))
    if size_mb < first:
        raise TaskFailed("%s: Railway's %s plan creates volumes of %d MB and volumes only grow: %s %d would be a shrink. "
                         "Give %d or more (or leave %s out)." % (option, limits["title"], first, option, size_mb, first,
                                                                 option))


def check_volume_count(state: EnvironmentState, option: str, owner: str, planned: int = 0) -> None:
    """Refuse, before any write, a new volume beyond the plan's volumes per project (Free: 1).

    `planned`: new volumes the same task makes before this one (railway_volumes, railway_databases)."""
    limits = plan_limits(state)
    if not limits or limits["per_project"] is None or len(state.volumes) + planned < limits["per_project"]:
        return
    has = "has %s already" % (", ".join(sorted(state.volumes)) or "none")
    if planned:
        has = "%s, and this task's list creates %d before it" % (has[:-len(" already")], planned)
    raise TaskFailed("%s: Railway's %s plan allows %d volume per project, and project %s %s; the volume of "
                     "%s cannot be created. Use an existing volume, another project, %s. Nothing was written." % (
                         option, limits["title"], limits["per_project"], state.project["name"],
                         has, owner, PAID_PLAN_HINT))


def plan_volume(plan, volume_id, service_id, mount_path=None, size_mb=None, backup_schedules=None, region=None):
    """Plan a volume instance (size; region when the patch creates it) and its mount on a service (path, backups)."""
    state = plan.state
    new = volume_id.startswith("new:")
    volume = {}
    if size_mb is not None:
        volume["sizeMB"] = size_mb
    if region and (new or state.volume_instance(volume_id) is None):
        volume["region"] = region
    plan.volume(volume_id, volume, new=new)
    mount = {}
    if mount_path is not None:
        mount["mountPath"] = mount_path
    if backup_schedules is not None:
        mount["backupSchedules"] = list(backup_schedules)
    other = None if new else mounting_service(state.config, volume_id)
    if other and other != service_id:
        plan.service(other, dict(volumeMounts={volume_id: DELETE}))
    plan.service(service_id, dict(volumeMounts={volume_id: mount}))


def volume_result(state, config, volume_id, name=None):
    instance = (config.get("volumes") or {}).get(volume_id) or {}
    service_id = mounting_service(config, volume_id)
    mount = (((config.get("services") or {}).get(service_id) or {}).get("volumeMounts") or {}).get(volume_id) or {}
    return dict(id=None if volume_id is None or volume_id.startswith("new:") else volume_id,
                name=name or state.volume_names.get(volume_id), size_mb=instance.get("sizeMB"), region=instance.get("region"),
                mount_path=mount.get("mountPath"), backup_schedules=mount.get("backupSchedules"),
                service=dict(id=service_id, name=state.service_names.get(service_id)) if service_id else None)


# ---------------------------------------------------------------------------------------- converging volumes
# railway_volume (one item) and railway_volumes (many) are the same code: converge_volumes().

VOLUME_OPTIONS = dict(
    service=dict(type="str"),
    name=dict(type="str"),
    mount_path=dict(type="str"),
    size_mb=dict(type="int"),
    backup_schedules=dict(type="list", elements="str", choices=["DAILY", "WEEKLY", "MONTHLY"]),
    region=dict(type="str"),
)


def volume_view(config, volume_id, service_id):
    """The volume's size and region and its mount (path, backups), as a diff shows them."""
    if not volume_id:
        return {}
    return dict(volume=view((config.get("volumes") or {}).get(volume_id), dict(sizeMB=1, region=1)),
                mount=view(((config.get("services") or {}).get(service_id) or {}).get("volumeMounts", {}).get(volume_id),
                           dict(mountPath=1, backupSchedules=1)))


def volume_service_id(ctx, state: EnvironmentState, service: str, where: str = "") -> str | None:
    """The id of the service (name or id) whose volume is meant; in check mode None when it is still to be made."""
    sid = state.services.get(service) or (service if service in state.services.values() else None)
    if sid is None and ctx.check_mode:
        ctx.warn("service %r does not exist yet; in check mode its volume is reported as to be created." % service)
    elif sid is None:
        raise TaskFailed("%sservice: project %s has no service %r (it has: %s)." % (
            where, state.project["name"], service, ", ".join(sorted(state.services)) or "none"))
    if sid and state.exists and state.instance(sid) is None:
        raise TaskFailed("%sservice: %s has no instance in environment %s; create it there first (railway_service)." % (
            where, service, state.environment["name"]))
    return sid


class Volume:
    """One item: its options, its service, its volume (None while missing) and the volume this run made."""

    def __init__(self, ctx, state: EnvironmentState, params: dict, where: str) -> None:
        self.params = params
        self.where = where
        self.service_id = volume_service_id(ctx, state, params["service"], where) if params["service"] else None
        self.volume_id = find_volume(state, self.service_id, params["name"], where + "name")
        self.known = self.volume_id is not None
        self.created: dict | None = None

    @property
    def planned_service_id(self) -> str:
        """The service's id, or a placeholder of its own while it is still to be made (check mode)."""
        return self.service_id or "new:service:%s" % self.params["service"]

    @property
    def planned_volume_id(self) -> str:
        return self.volume_id or "%s:%s" % (NEW_VOLUME, self.params["service"])


def check_volume(ctx, state: EnvironmentState, volume: Volume, planned: int) -> None:
    """One item checked against the environment and the plan, before any write."""
    params, where = volume.params, volume.where
    check_size(state, volume.volume_id, params["size_mb"], where + "size_mb")
    if volume.volume_id is None and params["mount_path"] is None:
        raise TaskFailed("%smount_path: needed to create the volume of service %s." % (where, params["service"]))
    current_region = (state.volume_instance(volume.volume_id) or {}).get("region") if volume.volume_id else None
    if params["region"] and current_region not in (None, params["region"]):
        ctx.warn("%sregion: volume %s is in %s; Railway sets the region when a volume is created, so it is left there." % (
            where, state.volume_names.get(volume.volume_id), current_region))
    if volume.volume_id is None:
        check_volume_count(state, where + "service", "service %s" % params["service"], planned=planned)


def check_volumes(ctx, state: EnvironmentState, items: list[dict], where_of: Callable[[int], str]) -> list[Volume]:
    """Every item checked before any write (one new volume counted after another against the plan)."""
    volumes: list[Volume] = []
    for index, params in enumerate(items):
        if params["mount_path"] is not None and not params["mount_path"].startswith("/"):
            raise TaskFailed("%smount_path: an absolute path, got %r." % (where_of(index), params["mount_path"]))
        volume = Volume(ctx, state, params, where_of(index))
        check_volume(ctx, state, volume, planned=sum(1 for v in volumes if v.volume_id is None))
        volumes.append(volume)
    return volumes


def volumes_planner(volumes: list[Volume]) -> Callable[[EnvironmentState], Plan]:
    def planner(state: EnvironmentState) -> Plan:
        plan = Plan(state)
        for volume in volumes:
            params = volume.params
            plan_volume(plan, volume.planned_volume_id, volume.planned_service_id, params["mount_path"],
                        params["size_mb"], params["backup_schedules"], params["region"])
        return plan
    return planner


def converged_volume(state: EnvironmentState, volume: Volume, plan: Plan, after: dict, outcome: dict) -> dict:
    """One volume's result and its diff views."""
    vid = volume.planned_volume_id
    mounts = ((plan.patch.get("services") or {}).get(volume.planned_service_id) or {}).get("volumeMounts") or {}
    changed = bool(volume.created or not volume.known or (plan.patch.get("volumes") or {}).get(vid) or mounts.get(vid))
    result = volume_result(state, after, vid, (volume.created or {}).get("name") or volume.params["name"])
    if volume.created and result["size_mb"] is None:
        result["size_mb"] = volume.params["size_mb"]
    result["changed"] = changed
    result["staged"] = outcome["staged"] if changed else False
    before = volume_view(state.config, volume.volume_id if volume.known else None, volume.service_id)
    return dict(result=result, service=volume.params["service"], before=before, after=volume_view(after, vid, volume.planned_service_id))


def converge_volumes(ctx, client: RailwayClient, state: EnvironmentState, items: list[dict],
                     where_of: Callable[[int], str], message: str) -> list[dict]:
    """Converge `items` (railway_volume's options each) in the environment read once: rows of result/before/after."""
    volumes = check_volumes(ctx, state, items, where_of)
    for volume in volumes:
        if volume.volume_id is None and not ctx.check_mode:
            params = volume.params
            volume.created = create_volume(client, state, volume.service_id, params["mount_path"], params["region"],
                                           params["name"])
            volume.volume_id = volume.created["id"]
            state.volumes[volume.created["name"]] = volume.volume_id
    planner = volumes_planner(volumes)
    plan = planner(state)
    outcome = commit_or_drop_volumes(client, [v.created for v in volumes if v.created], lambda: commit(
        ctx, client, state, planner, message, ctx.params["skip_deploys"]))
    after = plan.after()
    return [converged_volume(state, volume, plan, after, outcome) for volume in volumes]
