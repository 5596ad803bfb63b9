"""Railway sandbox: variables (reads, rendering, granular writes), config semantics, TCP proxies, volume instances,
serviceConnect, and the commit hook."""
import socket
import time

import pytest
import requests

from conftest import create_project

PATCH = """mutation($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }"""
ENVIRONMENT = """query($id: String!) { environment(id: $id) { config(decryptVariables: true) configEtag } }"""
SERVICE_CREATE = "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id name } }"
VARIABLES = """query($p: String!, $e: String!, $s: String, $u: Boolean) {
  variables(projectId: $p, environmentId: $e, serviceId: $s, unrendered: $u) }"""
FOR_DEPLOYMENT = """query($p: String!, $e: String!, $s: String!) {
  variablesForServiceDeployment(projectId: $p, environmentId: $e, serviceId: $s) }"""
UPSERT = "mutation($i: VariableUpsertInput!) { variableUpsert(input: $i) }"
DELETE = "mutation($i: VariableDeleteInput!) { variableDelete(input: $i) }"
COLLECTION = "mutation($i: VariableCollectionUpsertInput!) { variableCollectionUpsert(input: $i) }"
TCP_PROXIES = """query($e: String!, $s: String!) { tcpProxies(environmentId: $e, serviceId: $s) {
  id domain proxyPort applicationPort syncStatus serviceId environmentId } }"""


def setup(sandbox, *names):
    project = create_project(sandbox)
    services = {}
    for name in names or ("web",):
        services[name] = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": name}})["serviceCreate"]["id"]
    return project["id"], project["environment_id"], services


def patch(sandbox, environment_id, body):
    return sandbox.gql(PATCH, {"e": environment_id, "p": body})


def patch_error(sandbox, environment_id, body):
    return sandbox.gql_error(PATCH, {"e": environment_id, "p": body})


def config(sandbox, environment_id):
    return sandbox.gql(ENVIRONMENT, {"id": environment_id})["environment"]["config"]


# ------------------------------------------------------------------ semantics of a merged config

def test_a_variables_description_is_kept_and_read_back(sandbox):
    """railstack.platform records what a generated secret was made with in its description."""
    _, env, services = setup(sandbox)
    described = {"value": "s3cr3t-value", "description": "railstack.platform generated (length 12, alphabet abc)"}
    patch(sandbox, env, {"services": {services["web"]: {"variables": {"APP_KEY": described}}}})
    assert config(sandbox, env)["services"][services["web"]]["variables"]["APP_KEY"] == described
    patch(sandbox, env, {"services": {services["web"]: {"variables": {"APP_KEY": {"value": "other-value1"}}}}})
    assert config(sandbox, env)["services"][services["web"]]["variables"]["APP_KEY"]["description"] == described["description"]


def test_settings_of_the_wrong_type_or_range_are_refused_and_change_nothing(sandbox):
    _, env, services = setup(sandbox)
    web = services["web"]
    before = sandbox.gql(ENVIRONMENT, {"id": env})["environment"]
    refused = {
        "numReplicas must be an integer": {"deploy": {"numReplicas": "two"}},
        "numReplicas must be an integer >= 1": {"deploy": {"numReplicas": 0}},
        "healthcheckPath must start with /": {"deploy": {"healthcheckPath": "health"}},
        "cronSchedule must be a cron expression": {"deploy": {"cronSchedule": "daily"}},
        "sleepApplication must be a boolean": {"deploy": {"sleepApplication": "yes"}},
        "limitOverride.containers.cpu must be a positive number": {"deploy": {"limitOverride": {"containers": {"cpu": -1}}}},
        "an image or a repo, not both": {"source": {"image": "nginx", "repo": "a/b"}},
        "source.repo must be owner/name": {"source": {"repo": "nope"}},
        "is not a port number": {"networking": {"tcpProxies": {"http": {}}}},
        "privateNetworkEndpoint must be a DNS label": {"networking": {"privateNetworkEndpoint": "Not OK"}},
        "invalid variable name": {"variables": {"1X": {"value": "a"}}},
        "value must be a string": {"variables": {"X": {"value": 5}}},
        "needs a volume mounted at /data": {"deploy": {"requiredMountPath": "/data"}},
        "watchPatterns must be a list of strings": {"build": {"watchPatterns": "src/**"}},
    }
    for expected, body in refused.items():
        message = patch_error(sandbox, env, {"services": {web: body}})
        assert expected in message, (body, message)
    after = sandbox.gql(ENVIRONMENT, {"id": env})["environment"]
    assert after == before


