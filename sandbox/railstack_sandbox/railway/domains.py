# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Service domains (*.up.railway.app) and custom domains, with the DNS records Railway asks for.

- serviceDomainCreate gives a service instance a generated `<service>-<environment>.up.railway.app`
  (a short suffix is added when that name is taken); serviceDomainUpdate renames it to a chosen,
  available name and/or changes its target port; serviceDomainAvailable says whether a name is free.
- customDomainCreate registers a domain (unique across the sandbox) for a service instance. Its
  `status` lists what Railway lists: `dnsRecords` holds the CNAME only (from the domain to a generated
  `<random>.up.railway.app` target); the ownership TXT record is `verificationDnsHost`, the full name
  `_railway-verify.<domain>`, with `verificationToken` `railway-verify=<64 hex>`.
  It turns `verified` once the sandbox's DNS (its Cloudflare zones, or Namecheap's DNS for a domain
  served there) holds the TXT record; until then the domain answers 404 (`instance_for_host`).
- Its certificate is issued once it is verified and its traffic reaches Railway: the CNAME is in
  place, or the name is proxied by Cloudflare to the CNAME target (the CNAME record then shows
  DNS_RECORD_STATUS_REQUIRES_UPDATE with Cloudflare's edge address, and the domain works). Issuance
  ends CERTIFICATE_STATUS_TYPE_VALID or CERTIFICATE_STATUS_TYPE_ISSUE_FAILED: the realism setting
  `certificate_outcome` decides, unless `POST /_sandbox/railway/domains/certificate` set the next
  issuance of that one domain. A failed one tells `certificateRetryable`; customDomainIssueCertificate
  retries a retryable failure. Verification and an issued certificate stay once reached.
- Every domain is mirrored into the environment's config (`networking.serviceDomains` /
  `networking.customDomains`: `{<domain>: {port}}`), as Railway shows it; the config write changes configEtag.
  The opposite is not emulated: a config patch that adds or removes those entries does not create
  or delete domain objects.
"""
import copy
import hashlib
import re

from .config import write_config
from .context import RailwayError
from .control import ControlError, control
from .graphql_api import resolves

SERVICE_DOMAIN_SUFFIX = "up.railway.app"
VERIFY_LABEL = "_railway-verify"
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
CERT_VALID = "CERTIFICATE_STATUS_TYPE_VALID"
CERT_FAILED = "CERTIFICATE_STATUS_TYPE_ISSUE_FAILED"
# How a failed issuance is described: (certificateErrorType, certificateErrorMessage) by retryable.
CERT_FAILURES = {
    True: ("CERTIFICATE_ERROR_TYPE_ORDER_CREATION", "The certificate order could not be created; retry the issuance"),
    False: ("CERTIFICATE_ERROR_TYPE_AUTHORIZATION_FAILED",
            "The certificate authority refused to authorize the domain (CAA records or a blocked name)"),
}


# ------------------------------------------------------------------ records and lookups
def service_domains(data):
    return data.setdefault("serviceDomains", {})


def custom_domains(data):
    return data.setdefault("customDomains", {})


def certificate_plans(data):
    """{domain: {"outcome", "retryable"}}: how that domain's next issuance ends (set by the control API)."""
    return data.setdefault("certificatePlans", {})


def is_live(data, record):
    """A domain whose record, service, environment and project all still exist."""
    if record.get("deletedAt"):
        return False
    for kind, key in (("services", "serviceId"), ("environments", "environmentId"), ("projects", "projectId")):
        owner = data[kind].get(record[key])
        if owner is None or owner.get("deletedAt"):
            return False
    return True


def live_domains(data, records, environment_id=None, service_id=None):
    return [r for r in records.values() if is_live(data, r)
            and (environment_id is None or r["environmentId"] == environment_id)
            and (service_id is None or r["serviceId"] == service_id)]


def instance_of(context, service_id, environment_id):
    """(service, environment) when the service has an instance in the environment, else an error."""
    service = context.service(service_id)
    environment = context.environment(environment_id)
    if environment["projectId"] != service["projectId"]:
        raise RailwayError("Environment not found")
    if service_id not in (environment["config"].get("services") or {}):
        raise RailwayError(f"Service {service['name']} has no instance in environment {environment['name']}")
    return service, environment


