# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""User, workspace and project: me, workspace, projects, project, projectCreate/Update/Delete."""
import hashlib

from .context import NOT_AUTHORIZED, RailwayError
from .environments import create_environment, delete_environment
from .graphql_api import resolves
from .pagination import connection
from .records import live

ADJECTIVES = ("amber", "brave", "calm", "daring", "eager", "fearless", "gentle", "humble", "lively", "mellow",
              "noble", "patient", "quiet", "radiant", "steady", "tender", "upbeat", "vivid", "witty", "zesty")
NOUNS = ("beacon", "canyon", "delta", "ember", "forest", "glacier", "harbor", "island", "journey", "lagoon",
         "meadow", "nebula", "orbit", "prairie", "quartz", "river", "summit", "tundra", "valley", "willow")
PROJECT_SETTINGS = ("name", "description", "isPublic", "prDeploys", "botPrEnvironments", "focusedPrEnvironments")


def generated_name(seed_text):
    """A Railway-like two-word name, derived from an id so it is reproducible."""
    digest = hashlib.sha256(seed_text.encode()).digest()
    return f"{ADJECTIVES[digest[0] % len(ADJECTIVES)]}-{NOUNS[digest[1] % len(NOUNS)]}"


def workspace_of(context, workspace_id):
    workspace = context.data["workspace"]
    if workspace_id is not None and workspace_id != workspace["id"]:
        raise RailwayError(NOT_AUTHORIZED)
    return workspace


# ------------------------------------------------------------------ queries
@resolves("Query", "me")
def resolve_me(_, info):
    info.context.require_user()
    return info.context.data["user"]


@resolves("User", "workspaces")
def resolve_user_workspaces(user, info):
    return [info.context.data["workspace"]]


@resolves("Query", "apiToken")
def resolve_api_token(_, info):
    """The workspaces the token may work in: all of the account's, or the workspace token's one."""
    info.context.require_account()
    return {"workspaces": [{"id": w["id"], "name": w["name"]} for w in [info.context.data["workspace"]]]}


@resolves("Query", "workspace")
def resolve_workspace(_, info, workspaceId):
    info.context.require_account()
    return workspace_of(info.context, workspaceId)


# Railway's Workspace.plan has no TRIAL (enum Plan: FREE HOBBY PRO); a trialing workspace is taken to say FREE,
# the stricter reading (docs/sandbox.md, "Realism").
WORKSPACE_PLANS = {"free": "FREE", "trial": "FREE", "hobby": "HOBBY", "pro": "PRO"}


@resolves("Workspace", "plan")
def resolve_workspace_plan(workspace, info):
    """The workspace's plan (realism `plan`) in Railway's Plan enum."""
    return WORKSPACE_PLANS[info.context.realism["plan"]]


@resolves("Workspace", "projects")
def resolve_workspace_projects(workspace, info, **page):
    projects = [p for p in live(info.context.data["projects"]) if p["workspaceId"] == workspace["id"]]
    return connection(projects, **page)


@resolves("Query", "projects")
def resolve_projects(_, info, workspaceId=None, userId=None, includeDeleted=None, orderBy=None, **page):
    context = info.context
    context.require_account()
    workspace = workspace_of(context, workspaceId)
    if userId is not None and (context.caller.kind != "account" or userId != context.data["user"]["id"]):
        raise RailwayError(NOT_AUTHORIZED)
    projects = [p for p in context.data["projects"].values()
                if p["workspaceId"] == workspace["id"] and (includeDeleted or not p.get("deletedAt"))]
    if orderBy == "CREATED_AT_DESC":
        projects.reverse()
    elif orderBy == "NAME_ASC":
        projects.sort(key=lambda p: p["name"].lower())
    elif orderBy == "UPDATED_AT_DESC":
        projects.sort(key=lambda p: p["updatedAt"], reverse=True)
    return connection(projects, **page)


@resolves("Query", "project")
def resolve_project(_, info, id):
    return info.context.project(id)


