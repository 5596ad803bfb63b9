# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""clerk_info: exactly which requests are sent."""
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import clerk_info

from .clerk_script import LIVE_SECRET, SECRET, clerk_api, creds  # noqa: F401  pylint: disable=unused-import
from .clerk_domain_shared import dev_primary, listing, primary, run, satellite


def info_params(**overrides):
    values = dict(creds(), include_jwks=False)
    values.update(overrides)
    return values


def test_info_derives_publishable_key_and_jwks_url(clerk_api):
    api = clerk_api(("GET", "/instance", dict(object="instance", id="ins_1", environment_type="development",
                                              allowed_origins=None, workspace_id=None)),
                    ("GET", "/domains", listing(dev_primary())))
    result = run(clerk_info, info_params())
    api.done()
    assert result["changed"] is False and api.writes == []
    assert result["frontend_api"] == "brave-otter-42.clerk.accounts.dev"
    assert result["publishable_key"] == "pk_test_YnJhdmUtb3R0ZXItNDIuY2xlcmsuYWNjb3VudHMuZGV2JA"
    assert result["jwks_url"] == "https://brave-otter-42.clerk.accounts.dev/.well-known/jwks.json"
    assert result["backend_jwks_url"] == "http://clerk.invalid/v1/jwks"
    assert result["railway_variables"] == dict(CLERK_PUBLISHABLE_KEY=result["publishable_key"],
                                               CLERK_JWKS_URL=result["jwks_url"])
    assert result["instance"]["allowed_origins"] == []
    assert SECRET not in repr(result)


def test_info_production_with_jwks(clerk_api):
    jwks = dict(keys=[dict(kty="RSA", kid="ins_1", use="sig", alg="RS256", n="abc", e="AQAB")])
    api = clerk_api(("GET", "/instance", dict(id="ins_1", environment_type="production", allowed_origins=[])),
                    ("GET", "/domains", listing(primary(), satellite())), ("GET", "/jwks", jwks))
    result = run(clerk_info, info_params(secret_key=LIVE_SECRET, include_jwks=True))
    api.done()
    assert result["publishable_key"] == "pk_live_Y2xlcmsucHJlbGEuYXBwJA"
    assert result["primary_domain"]["name"] == "prela.app"
    assert len(result["domains"]) == 2
    assert len(result["dns_records"]) == 6
    assert result["jwks"] == jwks
