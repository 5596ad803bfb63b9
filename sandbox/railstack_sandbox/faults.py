"""Injected failures: a queue of one-shot faults for tests, plus seeded random faults."""
import random

FAULT_KINDS = ("429", "429_edge", "500", "502", "503", "drop_after_commit")


class FaultSettingsError(ValueError):
    pass


class FaultPlan:
    """What goes wrong, and when. Never applied to the control API.

    - `next`: queue of {"kind", "api"?, "match"?}; the first entry matching a request (same api,
      `match` a substring of its GraphQL document or path) is removed and applied to it.
    - `rate`: probability that any other provider request fails with a kind drawn from `kinds`,
      using a random generator seeded with `seed` (same seed + same requests = same faults).
    - `latency_ms`: delay added to every provider request.
    """

    def __init__(self, rate=0.0, seed=None, latency_ms=0, kinds=FAULT_KINDS):
        self.rate = 0.0
        self.seed = seed
        self.latency_ms = 0
        self.kinds = list(FAULT_KINDS)
        self.next = []
        self.update({"rate": rate, "seed": seed, "latency_ms": latency_ms, "kinds": list(kinds)})

    def settings(self):
        return {"rate": self.rate, "seed": self.seed, "latency_ms": self.latency_ms,
                "kinds": list(self.kinds), "next": [dict(f) for f in self.next]}

    def update(self, changes):
        """Apply a partial settings object (all-or-nothing); raises FaultSettingsError."""
        if not isinstance(changes, dict):
            raise FaultSettingsError("expected a JSON object")
        unknown = set(changes) - {"rate", "seed", "latency_ms", "kinds", "next"}
        if unknown:
            raise FaultSettingsError(f"unknown settings: {', '.join(sorted(unknown))}")
        rate = changes.get("rate", self.rate)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise FaultSettingsError("rate must be a number from 0 to 1")
        latency = changes.get("latency_ms", self.latency_ms)
        if isinstance(latency, bool) or not isinstance(latency, (int, float)) or latency < 0:
            raise FaultSettingsError("latency_ms must be a number >= 0")
        seed = changes.get("seed", self.seed)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise FaultSettingsError("seed must be an integer or null")
        kinds = changes.get("kinds", self.kinds)
        if not isinstance(kinds, list) or not kinds or any(k not in FAULT_KINDS for k in kinds):
            raise FaultSettingsError(f"kinds must be a non-empty list of {', '.join(FAULT_KINDS)}")
        queue = changes.get("next", self.next)
        if not isinstance(queue, list):
            raise FaultSettingsError("next must be a list")
        for entry in queue:
            if not isinstance(entry, dict) or entry.get("kind") not in FAULT_KINDS:
                raise FaultSettingsError(f"each next entry needs a kind among {', '.join(FAULT_KINDS)}")
            if set(entry) - {"kind", "api", "match"}:
                raise FaultSettingsError("next entries take only kind, api, match")
        self.rate, self.latency_ms, self.kinds = float(rate), latency, list(kinds)
        self.next = [dict(e) for e in queue]
        if "seed" in changes or not hasattr(self, "random"):
            self.seed = seed
            self.random = random.Random(seed)

    def pick(self, api, request):
        """The fault kind to apply to this provider request, or None."""
        text = request.text_for_matching()
        for index, entry in enumerate(self.next):
            if entry.get("api") not in (None, api):
                continue
            if entry.get("match") and entry["match"] not in text:
                continue
            del self.next[index]
            return entry["kind"]
        if self.rate and self.random.random() < self.rate:
            return self.random.choice(self.kinds)
        return None
