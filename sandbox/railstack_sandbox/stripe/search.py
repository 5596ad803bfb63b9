"""Stripe's search query language, the part products and prices use:

    active:'true' AND metadata['plan']:'pro'      name~'Pro'     -currency:'eur'

Clauses are joined by AND or by OR (not both, as in Stripe). Results come from the lagging index
(Account.searchable), so an object written a moment ago is not found yet.
"""
import base64
import re

from .errors import invalid

CLAUSE_RE = re.compile(
    r"""\s*(-)?\s*(?:metadata\[(?P<mq>['"])(?P<mkey>.+?)(?P=mq)\]|(?P<field>[a-z_]+))"""
    r"""\s*(?P<op>:|~|>=|<=|>|<)\s*(?:(?P<q>['"])(?P<value>.*?)(?P=q)|(?P<number>-?\d+(?:\.\d+)?))\s*""")
FIELDS = {
    "products": ("active", "created", "description", "metadata", "name", "shippable", "url"),
    "prices": ("active", "created", "currency", "lookup_key", "metadata", "product", "type"),
}


def parse_query(kind, query):
    """[(negated, field, metadata key, operator, value)], and the joining word."""
    parts = re.split(r"\s+(AND|OR)\s+", query.strip())
    joins = set(parts[1::2])
    if len(joins) > 1:
        raise invalid("Search queries cannot combine AND and OR.", param="query")
    clauses = []
    for text in parts[0::2]:
        match = CLAUSE_RE.fullmatch(text)
        if not match:
            raise invalid("We were unable to parse your search query. Try using the format `metadata[\"key\"]:\"value\"` "
                          "to query for metadata or `key:\"value\"` to query for other fields.", param="query")
        field = "metadata" if match.group("mkey") is not None else match.group("field")
        if field not in FIELDS[kind]:
            raise invalid("Field `%s` is an unsupported search field for resource `%s`. See "
                          "https://stripe.com/docs/search#query-fields-for-%s for a list of supported fields."
                          % (field, kind, kind.replace("_", "-")), param="query")
        value = match.group("value") if match.group("value") is not None else match.group("number")
        clauses.append((bool(match.group(1)), field, match.group("mkey"), match.group("op"), value))
    return clauses, (joins.pop() if joins else "AND")


def _matches(obj, clause):
    negated, field, meta_key, op, value = clause
    actual = (obj.get("metadata") or {}).get(meta_key) if field == "metadata" else obj.get(field)
    if isinstance(actual, bool):
        actual = "true" if actual else "false"
    if op == ":":
        hit = actual is not None and str(actual).lower() == value.lower()
    elif op == "~":
        hit = actual is not None and value.lower() in str(actual).lower()
    else:
        try:
            left, right = float(actual), float(value)
        except (TypeError, ValueError):
            hit = False
        else:
            hit = {">": left > right, "<": left < right, ">=": left >= right, "<=": left <= right}[op]
    return hit != negated


def search(account, kind, url, params):
    clauses, join = parse_query(kind, params["query"])
    combine = all if join == "AND" else any
    found = [obj for obj in account.searchable(kind) if combine(_matches(obj, c) for c in clauses)]
    limit = params.get("limit", 10)
    if not 1 <= limit <= 100:
        raise invalid("This value must be greater than or equal to 1 and less than or equal to 100.", param="limit")
    start = 0
    if params.get("page"):
        try:
            start = int(base64.urlsafe_b64decode(params["page"].encode()).decode().partition(":")[2])
        except (ValueError, UnicodeDecodeError):
            raise invalid("Invalid page: %s" % params["page"], param="page") from None
    data = found[start:start + limit]
    more = start + limit < len(found)
    next_page = base64.urlsafe_b64encode(("page:%d" % (start + limit)).encode()).decode() if more else None
    return {"object": "search_result", "data": data, "has_more": more, "next_page": next_page, "url": url}
