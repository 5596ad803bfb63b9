# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""dns_records with the HTTP layer faked: exactly which requests each provider gets."""
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import dns_records

from .dns_script import http_script  # noqa: F401  pylint: disable=unused-import
from .dns_record_shared import RECORDS, ZONES, cf_record, envelope, listing, run


def test_records_reads_the_zone_once_and_writes_one_batch(http_script):
    existing = cf_record(content='"railway-verify=abc"', rtype="TXT", name="_railway-verify.api.prela.app", rid="t")
    unrelated = cf_record(content="192.0.2.9", rtype="A", name="www.prela.app", rid="w", comment=None)
    script = http_script(ZONES, listing(existing, unrelated), ("POST", RECORDS + "/batch", envelope({})),
                         listing(existing, unrelated, cf_record(), cf_record(name="clerk.prela.app", rid="c",
                                                                             content="frontend-api.clerk.services")))
    result = run(dns_records, provider="cloudflare", zone="prela.app", records=[
        dict(name="api.prela.app", type="CNAME", values=["abc.up.railway.app"], ttl="auto", proxied=False),
        dict(name="_railway-verify.api.prela.app", type="TXT", values=["railway-verify=abc"]),
        dict(name="clerk", type="CNAME", values=["frontend-api.clerk.services"])])
    script.done()
    assert script.sent[1].params == [("page", "1"), ("per_page", "5000")]
    assert list(script.sent[2].json) == ["posts"] and len(script.sent[2].json["posts"]) == 2
    assert result["changed"] is True and [r["name"] for r in result["records"]] == [
        "api.prela.app", "_railway-verify.api.prela.app", "clerk.prela.app"]


def test_records_refuses_duplicates_and_cname_neighbours_before_any_request(http_script):
    script = http_script()
    twice = run(dns_records, provider="cloudflare", zone="prela.app", records=[
        dict(name="api", type="CNAME", values=["a.example"]), dict(name="api.prela.app", type="CNAME", values=["b.x"])])
    beside = run(dns_records, provider="cloudflare", zone="prela.app", records=[
        dict(name="api", type="CNAME", values=["a.example"]), dict(name="api", type="TXT", values=["t"])])
    assert twice["msg"].startswith("records[1]: api.prela.app CNAME is listed already as records[0]")
    assert beside["msg"].startswith("records[1]: api.prela.app TXT cannot stand beside records[0]")
    assert script.sent == []


def test_records_empty_list_is_a_no_op_without_requests(http_script):
    script = http_script()
    result = run(dns_records, provider="cloudflare", zone="prela.app", records=[])
    assert result["changed"] is False and result["records"] == [] and script.sent == []
