"""One Stripe account's objects in the sandbox's state store, per mode (test and live never see each other).

Objects are kept as Stripe returns them, plus private keys starting with "_" (creation order, fields
Stripe never shows). Search sees each object as it was
`search_lag` seconds ago: Stripe's search index trails writes ("under normal operating conditions,
data is searchable in less than a minute").
"""
import copy
import string
import time

from .errors import StripeError, invalid, no_such

ALPHABET = string.digits + string.ascii_letters
KINDS = ("webhook_endpoints", "products", "prices", "coupons", "tax_rates", "billing_portal_configurations",
         "billing_meters")
IDEMPOTENCY_TTL = 24 * 3600


def initial_state():
    return {"test": _empty_mode(), "live": _empty_mode()}


def _empty_mode():
    mode = {kind: {} for kind in KINDS}
    mode.update({"sequence": 0, "idempotency": {}, "search_index": {"products": {}, "prices": {}}})
    return mode


def public(obj):
    """An object as Stripe shows it: private keys left out, nested values copied."""
    return {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}


class Account:
    """What a request may see and change: one mode of the sandbox's Stripe account."""

    def __init__(self, store, livemode, search_lag, clock=time.time):
        self.store = store
        self.livemode = livemode
        self.data = store.section("stripe")["live" if livemode else "test"]
        self.search_lag = search_lag
        self.clock = clock

    # ------------------------------------------------------------------ ids and time
    def now(self):
        return int(self.clock())

    def random_chars(self, count):
        """Characters from a fresh UUID of the store (deterministic under --seed)."""
        chars = ""
        while len(chars) < count:
            number = int(self.store.new_uuid().replace("-", ""), 16)
            while number and len(chars) < count:
                number, digit = divmod(number, len(ALPHABET))
                chars += ALPHABET[digit]
        return chars

    def connect_application(self):
        """The id of the account's Connect platform application (`ca_...`), made on first use."""
        if not self.data.get("connect_application"):
            self.data["connect_application"] = "ca_" + self.random_chars(32)
            self.store.mark_changed()
        return self.data["connect_application"]

    def new_id(self, prefix, count=24):
        # Stripe's ids carry the account's mode in their shape; "1" plus a random tail looks like theirs.
        return "%s_1%s" % (prefix, self.random_chars(count - 1))

    # ------------------------------------------------------------------ objects
    def objects(self, kind):
        return self.data[kind]

    def get(self, kind, object_id, object_name, param="id"):
        obj = self.data[kind].get(object_id)
        if obj is None:
            raise no_such(object_name, object_id, param)
        return obj

    def add(self, kind, obj):
        self.data["sequence"] += 1
        obj["_seq"] = self.data["sequence"]
        self.data[kind][obj["id"]] = obj
        self.changed(kind, obj)
        return obj

    def remove(self, kind, object_id):
        obj = self.data[kind].pop(object_id)
        if kind in self.data["search_index"]:
            self.data["search_index"][kind].setdefault(object_id, []).append([self.clock() + self.search_lag, None])
        self.store.mark_changed()
        return obj

    def changed(self, kind, obj):
        """Note a write: the store saves, and search sees the new version after the lag."""
        if "updated" in obj and "_seq" in obj and obj.get("created") is not None:
            obj["updated"] = max(self.now(), obj["created"])
        if kind in self.data["search_index"]:
            versions = self.data["search_index"][kind].setdefault(obj["id"], [])
            versions.append([self.clock() + self.search_lag, public(obj)])
        self.store.mark_changed()

    # ------------------------------------------------------------------ lists and search
    def page(self, kind, url, params, keep=lambda obj: True, shown=public):
        """A list answer: newest first, `limit` (1..100, default 10), `starting_after` / `ending_before`."""
        limit = params.get("limit", 10)
        if not 1 <= limit <= 100:
            raise invalid("This value must be greater than or equal to 1 and less than or equal to 100.", param="limit")
        objs = sorted((o for o in self.data[kind].values() if keep(o)), key=lambda o: o["_seq"], reverse=True)
        if params.get("starting_after") and params.get("ending_before"):
            raise invalid("You may only specify one of these parameters: ending_before, starting_after.",
                          param="ending_before")
        if params.get("starting_after"):
            cursor = self._cursor(kind, params["starting_after"], "starting_after")
            objs = [o for o in objs if o["_seq"] < cursor["_seq"]]
            data, has_more = objs[:limit], len(objs) > limit
        elif params.get("ending_before"):
            cursor = self._cursor(kind, params["ending_before"], "ending_before")
            objs = [o for o in objs if o["_seq"] > cursor["_seq"]]
            data, has_more = objs[-limit:], len(objs) > limit
        else:
            data, has_more = objs[:limit], len(objs) > limit
        return {"object": "list", "data": [shown(o) for o in data], "has_more": has_more, "url": url}

    def _cursor(self, kind, object_id, param):
        obj = self.data[kind].get(object_id)
        if obj is None:
            raise StripeError(400, "No such object: '%s'" % object_id, code="resource_missing", param=param)
        return obj

    def searchable(self, kind):
        """Each object as the search index has it now (lagging behind writes), newest first."""
        now = self.clock()
        seen = []
        for versions in self.data["search_index"][kind].values():
            visible = [snapshot for at, snapshot in versions if at <= now]
            if len(visible) > 1:  # forget what no search can see any more
                versions[:] = [v for v in versions if v[0] > now or v[1] is visible[-1]]
                self.store.mark_changed()
            if visible and visible[-1] is not None:
                seen.append(visible[-1])
        seen.sort(key=lambda o: (o.get("created", 0), o["id"]), reverse=True)
        return seen

    # ------------------------------------------------------------------ idempotency
    def idempotent_answer(self, key):
        record = self.data["idempotency"].get(key)
        if record is not None and record["at"] + IDEMPOTENCY_TTL < self.clock():
            del self.data["idempotency"][key]
            self.store.mark_changed()
            record = None
        return record

    def keep_answer(self, key, fingerprint, status, body, request_id):
        self.data["idempotency"][key] = {"at": self.clock(), "fingerprint": fingerprint, "status": status,
                                         "body": body, "request_id": request_id}
        self.store.mark_changed()
