# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import requests

from ansible_collections.railstack.platform.plugins.module_utils import clerk_jwt_template
from ansible_collections.railstack.platform.plugins.module_utils._http import SECRET_MASK
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute
from ansible_collections.railstack.platform.plugins.module_utils.clerk import WRITE_ONLY

from .clerk_script import SECRET, clerk_api, creds  # noqa: F401  pylint: disable=unused-import

SIGNING_KEY = "jwt-signing-secret-0123456789"
CLAIMS = dict(role="{{user.public_metadata.role}}", email="{{user.primary_email_address}}")


def params(**overrides):
    values = dict(creds(), name="prela-api", claims=CLAIMS, lifetime=None, allowed_clock_skew=None,
                  custom_signing_key=None, signing_algorithm=None, signing_key=None, update_signing_key="always",
                  state="present")
    values.update(overrides)
    return values


def template(**overrides):
    value = dict(object="jwt_template", id="jtmp_1", name="prela-api", claims=CLAIMS, lifetime=60, allowed_clock_skew=5,
                 custom_signing_key=False, signing_algorithm="RS256", created_at=1, updated_at=1)
    value.update(overrides)
    return value


def run(p, check_mode=False, diff=True):
    return execute(clerk_jwt_template, TaskContext(p, check_mode=check_mode, diff=diff,
                                                   no_log_values={SECRET, SIGNING_KEY}))


def listing(*templates):
    return list(templates)


def test_creates_with_only_what_is_given(clerk_api):
    api = clerk_api(("GET", "/jwt_templates", listing(template(name="other", id="jtmp_0"))),
                    ("POST", "/jwt_templates", template(lifetime=300)))
    result = run(params(lifetime=300))
    api.done()
    assert api.sent[0].query == [("paginated", "true"), ("limit", "500"), ("offset", "0")]
    assert api.writes[0].json == dict(name="prela-api", claims=CLAIMS, lifetime=300)
    assert result["changed"] is True
    assert result["jwt_template"]["id"] == "jtmp_1" and result["jwt_template"]["lifetime"] == 300


def test_same_template_is_a_no_op_with_one_read(clerk_api):
    api = clerk_api(("GET", "/jwt_templates", dict(data=[template()], total_count=1)))
    result = run(params(lifetime=60))
    api.done()
    assert result["changed"] is False and api.writes == []
    assert result["api_requests"] == 1


def test_update_sends_the_whole_template(clerk_api):
    wanted = dict(CLAIMS, org="{{org.id}}")
    api = clerk_api(("GET", "/jwt_templates", listing(template(lifetime=120))),
                    ("PATCH", "/jwt_templates/jtmp_1", template(claims=wanted, lifetime=120)))
    result = run(params(claims=wanted))
    api.done()
    assert api.writes[0].json == dict(name="prela-api", claims=wanted, lifetime=120, allowed_clock_skew=5,
                                      custom_signing_key=False)
    assert result["diff"]["before"]["claims"] == CLAIMS and result["diff"]["after"]["claims"] == wanted


def test_check_mode_sends_no_write(clerk_api):
    for current in ([], [template()]):
        api = clerk_api(("GET", "/jwt_templates", current))
        result = run(params(lifetime=900), check_mode=True)
        api.done()
        assert result["changed"] is True and api.writes == []
        assert result["jwt_template"]["lifetime"] == 900


def test_signing_key_is_write_only(clerk_api):
    custom = template(custom_signing_key=True, signing_algorithm="HS256")
    common = dict(custom_signing_key=True, signing_algorithm="HS256", signing_key=SIGNING_KEY)
    # always: sent on every run, reported changed, masked in the diff
    api = clerk_api(("GET", "/jwt_templates", [custom]), ("PATCH", "/jwt_templates/jtmp_1", custom))
    result = run(params(**common))
    api.done()
    assert api.writes[0].json["signing_key"] == SIGNING_KEY
    assert result["changed"] is True
    assert result["diff"]["before"]["signing_key"] == WRITE_ONLY and result["diff"]["after"]["signing_key"] == SECRET_MASK
    assert SIGNING_KEY not in repr(result)
    # on_create: a converged template is left alone
    api = clerk_api(("GET", "/jwt_templates", [custom]))
    result = run(params(update_signing_key="on_create", **common))
    api.done()
    assert result["changed"] is False and api.writes == []


def test_switching_to_a_custom_key_needs_the_key(clerk_api):
    api = clerk_api(("GET", "/jwt_templates", [template()]))
    result = run(params(custom_signing_key=True, signing_algorithm="HS256"))
    assert result["failed"] is True and result["msg"].startswith("signing_key:")
    assert api.writes == []
    api = clerk_api(("GET", "/jwt_templates", [template()]),
                    ("PATCH", "/jwt_templates/jtmp_1", template(custom_signing_key=True, signing_algorithm="HS256")))
    result = run(params(custom_signing_key=True, signing_algorithm="HS256", signing_key=SIGNING_KEY,
                        update_signing_key="on_create"))
    api.done()
    assert api.writes[0].json["signing_key"] == SIGNING_KEY and result["changed"] is True


def test_bad_input_fails_before_any_request(clerk_api):
    cases = [(dict(claims=dict(sub="x", role="y")), "claims: sub is set by Clerk"),
             (dict(lifetime=10), "lifetime:"), (dict(allowed_clock_skew=301), "allowed_clock_skew:"),
             (dict(custom_signing_key=True), "signing_algorithm:"),
             (dict(custom_signing_key=False, signing_key=SIGNING_KEY), "custom_signing_key:"),
             (dict(name="  "), "name:")]
    for overrides, prefix in cases:
        api = clerk_api()
        result = run(params(**overrides))
        assert result["failed"] is True and result["msg"].startswith(prefix), (overrides, result["msg"])
        assert api.sent == []
        assert SIGNING_KEY not in repr(result)


def test_absent_deletes_then_is_a_no_op(clerk_api):
    api = clerk_api(("GET", "/jwt_templates", [template()]),
                    ("DELETE", "/jwt_templates/jtmp_1", dict(object="jwt_template", id="jtmp_1", deleted=True)))
    assert run(params(claims=None, state="absent"))["changed"] is True
    api.done()
    api = clerk_api(("GET", "/jwt_templates", []))
    assert run(params(claims=None, state="absent"))["changed"] is False
    assert api.writes == []


def test_lost_create_answer_is_found_again(clerk_api):
    api = clerk_api(("GET", "/jwt_templates", []),
                    ("POST", "/jwt_templates", requests.exceptions.ReadTimeout("read timed out")),
                    ("GET", "/jwt_templates", [template()]))
    result = run(params())
    api.done()
    assert result["changed"] is True and result["jwt_template"]["id"] == "jtmp_1"
    assert [s.method for s in api.writes] == ["POST"]
