# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_domain: a service's Railway domain (*.up.railway.app) or custom domain, with the DNS records it needs."""

from __future__ import annotations

import re
import time

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import create_or_find_again
from ansible_collections.railstack.platform.plugins.module_utils.railway import (
    RailwayClient,
    railway_argument_spec,
    railway_environment_spec,
    resolve_instance,
)

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
    service=dict(type="str", required=True),
    domain=dict(type="str"),
    type=dict(type="str", choices=["custom", "service"]),
    target_port=dict(type="int"),
    wait=dict(type="str", default="none", choices=["none", "verified"]),
    wait_timeout=dict(type="int", default=600),
    wait_interval=dict(type="float", default=10.0),
    certificate_retries=dict(type="int", default=2),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)

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
DOMAINS_QUERY = (
    "query domains($projectId: String!, $environmentId: String!, $serviceId: String!) {"
    " domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {"
    " serviceDomains { %s } customDomains { %s } } }" % (SERVICE_DOMAIN_FIELDS, CUSTOM_DOMAIN_FIELDS)
)


# ------------------------------------------------------------------ the one DNS record shape
def _record_type(value):
    return (value or "").replace("DNS_RECORD_TYPE_", "")


def verification_fqdn(status):
    """The TXT record's full name: Railway gives verificationDnsHost complete (`_railway-verify.api.prela.app`)."""
    return (status.get("verificationDnsHost") or "").lower().rstrip(".") or None


def dns_records(custom):
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


def missing_records(custom):
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


