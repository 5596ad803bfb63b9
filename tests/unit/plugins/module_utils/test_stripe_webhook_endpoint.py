# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import json

import pytest

from .railway_script import committed, unchanged
from ansible_collections.railstack.platform.plugins.module_utils import stripe_webhook_endpoint
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

from .stripe_script import listing, stripe_error, stripe_script  # noqa: F401  pylint: disable=unused-import

KEY = "sk_test_unit0123456789abcdef"
RW_TOKEN = "rw-account-token-0123456789"
URL = "https://api.prela.app/api/v1/billing/webhooks/stripe"
EVENTS = ["invoice.paid", "checkout.session.completed"]
SECRET = "whsec_FRESHsecret0123456789abcdefABCD"
WS = "11111111-1111-4111-8111-111111111111"
PID = "22222222-2222-4222-8222-222222222222"
ENV = "33333333-3333-4333-8333-333333333333"
SVC = "44444444-4444-4444-8444-444444444444"


def params(**overrides):
    values = dict(api_key=KEY, api_base="http://stripe.invalid", allow_live=False, validate_certs=True, timeout=5,
                  url=URL, key="default", enabled_events=list(EVENTS), description=None, api_version=None,
                  connect=False, disabled=None, metadata=None, adopt=False, railway_secret_target=None,
                  rotate_if_secret_missing=True, state="present")
    values.update(overrides)
    return values


def target(**overrides):
    values = dict(project="prela", environment="production", service="api-gateway", name="STRIPE_WEBHOOK_SECRET",
                  api_token=RW_TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2",
                  validate_certs=True, timeout=5)
    values.update(overrides)
    return values


def endpoint(**overrides):
    value = dict(id="we_1", object="webhook_endpoint", api_version=None, application=None, created=1,
                 description=None, enabled_events=list(EVENTS), livemode=False,
                 metadata=dict(railstack_key="default"), status="enabled", url=URL)
    value.update(overrides)
    return value


def created(sent, **overrides):
    """What Stripe answers to a create: the endpoint from the sent form, with its secret."""
    form = sent.form
    value = endpoint(id="we_new", url=dict(form)["url"], enabled_events=[v for k, v in form if k == "enabled_events[]"],
                     metadata={k[len("metadata["):-1]: v for k, v in form if k.startswith("metadata[")},
                     api_version=dict(form).get("api_version"), secret=SECRET)
    value.update(overrides)
    return value


def run(p, check_mode=False, diff=True):
    return execute(stripe_webhook_endpoint, TaskContext(p, check_mode=check_mode, diff=diff,
                                                        no_log_values={KEY, RW_TOKEN}))


def no_secret_in(result):
    assert SECRET not in json.dumps({k: v for k, v in result.items() if k != "secret"})


def test_creates_and_reveals_the_secret_once(stripe_script):
    script = stripe_script(("GET", "/webhook_endpoints", listing()), ("POST", "/webhook_endpoints", created))
    result = run(params(description="Prela billing"))
    script.done()
    assert script.sent[1].form == [("url", URL), ("enabled_events[]", "invoice.paid"),
                                   ("enabled_events[]", "checkout.session.completed"),
                                   ("description", "Prela billing"), ("api_version", "2026-10-28.endive"),
                                   ("metadata[railstack_key]", "default")]
    assert result["changed"] is True and result["id"] == "we_new" and result["livemode"] is False
    assert result["secret"] == SECRET and result["_ansible_no_log"] is True
    assert result["webhook_endpoint"]["secret"] == "********"
    no_secret_in(result)
    assert result["diff"]["before"] == {} and result["diff"]["after"]["enabled_events"] == sorted(EVENTS)


def test_second_run_reads_only(stripe_script):
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint(enabled_events=list(reversed(EVENTS))))))
    result = run(params())
    script.done()
    assert result["changed"] is False and script.writes == [] and result["api_requests"] == 1
    assert "secret" not in result and "_ansible_no_log" not in result


