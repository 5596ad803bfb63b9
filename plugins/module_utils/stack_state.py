# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The state a converge of the stack compares, read in bulk, providers at once (one thread each).

- Railway, 2 queries: the workspaces' plans with their projects' names, then the project with every environment's
  config (variable values decrypted), its staged changes, its service instances' latest deployment and domains
  (with their verification and certificate), its volume instances and its variables' names.
- Stripe, 2 lists: the prices by lookup key with their products (expand[]=data.product), then the webhook
  endpoints; products the stack has without a price are listed by ids[] (one more).
- Clerk, 2 reads, when the stack uses Clerk: the instance and its domains.
- DNS, per zone of the custom domains: the zone and its records at the domains' names (stack_plan reads them).

Each reader returns a normalized state (what a converge compares, without times or counters) and the reasons the
stack cannot be called converged whatever it matches: state a converge would wait on or repair (a latest deployment
not SUCCESS, a custom domain not verified or its certificate not valid, staged changes), or a part this read cannot
cover (more than one page, another run holding the lease).
"""

from __future__ import annotations

import concurrent.futures
from typing import Any, Callable

from ansible_collections.railstack.platform.plugins.module_utils.clerk import ClerkClient
from ansible_collections.railstack.platform.plugins.module_utils.railway import nodes
from ansible_collections.railstack.platform.plugins.module_utils.railway_lease import LEASE_SERVICE
from ansible_collections.railstack.platform.plugins.module_utils.stripe import StripeClient
from ansible_collections.railstack.platform.plugins.module_utils.stripe_price_plans import prices_by_lookup_key

PAGE = "pageInfo { hasNextPage }"
STATE_PROJECT_FIELDS = (
    "id name description prDeploys subscriptionType"
    " services(first: 100) { edges { node { id name } } %s }"
    " volumes(first: 100) { edges { node { id name } } %s }"
    " environments(first: 100) { edges { node { id name isEphemeral config(decryptVariables: true) configEtag"
    " unmergedChangesCount"
    " serviceInstances(first: 100) { edges { node { serviceId latestDeployment { id status }"
    " domains { serviceDomains { domain targetPort } customDomains { domain targetPort"
    " status { verified certificateStatus } } } } } %s }"
    " volumeInstances(first: 100) { edges { node { volumeId serviceId mountPath sizeMB state } } %s }"
    " variables(first: 100) { edges { node { name serviceId isSealed } } %s }"
    " } } %s }" % ((PAGE,) * 6)
)
CERTIFICATE_VALID = "CERTIFICATE_STATUS_TYPE_VALID"
# what a Stripe object keeps in the state: what the converge compares, not its times
PRICE_KEYS = (
    "id",
    "active",
    "currency",
    "unit_amount",
    "recurring",
    "tax_behavior",
    "lookup_key",
    "metadata",
    "nickname",
    "billing_scheme",
    "transform_quantity",
    "tiers_mode",
)
PRODUCT_KEYS = (
    "id",
    "active",
    "name",
    "description",
    "metadata",
    "marketing_features",
    "default_price",
    "tax_code",
    "statement_descriptor",
    "unit_label",
    "images",
    "url",
)
ENDPOINT_KEYS = ("id", "url", "status", "enabled_events", "api_version", "description", "metadata")

Reading = tuple[Any, list[str]]  # (the normalized state, the reasons it cannot be called converged)


def read_concurrently(readers: dict[str, Callable[[], Reading]]) -> dict[str, Reading]:
    """Run each provider's reader in a thread of its own; an error of one is raised after all are done."""
    if not readers:
        return {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(readers)) as pool:
        futures = {name: pool.submit(reader) for name, reader in readers.items()}
        concurrent.futures.wait(futures.values())
    return {name: future.result() for name, future in futures.items()}


# ---------------------------------------------------------------------------------------- Railway


def railway_state(project: dict | None, lease_is_ours: bool) -> Reading:
    """The project's normalized state; the lease service is left out (it comes and goes with each run)."""
    if project is None:
        return None, ["the project does not exist yet"]
    reasons = _more_pages(project, "services", "volumes", "environments")
    services = {s["id"]: s["name"] for s in nodes(project.get("services"))}
    lease_ids = {i for i, name in services.items() if name == LEASE_SERVICE}
    if lease_ids and not lease_is_ours:
        reasons.append("another run holds the stack's lease")
    environments = {}
    for env in nodes(project.get("environments")):
        state, env_reasons = _environment_state(env, lease_ids)
        environments[env["name"]] = state
        reasons += env_reasons
    state = dict(
        name=project.get("name"),
        description=project.get("description"),
        pr_deploys=project.get("prDeploys"),
        services={i: n for i, n in services.items() if i not in lease_ids},
        volumes={v["id"]: v["name"] for v in nodes(project.get("volumes"))},
        environments=environments,
    )
    return state, reasons


