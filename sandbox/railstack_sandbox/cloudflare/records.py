"""Cloudflare's zones and DNS records as the sandbox keeps them, and the rules a record must obey.

Errors carry Cloudflare's own codes where they are known from real answers (81044, 81053, 81054,
81058, 9000, 9005, 9006, 9007, 9021, 9041, 9207, 7003); codes marked "unverified" are the closest
documented family, used where the real number is not known.
"""
import copy
import ipaddress
import re
import uuid
from datetime import datetime, timezone

NAMESPACE = uuid.UUID("0c1f4a8e-4d6b-4f0e-9b7a-c10df1a2e000")
ACCOUNT = {"id": uuid.uuid5(NAMESPACE, "account").hex, "name": "Sandbox Account"}
# Zones every sandbox account starts with (a reset brings them back empty).
SEED_ZONES = ("prela.app", "example.com")
TYPES = ("A", "AAAA", "CAA", "CERT", "CNAME", "DNSKEY", "DS", "HTTPS", "LOC", "MX", "NAPTR", "NS", "OPENPGPKEY",
         "PTR", "SMIMEA", "SRV", "SSHFP", "SVCB", "TLSA", "TXT", "URI")
CONTENT_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "OPENPGPKEY", "PTR", "TXT")   # the others take `data`
PROXIABLE = ("A", "AAAA", "CNAME")
FIELDS = {"type", "name", "content", "ttl", "proxied", "comment", "tags", "settings", "priority", "data",
          "private_routing"}
SETTINGS = {"ipv4_only", "ipv6_only", "flatten_cname"}
FREE_BATCH_LIMIT = 200
COMMENT_LIMIT = 100          # Free plan
_LABEL = re.compile(r"^(\*|[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$")


class CfError(Exception):
    def __init__(self, status, code, message, chain=None):
        super().__init__(message)
        self.status, self.code, self.message, self.chain = status, code, message, chain or []

    def payload(self):
        error = {"code": self.code, "message": self.message}
        if self.chain:
            error["error_chain"] = [{"code": c, "message": m} for c, m in self.chain]
        return {"success": False, "errors": [error], "messages": [], "result": None}


def body_invalid():
    return CfError(400, 9207, "Request body is invalid.")


def now():
    moment = datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}Z"


def new_id(store):
    return store.new_uuid().replace("-", "")


def make_zone(name, zone_id=None):
    stamp = "2026-01-01T00:00:00.000000Z"
    return {"id": zone_id or uuid.uuid5(NAMESPACE, "zone:" + name).hex, "name": name, "status": "active",
            "paused": False, "type": "full", "development_mode": 0,
            "name_servers": ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"], "original_name_servers": None,
            "original_registrar": None, "original_dnshost": None, "created_on": stamp, "modified_on": stamp,
            "activated_on": stamp, "account": dict(ACCOUNT),
            "owner": {"id": None, "type": "user", "email": None},
            "permissions": ["#dns_records:edit", "#dns_records:read", "#zone:read"],
            "plan": {"id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "Free Website", "price": 0, "currency": "USD",
                     "frequency": "", "is_subscribed": False, "can_subscribe": False, "legacy_id": "free",
                     "legacy_discount": False, "externally_managed": False},
            "meta": {"step": 2, "custom_certificate_quota": 0, "page_rule_quota": 3, "phishing_detected": False}}


def initial_state():
    zones = [make_zone(name) for name in SEED_ZONES]
    return {"zones": {z["id"]: z for z in zones}, "records": {}}


def zone_by_name(section, name):
    for zone in section["zones"].values():
        if zone["name"] == name.lower().rstrip("."):
            return zone
    return None


def public(record):
    """A record as the API shows it (internal keys start with _)."""
    return {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith("_")}


def zone_records(section, zone_id):
    return [r for r in section["records"].values() if r["_zone"] == zone_id]


def txt_text(content):
    """TXT content with its RFC 1035 quoting undone (for comparisons)."""
    text = content.strip()
    if not text.startswith('"'):
        return content
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', text)
    return "".join(re.sub(r"\\(.)", r"\1", p) for p in parts)


def comparable(record):
    content = record.get("content") or ""
    if record["type"] == "TXT":
        return txt_text(content)
    if record["type"] in ("CNAME", "NS", "MX", "PTR"):
        return content.lower().rstrip(".")
    return content


# ------------------------------------------------------------------ validation

def _name(zone, value):
    if not isinstance(value, str) or not 1 <= len(value) <= 255:
        raise CfError(400, 9000, "DNS name is invalid.")
    name = value.strip().lower().rstrip(".")
    if name in ("@", ""):
        return zone["name"]
    if name != zone["name"] and not name.endswith("." + zone["name"]):
        name = f"{name}.{zone['name']}"      # Cloudflare takes a name outside the zone as relative to it
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.match(label) for label in labels) or "*" in labels[1:]:
        raise CfError(400, 9000, "DNS name is invalid.")
    return name


def _hostname(value):
    host = value.strip().lower().rstrip(".")
    labels = host.split(".")
    return bool(host) and len(host) <= 253 and all(_LABEL.match(label) for label in labels)


