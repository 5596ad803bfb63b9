"""Clerk in the sandbox: auth, routing, error shapes, instance settings, restrictions, organizations, domains."""
import pytest

VERSION = "2026-05-12"
ERROR_KEYS = {"message", "long_message", "code", "meta"}


def live(key):
    return "sk_live_" + key.split("_", 2)[2]


def clerk(sandbox, method, path, json=None, key="dev", version=VERSION, headers=None, data=None):
    secret = sandbox.env["CLERK_SECRET_KEY"]
    send = {}
    if key is not None:
        send["Authorization"] = "Bearer " + {"dev": secret, "prod": live(secret)}.get(key, key)
    if version is not None:
        send["Clerk-API-Version"] = version
    send.update(headers or {})
    return sandbox.session.request(method, sandbox.env["CLERK_API_URL"] + path, json=json, data=data, headers=send,
                                   timeout=10)


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def clerk_error(response, status, code, param=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"errors"} and len(body["errors"]) == 1, body
    error = body["errors"][0]
    assert set(error) == ERROR_KEYS and error["code"] == code, body
    assert error["message"] and error["long_message"]
    if param:
        assert error["meta"] == {"param_name": param}, body
    return error


def clerk_state(sandbox, environment="development"):
    return sandbox.control("GET", "state").json()["clerk"]["instances"][environment]


# ------------------------------------------------------------------ auth, versions, routing
@pytest.mark.parametrize("key", [None, "sk_test_wrong", "not-a-key"])
def test_without_the_secret_key_nothing_is_answered(sandbox, key):
    clerk_error(clerk(sandbox, "GET", "/instance", key=key), 401, "authentication_invalid")
    clerk_error(clerk(sandbox, "PATCH", "/instance", {"hibp": False}, key=key), 401, "authentication_invalid")
    assert clerk_state(sandbox)["settings"]["hibp"] is True


def test_one_key_is_one_instance(sandbox):
    dev = ok(clerk(sandbox, "GET", "/instance"))
    prod = ok(clerk(sandbox, "GET", "/instance", key="prod"))
    assert dev["environment_type"] == "development" and prod["environment_type"] == "production"
    assert dev["id"] != prod["id"] and dev["id"].startswith("ins_")


def test_unknown_api_version_is_refused_and_no_header_is_fine(sandbox):
    clerk_error(clerk(sandbox, "GET", "/instance", version="2099-01-01"), 400, "invalid_api_version")
    assert ok(clerk(sandbox, "GET", "/instance", version=None))["object"] == "instance"


def test_routing_shares_v1_with_stripe(sandbox):
    # Clerk-API-Version claims the request for Clerk even on a path Stripe serves
    clerk_error(clerk(sandbox, "GET", "/products"), 404, "resource_not_found")
    # without the header, Clerk's paths are Clerk's
    assert ok(clerk(sandbox, "GET", "/domains", version=None))["total_count"] == 1
    entries = sandbox.traffic_since(0)
    assert {e["api"] for e in entries if e["path"] in ("/v1/products", "/v1/domains")} == {"clerk"}


def test_malformed_bodies_are_refused(sandbox):
    response = clerk(sandbox, "PATCH", "/instance", data=b"{not json", headers={"Content-Type": "application/json"})
    clerk_error(response, 400, "malformed_request_body")
    clerk_error(clerk(sandbox, "PATCH", "/instance", [1, 2]), 400, "malformed_request_body")


# ------------------------------------------------------------------ instance
def test_instance_has_exactly_the_readable_fields(sandbox):
    instance = ok(clerk(sandbox, "GET", "/instance"))
    assert set(instance) == {"object", "id", "environment_type", "allowed_origins", "workspace_id"}
    assert instance["object"] == "instance" and instance["allowed_origins"] is None


def test_write_only_settings_are_applied_and_never_answered(sandbox):
    response = clerk(sandbox, "PATCH", "/instance", {"hibp": False, "support_email": "help@prela.app", "test_mode": False,
                                                     "allowed_origins": ["https://a.example", "capacitor://localhost"]})
    assert response.status_code == 204 and response.content == b""
    instance = ok(clerk(sandbox, "GET", "/instance"))
    assert instance["allowed_origins"] == ["https://a.example", "capacitor://localhost"]
    assert "hibp" not in instance and "support_email" not in instance and "test_mode" not in instance
    settings = clerk_state(sandbox)["settings"]
    assert (settings["hibp"], settings["support_email"], settings["test_mode"]) == (False, "help@prela.app", False)


