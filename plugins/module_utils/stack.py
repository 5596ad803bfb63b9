# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stack_check: a whole stack file checked before the first request, and the plan of each environment.

The stack file (docs/stack-file.md) is one dict, `stack`. This module

1. checks its shape (stack_shape): every key known, every value of the right type, naming the place at fault
   (`stack.services[prela-api-gateway].deploy.num_replicas: ...`) and never quoting a value. The pieces handed
   to a module are checked against that module's own ARGUMENT_SPEC (databases against railway_database's,
   Stripe prices against stripe_price's, ...) and its own value checks, so the stack and the modules cannot
   disagree; the values the file alone decides (whole numbers, host names, cron schedules, Stripe event types,
   variables: stack_values), and the stack-wide rules (stack_rules: live Stripe keys, zones, overrides);
2. merges each environment's overrides into the stack, and applies the service roles
   (web, static, worker, scheduler);
3. checks the cross-references: every `${{Service.VARIABLE}}` names a service or database of the stack
   and a variable it has (railway_variables.reference_problems, the same check the Railway modules make
   against Railway), `variables_from` and webhooks name services of the stack, prices name products,
   bindings (`{stripe_price: ...}`, `{clerk: ...}`) name what the stack makes; and what references render
   (stack_refs: cycles, RAILWAY_PUBLIC_DOMAIN of a service with no domain);
4. returns the plan of each environment: the items railway_services takes, the databases, the
   per-service steps (volume, domains, health check), the webhooks; with `outputs` (the price ids and
   Clerk values a run has by then), bindings are resolved into variable values.

The plan holds variable values, so the task's result is marked no_log; `summary` (names only) is what
a play shows.
"""

from __future__ import annotations

import copy
import difflib

from ansible.module_utils.basic import env_fallback

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils import (
    clerk_domain, clerk_instance, railway_database, railway_notification, railway_service_plans, railway_volume,
    stripe_price, stripe_product, stripe_webhook_endpoint)
from ansible_collections.railstack.platform.plugins.module_utils.railway_variable_specs import REFERENCE_RE, reference_problems
from ansible_collections.railstack.platform.plugins.module_utils import stack_refs, stack_rules
from ansible_collections.railstack.platform.plugins.module_utils.stack_shape import (
    LABEL_LENGTH, _item_label, module_problems, printable, prune, shape)
from ansible_collections.railstack.platform.plugins.module_utils.stack_values import (
    cron_problems, did_you_mean, host_name_problem, kind_of, variable_problems)

ROLES = ["web", "static", "worker", "scheduler"]
PUBLIC_ROLES = ("web", "static")
DNS_PROVIDERS = ["cloudflare", "route53", "namecheap", "manual"]
BINDING_KEYS = ("stripe_price", "clerk")
CLERK_VALUES = ["publishable_key", "jwks_url", "backend_jwks_url", "frontend_api_url"]
ENGINES = ["postgres", "redis"]
MIGRATIONS_TABLE = "railstack_schema_migrations"
WEBHOOK_SECRET = "STRIPE_WEBHOOK_SECRET"
# Keys of a module's options that the stack never sets itself (where and with what credentials).
LOCATION_KEYS = ("project", "workspace_id", "environment", "service", "state", "skip_deploys",
                 "api_token", "project_token", "api_url", "validate_certs", "timeout",
                 "api_key", "api_base", "allow_live", "secret_key")


def _options_of(spec, drop=LOCATION_KEYS, keep=()):
    """A module's ARGUMENT_SPEC as stack options: without location/credential keys and env fallbacks."""
    out = {}
    for name, option in spec.items():
        if name in drop and name not in keep:
            continue
        option = dict(option)
        option.pop("fallback", None)
        if "options" in option:
            option["options"] = _options_of(
                option["options"], drop=("api_token", "project_token", "api_url", "validate_certs", "timeout"))
        out[name] = option
    return out


