# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_volume and railway_database: exactly which requests are sent."""
from __future__ import annotations

import pytest

from .railway_script import applied, committed, reread_then_commit, unchanged
from ansible_collections.railstack.platform.plugins.module_utils import railway_database, railway_volume
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, TaskFailed, execute
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import EnvironmentState
from ansible_collections.railstack.platform.plugins.module_utils.railway_volume_plans import check_size

TOKEN = "rw-account-token-0123456789"
PID = "22222222-2222-4222-8222-222222222222"
EID = "33333333-3333-4333-8333-333333333333"
API = "44444444-4444-4444-8444-444444444444"
PG = "55555555-5555-4555-8555-555555555555"
VOL = "66666666-6666-4666-8666-666666666666"
PAGE = dict(hasNextPage=False, endCursor=None)


def answer(config, services=(("api", API),), volumes=(), plan="hobby"):
    return dict(project=dict(id=PID, name="prela", subscriptionType=plan,
                             environments=dict(edges=[dict(node=dict(id=EID, name="production", isEphemeral=False))]),
                             services=dict(edges=[dict(node=dict(id=i, name=n)) for n, i in services], pageInfo=PAGE),
                             volumes=dict(edges=[dict(node=dict(id=i, name=n)) for n, i in volumes], pageInfo=PAGE)),
                environment=dict(id=EID, name="production", projectId=PID, config=config, configEtag="e", unmergedChangesCount=0))


def env(config):
    return dict(environment=dict(id=EID, name="production", projectId=PID, config=config, configEtag="e2", unmergedChangesCount=0))


def common(**overrides):
    values = dict(api_token=TOKEN, project_token=None, api_url="http://railway.invalid/graphql/v2", validate_certs=True,
                  timeout=5, project=PID, workspace_id=None, environment=EID, skip_deploys=False, state="present")
    values.update(overrides)
    return values


def volume_params(**overrides):
    values = common(service="api", name=None, mount_path="/data", size_mb=None, backup_schedules=None, region=None)
    values.update(overrides)
    return values


def db_params(**overrides):
    values = common(engine="postgres", name=None, version=None, image=None, public=None, size_mb=None, backup_schedules=None,
                    region=None, redis_maxmemory=None, redis_maxmemory_policy=None)
    values.update(overrides)
    return values


def run(module, params, check_mode=False):
    return execute(module, TaskContext(params, check_mode=check_mode, diff=True, no_log_values={TOKEN}))


# ---------------------------------------------------------------------------------------- volumes

def test_volume_created_detached_then_sized_and_mounted_in_one_patch(railway_script):
    script = railway_script(("environmentState", answer(dict(services={API: {}}))),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="api-volume"))),
                            ("volumeUpdate", dict(volumeUpdate=dict(id=VOL, name="uploads"))),
                            *committed("p", "e"))
    result = run(railway_volume, volume_params(name="uploads", size_mb=10000, backup_schedules=["DAILY"], region="europe-west4"))
    script.done()
    assert script.sent[1][2] == dict(input=dict(projectId=PID, serviceId=API, mountPath="/data", environmentId=None,
                                                region="europe-west4"))
    assert script.sent[4][2]["patch"] == dict(
        volumes={VOL: dict(isCreated=True, sizeMB=10000, region="europe-west4")},
        services={API: dict(volumeMounts={VOL: dict(mountPath="/data", backupSchedules=["DAILY"])})})
    assert result["volume"]["id"] == VOL and result["volume"]["name"] == "uploads" and result["volume"]["size_mb"] == 10000


def test_volume_no_op_is_one_read(railway_script):
    config = dict(services={API: dict(volumeMounts={VOL: dict(mountPath="/data")})}, volumes={VOL: dict(sizeMB=10000)})
    script = railway_script(("environmentState", answer(config, volumes=(("uploads", VOL),))))
    result = run(railway_volume, volume_params(name="uploads", size_mb=10000))
    script.done()
    assert result["changed"] is False and result["api_requests"] == 1


def test_volume_refuses_to_shrink_naming_size_mb(railway_script):
    config = dict(services={API: dict(volumeMounts={VOL: dict(mountPath="/data")})}, volumes={VOL: dict(sizeMB=10000)})
    script = railway_script(("environmentState", answer(config)))
    result = run(railway_volume, volume_params(size_mb=5000))
    assert result["failed"] and result["msg"].startswith("size_mb:") and "10000" in result["msg"] and script.mutations == []


