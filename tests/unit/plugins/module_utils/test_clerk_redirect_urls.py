# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import requests

from ansible_collections.railstack.platform.plugins.module_utils import clerk_redirect_urls
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

from .clerk_script import SECRET, clerk_api, creds  # noqa: F401  pylint: disable=unused-import


def params(**overrides):
    values = dict(creds(), urls=["prela://oauth-callback", "https://dashboard.prela.app/sso-callback"], exclusive=True,
                  state="present")
    values.update(overrides)
    return values


def record(url, record_id):
    return dict(object="redirect_url", id=record_id, url=url, created_at=1, updated_at=1)


def run(p, check_mode=False, diff=True):
    return execute(clerk_redirect_urls, TaskContext(p, check_mode=check_mode, diff=diff, no_log_values={SECRET}))


def deleted(record_id):
    return dict(object="redirect_url", id=record_id, deleted=True)


def test_exclusive_list_adds_and_removes(clerk_api):
    api = clerk_api(("GET", "/redirect_urls", [record("prela://oauth-callback", "ru_1"), record("https://old.example/cb", "ru_2")]),
                    ("DELETE", "/redirect_urls/ru_2", deleted("ru_2")),
                    ("POST", "/redirect_urls", record("https://dashboard.prela.app/sso-callback", "ru_3")))
    result = run(params())
    api.done()
    assert api.writes[1].json == dict(url="https://dashboard.prela.app/sso-callback")
    assert result["changed"] is True
    assert result["added"] == ["https://dashboard.prela.app/sso-callback"]
    assert result["removed"] == ["https://old.example/cb"]
    assert [r["id"] for r in result["redirect_urls"]] == ["ru_1", "ru_3"]
    assert result["diff"]["before"]["urls"] == ["https://old.example/cb", "prela://oauth-callback"]


def test_same_list_is_a_no_op_with_one_read(clerk_api):
    api = clerk_api(("GET", "/redirect_urls", dict(data=[record("https://dashboard.prela.app/sso-callback", "ru_3"),
                                                         record("prela://oauth-callback", "ru_1")], total_count=2)))
    result = run(params())
    api.done()
    assert result["changed"] is False and api.writes == [] and result["api_requests"] == 1


def test_not_exclusive_leaves_others_and_absent_removes_listed(clerk_api):
    api = clerk_api(("GET", "/redirect_urls", [record("https://other.example/cb", "ru_9")]),
                    ("POST", "/redirect_urls", record("prela://oauth-callback", "ru_1")))
    result = run(params(urls=["prela://oauth-callback"], exclusive=False))
    api.done()
    assert result["removed"] == [] and result["added"] == ["prela://oauth-callback"]
    api = clerk_api(("GET", "/redirect_urls", [record("https://other.example/cb", "ru_9"), record("prela://oauth-callback", "ru_1")]),
                    ("DELETE", "/redirect_urls/ru_1", deleted("ru_1")))
    result = run(params(urls=["prela://oauth-callback", "prela://never-there"], state="absent"))
    api.done()
    assert result["removed"] == ["prela://oauth-callback"] and [r["id"] for r in result["redirect_urls"]] == ["ru_9"]


def test_check_mode_sends_no_write(clerk_api):
    api = clerk_api(("GET", "/redirect_urls", [record("https://old.example/cb", "ru_2")]))
    result = run(params(), check_mode=True)
    api.done()
    assert result["changed"] is True and api.writes == []
    assert sorted(r["url"] for r in result["redirect_urls"]) == sorted(params()["urls"])
    assert result["removed"] == ["https://old.example/cb"]


def test_bad_url_fails_before_any_request(clerk_api):
    api = clerk_api()
    result = run(params(urls=["prela://ok", "dashboard.prela.app/cb"]))
    assert result["failed"] is True and result["msg"].startswith("urls[1]:")
    assert api.sent == []


def test_lost_create_answer_is_found_again(clerk_api):
    api = clerk_api(("GET", "/redirect_urls", []),
                    ("POST", "/redirect_urls", requests.exceptions.ReadTimeout("read timed out")),
                    ("GET", "/redirect_urls", [record("prela://oauth-callback", "ru_1")]))
    result = run(params(urls=["prela://oauth-callback"]))
    api.done()
    assert result["redirect_urls"][0]["id"] == "ru_1" and [s.method for s in api.writes] == ["POST"]