def test_update_sends_only_what_differs_and_keeps_the_secret(stripe_script):
    script = stripe_script(
        ("GET", "/webhook_endpoints", listing(endpoint(url="https://old.example/hook", description="x"))),
        ("POST", "/webhook_endpoints/we_1", lambda sent: endpoint(description="", url=URL)))
    result = run(params(description="", metadata=dict(team="billing")))
    script.done()
    assert script.sent[1].form == [("url", URL), ("description", ""), ("metadata[team]", "billing")]
    assert result["changed"] is True and result["id"] == "we_1" and "secret" not in result


def test_check_mode_sends_no_write(stripe_script):
    script = stripe_script(("GET", "/webhook_endpoints", listing()))
    result = run(params(), check_mode=True)
    script.done()
    assert result["changed"] is True and result["id"] is None and script.writes == []
    assert "secret" not in result


@pytest.mark.parametrize("change, reason", [
    (dict(api_version="2025-11-17.clover"), "api_version cannot change in place"),
    (dict(connect=True), "connect cannot change in place"),
])
def test_fixed_settings_recreate_the_endpoint_new_first(stripe_script, change, reason):
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint())),
                           ("POST", "/webhook_endpoints", created),
                           ("DELETE", "/webhook_endpoints/we_1", dict(id="we_1", deleted=True)))
    result = run(params(**change))
    script.done()
    assert result["replaced"] is True and result["id"] == "we_new" and result["secret"] == SECRET
    assert reason in result["diff"]["after"]["recreated"]
    assert any("its signing secret changed" in w for w in result["warnings"])
    if "connect" in change:
        assert ("connect", "true") in script.sent[1].form
        assert not [pair for pair in script.sent[1].form if "railstack_connect" in pair[0]]


def test_recreate_in_check_mode_says_so_and_writes_nothing(stripe_script):
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint())))
    result = run(params(api_version="2025-11-17.clover"), check_mode=True)
    assert script.writes == [] and result["replaced"] is True
    assert "new signing secret" in result["diff"]["after"]["recreated"]


def test_at_the_limit_the_old_endpoint_goes_first(stripe_script):
    others = [endpoint(id="we_x%d" % i, url="https://x/%d" % i, metadata={}) for i in range(15)]
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint(), *others)),
                           ("DELETE", "/webhook_endpoints/we_1", dict(id="we_1", deleted=True)),
                           ("POST", "/webhook_endpoints", created))
    run(params(api_version="2025-11-17.clover"))
    script.done()


def test_a_new_endpoint_beyond_the_limit_fails_before_writing(stripe_script):
    others = [endpoint(id="we_x%d" % i, url="https://x/%d" % i, metadata={}) for i in range(16)]
    script = stripe_script(("GET", "/webhook_endpoints", listing(*others)))
    result = run(params())
    assert result["failed"] and result["msg"].startswith("url: ") and script.writes == []


def test_an_unmanaged_endpoint_with_the_url_fails_unless_adopted(stripe_script):
    foreign = endpoint(id="we_hand", metadata={})
    script = stripe_script(("GET", "/webhook_endpoints", listing(foreign)))
    result = run(params())
    assert result["failed"] and result["msg"].startswith("url: Stripe already sends events to")
    assert "we_hand" in result["msg"] and script.writes == []

    script = stripe_script(("GET", "/webhook_endpoints", listing(foreign)),
                           ("POST", "/webhook_endpoints/we_hand", lambda sent: endpoint(id="we_hand")))
    result = run(params(adopt=True))
    script.done()
    assert script.sent[1].form == [("metadata[railstack_key]", "default")] and result["id"] == "we_hand"


def test_two_marked_endpoints_fail_naming_key(stripe_script):
    stripe_script(("GET", "/webhook_endpoints", listing(endpoint(), endpoint(id="we_2"))))
    result = run(params())
    assert result["failed"] and result["msg"].startswith("key: 2 Stripe webhook endpoints carry railstack_key=default")


def test_another_key_with_the_same_url_is_another_endpoint(stripe_script):
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint(metadata=dict(railstack_key="connect")))),
                           ("POST", "/webhook_endpoints", created))
    result = run(params())
    script.done()
    assert result["changed"] is True and result["id"] == "we_new" and result["replaced"] is False


