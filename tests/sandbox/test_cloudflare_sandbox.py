"""Cloudflare in the sandbox: auth, zones, DNS record rules and codes, filters, pagination, batch, hook."""
import pytest

from railstack_sandbox.cloudflare import EDGE_ADDRESSES, proxied_origin, resolve, zone_holds_record
from railstack_sandbox.server import SandboxThread


def cf(sandbox, method, path, json=None, params=None, token="ok", headers=None):
    send = dict(headers or {})
    if token is not None:
        send["Authorization"] = "Bearer " + (sandbox.env["CLOUDFLARE_API_TOKEN"] if token == "ok" else token)
    return sandbox.session.request(method, sandbox.env["CLOUDFLARE_API_URL"] + path, json=json, params=params,
                                   headers=send, timeout=10)


def ok(response):
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["errors"] == [] and "result" in body
    return body


def error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["result"] is None and body["messages"] == []
    assert body["errors"][0]["code"] == code, body
    return body["errors"][0]


def zone_id(sandbox, name="prela.app"):
    return ok(cf(sandbox, "GET", "/zones", params={"name": name}))["result"][0]["id"]


def create(sandbox, zid, **record):
    return cf(sandbox, "POST", f"/zones/{zid}/dns_records", json=record)


# ------------------------------------------------------------------ auth and routing

def test_missing_bad_and_malformed_credentials(sandbox):
    error(cf(sandbox, "GET", "/zones", token=None), 400, 9106)
    error(cf(sandbox, "GET", "/zones", token="wrong-token"), 401, 10000)
    error(cf(sandbox, "GET", "/zones", token=None, headers={"Authorization": "Token abc"}), 400, 6003)


def test_unknown_zone_and_route_and_method(sandbox):
    err = error(cf(sandbox, "GET", "/zones/0123456789abcdef0123456789abcdef/dns_records"), 400, 7003)
    assert err["error_chain"][0]["code"] == 7000
    error(cf(sandbox, "GET", "/accounts"), 404, 7000)
    error(cf(sandbox, "DELETE", "/zones"), 405, 7001)


# ------------------------------------------------------------------ zones

def test_zones_filter_by_name_with_operators_and_paginate(sandbox):
    body = ok(cf(sandbox, "GET", "/zones", params={"name": "PRELA.app"}))
    assert [z["name"] for z in body["result"]] == ["prela.app"]
    assert body["result"][0]["status"] == "active" and len(body["result"][0]["id"]) == 32
    assert body["result_info"] == {"page": 1, "per_page": 20, "count": 1, "total_count": 1, "total_pages": 1}
    assert [z["name"] for z in ok(cf(sandbox, "GET", "/zones", params={"name": "ends_with:.com"}))["result"]] == [
        "example.com"]
    assert ok(cf(sandbox, "GET", "/zones", params={"name": "nope.example"}))["result"] == []
    error(cf(sandbox, "GET", "/zones", params={"per_page": 4}), 400, 1001)
    error(cf(sandbox, "GET", "/zones", params={"per_page": 51}), 400, 1001)
    page = ok(cf(sandbox, "GET", "/zones", params={"per_page": 5, "page": 1}))
    assert page["result_info"]["total_count"] == 2
    assert ok(cf(sandbox, "GET", f"/zones/{zone_id(sandbox)}"))["result"]["name"] == "prela.app"


# ------------------------------------------------------------------ records

def test_create_returns_cloudflares_record_shape_with_relative_names_completed(sandbox):
    zid = zone_id(sandbox)
    record = ok(create(sandbox, zid, type="CNAME", name="API", content="abc.up.railway.app",
                       comment="managed by railstack.platform"))["result"]
    assert record["name"] == "api.prela.app" and record["ttl"] == 1 and record["proxied"] is False
    assert record["proxiable"] is True and record["tags"] == [] and record["settings"] == {}
    assert {"id", "created_on", "modified_on", "comment_modified_on", "meta"} <= set(record)
    assert ok(cf(sandbox, "GET", f"/zones/{zid}/dns_records/{record['id']}"))["result"] == record


@pytest.mark.parametrize("record, status, code", [
    (dict(type="A", name="x", content="1.2.3"), 400, 9005),
    (dict(type="AAAA", name="x", content="192.0.2.1"), 400, 9006),
    (dict(type="CNAME", name="x", content="not a host"), 400, 9007),
    (dict(type="CNAME", name="x", content="x.prela.app"), 400, 9007),
    (dict(type="A", name="x", content="192.0.2.1", ttl=30), 400, 9021),
    (dict(type="A", name="x", content="192.0.2.1", ttl=90000), 400, 9021),
    (dict(type="TXT", name="x", content="t", proxied=True), 400, 9041),
    (dict(type="A", name="bad name!", content="192.0.2.1"), 400, 9000),
    (dict(type="A", name="x", content="192.0.2.1", colour="red"), 400, 9207),
    (dict(type="A", name="x", content="192.0.2.1", ttl="300"), 400, 9207),
    (dict(type="A", name="x", content="192.0.2.1", proxied="no"), 400, 9207),
    (dict(type="BOGUS", name="x", content="y"), 400, 1004),
    (dict(type="A", content="192.0.2.1"), 400, 1004),
    (dict(type="MX", name="x", content="mx.example.com"), 400, 1004),
    (dict(type="A", name="x", content="192.0.2.1", comment="c" * 101), 400, 9207),
])
def test_invalid_records_get_cloudflares_errors(sandbox, record, status, code):
    zid = zone_id(sandbox)
    error(create(sandbox, zid, **record), status, code)
    assert ok(cf(sandbox, "GET", f"/zones/{zid}/dns_records"))["result"] == []


