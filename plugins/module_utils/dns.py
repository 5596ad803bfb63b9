# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The DNS record model shared by dns_record and dns_records.

A record set is (name, type) -> values, in the one shape modules pass around
({name, type, values, ttl, proxied}; docs/architecture.md). This file normalises names, values
(TXT quoting, trailing dots, IPv6 forms) and TTLs, plans the changes between what is wanted and
what a provider holds (ownership and CNAME conflicts included), and runs a plan through one of
the provider clients (cloudflare.py, route53.py, namecheap.py), which all offer:

    find_zone(name) -> zone          read(zone, fqdns) -> [record]        apply(zone, current, ops)
    AUTO_TTL, TTL_RANGE, PROXIES, stats, redactor

A provider record is a dict: name (FQDN, lower case, no final dot), type, value (canonical, see
canonical_value), ttl (int), proxied (bool), owned (carries our marker), id, raw (the provider's own).
An op is a dict: action (create | update | delete), name, type, value, ttl, proxied, and `record`
(the provider record it changes; not for create).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Any, Protocol

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext

PROVIDERS = ("cloudflare", "route53", "namecheap")
TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "TXT")
# Written into Cloudflare's `comment` of every record this collection creates or updates.
MARKER = "managed by railstack.platform"

_LABEL_RE = re.compile(r"^(\*|[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)$")
_TXT_CHUNK = 255

# A provider record, or a wanted record set (desired_set), as described above.
Record = dict[str, Any]
# An op: what plan() asks a client to write, as described above.
Op = dict[str, Any]


class DnsClient(Protocol):
    """What dns.py needs of a provider client (cloudflare.py, route53.py, namecheap.py)."""

    NAME: str
    AUTO_TTL: int
    TTL_RANGE: tuple[int, int]
    PROXIES: bool

    def __init__(self, params: dict[str, Any]) -> None: ...

    def find_zone(self, name: str) -> Any: ...

    def read(self, zone: Any, fqdns: list[str]) -> list[Record]: ...

    def apply(self, zone: Any, current: list[Record], ops: list[Op]) -> Any: ...


# ------------------------------------------------------------------------------ argument specs


def record_options() -> dict[str, Any]:
    """Options of one record set, in the shape railway_domain and clerk_domain return."""
    return dict(
        name=dict(type="str", required=True),
        type=dict(type="str", required=True, choices=list(TYPES)),
        values=dict(type="list", elements="str"),
        ttl=dict(type="raw", default="auto"),
        proxied=dict(type="bool", default=False),
    )


def dns_argument_spec() -> dict[str, Any]:
    """provider, zone and every provider's credentials; documented in doc_fragments/cloudflare.py and dns.py."""
    from ansible_collections.railstack.platform.plugins.module_utils.cloudflare import cloudflare_argument_spec
    from ansible_collections.railstack.platform.plugins.module_utils.namecheap import namecheap_argument_spec
    from ansible_collections.railstack.platform.plugins.module_utils.route53 import route53_argument_spec

    spec = dict(
        provider=dict(type="str", required=True, choices=list(PROVIDERS)),
        zone=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        solo=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
        validate_certs=dict(type="bool", default=True),
        timeout=dict(type="int", default=30),
    )
    spec.update(cloudflare_argument_spec())
    spec.update(route53_argument_spec())
    spec.update(namecheap_argument_spec())
    return spec


def make_client(params: dict[str, Any]) -> DnsClient:
    """The client of params['provider']."""
    return client_class(params)(params)


def client_class(params: dict[str, Any]) -> type[DnsClient]:
    """The client class of params['provider'], imported only when used (boto3 is for route53 alone)."""
    provider = params["provider"]
    if provider == "cloudflare":
        from ansible_collections.railstack.platform.plugins.module_utils.cloudflare import CloudflareClient

        return CloudflareClient
    if provider == "route53":
        from ansible_collections.railstack.platform.plugins.module_utils.route53 import Route53Client

        return Route53Client
    from ansible_collections.railstack.platform.plugins.module_utils.namecheap import NamecheapClient

    return NamecheapClient


# ------------------------------------------------------------------------------ normalisation


