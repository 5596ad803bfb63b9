# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railstack.platform.railway inventory plugin, with Railway's GraphQL endpoint scripted (railway_script)."""

from __future__ import annotations

import json

import pytest
import yaml
from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import fragment_loader
from ansible.utils.plugin_docs import add_fragments

from ansible_collections.railstack.platform.plugins.inventory import railway as railway_inventory
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError

from ..module_utils.railway_script import railway_script  # noqa: F401  pylint: disable=unused-import
from ..test_module_docs import COLLECTION, documented_options

TOKEN = "rw-account-token-0123456789"
WS = "11111111-1111-4111-8111-111111111111"
PID = "22222222-2222-4222-8222-222222222222"
PID2 = "33333333-3333-4333-8333-333333333333"
PROD = "aaaaaaaa-0000-4000-8000-000000000001"
STAGING = "aaaaaaaa-0000-4000-8000-000000000002"
API = "bbbbbbbb-0000-4000-8000-000000000001"
WORKER = "bbbbbbbb-0000-4000-8000-000000000002"
VOL = "cccccccc-0000-4000-8000-000000000001"


def service_config(domains=(), custom=(), secret="s3cr3t-value-of-a-variable"):
    return dict(
        source=dict(repo="prela/backend", rootDirectory="services/api-gateway"),
        build=dict(builder="DOCKERFILE", dockerfilePath="Dockerfile"),
        deploy=dict(startCommand="uvicorn app:app", healthcheckPath="/api/v1/health", numReplicas=1,
                    registryCredentials=dict(username="bot", password="registry-password-123")),
        networking=dict(serviceDomains={d: dict(port=8000) for d in domains},
                        customDomains={d: dict(port=8000) for d in custom}),
        variables=dict(DATABASE_URL=dict(value=secret), API_PORT=dict(value="8000")),
        volumeMounts={VOL: dict(mountPath="/data")},
    )


def instances(*items):
    return dict(edges=[dict(node=i) for i in items])


API_PROD_INSTANCE = dict(
    serviceId=API,
    latestDeployment=dict(id="d-1", status="SUCCESS", createdAt="2026-02-05T10:00:00Z",
                          statusUpdatedAt="2026-02-05T10:02:00Z", staticUrl="prela-api-gateway.up.railway.app",
                          canRollback=True),
    domains=dict(serviceDomains=[dict(id="sd-1", domain="prela-api-gateway.up.railway.app", targetPort=8000,
                                      syncStatus="ACTIVE")],
                 customDomains=[dict(id="cd-1", domain="api.prela.app", targetPort=8000, syncStatus="ACTIVE",
                                     status=dict(verified=True, certificateStatus="CERTIFICATE_STATUS_TYPE_VALID"))]))


def project_node(pid=PID, name="prela-backend"):
    prod = dict(services={API: service_config(["prela-api-gateway.up.railway.app"], ["api.prela.app", "zz.prela.app"]),
                          WORKER: service_config()},
                sharedVariables=dict(LOG_LEVEL=dict(value="INFO")), volumes={VOL: dict(sizeMB=5000, region="us-west2")})
    staging = dict(services={API: service_config(["prela-api-gateway-staging.up.railway.app"])})
    return dict(
        id=pid, name=name, description=None, isPublic=False, prDeploys=False, workspaceId=WS, createdAt="2026-01-01",
        environments=dict(edges=[dict(node=dict(id=PROD, name="production", isEphemeral=False, config=prod,
                                                serviceInstances=instances(API_PROD_INSTANCE, dict(serviceId=WORKER)))),
                                 dict(node=dict(id=STAGING, name="staging", isEphemeral=False, config=staging))]),
        services=dict(edges=[dict(node=dict(id=API, name="api-gateway", icon=None)),
                             dict(node=dict(id=WORKER, name="Ingest Worker", icon=None))]),
        volumes=dict(edges=[dict(node=dict(id=VOL, name="data"))]),
    )


