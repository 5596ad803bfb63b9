# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Cloudflare v4 routes: zones (list, details) and DNS records (list with filters, CRUD, batch)."""
import copy
import math

from ..wire import Response
from .records import (ACCOUNT, FREE_BATCH_LIMIT, TYPES, CfError, body_invalid, build, check_body, check_conflicts,
                      new_id, public, stamp, zone_records)

STRING_OPS = {"": "exact", "exact": "exact", "contains": "contains", "startswith": "startswith",
              "endswith": "endswith"}
ORDERS = ("type", "name", "content", "ttl", "proxied")


def ok(result, result_info=None):
    payload = {"success": True, "errors": [], "messages": [], "result": result}
    if result_info is not None:
        payload["result_info"] = result_info
    return Response.json(200, payload)


def no_route(path):
    return CfError(400, 7003, f"Could not route to {path}, perhaps your object identifier is invalid?",
                   [(7000, "No route for that URI")])


def _int(query, name, default, low, high, code):
    value = query.get(name)
    if value is None:
        return default
    try:
        number = int(float(value))
    except ValueError:
        raise CfError(400, code, f"Invalid {name}: must be a number.")
    if not low <= number <= high:
        raise CfError(400, code, f"Invalid {name}: must be between {low} and {high}.")
    return number


def paginate(items, query, default, low, high, code):
    page = _int(query, "page", 1, 1, 10 ** 9, code)
    per_page = _int(query, "per_page", default, low, high, code)
    count = len(items)
    chunk = items[(page - 1) * per_page: page * per_page]
    return chunk, {"page": page, "per_page": per_page, "count": len(chunk), "total_count": count,
                   "total_pages": math.ceil(count / per_page)}


def _compare(op, have, want):
    have, want = (have or "").lower(), want.lower()
    return {"exact": have == want, "contains": want in have, "startswith": have.startswith(want),
            "endswith": have.endswith(want)}[op]


# ------------------------------------------------------------------ zones

ZONE_NAME_OPS = ("not_equal", "equal", "starts_with", "ends_with", "contains")


def _zone_name_filter(value):
    op, sep, rest = value.partition(":")
    case = op.endswith("_case_sensitive")
    base = op[: -len("_case_sensitive")] if case else op
    if not sep or base not in ZONE_NAME_OPS:
        base, case, rest = "equal", False, value
    want = rest if case else rest.lower()

    def test(zone):
        have = zone["name"] if case else zone["name"].lower()
        return {"equal": have == want, "not_equal": have != want, "starts_with": have.startswith(want),
                "ends_with": have.endswith(want), "contains": want in have}[base]
    return test


def list_zones(section, query):
    tests = []
    if "name" in query:
        tests.append(_zone_name_filter(query["name"]))
    if "status" in query:
        if query["status"] not in ("initializing", "pending", "active", "moved"):
            raise CfError(400, 1001, "Invalid status filter.")                     # code unverified
        tests.append(lambda z: z["status"] == query["status"])
    if "account.id" in query:
        tests.append(lambda z: z["account"]["id"] == query["account.id"])
    if "account.name" in query:
        tests.append(lambda z: z["account"]["name"] == query["account.name"])
    match = query.get("match", "all")
    if match not in ("all", "any"):
        raise CfError(400, 1001, "Invalid match: must be all or any.")               # code unverified
    combine = all if match == "all" else any
    zones = [z for z in section["zones"].values() if not tests or combine(t(z) for t in tests)]
    order = query.get("order", "name")
    key = {"name": lambda z: z["name"], "status": lambda z: z["status"], "account.id": lambda z: z["account"]["id"],
           "account.name": lambda z: z["account"]["name"], "plan.id": lambda z: z["plan"]["id"]}.get(order)
    if key is None:
        raise CfError(400, 1001, "Invalid order.")                                    # code unverified
    zones.sort(key=key, reverse=query.get("direction") == "desc")
    chunk, info = paginate(zones, query, 20, 5, 50, 1001)                              # per_page 5..50 (spec)
    return ok([copy.deepcopy(z) for z in chunk], info)


# ------------------------------------------------------------------ records: list

