# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The DNS record model: normalisation, planning, ownership rules (no HTTP at all)."""

from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import dns
from ansible_collections.railstack.platform.plugins.module_utils.cloudflare import CloudflareClient
from ansible_collections.railstack.platform.plugins.module_utils.namecheap import NamecheapClient
from ansible_collections.railstack.platform.plugins.module_utils.route53 import Route53Client

ZONE = "prela.app"


@pytest.mark.parametrize("name, expected", [
    ("api", "api.prela.app"),
    ("API", "api.prela.app"),
    ("@", "prela.app"),
    ("", "prela.app"),
    ("prela.app", "prela.app"),
    ("api.prela.app", "api.prela.app"),
    ("api.prela.app.", "api.prela.app"),
    ("clk._domainkey", "clk._domainkey.prela.app"),
    ("*.preview", "*.preview.prela.app"),
    ("api.other.com", "api.other.com.prela.app"),
    ("bücher", "xn--bcher-kva.prela.app"),
])
def test_fqdn_accepts_relative_and_complete_forms(name, expected):
    assert dns.fqdn(name, ZONE) == expected


@pytest.mark.parametrize("name", ["api.other.com.", "a..b", "-bad-", "a.*.b", "x" * 64])
def test_fqdn_refuses_names_outside_the_zone_or_invalid(name):
    with pytest.raises(dns.BadInput):
        dns.fqdn(name, ZONE)


def test_relative_is_the_inverse_of_fqdn():
    assert dns.relative("api.prela.app", ZONE) == "api"
    assert dns.relative("prela.app", ZONE) == "@"


@pytest.mark.parametrize("written", [
    'railway-verify=abc', '"railway-verify=abc"', '"railway-" "verify=abc"', ' "railway-verify=abc" '])
def test_txt_quoting_forms_compare_equal(written):
    assert dns.canonical_value("TXT", written) == "railway-verify=abc"


def test_txt_quoted_splits_at_255_bytes_and_escapes():
    text = 'v=DKIM1; k=rsa; p="' + "A" * 600
    quoted = dns.txt_quoted(text)
    chunks = quoted.split('" "')
    assert len(chunks) == 3
    assert dns.txt_text(quoted) == text
    assert '\\"' in quoted


def test_txt_quoted_never_splits_a_utf8_character():
    text = "é" * 200
    assert dns.txt_text(dns.txt_quoted(text)) == text


@pytest.mark.parametrize("rtype, a, b", [
    ("CNAME", "X.Up.Railway.App.", "x.up.railway.app"),
    ("AAAA", "2001:db8:0:0:0:0:0:1", "2001:db8::1"),
    ("MX", "10  mail.example.com.", "10 mail.example.com"),
    ("A", " 192.0.2.1", "192.0.2.1"),
])
def test_spellings_of_one_value_compare_equal(rtype, a, b):
    assert dns.canonical_value(rtype, a) == dns.canonical_value(rtype, b)


@pytest.mark.parametrize("rtype, value", [("A", "1.2.3"), ("AAAA", "192.0.2.1"), ("CNAME", "not a host"),
                                          ("MX", "mail.example.com"), ("TXT", '""')])
def test_bad_values_are_refused(rtype, value):
    with pytest.raises(dns.BadInput):
        dns.canonical_value(rtype, value)


@pytest.mark.parametrize("client, ttl, seconds", [
    (CloudflareClient, "auto", 1), (CloudflareClient, 300, 300), (CloudflareClient, "300", 300),
    (NamecheapClient, "auto", 1799), (Route53Client, "auto", 300), (Route53Client, None, 300),
])
def test_ttl_auto_is_each_providers_own(client, ttl, seconds):
    assert dns.ttl_seconds(ttl, client) == seconds


@pytest.mark.parametrize("client, ttl", [(CloudflareClient, 10), (CloudflareClient, 90000), (NamecheapClient, 30),
                                         (CloudflareClient, "soon"), (CloudflareClient, True)])
def test_ttl_outside_the_providers_range_is_refused(client, ttl):
    with pytest.raises(dns.BadInput):
        dns.ttl_seconds(ttl, client)


def item(**kw):
    base = dict(name="api", type="CNAME", values=["abc.up.railway.app"], ttl="auto", proxied=False)
    base.update(kw)
    return base