@pytest.mark.parametrize("body, status, code, param", [
    ({"hibpp": True}, 422, "form_param_unknown", "hibpp"),
    ({"hibp": "yes"}, 422, "form_param_format_invalid", "hibp"),
    ({"allowed_origins": "https://a.example"}, 422, "form_param_format_invalid", "allowed_origins"),
    ({"allowed_origins": None}, 422, "form_param_nil", "allowed_origins"),
    ({"allowed_origins": ["https://a.example/path"]}, 422, "form_param_format_invalid", "allowed_origins"),
    ({"support_email": "nope"}, 422, "form_param_format_invalid", "support_email"),
    ({"preferred_sign_in_strategy_when_password_required": "sms"}, 422, "form_param_value_invalid",
     "preferred_sign_in_strategy_when_password_required"),
])
def test_instance_patch_refuses_what_clerk_refuses(sandbox, body, status, code, param):
    before = clerk_state(sandbox)
    clerk_error(clerk(sandbox, "PATCH", "/instance", body), status, code, param)
    assert clerk_state(sandbox) == before


def test_restrictions_empty_patch_reads_without_change(sandbox):
    first = ok(clerk(sandbox, "PATCH", "/instance/restrictions", {}))
    assert first == {"object": "instance_restrictions", "allowlist": False, "blocklist": False,
                     "allowlist_blocklist_disabled_on_sign_in": False, "block_email_subaddresses": False,
                     "block_disposable_email_domains": False}
    changed = ok(clerk(sandbox, "PATCH", "/instance/restrictions", {"blocklist": True, "allowlist": None}))
    assert changed["blocklist"] is True and changed["allowlist"] is False
    assert ok(clerk(sandbox, "PATCH", "/instance/restrictions", {})) == changed
    clerk_error(clerk(sandbox, "PATCH", "/instance/restrictions", {"blocklist": 1}), 422, "form_param_format_invalid")
    clerk_error(clerk(sandbox, "GET", "/instance/restrictions"), 404, "resource_not_found")


def test_organization_settings_read_keys_and_write_ids(sandbox):
    settings = ok(clerk(sandbox, "GET", "/instance/organization_settings"))
    assert settings["object"] == "organization_settings" and settings["creator_role"] == "org:admin"
    roles = ok(clerk(sandbox, "GET", "/organization_roles?query=org:member&limit=10"))
    assert roles["total_count"] == 1 and roles["data"][0]["key"] == "org:member"
    member_id = roles["data"][0]["id"]
    clerk_error(clerk(sandbox, "PATCH", "/instance/organization_settings", {"creator_role": "org:admin"}), 422,
                "form_param_unknown", "creator_role")
    clerk_error(clerk(sandbox, "PATCH", "/instance/organization_settings", {"domains_default_role_id": "role_nope"}),
                422, "form_param_value_invalid", "domains_default_role_id")
    clerk_error(clerk(sandbox, "PATCH", "/instance/organization_settings", {"domains_enrollment_modes": ["magic"]}),
                422, "form_param_value_invalid", "domains_enrollment_modes")
    clerk_error(clerk(sandbox, "PATCH", "/instance/organization_settings", {"creator_role_id": member_id}),
                422, "form_param_value_invalid", "creator_role_id")
    after = ok(clerk(sandbox, "PATCH", "/instance/organization_settings",
                     {"enabled": True, "domains_default_role_id": member_id, "max_allowed_memberships": 20}))
    assert (after["enabled"], after["domains_default_role"], after["max_allowed_memberships"]) == (True, "org:member", 20)
    assert ok(clerk(sandbox, "GET", "/instance/organization_settings")) == after


def test_jwks_is_public_keys_only(sandbox):
    keys = ok(clerk(sandbox, "GET", "/jwks"))["keys"]
    assert keys and all(k["kty"] == "RSA" and "d" not in k for k in keys)


# ------------------------------------------------------------------ domains
def test_development_domains(sandbox):
    domains = ok(clerk(sandbox, "GET", "/domains"))
    assert domains["total_count"] == 1
    primary = domains["data"][0]
    assert primary["is_satellite"] is False and primary["cname_targets"] is None
    assert primary["frontend_api_url"].endswith(".clerk.accounts.dev")
    satellite = ok(clerk(sandbox, "POST", "/domains", {"name": "localhost:3001", "is_satellite": True}))
    assert satellite["name"] == "localhost:3001" and satellite["accounts_portal_url"] is None
    clerk_error(clerk(sandbox, "POST", "/domains", {"name": "x.dev", "is_satellite": True,
                                                    "proxy_url": "https://x.dev/__clerk"}),
                422, "form_param_value_invalid", "proxy_url")