# ------------------------------------------------------------------ Project fields
@resolves("Project", "workspace")
def resolve_project_workspace(project, info):
    return info.context.data["workspace"]


@resolves("Project", "subscriptionType")
def resolve_project_subscription_type(project, info):
    """The plan of the workspace the project is in (realism `plan`): free, trial, hobby or pro."""
    return info.context.realism["plan"]


@resolves("Project", "primaryEnvironmentId")
def resolve_primary_environment_id(project, info):
    """The oldest live non-ephemeral environment."""
    for environment in info.context.data["environments"].values():
        if environment["projectId"] == project["id"] and not environment.get("deletedAt") \
                and not environment["isEphemeral"]:
            return environment["id"]
    return None


@resolves("Project", "baseEnvironment")
def resolve_base_environment(project, info):
    environment = info.context.data["environments"].get(project.get("baseEnvironmentId") or "")
    return environment if environment and not environment.get("deletedAt") else None


@resolves("Project", "environments")
def resolve_project_environments(project, info, isEphemeral=None, sort=None, **page):
    environments = info.context.visible_environments(project["id"], isEphemeral)
    if sort == "desc":
        environments.reverse()
    return connection(environments, **page)


@resolves("Project", "services")
def resolve_project_services(project, info, **page):
    return connection([s for s in live(info.context.data["services"]) if s["projectId"] == project["id"]], **page)


@resolves("Project", "volumes")
def resolve_project_volumes(project, info, **page):
    return connection([v for v in live(info.context.data["volumes"]) if v["projectId"] == project["id"]], **page)


# ------------------------------------------------------------------ mutations
@resolves("Mutation", "projectCreate")
def resolve_project_create(_, info, input):
    context = info.context
    context.require_account()
    workspace = workspace_of(context, input.get("workspaceId"))
    project_id = context.new_id()
    name = input.get("name")
    if name is not None and not name.strip():
        raise RailwayError("Project name cannot be empty")
    environment_name = input.get("defaultEnvironmentName") or "production"
    timestamp = context.now()
    project = {
        "id": project_id,
        "name": name or generated_name(project_id),
        "description": input.get("description"),
        "isPublic": bool(input.get("isPublic")),
        "prDeploys": bool(input.get("prDeploys")),
        "botPrEnvironments": False,
        "focusedPrEnvironments": False,
        "isTempProject": False,
        "workspaceId": workspace["id"],
        "createdAt": timestamp,
        "updatedAt": timestamp,
        "deletedAt": None,
        "baseEnvironmentId": None,
    }
    context.data["projects"][project_id] = project
    environment = create_environment(context, project, environment_name)
    project["baseEnvironmentId"] = environment["id"]
    context.changed()
    return project


@resolves("Mutation", "projectUpdate")
def resolve_project_update(_, info, id, input):
    context = info.context
    context.require_account()
    project = context.project(id)
    if "name" in input and not (input["name"] or "").strip():
        raise RailwayError("Project name cannot be empty")
    if input.get("baseEnvironmentId") is not None:
        environment = context.data["environments"].get(input["baseEnvironmentId"])
        if environment is None or environment.get("deletedAt") or environment["projectId"] != id:
            raise RailwayError("Environment not found")
    for key in PROJECT_SETTINGS:
        if input.get(key) is not None:
            project[key] = input[key]
    if "description" in input:
        project["description"] = input["description"]
    if "baseEnvironmentId" in input:
        project["baseEnvironmentId"] = input["baseEnvironmentId"]
    project["updatedAt"] = context.now()
    context.changed()
    return project


@resolves("Mutation", "projectDelete")
def resolve_project_delete(_, info, id):
    context = info.context
    context.require_account()
    project = context.project(id)
    for environment in context.visible_environments(id):
        delete_environment(context, environment)
    for kind in ("services", "volumes"):
        for record in context.data[kind].values():
            if record["projectId"] == id and not record.get("deletedAt"):
                record["deletedAt"] = context.now()
    project["deletedAt"] = project["updatedAt"] = context.now()
    context.changed()
    return True
