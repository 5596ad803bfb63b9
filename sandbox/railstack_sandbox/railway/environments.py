# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Environments: environments, environment, environmentCreate/Rename/Delete."""
from .config import empty_config, stage, staged_patch, without_sealed_variables, write_config
from .context import RailwayError
from .graphql_api import resolves
from .pagination import connection


def create_environment(context, project, name, source=None, ephemeral=False, stage_initial_changes=False):
    """A new environment; with `source`, a copy of its config (sealed variables left out)."""
    check_name_free(context, project["id"], name)
    timestamp = context.now()
    environment = {
        "id": context.new_id(), "name": name, "projectId": project["id"], "isEphemeral": bool(ephemeral),
        "sourceEnvironmentId": source["id"] if source else None,
        "createdAt": timestamp, "updatedAt": timestamp, "deletedAt": None,
        "config": empty_config(), "configEtag": "", "stagedPatchId": None,
    }
    context.data["environments"][environment["id"]] = environment
    write_config(context, environment, empty_config())
    if source:
        copied = without_sealed_variables(source["config"])
        if stage_initial_changes:
            for section in ("services", "volumes", "buckets"):
                for instance in (copied.get(section) or {}).values():
                    instance["isCreated"] = True
            stage(context, environment, copied)
        else:
            write_config(context, environment, copied)
    context.changed()
    return environment


def check_name_free(context, project_id, name, except_id=None):
    if not name or not name.strip():
        raise RailwayError("Environment name cannot be empty")
    for other in context.data["environments"].values():
        if other["projectId"] == project_id and not other.get("deletedAt") and other["id"] != except_id \
                and other["name"] == name:
            raise RailwayError(f"Environment with name {name} already exists")


def delete_environment(context, environment):
    environment["deletedAt"] = context.now()
    staged = staged_patch(context, environment)
    if staged:
        del context.data["patches"][staged["id"]]
        environment["stagedPatchId"] = None
    for token_id in [t["id"] for t in context.data["projectTokens"].values()
                     if t["environmentId"] == environment["id"]]:
        del context.data["projectTokens"][token_id]
    project = context.data["projects"][environment["projectId"]]
    if project.get("baseEnvironmentId") == environment["id"]:
        project["baseEnvironmentId"] = None
    context.changed()


# ------------------------------------------------------------------ queries
@resolves("Query", "environments")
def resolve_environments(_, info, projectId, isEphemeral=None, **page):
    context = info.context
    context.project(projectId)
    return connection(context.visible_environments(projectId, isEphemeral), **page)


@resolves("Query", "environment")
def resolve_environment(_, info, id, projectId=None):
    environment = info.context.environment(id)
    if projectId is not None and environment["projectId"] != projectId:
        raise RailwayError("Environment not found")
    return environment


@resolves("Environment", "sourceEnvironment")
def resolve_source_environment(environment, info):
    source = info.context.data["environments"].get(environment.get("sourceEnvironmentId") or "")
    return source if source and not source.get("deletedAt") else None


@resolves("Environment", "canAccess")
def resolve_can_access(environment, info):
    return True


# ------------------------------------------------------------------ mutations
@resolves("Mutation", "environmentCreate")
def resolve_environment_create(_, info, input):
    context = info.context
    context.require_account()
    project = context.project(input["projectId"])
    source = None
    if input.get("sourceEnvironmentId"):
        source = context.environment(input["sourceEnvironmentId"])
        if source["projectId"] != project["id"]:
            raise RailwayError("Environment not found")
    return create_environment(context, project, input["name"], source, input.get("ephemeral"),
                              bool(input.get("stageInitialChanges")))


@resolves("Mutation", "environmentRename")
def resolve_environment_rename(_, info, id, input):
    context = info.context
    context.require_account()
    environment = context.environment(id)
    check_name_free(context, environment["projectId"], input["name"], except_id=id)
    environment["name"] = input["name"]
    environment["updatedAt"] = context.now()
    context.changed()
    return environment


@resolves("Mutation", "environmentDelete")
def resolve_environment_delete(_, info, id):
    context = info.context
    context.require_account()
    delete_environment(context, context.environment(id))
    return True
