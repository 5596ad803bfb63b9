# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Volume instances: a volume's presence in one environment, read from that environment's config.

`environment.volumeInstances` and `volumeInstance(id)` show each `volumes.<volumeId>` entry of
the committed config with the service that mounts it (`services.<id>.volumeMounts.<volumeId>`):
size (sizeMB, grow-only: semantics.py), region, mount path, state READY. A volume instance keeps
its id for as long as the volume is in the environment.
"""
from .context import RailwayError
from .graphql_api import resolves
from .pagination import connection


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