def slug(text):
    value = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")
    return value[:40].strip("-") or "service"


def normalised(domain):
    return (domain or "").strip().lower().rstrip(".")


def _check_port(port):
    if port is not None and not 1 <= port <= 65535:
        raise RailwayError("Target port must be between 1 and 65535")


def mirror(context, environment, service_id, section, domain, port=None, remove=False):
    """Show a domain in the environment's config: networking.<section>.<domain> = {port}."""
    config = copy.deepcopy(environment["config"])
    instance = config.get("services", {}).get(service_id)
    if instance is None:
        return
    entries = instance.setdefault("networking", {}).setdefault(section, {})
    if remove:
        entries.pop(domain, None)
    else:
        entries[domain] = {"port": port} if port is not None else {}
    write_config(context, environment, config)


# ------------------------------------------------------------------ service domains
def service_domain_problem(data, domain, except_id=None):
    """Why a *.up.railway.app name cannot be used (None when it can)."""
    if not domain.endswith("." + SERVICE_DOMAIN_SUFFIX):
        return f"Domain must end with .{SERVICE_DOMAIN_SUFFIX}"
    label = domain[:-len(SERVICE_DOMAIN_SUFFIX) - 1]
    if not _LABEL.match(label):
        return "Invalid domain name"
    if any(r["domain"] == domain and r["id"] != except_id for r in live_domains(data, service_domains(data))):
        return "Domain is already taken"
    return None


def generated_service_domain(context, service, environment):
    data = context.data
    base = f"{slug(service['name'])}-{slug(environment['name'])}"
    name = f"{base}.{SERVICE_DOMAIN_SUFFIX}"
    while service_domain_problem(data, name) is not None:
        name = f"{base}-{context.new_id()[:4]}.{SERVICE_DOMAIN_SUFFIX}"
    return name


@resolves("Query", "serviceDomainAvailable")
def resolve_service_domain_available(_, info, domain):
    info.context.require_caller()
    domain = normalised(domain)
    if "." not in domain:
        domain = f"{domain}.{SERVICE_DOMAIN_SUFFIX}"
    problem = service_domain_problem(info.context.data, domain)
    return {"available": problem is None, "message": problem or "Domain is available"}


@resolves("Mutation", "serviceDomainCreate")
def resolve_service_domain_create(_, info, input):
    context = info.context
    service, environment = instance_of(context, input["serviceId"], input["environmentId"])
    _check_port(input.get("targetPort"))
    timestamp = context.now()
    record = {"id": context.new_id(), "domain": generated_service_domain(context, service, environment),
              "suffix": SERVICE_DOMAIN_SUFFIX, "targetPort": input.get("targetPort"),
              "serviceId": service["id"], "environmentId": environment["id"], "projectId": service["projectId"],
              "createdAt": timestamp, "updatedAt": timestamp, "deletedAt": None}
    service_domains(context.data)[record["id"]] = record
    mirror(context, environment, service["id"], "serviceDomains", record["domain"], record["targetPort"])
    context.changed()
    return record


def _service_domain(context, domain_id):
    record = service_domains(context.data).get(domain_id)
    if record is None or not is_live(context.data, record):
        raise RailwayError("Service domain not found")
    context.environment(record["environmentId"])       # scope check for project tokens
    return record


@resolves("Mutation", "serviceDomainUpdate")
def resolve_service_domain_update(_, info, input):
    context = info.context
    record = _service_domain(context, input["serviceDomainId"])
    if record["serviceId"] != input["serviceId"] or record["environmentId"] != input["environmentId"]:
        raise RailwayError("Service domain not found")
    _check_port(input.get("targetPort"))
    domain = normalised(input["domain"])
    if "." not in domain:
        domain = f"{domain}.{SERVICE_DOMAIN_SUFFIX}"
    problem = service_domain_problem(context.data, domain, except_id=record["id"])
    if problem:
        raise RailwayError(f"Domain {domain} is not available: {problem}")
    environment = context.environment(record["environmentId"])
    if domain != record["domain"]:
        mirror(context, environment, record["serviceId"], "serviceDomains", record["domain"], remove=True)
        record["domain"] = domain
    if "targetPort" in input:
        record["targetPort"] = input["targetPort"]
    mirror(context, environment, record["serviceId"], "serviceDomains", record["domain"], record["targetPort"])
    record["updatedAt"] = context.now()
    context.changed()
    return True