def test_body_that_is_not_json_is_refused(sandbox):
    zid = zone_id(sandbox)
    response = cf(sandbox, "POST", f"/zones/{zid}/dns_records", headers={"Content-Type": "text/plain"})
    error(response, 400, 9207)


def test_same_name_rules(sandbox):
    zid = zone_id(sandbox)
    ok(create(sandbox, zid, type="A", name="www", content="192.0.2.1"))
    error(create(sandbox, zid, type="CNAME", name="www", content="x.example.net"), 400, 81053)
    error(create(sandbox, zid, type="A", name="www", content="192.0.2.1"), 400, 81058)
    ok(create(sandbox, zid, type="A", name="www", content="192.0.2.2"))
    ok(create(sandbox, zid, type="TXT", name="www", content='"hello"'))
    error(create(sandbox, zid, type="TXT", name="www", content="hello"), 400, 81058)   # quoting does not matter
    ok(create(sandbox, zid, type="CNAME", name="api", content="x.example.net"))
    error(create(sandbox, zid, type="A", name="api", content="192.0.2.3"), 400, 81054)
    error(create(sandbox, zid, type="CNAME", name="api", content="y.example.net"), 400, 81053)


def test_list_filters_and_pagination(sandbox):
    zid = zone_id(sandbox)
    for i in range(3):
        ok(create(sandbox, zid, type="A", name=f"h{i}", content=f"192.0.2.{i + 1}", comment="ours" if i else None))
    ok(create(sandbox, zid, type="TXT", name="h0", content='"v=spf1 -all"'))
    path = f"/zones/{zid}/dns_records"
    assert [r["type"] for r in ok(cf(sandbox, "GET", path, params={"name.exact": "H0.prela.app"}))["result"]] == [
        "A", "TXT"]
    assert len(ok(cf(sandbox, "GET", path, params={"name": "h0.prela.app", "type": "A"}))["result"]) == 1
    assert len(ok(cf(sandbox, "GET", path, params={"comment.present": ""}))["result"]) == 2
    assert len(ok(cf(sandbox, "GET", path, params={"content.contains": "spf1"}))["result"]) == 1
    assert len(ok(cf(sandbox, "GET", path, params={"name.startswith": "h1", "type": "TXT", "match": "any"}))
               ["result"]) == 2
    page = ok(cf(sandbox, "GET", path, params={"per_page": 3, "page": 2, "order": "name"}))
    assert page["result_info"] == {"page": 2, "per_page": 3, "count": 1, "total_count": 4, "total_pages": 2}
    error(cf(sandbox, "GET", path, params={"type": "BOGUS"}), 400, 1004)
    error(cf(sandbox, "GET", path, params={"per_page": 0}), 400, 1004)
    error(cf(sandbox, "GET", path, params={"match": "some"}), 400, 1004)


def test_patch_is_partial_put_overwrites_delete_removes(sandbox):
    zid = zone_id(sandbox)
    record = ok(create(sandbox, zid, type="A", name="x", content="192.0.2.1", ttl=300, comment="keep"))["result"]
    path = f"/zones/{zid}/dns_records/{record['id']}"
    patched = ok(cf(sandbox, "PATCH", path, json={"content": "192.0.2.2"}))["result"]
    assert patched["content"] == "192.0.2.2" and patched["ttl"] == 300 and patched["comment"] == "keep"
    put = ok(cf(sandbox, "PUT", path, json={"type": "A", "name": "x", "content": "192.0.2.3"}))["result"]
    assert put["ttl"] == 1 and put["comment"] is None and put["id"] == record["id"]
    assert ok(cf(sandbox, "DELETE", path))["result"] == {"id": record["id"]}
    error(cf(sandbox, "GET", path), 404, 81044)
    error(cf(sandbox, "DELETE", path), 404, 81044)
    error(cf(sandbox, "PATCH", path, json={"ttl": 300}), 404, 81044)


def test_batch_runs_deletes_before_posts_in_one_transaction(sandbox):
    zid = zone_id(sandbox)
    a_record = ok(create(sandbox, zid, type="A", name="api", content="192.0.2.1"))["result"]
    txt = ok(create(sandbox, zid, type="TXT", name="t", content='"old"'))["result"]
    result = ok(cf(sandbox, "POST", f"/zones/{zid}/dns_records/batch", json={
        "posts": [{"type": "CNAME", "name": "api", "content": "abc.up.railway.app"}],
        "patches": [{"id": txt["id"], "content": '"new"'}],
        "deletes": [{"id": a_record["id"]}]}))["result"]
    assert [r["id"] for r in result["deletes"]] == [a_record["id"]]
    assert result["patches"][0]["content"] == '"new"' and result["puts"] == []
    assert result["posts"][0]["type"] == "CNAME"
    names = {(r["name"], r["type"]) for r in ok(cf(sandbox, "GET", f"/zones/{zid}/dns_records"))["result"]}
    assert names == {("api.prela.app", "CNAME"), ("t.prela.app", "TXT")}


