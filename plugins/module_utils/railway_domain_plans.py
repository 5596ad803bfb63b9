# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What railway_domain and railway_domains share: the domains' names and records, their writes, and the wait
until Railway verified them.

A converge_* function reads nothing: it gets what Railway has and a way to read again after a lost answer,
writes what differs (nothing in check mode) and returns an Outcome.
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable, Optional

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, create_or_find_again

Record = dict[str, Any]
Reread = Callable[[], list[Record]]

SUFFIX = "up.railway.app"
CERT_VALID = "CERTIFICATE_STATUS_TYPE_VALID"
CERT_FAILED = "CERTIFICATE_STATUS_TYPE_ISSUE_FAILED"
PROPAGATED = "DNS_RECORD_STATUS_PROPAGATED"
_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# Tests replace these to run the wait loop without sleeping.
SLEEP = time.sleep
CLOCK = time.monotonic

SERVICE_DOMAIN_FIELDS = "id domain suffix targetPort environmentId serviceId syncStatus"
CUSTOM_DOMAIN_FIELDS = (
    "id domain targetPort environmentId serviceId syncStatus status {"
    " dnsRecords { hostlabel fqdn zone recordType requiredValue currentValue status purpose }"
    " verificationDnsHost verificationToken verified certificateStatus certificateRetryable"
    " certificateErrorType certificateErrorMessage }"
)
SERVICE_DOMAIN_UPDATE = (
    "mutation serviceDomainUpdate($input: ServiceDomainUpdateInput!) { serviceDomainUpdate(input: $input) }"
)


# ------------------------------------------------------------------ the one DNS record shape
def _record_type(value: Optional[str]) -> str:
    return (value or "").replace("DNS_RECORD_TYPE_", "")


def verification_fqdn(status: Record) -> Optional[str]:
    """The TXT record's full name: Railway gives verificationDnsHost complete (`_railway-verify.api.prela.app`)."""
    return (status.get("verificationDnsHost") or "").lower().rstrip(".") or None


def dns_records(custom: Record) -> list[Record]:
    """What Railway asks for, in the collection's one record shape (docs/architecture.md)."""
    status = custom.get("status") or {}
    records = []
    for record in status.get("dnsRecords") or []:
        rtype = _record_type(record.get("recordType"))
        if rtype in ("A", "CNAME", "TXT", "NS") and record.get("requiredValue"):
            name = (record.get("fqdn") or custom["domain"]).lower().rstrip(".")
            records.append(dict(name=name, type=rtype, values=[record["requiredValue"]], ttl="auto", proxied=False))
    txt_name = verification_fqdn(status)
    if txt_name and status.get("verificationToken"):
        records.append(dict(name=txt_name, type="TXT", values=[status["verificationToken"]], ttl="auto", proxied=False))
    return records


def missing_records(custom: Record) -> list[str]:
    """The records Railway has not seen yet, by name and type."""
    status = custom.get("status") or {}
    missing = [
        "%s %s" % (_record_type(r.get("recordType")), r.get("fqdn"))
        for r in status.get("dnsRecords") or []
        if r.get("status") != PROPAGATED
    ]
    if not status.get("verified"):
        missing.append("TXT %s" % verification_fqdn(status))
    return missing


def _custom_status(record: Record) -> Record:
    status = record.get("status") or {}
    return dict(
        verified=bool(status.get("verified")),
        certificate_status=status.get("certificateStatus"),
        certificate_retryable=status.get("certificateRetryable"),
        certificate_error=status.get("certificateErrorMessage"),
        required_records=[
            dict(
                name=r.get("fqdn"),
                type=_record_type(r.get("recordType")),
                required_value=r.get("requiredValue"),
                current_value=r.get("currentValue"),
                status=r.get("status"),
            )
            for r in status.get("dnsRecords") or []
        ],
    )


def domain_result(record: Optional[Record], kind: str) -> Record:
    if not record:
        return {}
    out = dict(
        id=record.get("id"),
        domain=record.get("domain"),
        type=kind,
        target_port=record.get("targetPort"),
        service_id=record.get("serviceId"),
        environment_id=record.get("environmentId"),
        sync_status=record.get("syncStatus"),
    )
    if kind == "custom":
        out.update(_custom_status(record))
    return out


