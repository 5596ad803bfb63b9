# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stack_check: a whole stack file checked before the first request, and the plan of each environment.

The stack file (docs/stack-file.md) is one dict, `stack`. This module

1. checks its shape (stack_shape, against the options of stack_options): every key known, every value of the
   right type, naming the place at fault
   (`stack.services[prela-api-gateway].deploy.num_replicas: ...`) and never quoting a value. The pieces handed
   to a module are checked against that module's own ARGUMENT_SPEC (databases against railway_database's,
   Stripe prices against stripe_price's, ...) and its own value checks, so the stack and the modules cannot
   disagree; the values the file alone decides (whole numbers, host names, cron schedules, Stripe event types,
   variables: stack_values, stack_variables), and the stack-wide rules (stack_rules: live Stripe keys, zones, overrides);
2. merges each environment's overrides into the stack, and applies the service roles
   (web, static, worker, scheduler);
3. checks the cross-references: every `${{Service.VARIABLE}}` names a service or database of the stack
   and a variable it has (railway_variables.reference_problems, the same check the Railway modules make
   against Railway), `variables_from` and webhooks name services of the stack, prices name products,
   bindings (`{stripe_price: ...}`, `{clerk: ...}`) name what the stack makes; and what references render
   (stack_refs: cycles, RAILWAY_PUBLIC_DOMAIN of a service with no domain);
4. returns the plan of each environment (stack_build): the items railway_services takes, the databases, the
   per-service steps (volume, domains, health check), the webhooks; with `outputs` (the price ids and
   Clerk values a run has by then), bindings are resolved into variable values.

The plan holds variable values, so the task's result is marked no_log; `summary` (names only) is what
a play shows.
"""

from __future__ import annotations

import copy
from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils import railway_database, railway_service_plans
from ansible_collections.railstack.platform.plugins.module_utils.railway_variable_specs import reference_problems
from ansible_collections.railstack.platform.plugins.module_utils import stack_build, stack_refs, stack_rules
from ansible_collections.railstack.platform.plugins.module_utils.stack_build import (
    providers_needed,
    public_address,
    requirements,
)
from ansible_collections.railstack.platform.plugins.module_utils.stack_options import (
    DATABASE_OPTIONS,
    ENGINES,
    PUBLIC_ROLES,
    SERVICE_OPTIONS,
    STACK_OPTIONS,
)
from ansible_collections.railstack.platform.plugins.module_utils.stack_shape import (
    LABEL_LENGTH,
    _item_label,
    module_problems,
    printable,
    shape,
)
from ansible_collections.railstack.platform.plugins.module_utils.stack_values import (
    candidates,
    cron_problems,
    host_name_problem,
    kind_of,
)
from ansible_collections.railstack.platform.plugins.module_utils.stack_variables import (
    check_variables,
    database_variables,
    reference_texts,
    service_variable_map,
    variable_kind,
    variables_from_parts,
    variables_from_problems,
)

# A dict of the stack (a service, a database, a webhook, a plan), and one with the place it has in the file.
Item = dict[str, Any]
Placed = tuple[str, Item]

ARGUMENT_SPEC = dict(
    stack=dict(type="dict"),
    stack_variable=dict(type="str"),
    environment=dict(type="str"),
    outputs=dict(type="dict", default={}),
    check_references=dict(type="bool", default=True),
    allow_live=dict(type="bool"),
    stripe_api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["STRIPE_API_KEY"])),
)
MODULE_KWARGS = dict(required_one_of=[["stack", "stack_variable"]], mutually_exclusive=[["stack", "stack_variable"]])


# ---------------------------------------------------------------------------------------- shape (stack_shape)


def _fail(errors: list[str]) -> None:
    if errors:
        raise TaskFailed("; ".join(errors), problems=errors)


# ---------------------------------------------------------------------------------------- environments

FLAT_MAPS = ("variables", "shared_variables")


def deep_merge(base: Any, override: Any, flat: bool = False) -> Any:
    """override merged into base: dicts key by key, null removes a key, anything else replaces.

    Variables maps merge one level only: a variable of the override replaces the stack's whole.
    """
    if not isinstance(base, dict) or not isinstance(override, dict):
        return copy.deepcopy(override)
    out = copy.deepcopy(base)
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif flat or key not in out:
            out[key] = copy.deepcopy(value)
        else:
            out[key] = deep_merge(out[key], value, flat=key in FLAT_MAPS)
    return out


def _merge_by_name(
    items: list[Item], overrides: dict[str, Any], kind: str, where: str, errors: list[str]
) -> list[Item]:
    """Each item (a dict with a name) with the environment's override of the same name merged in."""
    names = [i["name"] for i in items]
    for name in overrides:
        if name not in names:
            errors.append(
                "%s.%s: the stack has no %s called %r%s."
                % (where, printable(name), kind, printable(name), candidates(name, names))
            )
    return [deep_merge(i, overrides[i["name"]]) if isinstance(overrides.get(i["name"]), dict) else i for i in items]