@pytest.mark.parametrize("overrides, client, start", [
    (dict(values=None), CloudflareClient, "values: required"),
    (dict(values=[]), CloudflareClient, "values: give at least one"),
    (dict(values=["a.example", "b.example"]), CloudflareClient, "values: a CNAME holds one value"),
    (dict(values=["1.2.3.4.5"], type="A"), CloudflareClient, "values: '1.2.3.4.5' is not an IPv4"),
    (dict(ttl=5), CloudflareClient, "ttl: 5 is outside"),
    (dict(name="x.other.com."), CloudflareClient, "name: 'x.other.com.' is not in zone"),
    (dict(proxied=True), NamecheapClient, "proxied: only Cloudflare"),
    (dict(proxied=True, type="TXT", values=["x"]), CloudflareClient, "proxied: a TXT record cannot be proxied"),
    (dict(name="@"), Route53Client, "name: Route53 cannot hold a CNAME at the zone apex"),
])
def test_desired_set_errors_start_with_the_option_at_fault(overrides, client, start):
    with pytest.raises(dns.BadInput) as caught:
        dns.desired_set(item(**overrides), ZONE, client, "present", "")
    assert str(caught.value).startswith(start)


def test_desired_set_prefixes_the_records_index():
    with pytest.raises(dns.BadInput) as caught:
        dns.desired_set(item(values=["bad host"]), ZONE, CloudflareClient, "present", "records[3].")
    assert str(caught.value).startswith("records[3].values:")


# ------------------------------------------------------------------ plan

def rec(value, rtype="CNAME", name="api.prela.app", ttl=1, proxied=False, owned=False, rid="r1"):
    return dict(name=name, type=rtype, value=value, ttl=ttl, proxied=proxied, owned=owned, id=rid, raw={"id": rid})


def want(values=("abc.up.railway.app",), rtype="CNAME", ttl=1, proxied=False, name="api.prela.app"):
    return dict(name=name, type=rtype, values=list(values) if values is not None else None, ttl=ttl, proxied=proxied)


def plan(wanted, current, state="present", solo=False, force=False, client=CloudflareClient):
    return dns.plan(wanted, current, state, solo, force, client)


def actions(ops):
    return [(o["action"], o["type"], o["value"]) for o in ops]


def test_plan_creates_what_is_missing():
    ops, errors = plan([want()], [])
    assert actions(ops) == [("create", "CNAME", "abc.up.railway.app")] and errors == []


def test_plan_is_empty_when_the_provider_holds_it():
    assert plan([want()], [rec("abc.up.railway.app")]) == ([], [])


def test_plan_updates_ttl_and_proxied_in_place():
    ops = plan([want(ttl=300)], [rec("abc.up.railway.app")])[0]
    assert actions(ops) == [("update", "CNAME", "abc.up.railway.app")] and ops[0]["ttl"] == 300
    ops = plan([want(proxied=True)], [rec("abc.up.railway.app")])[0]
    assert ops[0]["proxied"] is True


def test_proxied_records_ignore_ttl():
    assert plan([want(proxied=True, ttl=1)], [rec("abc.up.railway.app", proxied=True, ttl=1)]) == ([], [])
    assert plan([want(proxied=True, ttl=300)], [rec("abc.up.railway.app", proxied=True, ttl=1)]) == ([], [])


def test_a_cname_we_created_is_repointed_in_place():
    ops, errors = plan([want(("new.up.railway.app",))], [rec("old.up.railway.app", owned=True)])
    assert errors == [] and actions(ops) == [("update", "CNAME", "new.up.railway.app")]
    assert ops[0]["record"]["id"] == "r1"


def test_a_cname_we_did_not_create_is_protected_unless_forced():
    ops, errors = plan([want(("new.up.railway.app",))], [rec("someone.else.example")])
    assert len(errors) == 1 and errors[0].startswith("values: api.prela.app CNAME someone.else.example")
    assert "force: true" in errors[0]
    ops, errors = plan([want(("new.up.railway.app",))], [rec("someone.else.example")], force=True)
    assert errors == [] and actions(ops) == [("update", "CNAME", "new.up.railway.app")]


