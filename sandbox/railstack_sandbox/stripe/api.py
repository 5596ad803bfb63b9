# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Stripe's REST surface in the sandbox: auth, Stripe-Version, routing, idempotency keys, parameters, expand.

Order of checks, as Stripe does it: API key (401), Stripe-Version, URL (404), body content type,
Idempotency-Key replay or conflict, parameters (400, never kept by idempotency), then the endpoint,
whose answer (success or error) is kept for the key for 24 hours. An injected 500 fault is an endpoint
that failed while it ran: with the setting `idempotent_error_replay` (default on) its answer is kept for
the key too, and a retry with the same key gets the same 500 again (`Idempotent-Replayed: true`).
"""
import base64
import re
import secrets

from ..wire import Response
from .account import Account, public
from .errors import StripeError, invalid, unrecognized_url
from .params import API_VERSION, API_VERSIONS, parse, validate

ROUTES = []          # (method, compiled path regex, endpoint key in params.json, handler)
EXPANDABLE = {}      # object name -> {expand path: function(account, obj) -> value}
SANDBOX_RULE = "railstack sandbox: "


def route(method, pattern, endpoint):
    """Register a handler(account, params, *path_groups) -> (status, body) for METHOD /v1/PATTERN."""
    def register(handler):
        ROUTES.append((method, re.compile("^/v1/%s$" % pattern), endpoint, handler))
        return handler
    return register


def expandable(object_name, path):
    def register(func):
        EXPANDABLE.setdefault(object_name, {})[path] = func
        return func
    return register


def render(account, obj, expand):
    """An object as Stripe shows it, with the `expand[]` paths that apply to it filled in."""
    shown = public(obj)
    for path in expand or ():
        func = EXPANDABLE.get(obj.get("object"), {}).get(path)
        if func is None:
            raise invalid("This property cannot be expanded (%s)." % path, param="expand")
        head, _, leaf = path.rpartition(".")
        target = shown
        for part in head.split(".") if head else ():
            target = target.setdefault(part, {})
        target[leaf] = func(account, obj)
    return shown


def render_list(account, kind, url, params, keep=lambda obj: True):
    expand = params.get("expand") or []
    item_paths = [p[len("data."):] for p in expand if p.startswith("data.")]
    for path in expand:
        if not path.startswith("data."):
            raise invalid("This property cannot be expanded (%s)." % path, param="expand")
    return account.page(kind, url, params, keep, shown=lambda obj: render(account, obj, item_paths))


# ------------------------------------------------------------------------------ the request
def _request_id():
    return "req_" + secrets.token_hex(7)


def _error_response(error, request_id):
    headers = [("Request-Id", request_id), *error.headers]
    return Response.json(error.status, error.body(request_id), headers)


def _api_key(headers):
    scheme, _, value = (headers.get("Authorization") or "").strip().partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip()).decode("utf-8").partition(":")[0]
        except ValueError:
            return ""
    return None


def _masked_key(key):
    return key[:8] + "*" * max(len(key) - 12, 4) + key[-4:] if len(key) > 12 else "*" * len(key)


def answer(request, store, api_key, search_lag):
    request_id = _request_id()
    try:
        account = _authenticate(request, store, api_key, search_lag)
        status, body, extra_headers = _serve(request, account, request_id)
    except StripeError as error:
        return _error_response(error, request_id)
    headers = [("Request-Id", request_id), ("Stripe-Version", request.headers.get("Stripe-Version")), *extra_headers]
    return Response.json(status, body, headers)


def _authenticate(request, store, api_key, search_lag):
    key = _api_key(request.headers)
    if not key:
        raise StripeError(401, "You did not provide an API key. You need to provide your API key in the Authorization "
                               "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
                               "https://stripe.com/docs/api#authentication for details, or we can help at "
                               "https://support.stripe.com/.")
    if key != api_key:
        raise StripeError(401, "Invalid API Key provided: %s" % _masked_key(key))
    version = request.headers.get("Stripe-Version")
    if version is None:
        raise StripeError(400, SANDBOX_RULE + "every request must pin Stripe-Version (railstack.platform sends %s). "
                          "Real Stripe would use the account's default version, and answer in shapes that drift."
                          % API_VERSION)
    if version not in API_VERSIONS:
        raise StripeError(400, "Invalid Stripe API version: %s" % version)
    return Account(store, "_live_" in key, search_lag)


def _serve(request, account, request_id):
    handler, endpoint, groups = _match(request.method, request.path)
    if request.method == "POST":
        if request.body and request.form is None:
            raise invalid("Invalid request: unsupported Content-Type %s. If error persists and you need assistance, "
                          "please contact support@stripe.com." % (request.headers.get("Content-Type") or "(none)"))
        pairs = list(request.form or []) + list(request.query)
    else:
        pairs = list(request.query)
    key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
    fingerprint = _fingerprint(request, pairs)
    if request.method == "POST":
        if not key:
            raise invalid(SANDBOX_RULE + "every POST must carry an Idempotency-Key header (the railstack.platform "
                          "contract; real Stripe would accept it and could apply a retried create twice).")
        if len(key) > 255:
            raise invalid("Keys for idempotent requests can only be 255 characters long or fewer.")
        record = account.idempotent_answer(key)
        if record is not None:
            return _replay(record, fingerprint, key)
    params = validate(endpoint, parse(pairs))
    # From here the endpoint runs: its answer, error or not, is kept for the key (a refusal above is not).
    try:
        status, body = handler(account, params, *groups)
    except StripeError as error:
        if key:
            account.keep_answer(key, fingerprint, error.status, error.body(request_id), request_id)
        raise
    if key:
        account.keep_answer(key, fingerprint, status, body, request_id)
    return status, body, [("Idempotency-Key", key)] if key else []


def _fingerprint(request, pairs):
    return [request.method, request.path, sorted(map(list, pairs))]


def keep_fault_answer(request, store, api_key, search_lag, error):
    """Keep an injected fault's answer for the request's Idempotency-Key, as Stripe keeps the answer of an endpoint
    that failed while it ran. Returns the request id it was kept under, or None (not a keyed POST that would have
    reached an endpoint, or a key that already has an answer: a retry, which Stripe answers from that one)."""
    key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
    if not key or len(key) > 255 or (request.body and request.form is None):
        return None
    try:
        account = _authenticate(request, store, api_key, search_lag)
        _match(request.method, request.path)
    except StripeError:
        return None
    if account.idempotent_answer(key) is not None:
        return None
    request_id = _request_id()
    pairs = list(request.form or []) + list(request.query)
    account.keep_answer(key, _fingerprint(request, pairs), error.status, error.body(request_id), request_id)
    return request_id


def _replay(record, fingerprint, key):
    first = record["fingerprint"]
    if first[:2] != fingerprint[:2]:
        raise StripeError(400, "Keys for idempotent requests can only be used for the same endpoint they were first "
                               "used for ('%s %s' vs '%s %s'). Try using a key other than '%s' if you meant to execute "
                               "a different request." % (first[0], first[1], fingerprint[0], fingerprint[1], key),
                          type="idempotency_error")
    if first != fingerprint:
        raise StripeError(400, "Keys for idempotent requests can only be used with the same parameters they were first "
                               "used with. Try using a key other than '%s' if you meant to execute a different request."
                          % key, type="idempotency_error")
    headers = [("Idempotency-Key", key), ("Idempotent-Replayed", "true"), ("Original-Request", record["request_id"])]
    return record["status"], record["body"], headers


def _match(method, path):
    """The first route of this method whose pattern matches (a known URL with another method is unknown too)."""
    for route_method, pattern, endpoint, handler in ROUTES:
        found = pattern.match(path) if route_method == method else None
        if found:
            return handler, endpoint, found.groups()
    raise unrecognized_url(method, path)