# ---------------------------------------------------------------------------------------- services


def apply_role(service: Item, where: str, errors: list[str]) -> Item:
    """The settings a service's role implies, and the role's rules."""
    role = service["role"]
    deploy = dict(service.get("deploy") or {})
    public = bool(service.get("domains")) or service.get("service_domain") not in (None, False, "")
    if role in ("worker", "scheduler"):
        if deploy.get("healthcheck_path"):
            errors.append(
                "%s.deploy.healthcheck_path: a %s serves no HTTP, so Railway's health check could never pass."
                % (where, role)
            )
        if public:
            errors.append(
                "%s: a %s has no domain; give it role web (or remove domains and service_domain)." % (where, role)
            )
        if service.get("health_check"):
            errors.append("%s.health_check: a %s serves no HTTP." % (where, role))
        deploy["healthcheck_path"] = ""  # removes one set by hand
    if role == "worker":
        if not deploy.get("start_command"):
            errors.append(
                "%s.deploy.start_command: a worker needs its command (php artisan queue:work, celery -A app worker, ...)."
                % where
            )
        if deploy.get("restart_policy_type") is None:
            deploy["restart_policy_type"] = "ON_FAILURE"
    if role == "scheduler":
        if not deploy.get("start_command") and not deploy.get("cron_schedule"):
            errors.append(
                "%s.deploy: a scheduler needs start_command (php artisan schedule:work, celery -A app beat) "
                "or cron_schedule (a Railway cron job)." % where
            )
        if deploy.get("num_replicas") not in (None, 1) or deploy.get("multi_region_config"):
            errors.append(
                "%s.deploy.num_replicas: a scheduler runs exactly one replica, or every job would run "
                "once per replica." % where
            )
        deploy["num_replicas"] = 1
        if deploy.get("restart_policy_type") is None:
            deploy["restart_policy_type"] = "NEVER" if deploy.get("cron_schedule") else "ON_FAILURE"
    if role in PUBLIC_ROLES:
        check = service.get("health_check")
        if check and deploy.get("healthcheck_path") is None:
            deploy["healthcheck_path"] = check["path"]
        if check and not check["path"].startswith("/"):
            errors.append("%s.health_check.path: a path starting with / (such as /health)." % where)
    if service.get("volume") and ((deploy.get("num_replicas") or 1) > 1 or deploy.get("multi_region_config")):
        errors.append("%s.volume: Railway mounts a volume on a service of one replica only." % where)
    return dict(service, deploy=deploy)


# ---------------------------------------------------------------------------------------- the whole check


def _service_domain_problem(name: Any, where: str) -> str | None:
    """service_domain is true, false, or a Railway domain: a name (prela-api) or name.up.railway.app."""
    if name is None or isinstance(name, bool) or name == "":
        return None
    if not isinstance(name, str):
        return "%s: true (a generated Railway domain), a name (prela-api) or false, got %s." % (where, kind_of(name))
    host = name if "." in name else name + ".up.railway.app"
    if not host.endswith(".up.railway.app"):
        return (
            "%s: a Railway domain is a name (prela-api) or name.up.railway.app; custom domains go in domains." % where
        )
    return host_name_problem(host, where)


