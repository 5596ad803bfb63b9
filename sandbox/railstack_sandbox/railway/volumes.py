# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Volume instances: a volume's presence in one environment, read from that environment's config.

`environment.volumeInstances` and `volumeInstance(id)` show each `volumes.<volumeId>` entry of
the committed config with the service that mounts it (`services.<id>.volumeMounts.<volumeId>`):
size (sizeMB, grow-only: semantics.py), region, mount path, state READY. A volume instance keeps
its id for as long as the volume is in the environment.

The plan's volume rules (realism.PLANS, docs/sandbox.md "Realism"): a new volume instance is the
plan's `initial_volume_mb` unless its creating patch gives `sizeMB` (Railway takes that as the
explicit initial size); Free allows `volumes_per_project` volumes; resizing needs `volume_resize`
(semantics.py checks sizes with `volume_size_problem`); nothing ever shrinks.
"""
from __future__ import annotations

from .context import RailwayError
from .graphql_api import resolves
from .pagination import connection

DEFAULT_VOLUME_REGION = "us-west2"
PLAN_TITLES = {"free": "Free", "trial": "Trial", "hobby": "Hobby", "pro": "Pro"}


def plan_title(context) -> str:
    """The plan's name as Railway writes it: Free, Trial, Hobby, Pro."""
    return PLAN_TITLES.get(context.realism["plan"], context.realism["plan"])


def initial_size_mb(context) -> int:
    """The size Railway gives a new volume instance on the account's plan."""
    return context.plan["initial_volume_mb"]


def check_volume_allowed(context, project_id: str) -> None:
    """volumeCreate: refuse a volume beyond the plan's volumes per project (Free: 1).

    Railway's wording for this refusal is not published; the message is a plausible stand-in.
    """
    limit = context.plan["volumes_per_project"]
    if limit is None:
        return
    count = sum(1 for v in context.data["volumes"].values() if v["projectId"] == project_id and not v.get("deletedAt"))
    if count >= limit:
        raise RailwayError(f"Volume limit reached: the {plan_title(context)} plan allows {limit} volume per project. "
                           "Upgrade your plan to add more volumes")


def volume_size_problem(context, volume_id: str, was: int | None, size: int) -> str | None:
    """The problem with giving volume `volume_id` `size` MB (`was`: its size now, None for a new instance), or None."""
    plan = plan_title(context)
    if was is None:
        initial = initial_size_mb(context)
        if size < initial:
            return (f"volumes.{volume_id}.sizeMB: a new volume on the {plan} plan is {initial} MB and volumes can only "
                    f"grow ({size} MB asked)")
        if size > initial and not context.plan["volume_resize"]:
            return (f"volumes.{volume_id}.sizeMB: volumes on the {plan} plan are {initial} MB and cannot be resized; "
                    f"upgrade your plan to resize volumes ({size} MB asked)")
        return None
    if size < was:
        return f"volumes.{volume_id}.sizeMB: a volume can only grow ({was} MB now, {size} MB asked)"
    if size > was and not context.plan["volume_resize"]:
        return (f"volumes.{volume_id}.sizeMB: volumes cannot be resized on the {plan} plan; upgrade your plan to "
                f"resize volumes ({was} MB now, {size} MB asked)")
    return None


def fill_new_volume_sizes(context, before: dict, after: dict) -> None:
    """A volume instance the patch creates without `sizeMB` / `region` gets the plan's first size / the default region."""
    for volume_id, volume in (after.get("volumes") or {}).items():
        if volume_id in (before.get("volumes") or {}) or not isinstance(volume, dict):
            continue
        if volume.get("sizeMB") is None:
            volume["sizeMB"] = initial_size_mb(context)
        volume.setdefault("region", DEFAULT_VOLUME_REGION)


def _instance_id(context, environment_id, volume_id):
    ids = context.data.setdefault("volumeInstanceIds", {})
    key = f"{environment_id}:{volume_id}"
    if key not in ids:
        ids[key] = context.new_id()
        context.changed()
    return ids[key]


def volume_instances(context, environment):
    config = environment["config"]
    mounted = {}
    for service_id, service in (config.get("services") or {}).items():
        for volume_id, mount in ((service or {}).get("volumeMounts") or {}).items():
            mounted[volume_id] = (service_id, (mount or {}).get("mountPath"))
    instances = []
    for volume_id, volume in (config.get("volumes") or {}).items():
        record = context.data["volumes"].get(volume_id)
        if record is None or record.get("deletedAt"):
            continue
        service_id, mount_path = mounted.get(volume_id, (None, None))
        instances.append({
            "id": _instance_id(context, environment["id"], volume_id), "volumeId": volume_id,
            "environmentId": environment["id"], "serviceId": service_id, "mountPath": mount_path or "",
            "sizeMB": (volume or {}).get("sizeMB") or 0, "currentSizeMB": 0.0, "region": (volume or {}).get("region"),
            "state": "READY", "isPendingDeletion": False, "externalId": None,
            "createdAt": record["createdAt"], "deletedAt": None,
        })
    return instances


@resolves("Environment", "volumeInstances")
def resolve_environment_volume_instances(environment, info, **page):
    return connection(volume_instances(info.context, environment), **page)


@resolves("Query", "volumeInstance")
def resolve_volume_instance(_, info, id):
    context = info.context
    for key, instance_id in context.data.get("volumeInstanceIds", {}).items():
        if instance_id == id:
            environment_id = key.split(":", 1)[0]
            environment = context.data["environments"].get(environment_id)
            if environment is None or environment.get("deletedAt"):
                break
            context.environment(environment_id)        # the caller may see it
            for instance in volume_instances(context, environment):
                if instance["id"] == id:
                    return instance
    raise RailwayError("Volume instance not found")


@resolves("VolumeInstance", "volume")
def resolve_volume_instance_volume(instance, info):
    return info.context.volume(instance["volumeId"])


@resolves("VolumeInstance", "environment")
def resolve_volume_instance_environment(instance, info):
    return info.context.environment(instance["environmentId"])


@resolves("VolumeInstance", "service")
def resolve_volume_instance_service(instance, info):
    if not instance.get("serviceId"):
        raise RailwayError("Volume instance is not mounted on a service")
    return info.context.service(instance["serviceId"])