DNS_OPTIONS = dict(
    provider=dict(type="str", choices=DNS_PROVIDERS),
    zone=dict(type="str"),
)
DOMAIN_OPTIONS = dict(
    domain=dict(type="str", required=True),
    target_port=dict(type="int"),
    dns=dict(type="dict", options=DNS_OPTIONS),
    wait=dict(type="bool", default=True),
)
VOLUME_OPTIONS = _options_of(railway_volume.ARGUMENT_SPEC)
VOLUME_OPTIONS["mount_path"] = dict(type="str", required=True)
HEALTH_OPTIONS = dict(
    path=dict(type="str", required=True),
    status_code=dict(type="int", default=200),
    body=dict(type="str"),
    timeout=dict(type="int", default=60),
)
SERVICE_OPTIONS = dict(
    copy.deepcopy(railway_service_plans.SERVICE_OPTIONS),
    role=dict(type="str", choices=ROLES, default="web"),
    variables=dict(type="dict", default={}),
    variables_from=dict(type="raw"),      # a service name, or {service, exclude}: variables_from_parts()
    volume=dict(type="dict", options=VOLUME_OPTIONS),
    service_domain=dict(type="raw"),
    target_port=dict(type="int"),
    domains=dict(type="list", elements="dict", options=DOMAIN_OPTIONS, default=[]),
    health_check=dict(type="dict", options=HEALTH_OPTIONS),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=900),
    rollback_on_failure=dict(type="bool", default=True),
)
MIGRATIONS_OPTIONS = dict(
    path=dict(type="str", required=True),
    expect_tables=dict(type="list", elements="str", default=[]),
    table=dict(type="str", default=MIGRATIONS_TABLE),
)
DATABASE_OPTIONS = _options_of(railway_database.ARGUMENT_SPEC)
DATABASE_OPTIONS["engine"] = dict(type="str", required=True, choices=ENGINES)
DATABASE_OPTIONS["migrations"] = dict(type="dict", options=MIGRATIONS_OPTIONS)
PRODUCT_OPTIONS = _options_of(stripe_product.ARGUMENT_SPEC)
PRODUCT_OPTIONS["id"] = dict(type="str", required=True)
PRICE_OPTIONS = _options_of(stripe_price.ARGUMENT_SPEC)
for _required in ("product", "unit_amount"):
    PRICE_OPTIONS[_required] = dict(PRICE_OPTIONS[_required], required=True)
PRICE_OPTIONS["currency"] = dict(type="str", default="usd")
WEBHOOK_OPTIONS = dict(
    _options_of(stripe_webhook_endpoint.ARGUMENT_SPEC,
                drop=LOCATION_KEYS + ("url", "railway_secret_target", "adopt", "rotate_if_secret_missing", "key")),
    key=dict(type="str"),
    url=dict(type="str"),
    service=dict(type="str"),
    path=dict(type="str"),
    secret_service=dict(type="str"),
    secret_variable=dict(type="str", default=WEBHOOK_SECRET),
)
WEBHOOK_OPTIONS["enabled_events"] = dict(type="list", elements="str", required=True)
STRIPE_OPTIONS = dict(
    products=dict(type="list", elements="dict", options=PRODUCT_OPTIONS, default=[]),
    prices=dict(type="list", elements="dict", options=PRICE_OPTIONS, default=[]),
    webhooks=dict(type="list", elements="dict", options=WEBHOOK_OPTIONS, default=[]),
)
CLERK_DOMAIN_OPTIONS = dict(_options_of(clerk_domain.ARGUMENT_SPEC), dns=dict(type="dict", options=DNS_OPTIONS))
CLERK_OPTIONS = dict(
    instance=dict(type="dict", options=_options_of(clerk_instance.ARGUMENT_SPEC)),
    domain=dict(type="dict", options=CLERK_DOMAIN_OPTIONS),
)
NOTIFICATION_OPTIONS = _options_of(railway_notification.ARGUMENT_SPEC)
NOTIFICATION_OPTIONS["event_types"] = dict(type="list", elements="str", required=True)
ENVIRONMENT_OPTIONS = dict(
    name=dict(type="str", required=True),
    source_environment=dict(type="str"),
    ephemeral=dict(type="bool"),
    shared_variables=dict(type="dict", default={}),
    services=dict(type="dict", default={}),
    databases=dict(type="dict", default={}),
)
PROJECT_OPTIONS = dict(
    name=dict(type="str", required=True),
    description=dict(type="str"),
    workspace_id=dict(type="str"),
    pr_deploys=dict(type="bool"),
)
STACK_OPTIONS = dict(
    project=dict(type="dict", options=PROJECT_OPTIONS, required=True),
    environments=dict(type="list", elements="dict", options=ENVIRONMENT_OPTIONS, default=[{"name": "production"}]),
    dns=dict(type="dict", options=DNS_OPTIONS),
    shared_variables=dict(type="dict", default={}),
    databases=dict(type="list", elements="dict", options=DATABASE_OPTIONS, default=[]),
    services=dict(type="list", elements="dict", options=SERVICE_OPTIONS, default=[]),
    stripe=dict(type="dict", options=STRIPE_OPTIONS),
    clerk=dict(type="dict", options=CLERK_OPTIONS),
    notifications=dict(type="list", elements="dict", options=NOTIFICATION_OPTIONS, default=[]),
)

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