def test_production_primary_domain_has_clerks_five_cnames(sandbox):
    primary = ok(clerk(sandbox, "GET", "/domains", key="prod"))["data"][0]
    hosts = [t["host"] for t in primary["cname_targets"]]
    assert hosts == ["clerk.example.com", "accounts.example.com", "clkmail.example.com", "clk._domainkey.example.com",
                     "clk2._domainkey.example.com"]
    assert all(set(t) == {"host", "value", "required"} for t in primary["cname_targets"])
    renamed = ok(clerk(sandbox, "PATCH", "/domains/" + primary["id"], {"name": "prela.app"}, key="prod"))
    assert renamed["cname_targets"][0]["host"] == "clerk.prela.app"
    assert renamed["frontend_api_url"] == "https://clerk.prela.app"
    proxied = ok(clerk(sandbox, "PATCH", "/domains/" + primary["id"], {"proxy_url": "https://prela.app/__clerk"},
                       key="prod"))
    assert proxied["proxy_url"] == "https://prela.app/__clerk" and proxied["cname_targets"][0]["required"] is False


@pytest.mark.parametrize("body, code, param", [
    ({"name": "prela.dev"}, "form_param_missing", "is_satellite"),
    ({"name": "prela.dev", "is_satellite": False}, "form_param_value_invalid", "is_satellite"),
    ({"name": "prela.dev:3000", "is_satellite": True}, "form_param_format_invalid", "name"),
    ({"name": "https://prela.dev", "is_satellite": True}, "form_param_format_invalid", "name"),
    ({"name": "prela.dev", "is_satellite": True, "proxy_url": "http://prela.dev"}, "form_param_format_invalid", "proxy_url"),
    ({"name": "prela.dev", "is_satellite": True, "primary": True}, "form_param_unknown", "primary"),
    ({"name": "example.com", "is_satellite": True}, "form_identifier_exists", "name"),
])
def test_production_domain_create_refuses_what_clerk_refuses(sandbox, body, code, param):
    clerk_error(clerk(sandbox, "POST", "/domains", body, key="prod"), 422, code, param)
    assert ok(clerk(sandbox, "GET", "/domains", key="prod"))["total_count"] == 1


def test_satellite_lifecycle_and_primary_is_not_deletable(sandbox):
    satellite = ok(clerk(sandbox, "POST", "/domains", {"name": "prela.dev", "is_satellite": True}, key="prod"))
    assert satellite["id"].startswith("dmn_") and satellite["accounts_portal_url"] is None
    assert satellite["cname_targets"] == [{"host": "clerk.prela.dev", "value": "frontend-api.clerk.services",
                                           "required": True}]
    updated = ok(clerk(sandbox, "PATCH", "/domains/" + satellite["id"], {"is_secondary": True}, key="prod"))
    assert "is_secondary" not in updated          # write-only
    primary = ok(clerk(sandbox, "GET", "/domains", key="prod"))["data"][0]
    clerk_error(clerk(sandbox, "DELETE", "/domains/" + primary["id"], key="prod"), 403, "operation_not_allowed")
    deleted = ok(clerk(sandbox, "DELETE", "/domains/" + satellite["id"], key="prod"))
    assert deleted == {"object": "domain", "id": satellite["id"], "deleted": True}
    clerk_error(clerk(sandbox, "DELETE", "/domains/" + satellite["id"], key="prod"), 404, "resource_not_found")


# ------------------------------------------------------------------ rate limits and faults
def test_development_instance_allows_100_requests_per_10_seconds(start_sandbox):
    sandbox = start_sandbox()
    statuses = [clerk(sandbox, "GET", "/instance").status_code for _ in range(100)]
    assert statuses == [200] * 100
    limited = clerk(sandbox, "GET", "/instance")
    clerk_error(limited, 429, "too_many_requests")
    assert 1 <= int(limited.headers["Retry-After"]) <= 10
    assert ok(clerk(sandbox, "GET", "/jwks"))["keys"]                # not rate limited
    assert ok(clerk(sandbox, "GET", "/instance", key="prod"))        # another instance, another budget


def test_injected_faults_look_like_clerk(sandbox):
    assert sandbox.control("POST", "faults", {"next": [{"kind": "429", "api": "clerk"},
                                                       {"kind": "500", "api": "clerk"}]}).status_code == 200
    limited = clerk(sandbox, "GET", "/instance")
    clerk_error(limited, 429, "too_many_requests")
    assert limited.headers["Retry-After"] == "1"
    clerk_error(clerk(sandbox, "GET", "/instance"), 500, "internal_clerk_error")
    assert ok(clerk(sandbox, "GET", "/instance"))
