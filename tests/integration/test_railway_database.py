# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_database and railway_volume in real playbooks against the recording sandbox."""
from __future__ import annotations

import json
import urllib.request

import pytest

from .railway_helpers import (assert_contract, environment_config, graphql, make_project, no_secret_in, operations,
                              raw_config, services_by_name, unique)

DATABASES = """
- name: Databases
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Postgres
      railstack.platform.railway_database:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        engine: postgres
        public: "{{ public }}"
        size_mb: "{{ size }}"
        backup_schedules: [DAILY]
      register: postgres
    - name: Redis
      railstack.platform.railway_database:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        engine: redis
        redis_maxmemory: 256mb
        redis_maxmemory_policy: allkeys-lru
      register: redis
    - name: API uses them
      railstack.platform.railway_services:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        services:
          - name: api
            source: {image: "nginx:1.27"}
            variables:
              DATABASE_URL: "{{ postgres.url_reference }}"
              REDIS_URL: "{{ redis.url_reference }}"
"""
FOR_DEPLOYMENT = """query v($p: String!, $e: String!, $s: String!) {
  variablesForServiceDeployment(projectId: $p, environmentId: $e, serviceId: $s) }"""


@pytest.fixture(scope="module")
def stack(sandbox_env):
    project_id, environment_id = make_project(sandbox_env, unique("databases"))
    return dict(project=project_id, env_id=environment_id, public=True, size=10000)


def rendered(sandbox_env, stack, service_id):
    return graphql(sandbox_env, FOR_DEPLOYMENT, {"p": stack["project"], "e": stack["env_id"], "s": service_id})["variablesForServiceDeployment"]


def test_databases_are_built_like_the_templates_and_a_second_run_writes_nothing(sandbox, sandbox_env, stack, run_playbook, traffic):
    with traffic.window() as first:
        run = run_playbook(DATABASES, extra_vars=stack, diff=True).assert_ok()
    assert run.changed == ["Postgres", "Redis", "API uses them"]
    assert operations(first).count("environmentPatchCommit") == 3, first.summary()
    postgres = run.task("Postgres")
    assert postgres["url_reference"] == "${{Postgres.DATABASE_URL}}"
    assert postgres["public_url_reference"] == "${{Postgres.DATABASE_PUBLIC_URL}}"
    assert postgres["volume"]["mount_path"] == "/var/lib/postgresql/data" and postgres["volume"]["size_mb"] == 10000
    ids = services_by_name(sandbox, stack["project"])
    config = environment_config(sandbox_env, stack["env_id"])["config"]
    pg = config["services"][ids["Postgres"]]
    assert pg["source"]["image"] == "ghcr.io/railwayapp-templates/postgres-ssl:18"
    assert pg["deploy"]["requiredMountPath"] == "/var/lib/postgresql/data"
    assert pg["networking"]["tcpProxies"] == {"5432": {}}
    assert config["services"][ids["Redis"]]["deploy"]["startCommand"].endswith("--maxmemory-policy allkeys-lru\"")
    password = raw_config(sandbox, stack["env_id"])["services"][ids["Postgres"]]["variables"]["POSTGRES_PASSWORD"]["value"]
    redis_password = raw_config(sandbox, stack["env_id"])["services"][ids["Redis"]]["variables"]["REDIS_PASSWORD"]["value"]
    api = rendered(sandbox_env, stack, ids["api"])
    assert api["DATABASE_URL"] == "postgresql://postgres:%s@postgres.railway.internal:5432/railway" % password
    assert api["REDIS_URL"] == "redis://default:%s@redis.railway.internal:6379" % redis_password
    no_secret_in(run, password, redis_password)
    assert_contract(first, "databases-first")

    with traffic.window() as second:
        again = run_playbook(DATABASES, extra_vars=stack, diff=True).assert_ok()
    assert again.changed == [] and second.mutations == [], second.summary()
    assert raw_config(sandbox, stack["env_id"])["services"][ids["Postgres"]]["variables"]["POSTGRES_PASSWORD"]["value"] == password


