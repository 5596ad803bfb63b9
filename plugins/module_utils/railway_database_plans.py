# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""Databases as railway_database and railway_databases converge them: library code, no resource of its own.

converge() takes the databases of one environment read once (one or many): checks every item (the image,
the volume's size and the volumes per project against the plan) before any write, makes the missing
services and volumes, and writes what differs in ONE config patch. railway_database is the same code with
one item; the engines' shapes are data in railway_database_templates.
"""

from __future__ import annotations

import string
from typing import Callable

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import (
    DELETE, EnvironmentState, Plan, commit, refuse_foreign_staged, stage_only, staged_changes, view)
from ansible_collections.railstack.platform.plugins.module_utils.railway_database_templates import TEMPLATES
from ansible_collections.railstack.platform.plugins.module_utils.railway_service_plans import create_service, instance_result
from ansible_collections.railstack.platform.plugins.module_utils.railway_variable_specs import VariableSpec, desired_variables
from ansible_collections.railstack.platform.plugins.module_utils.railway_volume_plans import (
    check_size, check_volume_count, commit_or_drop_volumes, create_volume, find_volume, plan_volume, volume_result)

REDIS_POLICIES = ["noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu",
                  "volatile-random", "volatile-ttl"]
DATABASE_OPTIONS = dict(
    engine=dict(type="str", required=True, choices=["postgres", "redis", "mysql", "mongo"]),
    name=dict(type="str"),
    version=dict(type="str"),
    image=dict(type="str"),
    public=dict(type="bool"),
    size_mb=dict(type="int"),
    backup_schedules=dict(type="list", elements="str", choices=["DAILY", "WEEKLY", "MONTHLY"]),
    region=dict(type="str"),
    redis_maxmemory=dict(type="str"),
    redis_maxmemory_policy=dict(type="str", choices=REDIS_POLICIES),
)
PASSWORD_ALPHABET = string.ascii_letters
NEW = "new:"          # placeholder ids of what this run makes (check mode): one per database of the list


def start_command(spec: dict, maxmemory: str | None = None, policy: str | None = None) -> str | None:
    """The template's start command (None: the image's own), with Redis's memory options."""
    if spec["start_command"] is None:
        return None
    extra = ""
    if maxmemory:
        extra += " --maxmemory %s" % maxmemory
    if policy:
        extra += " --maxmemory-policy %s" % policy
    return spec["start_command"] % dict(extra=extra) if "%(extra)s" in spec["start_command"] else spec["start_command"]


def validate_database(params: dict, where: str = "") -> None:
    """Refuse, before any request, options the engine or Railway would not take; `where` prefixes the option."""
    if params["engine"] != "redis":
        for option in ("redis_maxmemory", "redis_maxmemory_policy"):
            if params[option] is not None:
                raise TaskFailed("%s%s: only with engine=redis." % (where, option))
    maxmemory = params["redis_maxmemory"]
    if maxmemory is not None and not (maxmemory.rstrip("kmgbKMGB").isdigit() and maxmemory[:1].isdigit()):
        raise TaskFailed("%sredis_maxmemory: a Redis memory size such as 256mb or 1gb, got %r." % (where, maxmemory))
    if params["version"] is not None and params["image"] is not None:
        raise TaskFailed("%sversion: give version or image, not both." % where)
    if params["version"] is not None and (not params["version"].strip() or any(c in params["version"] for c in ":@/ ")):
        raise TaskFailed("%sversion: an image tag such as 17 or 8.2.1, got %r." % (where, params["version"]))
    if params["image"] is not None and not params["image"].strip():
        raise TaskFailed("%simage: an image reference such as ghcr.io/railwayapp-templates/postgres-ssl:17." % where)


def database_name(params: dict) -> str:
    return params["name"] or TEMPLATES[params["engine"]]["name"]


