# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_notification: a notification rule sending a project's (or workspace's) events to a webhook URL.

Railway removed project webhooks (webhookCreate); notification rules replaced them. A rule is found
by its webhook URL. The channel config is an opaque JSON scalar in Railway's schema; this module
sends {"type": "webhook", "url": ...}, the shape third-party tools use, which is not verified
against Railway's live API.
"""

from __future__ import annotations

import re

from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, Write, converge, deletion
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, railway_argument_spec

SEVERITIES = ["CRITICAL", "WARNING", "NOTICE", "INFO"]

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    url=dict(type="str", required=True, no_log=True),
    project=dict(type="str"),
    workspace_id=dict(type="str"),
    event_types=dict(type="list", elements="str"),
    severities=dict(type="list", elements="str", choices=SEVERITIES),
    ephemeral_environments=dict(type="bool"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)
MODULE_KWARGS = dict(required_if=[("state", "present", ["event_types"])])

RULE_FIELDS = "id workspaceId projectId eventTypes severities ephemeralEnvironments channels { id config }"
RULES_QUERY = ("query notificationRules($workspaceId: String!, $projectId: String) {"
               " notificationRules(workspaceId: $workspaceId, projectId: $projectId) { %s } }" % RULE_FIELDS)
CHANNEL_TYPE = "webhook"


def webhook_urls(rule):
    return [c["config"].get("url") for c in rule.get("channels") or []
            if isinstance(c.get("config"), dict) and str(c["config"].get("type", "")).lower() == CHANNEL_TYPE]


def rule_result(rule, url):
    if not rule:
        return {}
    return dict(id=rule.get("id"), workspace_id=rule.get("workspaceId"), project_id=rule.get("projectId"),
                url=url, event_types=list(rule.get("eventTypes") or []), severities=list(rule.get("severities") or []),
                ephemeral_environments=rule.get("ephemeralEnvironments"), channels=len(rule.get("channels") or []))


def _view(rule):
    if not rule:
        return {}
    return dict(event_types=sorted(rule.get("eventTypes") or []), severities=sorted(rule.get("severities") or []),
                ephemeral_environments=rule.get("ephemeralEnvironments"))


def _validate(ctx, params):
    if not re.match(r"^https?://[^/\s]+", params["url"].strip()):
        ctx.fail("url: give the webhook's full http:// or https:// URL.")
    params["url"] = params["url"].strip()
    if params["event_types"] is not None:
        events = [e.strip() for e in params["event_types"]]
        if not events or not all(events):
            ctx.fail("event_types: give at least one event type, none empty (for example deployment.failed).")
        params["event_types"] = events


def _workspace(ctx, client, params, project):
    if project is not None:
        return project["workspaceId"]
    if params["workspace_id"]:
        return params["workspace_id"]
    workspaces = client.workspaces()
    if len(workspaces) != 1:
        ctx.fail("workspace_id: this token sees %d workspaces (%s); say which one the rule belongs to." % (
            len(workspaces), ", ".join("%s (%s)" % (w["name"], w["id"]) for w in workspaces)))
    return workspaces[0]["id"]


def _find(client, workspace_id, project, url):
    rules = client.query(RULES_QUERY, dict(workspaceId=workspace_id, projectId=project["id"] if project else None))
    scope = project["id"] if project else None
    return [r for r in rules["notificationRules"] if r.get("projectId") == scope and url in webhook_urls(r)]


def _one(ctx, matches):
    if len(matches) > 1:
        ctx.fail("url: %d notification rules send to this webhook (%s); this module cannot tell which one is meant."
                 % (len(matches), ", ".join(r["id"] for r in matches)))
    return matches[0] if matches else None


def _planned_without_project(ctx, params):
    """Check mode only: the project would be created by an earlier task of the same run."""
    ctx.warn("project %r does not exist yet; in check mode the rule is reported as to be created with it."
             % params["project"])
    if params["state"] == "absent":
        return ctx.result(changed=False, notification_rule={})
    planned = dict(eventTypes=params["event_types"], severities=params["severities"],
                   ephemeralEnvironments=params["ephemeral_environments"])
    return ctx.result(changed=True, notification_rule=rule_result(dict(planned, id=None), params["url"]),
                      diff=({}, _view(planned)))


def _create(client, params, workspace_id, project):
    rule_input = dict(workspaceId=workspace_id, eventTypes=params["event_types"],
                      channelConfigs=[dict(type=CHANNEL_TYPE, url=params["url"])])
    if project is not None:
        rule_input["projectId"] = project["id"]
    if params["severities"] is not None:
        rule_input["severities"] = params["severities"]
    if params["ephemeral_environments"] is not None:
        rule_input["ephemeralEnvironments"] = params["ephemeral_environments"]
    return Write(dict(rule_input, id=None), lambda: client.mutate(
        "mutation notificationRuleCreate($input: CreateNotificationRuleInput!) {"
        " notificationRuleCreate(input: $input) { %s } }" % RULE_FIELDS, dict(input=rule_input))["notificationRuleCreate"])


def _update(client, params, current):
    update = {}
    if sorted(current.get("eventTypes") or []) != sorted(params["event_types"]):
        update["eventTypes"] = params["event_types"]
    if params["severities"] is not None and sorted(current.get("severities") or []) != sorted(params["severities"]):
        update["severities"] = params["severities"]
    if params["ephemeral_environments"] is not None and \
            bool(current.get("ephemeralEnvironments")) != params["ephemeral_environments"]:
        update["ephemeralEnvironments"] = params["ephemeral_environments"]
    if not update:
        return None
    return Write(dict(current, **update), lambda: client.mutate(
        "mutation notificationRuleUpdate($id: String!, $input: UpdateNotificationRuleInput!) {"
        " notificationRuleUpdate(id: $id, input: $input) { %s } }" % RULE_FIELDS,
        dict(id=current["id"], input=update))["notificationRuleUpdate"])


def _delete(client, current):
    return deletion(lambda: client.mutate(
        "mutation notificationRuleDelete($id: String!) { notificationRuleDelete(id: $id) }", dict(id=current["id"])))


def run(ctx):
    params = ctx.params
    _validate(ctx, params)
    client = ctx.register_client(RailwayClient(params))
    if client.uses_project_token:
        ctx.fail("project_token: notification rules belong to the workspace; a project token cannot manage them. "
                 "Use api_token.")
    project = None
    if params["project"]:
        project = client.resolve_project(params["project"], params["workspace_id"], "id name workspaceId",
                                         required=not ctx.check_mode)
        if project is None:
            return _planned_without_project(ctx, params)
    workspace_id = _workspace(ctx, client, params, project)

    def find_again():
        found = _find(client, workspace_id, project, params["url"])
        return found[0] if found else None

    return converge(ctx, SingleObject(
        find=lambda: _one(ctx, _find(client, workspace_id, project, params["url"])), find_again=find_again,
        view=_view, result=lambda before, after: dict(notification_rule=rule_result(after or before, params["url"])),
        create=lambda: _create(client, params, workspace_id, project),
        update=lambda current: _update(client, params, current), remove=lambda current: _delete(client, current)))