def view(record: Optional[Record]) -> Record:
    """What a diff shows of a domain."""
    return dict(domain=record.get("domain"), target_port=record.get("targetPort")) if record else {}


def named(records: list[Record], domain: str) -> Optional[Record]:
    return next((r for r in records if r["domain"].lower() == domain), None)


def after_lost(exc: ApiError, check: Callable[[], bool]) -> None:
    """A write whose answer was lost: fine when a read shows it applied, else the error stands."""
    if not exc.lost_response or not check():
        raise exc


# ------------------------------------------------------------------ names
def custom_domain_name(ctx: TaskContext, raw: Optional[str], where: str) -> str:
    """A custom domain's name, lower case without the final dot; fails naming `where` when it is not one."""
    domain = (raw or "").strip().lower().rstrip(".")
    if "://" in domain or "/" in domain or " " in domain:
        ctx.fail("%s: give the host name alone, without scheme or path (got %r)." % (where, raw))
    if not domain:
        ctx.fail("%s: required for a custom domain (type=custom)." % where)
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253 or not all(_LABEL_RE.match(label) for label in labels):
        ctx.fail("%s: %r is not a domain name." % (where, domain))
    if domain.endswith("." + SUFFIX) or domain.endswith(".railway.app"):
        ctx.fail("%s: %s is a Railway domain; use type=service for *.%s names." % (where, domain, SUFFIX))
    return domain


def service_domain_name(ctx: TaskContext, raw: Optional[str], where: str) -> Optional[str]:
    """A Railway domain's full name (`prela-api` gives prela-api.up.railway.app), or None for a generated one."""
    domain = (raw or "").strip().lower().rstrip(".") or None
    if domain is None:
        return None
    if "://" in domain or "/" in domain or " " in domain:
        ctx.fail("%s: give the host name alone, without scheme or path (got %r)." % (where, raw))
    if "." not in domain:
        domain = "%s.%s" % (domain, SUFFIX)
    label = domain[: -len(SUFFIX) - 1] if domain.endswith("." + SUFFIX) else None
    if label is None or not _LABEL_RE.match(label):
        ctx.fail(
            "%s: a Railway domain is <name>.%s with a name of letters, digits and hyphens (got %r)."
            % (where, SUFFIX, raw)
        )
    return domain


def is_railway_name(domain: Optional[str]) -> bool:
    """True for a name railway_domain takes as a Railway domain when no type is given."""
    return not domain or domain.endswith("." + SUFFIX) or "." not in domain


def check_port(ctx: TaskContext, port: Optional[int], where: str) -> None:
    if port is not None and not 1 <= port <= 65535:
        ctx.fail("%s: %d is not a port (1-65535)." % (where, port))


def check_wait_options(ctx: TaskContext, params: Record) -> None:
    if params["wait_timeout"] < 0:
        ctx.fail("wait_timeout: must not be negative.")
    if params["wait_interval"] <= 0:
        ctx.fail("wait_interval: must be more than 0 seconds.")
    if params["certificate_retries"] < 0:
        ctx.fail("certificate_retries: must not be negative.")


# ------------------------------------------------------------------ the wait until Railway verified
def is_working(custom: Record) -> bool:
    status = custom.get("status") or {}
    return bool(status.get("verified")) and status.get("certificateStatus") == CERT_VALID


def note_unpropagated(ctx: TaskContext, custom: Record) -> None:
    """A verified domain with a valid certificate works even when Railway lists a record as not propagated:
    a CNAME proxied by Cloudflare answers with Cloudflare's addresses, so Railway shows it REQUIRES_UPDATE."""
    if not is_working(custom):
        return
    for record in (custom.get("status") or {}).get("dnsRecords") or []:
        if record.get("status") != PROPAGATED:
            ctx.warn(
                "domain: %s works (verified, certificate valid), but Railway lists its %s record as %s"
                " (answered %r, wants %r). That is expected when the record is proxied by Cloudflare;"
                " otherwise point it at %s."
                % (
                    custom["domain"],
                    _record_type(record.get("recordType")),
                    record.get("status"),
                    record.get("currentValue"),
                    record.get("requiredValue"),
                    record.get("requiredValue"),
                )
            )


