"""Routing, Clerk's error shape, and the checks every request body and query goes through.

Clerk answers errors as {"errors": [{"message", "long_message", "code", "meta"}], "clerk_trace_id"}.
The codes used here are Clerk's form_param_* family (form_param_unknown, form_param_missing,
form_param_format_invalid, form_param_value_invalid), resource_not_found, authentication_invalid
and too_many_requests.
"""
import re
import secrets

from ..wire import Response

ROUTES = []

BOOL, STR, INT, STRS, OBJ = "a boolean", "a string", "an integer", "an array of strings", "an object"


def route(method, template):
    """Register a handler for METHOD /v1<template>; {name} segments become keyword arguments."""
    pattern = re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "/?$")

    def register(handler):
        ROUTES.append((method, pattern, handler))
        return handler
    return register


def find_route(method, path):
    """(handler, path arguments), or (None, whether the path exists with another method)."""
    exists = False
    for m, pattern, handler in ROUTES:
        match = pattern.match(path)
        if match:
            if m == method:
                return handler, match.groupdict()
            exists = True
    return None, exists


class ClerkError(Exception):
    def __init__(self, status, code, message, long_message, param=None):
        super().__init__(long_message)
        self.status = status
        self.error = {"message": message, "long_message": long_message, "code": code,
                      "meta": {"param_name": param} if param else {}}

    def response(self, headers=()):
        return error_response(self.status, [self.error], headers)


def error_response(status, errors, headers=()):
    return Response.json(status, {"errors": errors, "meta": {}, "clerk_trace_id": secrets.token_hex(16)}, headers)


def not_found(what="Resource"):
    return ClerkError(404, "resource_not_found", "not found", f"{what} not found")


def invalid(param, long_message, code="form_param_format_invalid", message="is invalid"):
    return ClerkError(422, code, message, long_message, param)


def _is(kind, value):
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == STR:
        return isinstance(value, str)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == STRS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == OBJ:
        return isinstance(value, dict)
    raise ValueError(kind)


def body(request, fields, required=()):
    """The JSON body, checked against {name: (kind, nullable)}: unknown, missing, nil and mistyped params refused."""
    if request.body and request.json is None:
        raise ClerkError(400, "malformed_request_body", "malformed request body",
                         "The request body could not be read: send a JSON object with Content-Type: application/json.")
    data = {} if request.json is None else request.json
    if not isinstance(data, dict):
        raise ClerkError(400, "malformed_request_body", "malformed request body", "The request body must be a JSON object.")
    for name in data:
        if name not in fields:
            raise invalid(name, f"{name} is not a valid parameter for this request.", "form_param_unknown", "is unknown")
    for name in required:
        if data.get(name) is None:
            raise invalid(name, f"{name} must be included.", "form_param_missing", "is missing")
    for name, value in data.items():
        kind, nullable = fields[name]
        if value is None:
            if not nullable:
                raise invalid(name, f"{name} cannot be null.", "form_param_nil", "cannot be null")
        elif not _is(kind, value):
            raise invalid(name, f"{name} must be {kind}.")
    return data


def query_int(request, name, default, low, high=None):
    raw = dict(request.query).get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(name, f"{name} must be an integer.") from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise invalid(name, f"{name} must be {bounds}.", "form_param_value_invalid")
    return value


def query_bool(request, name):
    raw = dict(request.query).get(name)
    if raw is None:
        return False
    if raw not in ("true", "false"):
        raise invalid(name, f"{name} must be true or false.")
    return raw == "true"


def page(request, items, paginated_shape):
    """limit/offset over items; the {data, total_count} shape when paginated_shape, else a bare array."""
    limit = query_int(request, "limit", 10 if paginated_shape else None, 1, 500)
    offset = query_int(request, "offset", 0, 0)
    chosen = items[offset:offset + limit] if limit is not None else items[offset:]
    return {"data": chosen, "total_count": len(items)} if paginated_shape else chosen
