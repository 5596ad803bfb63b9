# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import clerk_instance
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute
from ansible_collections.railstack.platform.plugins.module_utils.clerk import WRITE_ONLY

from .clerk_script import SECRET, clerk_api, clerk_errors, creds  # noqa: F401  pylint: disable=unused-import

RESTRICTIONS = dict(allowlist=False, blocklist=False, allowlist_blocklist_disabled_on_sign_in=False,
                    block_email_subaddresses=False, block_disposable_email_domains=False)
ORG = dict(object="organization_settings", enabled=False, max_allowed_memberships=5, max_allowed_roles=10,
           max_allowed_domains=10, creator_role="org:admin", admin_delete_enabled=True, domains_enabled=False,
           slug_disabled=False, domains_enrollment_modes=[], domains_default_role="org:member")
ROLES = dict(data=[dict(object="role", id="role_admin", key="org:admin", name="Admin"),
                   dict(object="role", id="role_lead", key="org:lead", name="Lead"),
                   dict(object="role", id="role_leader", key="org:leader", name="Leader")], total_count=3)


def params(**overrides):
    values = dict(creds(), allowed_origins=None, test_mode=None, hibp=None, support_email=None, clerk_js_version=None,
                  development_origin=None, url_based_session_syncing=None,
                  preferred_sign_in_strategy_when_password_required=None, restrictions=None, organization_settings=None)
    values.update(overrides)
    return values


def instance(origins=None):
    return dict(object="instance", id="ins_1", environment_type="development", allowed_origins=origins, workspace_id=None)


def run(p, check_mode=False, diff=True):
    return execute(clerk_instance, TaskContext(p, check_mode=check_mode, diff=diff, no_log_values={SECRET}))


def org(**settings):
    return dict(dict.fromkeys(("enabled", "max_allowed_memberships", "admin_delete_enabled", "domains_enabled",
                               "slug_disabled", "domains_enrollment_modes", "creator_role", "domains_default_role")),
                **settings)


def test_same_origins_in_another_order_is_a_no_op_with_one_read(clerk_api):
    api = clerk_api(("GET", "/instance", instance(["https://a.example", "capacitor://localhost"])))
    result = run(params(allowed_origins=["capacitor://localhost", "https://a.example"]))
    api.done()
    assert result["changed"] is False
    assert api.writes == []
    assert result["api_requests"] == 1
    assert result["write_only_applied"] == []
    assert result["instance"]["allowed_origins"] == ["https://a.example", "capacitor://localhost"]


def test_origins_that_differ_are_patched_and_read_back(clerk_api):
    wanted = ["https://app.prela.app", "chrome-extension://abcdef"]
    api = clerk_api(("GET", "/instance", instance(None)),
                    ("PATCH", "/instance", (204, None)),
                    ("GET", "/instance", instance(wanted)))
    result = run(params(allowed_origins=wanted + ["https://app.prela.app"]))
    api.done()
    assert result["changed"] is True
    assert api.writes[0].json == dict(allowed_origins=wanted)
    assert result["instance"]["allowed_origins"] == wanted
    assert result["diff"] == dict(before=dict(allowed_origins=[]), after=dict(allowed_origins=wanted))


def test_check_mode_reads_and_sends_no_write(clerk_api):
    api = clerk_api(("GET", "/instance", instance([])))
    result = run(params(allowed_origins=["https://x.example"], hibp=True), check_mode=True)
    api.done()
    assert result["changed"] is True
    assert api.writes == []
    assert result["instance"]["allowed_origins"] == ["https://x.example"]
    assert result["write_only_applied"] == ["hibp"]


def test_write_only_settings_are_sent_every_time_and_reported_changed(clerk_api):
    for attempt in range(2):
        api = clerk_api(("GET", "/instance", instance([])), ("PATCH", "/instance", (204, None)))
        result = run(params(hibp=True, support_email="support@prela.app", test_mode=False,
                            preferred_sign_in_strategy_when_password_required=""))
        api.done()
        assert result["changed"] is True, attempt
        assert api.writes[0].json == dict(hibp=True, support_email="support@prela.app", test_mode=False,
                                          preferred_sign_in_strategy_when_password_required="")
        assert result["write_only_applied"] == ["hibp", "preferred_sign_in_strategy_when_password_required",
                                                "support_email", "test_mode"]
        assert result["diff"]["before"]["hibp"] == WRITE_ONLY
        assert result["diff"]["after"]["hibp"] is True