def _fail(errors):
    if errors:
        raise TaskFailed("; ".join(errors), problems=errors)


# ---------------------------------------------------------------------------------------- environments

FLAT_MAPS = ("variables", "shared_variables")


def deep_merge(base, override, flat=False):
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


def _merge_by_name(items, overrides, kind, where, errors):
    """Each item (a dict with a name) with the environment's override of the same name merged in."""
    names = [i["name"] for i in items]
    for name in overrides:
        if name not in names:
            errors.append("%s.%s: the stack has no %s called %r%s." % (
                where, printable(name), kind, printable(name), _candidates(name, names)))
    return [deep_merge(i, overrides[i["name"]]) if isinstance(overrides.get(i["name"]), dict) else i for i in items]


def _candidates(name, choices):
    close = difflib.get_close_matches(str(name), list(choices), n=3, cutoff=0.6)
    text = "; did you mean %s?" % " or ".join(close) if close else ""
    return text + " (it has: %s)" % (", ".join(sorted(choices)) or "none")


# ---------------------------------------------------------------------------------------- services

def apply_role(service, where, errors):
    """The settings a service's role implies, and the role's rules."""
    role = service["role"]
    deploy = dict(service.get("deploy") or {})
    public = bool(service.get("domains")) or service.get("service_domain") not in (None, False, "")
    if role in ("worker", "scheduler"):
        if deploy.get("healthcheck_path"):
            errors.append("%s.deploy.healthcheck_path: a %s serves no HTTP, so Railway's health check could never pass." % (where, role))
        if public:
            errors.append("%s: a %s has no domain; give it role web (or remove domains and service_domain)." % (where, role))
        if service.get("health_check"):
            errors.append("%s.health_check: a %s serves no HTTP." % (where, role))
        deploy["healthcheck_path"] = ""          # removes one set by hand
    if role == "worker":
        if not deploy.get("start_command"):
            errors.append("%s.deploy.start_command: a worker needs its command (php artisan queue:work, celery -A app worker, ...)." % where)
        if deploy.get("restart_policy_type") is None:
            deploy["restart_policy_type"] = "ON_FAILURE"
    if role == "scheduler":
        if not deploy.get("start_command") and not deploy.get("cron_schedule"):
            errors.append("%s.deploy: a scheduler needs start_command (php artisan schedule:work, celery -A app beat) "
                          "or cron_schedule (a Railway cron job)." % where)
        if deploy.get("num_replicas") not in (None, 1) or deploy.get("multi_region_config"):
            errors.append("%s.deploy.num_replicas: a scheduler runs exactly one replica, or every job would run "
                          "once per replica." % where)
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


def _variable_kind(value):
    """literal, generate, sealed, binding:<kind> or empty (a value that is not there)."""
    if isinstance(value, dict):
        bindings = [k for k in BINDING_KEYS if k in value]
        if bindings:
            return "binding:" + bindings[0]
        if "generate" in value:
            return "generate"
        inner = value.get("value")
        if value.get("sealed"):
            return "empty" if inner is None or inner == "" else "sealed"
        return "blank" if inner is None or inner == "" else "literal"
    if value is None or value == "":
        return "blank"
    return "literal"