def _dns_for(stack: Item, dns: Item | None, where: str, domain: str, errors: list[str]) -> Item | None:
    merged = dict(stack.get("dns") or {})
    merged.update({k: v for k, v in (dns or {}).items() if v is not None})
    if not merged.get("provider"):
        errors.append(
            "%s.dns: no DNS provider for %s; give stack.dns or this domain's dns "
            "(provider: manual leaves the records to you)." % (where, domain)
        )
        return None
    if merged["provider"] != "manual":
        zone = (merged.get("zone") or "").rstrip(".")
        zone_problem = host_name_problem(zone, where + ".dns.zone") if zone else None
        if not zone:
            errors.append("%s.dns.zone: the zone that holds %s." % (where, domain))
        elif zone_problem:
            errors.append(zone_problem)
        elif domain.rstrip(".") != zone and not domain.rstrip(".").endswith("." + zone):
            errors.append("%s.dns.zone: %s is not in zone %s." % (where, domain, zone))
    merged.setdefault("zone", None)
    return merged


class Checker:
    """One stack, checked; plan(environment) gives an environment's plan."""

    def __init__(self, raw: Any, check_refs: bool = True) -> None:
        errors: list[str] = []
        self.stack = shape(raw, STACK_OPTIONS, "stack", errors)
        _fail(errors)
        for database in self.stack["databases"]:
            if not database.get("name"):  # as Railway's templates name them
                database["name"] = railway_database.TEMPLATES[database["engine"]]["name"]
        self.check_refs = check_refs
        self.warnings: list[str] = []
        self._check_names(errors)
        errors += stack_rules.file_problems(self.stack)
        _fail(errors)

    # -- names that must be unique and must exist
    def _check_names(self, errors: list[str]) -> None:
        stack = self.stack
        seen: dict[str, str] = {}
        for kind, items in (("database", stack["databases"]), ("service", stack["services"])):
            for item in items:
                if item["name"] in seen:
                    errors.append(
                        "stack.%ss[%s].name: %r is also the name of a %s; names are unique in a Railway project."
                        % (kind, printable(item["name"]), printable(item["name"]), seen[item["name"]])
                    )
                seen[item["name"]] = kind
        envs = [e["name"] for e in stack["environments"]]
        for name in set(envs):
            if envs.count(name) > 1:
                errors.append("stack.environments[%s]: listed twice." % name)
        if not envs:
            errors.append("stack.environments: at least one environment.")
        for env in stack["environments"]:
            source = env.get("source_environment")
            if source and source not in envs:
                errors.append(
                    "stack.environments[%s].source_environment: %r is not an environment of the stack%s."
                    % (printable(env["name"]), printable(source), candidates(source, envs))
                )
        for database in stack["databases"]:
            where = "stack.databases[%s]" % database["name"]
            if database.get("migrations") and database["engine"] != "postgres":
                errors.append("%s.migrations: only for engine postgres." % where)
            elif database.get("migrations") and database.get("public") is not True:
                errors.append(
                    "%s.migrations: they run from outside Railway, over the public URL; give the database "
                    "public: true." % where
                )
        stripe = stack.get("stripe") or {}
        products = [p["id"] for p in stripe.get("products") or []]
        keys = [p["lookup_key"] for p in stripe.get("prices") or []]
        for key in set(keys):
            if keys.count(key) > 1:
                errors.append("stack.stripe.prices[%s]: lookup_key listed twice." % key)
        for product in set(products):
            if products.count(product) > 1:
                errors.append("stack.stripe.products[%s]: id listed twice." % product)
        for price in stripe.get("prices") or []:
            product = price["product"]
            if product not in products and not product.startswith("prod_"):
                errors.append(
                    "stack.stripe.prices[%s].product: the stack has no product %r%s."
                    % (printable(price["lookup_key"]), printable(product), candidates(product, products))
                )

    # -- one environment
    def environment(self, name: str) -> Item:
        for env in self.stack["environments"]:
            if env["name"] == name:
                return env
        raise TaskFailed(
            "environment: %r is not an environment of the stack%s."
            % (name, candidates(name, [e["name"] for e in self.stack["environments"]]))
        )

    def plan(self, env_name: str, outputs: dict[str, Any] | None = None) -> Item:
        env = self.environment(env_name)
        services, databases = self._shaped_parts(env)
        errors: list[str] = []
        by_name = {s["name"]: s for dummy, s in services}
        shared = deep_merge(self.stack["shared_variables"], env.get("shared_variables") or {}, flat=True)
        for where, service in services:
            self._check_service(where, service, by_name, errors)
        check_variables(shared, "stack.shared_variables", errors, self.stack)
        webhooks = self._webhooks(by_name, errors)
        domains = self._domains(services, errors)
        clerk = self._clerk(errors)
        _fail(errors)
        variable_maps = {s["name"]: service_variable_map(s, by_name) for dummy, s in services}
        if self.check_refs:
            errors += self._reference_problems(env_name, services, databases, shared, variable_maps, webhooks)
        _fail(errors)
        return self._build(env, services, databases, shared, variable_maps, webhooks, domains, clerk, outputs or {})

    def _shaped_parts(self, env: Item) -> tuple[list[Placed], list[Placed]]:
        """The environment's services (roles applied) and databases, overrides merged in, each with its place."""
        errors: list[str] = []
        env_name = env["name"]
        overrides = {kind: env.get(kind) or {} for kind in ("services", "databases")}
        where_env = "stack.environments[%s]" % env_name
        services_raw = _merge_by_name(
            self.stack["services"], overrides["services"], "service", where_env + ".services", errors
        )
        databases_raw = _merge_by_name(
            self.stack["databases"], overrides["databases"], "database", where_env + ".databases", errors
        )
        _fail(errors)
        services, databases = [], []
        for raw in services_raw:
            where = "stack.services[%s]" % raw["name"]
            if overrides["services"].get(raw["name"]):
                where += " (in %s)" % env_name
            shaped = shape(raw, SERVICE_OPTIONS, where, errors, [["image", "repo"]])
            if shaped.get("source") and len([k for k in ("image", "repo") if shaped["source"].get(k)]) > 1:
                errors.append("%s.source: give image or repo, not both." % where)
            services.append((where, shaped))
        for raw in databases_raw:
            where = "stack.databases[%s]" % raw["name"]
            shaped = shape(raw, DATABASE_OPTIONS, where, errors, [["version", "image"]])
            if shaped.get("engine") in ENGINES:
                errors += module_problems(railway_database._validate, railway_database.ARGUMENT_SPEC, shaped, where)  # pylint: disable=protected-access
            databases.append((where, shaped))
        _fail(errors)
        services = [(where, apply_role(s, where, errors)) for where, s in services]
        for where, service in services:
            schedule = service["deploy"].get("cron_schedule")
            problems = cron_problems(schedule, where + ".deploy.cron_schedule") if schedule is not None else []
            errors += problems
            if not problems:
                try:
                    railway_service_plans.validate_item(service, where)
                except TaskFailed as exc:
                    errors.append(exc.msg)
        _fail(errors)
        return services, databases

    def _check_service(self, where: str, service: Item, by_name: dict[str, Item], errors: list[str]) -> None:
        """variables_from names another service of the stack; the variables' shapes and bindings."""
        if service.get("variables_from") is not None:
            source = variables_from_parts(service["variables_from"])[0]
            problems = variables_from_problems(service["variables_from"], where, by_name)
            if problems:
                errors += problems
            elif source == service["name"]:
                errors.append("%s.variables_from: a service cannot take its variables from itself." % where)
            elif by_name[source].get("variables_from"):
                errors.append(
                    "%s.variables_from: %s takes its own variables from %s; name that one."
                    % (where, source, variables_from_parts(by_name[source]["variables_from"])[0])
                )
        check_variables(service.get("variables") or {}, where + ".variables", errors, self.stack)

    def _reference_problems(
        self,
        env_name: str,
        services: list[Placed],
        databases: list[Placed],
        shared: Item,
        variable_maps: dict[str, Item],
        webhooks: list[Item],
    ) -> list[str]:
        """References that name nothing (as Railway would find them), cycles, and domains that are not there."""
        catalog: dict[str, Any] = dict(services={}, shared=set(shared), environment=env_name)
        for dummy, database in databases:
            catalog["services"][database["name"]] = database_variables(database)
        for name, variables in variable_maps.items():
            catalog["services"][name] = {n for n, v in variables.items() if variable_kind(v) != "empty"}
        for hook in webhooks:
            catalog["services"].setdefault(hook["secret_service"], set()).add(hook["secret_variable"])
        values, places, problems = {}, {}, []
        for where, service in services:
            if service["state"] != "present":
                continue
            texts = reference_texts(variable_maps[service["name"]])
            problems += reference_problems(where + ".variables", texts, service["name"], catalog)
            for var, text in texts.items():
                values[(service["name"], var)] = text
                own = var in (service.get("variables") or {})
                places[(service["name"], var)] = "%s.%s" % (
                    where,
                    "variables." + var if own else "variables_from (%s)" % var,
                )
        shared_texts = reference_texts(shared)
        problems += reference_problems("stack.shared_variables", shared_texts, None, catalog)
        if problems:
            return problems
        for var, text in shared_texts.items():
            values[(stack_refs.SHARED, var)] = text
            places[(stack_refs.SHARED, var)] = "stack.shared_variables." + var
        public = {s["name"]: public_address(s) is not None or bool(s.get("service_domain")) for dummy, s in services}
        public.update({d["name"]: False for dummy, d in databases})
        return stack_refs.cycle_problems(values, places) + stack_refs.domain_problems(values, places, public)

    def _webhooks(self, by_name: dict[str, Item], errors: list[str]) -> list[Item]:
        out = []
        for index, hook in enumerate((self.stack.get("stripe") or {}).get("webhooks") or []):
            where = "stack.stripe.webhooks[%s]" % _item_label(hook, index)
            service = hook.get("service")
            if service is not None and service not in by_name:
                errors.append(
                    "%s.service: the stack has no service %r%s."
                    % (where, printable(service), candidates(service, by_name))
                )
                continue
            if not hook.get("url") and not service:
                errors.append("%s: give url, or service (and path) for a URL on that service's public address." % where)
                continue
            url = hook.get("url")
            if not url:
                address = public_address(by_name[service])
                if (
                    by_name[service]["role"] not in PUBLIC_ROLES
                    or address is None
                    and not by_name[service].get("service_domain")
                ):
                    errors.append(
                        "%s.service: %s has no public address (domains or service_domain) for Stripe to send to."
                        % (where, service)
                    )
                    continue
                if hook.get("path") and not hook["path"].startswith("/"):
                    errors.append("%s.path: a path starting with / (such as /webhooks/stripe)." % where)
            secret_service = hook.get("secret_service") or service
            if not secret_service:
                errors.append("%s.secret_service: the service whose variable receives the signing secret." % where)
                continue
            if secret_service not in by_name:
                errors.append(
                    "%s.secret_service: the stack has no service %r%s."
                    % (where, printable(secret_service), candidates(secret_service, by_name))
                )
                continue
            out.append(dict(hook, key=hook.get("key") or service or url, secret_service=secret_service))
        keys = [h["key"] for h in out]
        for key in set(keys):
            if keys.count(key) > 1:
                errors.append("stack.stripe.webhooks[%s].key: two webhooks share it; give each a key." % key)
        return out

    def _domains(self, services: list[Placed], errors: list[str]) -> dict[str, list[Item]]:
        seen: dict[str, str] = {}
        out = {}
        for where, service in services:
            rows = []
            for domain in service.get("domains") or []:
                here = "%s.domains[%s]" % (where, domain["domain"][:LABEL_LENGTH])
                problem = host_name_problem(domain["domain"], here + ".domain", wildcard=True)
                if problem:
                    errors.append(problem)
                    continue
                if domain["domain"] in seen:
                    errors.append("%s: also a domain of %s." % (here, seen[domain["domain"]]))
                seen[domain["domain"]] = service["name"]
                dns = _dns_for(self.stack, domain.get("dns"), here, domain["domain"], errors)
                rows.append(
                    dict(
                        domain=domain["domain"],
                        target_port=domain.get("target_port") or service.get("target_port"),
                        dns=dns,
                        wait=domain["wait"],
                    )
                )
            out[service["name"]] = rows
            problem = _service_domain_problem(service.get("service_domain"), where + ".service_domain")
            if problem:
                errors.append(problem)
        return out

    def _clerk(self, errors: list[str]) -> Item:
        clerk = self.stack.get("clerk") or {}
        domain = clerk.get("domain")
        problem = (
            host_name_problem(domain["name"], "stack.clerk.domain.name") if domain and domain.get("name") else None
        )
        if problem:
            errors.append(problem)
        elif domain and domain.get("dns") is not None or (domain and self.stack.get("dns")):
            domain = dict(
                domain, dns=_dns_for(self.stack, domain.get("dns"), "stack.clerk.domain", domain["name"], errors)
            )
        return dict(instance=clerk.get("instance"), domain=domain)

    # -- the plan
    def _build(
        self,
        env: Item,
        services: list[Placed],
        databases: list[Placed],
        shared: dict[str, Any],
        variable_maps: dict[str, dict[str, Any]],
        webhooks: list[Item],
        domains: dict[str, list[Item]],
        clerk: Item,
        outputs: dict[str, Any],
    ) -> Item:
        records, summary = [], []
        pending: list[Item] = []
        for where, service in services:
            name = service["name"]
            variables, placement = stack_build.service_variables(
                where, name, variable_maps[name], outputs, pending, self.warnings
            )
            for hook in webhooks:
                if hook["secret_service"] == name:
                    placement.setdefault("written by the Stripe webhook", []).append(hook["secret_variable"])
            records.append(stack_build.service_record(service, variables, domains.get(name) or []))
            summary.append(
                dict(service=name, role=service["role"], variables={k: sorted(v) for k, v in placement.items()})
            )
        return dict(
            name=env["name"],
            source_environment=env.get("source_environment"),
            ephemeral=env.get("ephemeral"),
            shared_variables=stack_build.shared_values(shared, self.warnings),
            databases=[{k: v for k, v in database.items() if v is not None} for dummy, database in databases],
            services=records,
            roles=[stack_build.step_view(record) for record in records],
            webhooks=stack_build.webhook_rows(webhooks),
            clerk=clerk,
            notifications=self.stack["notifications"],
            pending=pending,
            summary=summary,
            needs=dict(clerk=stack_build.needs_clerk(pending, variable_maps)),
        )