def test_one_tcp_proxy_per_instance(sandbox):
    _, env, services = setup(sandbox)
    message = patch_error(sandbox, env, {"services": {services["web"]: {"networking": {"tcpProxies": {"5432": {}, "6379": {}}}}}})
    assert "one TCP proxy per service instance" in message
    patch(sandbox, env, {"services": {services["web"]: {"networking": {"tcpProxies": {"5432": {}}}}}})
    message = patch_error(sandbox, env, {"services": {services["web"]: {"networking": {"tcpProxies": {"6379": {}}}}}})
    assert "one TCP proxy" in message
    patch(sandbox, env, {"services": {services["web"]: {"networking": {"tcpProxies": {"5432": None, "6379": {}}}}}})


def test_sealed_variables_stay_sealed_and_are_never_shown(sandbox):
    assert sandbox.control("POST", "railway/realism", {"config_lists_sealed": True}).status_code == 200
    project_id, env, services = setup(sandbox)
    web = services["web"]
    patch(sandbox, env, {"services": {web: {"variables": {"KEY": {"value": "s3cret-value", "isSealed": True}}}}})
    assert config(sandbox, env)["services"][web]["variables"]["KEY"] == {"value": "*******", "isSealed": True}
    message = patch_error(sandbox, env, {"services": {web: {"variables": {"KEY": {"isSealed": False}}}}})
    assert "cannot be unsealed" in message
    patch(sandbox, env, {"services": {web: {"variables": {"KEY": {"value": "rotated-value"}}}}})   # a new value stays sealed
    assert config(sandbox, env)["services"][web]["variables"]["KEY"]["isSealed"] is True
    listed = sandbox.gql(VARIABLES, {"p": project_id, "e": env, "s": web, "u": True})["variables"]
    assert "KEY" not in listed
    rendered = sandbox.gql(FOR_DEPLOYMENT, {"p": project_id, "e": env, "s": web})["variablesForServiceDeployment"]
    assert rendered["KEY"] == "rotated-value"


def test_registry_passwords_are_never_shown(sandbox):
    _, env, services = setup(sandbox)
    patch(sandbox, env, {"services": {services["web"]: {"source": {"image": "ghcr.io/a/b:1"},
                                                          "deploy": {"registryCredentials": {"username": "bot", "password": "pw-123456"}}}}})
    shown = config(sandbox, env)["services"][services["web"]]["deploy"]["registryCredentials"]
    assert shown == {"username": "bot", "password": "*******"}


def test_volumes_only_grow_and_mount_on_one_service(sandbox):
    # a shrink is refused at once here; test_railway_patches.py has the asynchronous refusal
    assert sandbox.control("POST", "railway/realism", {"patch_errors_async": False}).status_code == 200
    project_id, env, services = setup(sandbox, "web", "worker")
    volume = sandbox.gql("mutation($i: VolumeCreateInput!) { volumeCreate(input: $i) { id } }",
                         {"i": {"projectId": project_id, "serviceId": services["web"], "mountPath": "/data",
                                "environmentId": env}})["volumeCreate"]["id"]
    patch(sandbox, env, {"volumes": {volume: {"sizeMB": 8000}}})
    assert "can only grow" in patch_error(sandbox, env, {"volumes": {volume: {"sizeMB": 6000}}})
    assert "mounted by one service only" in patch_error(
        sandbox, env, {"services": {services["worker"]: {"volumeMounts": {volume: {"mountPath": "/x"}}}}})
    assert "backupSchedules" in patch_error(
        sandbox, env, {"services": {services["web"]: {"volumeMounts": {volume: {"backupSchedules": ["HOURLY"]}}}}})
    patch(sandbox, env, {"services": {services["web"]: {"deploy": {"requiredMountPath": "/data"},
                                                          "volumeMounts": {volume: {"backupSchedules": ["DAILY"]}}}}})
    instances = sandbox.gql("""query($id: String!) { environment(id: $id) { volumeInstances { edges { node {
        id volumeId serviceId mountPath sizeMB region state } } } } }""", {"id": env})["environment"]["volumeInstances"]["edges"]
    node = instances[0]["node"]
    assert node["volumeId"] == volume and node["serviceId"] == services["web"] and node["mountPath"] == "/data"
    assert node["sizeMB"] == 8000 and node["state"] == "READY"
    again = sandbox.gql("query($id: String!) { volumeInstance(id: $id) { id volume { id } environmentId } }", {"id": node["id"]})
    assert again["volumeInstance"]["volume"]["id"] == volume


