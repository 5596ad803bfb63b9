# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Project tokens: projectToken, projectTokens, projectTokenCreate/Delete."""
from .context import PROJECT_TOKEN_NOT_FOUND, RailwayError
from .graphql_api import resolves
from .pagination import connection


@resolves("Query", "projectToken")
def resolve_project_token(_, info):
    context = info.context
    context.require_caller()
    if not context.is_project_token():
        raise RailwayError(PROJECT_TOKEN_NOT_FOUND)
    return context.data["projectTokens"][context.caller.token_id]


@resolves("Query", "projectTokens")
def resolve_project_tokens(_, info, projectId, **page):
    context = info.context
    context.require_account()
    context.project(projectId)
    return connection([t for t in context.data["projectTokens"].values() if t["projectId"] == projectId], **page)


@resolves("ProjectToken", "displayToken")
def resolve_display_token(record, info):
    return record["token"][:4] + "…" + record["token"][-4:]


@resolves("ProjectToken", "project")
def resolve_token_project(record, info):
    return info.context.project(record["projectId"])


@resolves("ProjectToken", "environment")
def resolve_token_environment(record, info):
    return info.context.environment(record["environmentId"])


@resolves("Mutation", "projectTokenCreate")
def resolve_project_token_create(_, info, input):
    context = info.context
    context.require_account()
    project = context.project(input["projectId"])
    environment = context.environment(input["environmentId"])
    if environment["projectId"] != project["id"]:
        raise RailwayError("Environment not found")
    if not input["name"].strip():
        raise RailwayError("Token name cannot be empty")
    record = {"id": context.new_id(), "name": input["name"], "token": context.new_id(),
              "projectId": project["id"], "environmentId": environment["id"], "createdAt": context.now()}
    context.data["projectTokens"][record["id"]] = record
    context.changed()
    return record["token"]


@resolves("Mutation", "projectTokenDelete")
def resolve_project_token_delete(_, info, id):
    context = info.context
    context.require_account()
    record = context.data["projectTokens"].get(id)
    if record is None:
        raise RailwayError("Project token not found")
    context.project(record["projectId"])
    del context.data["projectTokens"][id]
    context.changed()
    return True