def test_absent_deletes_and_is_then_a_no_op(stripe_script):
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint())),
                           ("DELETE", "/webhook_endpoints/we_1", dict(id="we_1", deleted=True)))
    assert run(params(state="absent", enabled_events=None))["changed"] is True
    script.done()
    script = stripe_script(("GET", "/webhook_endpoints", listing()))
    result = run(params(state="absent", enabled_events=None))
    assert result["changed"] is False and script.writes == []


@pytest.mark.parametrize("change, field", [
    (dict(url="api.prela.app/hook"), "url"),
    (dict(enabled_events=["invoice paid"]), "enabled_events"),
    (dict(enabled_events=[]), "enabled_events"),
    (dict(enabled_events=None), "enabled_events"),
    (dict(api_version="latest"), "api_version"),
    (dict(metadata=dict(railstack_key="x")), "metadata"),
    (dict(key=""), "key"),
])
def test_bad_input_fails_before_any_request(stripe_script, change, field):
    script = stripe_script()
    result = run(params(**change))
    assert result["failed"] is True and result["msg"].startswith(field + ": ")
    assert script.sent == [] and result["livemode"] is False


APP = "ca_PLATFORM0123456789abcdefghij"


def test_connect_is_read_from_the_application_stripe_lists(stripe_script):
    """A Connect endpoint carries the platform's application: with connect=true it is already right (no replace)."""
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint(application=APP))))
    result = run(params(connect=True))
    script.done()
    assert result["changed"] is False and script.writes == []
    assert result["diff"]["before"]["connect"] is True


def test_created_with_the_pinned_version_unless_told(stripe_script):
    script = stripe_script(("GET", "/webhook_endpoints", listing()), ("POST", "/webhook_endpoints", created))
    run(params(api_version="2025-11-17.clover"))
    script.done()
    assert ("api_version", "2025-11-17.clover") in script.sent[1].form


def test_adopting_a_connect_endpoint_updates_it_in_place(stripe_script):
    foreign = endpoint(id="we_hand", metadata={}, application=APP, enabled_events=["invoice.paid"])
    script = stripe_script(("GET", "/webhook_endpoints", listing(foreign)),
                           ("POST", "/webhook_endpoints/we_hand", lambda sent: endpoint(id="we_hand", application=APP)))
    result = run(params(adopt=True, connect=True))
    script.done()
    assert [s.method for s in script.sent] == ["GET", "POST"]   # the POST to /webhook_endpoints/we_hand: an update
    assert ("metadata[railstack_key]", "default") in script.sent[1].form
    assert result["replaced"] is False and result["id"] == "we_hand" and "secret" not in result


@pytest.mark.parametrize("foreign, change, option, words", [
    (dict(application=APP), dict(), "connect:", "application %s" % APP),
    (dict(), dict(connect=True), "connect:", "own events"),
    (dict(api_version="2024-06-20"), dict(api_version="2026-10-28.endive"), "api_version:", "2024-06-20"),
])
def test_adopting_never_replaces_and_fails_naming_the_field(stripe_script, foreign, change, option, words):
    listed = ("GET", "/webhook_endpoints", listing(endpoint(id="we_hand", metadata={}, **foreign)))
    script = stripe_script(listed, listed)
    for check_mode in (False, True):
        result = run(params(adopt=True, **change), check_mode=check_mode)
        assert result["failed"] is True and result["msg"].startswith(option), result["msg"]
        assert "we_hand" in result["msg"] and words in result["msg"] and "state: absent" in result["msg"]
    script.done()
    assert script.writes == []


# ------------------------------------------------------------------------------ the Railway variable
def railway_project():
    return dict(projects=dict(edges=[dict(node=dict(
        id=PID, name="prela",
        environments=dict(edges=[dict(node=dict(id=ENV, name="production"))]),
        services=dict(edges=[dict(node=dict(id=SVC, name="api-gateway"))])))],
        pageInfo=dict(hasNextPage=False, endCursor=None)))


def environment_config(**variables):
    """The environment's config as railway_config reads it: the service's variables (values decrypted)."""
    config = dict(services={SVC: dict(variables={k: dict(value=v) for k, v in variables.items()})})
    return dict(environment=dict(id=ENV, name="production", projectId=PID, config=config, configEtag="etag-1",
                                 unmergedChangesCount=0))


