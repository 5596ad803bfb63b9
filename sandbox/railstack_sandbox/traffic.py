"""Recording of provider traffic in the contracts' "Traffic format" (one JSON object per request)."""
import json
import re
import threading

RECORDED_HEADERS = ("Stripe-Version", "Idempotency-Key", "Clerk-API-Version", "Content-Type")
CREDENTIAL_HEADERS = ("Authorization", "Project-Access-Token")
REDACTED = "<redacted>"
# Parameters and body fields whose value is a secret: recorded as REDACTED (the contracts check names and types).
SECRET_NAME = re.compile(r"(api_?key|apikey|secret|token|password|signing_key|private_key)", re.IGNORECASE)


def _is_secret_name(name):
    return isinstance(name, str) and SECRET_NAME.search(name) is not None and not name.lower().endswith(("_id", "id"))


def _redact_pairs(pairs):
    if not pairs:
        return pairs
    return [[k, REDACTED if _is_secret_name(k) and v else v] for k, v in pairs]


VARIABLE_MAPS = ("variables", "sharedVariables")


def _redact_body(body):
    """A GraphQL body's own `variables` are the operation's arguments, not Railway variables."""
    if isinstance(body, dict) and isinstance(body.get("query"), str) and isinstance(body.get("variables"), dict):
        return dict(body, variables={k: _redact_json(v, k) for k, v in body["variables"].items()})
    return _redact_json(body)


def _redact_json(value, parent=None):
    """Secret-named fields, and the values of variables (a Railway variable may hold any secret)."""
    if isinstance(value, dict):
        if {"name", "value", "environmentId"} <= set(value):
            parent = "variable"              # variableUpsert's input: one variable's value
        out = {}
        for key, item in value.items():
            if isinstance(item, str) and item and (_is_secret_name(key) or (parent == "variable" and key == "value")):
                out[key] = item if item.startswith("${{") else REDACTED
            elif parent in VARIABLE_MAPS and isinstance(item, str) and item and not item.startswith("${{"):
                out[key] = REDACTED          # variables as a NAME -> value map (variableCollectionUpsert)
            else:
                out[key] = _redact_json(item, "variable" if parent in VARIABLE_MAPS else key)
        return out
    if isinstance(value, list):
        return [_redact_json(item, parent) for item in value]
    return value


def traffic_entry(api, request, status):
    headers = {}
    for name in RECORDED_HEADERS:
        value = request.headers.get(name)
        if value is not None:
            headers[name] = value
    for name in CREDENTIAL_HEADERS:
        if request.headers.get(name) is not None:
            headers[name] = REDACTED
    return {"api": api, "method": request.method, "path": request.path, "query": _redact_pairs(request.query),
            "headers": headers, "json": _redact_body(request.json), "form": _redact_pairs(request.form), "status": status}


class TrafficLog:
    """Every provider request: kept in memory (the last `keep` entries) and appended to `path`."""

    def __init__(self, path=None, keep=20000):
        self.keep = keep
        self.entries = []
        self.first_index = 0          # absolute index of entries[0]
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8") if path else None

    def append(self, entry):
        line = json.dumps(entry, separators=(",", ":"))
        with self.lock:
            self.entries.append(entry)
            if len(self.entries) > self.keep:
                drop = len(self.entries) - self.keep
                del self.entries[:drop]
                self.first_index += drop
            if self.file:
                self.file.write(line + "\n")
                self.file.flush()

    def since(self, index):
        """(entries from absolute index `index` on, the index after the last one)."""
        with self.lock:
            start = max(index - self.first_index, 0)
            return list(self.entries[start:]), self.first_index + len(self.entries)

    def close(self):
        if self.file:
            self.file.close()