def test_volume_lost_create_is_found_again(railway_script):
    other = "77777777-7777-4777-8777-777777777777"
    script = railway_script(("environmentState", answer(dict(services={API: {}}), volumes=(("old", other),))),
                            ("volumeCreate", ApiError("lost", provider="Railway", lost_response=True)),
                            ("project", dict(project=dict(volumes=dict(edges=[dict(node=dict(id=other, name="old")),
                                                                              dict(node=dict(id=VOL, name="api-volume"))])))),
                            *committed("p", "e"))
    result = run(railway_volume, volume_params())
    script.done()
    assert script.mutations == ["volumeCreate", "environmentPatchCommit"] and result["volume"]["id"] == VOL
    assert script.sent[4][2]["patch"]["volumes"] == {VOL: dict(isCreated=True)}


def test_volume_mount_path_moves_in_one_patch(railway_script):
    config = dict(services={API: dict(volumeMounts={VOL: dict(mountPath="/data")})}, volumes={VOL: dict(sizeMB=5000)})
    script = railway_script(("environmentState", answer(config)), *committed("p", "e"))
    run(railway_volume, volume_params(mount_path="/var/data"))
    assert script.sent[2][2]["patch"] == dict(services={API: dict(volumeMounts={VOL: dict(mountPath="/var/data")})})


def test_volume_bad_mount_path_fails_before_any_request(railway_script):
    script = railway_script()
    result = run(railway_volume, volume_params(mount_path="data"))
    assert result["msg"].startswith("mount_path:") and script.sent == []


# ---------------------------------------------------------------------------------------- databases

def test_postgres_is_built_like_the_template_in_three_writes(railway_script):
    script = railway_script(("environmentState", answer(dict(services={}))),
                            ("serviceCreate", dict(serviceCreate=dict(id=PG, name="Postgres"))),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="Postgres-volume"))),
                            *reread_then_commit("p", env(dict(services={}))["environment"]))
    result = run(railway_database, db_params(public=True, size_mb=10000))
    script.done()
    assert script.sent[1][2]["input"] == dict(projectId=PID, name="Postgres", environmentId=EID)
    assert script.sent[2][2]["input"] == dict(projectId=PID, serviceId=PG, mountPath="/var/lib/postgresql/data", environmentId=None)
    patch = script.sent[4][2]["patch"]
    service = patch["services"][PG]
    assert service["isCreated"] is True
    assert service["source"] == dict(image="ghcr.io/railwayapp-templates/postgres-ssl:18")
    assert service["deploy"] == dict(requiredMountPath="/var/lib/postgresql/data")
    assert service["networking"] == dict(tcpProxies={"5432": {}})
    assert service["volumeMounts"] == {VOL: dict(mountPath="/var/lib/postgresql/data")}
    variables = service["variables"]
    password = variables["POSTGRES_PASSWORD"]["value"]
    assert len(password) == 32 and password.isalpha()
    assert variables["DATABASE_URL"]["value"] == "postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:5432/${{PGDATABASE}}"
    assert "RAILWAY_TCP_PROXY_DOMAIN" in variables["DATABASE_PUBLIC_URL"]["value"]
    assert patch["volumes"] == {VOL: dict(isCreated=True, sizeMB=10000)}
    assert result["url_reference"] == "${{Postgres.DATABASE_URL}}"
    assert result["public_url_reference"] == "${{Postgres.DATABASE_PUBLIC_URL}}"
    assert "PGPASSWORD" in result["variables"] and password not in repr(result)


def built_postgres(public=True):
    variables = {name: dict(value=value) for name, value in railway_database.TEMPLATES["postgres"]["variables"]}
    variables["POSTGRES_PASSWORD"] = dict(value="x" * 32)
    service = dict(source=dict(image="ghcr.io/railwayapp-templates/postgres-ssl:18"),
                   deploy=dict(requiredMountPath="/var/lib/postgresql/data"), variables=variables,
                   volumeMounts={VOL: dict(mountPath="/var/lib/postgresql/data")})
    if public:
        variables["DATABASE_PUBLIC_URL"] = dict(value=railway_database.TEMPLATES["postgres"]["public_value"])
        service["networking"] = dict(tcpProxies={"5432": {}})
    return dict(services={PG: service}, volumes={VOL: dict(sizeMB=10000)})


def test_an_existing_database_is_one_read_and_keeps_its_password(railway_script):
    script = railway_script(("environmentState", answer(built_postgres(), services=(("Postgres", PG),))))
    result = run(railway_database, db_params(public=True, size_mb=10000))
    script.done()
    assert result["changed"] is False and script.mutations == [] and result["api_requests"] == 1