def resolve_steps(**variables):
    return [("workspaces", dict(apiToken=dict(workspaces=[dict(id=WS, name="ws")]))), ("projects", railway_project()),
            ("environmentConfig", environment_config(**variables))]


def test_the_secret_goes_to_railway_and_never_into_the_result(stripe_script, railway_script):
    rw = railway_script(*resolve_steps(), *committed("patch-1", "etag-1"))
    script = stripe_script(("GET", "/webhook_endpoints", listing()), ("POST", "/webhook_endpoints", created))
    result = run(params(railway_secret_target=target()))
    script.done()
    rw.done()
    sent = rw.sent[-2][2]
    assert sent["environmentId"] == ENV
    assert sent["patch"] == dict(services={SVC: dict(variables=dict(STRIPE_WEBHOOK_SECRET=dict(value=SECRET)))})
    assert "secret" not in result and "_ansible_no_log" not in result
    no_secret_in(result)
    assert result["railway_variable"] == dict(project_id=PID, environment_id=ENV, service_id=SVC,
                                              name="STRIPE_WEBHOOK_SECRET", written=True)


def test_existing_endpoint_with_its_variable_set_changes_nothing(stripe_script, railway_script):
    rw = railway_script(*resolve_steps(STRIPE_WEBHOOK_SECRET="whsec_old"))
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint())))
    result = run(params(railway_secret_target=target()))
    rw.done()
    assert result["changed"] is False and script.writes == [] and rw.mutations == []
    assert rw.sent[-1][2] == dict(id=ENV)


def test_a_missing_variable_rotates_the_secret(stripe_script, railway_script):
    rw = railway_script(*resolve_steps(OTHER="x"), *committed("patch-1", "etag-1"))
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint())),
                           ("POST", "/webhook_endpoints", created),
                           ("DELETE", "/webhook_endpoints/we_1", dict(id="we_1", deleted=True)))
    result = run(params(railway_secret_target=target()))
    script.done()
    rw.done()
    assert result["replaced"] is True and result["railway_variable"]["written"] is True
    assert "Railway variable for its signing secret is missing" in result["diff"]["after"]["recreated"]
    no_secret_in(result)


def test_no_rotation_when_asked_not_to(stripe_script, railway_script):
    railway_script(*resolve_steps())
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint())))
    result = run(params(railway_secret_target=target(), rotate_if_secret_missing=False))
    assert result["changed"] is False and script.writes == []


def test_a_failed_railway_write_takes_the_new_endpoint_back(stripe_script, railway_script):
    railway_script(*resolve_steps(), unchanged("etag-1"), ("environmentPatchCommit", ApiError("Railway: Not Authorized %s" % SECRET)))
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint())), ("POST", "/webhook_endpoints", created),
                           ("DELETE", "/webhook_endpoints/we_new", dict(id="we_new", deleted=True)))
    result = run(params(railway_secret_target=target()))
    script.done()   # the old endpoint (we_1) stays: the next run finds one endpoint and tries again
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith("railway_secret_target: the signing secret of the new webhook endpoint could not")
    assert SECRET not in json.dumps(result)


def test_an_unknown_service_fails_before_any_stripe_write(stripe_script, railway_script):
    railway_script(*resolve_steps())
    script = stripe_script(("GET", "/webhook_endpoints", listing()))
    result = run(params(railway_secret_target=target(service="worker")))
    assert result["failed"] and result["msg"].startswith("railway_secret_target.service: ")
    assert script.writes == []


def test_adopting_with_the_variable_missing_fails_instead_of_rotating(stripe_script, railway_script):
    railway_script(*resolve_steps(OTHER="x"))
    script = stripe_script(("GET", "/webhook_endpoints", listing(endpoint(id="we_hand", metadata={}))))
    result = run(params(adopt=True, railway_secret_target=target()))
    assert result["failed"] is True and result["msg"].startswith("railway_secret_target: ")
    assert "STRIPE_WEBHOOK_SECRET" in result["msg"] and "we_hand" in result["msg"]
    assert "rotate_if_secret_missing: false" in result["msg"]
    assert script.writes == []