def test_generator_variables_get_a_value_once(sandbox):
    _, env, services = setup(sandbox)
    patch(sandbox, env, {"services": {services["web"]: {"variables": {"PW": {"generator": 'secret(24, "abc")'}}}}})
    value = config(sandbox, env)["services"][services["web"]]["variables"]["PW"]["value"]
    assert len(value) == 24 and set(value) <= set("abc")
    patch(sandbox, env, {"services": {services["web"]: {"deploy": {"numReplicas": 2}}}})
    assert config(sandbox, env)["services"][services["web"]]["variables"]["PW"]["value"] == value


# ------------------------------------------------------------------ reads and rendering

def test_variables_render_by_railways_rules(sandbox):
    project_id, env, services = setup(sandbox, "api", "Postgres")
    api, pg = services["api"], services["Postgres"]
    patch(sandbox, env, {
        "sharedVariables": {"REGION": {"value": "eu"}},
        "services": {
            pg: {"variables": {"POSTGRES_USER": {"value": "postgres"}, "PGUSER": {"value": "${{POSTGRES_USER}}"},
                               "PW": {"value": '${{ secret(16, "xyz") }}'},
                               "DATABASE_URL": {"value": "postgresql://${{PGUSER}}:${{PW}}@${{RAILWAY_PRIVATE_DOMAIN}}:5432/db"}}},
            api: {"networking": {"privateNetworkEndpoint": "backend"},
                  "variables": {"DB": {"value": "${{Postgres.DATABASE_URL}}"}, "WHERE": {"value": "${{shared.REGION}}"},
                                "SELF": {"value": "${{RAILWAY_PRIVATE_DOMAIN}}"}, "NOTHING": {"value": "[${{Nobody.X}}]"},
                                "LOOP": {"value": "${{LOOP}}x"}}}}})
    unrendered = sandbox.gql(VARIABLES, {"p": project_id, "e": env, "s": api, "u": True})["variables"]
    assert unrendered["DB"] == "${{Postgres.DATABASE_URL}}"
    rendered = sandbox.gql(FOR_DEPLOYMENT, {"p": project_id, "e": env, "s": api})["variablesForServiceDeployment"]
    password = rendered["DB"].split(":")[2].split("@")[0]
    assert len(password) == 16 and set(password) <= set("xyz")
    assert rendered["DB"] == f"postgresql://postgres:{password}@postgres.railway.internal:5432/db"
    assert rendered["WHERE"] == "eu" and rendered["SELF"] == "backend.railway.internal" and rendered["NOTHING"] == "[]"
    assert rendered["LOOP"] == "x"
    assert rendered["RAILWAY_SERVICE_NAME"] == "api" and rendered["RAILWAY_ENVIRONMENT_NAME"] == "production"
    again = sandbox.gql(FOR_DEPLOYMENT, {"p": project_id, "e": env, "s": api})["variablesForServiceDeployment"]
    assert again["DB"] == rendered["DB"]               # a template function is generated once
    shared = sandbox.gql(VARIABLES, {"p": project_id, "e": env, "u": False})["variables"]
    assert shared == {"REGION": "eu"}


def test_tcp_proxy_and_public_url_can_be_pointed_at_a_real_server(sandbox):
    sandbox.control("POST", "railway/realism", {"tcp_proxy_seconds": 0, "database_ready": False})
    project_id, env, services = setup(sandbox, "Postgres")
    pg = services["Postgres"]
    patch(sandbox, env, {"services": {pg: {"networking": {"tcpProxies": {"5432": {}}}, "variables": {
        "DATABASE_PUBLIC_URL": {"value": "postgresql://u:p@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}/db"}}}}})
    proxies = sandbox.gql(TCP_PROXIES, {"e": env, "s": pg})["tcpProxies"]
    assert len(proxies) == 1 and proxies[0]["applicationPort"] == 5432 and proxies[0]["syncStatus"] == "ACTIVE"
    assert proxies[0]["domain"].endswith(".proxy.rlwy.net") and 10000 <= proxies[0]["proxyPort"] < 60000
    assert sandbox.gql(TCP_PROXIES, {"e": env, "s": pg})["tcpProxies"] == proxies        # kept once made
    url = sandbox.gql(FOR_DEPLOYMENT, {"p": project_id, "e": env, "s": pg})["variablesForServiceDeployment"]["DATABASE_PUBLIC_URL"]
    assert url == f"postgresql://u:p@{proxies[0]['domain']}:{proxies[0]['proxyPort']}/db"
    answer = sandbox.control("POST", "railway/tcp-proxy", {"name": "Postgres", "projectId": project_id,
                                                           "host": "127.0.0.1", "port": 55432})
    assert answer.status_code == 200, answer.text
    url = sandbox.gql(FOR_DEPLOYMENT, {"p": project_id, "e": env, "s": pg})["variablesForServiceDeployment"]["DATABASE_PUBLIC_URL"]
    assert url == "postgresql://u:p@127.0.0.1:55432/db"
    assert sandbox.gql(TCP_PROXIES, {"e": env, "s": pg})["tcpProxies"][0]["proxyPort"] == 55432
    assert sandbox.control("POST", "railway/tcp-proxy", {"name": "Nobody", "host": "h", "port": 1}).status_code == 400
    assert sandbox.control("POST", "railway/tcp-proxy", {"serviceId": pg, "host": "h", "port": 0}).status_code == 400
    assert sandbox.control("GET", "railway/tcp-proxy").status_code == 405
    sandbox.control("POST", "railway/tcp-proxy", {"serviceId": pg, "host": None})
    assert sandbox.gql(TCP_PROXIES, {"e": env, "s": pg})["tcpProxies"] == proxies
    patch(sandbox, env, {"services": {pg: {"networking": {"tcpProxies": {"5432": None}}}}})
    assert sandbox.gql(TCP_PROXIES, {"e": env, "s": pg})["tcpProxies"] == []


