"""Clerk in the sandbox: redirect URLs, allow-list and block-list identifiers (no updates, unique values)."""
import pytest

from test_clerk_sandbox import clerk, clerk_error, ok


# ------------------------------------------------------------------ redirect URLs
def test_redirect_urls_lifecycle(sandbox):
    first = ok(clerk(sandbox, "POST", "/redirect_urls", {"url": "prela://oauth-callback"}))
    assert set(first) == {"object", "id", "url", "created_at", "updated_at"} and first["object"] == "redirect_url"
    second = ok(clerk(sandbox, "POST", "/redirect_urls", {"url": "https://app.prela.app/cb"}))
    assert ok(clerk(sandbox, "GET", "/redirect_urls")) == [first, second]
    assert ok(clerk(sandbox, "GET", "/redirect_urls?paginated=true&limit=1&offset=1")) == {"data": [second],
                                                                                          "total_count": 2}
    assert ok(clerk(sandbox, "GET", "/redirect_urls/" + first["id"])) == first
    clerk_error(clerk(sandbox, "PATCH", "/redirect_urls/" + first["id"], {"url": "x://y"}), 404, "resource_not_found")
    assert ok(clerk(sandbox, "DELETE", "/redirect_urls/" + first["id"])) == {"object": "redirect_url", "id": first["id"],
                                                                           "deleted": True}
    clerk_error(clerk(sandbox, "DELETE", "/redirect_urls/" + first["id"]), 404, "resource_not_found")


@pytest.mark.parametrize("body, code", [
    ({}, "form_param_missing"), ({"url": "app.prela.app/cb"}, "form_param_format_invalid"),
    ({"url": ["https://a.example"]}, "form_param_format_invalid"), ({"url": "https://a.example", "x": 1}, "form_param_unknown"),
])
def test_redirect_url_create_refuses_what_clerk_refuses(sandbox, body, code):
    clerk_error(clerk(sandbox, "POST", "/redirect_urls", body), 422, code)
    assert ok(clerk(sandbox, "GET", "/redirect_urls")) == []


def test_redirect_urls_are_unique(sandbox):
    ok(clerk(sandbox, "POST", "/redirect_urls", {"url": "prela://cb"}))
    clerk_error(clerk(sandbox, "POST", "/redirect_urls", {"url": "prela://cb"}), 422, "form_identifier_exists", "url")


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "limit=ten", "paginated=yes"])
def test_list_paging_parameters_are_checked(sandbox, query):
    response = clerk(sandbox, "GET", "/redirect_urls?" + query)
    assert response.status_code == 422, response.text


# ------------------------------------------------------------------ allow-list and block-list
def test_allowlist_identifiers(sandbox):
    email = ok(clerk(sandbox, "POST", "/allowlist_identifiers", {"identifier": "Ada@Prela.app", "notify": False}))
    assert email["identifier"] == "ada@prela.app" and email["identifier_type"] == "email_address"
    assert "invitation_id" not in email and "notify" not in email
    invited = ok(clerk(sandbox, "POST", "/allowlist_identifiers", {"identifier": "+14155550100", "notify": True}))
    assert invited["identifier_type"] == "phone_number" and invited["invitation_id"].startswith("inv_")
    domain = ok(clerk(sandbox, "POST", "/allowlist_identifiers", {"identifier": "*@prela.app"}))
    wallet = ok(clerk(sandbox, "POST", "/allowlist_identifiers",
                      {"identifier": "0x" + "ab" * 20}))
    assert (domain["identifier_type"], wallet["identifier_type"]) == ("email_address", "web3_wallet")
    assert [i["id"] for i in ok(clerk(sandbox, "GET", "/allowlist_identifiers"))] == [
        email["id"], invited["id"], domain["id"], wallet["id"]]
    clerk_error(clerk(sandbox, "POST", "/allowlist_identifiers", {"identifier": "ada@prela.app"}), 422,
                "form_identifier_exists", "identifier")
    clerk_error(clerk(sandbox, "POST", "/allowlist_identifiers", {"identifier": "not an identifier"}), 422,
                "form_param_format_invalid", "identifier")
    clerk_error(clerk(sandbox, "POST", "/allowlist_identifiers", {"identifier": "a@b.co", "notify": "no"}), 422,
                "form_param_format_invalid", "notify")
    assert ok(clerk(sandbox, "DELETE", "/allowlist_identifiers/" + email["id"]))["deleted"] is True
    clerk_error(clerk(sandbox, "DELETE", "/allowlist_identifiers/" + email["id"]), 404, "resource_not_found")


def test_blocklist_identifiers(sandbox):
    blocked = ok(clerk(sandbox, "POST", "/blocklist_identifiers", {"identifier": "spam.example"}))
    assert blocked["object"] == "blocklist_identifier" and blocked["identifier_type"] == "email_address"
    assert ok(clerk(sandbox, "GET", "/blocklist_identifiers")) == {"data": [blocked], "total_count": 1}
    clerk_error(clerk(sandbox, "POST", "/blocklist_identifiers", {"identifier": "x@y.co", "notify": True}), 422,
                "form_param_unknown", "notify")
    assert ok(clerk(sandbox, "DELETE", "/blocklist_identifiers/" + blocked["id"]))["deleted"] is True
    assert ok(clerk(sandbox, "GET", "/blocklist_identifiers"))["total_count"] == 0