def _text(value):
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def check_variables(variables, where, errors, stack):
    """Each variable's shape, and its bindings (railway_variables checks the values against Railway when it runs)."""
    if not isinstance(variables, dict):
        errors.append("%s: expected a dict of NAME: value, got %s." % (where, kind_of(variables)))
        return
    prices = {p["lookup_key"] for p in (stack.get("stripe") or {}).get("prices") or []}
    for name, value in sorted(variables.items(), key=lambda pair: str(pair[0])):
        problems = variable_problems(name, value, where)
        errors += problems
        if problems or not isinstance(value, dict):
            continue
        here = "%s.%s" % (where, name)
        if "stripe_price" in value and value["stripe_price"] not in prices:
            errors.append("%s.stripe_price: the stack has no Stripe price with lookup_key %r%s." % (
                here, str(value["stripe_price"])[:LABEL_LENGTH], _candidates(value["stripe_price"], prices)))
        elif "clerk" in value and value["clerk"] not in CLERK_VALUES:
            errors.append("%s.clerk: not one of %s%s." % (here, ", ".join(CLERK_VALUES), did_you_mean(value["clerk"], CLERK_VALUES)))


def _reference_texts(variables):
    """NAME -> text of the variables whose values Railway renders (values and sealed values)."""
    return {n: _text(v) for n, v in variables.items() if _variable_kind(v) in ("literal", "sealed", "blank")}


def database_variables(database):
    """Names of the variables a database service has (what references to it may name)."""
    engine = railway_database.TEMPLATES[database["engine"]]
    names = {pair[0] for pair in engine["variables"]} | {engine["password"], engine["url"]}
    if database.get("public"):
        names.add(engine["public_url"])
    return names


def variables_from_parts(value):
    """(service, names to leave out) of `variables_from`: `api`, or `{service: api, exclude: [APP_URL]}`."""
    if isinstance(value, dict):
        exclude = value.get("exclude")
        return value.get("service"), list(exclude) if isinstance(exclude, list) else []
    return value, []


def variables_from_problems(value, where, by_name):
    """Messages for a `variables_from` that is not a service name or {service, exclude}, or names what is not there."""
    where += ".variables_from"
    if isinstance(value, dict):
        unknown = sorted(str(k) for k in value if k not in ("service", "exclude"))
        if unknown:
            return ["%s: unknown key %r%s; variables_from is a service name or {service, exclude}." % (
                where, printable(unknown[0]), did_you_mean(unknown[0], ("service", "exclude")))]
        exclude = value.get("exclude")
        if exclude is not None and not (isinstance(exclude, list) and all(isinstance(n, str) for n in exclude)):
            return ["%s.exclude: expected a list of variable names, got %s." % (where, kind_of(exclude))]
        if not isinstance(value.get("service"), str):
            return ["%s.service: the name of a service of the stack is required." % where]
    elif not isinstance(value, str):
        return ["%s: a service name or {service, exclude}, got %s." % (where, kind_of(value))]
    source, exclude = variables_from_parts(value)
    if source not in by_name:
        return ["%s: the stack has no service %r%s." % (where, printable(source), _candidates(source, by_name))]
    names = {n for n, v in (by_name[source].get("variables") or {}).items() if _variable_kind(v) != "empty"}
    return ["%s.exclude[%d]: %s has no variable %r to leave out%s." % (where, index, source, printable(name), _candidates(name, names))
            for index, name in enumerate(exclude) if name not in names]


def service_variable_map(service, services):
    """NAME -> value of one service: `variables_from` references first (less the excluded), then its own variables."""
    out = {}
    source, exclude = variables_from_parts(service.get("variables_from"))
    if source and source in services:
        for name, value in sorted((services[source].get("variables") or {}).items()):
            if _variable_kind(value) != "empty" and name not in exclude:   # a sealed variable with no value is not written
                out[name] = "${{%s.%s}}" % (source, name)
    out.update(service.get("variables") or {})
    return out


# ---------------------------------------------------------------------------------------- the whole check

def _public_address(service):
    if service.get("domains"):
        return service["domains"][0]["domain"]
    name = service.get("service_domain")
    if isinstance(name, str) and name:
        return name if "." in name else "%s.up.railway.app" % name
    return None


