# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Railway's part of the control API: /_sandbox/railway/<action>.

An area registers a handler with `@control("POST", "tcp-proxy")`; the handler gets a
RailwayContext with account rights and the decoded JSON body, and returns a JSON-able dict
(HTTP 200) or raises ControlError (HTTP 400 {"error"}). Control requests are never delayed,
faulted or recorded.
"""
import json

from ..wire import Response
from .context import Caller, RailwayContext, RailwayError

CONTROL_HANDLERS = {}


class ControlError(Exception):
    """A bad control request: answered 400 {"error": message}."""


def control(method, action):
    def register(function):
        CONTROL_HANDLERS[(method.upper(), action)] = function
        return function
    return register


def answer_control(action, request, store):
    """The Response for /_sandbox/railway/<action>, or None when no handler has that action."""
    handler = CONTROL_HANDLERS.get((request.method.upper(), action))
    if handler is None:
        if any(a == action for _, a in CONTROL_HANDLERS):
            return Response.json(405, {"error": f"{request.method} not allowed on /_sandbox/railway/{action}"})
        return None
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return Response.json(400, {"error": "body must be JSON"})
    if not isinstance(body, dict):
        return Response.json(400, {"error": "body must be a JSON object"})
    try:
        return Response.json(200, handler(RailwayContext(store, Caller("account")), body))
    except (ControlError, RailwayError) as e:
        return Response.json(400, {"error": str(e)})