def run(ctx: TaskContext) -> dict[str, Any]:
    params = ctx.params
    if params.get("stack") is None:
        raise TaskFailed("stack: required (stack_variable is read by the action plugin, which templates it).")
    checker = Checker(params["stack"], check_refs=params["check_references"])
    if params.get("allow_live") is False:
        _fail(stack_rules.live_key_problems(checker.stack, params.get("stripe_api_key")))
    names = [e["name"] for e in checker.stack["environments"]]
    if params["environment"]:
        checker.environment(params["environment"])
        names = [params["environment"]]
    plans = [checker.plan(name, params["outputs"]) for name in names]
    for warning in dict.fromkeys(checker.warnings):
        ctx.warn(warning)
    stack = checker.stack
    stripe = stack.get("stripe") or {}
    uses_clerk = any(p["needs"]["clerk"] for p in plans) or bool(stack.get("clerk"))
    result = ctx.result(
        changed=False,
        revealed=dict(environments=plans),  # variable values: not redacted, and the result is no_log
        project=stack["project"],
        stripe=dict(products=stripe.get("products") or [], prices=stripe.get("prices") or []),
        clerk=plans[0]["clerk"] if plans else dict(instance=None, domain=None),
        uses_clerk=uses_clerk,
        providers=providers_needed(stack, plans, uses_clerk),
        notifications=stack["notifications"],
        environment_list=[
            dict(name=p["name"], source_environment=p["source_environment"], ephemeral=p["ephemeral"]) for p in plans
        ],
        requirements=[requirements(p) for p in plans],
        summary=dict(
            project=stack["project"]["name"],
            environments=[
                dict(
                    name=p["name"],
                    databases=[d["name"] for d in p["databases"]],
                    services=p["summary"],
                    webhooks=[h["key"] for h in p["webhooks"]],
                )
                for p in plans
            ],
        ),
    )
    return result