def _service_domain_problem(name, where):
    """service_domain is true, false, or a Railway domain: a name (prela-api) or name.up.railway.app."""
    if name is None or isinstance(name, bool) or name == "":
        return None
    if not isinstance(name, str):
        return "%s: true (a generated Railway domain), a name (prela-api) or false, got %s." % (where, kind_of(name))
    host = name if "." in name else name + ".up.railway.app"
    if not host.endswith(".up.railway.app"):
        return "%s: a Railway domain is a name (prela-api) or name.up.railway.app; custom domains go in domains." % where
    return host_name_problem(host, where)


def _dns_for(stack, dns, where, domain, errors):
    merged = dict(stack.get("dns") or {})
    merged.update({k: v for k, v in (dns or {}).items() if v is not None})
    if not merged.get("provider"):
        errors.append("%s.dns: no DNS provider for %s; give stack.dns or this domain's dns "
                      "(provider: manual leaves the records to you)." % (where, domain))
        return None
    if merged["provider"] != "manual":
        zone = (merged.get("zone") or "").rstrip(".")
        if not zone:
            errors.append("%s.dns.zone: the zone that holds %s." % (where, domain))
        elif host_name_problem(zone, where + ".dns.zone"):
            errors.append(host_name_problem(zone, where + ".dns.zone"))
        elif domain.rstrip(".") != zone and not domain.rstrip(".").endswith("." + zone):
            errors.append("%s.dns.zone: %s is not in zone %s." % (where, domain, zone))
    merged.setdefault("zone", None)
    return merged