@resolves("Mutation", "serviceDomainDelete")
def resolve_service_domain_delete(_, info, id):
    context = info.context
    record = _service_domain(context, id)
    record["deletedAt"] = record["updatedAt"] = context.now()
    mirror(context, context.environment(record["environmentId"]), record["serviceId"], "serviceDomains",
           record["domain"], remove=True)
    context.changed()
    return True


@resolves("ServiceDomain", "syncStatus")
def resolve_service_domain_sync(record, info):
    return "DELETED" if record.get("deletedAt") else "ACTIVE"


# ------------------------------------------------------------------ custom domains
def known_zones(store):
    """Zone names the sandbox's DNS serves: Cloudflare zones and Namecheap domains."""
    names = []
    for section, key in (("cloudflare", "zones"), ("namecheap", "domains")):
        try:
            records = store.section(section)[key]
        except (KeyError, TypeError):
            continue
        names += [z.get("name", k) if isinstance(z, dict) else k for k, z in records.items()]
    return [n.lower() for n in names if isinstance(n, str)]


def zone_of(store, domain):
    """The zone a domain sits in: the longest sandbox zone holding it, else its last two labels."""
    matches = [z for z in known_zones(store) if domain == z or domain.endswith("." + z)]
    if matches:
        return max(matches, key=len)
    return ".".join(domain.split(".")[-2:])


def dns_answer(store, fqdn, rtype):
    """What the sandbox's DNS answers (Cloudflare zones, or Namecheap's DNS), compared form."""
    from ..cloudflare import resolve  # the hook the Cloudflare sandbox offers other providers
    return [str(v).lower().rstrip(".") if rtype == "CNAME" else str(v) for v in resolve(store, fqdn, rtype)]


def traffic_route(store, record):
    """(what the name answers now, whether its traffic reaches the domain's CNAME target).
    A name proxied by Cloudflare answers with the edge's addresses but still reaches the target."""
    from ..cloudflare import proxied_origin
    cname_values = dns_answer(store, record["domain"], "CNAME")
    if cname_values:
        return cname_values[0], record["cnameTarget"] in cname_values
    addresses = dns_answer(store, record["domain"], "A")
    return (addresses[0] if addresses else ""), proxied_origin(store, record["domain"]) == record["cnameTarget"]


def next_certificate_outcome(context, record):
    """(outcome, retryable) of the domain's next issuance: the one-off control setting, else the realism setting."""
    one_off = certificate_plans(context.data).pop(record["domain"], None)
    if one_off is not None:
        return one_off["outcome"], one_off["retryable"]
    return context.realism["certificate_outcome"], True


def issue_certificate(context, record):
    outcome, retryable = next_certificate_outcome(context, record)
    if outcome == "VALID":
        record["certificateIssuedAt"] = context.now()
        record["certificateFailure"] = None
    else:
        error_type, message = CERT_FAILURES[retryable]
        record["certificateFailure"] = {"retryable": retryable, "errorType": error_type, "message": message}
    context.changed()


def refresh_custom_domain(context, record):
    """Check the sandbox's DNS for what the domain needs (verification and certificate stay once reached);
    returns (current CNAME answer, whether traffic reaches the target)."""
    store = context.store
    current, reaches = traffic_route(store, record)
    if not record.get("verifiedAt"):
        if record["verificationToken"] in dns_answer(store, verification_host(record), "TXT"):
            record["verifiedAt"] = context.now()
            context.changed()
    if record.get("verifiedAt") and reaches and not record.get("certificateIssuedAt") \
            and not record.get("certificateFailure"):
        issue_certificate(context, record)
    return current, reaches


def verification_host(record):
    return f"{VERIFY_LABEL}.{record['domain']}"


