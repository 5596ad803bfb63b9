# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_domains: the service and custom domains of every service of one environment, in one read.

railway_domain is the same for one domain; both use railway_domain_plans.
"""

from __future__ import annotations

from typing import Any, Optional

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError, PageGuard
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext
from ansible_collections.railstack.platform.plugins.module_utils.railway import (
    INSTANCE_PROJECT_FIELDS,
    PAGE_SIZE,
    RailwayClient,
    is_id,
    nodes,
    pick_environment,
    pick_service,
    railway_argument_spec,
    railway_environment_spec,
)
from ansible_collections.railstack.platform.plugins.module_utils.railway_domain_plans import (
    CUSTOM_DOMAIN_FIELDS,
    SERVICE_DOMAIN_FIELDS,
    check_port,
    check_wait_options,
    converge_custom,
    converge_service,
    custom_domain_name,
    dns_records,
    domain_result,
    note_unpropagated,
    service_domain_name,
    wait_all_verified,
)

Record = dict[str, Any]

DOMAIN_OPTIONS = dict(
    domain=dict(type="str", required=True),
    target_port=dict(type="int"),
    dns=dict(type="dict"),
    wait=dict(type="bool", default=True),
)
# What a service's plan record (stack_check's) holds besides: taken, so that a record is passed whole, and left to
# the modules that do it (railway_services, railway_volumes, railway_deployments).
RECORD_OPTIONS = dict(
    {
        key: dict(type="raw")
        for key in (
            "role",
            "source",
            "build",
            "deploy",
            "private_network_endpoint",
            "tcp_proxy_port",
            "volume",
            "health_check",
            "wait",
            "wait_timeout",
            "rollback_on_failure",
            "public_address",
        )
    },
    variables=dict(type="dict", no_log=False),  # ignored: never read, never returned
)
SERVICE_OPTIONS = dict(
    RECORD_OPTIONS,
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    service_domain=dict(type="raw"),
    target_port=dict(type="int"),
    domains=dict(type="list", elements="dict", default=[], options=DOMAIN_OPTIONS),
)
ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
    wait=dict(type="str", default="none", choices=["none", "verified"]),
    wait_timeout=dict(type="int", default=600),
    wait_interval=dict(type="float", default=10.0),
    certificate_retries=dict(type="int", default=2),
    services=dict(type="list", elements="dict", required=True, options=SERVICE_OPTIONS),
)

INSTANCE_DOMAINS = (
    "serviceInstances(first: $first, after: $after) { edges { node { serviceId"
    " domains { serviceDomains { %s } customDomains { %s } } } } pageInfo { hasNextPage endCursor } }"
    % (SERVICE_DOMAIN_FIELDS, CUSTOM_DOMAIN_FIELDS)
)
ENVIRONMENT_DOMAINS_QUERY = (
    "query environmentDomains($id: String!, $first: Int, $after: String) { environment(id: $id) { %s } }"
    % INSTANCE_DOMAINS
)
# given the project's and the environment's ids: both, and the first page of the domains, in one query
PROJECT_DOMAINS_QUERY = (
    "query projectDomains($projectId: String!, $environmentId: String!, $first: Int, $after: String) {"
    " project(id: $projectId) { %s } environment(id: $environmentId) { id name projectId %s } }"
    % (INSTANCE_PROJECT_FIELDS, INSTANCE_DOMAINS)
)


# ------------------------------------------------------------------ what is asked
def _where(index: int, item: Record) -> str:
    return "services[%d] (%s)" % (index, item["name"])


def _wanted(ctx: TaskContext, services: list[Record]) -> list[Record]:
    """Each item with its names checked and normalised: `service_domain` is None (leave), False (remove), True
    (Railway's generated one) or the full *.up.railway.app name; each custom domain has its name and port."""
    seen: dict[str, str] = {}
    wanted = []
    for index, item in enumerate(services):
        where = _where(index, item)
        if item["state"] == "absent":  # its domains go with the service (railway_services deletes it)
            wanted.append(dict(item, where=where, service_domain=None, domains=[]))
            continue
        check_port(ctx, item["target_port"], where + ".target_port")
        wanted.append(
            dict(
                item,
                where=where,
                service_domain=_service_domain(ctx, item["service_domain"], where),
                domains=_custom_domains(ctx, item, where, seen),
            )
        )
    return wanted


def _service_domain(ctx: TaskContext, value: Any, where: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if not isinstance(value, str):
        ctx.fail("%s.service_domain: give true, false, a name or null (got %r)." % (where, value))
    return service_domain_name(ctx, value, where + ".service_domain") or None


def _custom_domains(ctx: TaskContext, item: Record, where: str, seen: dict[str, str]) -> list[Record]:
    out = []
    for index, entry in enumerate(item["domains"] or []):
        here = "%s.domains[%d]" % (where, index)
        name = custom_domain_name(ctx, entry["domain"], here + ".domain")
        if name in seen:
            ctx.fail(
                "%s.domain: %s is also a domain of %s; a domain belongs to one service." % (here, name, seen[name])
            )
        seen[name] = item["name"]
        port = entry["target_port"] if entry["target_port"] is not None else item["target_port"]
        check_port(ctx, port, here + ".target_port")
        _check_zone(ctx, entry["dns"], name, here + ".dns")
        out.append(dict(entry, domain=name, target_port=port))
    return out


def _check_zone(ctx: TaskContext, dns: Optional[Record], domain: str, where: str) -> None:
    """A DNS provider other than manual needs the zone that holds the domain."""
    if not dns or dns.get("provider") in (None, "manual"):
        return
    zone = (dns.get("zone") or "").lower().rstrip(".")
    if not zone:
        ctx.fail("%s.zone: the zone at %s that holds %s (or provider: manual)." % (where, dns["provider"], domain))
    if domain != zone and not domain.endswith("." + zone):
        ctx.fail("%s.zone: %s is not in zone %s." % (where, domain, zone))


# ------------------------------------------------------------------ reads
def read_environment_domains(
    client: RailwayClient, environment: Record, first_page: Optional[Record] = None
) -> dict[str, Record]:
    """{serviceId: {serviceDomains, customDomains}} of every service instance of the environment (all pages),
    the first page read already when given (the environment's serviceInstances)."""
    found: dict[str, Record] = {}
    guard = PageGuard("Railway", "query environmentDomains")
    instances = first_page
    while True:
        if instances is None:
            page = client.query(ENVIRONMENT_DOMAINS_QUERY, dict(id=environment["id"], first=PAGE_SIZE, after=None))
            instances = page["environment"]["serviceInstances"]
        for node in nodes(instances):
            found[node["serviceId"]] = node.get("domains") or {}
        if not instances["pageInfo"]["hasNextPage"]:
            return found
        after = guard.advance(instances["pageInfo"]["endCursor"])
        page = client.query(ENVIRONMENT_DOMAINS_QUERY, dict(id=environment["id"], first=PAGE_SIZE, after=after))
        instances = page["environment"]["serviceInstances"]


def _read_by_ids(ctx: TaskContext, client: RailwayClient) -> tuple[Record, Record, dict[str, Record]]:
    """(project, environment, domains per service id) given both ids: one query, more for further pages."""
    params = ctx.params
    try:
        data = client.query(
            PROJECT_DOMAINS_QUERY,
            dict(projectId=params["project"], environmentId=params["environment"], first=PAGE_SIZE, after=None),
        )
    except ApiError as exc:
        if "not found" in exc.message.lower():
            ctx.fail(
                "project: %s (project %s, environment %s)" % (exc.message, params["project"], params["environment"])
            )
        raise
    project, found = data["project"], data["environment"]
    if found["projectId"] != project["id"]:
        ctx.fail(
            "environment: %s is not an environment of project %s (it has: %s)."
            % (
                params["environment"],
                project["name"],
                ", ".join(sorted(e["name"] for e in nodes(project.get("environments")))) or "none",
            )
        )
    environment = dict(id=found["id"], name=found["name"])
    return project, environment, read_environment_domains(client, environment, found["serviceInstances"])


def _read(ctx: TaskContext, client: RailwayClient) -> tuple[Optional[Record], Optional[Record], dict[str, Record]]:
    """(project, environment, domains per service id); None for what is missing in check mode."""
    if is_id(ctx.params["project"]) and is_id(ctx.params["environment"]):
        return _read_by_ids(ctx, client)
    project, environment = _resolve(ctx, client)
    return project, environment, read_environment_domains(client, environment) if environment else {}


def _resolve(ctx: TaskContext, client: RailwayClient) -> tuple[Optional[Record], Optional[Record]]:
    """(project, environment) in one query; None for what is missing in check mode (an earlier task creates it)."""
    params = ctx.params
    project = client.resolve_project(
        params["project"], params.get("workspace_id"), INSTANCE_PROJECT_FIELDS, required=not ctx.check_mode
    )
    environment = pick_environment(project, params["environment"]) if project else None
    if project and environment is None and not ctx.check_mode:
        ctx.fail(
            "environment: project %r has no environment %r (it has: %s)."
            % (
                project["name"],
                params["environment"],
                ", ".join(sorted(e["name"] for e in nodes(project.get("environments")))) or "none",
            )
        )
    return project, environment


def _service(ctx: TaskContext, project: Optional[Record], index: int, item: Record) -> Record:
    """The service named by an item; in check mode a planned one (id None) when it does not exist yet."""
    service = pick_service(project, item["name"]) if project else None
    if service is not None:
        return service
    if not ctx.check_mode:
        ctx.fail(
            "%s.name: project %r has no service %r (it has: %s); create it first (railway_services)."
            % (
                _where(index, item),
                (project or {}).get("name"),
                item["name"],
                ", ".join(sorted(s["name"] for s in nodes((project or {}).get("services")))) or "none",
            )
        )
    ctx.warn(
        "service %r does not exist yet; in check mode its domains are reported as to be created with it." % item["name"]
    )
    return dict(id=None, name=item["name"])


# ------------------------------------------------------------------ converge
def _converge_item(
    ctx: TaskContext,
    client: RailwayClient,
    ids: tuple[Record, Record, Record],
    item: Record,
    current: Record,
    reread: Any,
) -> Record:
    """One service's domains: its Railway domain (unless left alone) and each custom domain it lists."""
    service_id = ids[2]["id"]
    wanted = item["service_domain"]
    service_outcome = None
    if wanted is not None:
        service_outcome = converge_service(
            ctx,
            client,
            ids,
            wanted if isinstance(wanted, str) else None,
            item["target_port"],
            wanted is False,
            current.get("serviceDomains") or [],
            lambda: reread(service_id).get("serviceDomains") or [],
            where=item["where"] + ".service_domain",
        )
    customs = [
        converge_custom(
            ctx,
            client,
            ids,
            entry["domain"],
            entry["target_port"],
            False,
            current.get("customDomains") or [],
            lambda: reread(service_id).get("customDomains") or [],
        )
        for entry in item["domains"]
    ]
    return dict(item=item, service=service_outcome, customs=customs)


def _wait(ctx: TaskContext, client: RailwayClient, environment: Record, rows: list[Record], changed: bool) -> bool:
    """With wait: verified, wait for every custom domain whose item says wait, all at once (one read per poll)."""
    waiting = [
        (entry, done) for row in rows for entry, done in zip(row["item"]["domains"], row["customs"]) if entry["wait"]
    ]
    if ctx.params["wait"] != "verified" or ctx.check_mode or not waiting:
        return changed

    def reread_all() -> list[Record]:
        found = read_environment_domains(client, environment)
        return [custom for domains in found.values() for custom in domains.get("customDomains") or []]

    found, changed = wait_all_verified(ctx, client, [done["record"] for dummy, done in waiting], reread_all, changed)
    for dummy, done in waiting:
        done["record"] = found[done["record"]["domain"]]
    return changed


# ------------------------------------------------------------------ results
def _service_result(row: Record) -> Record:
    service_outcome = row["service"]
    removed = row["item"]["service_domain"] is False
    service_domain = None
    if service_outcome is not None and not removed:
        service_domain = domain_result(service_outcome["record"], "service") or None
    customs = [
        dict(domain_result(done["record"], "custom"), dns_records=dns_records(done["record"]))
        for done in row["customs"]
    ]
    host = (customs[0]["domain"] if customs else None) or (service_domain or {}).get("domain")
    return dict(
        name=row["item"]["name"],
        service_domain=service_domain,
        custom_domains=customs,
        public_url="https://%s" % host if host else None,
    )


def _dns(rows: list[Record]) -> tuple[list[Record], list[Record]]:
    """(the records to write grouped per provider and zone, the records to add by hand per domain)."""
    zones: dict[tuple[str, str], list[Record]] = {}
    manual = []
    for row in rows:
        for entry, done in zip(row["item"]["domains"], row["customs"]):
            records = dns_records(done["record"])
            dns = entry["dns"] or {}
            if not records:
                continue
            if dns.get("provider") in (None, "manual"):
                manual.append(dict(domain=entry["domain"], records=records))
            else:
                zone = dns["zone"].lower().rstrip(".")
                zones.setdefault((dns["provider"], zone), []).extend(records)
    return [dict(provider=provider, zone=zone, records=records) for (provider, zone), records in zones.items()], manual


def _diff(environment: Record, rows: list[Record]) -> list[Record]:
    """One hunk per service whose domains change, headed by the environment and the service."""
    hunks = []
    for row in rows:
        sides: list[Record] = [dict(custom_domains={}), dict(custom_domains={})]
        if row["service"] is not None:
            for side, value in zip(sides, row["service"]["diff"]):
                side["service_domain"] = value
        for entry, done in zip(row["item"]["domains"], row["customs"]):
            for side, value in zip(sides, done["diff"]):
                side["custom_domains"][entry["domain"]] = value
        if sides[0] != sides[1]:
            header = "environment %s, domains of service %s" % (environment.get("name") or "?", row["item"]["name"])
            hunks.append(dict(before=sides[0], before_header=header, after=sides[1], after_header=header))
    return hunks


def run(ctx: TaskContext) -> Record:
    params = ctx.params
    check_wait_options(ctx, params)
    wanted = _wanted(ctx, params["services"])
    if not wanted:
        return ctx.result(changed=False, services=[], dns=[], manual_records=[])
    client = ctx.register_client(RailwayClient(params))
    project, environment, current = _read(ctx, client)
    if environment is None:  # check mode: an earlier task of the run would create it
        ctx.warn(
            "environment %r does not exist yet; in check mode its domains are reported as to be created with it."
            % params["environment"]
        )
    planned_project = project or dict(id=None, name=params["project"])
    planned_environment = environment or dict(id=None, name=params["environment"])

    def reread(service_id: str) -> Record:
        return read_environment_domains(client, planned_environment).get(service_id) or {}

    rows: list[Record] = []
    for index, item in enumerate(wanted):
        if item["state"] == "absent":
            rows.append(dict(item=item, service=None, customs=[]))
            continue
        service = _service(ctx, project, index, item)
        ids = (planned_project, planned_environment, service)
        rows.append(_converge_item(ctx, client, ids, item, current.get(service["id"]) or {}, reread))
    changed = any(row["service"] and row["service"]["changed"] for row in rows) or any(
        done["changed"] for row in rows for done in row["customs"]
    )
    changed = _wait(ctx, client, planned_environment, rows, changed)
    for row in rows:
        for done in row["customs"]:
            note_unpropagated(ctx, done["record"])
    zones, manual = _dns(rows)
    return ctx.result(
        changed=changed,
        services=[_service_result(row) for row in rows],
        dns=zones,
        manual_records=manual,
        diff=_diff(planned_environment, rows),
    )