class BadInput(ValueError):
    """A value that cannot be a DNS name, value or TTL; the message names what is wrong."""


def zone_name(zone: str | None) -> str:
    zone = (zone or "").strip().rstrip(".").lower()
    try:
        zone = _idna(zone)
    except BadInput as exc:
        raise BadInput("%s" % exc)
    if not zone or "." not in zone or not all(_LABEL_RE.match(label) for label in zone.split(".")):
        raise BadInput("%r is not a DNS zone name" % zone)
    return zone


def _idna(name: str) -> str:
    if all(ord(c) < 128 for c in name):
        return name
    try:
        return ".".join(label.encode("idna").decode("ascii") if label else "" for label in name.split("."))
    except UnicodeError:
        raise BadInput("%r cannot be written in Punycode" % name)


def fqdn(name: str | None, zone: str) -> str:
    """The complete name (lower case, Punycode, no final dot) of `name` in `zone`.

    `@` and the empty name are the zone itself; a name ending in a dot is absolute and must be in the
    zone; a name ending in the zone is taken as complete; any other name is relative to the zone.
    """
    text = _idna((name or "").strip().lower())
    if text in ("", "@", zone, zone + "."):
        return zone
    if text.endswith("."):
        text = text[:-1]
        if text != zone and not text.endswith("." + zone):
            raise BadInput("%r is not in zone %s" % (name, zone))
    elif text != zone and not text.endswith("." + zone):
        text = "%s.%s" % (text, zone)
    labels = text.split(".")
    if len(text) > 253 or not all(_LABEL_RE.match(label) for label in labels) or "*" in labels[1:]:
        raise BadInput("%r is not a valid DNS name" % name)
    return text


def relative(name: str, zone: str) -> str:
    """`api` for api.prela.app in prela.app, `@` for the zone itself."""
    return "@" if name == zone else name[: -len(zone) - 1]


def _hostname(value: str, what: str) -> str:
    host = _idna(value.strip().lower()).rstrip(".")
    labels = host.split(".")
    if not host or len(host) > 253 or not all(_LABEL_RE.match(label) for label in labels):
        raise BadInput("%r is not a host name (%s)" % (value, what))
    return host


def txt_text(value: str) -> str:
    """The text of a TXT value, whichever way it is written: `"a" "b"` chunks are joined, quotes undone."""
    text = value.strip()
    if not text.startswith('"'):
        return value
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        if text[i] != '"':
            return value  # not a list of quoted strings: take it literally
        i += 1
        chunk = []
        while i < n and text[i] != '"':
            if text[i] == "\\" and i + 1 < n:
                i += 1
            chunk.append(text[i])
            i += 1
        if i >= n:
            return value  # unterminated quote: literal
        i += 1
        out.append("".join(chunk))
    return "".join(out)


def txt_quoted(text: str) -> str:
    """TXT text as RFC 1035 character strings of at most 255 bytes each, quoted and escaped."""
    data = text.encode("utf-8")
    chunks, start = [], 0
    while True:
        end = min(start + _TXT_CHUNK, len(data))
        while end < len(data) and end > start and (data[end] & 0xC0) == 0x80:
            end -= 1  # never split inside a UTF-8 character
        chunks.append(data[start:end].decode("utf-8"))
        start = end
        if start >= len(data):
            break
    return " ".join('"%s"' % c.replace("\\", "\\\\").replace('"', '\\"') for c in chunks)


def canonical_value(rtype: str | None, value: Any) -> str:
    """The form two values are compared in: what differs only in spelling compares equal."""
    value = str(value)
    if rtype == "A":
        try:
            return str(ipaddress.IPv4Address(value.strip()))
        except ValueError:
            raise BadInput("%r is not an IPv4 address" % value)
    if rtype == "AAAA":
        try:
            return str(ipaddress.IPv6Address(value.strip()))
        except ValueError:
            raise BadInput("%r is not an IPv6 address" % value)
    if rtype in ("CNAME", "NS"):
        return _hostname(value, "%s target" % rtype)
    if rtype == "MX":
        parts = value.split()
        if len(parts) != 2 or not parts[0].isdigit() or int(parts[0]) > 65535:
            raise BadInput("%r is not an MX value: give 'PRIORITY HOST', e.g. '10 mail.example.com'" % value)
        return "%d %s" % (int(parts[0]), _hostname(parts[1], "MX host"))
    if rtype == "TXT":
        text = txt_text(value)
        if not text:
            raise BadInput("a TXT value cannot be empty")
        return text
    return value.strip()