class Checker:
    """One stack, checked; plan(environment) gives an environment's plan."""

    def __init__(self, raw, check_refs=True):
        errors = []
        self.stack = shape(raw, STACK_OPTIONS, "stack", errors)
        _fail(errors)
        for database in self.stack["databases"]:
            if not database.get("name"):      # as Railway's templates name them
                database["name"] = railway_database.TEMPLATES[database["engine"]]["name"]
        self.check_refs = check_refs
        self.warnings = []
        self._check_names(errors)
        errors += stack_rules.file_problems(self.stack)
        _fail(errors)

    # -- names that must be unique and must exist
    def _check_names(self, errors):
        stack = self.stack
        seen = {}
        for kind, items in (("database", stack["databases"]), ("service", stack["services"])):
            for item in items:
                if item["name"] in seen:
                    errors.append("stack.%ss[%s].name: %r is also the name of a %s; names are unique in a Railway project."
                                  % (kind, printable(item["name"]), printable(item["name"]), seen[item["name"]]))
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
                errors.append("stack.environments[%s].source_environment: %r is not an environment of the stack%s." % (
                    printable(env["name"]), printable(source), _candidates(source, envs)))
        for database in stack["databases"]:
            where = "stack.databases[%s]" % database["name"]
            if database.get("migrations") and database["engine"] != "postgres":
                errors.append("%s.migrations: only for engine postgres." % where)
            elif database.get("migrations") and database.get("public") is not True:
                errors.append("%s.migrations: they run from outside Railway, over the public URL; give the database "
                              "public: true." % where)
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
                errors.append("stack.stripe.prices[%s].product: the stack has no product %r%s." % (
                    printable(price["lookup_key"]), printable(product), _candidates(product, products)))

    # -- one environment
    def environment(self, name):
        for env in self.stack["environments"]:
            if env["name"] == name:
                return env
        raise TaskFailed("environment: %r is not an environment of the stack%s." % (
            name, _candidates(name, [e["name"] for e in self.stack["environments"]])))

    def plan(self, env_name, outputs=None):
        env = self.environment(env_name)
        services, databases = self._shaped_parts(env)
        errors = []
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

    def _shaped_parts(self, env):
        """The environment's services (roles applied) and databases, overrides merged in, each with its place."""
        errors = []
        env_name = env["name"]
        overrides = {kind: env.get(kind) or {} for kind in ("services", "databases")}
        where_env = "stack.environments[%s]" % env_name
        services_raw = _merge_by_name(self.stack["services"], overrides["services"], "service", where_env + ".services", errors)
        databases_raw = _merge_by_name(self.stack["databases"], overrides["databases"], "database", where_env + ".databases", errors)
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

    def _check_service(self, where, service, by_name, errors):
        """variables_from names another service of the stack; the variables' shapes and bindings."""
        if service.get("variables_from") is not None:
            source = variables_from_parts(service["variables_from"])[0]
            problems = variables_from_problems(service["variables_from"], where, by_name)
            if problems:
                errors += problems
            elif source == service["name"]:
                errors.append("%s.variables_from: a service cannot take its variables from itself." % where)
            elif by_name[source].get("variables_from"):
                errors.append("%s.variables_from: %s takes its own variables from %s; name that one." % (
                    where, source, variables_from_parts(by_name[source]["variables_from"])[0]))
        check_variables(service.get("variables") or {}, where + ".variables", errors, self.stack)

    def _reference_problems(self, env_name, services, databases, shared, variable_maps, webhooks):
        """References that name nothing (as Railway would find them), cycles, and domains that are not there."""
        catalog = dict(services={}, shared=set(shared), environment=env_name)
        for dummy, database in databases:
            catalog["services"][database["name"]] = database_variables(database)
        for name, variables in variable_maps.items():
            catalog["services"][name] = {n for n, v in variables.items() if _variable_kind(v) != "empty"}
        for hook in webhooks:
            catalog["services"].setdefault(hook["secret_service"], set()).add(hook["secret_variable"])
        values, places, problems = {}, {}, []
        for where, service in services:
            if service["state"] != "present":
                continue
            texts = _reference_texts(variable_maps[service["name"]])
            problems += reference_problems(where + ".variables", texts, service["name"], catalog)
            for var, text in texts.items():
                values[(service["name"], var)] = text
                own = var in (service.get("variables") or {})
                places[(service["name"], var)] = "%s.%s" % (where, "variables." + var if own else "variables_from (%s)" % var)
        shared_texts = _reference_texts(shared)
        problems += reference_problems("stack.shared_variables", shared_texts, None, catalog)
        if problems:
            return problems
        for var, text in shared_texts.items():
            values[(stack_refs.SHARED, var)] = text
            places[(stack_refs.SHARED, var)] = "stack.shared_variables." + var
        public = {s["name"]: _public_address(s) is not None or bool(s.get("service_domain")) for dummy, s in services}
        public.update({d["name"]: False for dummy, d in databases})
        return stack_refs.cycle_problems(values, places) + stack_refs.domain_problems(values, places, public)

    def _webhooks(self, by_name, errors):
        out = []
        for index, hook in enumerate((self.stack.get("stripe") or {}).get("webhooks") or []):
            where = "stack.stripe.webhooks[%s]" % _item_label(hook, index)
            service = hook.get("service")
            if service is not None and service not in by_name:
                errors.append("%s.service: the stack has no service %r%s." % (where, printable(service), _candidates(service, by_name)))
                continue
            if not hook.get("url") and not service:
                errors.append("%s: give url, or service (and path) for a URL on that service's public address." % where)
                continue
            url = hook.get("url")
            if not url:
                address = _public_address(by_name[service])
                if by_name[service]["role"] not in PUBLIC_ROLES or address is None and not by_name[service].get("service_domain"):
                    errors.append("%s.service: %s has no public address (domains or service_domain) for Stripe to send to." % (where, service))
                    continue
                if hook.get("path") and not hook["path"].startswith("/"):
                    errors.append("%s.path: a path starting with / (such as /webhooks/stripe)." % where)
            secret_service = hook.get("secret_service") or service
            if not secret_service:
                errors.append("%s.secret_service: the service whose variable receives the signing secret." % where)
                continue
            if secret_service not in by_name:
                errors.append("%s.secret_service: the stack has no service %r%s." % (where, printable(secret_service), _candidates(secret_service, by_name)))
                continue
            out.append(dict(hook, key=hook.get("key") or service or url, secret_service=secret_service))
        keys = [h["key"] for h in out]
        for key in set(keys):
            if keys.count(key) > 1:
                errors.append("stack.stripe.webhooks[%s].key: two webhooks share it; give each a key." % key)
        return out

    def _domains(self, services, errors):
        seen = {}
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
                rows.append(dict(domain=domain["domain"], target_port=domain.get("target_port") or service.get("target_port"),
                                 dns=dns, wait=domain["wait"]))
            out[service["name"]] = rows
            problem = _service_domain_problem(service.get("service_domain"), where + ".service_domain")
            if problem:
                errors.append(problem)
        return out

    def _clerk(self, errors):
        clerk = self.stack.get("clerk") or {}
        domain = clerk.get("domain")
        problem = host_name_problem(domain["name"], "stack.clerk.domain.name") if domain and domain.get("name") else None
        if problem:
            errors.append(problem)
        elif domain and domain.get("dns") is not None or (domain and self.stack.get("dns")):
            domain = dict(domain, dns=_dns_for(self.stack, domain.get("dns"), "stack.clerk.domain", domain["name"], errors))
        return dict(instance=clerk.get("instance"), domain=domain)

    # -- the plan
    def _build(self, env, services, databases, shared, variable_maps, webhooks, domains, clerk, outputs):
        prices = outputs.get("stripe_prices") or {}
        clerk_values = outputs.get("clerk") or {}
        items, roles, summary, pending = [], [], [], []
        for where, service in services:
            name = service["name"]
            variables, placement = {}, {}
            for var, value in sorted(variable_maps[name].items()):
                kind = _variable_kind(value)
                if kind == "empty":
                    self.warnings.append("%s.variables.%s: a sealed variable with no value is not written (Railway "
                                         "writes a sealed value once); give it a value." % (where, var))
                    placement.setdefault("sealed, no value: not written", []).append(var)
                    continue
                if kind == "blank":
                    self.warnings.append("%s.variables.%s: empty; written as an empty value (give it one, for "
                                         "example from the environment)." % (where, var))
                    variables[var] = ""
                    placement.setdefault("empty", []).append(var)
                    continue
                if kind == "binding:stripe_price":
                    found = prices.get(value["stripe_price"])
                    if not found:
                        pending.append(dict(service=name, variable=var, binding=value))
                        placement.setdefault("Stripe price (pending)", []).append(var)
                        continue
                    variables[var] = found
                    placement.setdefault("Stripe price id", []).append(var)
                    continue
                if kind == "binding:clerk":
                    found = clerk_values.get(value["clerk"])
                    if not found:
                        pending.append(dict(service=name, variable=var, binding=value))
                        placement.setdefault("Clerk (pending)", []).append(var)
                        continue
                    variables[var] = found
                    placement.setdefault("Clerk", []).append(var)
                    continue
                variables[var] = value
                if kind == "generate":
                    placement.setdefault("generated once", []).append(var)
                elif kind == "sealed":
                    placement.setdefault("sealed", []).append(var)
                elif REFERENCE_RE.search(_text(value)):
                    placement.setdefault("reference", []).append(var)
                else:
                    placement.setdefault("value", []).append(var)
            for hook in webhooks:
                if hook["secret_service"] == name:
                    placement.setdefault("written by the Stripe webhook", []).append(hook["secret_variable"])
            keys = ("name", "state", "source", "build", "deploy", "private_network_endpoint", "tcp_proxy_port")
            item = prune({k: service.get(k) for k in keys})
            if variables:
                item["variables"] = variables
            items.append(item)
            service_domain = service.get("service_domain")
            roles.append(dict(
                name=name, role=service["role"], state=service["state"], volume=service.get("volume"),
                service_domain=service_domain if service_domain not in (None, "") else None,
                target_port=service.get("target_port"), domains=domains.get(name) or [],
                health_check=service.get("health_check"), wait=service["wait"], wait_timeout=service["wait_timeout"],
                rollback_on_failure=service["rollback_on_failure"], public_address=_public_address(service)))
            summary.append(dict(service=name, role=service["role"], variables={k: sorted(v) for k, v in placement.items()}))
        plan_databases = []
        for where, database in databases:
            row = {k: v for k, v in database.items() if v is not None}
            plan_databases.append(row)
        plan_webhooks = []
        for hook in webhooks:
            plan_webhooks.append(dict(
                key=hook["key"], url=hook.get("url"), service=hook.get("service"), path=hook.get("path") or "",
                secret_service=hook["secret_service"], secret_variable=hook["secret_variable"],
                options={k: hook[k] for k in ("enabled_events", "description", "api_version", "connect", "disabled", "metadata")
                         if hook.get(k) is not None}))
        shared_out = {k: ("" if _variable_kind(v) == "blank" else v) for k, v in shared.items()
                      if _variable_kind(v) != "empty"}
        for var in sorted(set(shared) - set(shared_out)):
            self.warnings.append("stack.shared_variables.%s: a sealed variable with no value is not written." % var)
        return dict(
            name=env["name"], source_environment=env.get("source_environment"), ephemeral=env.get("ephemeral"),
            shared_variables=shared_out, databases=plan_databases, services=items, roles=roles,
            webhooks=plan_webhooks, clerk=clerk, notifications=self.stack["notifications"],
            pending=pending, summary=summary,
            needs=dict(clerk=any(p["binding"].get("clerk") for p in pending) or any(
                _variable_kind(v) == "binding:clerk" for m in variable_maps.values() for v in m.values())),
        )