class CertificateRetries(object):
    """Asks Railway to issue a failed certificate again, at most `limit` times per domain, or fails saying why it
    cannot."""

    def __init__(self, ctx: TaskContext, client: Any, limit: int) -> None:
        self.ctx, self.client, self.limit = ctx, client, limit
        self.done: dict[str, int] = {}

    def handle(self, custom: Record, changed: bool) -> bool:
        """Retry a failed issuance; returns True when a retry was asked (a write)."""
        status = custom.get("status") or {}
        if status.get("certificateStatus") != CERT_FAILED:
            return False
        reason = "%s: %s" % (
            status.get("certificateErrorType") or "no error type",
            status.get("certificateErrorMessage") or "no message",
        )
        done = self.done.get(custom["domain"], 0)
        if not status.get("certificateRetryable"):
            self._fail(
                custom,
                changed,
                "domain: Railway could not issue the certificate of %s (%s, %s) and says it cannot be retried."
                " Fix the cause (the domain's CAA records must allow Let's Encrypt), then remove the domain"
                " (state=absent) and add it again." % (custom["domain"], CERT_FAILED, reason),
            )
        if done >= self.limit:
            self._fail(
                custom,
                changed,
                "certificate_retries: the certificate of %s still failed after %d retries (%s, %s);"
                " run again later, or raise certificate_retries." % (custom["domain"], done, CERT_FAILED, reason),
            )
        self.done[custom["domain"]] = done + 1
        self.ctx.warn(
            "domain: Railway could not issue the certificate of %s (%s); asked it to retry (%d of %d)."
            % (custom["domain"], reason, done + 1, self.limit)
        )
        self._retry(custom["id"])
        return True

    def _fail(self, custom: Record, changed: bool, msg: str) -> None:
        self.ctx.fail(msg, changed=changed, domain=domain_result(custom, "custom"), dns_records=dns_records(custom))

    def _retry(self, domain_id: str) -> None:
        try:
            self.client.mutate(
                "mutation customDomainIssueCertificate($id: String!) { customDomainIssueCertificate(id: $id) }",
                dict(id=domain_id),
            )
        except ApiError as exc:
            if not exc.lost_response:
                raise


def _still_waiting(custom: Record) -> str:
    status = custom.get("status") or {}
    return "%s (verified: %s, certificate: %s; Railway still misses: %s)" % (
        custom["domain"],
        bool(status.get("verified")),
        status.get("certificateStatus"),
        ", ".join(missing_records(custom)) or "nothing it lists",
    )


def _timed_out(ctx: TaskContext, params: Record, waiting: list[Record], changed: bool) -> None:
    extra = dict(domain=domain_result(waiting[0], "custom"), dns_records=dns_records(waiting[0]))
    if len(waiting) > 1:
        extra = dict(waiting=[domain_result(custom, "custom") for custom in waiting])
    ctx.fail(
        "wait_timeout: not verified with a valid certificate after %ss: %s."
        % (params["wait_timeout"], "; ".join(_still_waiting(custom) for custom in waiting)),
        changed=changed,
        **extra,
    )


def wait_all_verified(
    ctx: TaskContext, client: Any, customs: list[Record], reread: Reread, changed: bool
) -> tuple[dict[str, Record], bool]:
    """Poll until every custom domain is verified with a valid certificate, one read (`reread`, every custom domain
    the caller manages) per poll for all of them; retry failed issuances when Railway allows it; fail once
    wait_timeout passes, naming every domain still waiting. Returns ({domain: its record}, changed)."""
    params = ctx.params
    deadline = CLOCK() + params["wait_timeout"]
    retries = CertificateRetries(ctx, client, params["certificate_retries"])
    latest = {custom["domain"]: custom for custom in customs}
    while True:
        waiting = [custom for custom in latest.values() if not is_working(custom)]
        if not waiting:
            return latest, changed
        for custom in waiting:
            changed = retries.handle(custom, changed) or changed
        if CLOCK() >= deadline:
            _timed_out(ctx, params, waiting, changed)
        SLEEP(min(params["wait_interval"], max(0.0, deadline - CLOCK())))
        found = reread()
        for custom in waiting:
            again = named(found, custom["domain"])
            if again is None:
                ctx.fail(
                    "domain: %s disappeared from Railway while waiting for its verification." % custom["domain"],
                    changed=changed,
                )
            latest[custom["domain"]] = again