def lenient_value(rtype: str | None, value: Any) -> str:
    """canonical_value for what a provider holds: a type or value this model does not know stays as it is."""
    try:
        return canonical_value(rtype, value)
    except BadInput:
        return str(value)


def ttl_seconds(ttl: Any, client: DnsClient) -> int:
    """`auto` or seconds -> the provider's own number (`auto` is the provider's automatic/default TTL)."""
    if ttl is None or (isinstance(ttl, str) and ttl.strip().lower() == "auto"):
        return client.AUTO_TTL
    if isinstance(ttl, bool):
        raise BadInput("%r is neither a number of seconds nor 'auto'" % (ttl,))
    try:
        seconds = int(str(ttl).strip())
    except ValueError:
        raise BadInput("%r is neither a number of seconds nor 'auto'" % (ttl,))
    low, high = client.TTL_RANGE
    if not low <= seconds <= high and seconds != client.AUTO_TTL:
        raise BadInput("%d is outside %s's range %d..%d (or auto)" % (seconds, client.NAME, low, high))
    return seconds


def desired_set(item: dict[str, Any], zone: str, client: DnsClient, state: str, where: str) -> Record:
    """One wanted record set from module options, validated; `where` prefixes error messages."""
    rtype = item["type"]
    try:
        name = fqdn(item["name"], zone)
    except BadInput as exc:
        raise BadInput("%sname: %s" % (where, exc))
    values = item.get("values")
    if values is None and state == "present":
        raise BadInput("%svalues: required when state is present" % where)
    if values is not None and state == "present" and not values:
        raise BadInput("%svalues: give at least one value (state=absent removes a record set)" % where)
    canon = []
    for value in values or []:
        try:
            value = canonical_value(rtype, value)
        except BadInput as exc:
            raise BadInput("%svalues: %s" % (where, exc))
        if value not in canon:
            canon.append(value)
    if rtype == "CNAME" and len(canon) > 1:
        raise BadInput("%svalues: a CNAME holds one value, got %d (%s)" % (where, len(canon), ", ".join(canon)))
    if rtype == "CNAME" and name == zone and client.NAME != "Cloudflare":
        raise BadInput("%sname: %s cannot hold a CNAME at the zone apex" % (where, client.NAME))
    try:
        ttl = ttl_seconds(item.get("ttl"), client)
    except BadInput as exc:
        raise BadInput("%sttl: %s" % (where, exc))
    proxied = bool(item.get("proxied"))
    if proxied and not client.PROXIES:
        raise BadInput("%sproxied: only Cloudflare proxies records; %s cannot" % (where, client.NAME))
    if proxied and rtype not in ("A", "AAAA", "CNAME"):
        raise BadInput("%sproxied: a %s record cannot be proxied (only A, AAAA and CNAME)" % (where, rtype))
    return dict(name=name, type=rtype, values=canon if values is not None else None, ttl=ttl, proxied=proxied)


# ------------------------------------------------------------------------------ planning


def _differs(record: Record, want: Record, client: DnsClient) -> bool:
    if client.PROXIES and bool(record.get("proxied")) != want["proxied"]:
        return True
    if client.PROXIES and want["proxied"]:
        return False  # proxied records always have the automatic TTL
    return record.get("ttl") != want["ttl"]


def _article(rtype: str) -> str:
    return "an" if rtype[0] in "AEFHILMNORSX" else "a"


def _show(record: Record) -> str:
    return "%s %s %s" % (record["name"], record["type"], record["value"])


class _Ops:
    """The writes a plan collects, each record changed at most once, and the reasons it must not run."""

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self.errors: list[str] = []
        self._taken: set[int] = set()  # ids of records some op already changes (a blocker of two sets, say)

    def add(self, action: str, record: Record | None = None, **values: Any) -> None:
        if record is not None:
            if id(record) in self._taken:
                return
            self._taken.add(id(record))
        self.ops.append(dict(values, action=action, record=record))