def test_batch_is_all_or_nothing_and_returns_the_first_error(sandbox):
    zid = zone_id(sandbox)
    kept = ok(create(sandbox, zid, type="A", name="kept", content="192.0.2.1"))["result"]
    before = ok(cf(sandbox, "GET", f"/zones/{zid}/dns_records"))["result"]
    error(cf(sandbox, "POST", f"/zones/{zid}/dns_records/batch", json={
        "deletes": [{"id": kept["id"]}],
        "posts": [{"type": "A", "name": "new", "content": "192.0.2.9"},
                  {"type": "A", "name": "bad", "content": "not-an-ip"},
                  {"type": "CNAME", "name": "new", "content": "x.example"}]}), 400, 9005)
    assert ok(cf(sandbox, "GET", f"/zones/{zid}/dns_records"))["result"] == before


@pytest.mark.parametrize("body, code", [
    ({"deletes": [{"id": "x", "name": "y"}]}, 9207),
    ({"deletes": [{"id": "0" * 32}]}, 81044),
    ({"patches": [{"content": "x"}]}, 1004),
    ({"creates": []}, 9207),
    ({"posts": [{"type": "A", "name": f"n{i}", "content": "192.0.2.1"} for i in range(201)]}, 1004),
])
def test_batch_refuses_bad_bodies(sandbox, body, code):
    zid = zone_id(sandbox)
    error(cf(sandbox, "POST", f"/zones/{zid}/dns_records/batch", json=body), 404 if code == 81044 else 400, code)


def test_proxied_records_always_have_automatic_ttl(sandbox):
    zid = zone_id(sandbox)
    record = ok(create(sandbox, zid, type="A", name="p", content="192.0.2.1", proxied=True, ttl=300))["result"]
    assert record["proxied"] is True and record["ttl"] == 1


# ------------------------------------------------------------------ the hook for railway_domain

def test_zone_holds_record_hook_answers_what_the_api_wrote(tmp_path):
    import requests
    with SandboxThread() as running:
        store = running.sandbox.store
        token = running.sandbox.credentials.cloudflare
        headers = {"Authorization": f"Bearer {token}"}
        base = running.url + "/client/v4"
        zid = requests.get(base + "/zones", params={"name": "prela.app"}, headers=headers, timeout=10).json()[
            "result"][0]["id"]
        assert not zone_holds_record(store, "prela.app", "_railway-verify.api", "TXT", "railway-verify=abc")
        response = requests.post(f"{base}/zones/{zid}/dns_records", headers=headers, timeout=10, json={
            "type": "TXT", "name": "_railway-verify.api.prela.app", "content": '"railway-verify=abc"'})
        assert response.status_code == 200, response.text
        assert zone_holds_record(store, "prela.app", "_railway-verify.api", "TXT", "railway-verify=abc")
        assert zone_holds_record(store, "prela.app.", "_railway-verify.api.prela.app", "TXT", '"railway-verify=abc"')
        assert not zone_holds_record(store, "prela.app", "_railway-verify.api", "TXT", "railway-verify=other")
        assert not zone_holds_record(store, "unknown.example", "x", "TXT", "y")
        assert resolve(store, "_railway-verify.api.prela.app", "TXT") == ["railway-verify=abc"]
        assert resolve(store, "nothing.invalid", "A") == []


def test_a_proxied_record_resolves_to_cloudflares_edge_not_its_content(tmp_path):
    import requests
    with SandboxThread() as running:
        store = running.sandbox.store
        headers = {"Authorization": f"Bearer {running.sandbox.credentials.cloudflare}"}
        base = running.url + "/client/v4"
        zid = requests.get(base + "/zones", params={"name": "prela.app"}, headers=headers, timeout=10).json()[
            "result"][0]["id"]
        for name, proxied in (("www.prela.app", True), ("plain.prela.app", False)):
            response = requests.post(f"{base}/zones/{zid}/dns_records", headers=headers, timeout=10, json={
                "type": "CNAME", "name": name, "content": "abc.up.railway.app", "proxied": proxied})
            assert response.status_code == 200, response.text
        assert resolve(store, "www.prela.app", "CNAME") == []
        assert resolve(store, "www.prela.app", "A") == EDGE_ADDRESSES["A"]
        assert resolve(store, "www.prela.app", "AAAA") == EDGE_ADDRESSES["AAAA"]
        assert proxied_origin(store, "www.prela.app") == "abc.up.railway.app"
        assert resolve(store, "plain.prela.app", "CNAME") == ["abc.up.railway.app"]
        assert resolve(store, "plain.prela.app", "A") == [] and proxied_origin(store, "plain.prela.app") is None