def test_a_new_tcp_proxy_is_empty_until_provisioned_and_refuses_until_the_database_runs(sandbox):
    sandbox.control("POST", "railway/realism", {"tcp_proxy_seconds": 0.6, "database_ready": True})
    sandbox.control("POST", "railway/deployments/behaviour", {"phase_seconds": {"QUEUED": 0.1, "BUILDING": 0.9,
                                                                                  "DEPLOYING": 0.3}})
    answer = sandbox.control("POST", "railway/tcp-proxy", {"name": "Postgres", "pending": True, "host": "127.0.0.1",
                                                           "port": 55433})
    assert answer.status_code == 200, answer.text
    project = create_project(sandbox)
    pg = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "Postgres",
                                            "source": {"image": "postgres:17"}}})["serviceCreate"]["id"]
    env = project["environment_id"]
    patch(sandbox, env, {"services": {pg: {"networking": {"tcpProxies": {"5432": {}}}, "variables": {
        "DATABASE_PUBLIC_URL": {"value": "postgresql://u:p@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}/db"}}}}})

    def url():
        return sandbox.gql(FOR_DEPLOYMENT, {"p": project["id"], "e": env, "s": pg})["variablesForServiceDeployment"][
            "DATABASE_PUBLIC_URL"]
    assert url() == "postgresql://u:p@:/db" and sandbox.gql(TCP_PROXIES, {"e": env, "s": pg})["tcpProxies"] == []
    time.sleep(0.7)                          # provisioned; the deployment is still building
    [proxy] = sandbox.gql(TCP_PROXIES, {"e": env, "s": pg})["tcpProxies"]
    assert proxy["domain"] == "127.0.0.1" and proxy["proxyPort"] != 55433
    assert url() == f"postgresql://u:p@127.0.0.1:{proxy['proxyPort']}/db"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", proxy["proxyPort"]), timeout=2)
    deadline = time.time() + 5
    while not url().endswith(":55433/db"):
        assert time.time() < deadline, url()
        time.sleep(0.05)
    deployments = sandbox.gql("query($i: DeploymentListInput!) { deployments(input: $i) { edges { node { status } } } }",
                              {"i": {"serviceId": pg}})["deployments"]["edges"]
    assert deployments[0]["node"]["status"] == "SUCCESS"


# ------------------------------------------------------------------ granular writes

def test_variable_upsert_delete_and_collection(sandbox):
    project_id, env, services = setup(sandbox)
    web = services["web"]
    scope = {"projectId": project_id, "environmentId": env, "serviceId": web}
    etag = sandbox.gql(ENVIRONMENT, {"id": env})["environment"]["configEtag"]
    assert sandbox.gql(UPSERT, {"i": dict(scope, name="A", value="1")})["variableUpsert"] is True
    assert sandbox.gql(ENVIRONMENT, {"id": env})["environment"]["configEtag"] != etag
    sandbox.gql(COLLECTION, {"i": dict(scope, variables={"B": "2", "C": "3"})})
    assert set(config(sandbox, env)["services"][web]["variables"]) == {"A", "B", "C"}
    sandbox.gql(COLLECTION, {"i": dict(scope, variables={"D": "4"}, replace=True, skipDeploys=True)})
    assert config(sandbox, env)["services"][web]["variables"] == {"D": {"value": "4"}}
    sandbox.gql(DELETE, {"i": dict(scope, name="D")})
    assert config(sandbox, env)["services"][web].get("variables") in (None, {})
    assert "Variable D not found" in sandbox.gql_error(DELETE, {"i": dict(scope, name="D")})
    shared = {"projectId": project_id, "environmentId": env}
    sandbox.gql(UPSERT, {"i": dict(shared, name="S", value="x")})
    assert config(sandbox, env)["sharedVariables"] == {"S": {"value": "x"}}
    assert "invalid variable name" in sandbox.gql_error(UPSERT, {"i": dict(scope, name="BAD NAME", value="x")})