def _record_filters(query):
    plain, tags = [], []
    for key, value in query.items():
        field, _, op = key.partition(".")
        if field in ("name", "content") and op in STRING_OPS:
            plain.append(lambda r, f=field, o=STRING_OPS[op], v=value: _compare(o, r.get(f), v.rstrip(".")
                                                                                if f == "name" else v))
        elif field == "comment" and op in ("present", "absent"):
            plain.append(lambda r, o=op: bool(r.get("comment")) == (o == "present"))
        elif field == "comment" and op in STRING_OPS:
            plain.append(lambda r, o=STRING_OPS[op], v=value: r.get("comment") is not None and _compare(o, r["comment"], v))
        elif field == "tag":
            tags.append(_tag_filter(op, value))
        elif key == "type":
            if value not in TYPES:
                raise CfError(400, 1004, "DNS Validation Error", [(9020, "Invalid DNS record type")])
            plain.append(lambda r, v=value: r["type"] == v)
        elif key == "proxied":
            if value not in ("true", "false"):
                raise CfError(400, 1004, "DNS Validation Error", [(9207, "proxied must be true or false")])
            plain.append(lambda r, v=value == "true": bool(r.get("proxied")) == v)
        elif key == "search":
            plain.append(lambda r, v=value.lower(): v in r["name"] or v in (r.get("content") or "").lower())
    return plain, tags


def _tag_filter(op, value):
    name, sep, val = value.partition(":")
    name = name.lower()

    def pairs(record):
        return [t.partition(":") for t in record.get("tags") or []]
    if op in ("", "exact") and sep and op != "present":
        return lambda r: any(n.lower() == name and v == val for n, _, v in pairs(r))
    if op in ("", "present"):
        return lambda r: any(n.lower() == name for n, _, _ in pairs(r))
    if op == "absent":
        return lambda r: not any(n.lower() == name for n, _, _ in pairs(r))
    if op in ("contains", "startswith", "endswith"):
        return lambda r: any(n.lower() == name and _compare(op, v, val) for n, _, v in pairs(r))
    return lambda r: True


def list_records(section, zone, query):
    plain, tags = _record_filters(query)
    for name, default in (("match", "all"), ("tag_match", "all")):
        if query.get(name, default) not in ("all", "any"):
            raise CfError(400, 1004, "DNS Validation Error", [(9207, f"{name} must be all or any")])
    combine = all if query.get("match", "all") == "all" else any
    combine_tags = all if query.get("tag_match", "all") == "all" else any

    def keep(record):
        tests = list(plain)
        if tags:
            tests.append(lambda r: combine_tags(t(r) for t in tags))
        return not tests or combine(t(record) for t in tests)
    order = query.get("order", "type")
    if order not in ORDERS:
        raise CfError(400, 1004, "DNS Validation Error", [(9207, "order must be one of " + ", ".join(ORDERS))])
    direction = query.get("direction", "asc")
    if direction not in ("asc", "desc"):
        raise CfError(400, 1004, "DNS Validation Error", [(9207, "direction must be asc or desc")])
    records = [r for r in zone_records(section, zone["id"]) if keep(r)]
    records.sort(key=lambda r: (str(r.get(order)), r["name"], r["type"], r.get("content") or ""),
                 reverse=direction == "desc")
    chunk, info = paginate(records, query, 100, 1, 5000000, 1004)
    return ok([public(r) for r in chunk], info)


# ------------------------------------------------------------------ records: writes

def _create(store, records, zone, body):
    check_body(body)
    record = build(zone, body)
    check_conflicts(records.values(), record)
    record["id"] = new_id(store)
    record["_zone"] = zone["id"]
    records[record["id"]] = stamp(record)
    return record


def _patch(records, zone, record_id, body):
    current = records.get(record_id)
    if current is None or current["_zone"] != zone["id"]:
        raise CfError(404, 81044, "Record does not exist.")
    check_body(body, partial=True)
    record = build(zone, body, base=current)
    check_conflicts(records.values(), record)
    records[record_id] = stamp(record, current)
    return record


def _put(records, zone, record_id, body):
    current = records.get(record_id)
    if current is None or current["_zone"] != zone["id"]:
        raise CfError(404, 81044, "Record does not exist.")
    check_body(body)
    record = build(zone, body)     # unspecified fields go back to their defaults
    record.update(id=record_id, _zone=zone["id"], created_on=current["created_on"])
    check_conflicts(records.values(), record)
    records[record_id] = stamp(record, current)
    return record