def _content(rtype, content, name):
    if not isinstance(content, str) or not content:
        code = {"A": 9005, "AAAA": 9006, "CNAME": 9007}.get(rtype, 9207)
        raise CfError(400, 1004, "DNS Validation Error", [(code, f"Content for {rtype} record is required.")])
    if rtype == "A":
        try:
            ipaddress.IPv4Address(content)
        except ValueError:
            raise CfError(400, 9005, "Content for A record must be a valid IPv4 address.")
    elif rtype == "AAAA":
        try:
            ipaddress.IPv6Address(content)
        except ValueError:
            raise CfError(400, 9006, "Content for AAAA record must be a valid IPv6 address.")
    elif rtype in ("CNAME", "NS", "MX", "PTR"):
        if not _hostname(content) or (rtype == "CNAME" and content.lower().rstrip(".") == name):
            raise CfError(400, 9007, f"Content for {rtype} record is invalid.")
    elif rtype == "TXT":
        if len(txt_text(content).encode()) > 4000:
            raise CfError(400, 9015, "Record content exceeds the allowed length of 4096 wire format bytes.")


def check_body(body, partial=False, extra=()):
    """Shape and types of a record body (unknown field or wrong type: 9207)."""
    if not isinstance(body, dict):
        raise body_invalid()
    unknown = set(body) - FIELDS - set(extra)
    if unknown:
        raise body_invalid()
    for key, kinds in (("type", str), ("name", str), ("content", str), ("comment", (str, type(None))),
                       ("proxied", bool), ("tags", list), ("settings", dict), ("data", dict), ("private_routing", bool)):
        if key in body and not isinstance(body[key], kinds):
            raise body_invalid()
    for key in ("ttl", "priority"):
        if key in body and (isinstance(body[key], bool) or not isinstance(body[key], (int, float))):
            raise body_invalid()
    if not partial:
        for key in ("type", "name"):
            if key not in body:
                code = 9000 if key == "name" else 9020
                raise CfError(400, 1004, "DNS Validation Error", [(code, f"{key} is required.")])


def build(zone, body, base=None):
    """The record `body` makes (on top of `base` for a PATCH); raises CfError. No conflict checks here."""
    record = copy.deepcopy(base) if base else {"proxied": False, "ttl": 1, "comment": None, "tags": [], "settings": {}}
    rtype = body.get("type", record.get("type"))
    if rtype not in TYPES:
        raise CfError(400, 1004, "DNS Validation Error", [(9020, "Invalid DNS record type")])   # 9020 unverified
    if rtype not in CONTENT_TYPES or "data" in body:
        raise CfError(400, 1004, f"the railstack sandbox does not emulate {rtype} records (data-based types)")
    record["type"] = rtype
    record["name"] = _name(zone, body.get("name", record.get("name")))
    for key in ("content", "ttl", "proxied", "comment", "tags", "settings", "priority", "private_routing"):
        if key in body:
            record[key] = copy.deepcopy(body[key])
    _content(rtype, record.get("content"), record["name"])
    ttl = record["ttl"]
    if ttl != 1 and not 60 <= ttl <= 86400:
        raise CfError(400, 9021, "TTL must be between 60 and 86400 seconds, or 1 for Automatic.")
    if record["proxied"] and rtype not in PROXIABLE:
        raise CfError(400, 9041, "Invalid proxied mode. Record cannot be proxied.")
    if record["proxied"]:
        record["ttl"] = 1
    comment = record.get("comment")
    if comment is not None and (len(comment) > COMMENT_LIMIT or "\n" in comment or "\r" in comment):
        raise CfError(400, 9207, f"Comment must be at most {COMMENT_LIMIT} characters on one line.")  # code unverified
    for tag in record["tags"]:
        if not isinstance(tag, str) or not re.match(r"^[A-Za-z0-9_-]+:.*$", tag):
            raise CfError(400, 9207, "Tags must be of the form name:value.")            # code unverified
    if set(record["settings"]) - SETTINGS or any(not isinstance(v, bool) for v in record["settings"].values()):
        raise body_invalid()
    if rtype == "MX":
        priority = record.get("priority")
        if priority is None or not 0 <= priority <= 65535:
            raise CfError(400, 1004, "DNS Validation Error", [(9100, "MX priority must be 0..65535.")])  # unverified
    else:
        record.pop("priority", None)
    record["proxiable"] = rtype in PROXIABLE
    record.setdefault("meta", {})
    return record


def check_conflicts(records, record):
    """Cloudflare's same-name rules against the other records of the zone."""
    for other in records:
        if other["id"] == record.get("id") or other["name"] != record["name"]:
            continue
        if other["type"] == record["type"] and comparable(other) == comparable(record):
            raise CfError(400, 81058, "An identical record already exists.")
        if record["type"] == "CNAME" and other["type"] in ("A", "AAAA", "CNAME"):
            raise CfError(400, 81053, "An A, AAAA, or CNAME record with that host already exists.")
        if record["type"] in ("A", "AAAA") and other["type"] == "CNAME":
            raise CfError(400, 81054, "A CNAME record with that host already exists.")


def stamp(record, before=None):
    moment = now()
    record["modified_on"] = moment
    record.setdefault("created_on", moment)
    if record.get("comment") and (before is None or before.get("comment") != record.get("comment")):
        record["comment_modified_on"] = moment
    if record.get("tags") and (before is None or before.get("tags") != record.get("tags")):
        record["tags_modified_on"] = moment
    return record