# ------------------------------------------------------------------ custom domains
def outcome(record: Optional[Record], changed: bool, before: Optional[Record], after: Optional[Record]) -> Record:
    """What a converge_* function returns: the domain to report (None: none), whether it wrote, and its diff."""
    return dict(record=record, changed=changed, diff=(view(before), view(after)))


def converge_custom(
    ctx: TaskContext,
    client: Any,
    ids: tuple[Record, Record, Record],
    domain: str,
    port: Optional[int],
    absent: bool,
    current_list: list[Record],
    reread: Reread,
) -> Record:
    """A custom domain of a service instance (ids: project, environment, service): removed, added, or its target
    port updated. `reread` reads the instance's (or more) custom domains again."""
    current = named(current_list, domain)

    def find_again() -> Optional[Record]:
        return named(reread(), domain)

    if absent:
        if current is not None and not ctx.check_mode:
            try:
                client.mutate(
                    "mutation customDomainDelete($id: String!) { customDomainDelete(id: $id) }", dict(id=current["id"])
                )
            except ApiError as exc:
                after_lost(exc, lambda: find_again() is None)
        return outcome(current, current is not None, current, None)
    if current is not None:
        after, changed = _custom_port(ctx, client, ids[1], current, port, find_again)
        return outcome(after, changed, current, after)
    if ctx.check_mode:
        ctx.warn(
            "domain: Railway tells the DNS records of %s once the domain exists; in check mode there are none yet."
            % domain
        )
        planned = dict(id=None, domain=domain, targetPort=port, serviceId=ids[2]["id"], environmentId=ids[1]["id"])
        return outcome(planned, True, None, planned)
    created = _create_custom_domain(client, ids, domain, port, find_again)
    return outcome(created, True, None, created)


def _create_custom_domain(
    client: Any,
    ids: tuple[Record, Record, Record],
    domain: str,
    port: Optional[int],
    find_again: Callable[[], Optional[Record]],
) -> Record:
    project, environment, service = ids
    domain_input = dict(
        projectId=project["id"], environmentId=environment["id"], serviceId=service["id"], domain=domain
    )
    if port is not None:
        domain_input["targetPort"] = port

    def create() -> Record:
        return client.mutate(
            "mutation customDomainCreate($input: CustomDomainCreateInput!) {"
            " customDomainCreate(input: $input) { %s } }" % CUSTOM_DOMAIN_FIELDS,
            dict(input=domain_input),
        )["customDomainCreate"]

    return create_or_find_again(create, find_again)


def _custom_port(
    ctx: TaskContext,
    client: Any,
    environment: Record,
    current: Record,
    port: Optional[int],
    find_again: Callable[[], Optional[Record]],
) -> tuple[Record, bool]:
    """(the domain after, changed): its target port set when one is given and it differs."""
    if port is None or current.get("targetPort") == port:
        return current, False
    if not ctx.check_mode:
        try:
            client.mutate(
                "mutation customDomainUpdate($environmentId: String!, $id: String!, $targetPort: Int) {"
                " customDomainUpdate(environmentId: $environmentId, id: $id, targetPort: $targetPort) }",
                dict(environmentId=environment["id"], id=current["id"], targetPort=port),
            )
        except ApiError as exc:
            after_lost(exc, lambda: (find_again() or {}).get("targetPort") == port)
    return dict(current, targetPort=port), True


# ------------------------------------------------------------------ service domains
def converge_service(
    ctx: TaskContext,
    client: Any,
    ids: tuple[Record, Record, Record],
    domain: Optional[str],
    port: Optional[int],
    absent: bool,
    current_list: list[Record],
    reread: Reread,
    where: str = "domain",
) -> Record:
    """A Railway-generated (or chosen *.up.railway.app) domain: removed (every one of the instance when `domain` is
    None), its port updated, or added. `reread` reads the instance's service domains again; `where` names the
    option in a failure."""
    if absent:
        return _service_absent(ctx, client, domain, current_list, reread)
    current = named(current_list, domain) if domain else (current_list[0] if current_list else None)
    if current is not None:
        return _service_port(ctx, client, ids, current, port, reread)
    return _service_add(ctx, client, ids, domain, port, current_list, reread, where)


