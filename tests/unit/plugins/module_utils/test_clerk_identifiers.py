# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import requests

from ansible_collections.railstack.platform.plugins.module_utils import clerk_identifiers
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

from .clerk_script import SECRET, clerk_api, clerk_errors, creds  # noqa: F401  pylint: disable=unused-import


def params(**overrides):
    values = dict(creds(), allowlist=None, blocklist=None, exclusive=True, notify=False, state="present")
    values.update(overrides)
    return values


def ident(identifier, record_id, kind="email_address", obj="allowlist_identifier"):
    return dict(object=obj, id=record_id, identifier=identifier, identifier_type=kind, instance_id="ins_1",
                created_at=1, updated_at=1)


def blocked(identifier, record_id):
    return ident(identifier, record_id, obj="blocklist_identifier")


def run(p, check_mode=False, diff=True):
    return execute(clerk_identifiers, TaskContext(p, check_mode=check_mode, diff=diff, no_log_values={SECRET}))


def test_both_lists_reconciled_case_insensitively(clerk_api):
    api = clerk_api(("GET", "/allowlist_identifiers", [ident("ada@prela.app", "al_1"), ident("old@prela.app", "al_2")]),
                    ("GET", "/blocklist_identifiers", dict(data=[], total_count=0)),
                    ("DELETE", "/allowlist_identifiers/al_2", dict(object="allowlist_identifier", id="al_2", deleted=True)),
                    ("POST", "/allowlist_identifiers", ident("*@prela.app", "al_3")),
                    ("POST", "/blocklist_identifiers", blocked("spam.example", "bl_1")))
    result = run(params(allowlist=["Ada@Prela.app", "*@Prela.app"], blocklist=["spam.example"], notify=True))
    api.done()
    assert api.sent[0].query == [("paginated", "true"), ("limit", "500"), ("offset", "0")]
    assert api.sent[1].query == []
    assert api.writes[1].json == dict(identifier="*@prela.app", notify=True)
    assert api.writes[2].json == dict(identifier="spam.example")
    assert result["changed"] is True
    assert (result["allowlist_added"], result["allowlist_removed"]) == (["*@prela.app"], ["old@prela.app"])
    assert result["blocklist_added"] == ["spam.example"]
    assert [r["id"] for r in result["allowlist"]] == ["al_1", "al_3"]
    assert result["diff"]["before"] == dict(allowlist=["ada@prela.app", "old@prela.app"], blocklist=[])


def test_only_the_lists_given_are_read_and_a_match_is_a_no_op(clerk_api):
    api = clerk_api(("GET", "/blocklist_identifiers", dict(data=[blocked("spam.example", "bl_1")], total_count=1)))
    result = run(params(blocklist=["SPAM.example"]))
    api.done()
    assert result["changed"] is False and api.writes == [] and result["api_requests"] == 1
    assert "allowlist" not in result


def test_not_exclusive_and_absent(clerk_api):
    api = clerk_api(("GET", "/allowlist_identifiers", [ident("ada@prela.app", "al_1")]),
                    ("POST", "/allowlist_identifiers", ident("+14155550100", "al_2", "phone_number")))
    result = run(params(allowlist=["+14155550100"], exclusive=False))
    api.done()
    assert api.writes[0].json == dict(identifier="+14155550100", notify=False)
    assert result["allowlist_removed"] == []
    api = clerk_api(("GET", "/allowlist_identifiers", [ident("ada@prela.app", "al_1")]),
                    ("DELETE", "/allowlist_identifiers/al_1", dict(object="allowlist_identifier", id="al_1", deleted=True)))
    result = run(params(allowlist=["ada@prela.app", "never@prela.app"], state="absent"))
    api.done()
    assert result["allowlist_removed"] == ["ada@prela.app"] and result["allowlist"] == []


def test_check_mode_sends_no_write(clerk_api):
    api = clerk_api(("GET", "/allowlist_identifiers", [ident("old@prela.app", "al_2")]))
    result = run(params(allowlist=["new@prela.app"]), check_mode=True)
    api.done()
    assert result["changed"] is True and api.writes == []
    assert result["allowlist"] == [dict(id=None, identifier="new@prela.app")]


def test_bad_input_fails_before_any_request(clerk_api):
    cases = [(dict(allowlist=["ada@prela.app", "not an identifier"]), "allowlist[1]:"),
             (dict(blocklist=["0x123"]), "blocklist[0]:"),
             (dict(blocklist=["spam.example"], notify=True), "notify:")]
    for overrides, prefix in cases:
        api = clerk_api()
        result = run(params(**overrides))
        assert result["failed"] is True and result["msg"].startswith(prefix), (overrides, result["msg"])
        assert api.sent == []


def test_plan_without_the_feature_fails_with_clerks_words(clerk_api):
    clerk_api(("GET", "/allowlist_identifiers", (402, clerk_errors("payment_required", "Allowlist is a paid feature."))))
    result = run(params(allowlist=["ada@prela.app"]))
    assert result["failed"] is True and "paid feature" in result["msg"] and result["status"] == 402


def test_lost_create_answer_is_found_again(clerk_api):
    api = clerk_api(("GET", "/blocklist_identifiers", dict(data=[], total_count=0)),
                    ("POST", "/blocklist_identifiers", requests.exceptions.ReadTimeout("read timed out")),
                    ("GET", "/blocklist_identifiers", dict(data=[blocked("spam.example", "bl_1")], total_count=1)))
    result = run(params(blocklist=["spam.example"]))
    api.done()
    assert result["blocklist"][0]["id"] == "bl_1" and [s.method for s in api.writes] == ["POST"]