def test_the_public_url_can_point_at_a_real_postgres(sandbox, sandbox_env, stack, run_playbook):
    run_playbook(DATABASES, extra_vars=stack).assert_ok()
    ids = services_by_name(sandbox, stack["project"])
    request = urllib.request.Request(sandbox.url + "/_sandbox/railway/tcp-proxy", method="POST",
                                     data=json.dumps({"serviceId": ids["Postgres"], "host": "127.0.0.1", "port": 54329}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.loads(answer.read())["override"] == {"host": "127.0.0.1", "port": 54329}
    url = rendered(sandbox_env, stack, ids["Postgres"])["DATABASE_PUBLIC_URL"]
    assert url.startswith("postgresql://postgres:") and url.endswith("@127.0.0.1:54329/railway")


def test_check_mode_sends_no_mutation_and_public_false_plans_removal(sandbox_env, stack, run_playbook, traffic):
    run_playbook(DATABASES, extra_vars=stack).assert_ok()
    with traffic.window() as window:
        run = run_playbook(DATABASES, extra_vars=dict(stack, public=False), check=True, diff=True).assert_ok()
    assert run.changed == ["Postgres"] and window.mutations == [], window.summary()
    assert run.task("Postgres")["public_url_reference"] is None
    assert "5432" in run.stdout


def test_shrinking_fails_before_any_write_naming_size_mb(stack, run_playbook, traffic):
    run_playbook(DATABASES, extra_vars=stack).assert_ok()
    with traffic.window() as window:
        run = run_playbook(DATABASES, extra_vars=dict(stack, size=2000))
    assert run.rc != 0 and run.failed == ["Postgres"]
    assert run.task("Postgres")["msg"].startswith("size_mb:") and "10000" in run.task("Postgres")["msg"]
    assert window.mutations == [], window.summary()


def test_secrets_never_show_at_vvvv(sandbox, stack, run_playbook):
    run = run_playbook(DATABASES, extra_vars=stack, diff=True, verbosity=4).assert_ok()
    ids = services_by_name(sandbox, stack["project"])
    raw = raw_config(sandbox, stack["env_id"])["services"]
    no_secret_in(run, raw[ids["Postgres"]]["variables"]["POSTGRES_PASSWORD"]["value"],
                 raw[ids["Redis"]]["variables"]["REDIS_PASSWORD"]["value"])


LOST = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Database
      railstack.platform.railway_database:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        engine: "{{ engine }}"
        name: "{{ name }}"
"""


@pytest.mark.parametrize("operation", ["serviceCreate", "volumeCreate", "environmentPatchCommit"])
def test_lost_answers_are_found_again_not_repeated(sandbox, sandbox_env, stack, run_playbook, traffic, faults, operation):
    name = unique("db")
    values = dict(project=stack["project"], env_id=stack["env_id"], engine="mysql", name=name)
    faults(next=[{"kind": "drop_after_commit", "api": "railway", "match": operation}])
    with traffic.window() as window:
        run_playbook(LOST, extra_vars=values).assert_ok()
    assert operations(window).count(operation) == 1, window.summary()
    ids = services_by_name(sandbox, stack["project"])
    assert list(ids).count(name) == 1
    volumes = [v for v in sandbox.client.state()["railway"]["volumes"].values()
               if v["projectId"] == stack["project"] and v["name"].startswith(name) and not v.get("deletedAt")]
    assert len(volumes) == 1
    mysql = environment_config(sandbox_env, stack["env_id"])["config"]["services"][ids[name]]
    assert mysql["source"]["image"] == "mysql:9.4" and mysql["volumeMounts"] == {volumes[0]["id"]: {"mountPath": "/var/lib/mysql"}}
    with traffic.window() as again:
        run_playbook(LOST, extra_vars=values).assert_ok()
    assert again.mutations == [], again.summary()


VOLUME = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Volume
      railstack.platform.railway_volume:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        service: api
        name: api-uploads
        mount_path: "{{ path }}"
        size_mb: "{{ size }}"
        backup_schedules: [DAILY, WEEKLY]
"""


def test_volume_create_no_op_grow_and_refuse_shrink(sandbox, sandbox_env, stack, run_playbook, traffic):
    run_playbook(DATABASES, extra_vars=stack).assert_ok()      # the api service exists
    values = dict(project=stack["project"], env_id=stack["env_id"], path="/app/uploads", size=5000)
    with traffic.window() as first:
        run = run_playbook(VOLUME, extra_vars=values, diff=True).assert_ok()
    volume = run.task("Volume")["volume"]
    assert volume["name"] == "api-uploads" and volume["size_mb"] == 5000 and volume["backup_schedules"] == ["DAILY", "WEEKLY"]
    assert operations(first)[1:] == ["volumeCreate", "volumeUpdate", "environmentGuard",
                                     "environmentPatchCommit", "environmentPatch"], first.summary()
    with traffic.window() as second:
        run_playbook(VOLUME, extra_vars=values).assert_ok()
    assert second.mutations == [], second.summary()
    with traffic.window() as check:
        run_playbook(VOLUME, extra_vars=dict(values, size=8000), check=True).assert_ok()
    assert check.mutations == []
    with traffic.window() as grow:
        run_playbook(VOLUME, extra_vars=dict(values, size=8000, path="/app/files")).assert_ok()
    patches = [e["json"]["variables"]["patch"] for e in grow.railway_mutations]
    ids = services_by_name(sandbox, stack["project"])
    assert patches == [{"volumes": {volume["id"]: {"sizeMB": 8000}},
                        "services": {ids["api"]: {"volumeMounts": {volume["id"]: {"mountPath": "/app/files"}}}}}]
    with traffic.window() as shrink:
        refused = run_playbook(VOLUME, extra_vars=dict(values, size=6000, path="/app/files"))
    assert refused.rc != 0 and refused.task("Volume")["msg"].startswith("size_mb:")
    assert shrink.mutations == []
    assert_contract(first, "volume-first")


def test_volume_lost_create_is_found_again(sandbox, stack, run_playbook, traffic, faults):
    run_playbook(DATABASES, extra_vars=stack).assert_ok()
    name = unique("svc")
    graphql_env = sandbox.env
    graphql(graphql_env, "mutation serviceCreate($input: ServiceCreateInput!) { serviceCreate(input: $input) { id } }",
            {"input": {"projectId": stack["project"], "name": name}})
    playbook = VOLUME.replace("service: api", "service: %s" % name).replace("name: api-uploads", "name: %s-data" % name)
    values = dict(project=stack["project"], env_id=stack["env_id"], path="/data", size=5000)
    faults(next=[{"kind": "drop_after_commit", "api": "railway", "match": "volumeCreate"}])
    with traffic.window() as window:
        run = run_playbook(playbook, extra_vars=values).assert_ok()
    assert operations(window).count("volumeCreate") == 1, window.summary()
    assert run.task("Volume")["volume"]["name"] == "%s-data" % name
    with traffic.window() as again:
        run_playbook(playbook, extra_vars=values).assert_ok()
    assert again.mutations == [], again.summary()


@pytest.mark.parametrize("options, prefix", [
    ("engine: postgres\n        redis_maxmemory_policy: allkeys-lru", "redis_maxmemory_policy:"),
    ("engine: redis\n        redis_maxmemory: lots", "redis_maxmemory:"),
    ("engine: postgres\n        version: '17:alpine'", "version:"),
])
def test_database_bad_input_fails_before_any_write(stack, run_playbook, traffic, options, prefix):
    playbook = LOST.replace('engine: "{{ engine }}"\n        name: "{{ name }}"', options)
    with traffic.window() as window:
        run = run_playbook(playbook, extra_vars=dict(project=stack["project"], env_id=stack["env_id"]))
    assert run.rc != 0 and run.task("Database")["msg"].startswith(prefix), run.task("Database")["msg"]
    assert window.mutations == []