def plan(
    wanted: list[Record], current: list[Record], state: str, solo: bool, force: bool, client: DnsClient
) -> tuple[list[Op], list[str]]:
    """(ops, errors): what to write so the provider holds `wanted`, and why it must not.

    Ownership: a record is ours when its value is one this task manages, or (Cloudflare) when it
    carries our marker. Ours may be changed or deleted; any other record only with force. A record
    of another type that cannot share the name (CNAME rules) is replaced only with force.
    """
    out = _Ops()
    for want in wanted:
        same = [r for r in current if r["name"] == want["name"] and r["type"] == want["type"]]
        if state == "absent":
            _plan_absent(want, same, force, out)
            continue
        _plan_blockers(want, current, force, out)
        matched, replaceable = _match(want, same, solo, force, out)
        _plan_values(want, matched, replaceable, client, out)
    return out.ops, out.errors


def _plan_absent(want: Record, same: list[Record], force: bool, out: _Ops) -> None:
    """Delete the set's listed values, or (no values) the records this collection made, the others with force."""
    name, rtype = want["name"], want["type"]
    if want["values"] is not None:
        targets = [r for r in same if r["value"] in want["values"]]
    else:
        targets = [r for r in same if r["owned"]]
        foreign = [r for r in same if not r["owned"]]
        if foreign and not force:
            out.errors.append(
                "values: %s was not created by this collection; list its values to delete them, "
                "or set force: true" % ", ".join(_show(r) for r in foreign)
            )
        targets += foreign if force else []
    for record in targets:
        out.add("delete", record, name=name, type=rtype, value=record["value"])


def _plan_blockers(want: Record, current: list[Record], force: bool, out: _Ops) -> None:
    """Records of another type at the name that cannot stand beside the set (CNAME rules)."""
    name, rtype = want["name"], want["type"]
    at_name = [r for r in current if r["name"] == name and r["type"] != rtype]
    blockers = [r for r in at_name if rtype == "CNAME" or r["type"] == "CNAME"]
    for record in blockers:
        # Another type is outside what this task declares: replaced only when told to, even if ours.
        if force:
            out.add("delete", record, name=name, type=record["type"], value=record["value"])
        else:
            out.errors.append(
                "name: %s already has %s %s record (%s) that %s %s record cannot stand beside; "
                "remove it or set force: true to replace it"
                % (name, _article(record["type"]), record["type"], record["value"], _article(rtype), rtype)
            )


def _match(
    want: Record, same: list[Record], solo: bool, force: bool, out: _Ops
) -> tuple[dict[str, Record], list[Record]]:
    """(the records holding a wanted value, by value; the other records of the set this task may rewrite)."""
    matched: dict[str, Record] = {}
    extra: list[Record] = []
    for record in same:
        if record["value"] in want["values"] and record["value"] not in matched:
            matched[record["value"]] = record
        else:
            extra.append(record)
    replaceable = []
    for record in extra:
        if record["owned"]:
            replaceable.append(record)
        elif solo or want["type"] == "CNAME":
            if force:
                replaceable.append(record)
            else:
                out.errors.append(
                    "values: %s is a record this collection did not create; set force: true to "
                    "replace it%s" % (_show(record), "" if want["type"] == "CNAME" else " (solo)")
                )
    return matched, replaceable


def _plan_values(
    want: Record, matched: dict[str, Record], replaceable: list[Record], client: DnsClient, out: _Ops
) -> None:
    """Each wanted value: kept (updated when its TTL or proxying differs), written over a replaceable record, or
    created; the replaceable records left over are deleted."""
    name, rtype = want["name"], want["type"]
    settings = dict(ttl=want["ttl"], proxied=want["proxied"])
    for value in want["values"]:
        record = matched.get(value)
        if record is not None:
            if _differs(record, want, client):
                out.add("update", record, name=name, type=rtype, value=value, **settings)
        elif replaceable:
            out.add("update", replaceable.pop(0), name=name, type=rtype, value=value, **settings)
        else:
            out.add("create", name=name, type=rtype, value=value, **settings)
    for record in replaceable:
        out.add("delete", record, name=name, type=rtype, value=record["value"])