def desired_database(ctx, params, spec, instance, cache):
    """The partial config of the database's service instance."""
    instance = instance or {}
    have_image = (instance.get("source") or {}).get("image")
    image = params["image"] or "%s:%s" % (spec["image"], params["version"] or spec["version"])
    desired = dict(deploy=dict(requiredMountPath=spec["mount"]))
    if not have_image or params["image"] or params["version"]:     # an existing database keeps its image unless asked
        desired["source"] = dict(image=image, repo=DELETE, branch=DELETE)
    start = start_command(spec, params["redis_maxmemory"], params["redis_maxmemory_policy"])
    have_start = (instance.get("deploy") or {}).get("startCommand")
    if start and (not have_start or params["redis_maxmemory"] or params["redis_maxmemory_policy"]):
        desired["deploy"]["startCommand"] = start      # an existing database keeps its own unless asked
    specs = [VariableSpec(spec["password"], generate=(32, PASSWORD_ALPHABET))]
    specs += [VariableSpec(name, value=value) for name, value in spec["variables"]]
    public = params["public"]
    absent = []
    if public:
        specs.append(VariableSpec(spec["public_url"], value=spec["public_value"]))
    elif public is False:
        absent.append(spec["public_url"])
    current_vars = instance.get("variables") or {}
    # Standard variables are written when missing; an existing database keeps its own values.
    desired["variables"] = desired_variables(ctx, "variables", specs, current_vars, update_mode="on_create",
                                             absent_names=[n for n in absent if n in current_vars], cache=cache)
    if public is not None:
        have_ports = ((instance.get("networking") or {}).get("tcpProxies") or {})
        proxies = {p: DELETE for p in have_ports if not public or p != str(spec["port"])}
        if public:
            proxies[str(spec["port"])] = {}
        desired["networking"] = dict(tcpProxies=proxies)
    return desired


def consumer_variables(spec, public):
    """The variables other services reference (the public URL only with public access)."""
    return spec["consumers"] + ([spec["public_url"]] if public else [])


def references(name, spec, public):
    """NAME -> ${{<service>.NAME}}. Password variables are left out: a result key naming a password is
    always masked (their reference is built the same way; see `variables`)."""
    return {var: "${{%s.%s}}" % (name, var) for var in consumer_variables(spec, public) if "PASSWORD" not in var}


def check_takeover(params, name, instance, where=""):
    """Fail when the service of that name runs another engine's image (unless `image` takes it over)."""
    image = ((instance or {}).get("source") or {}).get("image") or ""
    if image and params["engine"] not in image.lower() and not params["image"]:
        raise TaskFailed("%sname: service %s runs image %s, not a %s image; give another name (or image to take it over)." % (
            where, name, image, params["engine"]))


class Database:
    """One item: its options, its template, its service and volume (None while missing) and what this run made."""

    def __init__(self, state: EnvironmentState, params: dict, where: str) -> None:
        self.params = params
        self.where = where
        self.spec = TEMPLATES[params["engine"]]
        self.name = database_name(params)
        self.service_id = state.services.get(self.name)
        self.instance = state.instance(self.service_id) if self.service_id else None
        self.volume_id = find_volume(state, self.service_id, None) if self.service_id else None
        self.created_service: str | None = None
        self.created_volume: dict | None = None
        self.cache: dict = {}

    @property
    def planned_service_id(self) -> str:
        """The service's id, or a placeholder of its own while it is still to be made (check mode)."""
        return self.service_id or "%sdatabase:%s" % (NEW, self.name)

    @property
    def planned_volume_id(self) -> str:
        return self.volume_id or "%svolume:%s" % (NEW, self.name)

    @property
    def created(self) -> bool:
        return bool(self.created_service or self.created_volume)


def check_databases(state: EnvironmentState, items: list[dict], where_of: Callable[[int], str]) -> list[Database]:
    """Every item checked against the environment and the plan before any write (one new volume counted after another)."""
    databases, new_volumes = [], 0
    for index, params in enumerate(items):
        database = Database(state, params, where_of(index))
        check_takeover(params, database.name, database.instance, database.where)
        check_size(state, database.volume_id, params["size_mb"], database.where + "size_mb")
        if database.volume_id is None:
            check_volume_count(state, database.where + "name", "database %s" % database.name, planned=new_volumes)
            new_volumes += 1
        databases.append(database)
    return databases


def create_missing(ctx, client, state: EnvironmentState, databases: list[Database]) -> None:
    """The services and volumes of the databases that have none (nothing in check mode)."""
    if ctx.check_mode:
        return
    for database in databases:
        if database.service_id is None:
            database.service_id = database.created_service = create_service(client, state, database.name)
            state.services[database.name] = database.service_id
        if database.volume_id is None:
            created = create_volume(client, state, database.service_id, database.spec["mount"], database.params["region"])
            database.created_volume, database.volume_id = created, created["id"]
            state.volumes[created["name"]] = created["id"]


def planner_for(ctx, databases: list[Database]) -> Callable[[EnvironmentState], Plan]:
    def planner(state: EnvironmentState) -> Plan:
        plan = Plan(state)
        for database in databases:
            params, sid = database.params, database.planned_service_id
            plan.service(sid, desired_database(ctx, params, database.spec, state.instance(sid), database.cache))
            plan_volume(plan, database.planned_volume_id, sid, database.spec["mount"], params["size_mb"],
                        params["backup_schedules"], params["region"])
        return plan
    return planner