def test_restrictions_are_read_with_an_empty_patch_and_only_differences_written(clerk_api):
    after = dict(RESTRICTIONS, block_disposable_email_domains=True)
    api = clerk_api(("GET", "/instance", instance()),
                    ("PATCH", "/instance/restrictions", dict(RESTRICTIONS, object="instance_restrictions")),
                    ("PATCH", "/instance/restrictions", dict(after, object="instance_restrictions")))
    result = run(params(restrictions=dict(allowlist=False, blocklist=None, block_disposable_email_domains=True)))
    api.done()
    assert [s.json for s in api.sent[1:]] == [{}, dict(block_disposable_email_domains=True)]
    assert result["changed"] is True
    assert result["restrictions"] == after
    assert result["diff"]["before"]["restrictions"]["block_disposable_email_domains"] is False


def test_restrictions_already_right_cost_one_empty_patch(clerk_api):
    api = clerk_api(("GET", "/instance", instance()),
                    ("PATCH", "/instance/restrictions", dict(RESTRICTIONS, object="instance_restrictions")))
    result = run(params(restrictions=dict(allowlist=False, blocklist=False)))
    api.done()
    assert result["changed"] is False
    assert [s.json for s in api.writes] == [{}]


def test_restrictions_in_check_mode_send_no_write_and_are_reported_to_be_applied(clerk_api):
    api = clerk_api(("GET", "/instance", instance()))
    result = run(params(restrictions=dict(allowlist=False, blocklist=False)), check_mode=True)
    api.done()
    assert api.writes == []
    assert result["changed"] is True
    assert result["warnings"][0].startswith("restrictions:")


def test_organization_settings_map_role_keys_to_ids(clerk_api):
    api = clerk_api(("GET", "/instance", instance()),
                    ("GET", "/instance/organization_settings", ORG),
                    ("GET", "/organization_roles", ROLES),
                    ("PATCH", "/instance/organization_settings",
                     dict(ORG, enabled=True, creator_role="org:lead", domains_enrollment_modes=["automatic_invitation"])))
    result = run(params(organization_settings=org(enabled=True, creator_role="org:lead", domains_default_role="org:member",
                                                  domains_enrollment_modes=["automatic_invitation"])))
    api.done()
    assert api.sent[2].query == [("query", "org:lead"), ("limit", "100")]
    assert api.writes[0].json == dict(enabled=True, creator_role_id="role_lead",
                                      domains_enrollment_modes=["automatic_invitation"])
    assert result["changed"] is True
    assert result["organization_settings"]["creator_role"] == "org:lead"
    assert result["diff"]["before"]["organization_settings"]["creator_role"] == "org:admin"


def test_organization_settings_already_right_is_a_no_op(clerk_api):
    current = dict(ORG, enabled=True, domains_enrollment_modes=["automatic_suggestion", "manual_invitation"])
    api = clerk_api(("GET", "/instance", instance()), ("GET", "/instance/organization_settings", current))
    result = run(params(organization_settings=org(enabled=True, creator_role="org:admin",
                                                  domains_enrollment_modes=["manual_invitation", "automatic_suggestion"])))
    api.done()
    assert result["changed"] is False
    assert api.writes == []


def test_unknown_role_fails_before_any_write(clerk_api):
    api = clerk_api(("GET", "/instance", instance()), ("GET", "/instance/organization_settings", ORG),
                    ("GET", "/organization_roles", dict(data=[], total_count=0)))
    result = run(params(allowed_origins=["https://new.example"], organization_settings=org(creator_role="org:nope")))
    api.done()
    assert result["failed"] is True
    assert result["msg"].startswith("organization_settings.creator_role:")
    assert api.writes == []


def test_bad_input_fails_before_any_request(clerk_api):
    cases = [
        (dict(allowed_origins=["https://ok.example", "https://x.example/path"]), "allowed_origins[1]:"),
        (dict(support_email="not-an-email"), "support_email:"),
        (dict(development_origin="localhost"), "development_origin:"),
        (dict(organization_settings=org(creator_role="admin")), "organization_settings.creator_role:"),
        (dict(organization_settings=org(max_allowed_memberships=-1)), "organization_settings.max_allowed_memberships:"),
        (dict(secret_key="pk_live_abc"), "secret_key:"),
    ]
    for overrides, prefix in cases:
        api = clerk_api()
        result = run(params(**overrides))
        assert result["failed"] is True, overrides
        assert result["msg"].startswith(prefix), result["msg"]
        assert api.sent == []


def test_clerk_refusal_keeps_clerks_words_and_hides_the_key(clerk_api):
    clerk_api(("GET", "/instance", instance()),
              ("PATCH", "/instance", (422, clerk_errors("form_param_format_invalid", "support_email %s is bad" % SECRET,
                                                        "support_email"))))
    result = run(params(support_email="a@b.co"))
    assert result["failed"] is True
    assert "support_email" in result["msg"] and result["code"] == "form_param_format_invalid"
    assert SECRET not in repr(result)