def test_public_false_removes_the_proxy_and_the_public_url(railway_script):
    script = railway_script(("environmentState", answer(built_postgres(), services=(("Postgres", PG),))),
                            *committed("p", "e"))
    result = run(railway_database, db_params(public=False))
    expected = dict(services={PG: dict(variables=dict(DATABASE_PUBLIC_URL=None), networking=dict(tcpProxies={"5432": None}))})
    assert script.sent[2][2]["patch"] == expected
    assert result["public_url_reference"] is None


def test_a_template_database_keeps_its_own_values(railway_script):
    adopted = built_postgres()
    adopted["services"][PG]["variables"]["DATABASE_URL"] = dict(value="postgresql://custom")
    adopted["services"][PG]["source"]["image"] = "ghcr.io/railwayapp-templates/postgres-ssl:16"
    script = railway_script(("environmentState", answer(adopted, services=(("Postgres", PG),))))
    assert run(railway_database, db_params())["changed"] is False
    script.done()


def test_version_given_upgrades_the_image(railway_script):
    script = railway_script(("environmentState", answer(built_postgres(), services=(("Postgres", PG),))),
                            *committed("p", "e"))
    run(railway_database, db_params(version="17"))
    assert script.sent[2][2]["patch"]["services"][PG]["source"] == dict(image="ghcr.io/railwayapp-templates/postgres-ssl:17")


def test_redis_maxmemory_policy_is_in_the_start_command(railway_script):
    script = railway_script(("environmentState", answer(dict(services={}))),
                            ("serviceCreate", dict(serviceCreate=dict(id=PG, name="Redis"))),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="Redis-volume"))),
                            *reread_then_commit("p", env(dict(services={}))["environment"]))
    result = run(railway_database, db_params(engine="redis", redis_maxmemory="256mb", redis_maxmemory_policy="allkeys-lru"))
    script.done()
    service = script.sent[4][2]["patch"]["services"][PG]
    assert service["source"] == dict(image="redis:8.2.1")
    assert service["deploy"]["startCommand"].endswith("--maxmemory 256mb --maxmemory-policy allkeys-lru\"")
    assert service["volumeMounts"] == {VOL: dict(mountPath="/data")}
    assert result["url_reference"] == "${{Redis.REDIS_URL}}" and "networking" not in service


def test_database_check_mode_sends_no_mutation(railway_script):
    script = railway_script(("environmentState", answer(dict(services={}))))
    result = run(railway_database, db_params(public=True), check_mode=True)
    script.done()
    assert result["changed"] is True and script.mutations == [] and result["service"]["id"] is None


def test_database_bad_input_fails_before_any_request(railway_script):
    for overrides, prefix in ((dict(redis_maxmemory_policy="allkeys-lru"), "redis_maxmemory_policy:"),
                              (dict(engine="redis", redis_maxmemory="lots"), "redis_maxmemory:"),
                              (dict(version="17:alpine"), "version:")):
        script = railway_script()
        result = run(railway_database, db_params(**overrides))
        assert result["failed"] and result["msg"].startswith(prefix), result["msg"]
        assert script.sent == []


def test_database_shrink_and_foreign_service_fail_before_any_write(railway_script):
    script = railway_script(("environmentState", answer(built_postgres(), services=(("Postgres", PG),))))
    result = run(railway_database, db_params(size_mb=500))
    assert result["msg"].startswith("size_mb:") and script.mutations == []
    other = dict(services={PG: dict(source=dict(image="nginx:1"))})
    railway_script(("environmentState", answer(other, services=(("Postgres", PG),))))
    result = run(railway_database, db_params())
    assert result["msg"].startswith("name:") and "nginx" in result["msg"]


def plan_state(plan, config=None, volumes=()):
    project = dict(id="p", name="prela", subscriptionType=plan, environments=dict(edges=[]), services=dict(edges=[]),
                   volumes=dict(edges=[dict(node=dict(id=i, name=n)) for n, i in volumes]))
    return EnvironmentState(project, dict(id="e", name="production", config=config or {}))


@pytest.mark.parametrize("plan, refused, accepted", [
    ("free", [400, 1000, 5000], [500]), ("trial", [400, 1000], [500]),
    ("hobby", [500, 4999], [5000, 20000]), ("pro", [5000, 49999], [50000, 80000]), (None, [0], [500, 5000])])
def test_a_new_volumes_size_is_checked_against_the_plan(plan, refused, accepted):
    for size in refused:
        with pytest.raises(TaskFailed) as failure:
            check_size(plan_state(plan), None, size)
        assert failure.value.msg.startswith("size_mb:"), failure.value.msg
        if plan:
            assert "Railway's %s plan" % plan.capitalize() in failure.value.msg
    for size in accepted + [None]:
        check_size(plan_state(plan), None, size)


