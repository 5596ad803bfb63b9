"""One state store for every provider: a JSON document, saved atomically after each change."""
import copy
import hashlib
import json
import os
import threading
import uuid


class StateStore:
    """The sandbox's whole state.

    `data` is {"ids": {"issued": N}, "<provider>": {...}, ...}. Providers keep their own section
    (`section(name)`), call `mark_changed()` after writing, and take new ids from `new_uuid()`.
    Callers hold `lock` around a request so every request sees and leaves a consistent state.
    """

    def __init__(self, providers, path=None, seed=None):
        self.providers = providers
        self.path = path
        self.seed = seed
        self.lock = threading.RLock()
        self.changed = False
        self.data = None
        if path and os.path.exists(path):
            with open(path) as f:
                try:
                    self.data = json.load(f)
                except ValueError as e:
                    raise ValueError(f"state file {path} is not valid JSON: {e}") from None
        self._complete()

    def _complete(self):
        if self.data is None:
            self.data = {"ids": {"issued": 0}}
        for provider in self.providers:
            if provider.name not in self.data:
                self.data[provider.name] = provider.initial_state(self)
            provider.on_load(self)

    def section(self, provider_name):
        return self.data[provider_name]

    def new_uuid(self):
        """A fresh UUID: derived from --seed and a persisted counter when seeded, else random."""
        self.data["ids"]["issued"] += 1
        self.changed = True
        if self.seed is None:
            return str(uuid.uuid4())
        digest = hashlib.sha256(f"{self.seed}:{self.data['ids']['issued']}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    def mark_changed(self):
        self.changed = True

    def reset(self):
        self.data = None
        self._complete()
        self.changed = True
        self.save_if_changed()

    def snapshot(self):
        return copy.deepcopy(self.data)

    def save_if_changed(self):
        if not self.changed:
            return
        self.changed = False
        if not self.path:
            return
        tmp = f"{self.path}.tmp{os.getpid()}"
        with open(tmp, "w") as f:
            json.dump(self.data, f, indent=1, sort_keys=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
