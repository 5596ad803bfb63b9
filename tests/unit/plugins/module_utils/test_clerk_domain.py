# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""clerk_domain: exactly which requests are sent."""
from __future__ import annotations

import requests

from ansible_collections.railstack.platform.plugins.module_utils import clerk_domain

from .clerk_script import LIVE_SECRET, SECRET, clerk_api, creds  # noqa: F401  pylint: disable=unused-import
from .clerk_domain_shared import PROD_TARGETS, dev_primary, listing, primary, run, satellite


def domain_params(**overrides):
    values = dict(creds(secret_key=LIVE_SECRET), name="prela.dev", is_satellite=True, proxy_url=None, state="present")
    values.update(overrides)
    return values


def test_creates_a_satellite_and_returns_its_dns_records(clerk_api):
    api = clerk_api(("GET", "/domains", listing(primary())), ("POST", "/domains", satellite()))
    result = run(clerk_domain, domain_params(name="Prela.Dev."))
    api.done()
    assert api.writes[0].json == dict(name="prela.dev", is_satellite=True)
    assert result["changed"] is True
    assert result["domain"]["id"] == "dmn_sat"
    assert result["cname_targets"] == [dict(host="clerk.prela.dev", value="frontend-api.clerk.services", required=True)]
    assert result["dns_records"] == [dict(name="clerk.prela.dev", type="CNAME", values=["frontend-api.clerk.services"],
                                          ttl="auto", proxied=False)]
    assert result["diff"] == dict(before={}, after=dict(name="prela.dev", is_satellite=True, proxy_url=None))


def test_existing_satellite_is_a_no_op_with_one_read(clerk_api):
    api = clerk_api(("GET", "/domains", listing(primary(), satellite())))
    result = run(clerk_domain, domain_params())
    api.done()
    assert result["changed"] is False
    assert api.writes == []
    assert result["api_requests"] == 1


def test_check_mode_create_sends_no_write(clerk_api):
    api = clerk_api(("GET", "/domains", listing(primary())))
    result = run(clerk_domain, domain_params(), check_mode=True)
    api.done()
    assert result["changed"] is True
    assert result["domain"]["id"] is None
    assert api.writes == []


def test_primary_domain_gives_clerks_five_cnames_as_dns_records(clerk_api):
    api = clerk_api(("GET", "/domains", listing(primary(), satellite())))
    result = run(clerk_domain, domain_params(name="prela.app", is_satellite=False))
    api.done()
    assert result["changed"] is False
    assert result["cname_targets"] == PROD_TARGETS
    assert [r["name"] for r in result["dns_records"]] == [
        "clerk.prela.app", "accounts.prela.app", "clkmail.prela.app", "clk._domainkey.prela.app", "clk2._domainkey.prela.app"]
    assert all(r["type"] == "CNAME" and r["proxied"] is False and r["ttl"] == "auto" for r in result["dns_records"])
    assert result["dns_records"][2]["values"] == ["mail1.abc.clerk.services"]


def test_primary_domain_with_another_name_fails_before_any_write(clerk_api):
    api = clerk_api(("GET", "/domains", listing(primary())))
    result = run(clerk_domain, domain_params(name="prela.com", is_satellite=False))
    assert result["failed"] is True
    assert result["msg"].startswith("name: the instance's primary domain is prela.app")
    assert api.writes == []


def test_kind_mismatch_fails(clerk_api):
    api = clerk_api(("GET", "/domains", listing(primary())))
    result = run(clerk_domain, domain_params(name="prela.app", is_satellite=True))
    assert result["msg"].startswith("is_satellite:")
    assert api.writes == []


def test_proxy_url_set_and_cleared(clerk_api):
    proxied = dict(satellite(), proxy_url="https://prela.dev/__clerk")
    api = clerk_api(("GET", "/domains", listing(primary(), satellite())), ("PATCH", "/domains/dmn_sat", proxied))
    result = run(clerk_domain, domain_params(proxy_url="https://prela.dev/__clerk"))
    api.done()
    assert api.writes[0].json == dict(proxy_url="https://prela.dev/__clerk")
    assert result["domain"]["proxy_url"] == "https://prela.dev/__clerk"
    api = clerk_api(("GET", "/domains", listing(primary(), proxied)), ("PATCH", "/domains/dmn_sat", satellite()))
    result = run(clerk_domain, domain_params(proxy_url=""))
    api.done()
    assert api.writes[0].json == dict(proxy_url=None)
    assert result["changed"] is True


def test_absent_deletes_a_satellite_then_is_a_no_op(clerk_api):
    api = clerk_api(("GET", "/domains", listing(primary(), satellite())),
                    ("DELETE", "/domains/dmn_sat", dict(object="domain", id="dmn_sat", deleted=True)))
    result = run(clerk_domain, domain_params(state="absent"))
    api.done()
    assert result["changed"] is True
    api = clerk_api(("GET", "/domains", listing(primary())))
    result = run(clerk_domain, domain_params(state="absent"))
    assert result["changed"] is False
    assert api.writes == []


def test_absent_never_deletes_the_primary(clerk_api):
    api = clerk_api(("GET", "/domains", listing(primary())))
    result = run(clerk_domain, domain_params(name="prela.app", is_satellite=False, state="absent"))
    assert result["msg"].startswith("name: prela.app is the instance's primary domain")
    assert api.writes == []


def test_bad_input_fails_before_any_request(clerk_api):
    cases = [(dict(name="https://prela.dev"), "name:"), (dict(name="prela.dev/app"), "name:"),
             (dict(name="bad_name!.dev"), "name:"), (dict(name="prela.dev:3000"), "name: a production instance"),
             (dict(proxy_url="http://prela.dev/__clerk"), "proxy_url:"),
             (dict(secret_key=SECRET, proxy_url="https://prela.dev/__clerk"), "proxy_url: Clerk takes a proxy URL")]
    for overrides, prefix in cases:
        api = clerk_api()
        result = run(clerk_domain, domain_params(**overrides))
        assert result["failed"] is True and result["msg"].startswith(prefix), (overrides, result["msg"])
        assert api.sent == []


def test_a_port_is_fine_for_development(clerk_api):
    created = dict(satellite("localhost:3001"), cname_targets=None)
    api = clerk_api(("GET", "/domains", listing(dev_primary())), ("POST", "/domains", created))
    result = run(clerk_domain, domain_params(secret_key=SECRET, name="localhost:3001"))
    api.done()
    assert result["changed"] is True and result["dns_records"] == []


def test_lost_create_answer_is_found_again_not_repeated(clerk_api):
    api = clerk_api(("GET", "/domains", listing(primary())),
                    ("POST", "/domains", requests.exceptions.ReadTimeout("read timed out")),
                    ("GET", "/domains", listing(primary(), satellite())))
    result = run(clerk_domain, domain_params())
    api.done()
    assert result["changed"] is True and result["domain"]["id"] == "dmn_sat"
    assert [s.method for s in api.writes] == ["POST"]