def test_variables_of_a_service_without_an_instance_are_refused(sandbox):
    project_id, env, services = setup(sandbox)
    staging = sandbox.gql("mutation($i: EnvironmentCreateInput!) { environmentCreate(input: $i) { id } }",
                          {"i": {"projectId": project_id, "name": "staging"}})["environmentCreate"]["id"]
    message = sandbox.gql_error(UPSERT, {"i": {"projectId": project_id, "environmentId": staging,
                                              "serviceId": services["web"], "name": "A", "value": "1"}})
    assert "Service instance not found" in message
    assert "Service instance not found" in sandbox.gql_error(
        VARIABLES, {"p": project_id, "e": staging, "s": services["web"]})


def test_service_connect_and_disconnect(sandbox):
    _, env, services = setup(sandbox)
    web = services["web"]
    connect = "mutation($id: String!, $i: ServiceConnectInput!) { serviceConnect(id: $id, input: $i) { id name } }"
    sandbox.gql(connect, {"id": web, "i": {"repo": "prela/api", "branch": "main"}})
    assert config(sandbox, env)["services"][web]["source"] == {"repo": "prela/api", "branch": "main"}
    sandbox.gql(connect, {"id": web, "i": {"image": "nginx:1.27"}})
    assert config(sandbox, env)["services"][web]["source"] == {"image": "nginx:1.27"}
    assert "branch is required" in sandbox.gql_error(connect, {"id": web, "i": {"repo": "prela/api"}})
    assert "either a repo or an image" in sandbox.gql_error(connect, {"id": web, "i": {}})
    sandbox.gql("mutation($id: String!) { serviceDisconnect(id: $id) { id } }", {"id": web})
    assert "source" not in config(sandbox, env)["services"][web]


def test_commits_report_the_services_they_affect():
    """on_config_committed gets the services a write touches (in-process: the hook is Python)."""
    from railstack_sandbox.railway import config as railway_config
    from railstack_sandbox.server import SandboxThread

    calls = []

    def listener(store, environment_id, service_ids, skip_deploys):
        calls.append((environment_id, service_ids, skip_deploys))

    railway_config.config_commit_listener(listener)
    try:
        with SandboxThread(railway_realism={"patch_apply_seconds": 0}) as running:
            url = running.url + "/graphql/v2?source=tests"
            headers = {"Authorization": "Bearer " + running.sandbox.credentials.railway}

            def gql(query, variables):
                body = requests.post(url, json={"query": query, "variables": variables}, headers=headers, timeout=10).json()
                assert "errors" not in body, body
                return body["data"]
            project = gql("mutation($i: ProjectCreateInput!) { projectCreate(input: $i) { id environments { edges { node { id } } } } }",
                          {"i": {"name": "hook"}})["projectCreate"]
            env = project["environments"]["edges"][0]["node"]["id"]
            a = gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "a"}})["serviceCreate"]["id"]
            b = gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "b"}})["serviceCreate"]["id"]
            gql(PATCH, {"e": env, "p": {"services": {b: {"variables": {"S": {"value": "${{shared.X}}"}}}}}})
            calls.clear()
            gql(PATCH, {"e": env, "p": {"services": {a: {"deploy": {"numReplicas": 2}}}}})
            assert calls == [(env, [a], False)]
            calls.clear()
            gql(PATCH, {"e": env, "p": {"sharedVariables": {"X": {"value": "1"}}}})
            assert calls == [(env, [b], False)]
            calls.clear()
            gql("mutation($e: String!, $p: EnvironmentConfig!) { environmentStageChanges(environmentId: $e, input: $p) { id } }",
                {"e": env, "p": {"services": {a: {"deploy": {"numReplicas": 3}}}}})
            assert calls == []
            gql("mutation($e: String!) { environmentPatchCommitStaged(environmentId: $e, skipDeploys: true) }", {"e": env})
            assert calls == [(env, [a], True)]
    finally:
        railway_config.CONFIG_COMMITTED_LISTENERS.remove(listener)