def _more_pages(node: dict, *connections: str) -> list[str]:
    return [
        "more than 100 %s in one list (read in one page only)" % name
        for name in connections
        if ((node.get(name) or {}).get("pageInfo") or {}).get("hasNextPage")
    ]


def _environment_state(env: dict, lease_ids: set[str]) -> Reading:
    name = env["name"]
    reasons = ["%s: %s" % (name, r) for r in _more_pages(env, "serviceInstances", "volumeInstances", "variables")]
    if env.get("unmergedChangesCount"):
        reasons.append("%s: it has staged changes" % name)
    config = dict(env.get("config") or {})
    config["services"] = {k: v for k, v in (config.get("services") or {}).items() if k not in lease_ids}
    instances = {}
    for instance in nodes(env.get("serviceInstances")):
        if instance["serviceId"] in lease_ids:
            continue
        instances[instance["serviceId"]] = instance
        reasons += _instance_reasons(name, instance)
    return (
        dict(
            is_ephemeral=env.get("isEphemeral"),
            config=config,
            instances=instances,
            volume_instances=sorted(nodes(env.get("volumeInstances")), key=lambda v: str(v.get("volumeId"))),
            variables=sorted(
                (v["name"], v.get("serviceId") or "", bool(v.get("isSealed")))
                for v in nodes(env.get("variables"))
                if v.get("serviceId") not in lease_ids
            ),
        ),
        reasons,
    )


def _instance_reasons(environment: str, instance: dict) -> list[str]:
    """What a converge would wait on at this service instance."""
    reasons = []
    deployment = instance.get("latestDeployment")
    if deployment and deployment.get("status") != "SUCCESS":
        reasons.append(
            "%s: the latest deployment of service %s is %s" % (environment, instance["serviceId"], deployment["status"])
        )
    for domain in ((instance.get("domains") or {}).get("customDomains")) or []:
        status = domain.get("status") or {}
        if not status.get("verified") or status.get("certificateStatus") != CERTIFICATE_VALID:
            reasons.append(
                "%s: custom domain %s is not verified with a valid certificate" % (environment, domain["domain"])
            )
    return reasons


# ---------------------------------------------------------------------------------------- Stripe


def stripe_state(client: StripeClient, prices: list, products: list, webhooks: bool) -> Reading:
    """The stack's prices (by lookup key, with their products), its products without a price, and the webhook
    endpoints when the stack has webhooks."""
    found = {
        str(key): price
        for key, price in prices_by_lookup_key(
            client, [p["lookup_key"] for p in prices], expand=("data.product",)
        ).items()
    }
    read_products = {}
    for price in found.values():
        product = price.get("product")
        if isinstance(product, dict):
            read_products[product.get("id")] = _keep(product, PRODUCT_KEYS)
    missing = [p["id"] for p in products if p.get("id") and p["id"] not in read_products]
    if missing:
        for product in client.list_all("/products", {"ids": missing}):
            read_products[product.get("id")] = _keep(product, PRODUCT_KEYS)
    state: dict[str, Any] = dict(
        prices={k: _keep(dict(p, product=_product_id(p)), PRICE_KEYS + ("product",)) for k, p in found.items()},
        products=read_products,
    )
    if webhooks:
        state["webhook_endpoints"] = sorted(
            (_keep(e, ENDPOINT_KEYS) for e in client.list_all("/webhook_endpoints")), key=lambda e: str(e.get("id"))
        )
    return state, []


def _product_id(price: dict) -> Any:
    product = price.get("product")
    return product.get("id") if isinstance(product, dict) else product


def _keep(obj: dict, keys: tuple) -> dict:
    return {k: obj.get(k) for k in keys}


# ---------------------------------------------------------------------------------------- Clerk


def clerk_state(client: ClerkClient) -> Reading:
    """The instance and its domains, as Clerk returns them (times left out)."""
    instance = _without_times(client.get("/instance"))
    domains = sorted(
        (_without_times(d) for d in client.list("/domains", paginated=False)), key=lambda d: str(d.get("id"))
    )
    return dict(instance=instance, domains=domains), []


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k not in ("created_at", "updated_at")}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value
