"""The railstack sandbox's Stripe next to localstripe (PyPI), on the products both serve, request by request.

    python3 -m venv /tmp/localstripe-venv && /tmp/localstripe-venv/bin/pip install localstripe
    .venv/bin/python bench/stripe_vs_localstripe.py --localstripe-python /tmp/localstripe-venv/bin/python

Starts the sandbox in this process and localstripe as a child bound to 127.0.0.1 (its pickle file is
kept in memory), sends both the same requests, and prints a Markdown table of the answers (docs/stripe.md
quotes it). Nothing is asserted: this is a record of differences, not a test.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
import uuid

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sandbox"))
from railstack_sandbox.server import SandboxThread  # noqa: E402  pylint: disable=wrong-import-position

VERSION = "2026-10-28.endive"
LOCALSTRIPE = """
import sys
from aiohttp import web
from localstripe import resources, server
resources.Store.dump_to_disk = lambda self: None
web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""

# (what is tried, method, path, form pairs or JSON text, extra headers); "{K}" in a header is a fixed key.
CASES = [
    ("create a product with a custom id", "POST", "/v1/products", [("id", "prod_cmp"), ("name", "P")], {"Idempotency-Key": "K1"}),
    ("same Idempotency-Key, same parameters", "POST", "/v1/products", [("id", "prod_cmp"), ("name", "P")], {"Idempotency-Key": "K1"}),
    ("same Idempotency-Key, other parameters", "POST", "/v1/products", [("name", "Q")], {"Idempotency-Key": "K1"}),
    ("duplicate custom product id", "POST", "/v1/products", [("id", "prod_cmp"), ("name", "P")], {}),
    ("unknown parameter", "POST", "/v1/products", [("name", "P"), ("colour", "red")], {}),
    ("marketing_features[0][name]", "POST", "/v1/products", [("name", "F"), ("marketing_features[0][name]", "Fast")], {}),
    ("metadata[k]= removes the key", "POST", "/v1/products/prod_cmp", [("metadata[a]", "1")], {}),
    ("", "POST", "/v1/products/prod_cmp", [("metadata[a]", "")], {}),
    ("archive (active=false)", "POST", "/v1/products/prod_cmp", [("active", "false")], {}),
    ("list ?active=false finds it", "GET", "/v1/products?active=false", None, {}),
    ("list order and envelope", "GET", "/v1/products", None, {}),
    ("search", "GET", "/v1/products/search?query=name:'P'", None, {}),
    ("JSON body", "POST", "/v1/products", '{"name": "J"}', {"Content-Type": "application/json"}),
    ("no Stripe-Version", "GET", "/v1/products", None, {"Stripe-Version": None}),
    ("POST without Idempotency-Key", "POST", "/v1/products", [("name", "N")], {"Idempotency-Key": None}),
    ("restricted key rk_test_", "GET", "/v1/products", None, {"Authorization": "Bearer rk_test_x"}),
    ("price with lookup_key", "POST", "/v1/prices", [("product", "prod_cmp"), ("currency", "usd"), ("unit_amount", "900"), ("lookup_key", "pro")], {}),
    ("webhook endpoint", "POST", "/v1/webhook_endpoints", [("url", "https://x.test/h"), ("enabled_events[]", "invoice.paid")], {}),
    ("coupon without id", "POST", "/v1/coupons", [("percent_off", "10"), ("duration", "once")], {}),
    ("coupon with id and name", "POST", "/v1/coupons", [("id", "LAUNCH"), ("percent_off", "10"), ("name", "Launch")], {}),
    ("coupon: change percent_off", "POST", "/v1/coupons/LAUNCH", [("percent_off", "20")], {}),
    ("tax rate with country", "POST", "/v1/tax_rates", [("display_name", "VAT"), ("percentage", "20"), ("inclusive", "false"), ("country", "DE")], {}),
    ("tax rate list ?active=true", "GET", "/v1/tax_rates?active=true", None, {}),
    ("billing portal configuration", "GET", "/v1/billing_portal/configurations", None, {}),
    ("billing meters", "GET", "/v1/billing/meters", None, {}),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def summary(response):
    try:
        body = response.json()
    except ValueError:
        return "%d `%s`" % (response.status_code, response.text.strip()[:60])
    if isinstance(body, dict) and "error" in body:
        error = body["error"]
        if not isinstance(error, dict):
            return "%d %s" % (response.status_code, str(error)[:60])
        code = error.get("code") or error.get("type")
        return "%d %s: %s" % (response.status_code, code, (error.get("message") or "")[:70])
    if isinstance(body, dict) and body.get("object") in ("list", "search_result"):
        extra = " total_count" if "total_count" in body else ""
        return "%d %s of %s%s" % (response.status_code, body["object"], [o.get("id") for o in body["data"]][:4], extra)
    if isinstance(body, dict):
        shown = {k: body[k] for k in ("id", "active", "metadata", "name", "percent_off") if k in body}
        return "%d %s" % (response.status_code, json.dumps(shown)[:80])
    return str(response.status_code)


def send(base, key, case):
    method, path, body, extra = case[1:]
    headers = {"Authorization": "Bearer " + key, "Stripe-Version": VERSION}
    if method == "POST":
        headers["Idempotency-Key"] = uuid.uuid4().hex
    for name, value in extra.items():
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
    return requests.request(method, base + path, data=body, headers=headers, timeout=10)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--localstripe-python", default=os.environ.get("LOCALSTRIPE_PYTHON"),
                        help="a Python that has localstripe installed")
    args = parser.parse_args(argv)
    if not args.localstripe_python:
        parser.error("--localstripe-python (or LOCALSTRIPE_PYTHON) is needed")
    port = free_port()
    child = subprocess.Popen([args.localstripe_python, "-c", LOCALSTRIPE, str(port)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        local = "http://127.0.0.1:%d" % port
        for _attempt in range(100):
            try:
                requests.get(local + "/v1/products", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        with SandboxThread() as sandbox:
            key = sandbox.sandbox.credentials.stripe
            print("| what | railstack sandbox | localstripe 1.15.10 |")
            print("|---|---|---|")
            for case in CASES:
                ours = summary(send(sandbox.url, key, case))
                theirs = summary(send(local, "sk_test_localstripe", case))
                what = case[0] or "(then) " + " ".join(pair[0] for pair in case[3] or [])
                print("| %s | %s | %s |" % (what, ours.replace("|", "/"), theirs.replace("|", "/")))
    finally:
        child.terminate()
        child.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
