"""/redirect_urls, /allowlist_identifiers, /blocklist_identifiers: lists of single values, no updates."""
import re

from .api import BOOL, STR, body, invalid, not_found, page, query_bool, route
from .records import new_id, now_ms

URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.I)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_DOMAIN = re.compile(r"^(\*@)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", re.I)
PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")
WALLET = re.compile(r"^0x[0-9a-fA-F]{40}$")


def _created(ctx, collection, record):
    ctx.instance[collection][record["id"]] = record
    ctx.changed()
    return 200, record


def _delete(ctx, collection, object_name, record_id, what):
    if record_id not in ctx.instance[collection]:
        raise not_found(what)
    del ctx.instance[collection][record_id]
    ctx.changed()
    return 200, {"object": object_name, "id": record_id, "deleted": True}


def _sorted(ctx, collection):
    return sorted(ctx.instance[collection].values(), key=lambda r: r["created_at"])


# ------------------------------------------------------------------ redirect URLs
@route("GET", "/redirect_urls")
def list_redirect_urls(ctx):
    return 200, page(ctx.request, _sorted(ctx, "redirect_urls"), query_bool(ctx.request, "paginated"))


@route("POST", "/redirect_urls")
def create_redirect_url(ctx):
    url = body(ctx.request, {"url": (STR, False)}, required=("url",))["url"]
    if not URL.match(url):
        raise invalid("url", "url must be a full URL prefixed with https:// or a custom scheme (my-app://callback).")
    if any(r["url"] == url for r in ctx.instance["redirect_urls"].values()):
        raise invalid("url", f"The redirect URL {url} already exists.", "form_identifier_exists", "is taken")
    now = now_ms()
    return _created(ctx, "redirect_urls", {"object": "redirect_url", "id": new_id(ctx.store, "ru"), "url": url,
                                           "created_at": now, "updated_at": now})


@route("GET", "/redirect_urls/{record_id}")
def get_redirect_url(ctx, record_id):
    record = ctx.instance["redirect_urls"].get(record_id)
    if record is None:
        raise not_found("Redirect URL")
    return 200, record


@route("DELETE", "/redirect_urls/{record_id}")
def delete_redirect_url(ctx, record_id):
    return _delete(ctx, "redirect_urls", "redirect_url", record_id, "Redirect URL")


# ------------------------------------------------------------------ allow-list and block-list
def identifier_type(identifier):
    if EMAIL.match(identifier) or EMAIL_DOMAIN.match(identifier):
        return "email_address"
    if PHONE.match(identifier):
        return "phone_number"
    if WALLET.match(identifier):
        return "web3_wallet"
    raise invalid("identifier", "identifier must be an email address, an email domain, a phone number in E.164 "
                  "format or a web3 wallet address.")


def _identifier(ctx, collection, object_name, prefix, data):
    identifier = data["identifier"].strip()
    kind = identifier_type(identifier)
    if kind == "email_address":
        identifier = identifier.lower()
    if any(r["identifier"] == identifier for r in ctx.instance[collection].values()):
        raise invalid("identifier", f"{identifier} is already on the list.", "form_identifier_exists", "is taken")
    now = now_ms()
    return {"object": object_name, "id": new_id(ctx.store, prefix), "identifier": identifier, "identifier_type": kind,
            "instance_id": ctx.instance["id"], "created_at": now, "updated_at": now}


@route("GET", "/allowlist_identifiers")
def list_allowlist(ctx):
    return 200, page(ctx.request, _sorted(ctx, "allowlist"), query_bool(ctx.request, "paginated"))


@route("POST", "/allowlist_identifiers")
def create_allowlist_identifier(ctx):
    data = body(ctx.request, {"identifier": (STR, False), "notify": (BOOL, False)}, required=("identifier",))
    record = _identifier(ctx, "allowlist", "allowlist_identifier", "alid", data)
    # notify is write-only; its effect is an invitation (email and phone identifiers only)
    if data.get("notify") and record["identifier_type"] != "web3_wallet" and not record["identifier"].startswith("*@"):
        record["invitation_id"] = new_id(ctx.store, "inv")
    return _created(ctx, "allowlist", record)


@route("DELETE", "/allowlist_identifiers/{record_id}")
def delete_allowlist_identifier(ctx, record_id):
    return _delete(ctx, "allowlist", "allowlist_identifier", record_id, "Allowlist identifier")


@route("GET", "/blocklist_identifiers")
def list_blocklist(ctx):
    records = _sorted(ctx, "blocklist")
    return 200, {"data": records, "total_count": len(records)}


@route("POST", "/blocklist_identifiers")
def create_blocklist_identifier(ctx):
    data = body(ctx.request, {"identifier": (STR, False)}, required=("identifier",))
    return _created(ctx, "blocklist", _identifier(ctx, "blocklist", "blocklist_identifier", "blid", data))


@route("DELETE", "/blocklist_identifiers/{record_id}")
def delete_blocklist_identifier(ctx, record_id):
    return _delete(ctx, "blocklist", "blocklist_identifier", record_id, "Blocklist identifier")