@pytest.mark.parametrize("plan, grows", [("free", False), ("trial", False), ("hobby", True), ("pro", True)])
def test_an_existing_volume_grows_only_on_paid_plans_and_never_shrinks(plan, grows):
    state = plan_state(plan, dict(volumes={VOL: dict(sizeMB=60000)}), volumes=(("data", VOL),))
    with pytest.raises(TaskFailed) as failure:
        check_size(state, VOL, 59000)
    assert "only grow" in failure.value.msg
    check_size(state, VOL, 60000)
    if grows:
        check_size(state, VOL, 70000)
    else:
        with pytest.raises(TaskFailed) as failure:
            check_size(state, VOL, 70000)
        assert failure.value.msg.startswith("size_mb: Railway's %s plan cannot resize volumes" % plan.capitalize())


def test_free_plan_size_fails_before_any_write_naming_the_plan(railway_script):
    script = railway_script(("environmentState", answer(dict(services={API: {}}), plan="free")))
    result = run(railway_volume, volume_params(size_mb=10000))
    assert result["failed"] and script.mutations == []
    assert result["msg"].startswith("size_mb: Railway's Free plan creates volumes of 500 MB and cannot resize them: size_mb 10000")
    script = railway_script(("environmentState", answer(dict(services={}), plan="pro")))
    result = run(railway_database, db_params(size_mb=10000))
    assert result["failed"] and script.mutations == [] and "Railway's Pro plan creates volumes of 50000 MB" in result["msg"]


def test_free_plan_second_volume_fails_before_any_write_naming_the_plan(railway_script):
    config = dict(services={API: dict(volumeMounts={VOL: dict(mountPath="/data")})}, volumes={VOL: dict(sizeMB=500)})
    script = railway_script(("environmentState", answer(config, volumes=(("api-volume", VOL),), plan="free")))
    result = run(railway_database, db_params(engine="redis"))
    assert result["failed"] and script.mutations == []
    assert result["msg"].startswith("name: Railway's Free plan allows 1 volume per project") and "api-volume" in result["msg"]
    script = railway_script(("environmentState", answer(config, volumes=(("api-volume", VOL),), plan="hobby")),
                            ("serviceCreate", dict(serviceCreate=dict(id=PG, name="Redis"))),
                            ("volumeCreate", dict(volumeCreate=dict(id="v2", name="Redis-volume"))),
                            *reread_then_commit("p", env(config)["environment"]))
    assert run(railway_database, db_params(engine="redis"))["changed"] is True
    script.done()


@pytest.mark.parametrize("engine, command", [
    ("mongo", "mongod --ipv6 --bind_ip ::,0.0.0.0 --setParameter diagnosticDataCollectionEnabled=false"),
    ("mysql", "docker-entrypoint.sh mysqld --innodb-use-native-aio=0 --disable-log-bin --performance_schema=0"),
    ("postgres", None)])
def test_each_engine_gets_its_templates_start_command(railway_script, engine, command):
    script = railway_script(("environmentState", answer(dict(services={}))),
                            ("serviceCreate", dict(serviceCreate=dict(id=PG, name=engine))),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="v"))),
                            *reread_then_commit("p", env(dict(services={}))["environment"]))
    run(railway_database, db_params(engine=engine))
    script.done()
    assert script.sent[4][2]["patch"]["services"][PG]["deploy"].get("startCommand") == command


def test_a_refused_patch_deletes_the_volume_it_made_detached(railway_script):
    script = railway_script(("environmentState", answer(dict(services={API: {}}))),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="api-volume"))),
                            unchanged("e"),
                            ("environmentPatchCommit", ApiError("Invalid environment config patch: ...", provider="Railway")),
                            ("volumeDelete", dict(volumeDelete=True)))
    result = run(railway_volume, volume_params(size_mb=10000))
    script.done()
    assert result["failed"] and script.mutations == ["volumeCreate", "environmentPatchCommit", "volumeDelete"]
    assert script.sent[4][2] == dict(volumeId=VOL)


def test_a_patch_refused_once_applied_deletes_the_volume_it_made_detached(railway_script):
    script = railway_script(("environmentState", answer(dict(services={API: {}}))),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="api-volume"))),
                            unchanged("e"), ("environmentPatchCommit", dict(environmentPatchCommit="p")),
                            applied("p", error="Invalid environment config patch: volumes.%s.sizeMB: ..." % VOL),
                            ("volumeDelete", dict(volumeDelete=True)))
    result = run(railway_volume, volume_params(size_mb=10000))
    script.done()
    assert result["failed"] and script.mutations == ["volumeCreate", "environmentPatchCommit", "volumeDelete"]
    assert "sizeMB" in result["msg"] and script.sent[5][2] == dict(volumeId=VOL)