def simulate(current: list[Record], ops: list[Op]) -> list[Record]:
    """The records a provider holds once `ops` are applied (for check mode and for the result)."""
    changed = {id(o["record"]): o for o in ops if o["record"] is not None}
    after = []
    for record in current:
        o = changed.get(id(record))
        if o is None:
            after.append(record)
        elif o["action"] == "update":
            after.append(dict(record, value=o["value"], ttl=o["ttl"], proxied=o["proxied"], owned=True))
    for o in ops:
        if o["action"] == "create":
            after.append(
                dict(
                    name=o["name"],
                    type=o["type"],
                    value=o["value"],
                    ttl=o["ttl"],
                    proxied=o["proxied"],
                    owned=True,
                    id=None,
                    raw=None,
                )
            )
    return after


# ------------------------------------------------------------------------------ results


def set_view(records: list[Record], name: str, rtype: str, client: DnsClient) -> dict[str, Any]:
    """A record set in the one shape modules pass around."""
    mine = sorted((r for r in records if r["name"] == name and r["type"] == rtype), key=lambda r: r["value"])
    ttl = mine[0]["ttl"] if mine else None
    if ttl is not None and client.PROXIES and ttl == client.AUTO_TTL:
        ttl = "auto"
    return dict(
        name=name, type=rtype, values=[r["value"] for r in mine], ttl=ttl, proxied=bool(mine and mine[0].get("proxied"))
    )


def diff_view(records: list[Record], keys: Iterable[tuple[str, str]], client: DnsClient) -> dict[str, Any]:
    """{"NAME TYPE": {values, ttl, proxied}} for the record sets a task touches (absent ones left out)."""
    out = {}
    for name, rtype in keys:
        view = set_view(records, name, rtype, client)
        if view["values"]:
            out["%s %s" % (name, rtype)] = dict(values=view["values"], ttl=view["ttl"], proxied=view["proxied"])
    return out


def op_view(o: Op) -> dict[str, Any]:
    return dict(action=o["action"], name=o["name"], type=o["type"], value=o["value"])


# ------------------------------------------------------------------------------ running


def converge(ctx: TaskContext, wanted: list[Record]) -> tuple[DnsClient, list[Record], list[Record], list[Op]]:
    """Read, plan, write unless check mode, read again. Returns (client, before, after, ops)."""
    params = ctx.params
    client = ctx.register_client(make_client(params))
    zone = client.find_zone(params["zone_name"])
    names = sorted({w["name"] for w in wanted})
    current = client.read(zone, names)
    ops, errors = plan(wanted, current, params["state"], params["solo"], params["force"], client)
    if errors:
        ctx.fail(
            errors[0] if len(errors) == 1 else "%d conflicts: %s" % (len(errors), "; ".join(errors)),
            changes=[op_view(o) for o in ops],
        )
    if not ops or ctx.check_mode:
        return client, current, simulate(current, ops), ops
    try:
        client.apply(zone, current, ops)
    except ApiError as exc:
        # The answer was lost (or a retry met its own first attempt): see what the provider holds now.
        if not (exc.lost_response or exc.code in getattr(client, "REPLAY_CODES", ())):
            raise
        zone = client.find_zone(params["zone_name"])
        again = client.read(zone, names)
        more, errors = plan(wanted, again, params["state"], params["solo"], params["force"], client)
        if more:
            if not exc.lost_response or errors:
                raise
            client.apply(zone, again, more)
    after = client.read(zone, names)
    left = plan(wanted, after, params["state"], params["solo"], params["force"], client)[0]
    if left:
        ctx.fail(
            "%s did not keep what was written: still to do %s"
            % (client.NAME, ", ".join("%(action)s %(name)s %(type)s %(value)s" % o for o in left)),
            changes=[op_view(o) for o in ops],
        )
    return client, current, after, ops


def common_params(ctx: TaskContext) -> str:
    """Validated zone name in ctx.params['zone_name'] (zone option as given stays untouched)."""
    try:
        ctx.params["zone_name"] = zone_name(ctx.params["zone"])
    except BadInput as exc:
        ctx.fail("zone: %s" % exc)
    return ctx.params["zone_name"]
