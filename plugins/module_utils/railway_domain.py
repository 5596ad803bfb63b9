# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_domain: a service's Railway domain (*.up.railway.app) or custom domain, with the DNS records it needs.

railway_domains does the same for every service of an environment at once; both use railway_domain_plans."""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils.railway import (
    RailwayClient,
    railway_argument_spec,
    railway_environment_spec,
    resolve_instance,
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
    is_railway_name,
    note_unpropagated,
    service_domain_name,
    view,
    wait_all_verified,
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

DOMAINS_QUERY = (
    "query domains($projectId: String!, $environmentId: String!, $serviceId: String!) {"
    " domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {"
    " serviceDomains { %s } customDomains { %s } } }" % (SERVICE_DOMAIN_FIELDS, CUSTOM_DOMAIN_FIELDS)
)

__all__ = ["ARGUMENT_SPEC", "dns_records", "run"]


def _normalise(ctx, params):
    raw = params["domain"]
    kind = params["type"]
    if kind is None:
        bare = (raw or "").strip().lower().rstrip(".")
        kind = "service" if is_railway_name(bare) else "custom"
    domain = custom_domain_name(ctx, raw, "domain") if kind == "custom" else service_domain_name(ctx, raw, "domain")
    check_port(ctx, params["target_port"], "target_port")
    check_wait_options(ctx, params)
    return domain, kind


def read_domains(client, project, environment, service):
    return client.query(
        DOMAINS_QUERY, dict(projectId=project["id"], environmentId=environment["id"], serviceId=service["id"])
    )["domains"]


def _converge(ctx, client, ids, domain, kind):
    """The domain's outcome and, for a custom domain after wait: verified, the domain as Railway verified it."""
    params = ctx.params
    absent = params["state"] == "absent"

    def reread(section):
        return lambda: read_domains(client, *ids)[section]

    if kind == "service":
        current = read_domains(client, *ids)["serviceDomains"]
        return converge_service(
            ctx, client, ids, domain, params["target_port"], absent, current, reread("serviceDomains")
        )
    current = read_domains(client, *ids)["customDomains"]
    done = converge_custom(ctx, client, ids, domain, params["target_port"], absent, current, reread("customDomains"))
    record = done["record"]
    if params["wait"] == "verified" and not ctx.check_mode and not absent:
        found, changed = wait_all_verified(ctx, client, [record], reread("customDomains"), done["changed"])
        done = dict(done, record=found[record["domain"]], changed=changed)
    if not absent:
        note_unpropagated(ctx, done["record"])
    return done


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
        return ctx.result(changed=True, domain=domain_result(planned, kind), dns_records=[], diff=({}, view(planned)))
    done = _converge(ctx, client, (project, environment, service), domain, kind)
    record = done["record"]
    records = dns_records(record) if kind == "custom" and record and params["state"] == "present" else []
    return ctx.result(
        changed=done["changed"], domain=domain_result(record, kind), dns_records=records, diff=done["diff"]
    )