def _delete(records, zone, record_id):
    current = records.get(record_id)
    if current is None or current["_zone"] != zone["id"]:
        raise CfError(404, 81044, "Record does not exist.")
    del records[record_id]
    return current


def record_write(store, section, zone, method, record_id, body):
    records = section["records"]
    if method == "POST":
        record = _create(store, records, zone, body)
    elif method == "PATCH":
        record = _patch(records, zone, record_id, body)
    elif method == "PUT":
        record = _put(records, zone, record_id, body)
    else:
        return ok({"id": _delete(records, zone, record_id)["id"]})
    store.mark_changed()
    return ok(public(record))


def batch(store, section, zone, body):
    """Deletes, then patches, then puts, then posts, in one transaction: the first error leaves nothing changed."""
    if not isinstance(body, dict) or set(body) - {"deletes", "patches", "puts", "posts"}:
        raise body_invalid()
    lists = {}
    for kind in ("deletes", "patches", "puts", "posts"):
        items = body.get(kind) or []
        if not isinstance(items, list) or any(not isinstance(i, dict) for i in items):
            raise body_invalid()
        lists[kind] = items
    total = sum(len(items) for items in lists.values())
    if total > FREE_BATCH_LIMIT:
        raise CfError(400, 1004, f"Batch exceeds the {FREE_BATCH_LIMIT} record changes this zone's plan allows "
                                 "in one request.")                                     # code unverified
    records = copy.deepcopy(section["records"])
    result = {"deletes": [], "patches": [], "puts": [], "posts": []}
    for item in lists["deletes"]:
        if set(item) != {"id"}:
            raise body_invalid()
        result["deletes"].append(public(_delete(records, zone, item["id"])))
    for kind, write in (("patches", _patch), ("puts", _put)):
        for item in lists[kind]:
            item = dict(item)
            record_id = item.pop("id", None)
            if not isinstance(record_id, str):
                raise CfError(400, 1004, "DNS Validation Error", [(9207, f"{kind} items need an id")])
            result[kind].append(public(write(records, zone, record_id, item)))
    for item in lists["posts"]:
        result["posts"].append(public(_create(store, records, zone, item)))
    section["records"] = records
    store.mark_changed()
    return ok(result)


# ------------------------------------------------------------------ routing

def route(store, request):
    section = store.section("cloudflare")
    path = request.path[len("/client/v4"):].rstrip("/")
    parts = path.strip("/").split("/") if path.strip("/") else []
    query = dict(request.query)
    method = request.method

    def allow(*methods):
        if method not in methods:
            raise CfError(405, 7001, f"Method {method} not available for that URI.")

    if parts == ["zones"]:
        allow("GET")
        return list_zones(section, query)
    if len(parts) < 2 or parts[0] != "zones":
        raise CfError(404, 7000, "No route for that URI")
    zone = section["zones"].get(parts[1])
    if zone is None:
        raise no_route(request.path)
    if len(parts) == 2:
        allow("GET")
        return ok(copy.deepcopy(zone))
    if parts[2] != "dns_records" or len(parts) > 4:
        raise CfError(404, 7000, "No route for that URI")
    if method in ("POST", "PUT", "PATCH") and not isinstance(request.json, (dict, list)):
        raise body_invalid()
    if len(parts) == 3:
        allow("GET", "POST")
        if method == "GET":
            return list_records(section, zone, query)
        return record_write(store, section, zone, "POST", None, request.json)
    if parts[3] == "batch":
        allow("POST")
        return batch(store, section, zone, request.json)
    allow("GET", "PATCH", "PUT", "DELETE")
    if method == "GET":
        record = section["records"].get(parts[3])
        if record is None or record["_zone"] != zone["id"]:
            raise CfError(404, 81044, "Record does not exist.")
        return ok(public(record))
    return record_write(store, section, zone, method, parts[3], request.json)


def authenticate(request, token):
    header = request.headers.get("Authorization")
    if not header and not request.headers.get("X-Auth-Key"):
        raise CfError(400, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers")
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        raise CfError(400, 6003, "Invalid request headers", [(6111, "Invalid format for Authorization header")])
    if value.strip() != token:
        raise CfError(401, 10000, "Authentication error")


__all__ = ["ACCOUNT", "authenticate", "route"]
