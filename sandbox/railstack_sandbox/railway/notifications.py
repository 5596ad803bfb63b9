# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Notification rules (what replaced project webhooks): notificationRules, notificationRuleCreate/Update/Delete.

A rule belongs to the workspace, optionally to one project, and sends events of its `eventTypes`
through its channels. Each channel config (`NotificationChannelConfig`, an opaque JSON scalar) becomes
a NotificationChannel. Railway does not publish the config's shape; the sandbox takes a JSON object,
and for `{"type": "webhook", ...}` wants an http(s) `url` (the shape third-party tools use, unverified).
Project tokens cannot read or change rules (workspace-level objects). Events are never delivered.
"""
import copy
from urllib.parse import urlsplit

from .context import NOT_AUTHORIZED, RailwayError
from .graphql_api import resolves


def rules(data):
    return data.setdefault("notificationRules", {})


def _workspace(context, workspace_id):
    context.require_account()
    if workspace_id != context.data["workspace"]["id"]:
        raise RailwayError(NOT_AUTHORIZED)


def _channel(context, config):
    if not isinstance(config, dict) or not config:
        raise RailwayError("Invalid notification channel config: expected a JSON object")
    kind = config.get("type")
    if not isinstance(kind, str) or not kind:
        raise RailwayError("Invalid notification channel config: missing type")
    if kind.lower() == "webhook":
        url = config.get("url")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise RailwayError("Invalid notification channel config: a webhook needs an http(s) url")
    timestamp = context.now()
    return {"id": context.new_id(), "workspaceId": context.data["workspace"]["id"], "config": copy.deepcopy(config),
            "createdAt": timestamp, "updatedAt": timestamp}


def _event_types(values):
    if not values or any(not isinstance(v, str) or not v.strip() for v in values):
        raise RailwayError("At least one event type is required")
    return list(values)


def _project_live(context, project_id):
    project = context.data["projects"].get(project_id)
    return project is not None and not project.get("deletedAt")


@resolves("Query", "notificationRules")
def resolve_notification_rules(_, info, workspaceId, projectId=None):
    context = info.context
    _workspace(context, workspaceId)
    if projectId is not None:
        context.project(projectId)
    return [r for r in rules(context.data).values()
            if (projectId is None or r["projectId"] == projectId)
            and (r["projectId"] is None or _project_live(context, r["projectId"]))]


@resolves("Mutation", "notificationRuleCreate")
def resolve_notification_rule_create(_, info, input):
    context = info.context
    _workspace(context, input["workspaceId"])
    if input.get("projectId") is not None:
        project = context.project(input["projectId"])
        if project["workspaceId"] != input["workspaceId"]:
            raise RailwayError("Project not found")
    if not input["channelConfigs"]:
        raise RailwayError("At least one channel is required")
    timestamp = context.now()
    rule = {"id": context.new_id(), "workspaceId": input["workspaceId"], "projectId": input.get("projectId"),
            "environmentId": None, "serviceId": None, "eventTypes": _event_types(input["eventTypes"]),
            "severities": list(input.get("severities") or []),
            "ephemeralEnvironments": input.get("ephemeralEnvironments"),
            "channels": [_channel(context, c) for c in input["channelConfigs"]],
            "createdAt": timestamp, "updatedAt": timestamp}
    rules(context.data)[rule["id"]] = rule
    context.changed()
    return rule


def _rule(context, rule_id):
    context.require_account()
    rule = rules(context.data).get(rule_id)
    if rule is None or (rule["projectId"] and not _project_live(context, rule["projectId"])):
        raise RailwayError("Notification rule not found")
    return rule


@resolves("Mutation", "notificationRuleUpdate")
def resolve_notification_rule_update(_, info, id, input):
    context = info.context
    rule = _rule(context, id)
    changes = {}                 # all checked before anything changes
    if input.get("eventTypes") is not None:
        changes["eventTypes"] = _event_types(input["eventTypes"])
    if input.get("severities") is not None:
        changes["severities"] = list(input["severities"])
    if "ephemeralEnvironments" in input:
        changes["ephemeralEnvironments"] = input["ephemeralEnvironments"]
    if input.get("channelConfigs") is not None:
        if not input["channelConfigs"]:
            raise RailwayError("At least one channel is required")
        changes["channels"] = [_channel(context, c) for c in input["channelConfigs"]]
    rule.update(changes)
    rule["updatedAt"] = context.now()
    context.changed()
    return rule


@resolves("Mutation", "notificationRuleDelete")
def resolve_notification_rule_delete(_, info, id):
    context = info.context
    rule = _rule(context, id)
    del rules(context.data)[rule["id"]]
    context.changed()
    return True
