"""Recording of provider traffic in the contracts' "Traffic format" (one JSON object per request)."""
import json
import threading

RECORDED_HEADERS = ("Stripe-Version", "Idempotency-Key", "Clerk-API-Version", "Content-Type")
CREDENTIAL_HEADERS = ("Authorization", "Project-Access-Token")
REDACTED = "<redacted>"


def traffic_entry(api, request, status):
    headers = {}
    for name in RECORDED_HEADERS:
        value = request.headers.get(name)
        if value is not None:
            headers[name] = value
    for name in CREDENTIAL_HEADERS:
        if request.headers.get(name) is not None:
            headers[name] = REDACTED
    return {"api": api, "method": request.method, "path": request.path, "query": request.query,
            "headers": headers, "json": request.json, "form": request.form, "status": status}


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
