# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import railway_notification
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

TOKEN = "rw-account-token-0123456789"
WS = "11111111-1111-4111-8111-111111111111"
PID = "22222222-2222-4222-8222-222222222222"
URL = "https://hooks.example.com/services/T000/B000/secretpart"
CREDS = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True, timeout=5)


def params(**overrides):
    values = dict(CREDS, url=URL, project=PID, workspace_id=None, event_types=["deployment.failed", "deployment.crashed"],
                  severities=None, ephemeral_environments=None, state="present")
    values.update(overrides)
    return values


def project():
    return dict(project=dict(id=PID, name="prela", workspaceId=WS))


def rule(rule_id="r-1", url=URL, events=("deployment.crashed", "deployment.failed"), project_id=PID, severities=()):
    return dict(id=rule_id, workspaceId=WS, projectId=project_id, eventTypes=list(events), severities=list(severities),
                ephemeralEnvironments=None, channels=[dict(id="c-1", config=dict(type="webhook", url=url))])


def rules(*found):
    return dict(notificationRules=list(found))


def run(p, check_mode=False):
    return execute(railway_notification, TaskContext(p, check_mode=check_mode, diff=True, no_log_values={TOKEN, URL}))


def test_creates_the_rule_with_a_webhook_channel(railway_script):
    script = railway_script(("project", project()), ("notificationRules", rules()),
                            ("notificationRuleCreate", lambda v: dict(notificationRuleCreate=rule(events=v["input"]["eventTypes"]))))
    result = run(params(severities=["CRITICAL"]))
    script.done()
    assert result["changed"] is True
    assert script.sent[1][2] == dict(workspaceId=WS, projectId=PID)
    assert script.sent[-1][2]["input"] == dict(workspaceId=WS, projectId=PID, eventTypes=["deployment.failed", "deployment.crashed"],
                                               channelConfigs=[dict(type="webhook", url=URL)], severities=["CRITICAL"])
    assert result["notification_rule"]["id"] == "r-1"
    assert URL not in repr(result)


def test_second_run_reads_only_whatever_the_event_order(railway_script):
    script = railway_script(("project", project()), ("notificationRules", rules(rule(url="https://other.example.com/x"), rule("r-2"))))
    result = run(params())
    script.done()
    assert result["changed"] is False and script.mutations == []
    assert result["notification_rule"]["id"] == "r-2"


def test_update_sends_only_what_differs(railway_script):
    script = railway_script(("project", project()), ("notificationRules", rules(rule())),
                            ("notificationRuleUpdate", lambda v: dict(notificationRuleUpdate=rule(events=v["input"]["eventTypes"]))))
    result = run(params(event_types=["deployment.failed"]))
    script.done()
    assert script.sent[-1][2] == dict(id="r-1", input=dict(eventTypes=["deployment.failed"]))
    assert result["changed"] is True
    assert result["diff"]["after"]["event_types"] == ["deployment.failed"]


def test_workspace_rule_is_not_confused_with_the_project_rule(railway_script):
    script = railway_script(("workspaces", dict(apiToken=dict(workspaces=[dict(id=WS, name="ws")]))),
                            ("notificationRules", rules(rule())),
                            ("notificationRuleCreate", dict(notificationRuleCreate=rule("r-9", project_id=None))))
    result = run(params(project=None))
    script.done()
    assert script.sent[1][2] == dict(workspaceId=WS, projectId=None)
    assert "projectId" not in script.sent[-1][2]["input"]
    assert result["notification_rule"]["project_id"] is None


def test_delete_and_absent(railway_script):
    script = railway_script(("project", project()), ("notificationRules", rules(rule())),
                            ("notificationRuleDelete", dict(notificationRuleDelete=True)))
    assert run(params(state="absent"))["changed"] is True
    script.done()
    script = railway_script(("project", project()), ("notificationRules", rules()))
    assert run(params(state="absent"))["changed"] is False
    assert script.mutations == []


def test_check_mode_sends_no_mutation(railway_script):
    script = railway_script(("project", project()), ("notificationRules", rules()))
    result = run(params(), check_mode=True)
    script.done()
    assert result["changed"] is True and script.mutations == []


def test_lost_create_is_found_again(railway_script):
    script = railway_script(("project", project()), ("notificationRules", rules()),
                            ("notificationRuleCreate", ApiError("lost", provider="Railway", lost_response=True)),
                            ("notificationRules", rules(rule())))
    result = run(params())
    script.done()
    assert script.mutations == ["notificationRuleCreate"] and result["notification_rule"]["id"] == "r-1"


def test_two_rules_on_one_url_fail(railway_script):
    railway_script(("project", project()), ("notificationRules", rules(rule("r-1"), rule("r-2"))))
    result = run(params())
    assert result["failed"] is True and result["msg"].startswith("url:") and "r-1" in result["msg"]


@pytest.mark.parametrize("overrides, option", [
    (dict(url="hooks.example.com/x"), "url:"),
    (dict(event_types=[""]), "event_types:"),
    (dict(project_token="pt-123456789", api_token=None), "project_token:"),
])
def test_bad_input_fails_before_any_request(railway_script, overrides, option):
    script = railway_script()
    result = run(params(**overrides))
    assert result["failed"] is True and result["msg"].startswith(option), result["msg"]
    assert script.sent == []