WORKSPACES = ("workspaces", dict(apiToken=dict(workspaces=[dict(id=WS, name="w")])))


def projects_page(*projects):
    page = dict(edges=[dict(node=p) for p in projects], pageInfo=dict(hasNextPage=False, endCursor=None))
    return ("projectsInfo", dict(projects=page))


def load_plugin():
    """The plugin with its documented options registered, as the plugin loader would do it."""
    plugin = railway_inventory.InventoryModule()
    plugin._load_name = "railstack.platform.railway"
    doc = yaml.safe_load(railway_inventory.DOCUMENTATION)
    doc["options"] = documented_options(railway_inventory.DOCUMENTATION)        # this collection's fragments
    doc["extends_documentation_fragment"] = [name for name in doc["extends_documentation_fragment"]
                                             if not name.startswith(COLLECTION)]
    add_fragments(doc, railway_inventory.__file__, fragment_loader)             # ansible-core's (constructed, cache)
    C.config.initialize_plugin_configuration_definitions("inventory", plugin._load_name, doc["options"])
    return plugin


@pytest.fixture
def parse(tmp_path, monkeypatch):
    for var in ("RAILWAY_API_TOKEN", "RAILWAY_TOKEN", "RAILWAY_API_URL"):
        monkeypatch.delenv(var, raising=False)

    def run(config, cache=False):
        path = tmp_path / "test.railway.yml"
        path.write_text(json.dumps(dict(dict(plugin="railstack.platform.railway"), **config)), encoding="utf-8")
        plugin = load_plugin()
        assert plugin.verify_file(str(path))
        inventory = InventoryData()
        plugin.parse(inventory, DataLoader(), str(path), cache=cache)
        if config.get("cache"):
            plugin.update_cache_if_changed()         # as InventoryManager does after parse()
        return inventory

    return run


def hostvars(inventory, host):
    return inventory.get_host(host).get_vars()


def members(inventory, group):
    return sorted(h.name for h in inventory.groups[group].get_hosts())


def test_whole_project_in_one_query_per_workspace(parse, railway_script, monkeypatch):
    monkeypatch.setenv("RAILWAY_API_TOKEN", TOKEN)
    script = railway_script(WORKSPACES, projects_page(project_node()))
    inventory = parse({})
    script.done()
    assert [sent[1] for sent in script.sent] == ["workspaces", "projectsInfo"]
    assert sorted(inventory.hosts) == [
        "prela-backend.production", "prela-backend.production.Ingest Worker", "prela-backend.production.api-gateway",
        "prela-backend.staging", "prela-backend.staging.api-gateway"]
    assert members(inventory, "railway_environments") == ["prela-backend.production", "prela-backend.staging"]
    assert members(inventory, "railway_services") == [
        "prela-backend.production.Ingest Worker", "prela-backend.production.api-gateway", "prela-backend.staging.api-gateway"]
    assert members(inventory, "railway_project_prela_backend") == sorted(inventory.hosts)
    assert members(inventory, "railway_environment_staging") == ["prela-backend.staging", "prela-backend.staging.api-gateway"]
    assert members(inventory, "railway_service_api_gateway") == [
        "prela-backend.production.api-gateway", "prela-backend.staging.api-gateway"]
    assert members(inventory, "railway_service_ingest_worker") == ["prela-backend.production.Ingest Worker"]


