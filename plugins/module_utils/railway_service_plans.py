# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""Railway services as railway_services and railway_service converge them: library code, no resource of its own.

converge() plans many services of one environment in one read and one config write; the options of one
service (SERVICE_OPTIONS, validate_item, which the stack's check reuses), the config they ask for
(service_desired) and the result of an instance (instance_result, which railway_database reuses) are
here too. Project-level identity uses granular
mutations (serviceCreate for a missing service, found again by name after a lost answer;
serviceDelete for state=absent with scope=project); everything per environment (source, build,
deploy, networking, variables, and removing an instance for state=absent with scope=environment)
is one environment config patch for all the services together. A service whose latest deployment
is a rollback (older variables than the config) is deployed again, same commit, unless this run's
commit deploys it anyway.
"""

from __future__ import annotations

import re

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError, PageGuard, SECRET_MASK
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed, create_or_find_again
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, nodes
from ansible_collections.railstack.platform.plugins.module_utils.railway_rollbacks import DEPLOY_SAME_COMMIT, reapply_after_rollback
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import (
    DELETE, PAGE_SIZE, Plan, adopt_run_staged, commit, masked_config, read_state, view)
from ansible_collections.railstack.platform.plugins.module_utils.railway_variable_specs import (
    SHARED_SCOPE, desired_variables, parse_variables, reference_catalog, reference_problems, register_secret_values,
    stale_references, variable_changes)

BUILDERS = ["NIXPACKS", "DOCKERFILE", "RAILPACK", "HEROKU", "PAKETO"]
RESTART_POLICIES = ["ON_FAILURE", "ALWAYS", "NEVER"]
MAX_REPLICAS = 50
GIB = 1024 ** 3

SOURCE_OPTIONS = dict(
    image=dict(type="str"),
    repo=dict(type="str"),
    branch=dict(type="str"),
    root_directory=dict(type="str"),
    registry_credentials=dict(type="dict", no_log=False, options=dict(
        username=dict(type="str", required=True),
        password=dict(type="str", required=True, no_log=True),
        update_password=dict(type="str", default="on_create", choices=["on_create", "always"]),
    )),
)
BUILD_OPTIONS = dict(
    builder=dict(type="str", choices=BUILDERS),
    build_command=dict(type="str"),
    dockerfile_path=dict(type="str"),
    watch_patterns=dict(type="list", elements="str"),
)
DEPLOY_OPTIONS = dict(
    start_command=dict(type="str"),
    pre_deploy_command=dict(type="list", elements="str"),
    healthcheck_path=dict(type="str"),
    healthcheck_timeout=dict(type="int"),
    restart_policy_type=dict(type="str", choices=RESTART_POLICIES),
    restart_policy_max_retries=dict(type="int"),
    num_replicas=dict(type="int"),
    multi_region_config=dict(type="dict"),
    cron_schedule=dict(type="str"),
    sleep_application=dict(type="bool"),
    limit_override=dict(type="dict", options=dict(cpu=dict(type="float"), memory_gb=dict(type="float"))),
    draining_seconds=dict(type="int"),
    overlap_seconds=dict(type="int"),
)
# The options of one service: railway_service's own, and each item of railway_services.
SERVICE_OPTIONS = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    scope=dict(type="str", default="environment", choices=["environment", "project"]),
    source=dict(type="dict", options=SOURCE_OPTIONS, mutually_exclusive=[["image", "repo"]]),
    build=dict(type="dict", options=BUILD_OPTIONS),
    deploy=dict(type="dict", options=DEPLOY_OPTIONS),
    private_network_endpoint=dict(type="str"),
    tcp_proxy_port=dict(type="int"),
)


# option -> Railway's key, per section.
BUILD_KEYS = dict(builder="builder", build_command="buildCommand", dockerfile_path="dockerfilePath", watch_patterns="watchPatterns")
DEPLOY_KEYS = dict(start_command="startCommand", pre_deploy_command="preDeployCommand", healthcheck_path="healthcheckPath",
                   healthcheck_timeout="healthcheckTimeout", restart_policy_type="restartPolicyType",
                   restart_policy_max_retries="restartPolicyMaxRetries", num_replicas="numReplicas",
                   cron_schedule="cronSchedule", sleep_application="sleepApplication",
                   draining_seconds="drainingSeconds", overlap_seconds="overlapSeconds")
SOURCE_KEYS = dict(image="image", repo="repo", branch="branch", root_directory="rootDirectory")
REPO_RE = re.compile(r"^[\w.-]+/[\w.-]+$")
ENDPOINT_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
NEW = "new:"       # placeholder id prefix of services this run creates (check mode and validation only)


# ---------------------------------------------------------------------------------------- validation

def _at(where, key):
    return "%s.%s" % (where, key) if where else key


def validate_item(item, where=""):
    """Fail (TaskFailed) on the first setting Railway would refuse, naming the option."""
    if not (item.get("name") or "").strip():
        raise TaskFailed("%s: a service needs a name." % _at(where, "name"))
    source = item.get("source") or {}
    if source.get("repo") is not None and not REPO_RE.match(source["repo"]):
        raise TaskFailed("%s: expected owner/name of a GitHub repository, got %r." % (_at(where, "source.repo"), source["repo"]))
    for key in ("branch", "root_directory"):
        if source.get(key) and source.get("image"):
            raise TaskFailed("%s: only for a repo source, not with source.image." % _at(where, "source." + key))
    if source.get("registry_credentials") and source.get("repo"):
        raise TaskFailed("%s: only for an image source, not with source.repo." % _at(where, "source.registry_credentials"))
    deploy = item.get("deploy") or {}
    for key, low in (("num_replicas", 1), ("healthcheck_timeout", 1), ("restart_policy_max_retries", 0),
                     ("draining_seconds", 0), ("overlap_seconds", 0)):
        if deploy.get(key) is not None and deploy[key] < low:
            raise TaskFailed("%s: must be %d or more, got %d." % (_at(where, "deploy." + key), low, deploy[key]))
    if (deploy.get("num_replicas") or 0) > MAX_REPLICAS:
        raise TaskFailed("%s: at most %d." % (_at(where, "deploy.num_replicas"), MAX_REPLICAS))
    if deploy.get("healthcheck_path") and not deploy["healthcheck_path"].startswith("/"):
        raise TaskFailed("%s: a path starting with /, got %r." % (_at(where, "deploy.healthcheck_path"), deploy["healthcheck_path"]))
    if deploy.get("cron_schedule") and len(deploy["cron_schedule"].split()) != 5:
        raise TaskFailed("%s: a cron expression of 5 fields, got %r." % (_at(where, "deploy.cron_schedule"), deploy["cron_schedule"]))
    for region, replicas in (deploy.get("multi_region_config") or {}).items():
        if isinstance(replicas, str) and replicas.isdigit():
            replicas = int(replicas)
        if not isinstance(replicas, int) or isinstance(replicas, bool) or not 0 <= replicas <= MAX_REPLICAS:
            raise TaskFailed("%s: the number of replicas in region %s, 0 to %d." % (
                _at(where, "deploy.multi_region_config"), region, MAX_REPLICAS))
    for key, value in (deploy.get("limit_override") or {}).items():
        if value is not None and value <= 0:
            raise TaskFailed("%s: must be more than 0." % _at(where, "deploy.limit_override." + key))
    endpoint = item.get("private_network_endpoint")
    if endpoint and not ENDPOINT_RE.match(endpoint):
        raise TaskFailed("%s: a DNS label (lowercase letters, digits, -), got %r." % (_at(where, "private_network_endpoint"), endpoint))
    port = item.get("tcp_proxy_port")
    if port is not None and not 0 <= port <= 65535:
        raise TaskFailed("%s: a port 1-65535 (0 removes the TCP proxy), got %d." % (_at(where, "tcp_proxy_port"), port))


# ---------------------------------------------------------------------------------------- desired config

def _setting(value):
    """An empty string removes a setting (null in the patch)."""
    return DELETE if value == "" else value


def service_desired(item, current):
    """The partial EnvironmentConfig of a service instance that the item's options ask for."""
    current = current or {}
    desired = {}
    source = item.get("source") or {}
    wanted_source = {SOURCE_KEYS[k]: _setting(source[k]) for k in SOURCE_KEYS if source.get(k) is not None}
    if source.get("image"):
        wanted_source.update(repo=DELETE, branch=DELETE)
    elif source.get("repo"):
        wanted_source.update(image=DELETE)
    if wanted_source:
        desired["source"] = wanted_source
    build = {BUILD_KEYS[k]: _setting(v) for k, v in (item.get("build") or {}).items() if v is not None}
    if build:
        desired["build"] = build
    options = item.get("deploy") or {}
    deploy = {DEPLOY_KEYS[k]: _setting(options[k]) for k in DEPLOY_KEYS if options.get(k) is not None}
    have_deploy = current.get("deploy") or {}
    if options.get("multi_region_config") is not None:
        regions = {region: dict(numReplicas=int(n)) for region, n in options["multi_region_config"].items()}
        regions.update({region: DELETE for region in (have_deploy.get("multiRegionConfig") or {}) if region not in regions})
        deploy["multiRegionConfig"] = regions
    limits = {k: v for k, v in (options.get("limit_override") or {}).items() if v is not None}
    if limits:
        containers = {}
        if "cpu" in limits:
            containers["cpu"] = limits["cpu"]
        if "memory_gb" in limits:
            containers["memoryBytes"] = int(round(limits["memory_gb"] * GIB))
        deploy["limitOverride"] = dict(containers=containers)
    credentials = source.get("registry_credentials")
    if credentials:
        have = have_deploy.get("registryCredentials") or {}
        if have.get("username") != credentials["username"] or credentials["update_password"] == "always" or not have:
            deploy["registryCredentials"] = dict(username=credentials["username"], password=credentials["password"])
    if deploy:
        desired["deploy"] = deploy
    networking = {}
    if item.get("private_network_endpoint") is not None:
        networking["privateNetworkEndpoint"] = _setting(item["private_network_endpoint"])
    port = item.get("tcp_proxy_port")
    if port is not None:
        have_ports = ((current.get("networking") or {}).get("tcpProxies") or {})
        proxies = {p: DELETE for p in have_ports if p != str(port)}
        if port:
            proxies[str(port)] = {}
        networking["tcpProxies"] = proxies
    if networking:
        desired["networking"] = networking
    return desired


# ---------------------------------------------------------------------------------------- results

def instance_result(service_id, name, instance, created=False, changed=False):
    """A service instance as the modules return it (Railway's words in snake_case; no secret values)."""
    instance = instance or {}
    source = instance.get("source") or {}
    build = instance.get("build") or {}
    deploy = instance.get("deploy") or {}
    networking = instance.get("networking") or {}
    containers = ((deploy.get("limitOverride") or {}).get("containers")) or {}
    inverse_build = {v: k for k, v in BUILD_KEYS.items()}
    inverse_deploy = {v: k for k, v in DEPLOY_KEYS.items()}
    deploy_out = {inverse_deploy[k]: v for k, v in deploy.items() if k in inverse_deploy}
    if deploy.get("multiRegionConfig"):
        deploy_out["multi_region_config"] = {r: (c or {}).get("numReplicas") for r, c in deploy["multiRegionConfig"].items()}
    if containers:
        deploy_out["limit_override"] = dict(cpu=containers.get("cpu"),
                                            memory_gb=round(containers["memoryBytes"] / float(GIB), 3) if containers.get("memoryBytes") else None)
    if deploy.get("requiredMountPath"):
        deploy_out["required_mount_path"] = deploy["requiredMountPath"]
    registry = deploy.get("registryCredentials") or {}
    return dict(
        id=service_id, name=name, created=created, changed=changed,
        source=dict({k: source.get(v) for k, v in SOURCE_KEYS.items()},
                    registry_username=registry.get("username")),
        build={inverse_build[k]: v for k, v in build.items() if k in inverse_build},
        deploy=deploy_out,
        private_network_endpoint=networking.get("privateNetworkEndpoint"),
        tcp_proxy_ports=sorted(int(p) for p in (networking.get("tcpProxies") or {}) if str(p).isdigit()),
        service_domains=sorted((networking.get("serviceDomains") or {}).keys()),
        custom_domains=sorted((networking.get("customDomains") or {}).keys()),
        variables=sorted((instance.get("variables") or {}).keys()),
        volume_mounts=[dict(volume_id=vid, mount_path=(m or {}).get("mountPath"))
                       for vid, m in sorted((instance.get("volumeMounts") or {}).items())],
    )


# ---------------------------------------------------------------------------------------- project-level writes

SERVICE_CREATE = "mutation serviceCreate($input: ServiceCreateInput!) { serviceCreate(input: $input) { id name } }"
SERVICE_DELETE = "mutation serviceDelete($id: String!) { serviceDelete(id: $id) }"


def project_services(client, project_id):
    """{name: id} of a project's services, read again (after a lost answer)."""
    found, after = {}, None
    guard = PageGuard("Railway", "query projectServices")
    while True:
        page = client.query("query projectServices($id: String!, $first: Int, $after: String) { project(id: $id) {"
                            " services(first: $first, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } } } }",
                            dict(id=project_id, first=PAGE_SIZE, after=after))["project"]["services"]
        found.update({s["name"]: s["id"] for s in nodes(page)})
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = guard.advance(page["pageInfo"]["endCursor"])


def create_service(client, state, name):
    """serviceCreate with the name only (no source, so nothing deploys before the config patch); found again if lost."""
    service_input = dict(projectId=state.project["id"], name=name, environmentId=state.environment["id"])
    state.written_since_read = True         # the new instance changes the environment's configEtag

    def create():
        return client.mutate(SERVICE_CREATE, dict(input=service_input))["serviceCreate"]["id"]

    return create_or_find_again(create, lambda: project_services(client, state.project["id"]).get(name))


def reapply_after_rollbacks(ctx, client, state, items, ids, deployed, skip_deploys):
    """{name: new deployment id (True in check mode)} of the present services a rollback left on older variables."""
    redeployed = {}
    for item in items:
        sid = ids[item["name"]]
        if item["state"] == "present" and not sid.startswith(NEW):
            made = reapply_after_rollback(ctx, client, state, sid, item["name"], sid in deployed, skip_deploys)
            if made:
                redeployed[item["name"]] = made
    return redeployed


def changed_variable_keys(state, items, ids, patched, shared_names=()):
    """(service name or "shared", NAME) of every variable this run adds, changes or removes."""
    keys = {(SHARED_SCOPE, name) for name in shared_names}
    for item in items:
        sid = ids[item["name"]]
        section = (patched.get(sid) or {}).get("variables") or {}
        before = None if sid.startswith(NEW) else (state.instance(sid) or {}).get("variables")
        for names in variable_changes(before, section):
            keys.update((item["name"], name) for name in names)
    return keys


def variable_values(state, config, ids):
    """{service name: {NAME: value as written}} of the environment's services once the plan is committed."""
    names = dict(state.service_names)
    names.update({sid: name for name, sid in ids.items()})
    values = {}
    for sid, instance in (config.get("services") or {}).items():
        variables = (instance or {}).get("variables") or {}
        values[names.get(sid, sid)] = {n: (v or {}).get("value") for n, v in variables.items() if (v or {}).get("value")}
    return values


def deploy_stale_references(ctx, client, state, items, ids, plan, deployed, params):
    """{name: references} of the present services deployed again because a value they reference changed.

    Railway deploys the services a config change touches, not those that reference a changed variable: those
    run the old rendered value until deployed. One serviceInstanceDeployV2 each; none in check mode."""
    changed = changed_variable_keys(state, items, ids, plan.patch.get("services") or {}, params.get("changed_shared_variables") or ())
    if not changed:
        return {}
    stale = stale_references(variable_values(state, plan.after(), ids), changed)
    out = {}
    for item in items:
        name, sid = item["name"], ids[item["name"]]
        if item["state"] != "present" or name not in stale or sid in deployed or sid.startswith(NEW):
            continue
        if not state.latest_deployments.get(sid):
            continue            # never deployed: its first deployment renders the new values
        because = ", ".join(stale[name])
        if params.get("skip_deploys"):
            ctx.warn("%s: references %s, which changed; skip_deploys is set, so it runs the old values until deployed."
                     % (name, because))
            continue
        if not ctx.check_mode:
            client.mutate(DEPLOY_SAME_COMMIT, dict(environmentId=state.environment["id"], serviceId=sid))
        out[name] = stale[name]
    return out


def delete_service(client, state, service_id, name):
    try:
        client.mutate(SERVICE_DELETE, dict(id=service_id))
    except ApiError as exc:
        if not exc.lost_response or name in project_services(client, state.project["id"]):
            raise


def remove_absent(ctx, client, state, items, ids):
    """Names of the absent items removed: scope=environment by the patch already committed, scope=project here."""
    deleted = set()
    for item in items:
        sid = ids[item["name"]]
        if item["state"] != "absent" or sid.startswith(NEW):
            continue
        if item["scope"] == "environment":
            if state.instance(sid) is not None:
                deleted.add(item["name"])
            continue
        if not ctx.check_mode:
            delete_service(client, state, sid, item["name"])
        deleted.add(item["name"])
    return deleted


def check_scope(params, items, where_of):
    for index, item in enumerate(items):
        if item["state"] == "absent" and item["scope"] == "environment" and not params.get("environment"):
            raise TaskFailed("environment: %s removes the service from one environment (scope=environment): give the "
                             "environment, or scope=project to delete the service everywhere." % (
                                 where_of(index) or "state=absent"))


# ---------------------------------------------------------------------------------------- the one code path

class Batch:
    """The items of one converge: their options, parsed variables, and how messages name each.

    where_of(index) names an item in messages ("services[2]", or "" for railway_service).
    """

    def __init__(self, ctx, items, where_of):
        self.items = items
        self.where_of = where_of
        self.index_of = {}
        self.specs = []
        for index, item in enumerate(items):
            where = where_of(index)
            validate_item(item, where)
            if item["name"] in self.index_of:
                raise TaskFailed("%s: service %r is listed twice (also %s)." % (
                    _at(where, "name"), item["name"], where_of(self.index_of[item["name"]])))
            self.index_of[item["name"]] = index
            self.specs.append(parse_variables(_at(where, "variables"), item.get("variables")) if item.get("variables") else None)
            register_secret_values(ctx, self.specs[-1])
        self.present = [i for i, item in enumerate(items) if item["state"] == "present"]
        self.caches = [dict() for dummy in items]

    def variables_option(self, index):
        return _at(self.where_of(index), "variables")


def read_services(ctx, params, batch):
    """(client, the environment's state, {name: id, or NEW + name for a service still to create}): one read."""
    in_environment = batch.present or any(item["scope"] == "environment" for item in batch.items)
    client = ctx.register_client(RailwayClient(params))
    state = read_state(ctx, client, params["project"], params.get("environment") if in_environment else None,
                       params.get("workspace_id"))
    ids = {}
    for index, item in enumerate(batch.items):
        ids[item["name"]] = state.services.get(item["name"]) or NEW + item["name"]
        register_secret_values(ctx, batch.specs[index], (state.instance(ids[item["name"]]) or {}).get("variables"))
    return client, state, ids


def planner_for(ctx, batch, service_ids):
    """The config engine's planner of the batch: each present item's settings, each removed instance."""
    def planner(s):
        plan = Plan(s)
        for i in batch.present:
            item = batch.items[i]
            sid = service_ids[item["name"]]
            instance = None if sid.startswith(NEW) else s.instance(sid)
            desired = service_desired(item, instance)
            if batch.specs[i]:
                desired["variables"] = desired_variables(ctx, batch.variables_option(i), batch.specs[i],
                                                         (instance or {}).get("variables"), cache=batch.caches[i])
            plan.service(sid, desired)
        for item in batch.items:
            sid = service_ids[item["name"]]
            if item["state"] == "absent" and item["scope"] == "environment" and not sid.startswith(NEW):
                plan.delete_service_instance(sid)       # isDeleted: this environment's instance only
        return plan
    return planner


def check_batch_references(state, plan, batch, ids, planned=None):
    """Fail before any write, naming every `${{...}}` of the batch's values that names nothing.

    planned: {service name: variable names} of services an earlier task of the run would create (check mode);
    a service that exists is read from the environment instead."""
    catalog = reference_catalog(state, plan.after(), new_services={ids[n]: n for n in ids if ids[n].startswith(NEW)})
    for name, names in (planned or {}).items():
        if name not in state.services:
            catalog["services"].setdefault(name, set()).update(names or ())
    problems = []
    for i in batch.present:
        if batch.specs[i]:
            values = {spec.name: spec.value for spec in batch.specs[i] if spec.value is not None}
            problems += reference_problems(batch.variables_option(i), values, batch.items[i]["name"], catalog)
    if problems:
        raise TaskFailed("; ".join(problems), problems=problems)


def create_missing(ctx, client, state, batch, ids):
    """Names of the present services this run creates (in check mode: would create); ids gets their new ids."""
    missing = {batch.items[i]["name"] for i in batch.present if ids[batch.items[i]["name"]].startswith(NEW)}
    if ctx.check_mode:
        return missing
    for name in sorted(missing, key=batch.index_of.get):
        ids[name] = create_service(client, state, name)
        state.services[name] = ids[name]        # so that Railway's messages about it name it
    return missing


def absent_row(item, sid, state, deleted):
    """The result row of an item with state=absent."""
    name = item["name"]
    before = None if sid.startswith(NEW) else state.instance(sid)
    return dict(result=dict(id=None if sid.startswith(NEW) else sid, name=name, state="absent", scope=item["scope"],
                            changed=name in deleted),
                before=masked_config(before) if name in deleted else None, after=None)


def present_row(item, specs, sid, state, plan, after, done):
    """The result row of a present item: its result, and its before and after views (secrets masked).

    after: the environment's config once the plan is committed; done: what the run created and deployed again.
    """
    name, patched = item["name"], plan.patch.get("services") or {}
    public_id = None if sid.startswith(NEW) else sid
    before_instance = None if public_id is None else state.instance(sid)
    desired = service_desired(item, before_instance)
    if specs:
        desired["variables"] = {spec.name: {} for spec in specs}
    changed = name in done["created"] or sid in patched or name in done["redeployed"] or name in done["for_references"]
    result = instance_result(public_id, name, (after.get("services") or {}).get(sid), created=name in done["created"], changed=changed)
    result["state"] = "present"
    result["latest_deployment"] = latest_deployment(state, public_id)
    if name in done["redeployed"]:
        result["redeployed_after_rollback"] = done["redeployed"][name]
    if name in done["for_references"]:
        result["redeployed_for_references"] = done["for_references"][name]
    before_view = view(before_instance, desired) if before_instance is not None else None
    after_view = view((after.get("services") or {}).get(sid), desired)
    if specs and before_instance is not None:
        updated = variable_changes(before_instance.get("variables"), (patched.get(sid) or {}).get("variables") or {})[1]
        for var in updated:
            if ((after_view.get("variables") or {}).get(var) or {}).get("value") == SECRET_MASK:
                after_view["variables"][var]["value"] += " (changed)"       # a masked value would hide the change
    if name in done["for_references"]:
        after_view["redeployed"] = "because %s changed" % ", ".join(done["for_references"][name])
    return dict(result=result, before=before_view, after=after_view)


def converge(ctx, params, items, where_of):
    """Converge `items` (railway_service options, plus variables) in params' project and environment.

    where_of(index) names an item in messages ("services[2]", or "" for railway_service).
    Returns (state, rows, outcome, changed): rows are per item dicts with result, before and after views.
    """
    batch = Batch(ctx, items, where_of)
    check_scope(params, items, where_of)
    client, state, ids = read_services(ctx, params, batch)
    adopt_run_staged(client, state, params.get("staged_by_run"))   # an earlier task's staged change, committed with ours
    plan = planner_for(ctx, batch, ids)(state)
    check_batch_references(state, plan, batch, ids, params.get("planned_services"))
    created = create_missing(ctx, client, state, batch, ids)
    if created and not ctx.check_mode:
        plan = planner_for(ctx, batch, ids)(state)
    outcome = commit(ctx, client, state, planner_for(ctx, batch, ids), "railstack.platform: %d service(s)" % len(batch.present),
                     params.get("skip_deploys"))
    deleted = remove_absent(ctx, client, state, items, ids)
    deploys = set() if params.get("skip_deploys") else set(plan.patch.get("services") or {})
    for_references = deploy_stale_references(ctx, client, state, items, ids, plan, deploys, params)
    deploys |= {ids[name] for name in for_references}
    redeployed = reapply_after_rollbacks(ctx, client, state, items, ids, deploys, params.get("skip_deploys"))
    done = dict(created=created, redeployed=redeployed, for_references=for_references)
    after = plan.after()
    rows = [absent_row(item, ids[item["name"]], state, deleted) if item["state"] == "absent"
            else present_row(item, batch.specs[i], ids[item["name"]], state, plan, after, done)
            for i, item in enumerate(items)]
    changed = plan.changed or created or deleted or redeployed or for_references or outcome["committed"]
    return state, rows, outcome, bool(changed)


def latest_deployment(state, service_id):
    """The instance's latest deployment as the one read saw it (before this task's writes): id and status, or None."""
    latest = state.latest_deployments.get(service_id) if service_id else None
    return dict(id=latest.get("id"), status=latest.get("status")) if latest else None


def environment_result(state):
    return dict(state.environment or {}, project_id=state.project["id"], project_name=state.project["name"])
