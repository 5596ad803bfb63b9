# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile or broken provider answers, through a real HTTP stub on 127.0.0.1: each becomes a failure that names the
provider, the request and what was wrong, within a bounded time, with no traceback and no write after the bad read."""

from __future__ import annotations

import copy
import time
from pathlib import Path

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.railstack.platform.plugins.module_utils import (
    _http, clerk, dns_records, railway, railway_project, route53, stripe_price, stripe_product,
    stripe_webhook_endpoint)
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, execute

from .stub_provider import StubProvider

STRIPE_KEY = "sk_test_hostile0123456789abcdef"
RAILWAY_TOKEN = "railway-token-0123456789abcdef"
CF_TOKEN = "cf-token-0123456789abcdef"
CLERK_KEY = "sk_test_clerkhostile0123456789"
HTML = "<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body>Back soon</body></html>"
ZONE = dict(id="023e105f4ecef8ad9ca31a8372d0c353", name="prela.app")
# Each failure comes well within this many seconds (the stub answers at once; the guard bounds the pages).
BOUND_SECONDS = 20


@pytest.fixture(autouse=True)
def _few_pages(monkeypatch):
    """A short page bound, so a pagination that never ends is stopped in a few requests."""
    monkeypatch.setattr(_http, "MAX_PAGES", 5)
    _http.reset_limiters()
    yield
    _http.reset_limiters()


def run(resource, **args):
    """Run a resource as a module would; the result (failed or not) and the seconds it took."""
    validated = ArgumentSpecValidator(copy.deepcopy(resource.ARGUMENT_SPEC),
                                      **getattr(resource, "MODULE_KWARGS", {})).validate(args)
    assert not validated.error_messages, validated.error_messages
    ctx = TaskContext(validated.validated_parameters, no_log_values=validated._no_log_values)
    started = time.monotonic()
    result = execute(resource, ctx)
    return result, time.monotonic() - started


def assert_clear_failure(result, seconds, *words):
    assert result.get("failed") is True, result
    assert seconds < BOUND_SECONDS
    for word in words:
        assert word in result["msg"], result["msg"]
    assert "Traceback" not in result["msg"] and "NoneType" not in result["msg"]


# ------------------------------------------------------------------------------ Stripe

def stripe_args(stub, **args):
    return dict(api_key=STRIPE_KEY, api_base=stub.url, timeout=5, **args)


PRICE = dict(lookup_key="prela_pro_monthly", product="prela_pro", currency="usd", unit_amount=1400,
             recurring=dict(interval="month"))


def test_stripe_price_list_without_data_is_a_failure_not_absence():
    with StubProvider(lambda request: (200, {"object": "list"})) as stub:
        result, seconds = run(stripe_price, **stripe_args(stub, **PRICE))
    assert_clear_failure(result, seconds, "Stripe answered GET /v1/prices", "without its data array")
    assert not stub.writes


@pytest.mark.parametrize("body, problem", [
    (HTML, "an HTML page"),
    ("", "an empty body"),
    ({"object": "product"}, "without an id"),
])
def test_stripe_product_read_that_is_not_an_object_creates_nothing(body, problem):
    with StubProvider(lambda request: (200, body)) as stub:
        result, seconds = run(stripe_product, **stripe_args(stub, id="prela_pro", name="Prela Pro"))
    assert_clear_failure(result, seconds, "Stripe answered GET /v1/products/prela_pro", problem)
    assert not stub.writes


def endpoint(number):
    return dict(id="we_%d" % number, object="webhook_endpoint", url="https://other.example/%d" % number,
                enabled_events=["*"], status="enabled", metadata={}, api_version=None, description=None)


WEBHOOK = dict(url="https://api.prela.app/stripe/webhook", enabled_events=["invoice.paid"])


@pytest.mark.parametrize("page, problem", [
    (dict(object="list", data=[], has_more=True), "an empty page that says more follow"),
    (dict(object="list", data=[]), "without has_more"),
    (dict(object="list", data=[None], has_more=False), "other than objects with an id"),
])
def test_stripe_webhook_list_that_only_looks_empty_makes_no_second_endpoint(page, problem):
    with StubProvider(lambda request: (200, page)) as stub:
        result, seconds = run(stripe_webhook_endpoint, **stripe_args(stub, **WEBHOOK))
    assert_clear_failure(result, seconds, "Stripe answered GET /v1/webhook_endpoints", problem)
    assert not stub.writes


def test_stripe_pagination_that_never_ends_stops_at_the_bound():
    counter = iter(range(10 ** 6))

    def answer(request):
        return 200, dict(object="list", data=[endpoint(next(counter))], has_more=True)

    with StubProvider(answer) as stub:
        result, seconds = run(stripe_webhook_endpoint, **stripe_args(stub, **WEBHOOK))
    assert_clear_failure(result, seconds, "Stripe: the read of GET /v1/webhook_endpoints stopped", "after 5 pages")
    assert len(stub.requests) == 5 and not stub.writes


def test_stripe_pagination_repeating_its_cursor_stops_at_once():
    with StubProvider(lambda request: (200, dict(object="list", data=[endpoint(1)], has_more=True))) as stub:
        result, seconds = run(stripe_webhook_endpoint, **stripe_args(stub, **WEBHOOK))
    assert_clear_failure(result, seconds, "GET /v1/webhook_endpoints", "gave the cursor 'we_1' twice")
    assert len(stub.requests) == 2 and not stub.writes


def test_a_huge_provider_error_message_is_cut():
    error = dict(error=dict(type="invalid_request_error", message="x" * (8 * 1024 * 1024)))
    with StubProvider(lambda request: (400, error)) as stub:
        result, seconds = run(stripe_price, **stripe_args(stub, **PRICE))
    assert_clear_failure(result, seconds, "Stripe: xxx", "characters cut")
    assert len(result["msg"]) < _http.MAX_MESSAGE_CHARS + 100
    assert len(repr(result)) < 10000 and not stub.writes


def test_a_huge_body_is_not_read_to_its_end(monkeypatch):
    monkeypatch.setattr(_http, "MAX_BODY_BYTES", 1024 * 1024)
    with StubProvider(lambda request: (200, "[" + "0," * (4 * 1024 * 1024) + "0]")) as stub:
        result, seconds = run(stripe_price, **stripe_args(stub, **PRICE))
    assert_clear_failure(result, seconds, "Stripe answered GET /v1/prices with a body larger than 1 MB")
    assert len(stub.requests) == 1 and not stub.writes


def test_a_body_that_keeps_arriving_is_given_up_after_four_timeouts():
    ticks = iter(range(0, 10 ** 6, 10))  # every look at the clock: 10 s later
    with StubProvider(lambda request: (200, "x" * (1024 * 1024))) as stub:
        client = _http.HttpClient("Slowprov", stub.url, timeout=5, clock=lambda: next(ticks), sleep=lambda s: None)
        with pytest.raises(_http.ApiError) as caught:
            client.request("GET", "/v1/things")
    assert "Slowprov answered GET /v1/things with a body still arriving after 20 s" in caught.value.message
    assert len(stub.requests) == 1


# ------------------------------------------------------------------------------ Railway

def railway_client(stub):
    return railway.RailwayClient(dict(api_token=RAILWAY_TOKEN, api_url=stub.url + "/graphql/v2", timeout=5))


def test_railway_errors_after_a_commit_name_the_mutation_and_are_sent_once():
    body = dict(data=dict(serviceCreate=dict(id="svc1", name="api")),
                errors=[dict(message="Problem processing request", extensions=dict(code="INTERNAL_SERVER_ERROR"))])
    with StubProvider(lambda request: (200, body)) as stub:
        with pytest.raises(_http.ApiError) as caught:
            railway_client(stub).mutate("mutation serviceCreate($input: ServiceCreateInput!) {"
                                        " serviceCreate(input: $input) { id name } }", dict(input=dict(name="api")))
    assert "Railway: Problem processing request" in caught.value.message
    assert "mutation serviceCreate" in caught.value.message and "may have been applied" in caught.value.message
    assert len(stub.requests) == 1


@pytest.mark.parametrize("body, problem", [
    (HTML, "not a GraphQL JSON object; the body was an HTML page"),
    (dict(data=None), "no data object"),
    (dict(data=dict(apiToken=dict(workspaces=[dict(id="w1")]))), "no field apiToken.workspaces.name"),
    (dict(data=dict(apiToken="root")), "apiToken is str, not an object"),
    (dict(data=dict(apiToken=None)), "apiToken is null without an error"),
])
def test_railway_answer_that_is_not_what_was_asked_for_is_a_failure(body, problem):
    with StubProvider(lambda request: (200, body)) as stub:
        result, seconds = run(railway_project, api_token=RAILWAY_TOKEN, api_url=stub.url + "/graphql/v2", timeout=5,
                              name="prela")
    assert_clear_failure(result, seconds, "Railway answered POST query workspaces", problem)
    assert not stub.writes


def test_railway_connection_whose_edges_are_not_a_list_is_a_failure():
    body = dict(data=dict(projects=dict(edges=dict(node=dict(id="p1", name="prela")),
                                        pageInfo=dict(hasNextPage=False, endCursor=None))))
    with StubProvider(lambda request: (200, body)) as stub:
        with pytest.raises(_http.ApiError) as caught:
            railway_client(stub).list_projects("w1")
    assert "Railway answered POST query projects" in caught.value.message
    assert "projects.edges is dict, not a list" in caught.value.message


def test_every_railway_root_field_the_collection_uses_is_non_null():
    """The rule 'a root field answered null without an error is not Railway's answer' holds because the schema the
    collection uses (the sandbox's sub-schema of Railway's) has no nullable root field."""
    graphql = pytest.importorskip("graphql")
    railway_sandbox = pytest.importorskip("railstack_sandbox.railway")
    schema_file = Path(railway_sandbox.__file__).parent / "schema.graphql"
    schema = graphql.build_schema(schema_file.read_text(encoding="utf-8"))
    for root in (schema.query_type, schema.mutation_type):
        nullable = [name for name, field in root.fields.items() if not isinstance(field.type, graphql.GraphQLNonNull)]
        assert not nullable, "%s fields that may be null: %s" % (root.name, nullable)


def projects_page(cursor, names=("prela",)):
    edges = [dict(node=dict(id="p-%s-%s" % (cursor, name), name=name)) for name in names]
    return dict(data=dict(projects=dict(edges=edges, pageInfo=dict(hasNextPage=True, endCursor=cursor))))


def test_railway_pagination_that_never_ends_stops_at_the_bound():
    counter = iter(range(10 ** 6))
    with StubProvider(lambda request: (200, projects_page("c%d" % next(counter), names=()))) as stub:
        with pytest.raises(_http.ApiError) as caught:
            railway_client(stub).list_projects("w1")
    assert "Railway: the read of query projects stopped" in caught.value.message
    assert "after 5 pages" in caught.value.message and len(stub.requests) == 5


def test_railway_pagination_repeating_its_cursor_creates_no_project():
    def answer(request):
        if request.operation == "query workspaces":
            return 200, dict(data=dict(apiToken=dict(workspaces=[dict(id="w1", name="Prela")])))
        node_fields = railway.selection_of(request.json()["query"])["projects"]["edges"]["node"]
        node = dict(dict.fromkeys(node_fields), id="p-other", name="other")
        return 200, dict(data=dict(projects=dict(edges=[dict(node=node)],
                                                 pageInfo=dict(hasNextPage=True, endCursor="same"))))

    with StubProvider(answer) as stub:
        result, seconds = run(railway_project, api_token=RAILWAY_TOKEN, api_url=stub.url + "/graphql/v2", timeout=5,
                              name="prela")
    assert_clear_failure(result, seconds, "Railway: the read of query projects stopped", "gave the cursor 'same' twice")
    assert not stub.writes


def test_railway_huge_graphql_error_is_cut_in_the_task_result_keeping_redaction():
    text = "boom " * (2 * 1024 * 1024)
    # the token straddles where the message is cut: it is masked first
    body = dict(errors=[dict(message="%s token %s %s" % (text[:1450], RAILWAY_TOKEN, text))])
    with StubProvider(lambda request: (200, body)) as stub:
        result, seconds = run(railway_project, api_token=RAILWAY_TOKEN, api_url=stub.url + "/graphql/v2", timeout=5,
                              name="prela")
    assert_clear_failure(result, seconds, "Railway: boom", "characters cut", "(query workspaces)")
    assert len(result["msg"]) <= _http.MAX_MESSAGE_CHARS and len(repr(result)) < 10000
    assert RAILWAY_TOKEN[:8] not in repr(result)


def test_bounded_text_keeps_both_ends_and_is_stable():
    text = "start " + "x" * 10000 + " the fix"
    cut = _http.bounded_text(text, 200)
    assert len(cut) <= 200 and cut.startswith("start ") and cut.endswith(" the fix") and "characters cut" in cut
    assert _http.bounded_text(cut, 200) == cut and _http.bounded_text("short", 200) == "short"


# ------------------------------------------------------------------------------ Cloudflare

def cloudflare(answer_records, zones=None):
    def answer(request):
        if request.path.endswith("/zones"):
            return 200, zones or dict(success=True, errors=[], result=[ZONE], result_info=dict(total_pages=1))
        return answer_records(request)
    return answer


def run_dns(stub):
    return run(dns_records, provider="cloudflare", zone="prela.app", cloudflare_api_token=CF_TOKEN,
               cloudflare_api_url=stub.url + "/client/v4", timeout=5,
               records=[dict(name="api", type="CNAME", values=["abc.up.railway.app"])])


def test_cloudflare_pagination_that_always_says_more_stops_at_the_bound():
    def records(request):
        page = int(dict(request.query)["page"])
        record = dict(id="rec%d" % page, name="x%d.prela.app" % page, type="A", content="192.0.2.1", ttl=1)
        return 200, dict(success=True, errors=[], result=[record], result_info=dict(page=page, total_pages=10 ** 6))

    with StubProvider(cloudflare(records)) as stub:
        result, seconds = run_dns(stub)
    assert_clear_failure(result, seconds, "Cloudflare: the read of GET /client/v4/zones/", "after 5 pages")
    assert len(stub.requests) == 1 + 5 and not stub.writes


@pytest.mark.parametrize("body, problem", [
    (dict(success=True, errors=[]), "without its result array"),
    (dict(success=True, errors=[], result=[], result_info=dict(page=1, total_pages=3)), "page 1 is empty"),
    (dict(success=True, errors=[], result=[], result_info=dict(total_pages="many")), "total_pages"),
    (HTML, "an HTML page"),
    (dict(success=False, errors=[]), "success is not true"),
])
def test_cloudflare_records_read_that_is_not_a_list_creates_nothing(body, problem):
    with StubProvider(cloudflare(lambda request: (200, body))) as stub:
        result, seconds = run_dns(stub)
    assert_clear_failure(result, seconds, "Cloudflare answered GET /client/v4/zones/%s/dns_records" % ZONE["id"],
                         problem)
    assert not stub.writes


def test_cloudflare_zone_answered_with_html_fails_naming_the_request():
    with StubProvider(lambda request: (200, HTML)) as stub:
        result, seconds = run_dns(stub)
    assert_clear_failure(result, seconds, "Cloudflare answered GET /client/v4/zones", "an HTML page")
    assert len(stub.requests) == 1


# ------------------------------------------------------------------------------ Clerk

def clerk_client(stub):
    return clerk.ClerkClient(dict(secret_key=CLERK_KEY, api_url=stub.url + "/v1", timeout=5))


@pytest.mark.parametrize("body, problem", [
    (HTML, "an HTML page"),
    (dict(data=[], total_count=7), "an empty page at offset 0 of total_count 7"),
    (dict(object="list"), "not a list"),
    ([None], "something other than objects"),
])
def test_clerk_list_that_is_not_a_list_fails(body, problem):
    with StubProvider(lambda request: (200, body)) as stub:
        with pytest.raises(_http.ApiError) as caught:
            clerk_client(stub).list("/redirect_urls")
    assert "Clerk answered GET /v1/redirect_urls" in caught.value.message
    assert problem in caught.value.message


def test_clerk_pagination_that_never_ends_stops_at_the_bound():
    def answer(request):
        offset = int(dict(request.query)["offset"])
        return 200, dict(data=[dict(id="u%d" % (offset + i)) for i in range(clerk.PAGE_SIZE)], total_count=10 ** 9)

    with StubProvider(answer) as stub:
        with pytest.raises(_http.ApiError) as caught:
            clerk_client(stub).list("/users")
    assert "Clerk: the read of GET /v1/users stopped" in caught.value.message and len(stub.requests) == 5


# ------------------------------------------------------------------------------ Route53 (botocore below the client)

class EndlessListing:
    """A Route53 API whose listing is always truncated and always points at the same next record."""

    calls = 0

    def list_resource_record_sets(self, **kwargs):  # pylint: disable=unused-argument
        self.calls += 1
        return dict(ResourceRecordSets=[dict(Name="api.prela.app.", Type="A", TTL=60,
                                             ResourceRecords=[dict(Value="192.0.2.%d" % self.calls)])],
                    IsTruncated=True, NextRecordName="api.prela.app.", NextRecordType="A")


def test_route53_listing_that_repeats_its_next_record_stops():
    client = object.__new__(route53.Route53Client)
    client.api = EndlessListing()
    client.stats = dict(requests=0)
    client.redactor = _http.Redactor()
    with pytest.raises(_http.ApiError) as caught:
        client.read(dict(id="Z1", name="prela.app"), ["api.prela.app"])
    assert "Route53: the read of ListResourceRecordSets api.prela.app stopped" in caught.value.message
    assert client.api.calls == 2
