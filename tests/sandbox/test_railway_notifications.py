"""Railway: notification rules (what replaced project webhooks)."""
from conftest import create_project

RULE = "id workspaceId projectId eventTypes severities ephemeralEnvironments channels { id workspaceId config }"
CREATE = "mutation($i: CreateNotificationRuleInput!) { notificationRuleCreate(input: $i) { %s } }" % RULE
UPDATE = "mutation($id: String!, $i: UpdateNotificationRuleInput!) { notificationRuleUpdate(id: $id, input: $i) { %s } }" % RULE
DELETE = "mutation($id: String!) { notificationRuleDelete(id: $id) }"
LIST = "query($w: String!, $p: String) { notificationRules(workspaceId: $w, projectId: $p) { %s } }" % RULE
HOOK = {"type": "webhook", "url": "https://hooks.example.com/deploys"}


def workspace_id(sandbox):
    return sandbox.gql("{ me { workspaces { id } } }")["me"]["workspaces"][0]["id"]


def test_rule_lifecycle(sandbox):
    ws = workspace_id(sandbox)
    project = create_project(sandbox, "shop")
    rule = sandbox.gql(CREATE, {"i": {"workspaceId": ws, "projectId": project["id"], "eventTypes": ["deployment.failed"],
                                      "channelConfigs": [HOOK], "severities": ["CRITICAL"]}})["notificationRuleCreate"]
    assert rule["projectId"] == project["id"] and rule["eventTypes"] == ["deployment.failed"]
    assert rule["severities"] == ["CRITICAL"] and rule["channels"][0]["config"] == HOOK
    assert rule["channels"][0]["workspaceId"] == ws
    workspace_rule = sandbox.gql(CREATE, {"i": {"workspaceId": ws, "eventTypes": ["deployment.crashed"],
                                                "channelConfigs": [HOOK]}})["notificationRuleCreate"]
    assert workspace_rule["projectId"] is None

    assert [r["id"] for r in sandbox.gql(LIST, {"w": ws, "p": project["id"]})["notificationRules"]] == [rule["id"]]
    assert {r["id"] for r in sandbox.gql(LIST, {"w": ws})["notificationRules"]} == {rule["id"], workspace_rule["id"]}

    updated = sandbox.gql(UPDATE, {"id": rule["id"], "i": {"eventTypes": ["deployment.failed", "deployment.crashed"],
                                                           "ephemeralEnvironments": True}})["notificationRuleUpdate"]
    assert updated["eventTypes"] == ["deployment.failed", "deployment.crashed"]
    assert updated["ephemeralEnvironments"] is True and updated["severities"] == ["CRITICAL"]
    assert updated["channels"] == rule["channels"]           # channels left alone when not given

    assert sandbox.gql(DELETE, {"id": rule["id"]}) == {"notificationRuleDelete": True}
    assert sandbox.gql_error(DELETE, {"id": rule["id"]}) == "Notification rule not found"
    assert [r["id"] for r in sandbox.gql(LIST, {"w": ws})["notificationRules"]] == [workspace_rule["id"]]


def test_bad_rules_are_refused_and_change_nothing(sandbox):
    ws = workspace_id(sandbox)
    base = {"workspaceId": ws, "eventTypes": ["deployment.failed"], "channelConfigs": [HOOK]}
    assert "http(s) url" in sandbox.gql_error(CREATE, {"i": dict(base, channelConfigs=[{"type": "webhook", "url": "ftp://x"}])})
    assert "missing type" in sandbox.gql_error(CREATE, {"i": dict(base, channelConfigs=[{"url": "https://x.example"}])})
    assert "event type" in sandbox.gql_error(CREATE, {"i": dict(base, eventTypes=[])})
    assert "channel" in sandbox.gql_error(CREATE, {"i": dict(base, channelConfigs=[])})
    assert sandbox.gql_error(CREATE, {"i": dict(base, workspaceId="someone-else")}) == "Not Authorized"
    response = sandbox.post_graphql(CREATE, {"i": dict(base, severities=["LOUD"])})
    assert response.status_code == 400
    rule = sandbox.gql(CREATE, {"i": base})["notificationRuleCreate"]
    assert "event type" in sandbox.gql_error(UPDATE, {"id": rule["id"], "i": {"eventTypes": [""],
                                                                              "channelConfigs": [{"type": "x"}]}})
    assert sandbox.gql(LIST, {"w": ws})["notificationRules"][0]["eventTypes"] == ["deployment.failed"]


def test_project_tokens_cannot_touch_rules_and_deleted_projects_take_theirs(sandbox):
    ws = workspace_id(sandbox)
    project = create_project(sandbox, "shop")
    token = sandbox.gql("mutation($i: ProjectTokenCreateInput!) { projectTokenCreate(input: $i) }",
                        {"i": {"projectId": project["id"], "environmentId": project["environment_id"],
                               "name": "t"}})["projectTokenCreate"]
    assert sandbox.gql_error(LIST, {"w": ws}, project_token=token) == "Not Authorized"
    sandbox.gql(CREATE, {"i": {"workspaceId": ws, "projectId": project["id"], "eventTypes": ["deployment.failed"],
                               "channelConfigs": [HOOK]}})
    sandbox.gql("mutation($id: String!) { projectDelete(id: $id) }", {"id": project["id"]})
    assert sandbox.gql(LIST, {"w": ws})["notificationRules"] == []