def test_other_values_of_a_multi_value_set_are_kept_without_solo():
    current = [rec("v=spf1 -all", "TXT", name="prela.app", rid="a")]
    ops, errors = plan([want(("railway-verify=x",), "TXT", name="prela.app")], current)
    assert errors == [] and actions(ops) == [("create", "TXT", "railway-verify=x")]


def test_solo_removes_other_values_ours_freely_others_with_force():
    current = [rec("old", "TXT", name="prela.app", rid="a", owned=True), rec("theirs", "TXT", name="prela.app", rid="b")]
    ops, errors = plan([want(("new",), "TXT", name="prela.app")], current, solo=True)
    assert len(errors) == 1 and "theirs" in errors[0] and "(solo)" in errors[0]
    ops, errors = plan([want(("new",), "TXT", name="prela.app")], current, solo=True, force=True)
    assert errors == [] and sorted(actions(ops)) == [("delete", "TXT", "theirs"), ("update", "TXT", "new")]


def test_a_value_of_ours_no_longer_wanted_goes_even_without_solo():
    current = [rec("old", "TXT", name="prela.app", owned=True)]
    ops, errors = plan([want(("new",), "TXT", name="prela.app")], current)
    assert errors == [] and actions(ops) == [("update", "TXT", "new")]


def test_a_cname_beside_an_a_record_names_the_blocking_record():
    current = [rec("192.0.2.1", "A", rid="a")]
    ops, errors = plan([want()], current)
    assert errors == ["name: api.prela.app already has an A record (192.0.2.1) that a CNAME record cannot stand "
                      "beside; remove it or set force: true to replace it"]
    ops, errors = plan([want()], current, force=True)
    assert errors == [] and actions(ops) == [("delete", "A", "192.0.2.1"), ("create", "CNAME", "abc.up.railway.app")]


def test_an_a_record_beside_a_cname_is_blocked_even_when_ours():
    current = [rec("abc.up.railway.app", owned=True)]
    ops, errors = plan([want(("192.0.2.1",), "A")], current)
    assert len(errors) == 1 and errors[0].startswith("name: api.prela.app already has a CNAME record")


def test_types_that_may_share_a_name_do_not_block():
    current = [rec("192.0.2.1", "A", rid="a")]
    ops, errors = plan([want(("txt",), "TXT")], current)
    assert errors == [] and actions(ops) == [("create", "TXT", "txt")]


def test_absent_with_values_deletes_only_those():
    current = [rec("a", "TXT", rid="1"), rec("b", "TXT", rid="2")]
    ops, errors = plan([want(("a",), "TXT")], current, state="absent")
    assert errors == [] and actions(ops) == [("delete", "TXT", "a")]


def test_absent_without_values_deletes_ours_and_refuses_others():
    current = [rec("a", "TXT", rid="1", owned=True), rec("b", "TXT", rid="2")]
    ops, errors = plan([want(None, "TXT")], current, state="absent")
    assert actions(ops) == [("delete", "TXT", "a")]
    assert errors and errors[0].startswith("values: api.prela.app TXT b was not created by this collection")
    ops, errors = plan([want(None, "TXT")], current, state="absent", force=True)
    assert errors == [] and len(ops) == 2


def test_absent_of_nothing_is_a_no_op():
    assert plan([want()], [], state="absent") == ([], [])


def test_simulate_applies_a_plan():
    current = [rec("192.0.2.1", "A", rid="a"), rec("x", "TXT", name="prela.app", rid="t")]
    ops = plan([want()], current, force=True)[0]
    after = dns.simulate(current, ops)
    assert sorted((r["type"], r["value"]) for r in after) == [("CNAME", "abc.up.railway.app"), ("TXT", "x")]


def test_views_show_auto_for_cloudflares_automatic_ttl_only():
    records = [rec("b", "TXT", ttl=1), rec("a", "TXT", ttl=1)]
    view = dns.set_view(records, "api.prela.app", "TXT", CloudflareClient)
    assert view == dict(name="api.prela.app", type="TXT", values=["a", "b"], ttl="auto", proxied=False)
    assert dns.set_view([rec("a", ttl=1799)], "api.prela.app", "CNAME", NamecheapClient)["ttl"] == 1799
    assert dns.diff_view([], [("api.prela.app", "CNAME")], CloudflareClient) == {}
