# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_database: Postgres, Redis, MySQL or MongoDB built the way Railway's own templates build them.

A template deploy (templateDeployV2) is not idempotent, so the same shape is built by hand:
serviceCreate (name only) + volumeCreate (mounted at the engine's data path) + ONE config patch
with the image, deploy.requiredMountPath, the standard variables (a generated password), the TCP
proxy when public, and the volume's size. Found again by name on later runs, where only what
differs is written: an existing database (one made from Railway's template too) keeps its
password, its image and its variables; nothing is redeployed unless a setting changes.
"""

from __future__ import annotations

import string

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, railway_argument_spec, railway_environment_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import (
    DELETE, STAGED_CHANGES_OPTION, Plan, commit, read_state, view)
from ansible_collections.railstack.platform.plugins.module_utils.railway_services import (
    create_service, delete_service, instance_result)
from ansible_collections.railstack.platform.plugins.module_utils.railway_variables import VariableSpec, desired_variables
from ansible_collections.railstack.platform.plugins.module_utils.railway_volume import (
    check_size, create_volume, find_volume, plan_volume, volume_result)

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
PG_URL = "postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@%s/${{PGDATABASE}}"
REDIS_START = ('/bin/sh -c "rm -rf $RAILWAY_VOLUME_MOUNT_PATH/lost+found/ && exec docker-entrypoint.sh redis-server'
               ' --requirepass $REDIS_PASSWORD --save 60 1 --dir $RAILWAY_VOLUME_MOUNT_PATH%s"')

# Each engine as Railway's template has it (reference: railway-api.md §4).
ENGINES = dict(
    postgres=dict(
        name="Postgres", image="ghcr.io/railwayapp-templates/postgres-ssl", version="18", mount="/var/lib/postgresql/data",
        port=5432, password="POSTGRES_PASSWORD", url="DATABASE_URL", public_url="DATABASE_PUBLIC_URL",
        variables=[
            ("PGDATA", "/var/lib/postgresql/data/pgdata"), ("PGHOST", "${{RAILWAY_PRIVATE_DOMAIN}}"), ("PGPORT", "5432"),
            ("PGUSER", "${{POSTGRES_USER}}"), ("PGPASSWORD", "${{POSTGRES_PASSWORD}}"), ("PGDATABASE", "${{POSTGRES_DB}}"),
            ("POSTGRES_DB", "railway"), ("POSTGRES_USER", "postgres"),
            ("DATABASE_URL", PG_URL % "${{RAILWAY_PRIVATE_DOMAIN}}:5432"),
            ("RAILWAY_DEPLOYMENT_DRAINING_SECONDS", "60"), ("SSL_CERT_DAYS", "820"),
        ],
        public_value=PG_URL % "${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}",
        consumers=["DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"],
    ),
    redis=dict(
        name="Redis", image="redis", version="8.2.1", mount="/data", port=6379, password="REDIS_PASSWORD",
        url="REDIS_URL", public_url="REDIS_PUBLIC_URL",
        variables=[
            ("REDISHOST", "${{RAILWAY_PRIVATE_DOMAIN}}"), ("REDISPORT", "6379"), ("REDISUSER", "default"),
            ("REDISPASSWORD", "${{REDIS_PASSWORD}}"),
            ("REDIS_URL", "redis://${{REDISUSER}}:${{REDIS_PASSWORD}}@${{REDISHOST}}:${{REDISPORT}}"),
        ],
        public_value="redis://default:${{REDIS_PASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}",
        consumers=["REDIS_URL", "REDISHOST", "REDISPORT", "REDISUSER", "REDISPASSWORD"],
    ),
    mysql=dict(
        name="MySQL", image="mysql", version="9.4", mount="/var/lib/mysql", port=3306, password="MYSQL_ROOT_PASSWORD",
        url="MYSQL_URL", public_url="MYSQL_PUBLIC_URL",
        variables=[
            ("MYSQLHOST", "${{RAILWAY_PRIVATE_DOMAIN}}"), ("MYSQLPORT", "3306"), ("MYSQLUSER", "root"),
            ("MYSQLPASSWORD", "${{MYSQL_ROOT_PASSWORD}}"), ("MYSQL_DATABASE", "railway"), ("MYSQLDATABASE", "${{MYSQL_DATABASE}}"),
            ("MYSQL_URL", "mysql://${{MYSQLUSER}}:${{MYSQL_ROOT_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:3306/${{MYSQL_DATABASE}}"),
        ],
        public_value="mysql://${{MYSQLUSER}}:${{MYSQL_ROOT_PASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}/${{MYSQL_DATABASE}}",
        consumers=["MYSQL_URL", "MYSQLHOST", "MYSQLPORT", "MYSQLUSER", "MYSQLPASSWORD", "MYSQLDATABASE"],
    ),
    mongo=dict(
        name="MongoDB", image="mongo", version="8", mount="/data/db", port=27017, password="MONGO_INITDB_ROOT_PASSWORD",
        url="MONGO_URL", public_url="MONGO_PUBLIC_URL",
        variables=[
            ("MONGOHOST", "${{RAILWAY_PRIVATE_DOMAIN}}"), ("MONGOPORT", "27017"), ("MONGO_INITDB_ROOT_USERNAME", "mongo"),
            ("MONGOUSER", "${{MONGO_INITDB_ROOT_USERNAME}}"), ("MONGOPASSWORD", "${{MONGO_INITDB_ROOT_PASSWORD}}"),
            ("MONGO_URL", "mongodb://${{MONGOUSER}}:${{MONGOPASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:${{MONGOPORT}}"),
        ],
        public_value="mongodb://${{MONGOUSER}}:${{MONGOPASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}",
        consumers=["MONGO_URL", "MONGOHOST", "MONGOPORT", "MONGOUSER", "MONGOPASSWORD"],
    ),
)
NEW_SERVICE = "new:database"
NEW_VOLUME = "new:volume"


def redis_start_command(maxmemory=None, policy=None):
    extra = ""
    if maxmemory:
        extra += " --maxmemory %s" % maxmemory
    if policy:
        extra += " --maxmemory-policy %s" % policy
    return REDIS_START % extra


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
    if params["engine"] == "redis":
        have_start = (instance.get("deploy") or {}).get("startCommand")
        if not have_start or params["redis_maxmemory"] or params["redis_maxmemory_policy"]:
            desired["deploy"]["startCommand"] = redis_start_command(params["redis_maxmemory"], params["redis_maxmemory_policy"])
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


def run(ctx):
    params = ctx.params
    _validate(params)
    spec = ENGINES[params["engine"]]
    name = params["name"] or spec["name"]
    client = ctx.register_client(RailwayClient(params))
    state = read_state(ctx, client, params["project"], params["environment"], params["workspace_id"])
    service_id = state.services.get(name)

    if params["state"] == "absent":
        if service_id is None:
            return ctx.result(changed=False, engine=params["engine"], service={}, volume={}, variables=[], references={},
                              diff=({}, {}))
        if not ctx.check_mode:
            delete_service(client, state, service_id, name)
        return ctx.result(changed=True, engine=params["engine"], service=dict(id=service_id, name=name), volume={},
                          variables=[], references={}, diff=(dict(service=name), {}))

    instance = state.instance(service_id) if service_id else None
    if instance is not None:
        image = (instance.get("source") or {}).get("image") or ""
        if image and params["engine"] not in image.lower() and not params["image"]:
            raise TaskFailed("name: service %s runs image %s, not a %s image; give another name (or image to take it over)." % (
                name, image, params["engine"]))
    volume_id = find_volume(state, service_id, None) if service_id else None
    check_size(state, volume_id, params["size_mb"])
    cache = {}
    created_service = created_volume = None
    if not ctx.check_mode:
        if service_id is None:
            service_id = create_service(client, state, name)
            created_service = service_id
            state.services[name] = service_id
        if volume_id is None:
            created_volume = create_volume(client, state, service_id, spec["mount"], params["region"])
            volume_id = created_volume["id"]
            state.volumes[created_volume["name"]] = volume_id

    def planner(s):
        plan = Plan(s)
        sid = service_id or NEW_SERVICE
        plan.service(sid, desired_database(ctx, params, spec, s.instance(sid), cache))
        plan_volume(plan, volume_id or NEW_VOLUME, sid, spec["mount"], params["size_mb"], params["backup_schedules"])
        return plan

    plan = planner(state)
    outcome = commit(ctx, client, state, planner, "railstack.platform railway_database: %s" % name, params["skip_deploys"])
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