def requirements(plan: dict) -> dict:
    """What of an environment's plan needs provider state to be checked (names, sizes, settings; never a value):
    the volumes with their size, the restart policies, and the custom domains with their DNS zone."""
    volumes = [dict(where="stack.databases[%s]" % d["name"], service=d["name"], name=None, size_mb=d.get("size_mb"))
               for d in plan["databases"] if d.get("state", "present") == "present"]
    present = [r for r in plan["roles"] if r["state"] == "present"]
    volumes += [dict(where="stack.services[%s].volume" % r["name"], service=r["name"], name=r["volume"].get("name"),
                     size_mb=r["volume"].get("size_mb")) for r in present if r["volume"]]
    restarts = []
    for item in plan["services"]:
        deploy = item.get("deploy") or {}
        asked = deploy.get("restart_policy_type") or deploy.get("restart_policy_max_retries") is not None
        if item.get("state", "present") == "present" and asked:
            restarts.append(dict(where="stack.services[%s].deploy" % item["name"], service=item["name"],
                                 type=deploy.get("restart_policy_type"),
                                 max_retries=deploy.get("restart_policy_max_retries")))
    domains = [dict(where="stack.services[%s].domains[%s]" % (r["name"], d["domain"]), service=r["name"],
                    domain=d["domain"], provider=(d.get("dns") or {}).get("provider"), zone=(d.get("dns") or {}).get("zone"))
               for r in present for d in r["domains"]]
    return dict(environment=plan["name"], volumes=volumes, restarts=restarts, domains=domains)


