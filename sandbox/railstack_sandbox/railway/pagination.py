# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Relay connections (edges { node cursor } pageInfo { ... }) over a list."""
import base64

from .context import RailwayError


def cursor_for(index):
    return base64.b64encode(f"arrayconnection:{index}".encode()).decode()


def index_of(cursor):
    try:
        kind, _, number = base64.b64decode(cursor.encode(), validate=True).decode().partition(":")
        if kind == "arrayconnection" and number.isdigit():
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise RailwayError(f"Invalid cursor: {cursor}")


def connection(items, first=None, after=None, last=None, before=None, **_ignored):
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise RailwayError(f"Argument '{name}' must be a non-negative integer")
    start, end = 0, len(items)
    if after is not None:
        start = max(start, index_of(after) + 1)
    if before is not None:
        end = min(end, index_of(before))
    end = max(start, end)
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    edges = [{"node": items[i], "cursor": cursor_for(i)} for i in range(start, end)]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }
