# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_database: Postgres, Redis, MySQL or MongoDB built the way Railway's own templates build them
(their shapes are data: railway_database_templates.py).

A template deploy (templateDeployV2) is not idempotent, so the same shape is built by hand:
serviceCreate (name only) + volumeCreate (detached) + ONE config patch with the image, the start
command, deploy.requiredMountPath, the standard variables (a generated password), the TCP proxy when
public, and the volume's instance: its size (Railway takes it as the initial size) and its mount at
the engine's data path. Sizes and the volumes per project are checked against the plan first. Found again by name on later runs, where only what
differs is written: an existing database (one made from Railway's template too) keeps its
password, its image and its variables; nothing is redeployed unless a setting changes.
"""

from __future__ import annotations

import string

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, railway_argument_spec, railway_environment_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import (
    DELETE, STAGED_CHANGES_OPTION, Plan, commit, read_state, view)
from ansible_collections.railstack.platform.plugins.module_utils.railway_database_templates import TEMPLATES
from ansible_collections.railstack.platform.plugins.module_utils.railway_service_plans import (
    create_service, delete_service, instance_result)
from ansible_collections.railstack.platform.plugins.module_utils.railway_variable_specs import VariableSpec, desired_variables
from ansible_collections.railstack.platform.plugins.module_utils.railway_volume_plans import (
    NEW_VOLUME, check_size, check_volume_count, commit_or_drop_volume, create_volume, find_volume, plan_volume, volume_result)

REDIS_POLICIES = ["noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu",
                  "volatile-random", "volatile-ttl"]

ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
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
    state=dict(type="str", default="present", choices=["present", "absent"]),
    skip_deploys=dict(type="bool", default=False),
    staged_changes=STAGED_CHANGES_OPTION,
)
MODULE_KWARGS = dict(mutually_exclusive=[("version", "image")])

PASSWORD_ALPHABET = string.ascii_letters
NEW_SERVICE = "new:database"


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


def _validate(params):
    engine = params["engine"]
    if engine != "redis":
        for option in ("redis_maxmemory", "redis_maxmemory_policy"):
            if params[option] is not None:
                raise TaskFailed("%s: only with engine=redis." % option)
    maxmemory = params["redis_maxmemory"]
    if maxmemory is not None and not (maxmemory.rstrip("kmgbKMGB").isdigit() and maxmemory[:1].isdigit()):
        raise TaskFailed("redis_maxmemory: a Redis memory size such as 256mb or 1gb, got %r." % maxmemory)
    if params["version"] is not None and (not params["version"].strip() or any(c in params["version"] for c in ":@/ ")):
        raise TaskFailed("version: an image tag such as 17 or 8.2.1, got %r." % params["version"])
    if params["image"] is not None and not params["image"].strip():
        raise TaskFailed("image: an image reference such as ghcr.io/railwayapp-templates/postgres-ssl:17.")


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


def _remove(ctx, client, state, params, name, service_id):
    """state=absent: delete the database's service (its volume goes with it)."""
    if service_id is None:
        return ctx.result(changed=False, engine=params["engine"], service={}, volume={}, variables=[], references={},
                          diff=({}, {}))
    if not ctx.check_mode:
        delete_service(client, state, service_id, name)
    return ctx.result(changed=True, engine=params["engine"], service=dict(id=service_id, name=name), volume={},
                      variables=[], references={}, diff=(dict(service=name), {}))


def _check_takeover(params, name, instance):
    """Fail when the service of that name runs another engine's image (unless `image` takes it over)."""
    image = ((instance or {}).get("source") or {}).get("image") or ""
    if image and params["engine"] not in image.lower() and not params["image"]:
        raise TaskFailed("name: service %s runs image %s, not a %s image; give another name (or image to take it over)." % (
            name, image, params["engine"]))


def _create_missing(ctx, client, state, params, spec, name, service_id, volume_id):
    """(service id, volume id, created service id, created volume): the service and the volume made when missing."""
    created_service = created_volume = None
    if ctx.check_mode:
        return service_id, volume_id, created_service, created_volume
    if service_id is None:
        service_id = created_service = create_service(client, state, name)
        state.services[name] = service_id
    if volume_id is None:
        created_volume = create_volume(client, state, service_id, spec["mount"], params["region"])
        volume_id = created_volume["id"]
        state.volumes[created_volume["name"]] = volume_id
    return service_id, volume_id, created_service, created_volume


def _result(ctx, state, params, spec, name, instance, plan, outcome, created):
    """The task's result: the service, its volume, the references other services use, the diff."""
    service_id, volume_id, created_service, created_volume = created
    after = plan.after()
    sid = service_id or NEW_SERVICE
    vid = volume_id or NEW_VOLUME
    changed = bool(plan.changed or created_service or created_volume)
    public = bool(((after.get("services") or {}).get(sid) or {}).get("networking", {}).get("tcpProxies"))
    service = instance_result(None if sid == NEW_SERVICE else sid, name, (after.get("services") or {}).get(sid),
                              created=bool(created_service) or sid == NEW_SERVICE, changed=changed)
    watched = dict(source=dict(image=1), deploy=dict(requiredMountPath=1, startCommand=1), networking=dict(tcpProxies=1),
                   variables={v: 1 for v in ((after.get("services") or {}).get(sid) or {}).get("variables") or {}})
    refs = references(name, spec, public)
    return ctx.result(
        changed=changed, engine=params["engine"], service=service,
        volume=volume_result(state, after, vid, (created_volume or {}).get("name")),
        variables=consumer_variables(spec, public), references=refs, url_reference=refs[spec["url"]],
        public_url_reference=refs.get(spec["public_url"]),
        staged=outcome["staged"] if changed else False,
        diff=(view(instance, watched) if instance else {}, view((after.get("services") or {}).get(sid), watched)),
    )


def run(ctx):
    params = ctx.params
    _validate(params)
    spec = TEMPLATES[params["engine"]]
    name = params["name"] or spec["name"]
    client = ctx.register_client(RailwayClient(params))
    state = read_state(ctx, client, params["project"], params["environment"], params["workspace_id"])
    service_id = state.services.get(name)
    if params["state"] == "absent":
        return _remove(ctx, client, state, params, name, service_id)
    instance = state.instance(service_id) if service_id else None
    _check_takeover(params, name, instance)
    volume_id = find_volume(state, service_id, None) if service_id else None
    check_size(state, volume_id, params["size_mb"])
    if volume_id is None:
        check_volume_count(state, "name", "database %s" % name)
    created = _create_missing(ctx, client, state, params, spec, name, service_id, volume_id)
    service_id, volume_id, created_volume = created[0], created[1], created[3]
    cache = {}

    def planner(s):
        plan = Plan(s)
        sid = service_id or NEW_SERVICE
        plan.service(sid, desired_database(ctx, params, spec, s.instance(sid), cache))
        plan_volume(plan, volume_id or NEW_VOLUME, sid, spec["mount"], params["size_mb"], params["backup_schedules"],
                    params["region"])
        return plan

    plan = planner(state)
    outcome = commit_or_drop_volume(client, created_volume, lambda: commit(
        ctx, client, state, planner, "railstack.platform railway_database: %s" % name, params["skip_deploys"]))
    return _result(ctx, state, params, spec, name, instance, plan, outcome, created)