def _dns_providers(value):
    """The DNS providers (other than manual) named by any `dns` of a plan."""
    found = set()
    if isinstance(value, dict):
        dns = value.get("dns")
        if isinstance(dns, dict) and dns.get("provider") not in (None, "manual"):
            found.add(dns["provider"])
        for item in value.values():
            found |= _dns_providers(item)
    elif isinstance(value, list):
        for item in value:
            found |= _dns_providers(item)
    return found


def providers_needed(stack, plans, uses_clerk):
    """The providers a converge of these plans talks to: railway, and stripe, clerk and DNS providers when used."""
    stripe = stack.get("stripe") or {}
    needed = ["railway"]
    if stripe.get("products") or stripe.get("prices") or any(p["webhooks"] for p in plans):
        needed.append("stripe")
    if uses_clerk:
        needed.append("clerk")
    return needed + sorted(_dns_providers(plans))


def run(ctx):
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
        revealed=dict(environments=plans),      # variable values: not redacted, and the result is no_log
        project=stack["project"],
        stripe=dict(products=stripe.get("products") or [], prices=stripe.get("prices") or []),
        clerk=plans[0]["clerk"] if plans else dict(instance=None, domain=None),
        uses_clerk=uses_clerk,
        providers=providers_needed(stack, plans, uses_clerk),
        notifications=stack["notifications"],
        environment_list=[dict(name=p["name"], source_environment=p["source_environment"], ephemeral=p["ephemeral"])
                          for p in plans],
        requirements=[requirements(p) for p in plans],
        summary=dict(project=stack["project"]["name"], environments=[
            dict(name=p["name"], databases=[d["name"] for d in p["databases"]], services=p["summary"],
                 webhooks=[h["key"] for h in p["webhooks"]]) for p in plans]),
    )
    return result