def _service_absent(
    ctx: TaskContext, client: Any, domain: Optional[str], current_list: list[Record], reread: Reread
) -> Record:
    doomed = [d for d in current_list if domain is None or d["domain"].lower() == domain]
    if not ctx.check_mode:
        for record in doomed:
            _delete_service_domain(client, record["id"], reread)
    first = doomed[0] if doomed else None
    return outcome(first, bool(doomed), first, None)


def _delete_service_domain(client: Any, domain_id: str, reread: Reread) -> None:
    try:
        client.mutate("mutation serviceDomainDelete($id: String!) { serviceDomainDelete(id: $id) }", dict(id=domain_id))
    except ApiError as exc:
        after_lost(exc, lambda: all(d["id"] != domain_id for d in reread()))


def _service_port(
    ctx: TaskContext,
    client: Any,
    ids: tuple[Record, Record, Record],
    current: Record,
    port: Optional[int],
    reread: Reread,
) -> Record:
    """The domain exists: only its target port can differ."""
    if port is None or current.get("targetPort") == port:
        return outcome(current, False, current, current)
    after = dict(current, targetPort=port)
    if not ctx.check_mode:
        _update_service_domain(
            client,
            ids,
            current["id"],
            current["domain"],
            port,
            lambda: (named(reread(), current["domain"]) or {}).get("targetPort") == port,
        )
    return outcome(after, True, current, after)


def _service_add(
    ctx: TaskContext,
    client: Any,
    ids: tuple[Record, Record, Record],
    domain: Optional[str],
    port: Optional[int],
    current_list: list[Record],
    reread: Reread,
    where: str,
) -> Record:
    """A new service domain, or (a chosen name) the instance's one Railway domain renamed to it."""
    if domain:
        available = client.query(
            "query serviceDomainAvailable($domain: String!) {"
            " serviceDomainAvailable(domain: $domain) { available message } }",
            dict(domain=domain),
        )["serviceDomainAvailable"]
        if not available["available"]:
            ctx.fail("%s: %s is not available at Railway: %s" % (where, domain, available.get("message") or "taken"))
    # Railway gives a service instance one Railway domain: a chosen name renames the one it has.
    renamed = current_list[0] if domain and len(current_list) == 1 else None
    if ctx.check_mode:
        planned = dict(
            id=None,
            domain=domain or "(generated by Railway).%s" % SUFFIX,
            targetPort=port,
            serviceId=ids[2]["id"],
            environmentId=ids[1]["id"],
        )
        after = (
            dict(renamed, domain=domain, targetPort=port if port is not None else renamed.get("targetPort"))
            if renamed
            else planned
        )
        return outcome(after, True, renamed, after)
    created = renamed if renamed is not None else _create_service_domain(client, ids, port, current_list, reread)
    after = created
    if domain and created["domain"].lower() != domain:
        new_port = port if port is not None else created.get("targetPort")
        _update_service_domain(
            client, ids, created["id"], domain, new_port, lambda: named(reread(), domain) is not None
        )
        after = dict(created, domain=domain, targetPort=new_port)
    return outcome(after, True, renamed, after)


def _create_service_domain(
    client: Any, ids: tuple[Record, Record, Record], port: Optional[int], current_list: list[Record], reread: Reread
) -> Record:
    before_ids = {d["id"] for d in current_list}
    domain_input = dict(serviceId=ids[2]["id"], environmentId=ids[1]["id"])
    if port is not None:
        domain_input["targetPort"] = port

    def create() -> Record:
        return client.mutate(
            "mutation serviceDomainCreate($input: ServiceDomainCreateInput!) {"
            " serviceDomainCreate(input: $input) { %s } }" % SERVICE_DOMAIN_FIELDS,
            dict(input=domain_input),
        )["serviceDomainCreate"]

    def find_again() -> Optional[Record]:
        return next((d for d in reread() if d["id"] not in before_ids), None)

    return create_or_find_again(create, find_again)


def _update_service_domain(
    client: Any,
    ids: tuple[Record, Record, Record],
    domain_id: str,
    domain: str,
    port: Optional[int],
    applied: Callable[[], bool],
) -> None:
    update = dict(serviceDomainId=domain_id, serviceId=ids[2]["id"], environmentId=ids[1]["id"], domain=domain)
    if port is not None:
        update["targetPort"] = port
    try:
        client.mutate(SERVICE_DOMAIN_UPDATE, dict(input=update))
    except ApiError as exc:
        after_lost(exc, applied)
