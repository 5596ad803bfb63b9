# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Stripe request parameters: form nesting (a[b]=1, a[]=x, a[0][b]=y), then the endpoint's typed
parameters from params.json (generated from stripe 16.1.0 by sandbox/tools/make_stripe_params.py).

`parse(pairs)` builds the tree; `validate(endpoint, tree)` returns it with values coerced (int, float,
bool) or raises the StripeError Stripe answers: unknown parameter, missing parameter, bad integer,
boolean or enum value, an empty string for a field that cannot be unset.
"""
import json
import math
import os
import re

from .errors import invalid

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "params.json"), encoding="utf-8") as _f:
    SCHEMA = json.load(_f)

ENDPOINTS = SCHEMA["endpoints"]
API_VERSION = SCHEMA["api_version"]
# Every API version Stripe knows (the values webhook endpoints accept for api_version).
API_VERSIONS = frozenset(ENDPOINTS["webhook_endpoints.create"]["obj"]["api_version"][1]["enum"])

_KEY_RE = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_INT_RE = re.compile(r"^-?\d+$")
_FLOAT_RE = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)$")


def parse(pairs):
    """Form pairs -> nested dict. Lists from `a[]` are lists; `a[0]` indexes stay dict keys until validation."""
    tree = {}
    for key, value in pairs:
        match = _KEY_RE.match(key)
        if not match:
            raise invalid("Received unknown parameter: %s" % key, param=key, code="parameter_unknown")
        path = [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2))
        node = tree
        for depth, part in enumerate(path):
            last = depth == len(path) - 1
            shown = _display(path[:depth + 1])
            if part == "":
                if not last or not isinstance(node, list):
                    raise invalid("Invalid array", param=shown)
                node.append(value)
                break
            if not isinstance(node, dict):
                raise invalid("Invalid hash", param=_display(path[:depth]))
            if last:
                if part in node and not (isinstance(node[part], str) or node[part] == []):
                    raise invalid("Invalid hash", param=shown)
                node[part] = value
            else:
                child = node.get(part)
                want_list = path[depth + 1] == ""
                if child is None or child == "":
                    child = node[part] = [] if want_list else {}
                elif isinstance(child, list) != want_list:
                    raise invalid("Invalid %s" % ("array" if want_list else "hash"), param=shown)
                node = child
    return tree


def _display(path):
    return path[0] + "".join("[%s]" % p for p in path[1:])


def validate(endpoint, tree):
    return _check(tree, ENDPOINTS[endpoint], None)


def _join(param, key):
    return key if param is None else "%s[%s]" % (param, key)


def _empty_error(param):
    name = param or "params"
    return invalid("You passed an empty string for '%s'. We assume empty values are an attempt to unset a parameter; "
                   "however '%s' cannot be unset. You should remove '%s' from your request or supply a non-empty "
                   "value." % (name, name, name), param=param, code="parameter_invalid_empty")


def _as_list(value):
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and value and all(k.isdigit() for k in value):
        return [value[k] for k in sorted(value, key=int)]
    return None


def _check(value, node, param):
    if isinstance(node, str):
        return _scalar(value, node, param)
    if "union" in node:
        return _union(value, node["union"], param)
    if "enum" in node:
        if value == "" and "" not in node["enum"]:
            raise _empty_error(param)
        if not isinstance(value, str) or value not in node["enum"]:
            choices = [c for c in node["enum"] if c]
            shown = ", ".join(choices[:-1]) + (", or " if len(choices) > 2 else " or ") + choices[-1] \
                if len(choices) > 1 else choices[0]
            raise invalid("Invalid %s: must be one of %s" % (param, shown), param=param)
        return value
    if value == "":
        raise _empty_error(param)
    if "list" in node:
        items = _as_list(value)
        if items is None:
            raise invalid("Invalid array", param=param)
        return [_check(item, node["list"], "%s[%d]" % (param, i)) for i, item in enumerate(items)]
    if "map" in node:
        if not isinstance(value, dict):
            raise invalid("Invalid object", param=param)
        # An empty value unsets that one key (metadata[k]=).
        return {k: v if v == "" else _check(v, node["map"], _join(param, k)) for k, v in value.items()}
    if "obj" in node:
        if not isinstance(value, dict):
            raise invalid("Invalid object", param=param)
        fields = node["obj"]
        for key in value:
            if key not in fields:
                raise invalid("Received unknown parameter: %s" % _join(param, key), param=_join(param, key),
                              code="parameter_unknown")
        for key, (required, _) in sorted(fields.items()):
            if required and key not in value:
                raise invalid("Missing required param: %s." % _join(param, key), param=_join(param, key),
                              code="parameter_missing")
        return {key: _check(item, fields[key][1], _join(param, key)) for key, item in value.items()}
    raise AssertionError("unknown schema node %r" % (node,))


def _scalar(value, kind, param):
    if kind == "any":
        return value
    if not isinstance(value, str):
        shown_kind = {"str": "string", "int": "integer", "float": "decimal", "bool": "boolean"}[kind]
        raise invalid("Invalid %s: %s" % (shown_kind, _shown(value)), param=param)
    if value == "":
        raise _empty_error(param)
    if kind == "str":
        return value
    if kind == "int":
        if not _INT_RE.match(value):
            raise invalid("Invalid integer: %s" % value, param=param, code="parameter_invalid_integer")
        return int(value)
    if kind == "float":
        if not _FLOAT_RE.match(value) or not math.isfinite(float(value)):
            raise invalid("Invalid decimal: %s" % value, param=param)
        return float(value)
    if kind == "bool":
        if value not in ("true", "false"):
            raise invalid("Invalid boolean: %s" % value, param=param)
        return value == "true"
    raise AssertionError("unknown scalar %r" % kind)


def _shown(value):
    return json.dumps(value, sort_keys=True)


def _shape(node):
    if isinstance(node, str) or "enum" in node:
        return str
    return list if "list" in node else dict


def _union(value, branches, param):
    if value == "" and any(isinstance(b, dict) and "" in b.get("enum", ()) for b in branches):
        return ""
    errors = []
    for branch in branches:
        try:
            return _check(value, branch, param)
        except Exception as exc:  # a StripeError: try the next branch  pylint: disable=broad-except
            errors.append((branch, exc))
    shape = str if isinstance(value, str) else list if _as_list(value) is not None else dict
    # Report the error of the branch the value was shaped for (an object for an object, ...).
    for wanted in (shape, dict):
        for branch, exc in errors:
            if _shape(branch) is wanted:
                raise exc
    raise errors[-1][1]
