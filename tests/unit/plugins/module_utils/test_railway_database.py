# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_database: exactly which requests are sent."""
from __future__ import annotations

import pytest

from .railway_script import committed, reread_then_commit
from ansible_collections.railstack.platform.plugins.module_utils import railway_database

from .railway_volume_shared import API, EID, PID, VOL, answer, db_params, run


PG = "55555555-5555-4555-8555-555555555555"


def env(config):
    return dict(environment=dict(id=EID, name="production", projectId=PID, config=config, configEtag="e2", unmergedChangesCount=0))


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
