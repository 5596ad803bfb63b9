# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Project-level services and volumes, kept consistent with every environment's config.

serviceCreate adds a service instance to the environments it lands in, volumeCreate a volume
instance (and a mount on its service); the deletes remove them everywhere. serviceConnect sets
the source (repo and branch, or image) of every instance of a service and deploys it;
serviceDisconnect removes it.
"""
import copy
import re

from .config import commit_config, on_config_committed, write_config
from .context import RailwayError
from .graphql_api import resolves
from .volumes import DEFAULT_VOLUME_REGION, check_volume_allowed, initial_size_mb


def live_environments(context, project_id):
    return [e for e in context.data["environments"].values()
            if e["projectId"] == project_id and not e.get("deletedAt")]


def update_configs(context, environments, change):
    """Apply `change(config)` to a copy of each environment's config and commit it."""
    for environment in environments:
        config = copy.deepcopy(environment["config"])
        change(config)
        write_config(context, environment, config)


def name_taken(context, kind, project_id, name, except_id=None):
    return any(r["projectId"] == project_id and r["name"] == name and r["id"] != except_id
               and not r.get("deletedAt") for r in context.data[kind].values())


def default_service_name(source):
    source = source or {}
    if source.get("image"):
        return source["image"].rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
    if source.get("repo"):
        return source["repo"].rstrip("/").rsplit("/", 1)[-1]
    return "service"


def unique_name(context, kind, project_id, base):
    name, number = base, 1
    while name_taken(context, kind, project_id, name):
        number += 1
        name = f"{base}-{number}"
    return name


# ------------------------------------------------------------------ services
@resolves("Query", "service")
def resolve_service(_, info, id):
    return info.context.service(id)


@resolves("Service", "project")
@resolves("Volume", "project")
def resolve_owner_project(record, info):
    return info.context.project(record["projectId"])


@resolves("Mutation", "serviceCreate")
def resolve_service_create(_, info, input):
    context = info.context
    context.require_account()      # project tokens cannot change project-level objects
    project = context.project(input["projectId"])
    name = input.get("name")
    if name is not None:
        if not name.strip():
            raise RailwayError("Service name cannot be empty")
        if name_taken(context, "services", project["id"], name):
            raise RailwayError(f"Service with name {name} already exists")
    else:
        name = unique_name(context, "services", project["id"], default_service_name(input.get("source")))
    if input.get("environmentId"):
        target = context.environment(input["environmentId"])
        if target["projectId"] != project["id"]:
            raise RailwayError("Environment not found")
        environments = [target] if target["isEphemeral"] else \
            [e for e in live_environments(context, project["id"]) if not e["isEphemeral"]]
    else:
        environments = [e for e in live_environments(context, project["id"]) if not e["isEphemeral"]]
    timestamp = context.now()
    service = {"id": context.new_id(), "name": name, "icon": input.get("icon"), "projectId": project["id"],
               "createdAt": timestamp, "updatedAt": timestamp, "deletedAt": None}
    context.data["services"][service["id"]] = service
    instance = {}
    source = {k: v for k, v in (input.get("source") or {}).items() if v is not None}
    if input.get("branch"):
        source["branch"] = input["branch"]
    if source:
        instance["source"] = source
    if input.get("variables"):
        instance["variables"] = {k: {"value": str(v)} for k, v in input["variables"].items()}
    if input.get("registryCredentials"):
        instance["deploy"] = {"registryCredentials": dict(input["registryCredentials"])}
    update_configs(context, environments,
                   lambda config: config.setdefault("services", {}).__setitem__(service["id"], copy.deepcopy(instance)))
    if source:      # a service created with a source deploys at once
        for environment in environments:
            on_config_committed(context.store, environment["id"], [service["id"]], False)
    context.changed()
    return service


REPO_RE = re.compile(r"^[\w.-]+/[\w.-]+$")


def _instances_of(context, service):
    return [e for e in live_environments(context, service["projectId"])
            if service["id"] in (e["config"].get("services") or {})]


@resolves("Mutation", "serviceConnect")
def resolve_service_connect(_, info, id, input):
    """Connect a repo (with its branch) or an image to every instance of the service, and deploy it."""
    context = info.context
    context.require_account()      # Railway refuses serviceConnect with a project token
    service = context.service(id)
    repo, image, branch = input.get("repo"), input.get("image"), input.get("branch")
    if bool(repo) == bool(image):
        raise RailwayError("Provide either a repo or an image to connect")
    if repo and not REPO_RE.match(repo):
        raise RailwayError(f"Invalid repository {repo}: expected owner/name")
    if repo and not branch:
        raise RailwayError("A branch is required to connect a repo")
    source = {"repo": repo, "branch": branch, "image": None} if repo else {"image": image, "repo": None, "branch": None}
    for environment in _instances_of(context, service):
        config = copy.deepcopy(environment["config"])
        target = config["services"][id].setdefault("source", {})
        for key, value in source.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
        commit_config(context, environment, config, {"services": {id: {"source": source}}})
    service["updatedAt"] = context.now()
    context.changed()
    return service