def domain_result(record, kind):
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
        status = record.get("status") or {}
        out.update(
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
    return out


def _view(record):
    return dict(domain=record.get("domain"), target_port=record.get("targetPort")) if record else {}


# ------------------------------------------------------------------ options
def _normalise(ctx, params):
    domain = (params["domain"] or "").strip().lower().rstrip(".") or None
    if domain and ("://" in domain or "/" in domain or " " in domain):
        ctx.fail("domain: give the host name alone, without scheme or path (got %r)." % params["domain"])
    kind = params["type"]
    if kind is None:
        kind = "custom" if domain and not (domain.endswith("." + SUFFIX) or "." not in domain) else "service"
    if kind == "custom":
        if not domain:
            ctx.fail("domain: required for a custom domain (type=custom).")
        labels = domain.split(".")
        if len(labels) < 2 or len(domain) > 253 or not all(_LABEL_RE.match(label) for label in labels):
            ctx.fail("domain: %r is not a domain name." % domain)
        if domain.endswith("." + SUFFIX) or domain.endswith(".railway.app"):
            ctx.fail("domain: %s is a Railway domain; use type=service for *.%s names." % (domain, SUFFIX))
    elif domain:
        if "." not in domain:
            domain = "%s.%s" % (domain, SUFFIX)
        label = domain[: -len(SUFFIX) - 1] if domain.endswith("." + SUFFIX) else None
        if label is None or not _LABEL_RE.match(label):
            ctx.fail(
                "domain: a Railway domain is <name>.%s with a name of letters, digits and hyphens (got %r)."
                % (SUFFIX, params["domain"])
            )
    port = params["target_port"]
    if port is not None and not 1 <= port <= 65535:
        ctx.fail("target_port: %d is not a port (1-65535)." % port)
    if params["wait_timeout"] < 0:
        ctx.fail("wait_timeout: must not be negative.")
    if params["wait_interval"] <= 0:
        ctx.fail("wait_interval: must be more than 0 seconds.")
    if params["certificate_retries"] < 0:
        ctx.fail("certificate_retries: must not be negative.")
    return domain, kind


# ------------------------------------------------------------------ reads
def read_domains(client, project, environment, service):
    return client.query(
        DOMAINS_QUERY, dict(projectId=project["id"], environmentId=environment["id"], serviceId=service["id"])
    )["domains"]


def _named(records, domain):
    return next((r for r in records if r["domain"].lower() == domain), None)


def _after_lost(exc, check):
    """A write whose answer was lost: fine when a read shows it applied, else the error stands."""
    if not exc.lost_response or not check():
        raise exc


def is_working(custom):
    status = custom.get("status") or {}
    return bool(status.get("verified")) and status.get("certificateStatus") == CERT_VALID


def note_unpropagated(ctx, custom):
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
    """Asks Railway to issue a failed certificate again, at most `limit` times, or fails saying why it cannot."""

    def __init__(self, ctx, client, limit):
        self.ctx, self.client, self.limit, self.done = ctx, client, limit, 0

    def handle(self, custom, changed):
        """Retry a failed issuance; returns True when a retry was asked (a write)."""
        status = custom.get("status") or {}
        if status.get("certificateStatus") != CERT_FAILED:
            return False
        reason = "%s: %s" % (
            status.get("certificateErrorType") or "no error type",
            status.get("certificateErrorMessage") or "no message",
        )
        if not status.get("certificateRetryable"):
            self.ctx.fail(
                "domain: Railway could not issue the certificate of %s (%s, %s) and says it cannot be retried."
                " Fix the cause (the domain's CAA records must allow Let's Encrypt), then remove the domain"
                " (state=absent) and add it again." % (custom["domain"], CERT_FAILED, reason),
                changed=changed,
                domain=domain_result(custom, "custom"),
                dns_records=dns_records(custom),
            )
        if self.done >= self.limit:
            self.ctx.fail(
                "certificate_retries: the certificate of %s still failed after %d retries (%s, %s);"
                " run again later, or raise certificate_retries." % (custom["domain"], self.done, CERT_FAILED, reason),
                changed=changed,
                domain=domain_result(custom, "custom"),
                dns_records=dns_records(custom),
            )
        self.done += 1
        self.ctx.warn(
            "domain: Railway could not issue the certificate of %s (%s); asked it to retry (%d of %d)."
            % (custom["domain"], reason, self.done, self.limit)
        )
        self._retry(custom["id"])
        return True

    def _retry(self, domain_id):
        try:
            self.client.mutate(
                "mutation customDomainIssueCertificate($id: String!) { customDomainIssueCertificate(id: $id) }",
                dict(id=domain_id),
            )
        except ApiError as exc:
            if not exc.lost_response:
                raise


def wait_verified(ctx, client, project, environment, service, custom, changed):
    """Poll until the custom domain is verified and its certificate valid, retrying a failed issuance when Railway
    allows it; fail when wait_timeout passes. Returns (domain, changed)."""
    params = ctx.params
    deadline = CLOCK() + params["wait_timeout"]
    retries = CertificateRetries(ctx, client, params["certificate_retries"])
    while True:
        if is_working(custom):
            return custom, changed
        changed = retries.handle(custom, changed) or changed
        status = custom.get("status") or {}
        if CLOCK() >= deadline:
            ctx.fail(
                "wait_timeout: %s is not verified with a valid certificate after %ss (verified: %s, certificate: %s);"
                " Railway still misses: %s."
                % (
                    custom["domain"],
                    params["wait_timeout"],
                    bool(status.get("verified")),
                    status.get("certificateStatus"),
                    ", ".join(missing_records(custom)) or "nothing it lists",
                ),
                changed=changed,
                domain=domain_result(custom, "custom"),
                dns_records=dns_records(custom),
            )
        SLEEP(min(params["wait_interval"], max(0.0, deadline - CLOCK())))
        found = _named(read_domains(client, project, environment, service)["customDomains"], custom["domain"])
        if found is None:
            ctx.fail(
                "domain: %s disappeared from Railway while waiting for its verification." % custom["domain"],
                changed=changed,
            )
        custom = found


# ------------------------------------------------------------------ custom domains
def _custom(ctx, client, project, environment, service, domain, current_list):
    """A custom domain: removed, added, or its target port updated; then (wait: verified) its verification."""
    params = ctx.params
    current = _named(current_list, domain)

    def find_again():
        return _named(read_domains(client, project, environment, service)["customDomains"], domain)

    if params["state"] == "absent":
        return _custom_absent(ctx, client, current, find_again)
    port = params["target_port"]
    if current is None:
        if ctx.check_mode:
            ctx.warn(
                "domain: Railway tells the DNS records of %s once the domain exists; in check mode there are none yet."
                % domain
            )
            planned = dict(domain=domain, targetPort=port, serviceId=service["id"], environmentId=environment["id"])
            return ctx.result(
                changed=True,
                domain=domain_result(dict(planned, id=None), "custom"),
                dns_records=[],
                diff=({}, _view(planned)),
            )
        before = {}
        after = _create_custom_domain(client, project, environment, service, domain, port, find_again)
        changed = True
    else:
        before = current
        after, changed = _custom_port(ctx, client, environment, current, port, find_again)
    if params["wait"] == "verified" and not ctx.check_mode:
        after, changed = wait_verified(ctx, client, project, environment, service, after, changed)
    note_unpropagated(ctx, after)
    return ctx.result(
        changed=changed,
        domain=domain_result(after, "custom"),
        dns_records=dns_records(after),
        diff=(_view(before), _view(after)),
    )


def _custom_absent(ctx, client, current, find_again):
    if current is None:
        return ctx.result(changed=False, domain={}, dns_records=[], diff=({}, {}))
    if not ctx.check_mode:
        try:
            client.mutate(
                "mutation customDomainDelete($id: String!) { customDomainDelete(id: $id) }", dict(id=current["id"])
            )
        except ApiError as exc:
            _after_lost(exc, lambda: find_again() is None)
    return ctx.result(changed=True, domain=domain_result(current, "custom"), dns_records=[], diff=(_view(current), {}))


def _create_custom_domain(client, project, environment, service, domain, port, find_again):
    domain_input = dict(
        projectId=project["id"], environmentId=environment["id"], serviceId=service["id"], domain=domain
    )
    if port is not None:
        domain_input["targetPort"] = port

    def create():
        return client.mutate(
            "mutation customDomainCreate($input: CustomDomainCreateInput!) {"
            " customDomainCreate(input: $input) { %s } }" % CUSTOM_DOMAIN_FIELDS,
            dict(input=domain_input),
        )["customDomainCreate"]

    return create_or_find_again(create, find_again)


def _custom_port(ctx, client, environment, current, port, find_again):
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
            _after_lost(exc, lambda: (find_again() or {}).get("targetPort") == port)
    return dict(current, targetPort=port), True


# ------------------------------------------------------------------ service domains
SERVICE_DOMAIN_UPDATE = (
    "mutation serviceDomainUpdate($input: ServiceDomainUpdateInput!) { serviceDomainUpdate(input: $input) }"
)


def _service(ctx, client, project, environment, service, domain, current_list):
    """A Railway-generated (or chosen *.up.railway.app) domain: removed, its port updated, or added."""

    def reread():
        return read_domains(client, project, environment, service)["serviceDomains"]

    if ctx.params["state"] == "absent":
        return _service_absent(ctx, client, domain, current_list, reread)
    current = _named(current_list, domain) if domain else (current_list[0] if current_list else None)
    if current is not None:
        return _service_port(ctx, client, environment, service, current, reread)
    return _service_add(ctx, client, environment, service, domain, current_list, reread)


def _service_absent(ctx, client, domain, current_list, reread):
    doomed = [d for d in current_list if domain is None or d["domain"].lower() == domain]
    if not ctx.check_mode:
        for record in doomed:
            try:
                client.mutate(
                    "mutation serviceDomainDelete($id: String!) { serviceDomainDelete(id: $id) }", dict(id=record["id"])
                )
            except ApiError as exc:
                _after_lost(exc, lambda record=record: all(d["id"] != record["id"] for d in reread()))
    return ctx.result(
        changed=bool(doomed),
        domain=domain_result(doomed[0], "service") if doomed else {},
        dns_records=[],
        diff=(_view(doomed[0]) if doomed else {}, {}),
    )


def _service_port(ctx, client, environment, service, current, reread):
    """The domain exists: only its target port can differ."""
    port = ctx.params["target_port"]
    if port is None or current.get("targetPort") == port:
        return ctx.result(
            changed=False,
            domain=domain_result(current, "service"),
            dns_records=[],
            diff=(_view(current), _view(current)),
        )
    after = dict(current, targetPort=port)
    if not ctx.check_mode:
        _update_service_domain(
            client,
            environment,
            service,
            current["id"],
            current["domain"],
            port,
            lambda: (_named(reread(), current["domain"]) or {}).get("targetPort") == port,
        )
    return ctx.result(
        changed=True, domain=domain_result(after, "service"), dns_records=[], diff=(_view(current), _view(after))
    )


def _service_add(ctx, client, environment, service, domain, current_list, reread):
    """A new service domain, or (a chosen name) the instance's one Railway domain renamed to it."""
    port = ctx.params["target_port"]
    if domain:
        available = client.query(
            "query serviceDomainAvailable($domain: String!) {"
            " serviceDomainAvailable(domain: $domain) { available message } }",
            dict(domain=domain),
        )["serviceDomainAvailable"]
        if not available["available"]:
            ctx.fail("domain: %s is not available at Railway: %s" % (domain, available.get("message") or "taken"))
    # Railway gives a service instance one Railway domain: a chosen name renames the one it has.
    renamed = current_list[0] if domain and len(current_list) == 1 else None
    if ctx.check_mode:
        planned = dict(
            domain=domain or "(generated by Railway).%s" % SUFFIX,
            targetPort=port,
            serviceId=service["id"],
            environmentId=environment["id"],
        )
        after = (
            dict(renamed, domain=domain, targetPort=port if port is not None else renamed.get("targetPort"))
            if renamed
            else dict(planned, id=None)
        )
        return ctx.result(
            changed=True, domain=domain_result(after, "service"), dns_records=[], diff=(_view(renamed), _view(after))
        )
    created = (
        renamed
        if renamed is not None
        else _create_service_domain(client, environment, service, port, current_list, reread)
    )
    after = created
    if domain and created["domain"].lower() != domain:
        new_port = port if port is not None else created.get("targetPort")
        _update_service_domain(
            client, environment, service, created["id"], domain, new_port, lambda: _named(reread(), domain) is not None
        )
        after = dict(created, domain=domain, targetPort=new_port)
    return ctx.result(
        changed=True, domain=domain_result(after, "service"), dns_records=[], diff=(_view(renamed), _view(after))
    )


def _create_service_domain(client, environment, service, port, current_list, reread):
    before_ids = {d["id"] for d in current_list}
    domain_input = dict(serviceId=service["id"], environmentId=environment["id"])
    if port is not None:
        domain_input["targetPort"] = port

    def create():
        return client.mutate(
            "mutation serviceDomainCreate($input: ServiceDomainCreateInput!) {"
            " serviceDomainCreate(input: $input) { %s } }" % SERVICE_DOMAIN_FIELDS,
            dict(input=domain_input),
        )["serviceDomainCreate"]

    def find_again():
        return next((d for d in reread() if d["id"] not in before_ids), None)

    return create_or_find_again(create, find_again)


def _update_service_domain(client, environment, service, domain_id, domain, port, applied):
    update = dict(serviceDomainId=domain_id, serviceId=service["id"], environmentId=environment["id"], domain=domain)
    if port is not None:
        update["targetPort"] = port
    try:
        client.mutate(SERVICE_DOMAIN_UPDATE, dict(input=update))
    except ApiError as exc:
        _after_lost(exc, applied)


# ------------------------------------------------------------------ run
def run(ctx):
    params = ctx.params
    domain, kind = _normalise(ctx, params)
    client = ctx.register_client(RailwayClient(params))
    project, environment, service = resolve_instance(client, params, required=not ctx.check_mode)
    if None in (project, environment, service):
        # Check mode only: an earlier task of the same run would create what is missing.
        missing = [
            name
            for name, value in (("project", project), ("environment", environment), ("service", service))
            if value is None
        ]
        if params["state"] == "absent":
            return ctx.result(changed=False, domain={}, dns_records=[])
        ctx.warn(
            "%s %s does not exist yet; in check mode the domain is reported as to be created with it."
            % (" and ".join(missing), ", ".join(repr(params[m]) for m in missing))
        )
        planned = dict(id=None, domain=domain, targetPort=params["target_port"])
        return ctx.result(changed=True, domain=domain_result(planned, kind), dns_records=[], diff=({}, _view(planned)))
    current = read_domains(client, project, environment, service)
    if kind == "custom":
        return _custom(ctx, client, project, environment, service, domain, current["customDomains"])
    return _service(ctx, client, project, environment, service, domain, current["serviceDomains"])
