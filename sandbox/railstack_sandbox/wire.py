"""The request and response objects that pass between the HTTP server and a provider."""
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl


class Headers:
    """Case-insensitive view of request headers."""

    def __init__(self, pairs):
        self._pairs = list(pairs)

    def get(self, name, default=None):
        name = name.lower()
        for key, value in self._pairs:
            if key.lower() == name:
                return value
        return default

    def __contains__(self, name):
        return self.get(name) is not None


@dataclass
class Request:
    method: str
    path: str                       # without query string
    query: list                     # decoded [key, value] pairs, in order, repeats kept
    headers: Headers
    body: bytes = b""
    json: object = None             # decoded JSON body, or None
    form: list = None               # decoded form body as [key, value] pairs, or None

    @classmethod
    def build(cls, method, path, query_string, header_pairs, body):
        headers = Headers(header_pairs)
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        decoded_json = decoded_form = None
        if body and (content_type == "application/json" or content_type.endswith("+json")):
            try:
                decoded_json = json.loads(body)
            except ValueError:
                decoded_json = None
        elif body and content_type == "application/x-www-form-urlencoded":
            decoded_form = [list(p) for p in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)]
        query = [list(p) for p in parse_qsl(query_string, keep_blank_values=True)]
        return cls(method, path, query, headers, body, decoded_json, decoded_form)

    def text_for_matching(self):
        """What a fault's `match` substring is searched in: the GraphQL document, else "METHOD /path"
        (so "/v1/prices" matches every request to that path, "POST /v1/prices" only the writes)."""
        if isinstance(self.json, dict) and isinstance(self.json.get("query"), str):
            return self.json["query"]
        return f"{self.method} {self.path}"


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list = field(default_factory=list)     # [(name, value)]
    drop_connection: bool = False                    # send nothing, close the socket

    @classmethod
    def json(cls, status, payload, headers=()):
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(status, body, [("Content-Type", "application/json"), *headers])

    @classmethod
    def text(cls, status, text, content_type="text/plain; charset=utf-8", headers=()):
        return cls(status, text.encode(), [("Content-Type", content_type), *headers])
