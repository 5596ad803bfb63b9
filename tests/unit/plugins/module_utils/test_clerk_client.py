# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Clerk client on the HTTP core: headers, errors, lists, keys and DNS record shapes."""
from __future__ import annotations

import base64

import pytest
import requests

from ansible_collections.railstack.platform.plugins.module_utils import clerk
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed

from .clerk_script import LIVE_SECRET, SECRET, clerk_api, clerk_errors, creds  # noqa: F401  pylint: disable=unused-import


def test_every_request_has_the_key_and_the_pinned_version(clerk_api):
    api = clerk_api(("GET", "/instance", dict(id="ins_1")))
    client = clerk.ClerkClient(creds())
    assert client.get("/instance") == dict(id="ins_1")
    headers = api.sent[0].headers
    assert headers["Authorization"] == "Bearer " + SECRET
    assert headers["Clerk-API-Version"] == clerk.CLERK_API_VERSION == "2026-05-12"
    assert client.environment == "development"
    assert clerk.ClerkClient(creds(secret_key=LIVE_SECRET)).environment == "production"


def test_json_bodies(clerk_api):
    api = clerk_api(("PATCH", "/instance", (204, None)))
    assert clerk.ClerkClient(creds()).write("PATCH", "/instance", dict(hibp=True), safe=True) is None
    assert api.sent[0].json == dict(hibp=True)
    assert api.sent[0].headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("key, expected", [(None, "secret_key: no Clerk secret key"), ("", "secret_key: no Clerk"),
                                           ("pk_test_abc", "secret_key: a Clerk secret key starts with")])
def test_bad_keys_fail_naming_the_option(key, expected):
    with pytest.raises(TaskFailed) as err:
        clerk.ClerkClient(creds(secret_key=key))
    assert err.value.msg.startswith(expected)
    assert "pk_test_abc" not in err.value.msg


def test_clerk_errors_become_the_message_and_the_key_never_shows(clerk_api):
    clerk_api(("PATCH", "/instance", (422, clerk_errors("form_param_unknown", "foo is not a valid parameter %s" % SECRET,
                                                        "foo", "is unknown"))))
    with pytest.raises(ApiError) as err:
        clerk.ClerkClient(creds()).write("PATCH", "/instance", dict(foo=1))
    assert err.value.status == 422
    assert err.value.code == "form_param_unknown"
    assert "Clerk refused PATCH /v1/instance (HTTP 422): foo is not a valid parameter" in err.value.message
    assert SECRET not in err.value.message and SECRET not in repr(err.value.details)


def test_429_is_retried_after_retry_after(clerk_api):
    limited = (429, clerk_errors("too_many_requests", "Too many requests"), {"Retry-After": "0"})
    api = clerk_api(("GET", "/instance", limited), ("GET", "/instance", dict(id="ins_1")))
    assert clerk.ClerkClient(creds()).get("/instance") == dict(id="ins_1")
    api.done()


def test_a_lost_post_is_not_repeated(clerk_api):
    api = clerk_api(("POST", "/domains", requests.exceptions.ReadTimeout("read timed out")))
    with pytest.raises(ApiError) as err:
        clerk.ClerkClient(creds()).write("POST", "/domains", dict(name="x.dev", is_satellite=True))
    assert err.value.lost_response
    assert len(api.sent) == 1


def test_delete_of_something_gone_is_fine(clerk_api):
    clerk_api(("DELETE", "/domains/dmn_1", (404, clerk_errors("resource_not_found", "not found"))))
    clerk.ClerkClient(creds()).delete("/domains/dmn_1")


def test_list_reads_every_page_in_either_shape(clerk_api, monkeypatch):
    monkeypatch.setattr(clerk, "PAGE_SIZE", 2)
    api = clerk_api(
        ("GET", "/redirect_urls", dict(data=[dict(id=1), dict(id=2)], total_count=3)),
        ("GET", "/redirect_urls", dict(data=[dict(id=3)], total_count=3)),
        ("GET", "/allowlist_identifiers", [dict(id=1), dict(id=2)]),
        ("GET", "/allowlist_identifiers", []),
        ("GET", "/domains", dict(data=[dict(id="d")], total_count=1)),
    )
    client = clerk.ClerkClient(creds())
    assert [x["id"] for x in client.list("/redirect_urls")] == [1, 2, 3]
    assert api.sent[1].query == [("paginated", "true"), ("limit", "2"), ("offset", "2")]
    assert [x["id"] for x in client.list("/allowlist_identifiers")] == [1, 2]
    assert client.list("/domains", paginated=False) == [dict(id="d")]
    assert api.sent[-1].query == []
    api.done()


def test_publishable_key_matches_clerks_own_derivation():
    # A published production key (docs/reference: pk_live_ + base64("clerk.bycoach.io$"), padding stripped)
    assert clerk.publishable_key("clerk.bycoach.io") == "pk_live_Y2xlcmsuYnljb2FjaC5pbyQ"
    dev = clerk.publishable_key("brave-otter-42.clerk.accounts.dev")
    assert dev.startswith("pk_test_") and "=" not in dev
    assert base64.b64decode(dev[8:] + "==").decode() == "brave-otter-42.clerk.accounts.dev$"
    assert clerk.parse_publishable_key(dev) == "brave-otter-42.clerk.accounts.dev"
    assert clerk.parse_publishable_key("pk_live_Y2xlcmsuYnljb2FjaC5pbyQ") == "clerk.bycoach.io"
    assert clerk.parse_publishable_key("sk_live_x") is None


def test_cname_targets_become_dns_only_records():
    targets = [dict(host="clerk.prela.app", value="frontend-api.clerk.services", required=True),
               dict(host="clk._domainkey.prela.app", value="dkim1.abc.clerk.services", required=False)]
    assert clerk.dns_records(targets) == [
        dict(name="clerk.prela.app", type="CNAME", values=["frontend-api.clerk.services"], ttl="auto", proxied=False),
        dict(name="clk._domainkey.prela.app", type="CNAME", values=["dkim1.abc.clerk.services"], ttl="auto",
             proxied=False)]
    assert clerk.dns_records(None) == []


def test_argument_spec_matches_the_doc_fragment():
    import yaml  # pylint: disable=import-outside-toplevel
    from ansible_collections.railstack.platform.plugins.doc_fragments.clerk import ModuleDocFragment  # pylint: disable=import-outside-toplevel
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    spec = clerk.clerk_argument_spec()
    assert set(documented) == set(spec)
    for name, option in spec.items():
        assert documented[name]["type"] == option["type"], name
        assert documented[name].get("default") == option.get("default"), name
        assert bool(documented[name].get("required")) == bool(option.get("required")), name
    assert spec["secret_key"]["no_log"] is True
    assert spec["secret_key"]["fallback"][1] == ["CLERK_SECRET_KEY"]
    assert spec["api_url"]["fallback"][1] == ["CLERK_API_URL"]
