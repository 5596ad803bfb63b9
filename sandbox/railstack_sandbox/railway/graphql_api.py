"""Railway's GraphQL endpoint: parse, validate, coerce variables, execute with graphql-core.

Errors are shaped like Railway's (Apollo-style) server:
- unparsable document            -> HTTP 400, extensions.code GRAPHQL_PARSE_FAILED
- invalid document or variables  -> HTTP 400, extensions.code GRAPHQL_VALIDATION_FAILED
- resolver errors                -> HTTP 200, {"data": null or partial, "errors": [{message, locations, path}]}
"""
import json
import os
import sys
import traceback

from graphql import GraphQLError, build_schema, execute, get_operation_ast, parse, validate
from graphql.execution.values import get_variable_values
from graphql.language import OperationType

from ..wire import Response
from .context import RailwayContext, RailwayError

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "schema.graphql")
with open(SCHEMA_PATH) as _f:
    SCHEMA = build_schema(_f.read())

RESOLVERS = {}


def resolves(type_name, field_name):
    """Register `function(source, info, **arguments)` as the resolver of TYPE.FIELD."""
    graphql_type = SCHEMA.get_type(type_name)
    if graphql_type is None or field_name not in graphql_type.fields:
        raise LookupError(f"{type_name}.{field_name} is not in the sandbox's Railway schema (railway_keep.txt)")

    def register(function):
        RESOLVERS[(type_name, field_name)] = function
        return function
    return register


def field_resolver(source, info, **arguments):
    resolver = RESOLVERS.get((info.parent_type.name, info.field_name))
    if resolver is None:
        if isinstance(source, dict):
            return source.get(info.field_name)
        return getattr(source, info.field_name, None)
    try:
        return resolver(source, info, **arguments)
    except RailwayError:
        raise
    except Exception:
        traceback.print_exc(file=sys.stderr)
        raise RailwayError("Problem processing request")


def request_error(message, code, locations=None):
    error = {"message": message, "extensions": {"code": code}}
    if locations:
        error["locations"] = locations
    return {"errors": [error]}


def _graphql_params(request):
    """(document, variables, operationName) from a POST JSON body or GET query string."""
    if request.method == "GET":
        params = dict(request.query)
        variables = params.get("variables")
        if variables:
            try:
                variables = json.loads(variables)
            except ValueError:
                raise ValueError("Variables are invalid JSON.")
        return params.get("query"), variables, params.get("operationName")
    if request.method != "POST":
        raise ValueError("GraphQL only supports GET and POST requests.")
    body = request.json
    if not isinstance(body, dict):
        raise ValueError("POST body must be a JSON object (Content-Type: application/json).")
    return body.get("query"), body.get("variables"), body.get("operationName")


def _located(error):
    return [{"line": loc.line, "column": loc.column} for loc in (error.locations or [])] or None


def answer_graphql(request, store, caller):
    try:
        document_text, variables, operation_name = _graphql_params(request)
    except ValueError as e:
        return Response.json(400, request_error(str(e), "BAD_REQUEST"))
    if not isinstance(document_text, str) or not document_text.strip():
        return Response.json(400, request_error("GraphQL operations must contain a non-empty `query`.", "BAD_REQUEST"))
    if variables is not None and not isinstance(variables, dict):
        return Response.json(400, request_error("`variables` must be an object.", "BAD_REQUEST"))
    try:
        document = parse(document_text)
    except GraphQLError as e:
        return Response.json(400, request_error(e.message, "GRAPHQL_PARSE_FAILED", _located(e)))
    errors = validate(SCHEMA, document)
    if errors:
        return Response.json(400, {"errors": [
            request_error(e.message, "GRAPHQL_VALIDATION_FAILED", _located(e))["errors"][0] for e in errors]})
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        message = (f"Unknown operation named \"{operation_name}\"." if operation_name
                   else "Must provide operation name if query contains multiple operations.")
        return Response.json(400, request_error(message, "GRAPHQL_VALIDATION_FAILED"))
    if request.method == "GET" and operation.operation != OperationType.QUERY:
        return Response.json(405, request_error("Can only perform a mutation operation from a POST request.",
                                                "BAD_REQUEST"), [("Allow", "POST")])
    coerced = get_variable_values(SCHEMA, operation.variable_definitions or [], variables or {})
    if isinstance(coerced, list):
        return Response.json(400, {"errors": [
            request_error(e.message, "GRAPHQL_VALIDATION_FAILED", _located(e))["errors"][0] for e in coerced]})
    context = RailwayContext(store, caller)
    result = execute(SCHEMA, document, context_value=context, variable_values=variables or {},
                     operation_name=operation_name, field_resolver=field_resolver)
    payload = {"data": result.data}
    if result.errors:
        payload["errors"] = [e.formatted for e in result.errors]
    return Response.json(200, payload)