def database_result(state: EnvironmentState, database: Database, plan: Plan, after: dict, outcome: dict) -> dict:
    """One database's result (the service, its volume, the references other services use) and its diff views."""
    sid, vid = database.planned_service_id, database.planned_volume_id
    changed = bool(database.created or (plan.patch.get("services") or {}).get(sid)
                   or (plan.patch.get("volumes") or {}).get(vid))
    instance_after = (after.get("services") or {}).get(sid)
    public = bool((instance_after or {}).get("networking", {}).get("tcpProxies"))
    new = sid.startswith(NEW)
    service = instance_result(None if new else sid, database.name, instance_after,
                              created=bool(database.created_service) or new, changed=changed)
    watched = dict(source=dict(image=1), deploy=dict(requiredMountPath=1, startCommand=1), networking=dict(tcpProxies=1),
                   variables={v: 1 for v in (instance_after or {}).get("variables") or {}})
    refs = references(database.name, database.spec, public)
    result = dict(
        changed=changed, engine=database.params["engine"], service=service,
        volume=volume_result(state, after, vid, (database.created_volume or {}).get("name")),
        variables=consumer_variables(database.spec, public), references=refs, url_reference=refs[database.spec["url"]],
        public_url_reference=refs.get(database.spec["public_url"]),
        staged=outcome["staged"] if changed else False)
    before_view = view(database.instance, watched) if database.instance else {}
    return dict(result=result, before=before_view, after=view(instance_after, watched))


def own_staged_ids(state: EnvironmentState, items: list[dict], patch: dict) -> set:
    """Ids of the services and volumes of `items`' databases never committed yet (no image in the committed config):
    what a first run stopped between its stage and its commit leaves staged, and no person's edit of a database."""
    ids = {state.services[database_name(p)] for p in items if database_name(p) in state.services}
    ids = {i for i in ids if not ((state.instance(i) or {}).get("source") or {}).get("image")}
    for service_id in list(ids):
        for config in (state.instance(service_id), (patch.get("services") or {}).get(service_id)):
            ids.update(((config or {}).get("volumeMounts") or {}).keys())
    return ids


def adopt_own_staged(client, state: EnvironmentState, items: list[dict]) -> bool:
    """Whether what is staged in the environment is only these databases' first configuration (an earlier run
    staged it, then stopped before its commit): then it is taken as this run's own, planned on and committed."""
    if not state.unmerged_changes or not state.exists:
        return False
    patch = staged_changes(client, state).get("patch") or {}
    ids = own_staged_ids(state, items, patch)
    sections = set(patch) - {"services", "volumes"}
    touched = set(patch.get("services") or {}) | set(patch.get("volumes") or {})
    if sections or not touched or not touched <= ids:
        return False
    state.adopt_staged(patch)
    return True


def converge(ctx, client, state: EnvironmentState, items: list[dict], where_of: Callable[[int], str],
             message: str) -> tuple[list[dict], dict | None]:
    """Converge `items` (railway_database's options each) in the environment `state` holds: rows of result/before/after,
    and what identifies the change staged but not committed (None when committed or unchanged).

    With commit=false (railway_databases) the change is staged, not committed, when nothing else is staged: the
    result's staged_by_run tells the task that commits it (railway_services). The staged first configuration of these
    databases (a run that stopped before its commit) is taken as this run's own; anything else staged follows
    staged_changes, refused before the first write."""
    own = adopt_own_staged(client, state, items)
    databases = check_databases(state, items, where_of)
    planner = planner_for(ctx, databases)
    foreign = bool(state.unmerged_changes) and not own
    if foreign and planner(state).changed and (ctx.params.get("staged_changes") or "refuse") == "refuse":
        refuse_foreign_staged(client, state)       # before the first write
    create_missing(ctx, client, state, databases)
    plan = planner(state)
    created_volumes = [d.created_volume for d in databases if d.created_volume]
    if ctx.params.get("commit", True) or foreign:
        outcome = commit_or_drop_volumes(client, created_volumes, lambda: commit(
            ctx, client, state, planner, message, ctx.params["skip_deploys"]))
    else:
        outcome = commit_or_drop_volumes(client, created_volumes, lambda: stage_only(ctx, client, state, planner))
    after = plan.after()
    rows = [database_result(state, database, plan, after, outcome) for database in databases]
    return rows, outcome.get("staged_by_run")
