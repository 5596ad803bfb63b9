"""Clerk in the sandbox: JWT templates (names unique, reserved claims refused, signing_key write-only)."""
import pytest

from test_clerk_sandbox import clerk, clerk_error, clerk_state, ok

CLAIMS = {"role": "{{user.public_metadata.role}}"}


def test_create_read_update_delete(sandbox):
    created = ok(clerk(sandbox, "POST", "/jwt_templates", {"name": "api", "claims": CLAIMS}))
    assert set(created) == {"object", "id", "name", "claims", "lifetime", "allowed_clock_skew", "custom_signing_key",
                            "signing_algorithm", "created_at", "updated_at"}
    assert (created["lifetime"], created["allowed_clock_skew"], created["custom_signing_key"]) == (60, 5, False)
    assert ok(clerk(sandbox, "GET", "/jwt_templates")) == [created]
    assert ok(clerk(sandbox, "GET", "/jwt_templates?paginated=true&limit=500&offset=0")) == {
        "data": [created], "total_count": 1}
    assert ok(clerk(sandbox, "GET", "/jwt_templates/" + created["id"])) == created
    clerk_error(clerk(sandbox, "PATCH", "/jwt_templates/" + created["id"], {"lifetime": 120}), 422,
                "form_param_missing", "name")
    updated = ok(clerk(sandbox, "PATCH", "/jwt_templates/" + created["id"], {"name": "api", "claims": {}, "lifetime": 120}))
    assert updated["claims"] == {} and updated["lifetime"] == 120
    assert ok(clerk(sandbox, "DELETE", "/jwt_templates/" + created["id"]))["deleted"] is True
    clerk_error(clerk(sandbox, "GET", "/jwt_templates/" + created["id"]), 404, "resource_not_found")


def test_signing_key_is_kept_and_never_answered(sandbox):
    body = {"name": "supabase", "claims": {}, "custom_signing_key": True, "signing_algorithm": "HS256",
            "signing_key": "a-very-secret-signing-key"}
    created = ok(clerk(sandbox, "POST", "/jwt_templates", body))
    assert "signing_key" not in created and created["signing_algorithm"] == "HS256"
    listed = clerk(sandbox, "GET", "/jwt_templates")
    assert "a-very-secret-signing-key" not in listed.text
    stored = clerk_state(sandbox)["jwt_templates"][created["id"]]
    assert stored["signing_key"] == "a-very-secret-signing-key"
    # a PATCH without the key keeps it (the algorithm must come again)
    patch = {"name": "supabase", "claims": {"a": 1}, "custom_signing_key": True}
    clerk_error(clerk(sandbox, "PATCH", "/jwt_templates/" + created["id"], patch), 422, "form_param_missing",
                "signing_algorithm")
    ok(clerk(sandbox, "PATCH", "/jwt_templates/" + created["id"], dict(patch, signing_algorithm="HS256")))
    assert clerk_state(sandbox)["jwt_templates"][created["id"]]["signing_key"] == "a-very-secret-signing-key"


@pytest.mark.parametrize("body, code, param", [
    ({"claims": {}}, "form_param_missing", "name"),
    ({"name": "x"}, "form_param_missing", "claims"),
    ({"name": "x", "claims": []}, "form_param_format_invalid", "claims"),
    ({"name": "x", "claims": {"sub": "x"}}, "form_param_value_invalid", "claims"),
    ({"name": "x", "claims": {}, "lifetime": 10}, "form_param_value_invalid", "lifetime"),
    ({"name": "x", "claims": {}, "lifetime": "60"}, "form_param_format_invalid", "lifetime"),
    ({"name": "x", "claims": {}, "allowed_clock_skew": 400}, "form_param_value_invalid", "allowed_clock_skew"),
    ({"name": "x", "claims": {}, "custom_signing_key": True, "signing_key": "k"}, "form_param_missing",
     "signing_algorithm"),
    ({"name": "x", "claims": {}, "custom_signing_key": True, "signing_algorithm": "HS256"}, "form_param_missing",
     "signing_key"),
    ({"name": "x", "claims": {}, "custom_signing_key": True, "signing_algorithm": "XX1", "signing_key": "k"},
     "form_param_value_invalid", "signing_algorithm"),
    ({"name": "x", "claims": {}, "template": "y"}, "form_param_unknown", "template"),
])
def test_create_refuses_what_clerk_refuses(sandbox, body, code, param):
    clerk_error(clerk(sandbox, "POST", "/jwt_templates", body), 422, code, param)
    assert ok(clerk(sandbox, "GET", "/jwt_templates")) == []


def test_names_are_unique(sandbox):
    ok(clerk(sandbox, "POST", "/jwt_templates", {"name": "api", "claims": {}}))
    clerk_error(clerk(sandbox, "POST", "/jwt_templates", {"name": "api", "claims": {}}), 422, "form_identifier_exists",
                "name")