@resolves("Mutation", "serviceDisconnect")
def resolve_service_disconnect(_, info, id):
    """Remove the repo / image of every instance of the service (nothing deploys)."""
    context = info.context
    context.require_account()
    service = context.service(id)
    for environment in _instances_of(context, service):
        config = copy.deepcopy(environment["config"])
        source = config["services"][id].get("source") or {}
        for key in ("repo", "branch", "image", "commitSha", "rootDirectory"):
            source.pop(key, None)
        if not source:
            config["services"][id].pop("source", None)
        write_config(context, environment, config)
    service["updatedAt"] = context.now()
    context.changed()
    return service


@resolves("Mutation", "serviceUpdate")
def resolve_service_update(_, info, id, input):
    context = info.context
    context.require_account()      # project tokens cannot change project-level objects
    service = context.service(id)
    if "name" in input:
        if not (input["name"] or "").strip():
            raise RailwayError("Service name cannot be empty")
        if name_taken(context, "services", service["projectId"], input["name"], except_id=id):
            raise RailwayError(f"Service with name {input['name']} already exists")
        service["name"] = input["name"]
    if "icon" in input:
        service["icon"] = input["icon"]
    service["updatedAt"] = context.now()
    context.changed()
    return service


@resolves("Mutation", "serviceDelete")
def resolve_service_delete(_, info, id, environmentId=None):
    """With environmentId: remove the instance there only; else delete the service everywhere.

    Realism `service_delete_forks_only` (default true) follows the schema's description of
    environmentId: only a forked environment loses just its instance; given a base environment,
    the service goes from every environment that is not a fork."""
    context = info.context
    context.require_account()      # project tokens cannot change project-level objects
    service = context.service(id)
    environments = live_environments(context, service["projectId"])
    whole = environmentId is None
    if environmentId is not None:
        environment = context.environment(environmentId)
        if environment["projectId"] != service["projectId"]:
            raise RailwayError("Environment not found")
        if environment.get("sourceEnvironmentId") or not context.realism["service_delete_forks_only"]:
            environments = [environment]
        else:
            environments = [e for e in environments if not e.get("sourceEnvironmentId")]
            whole = not any(id in (e["config"].get("services") or {}) for e in live_environments(
                context, service["projectId"]) if e.get("sourceEnvironmentId"))
    if whole:
        service["deletedAt"] = service["updatedAt"] = context.now()
    update_configs(context, [e for e in environments if id in e["config"].get("services", {})],
                   lambda config: config["services"].pop(id, None))
    context.changed()
    return True


# ------------------------------------------------------------------ volumes
@resolves("Mutation", "volumeCreate")
def resolve_volume_create(_, info, input):
    """environmentId: given -> that environment; explicit null -> none; left out -> all."""
    context = info.context
    context.require_account()      # project tokens cannot change project-level objects
    project = context.project(input["projectId"])
    if not input["mountPath"].startswith("/"):
        raise RailwayError("Mount path must be an absolute path")
    service = None
    if input.get("serviceId"):
        service = context.service(input["serviceId"])
        if service["projectId"] != project["id"]:
            raise RailwayError("Service not found")
    if "environmentId" not in input:
        environments = live_environments(context, project["id"])
    elif input["environmentId"] is None:
        environments = []
    else:
        environment = context.environment(input["environmentId"])
        if environment["projectId"] != project["id"]:
            raise RailwayError("Environment not found")
        environments = [environment]
    check_volume_allowed(context, project["id"])
    base = f"{service['name']}-volume" if service else "volume"
    volume = {"id": context.new_id(), "name": unique_name(context, "volumes", project["id"], base),
              "projectId": project["id"], "createdAt": context.now(), "deletedAt": None}
    context.data["volumes"][volume["id"]] = volume

    def add_instance(config):
        config.setdefault("volumes", {})[volume["id"]] = {
            "sizeMB": initial_size_mb(context), "region": input.get("region") or DEFAULT_VOLUME_REGION}
        if service and service["id"] in config.get("services", {}):
            mounts = config["services"][service["id"]].setdefault("volumeMounts", {})
            mounts[volume["id"]] = {"mountPath": input["mountPath"]}
    update_configs(context, environments, add_instance)
    context.changed()
    return volume


@resolves("Mutation", "volumeUpdate")
def resolve_volume_update(_, info, volumeId, input):
    context = info.context
    context.require_account()      # project tokens cannot change project-level objects
    volume = context.volume(volumeId)
    if input.get("name") is not None:
        if not input["name"].strip():
            raise RailwayError("Volume name cannot be empty")
        volume["name"] = input["name"]
    context.changed()
    return volume


@resolves("Mutation", "volumeDelete")
def resolve_volume_delete(_, info, volumeId):
    context = info.context
    context.require_account()      # project tokens cannot change project-level objects
    volume = context.volume(volumeId)
    volume["deletedAt"] = context.now()

    def remove_instance(config):
        config.get("volumes", {}).pop(volumeId, None)
        for service in config.get("services", {}).values():
            (service.get("volumeMounts") or {}).pop(volumeId, None)
    touched = [e for e in live_environments(context, volume["projectId"])
               if volumeId in e["config"].get("volumes", {})
               or any(volumeId in (s.get("volumeMounts") or {}) for s in e["config"].get("services", {}).values())]
    update_configs(context, touched, remove_instance)
    context.changed()
    return True