def certificate_fields(record):
    failure = record.get("certificateFailure")
    if record.get("certificateIssuedAt"):
        status = CERT_VALID
    elif failure:
        status = CERT_FAILED
    elif record.get("verifiedAt"):
        status = "CERTIFICATE_STATUS_TYPE_ISSUING"
    else:
        status = "CERTIFICATE_STATUS_TYPE_VALIDATING_OWNERSHIP"
    return {"certificateStatus": status,
            "certificateRetryable": failure["retryable"] if failure else None,
            "certificateErrorType": failure["errorType"] if failure else None,
            "certificateErrorMessage": failure["message"] if failure else None}


@resolves("CustomDomain", "status")
def resolve_custom_domain_status(record, info):
    context = info.context
    current, _ = refresh_custom_domain(context, record)
    zone = record["zone"]
    host_label = record["domain"][:-len(zone)].rstrip(".") if record["domain"] != zone else ""
    propagated = current == record["cnameTarget"]
    return {
        "dnsRecords": [{
            "hostlabel": host_label, "fqdn": record["domain"], "zone": zone,
            "recordType": "DNS_RECORD_TYPE_CNAME", "requiredValue": record["cnameTarget"],
            "currentValue": current,
            "status": "DNS_RECORD_STATUS_PROPAGATED" if propagated else "DNS_RECORD_STATUS_REQUIRES_UPDATE",
            "purpose": "DNS_RECORD_PURPOSE_TRAFFIC_ROUTE",
        }],
        "verificationDnsHost": verification_host(record),
        "verificationToken": record["verificationToken"],
        "verified": bool(record.get("verifiedAt")),
        **certificate_fields(record),
        "cdnProvider": None,
    }


@resolves("CustomDomain", "syncStatus")
def resolve_custom_domain_sync(record, info):
    return "DELETED" if record.get("deletedAt") else "ACTIVE"


def _check_custom_domain(data, domain):
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels) \
            or labels[-1].isdigit():
        raise RailwayError(f"Invalid domain {domain}")
    if domain == "railway.app" or domain.endswith(".railway.app") or domain.endswith(".up.railway.app"):
        raise RailwayError("Railway domains cannot be added as custom domains")
    if any(r["domain"] == domain for r in live_domains(data, custom_domains(data))):
        raise RailwayError(f"Domain {domain} is already in use")


@resolves("Mutation", "customDomainCreate")
def resolve_custom_domain_create(_, info, input):
    context = info.context
    service, environment = instance_of(context, input["serviceId"], input["environmentId"])
    if input["projectId"] != service["projectId"]:
        raise RailwayError("Project not found")
    domain = normalised(input["domain"])
    _check_custom_domain(context.data, domain)
    _check_port(input.get("targetPort"))
    timestamp = context.now()
    record_id = context.new_id()
    digest = hashlib.sha256(f"{record_id}:{domain}".encode()).hexdigest()
    token = hashlib.sha256(f"verify:{record_id}:{domain}".encode()).hexdigest()
    record = {"id": record_id, "domain": domain, "targetPort": input.get("targetPort"),
              "serviceId": service["id"], "environmentId": environment["id"], "projectId": service["projectId"],
              "zone": zone_of(context.store, domain),
              "cnameTarget": f"{digest[:8]}.{SERVICE_DOMAIN_SUFFIX}",
              "verificationToken": f"railway-verify={token}",
              "verifiedAt": None, "certificateIssuedAt": None, "certificateFailure": None,
              "createdAt": timestamp, "updatedAt": timestamp, "deletedAt": None}
    custom_domains(context.data)[record_id] = record
    mirror(context, environment, service["id"], "customDomains", domain, record["targetPort"])
    context.changed()
    return record


def _custom_domain(context, domain_id):
    record = custom_domains(context.data).get(domain_id)
    if record is None or not is_live(context.data, record):
        raise RailwayError("Custom domain not found")
    context.environment(record["environmentId"])       # scope check for project tokens
    return record


@resolves("Query", "customDomain")
def resolve_custom_domain(_, info, id, projectId):
    record = _custom_domain(info.context, id)
    if record["projectId"] != projectId:
        raise RailwayError("Custom domain not found")
    return record