def test_service_host_variables_settings_and_public_url(parse, railway_script):
    railway_script(WORKSPACES, projects_page(project_node()))
    inventory = parse(dict(api_token=TOKEN))
    api = hostvars(inventory, "prela-backend.production.api-gateway")
    assert api["ansible_connection"] == "local"
    assert api["railway_kind"] == "service"
    assert (api["railway_project_id"], api["railway_environment_id"], api["railway_service_id"]) == (PID, PROD, API)
    assert api["railway_public_url"] == "https://api.prela.app"          # the first custom domain wins
    assert api["railway_custom_domains"] == ["api.prela.app", "zz.prela.app"]
    assert api["railway_service_domains"] == ["prela-api-gateway.up.railway.app"]
    assert api["railway_variables"] == ["API_PORT", "DATABASE_URL"]
    assert api["railway_volume_mounts"] == [dict(volume_id=VOL, volume_name="data", mount_path="/data")]
    assert api["railway_build"] == dict(builder="DOCKERFILE", dockerfilePath="Dockerfile")
    assert api["railway_source"] == dict(repo="prela/backend", rootDirectory="services/api-gateway")
    assert api["railway_deploy"] == dict(startCommand="uvicorn app:app", healthcheckPath="/api/v1/health", numReplicas=1)
    assert [(d["domain"], d["type"]) for d in api["railway_domains"]] == [
        ("prela-api-gateway.up.railway.app", "service"), ("api.prela.app", "custom")]
    assert api["railway_domains"][1]["verified"] is True
    assert api["railway_latest_deployment"]["status"] == "SUCCESS"
    staging = hostvars(inventory, "prela-backend.staging.api-gateway")
    assert staging["railway_public_url"] == "https://prela-api-gateway-staging.up.railway.app"
    worker = hostvars(inventory, "prela-backend.production.Ingest Worker")
    assert worker["railway_public_url"] is None
    assert worker["railway_domains"] == [] and worker["railway_latest_deployment"] is None
    everything = json.dumps({h: hostvars(inventory, h) for h in inventory.hosts}, default=str)
    assert "s3cr3t-value-of-a-variable" not in everything
    assert "registry-password-123" not in everything


def test_environment_host_variables(parse, railway_script):
    railway_script(WORKSPACES, projects_page(project_node()))
    inventory = parse(dict(api_token=TOKEN))
    prod = hostvars(inventory, "prela-backend.production")
    assert prod["railway_kind"] == "environment"
    assert prod["railway_environment_name"] == "production"
    assert prod["railway_services"] == ["api-gateway", "Ingest Worker"]
    assert prod["railway_public_urls"] == {"api-gateway": "https://api.prela.app"}
    assert prod["railway_shared_variables"] == ["LOG_LEVEL"]
    assert prod["railway_volumes"] == [dict(id=VOL, name="data", size_mb=5000, region="us-west2")]


def test_projects_by_id_and_environment_filter(parse, railway_script):
    script = railway_script(("project", dict(project=project_node())))
    inventory = parse(dict(api_token=TOKEN, projects=[PID], environments=["staging"]))
    script.done()
    assert script.sent[0][2] == dict(id=PID)
    assert sorted(inventory.hosts) == ["prela-backend.staging", "prela-backend.staging.api-gateway"]


def test_projects_by_name_read_each_workspace_once(parse, railway_script):
    script = railway_script(WORKSPACES, projects_page(project_node(), project_node(PID2, "other")))
    inventory = parse(dict(api_token=TOKEN, projects=["other", PID]))
    script.done()
    assert {hostvars(inventory, h)["railway_project_id"] for h in inventory.hosts} == {PID, PID2}


def test_project_name_matching_two_projects_fails_naming_the_option(parse, railway_script):
    railway_script(WORKSPACES, projects_page(project_node(), project_node(PID2)))
    with pytest.raises(AnsibleParserError, match="projects: 2 Railway projects are called 'prela-backend'"):
        parse(dict(api_token=TOKEN, projects=["prela-backend"]))


def test_unknown_project_fails_naming_the_option(parse, railway_script):
    railway_script(WORKSPACES, projects_page(project_node()))
    with pytest.raises(AnsibleParserError, match="projects: no Railway project called 'prela'"):
        parse(dict(api_token=TOKEN, projects=["prela"]))