@resolves("Mutation", "customDomainUpdate")
def resolve_custom_domain_update(_, info, environmentId, id, targetPort=None):
    context = info.context
    record = _custom_domain(context, id)
    if record["environmentId"] != environmentId:
        raise RailwayError("Custom domain not found")
    _check_port(targetPort)
    record["targetPort"] = targetPort
    record["updatedAt"] = context.now()
    mirror(context, context.environment(environmentId), record["serviceId"], "customDomains", record["domain"],
           targetPort)
    context.changed()
    return True


@resolves("Mutation", "customDomainDelete")
def resolve_custom_domain_delete(_, info, id):
    context = info.context
    record = _custom_domain(context, id)
    record["deletedAt"] = record["updatedAt"] = context.now()
    mirror(context, context.environment(record["environmentId"]), record["serviceId"], "customDomains",
           record["domain"], remove=True)
    context.changed()
    return True


@resolves("Mutation", "customDomainIssueCertificate")
def resolve_custom_domain_issue_certificate(_, info, id):
    """Retry a failed issuance (the CLI's `railway domain certificate retry`); the next read issues again."""
    context = info.context
    record = _custom_domain(context, id)
    refresh_custom_domain(context, record)
    failure = record.get("certificateFailure")
    if failure is None:
        state = certificate_fields(record)["certificateStatus"]
        raise RailwayError(f"Certificate of {record['domain']} has not failed ({state}); nothing to retry")
    if not failure["retryable"]:
        raise RailwayError(f"Certificate issuance for {record['domain']} cannot be retried: {failure['message']}")
    record["certificateFailure"] = None
    record["updatedAt"] = context.now()
    context.changed()
    return True


@control("POST", "domains/certificate")
def plan_certificate(context, body):
    """{"domain", "outcome": "ISSUE_FAILED"|"VALID", "retryable": true}: how that domain's next issuance ends."""
    domain = normalised(body.get("domain"))
    outcome = str(body.get("outcome") or "").upper()
    if not domain or outcome not in ("VALID", "ISSUE_FAILED"):
        raise ControlError('give "domain" and "outcome": "VALID" or "ISSUE_FAILED"')
    retryable = body.get("retryable", True)
    if not isinstance(retryable, bool):
        raise ControlError('"retryable" takes true or false')
    certificate_plans(context.data)[domain] = {"outcome": outcome, "retryable": retryable}
    context.changed()
    return {"certificatePlans": copy.deepcopy(certificate_plans(context.data))}


# ------------------------------------------------------------------ reads in bulk
def domains_of_instance(data, environment_id, service_id):
    return {"serviceDomains": live_domains(data, service_domains(data), environment_id, service_id),
            "customDomains": live_domains(data, custom_domains(data), environment_id, service_id)}


@resolves("Query", "domains")
def resolve_domains(_, info, projectId, environmentId, serviceId):
    context = info.context
    context.project(projectId)
    environment = context.environment(environmentId)
    service = context.service(serviceId)
    if environment["projectId"] != projectId or service["projectId"] != projectId:
        raise RailwayError("Service not found")
    return domains_of_instance(context.data, environmentId, serviceId)


@resolves("ServiceInstance", "domains")
def resolve_instance_domains(instance, info):
    return domains_of_instance(info.context.data, instance["environmentId"], instance["serviceId"])


def instance_hosts(data, environment_id, service_id):
    """Every host name that reaches a service instance (service domains first)."""
    found = domains_of_instance(data, environment_id, service_id)
    return [r["domain"] for r in found["serviceDomains"]] + [r["domain"] for r in found["customDomains"]]


def instance_for_host(data, host):
    """(environmentId, serviceId) of the live domain called `host`, or None. A custom domain Railway has not
    verified (no TXT record seen) answers nothing: Railway answers 404 for it."""
    host = normalised(host)
    for records in (service_domains(data), custom_domains(data)):
        for record in live_domains(data, records):
            if record["domain"] == host and (records is service_domains(data) or record.get("verifiedAt")):
                return record["environmentId"], record["serviceId"]
    return None