def test_project_token_refuses_another_project(parse, railway_script, monkeypatch):
    monkeypatch.setenv("RAILWAY_TOKEN", "rw-project-token-0123456789")
    railway_script(("projectTokenScope", dict(projectToken=dict(projectId=PID, environmentId=PROD))),
                   ("project", dict(project=project_node())))
    with pytest.raises(AnsibleParserError, match="projects: this project token is for project 'prela-backend' only"):
        parse(dict(projects=["other"]))


def test_project_token_reads_its_own_project(parse, railway_script, monkeypatch):
    monkeypatch.setenv("RAILWAY_TOKEN", "rw-project-token-0123456789")
    script = railway_script(("projectTokenScope", dict(projectToken=dict(projectId=PID, environmentId=PROD))),
                            ("project", dict(project=project_node())))
    inventory = parse({})
    script.done()
    assert "prela-backend.production.api-gateway" in inventory.hosts


def test_projects_with_the_same_name_get_distinct_hosts(parse, railway_script):
    railway_script(WORKSPACES, projects_page(project_node(), project_node(PID2)))
    inventory = parse(dict(api_token=TOKEN))
    assert "prela-backend-22222222.production" in inventory.hosts
    assert "prela-backend-33333333.production" in inventory.hosts
    assert len(members(inventory, "railway_project_prela_backend")) == 10


def test_constructed_compose_and_keyed_groups(parse, railway_script):
    railway_script(WORKSPACES, projects_page(project_node()))
    inventory = parse(dict(api_token=TOKEN, compose=dict(url="railway_public_url"),
                           keyed_groups=[dict(key="railway_build.builder | default('none')", prefix="builder")],
                           groups=dict(public="railway_public_url is truthy")))
    assert hostvars(inventory, "prela-backend.production.api-gateway")["url"] == "https://api.prela.app"
    assert members(inventory, "builder_DOCKERFILE") == [
        "prela-backend.production.Ingest Worker", "prela-backend.production.api-gateway", "prela-backend.staging.api-gateway"]
    assert members(inventory, "builder_none") == ["prela-backend.production", "prela-backend.staging"]
    assert members(inventory, "public") == ["prela-backend.production.api-gateway", "prela-backend.staging.api-gateway"]


def test_cache_is_used_and_holds_no_secret(parse, railway_script, tmp_path):
    cache_dir = tmp_path / "cache"
    config = dict(api_token=TOKEN, cache=True, cache_plugin="jsonfile", cache_connection=str(cache_dir))
    script = railway_script(WORKSPACES, projects_page(project_node()))
    parse(config, cache=False)                      # refresh: reads Railway, writes the cache
    assert len(script.sent) == 2
    script = railway_script()                       # any request now fails the test
    inventory = parse(config, cache=True)
    assert script.sent == []
    assert "prela-backend.production.api-gateway" in inventory.hosts
    cached = "".join(p.read_text(encoding="utf-8") for p in cache_dir.iterdir())
    assert "api.prela.app" in cached
    for secret in (TOKEN, "s3cr3t-value-of-a-variable", "registry-password-123"):
        assert secret not in cached


def test_no_credential_fails_naming_the_options(parse, railway_script):
    script = railway_script()
    with pytest.raises(AnsibleParserError, match="api_token.*project_token"):
        parse({})
    assert script.sent == []


def test_api_error_is_reported_without_the_token(parse, railway_script):
    railway_script(("workspaces", ApiError("Railway: Not Authorized (token %s)" % "********", provider="Railway",
                                           status=200)))
    with pytest.raises(AnsibleError) as exc:
        parse(dict(api_token=TOKEN))
    assert "Not Authorized" in str(exc.value)
    assert TOKEN not in str(exc.value)


def test_verify_file_wants_a_railway_yml_name(tmp_path):
    plugin = load_plugin()
    other = tmp_path / "hosts.yml"
    other.write_text("plugin: railstack.platform.railway\n", encoding="utf-8")
    assert not plugin.verify_file(str(other))
