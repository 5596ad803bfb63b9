# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ansible-inventory with the railstack.platform.railway inventory plugin against the sandbox."""
from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
import uuid

import pytest

from .helpers.playbook import VENV_BIN, playbook_environment
from .helpers.sandbox import OUTPUT, REPO_ROOT


def graphql(sandbox_env, query, variables=None):
    req = urllib.request.Request(
        sandbox_env["RAILWAY_API_URL"] + "?source=railstack-platform-tests",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + sandbox_env["RAILWAY_API_TOKEN"]})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:   # GraphQL validation errors come with HTTP 400, as on Railway
        return json.loads(exc.read() or b"null")


def inventory(sandbox_env, config, name):
    path = OUTPUT / "inventory" / ("%s.railway.yml" % name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(plugin="railstack.platform.railway", **config)), encoding="utf-8")
    proc = subprocess.run([str(VENV_BIN / "ansible-inventory"), "-i", str(path), "--list"], cwd=REPO_ROOT,
                          env=playbook_environment(sandbox_env), capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Failed to parse" not in proc.stderr and "railstack.platform.railway" not in proc.stderr, proc.stderr
    raw = json.loads(proc.stdout)
    return unwrap(raw), raw


def unwrap(value):
    """ansible-inventory --list writes strings that are not trusted as templates (all API data) as
    {"__ansible_unsafe": "..."}; the plugin's values must all be such strings, never templates."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def group_hosts(listing, group):
    return sorted(listing.get(group, {}).get("hosts", []))


@pytest.fixture(scope="module")
def stack(run_playbook, sandbox_env):
    """A project with production and staging, and one service, made through the collection and the API."""
    name = "inv-%s" % uuid.uuid4().hex[:6]
    run = run_playbook("playbooks/site.yml", extra_vars={"stack": {
        "project": {"name": name}, "environments": [{"name": "production"},
                                                    {"name": "staging", "source_environment": "production"}]}})
    run.assert_ok()
    project_id = run.task("Railway project")["project"]["id"]
    answer = graphql(sandbox_env, "mutation serviceCreate($input: ServiceCreateInput!) { serviceCreate(input: $input) { id name } }",
                     {"input": {"projectId": project_id, "name": "api-gateway", "source": {"image": "nginx:1.27"}}})
    assert not answer.get("errors"), answer
    return dict(name=name, project_id=project_id, service_id=answer["data"]["serviceCreate"]["id"])


def test_inventory_lists_projects_environments_and_services(sandbox_env, stack):
    name = stack["name"]
    listing, raw = inventory(sandbox_env, {"projects": [name]}, name)
    hostvars = listing["_meta"]["hostvars"]
    # what Railway returns is data, never a template ansible-core would render
    assert raw["_meta"]["hostvars"]["%s.production.api-gateway" % name]["railway_service_name"] == {
        "__ansible_unsafe": "api-gateway"}
    assert group_hosts(listing, "railway_environments") == ["%s.production" % name, "%s.staging" % name]
    assert group_hosts(listing, "railway_services") == ["%s.production.api-gateway" % name, "%s.staging.api-gateway" % name]
    assert sorted(hostvars) == sorted(group_hosts(listing, "railway_environments") + group_hosts(listing, "railway_services"))
    project_group = "railway_project_" + name.replace("-", "_")
    assert sorted(listing[project_group]["hosts"]) == sorted(hostvars)
    service = hostvars["%s.production.api-gateway" % name]
    assert service["railway_project_id"] == stack["project_id"]
    assert service["railway_service_id"] == stack["service_id"]
    assert service["railway_environment_name"] == "production"
    assert service["railway_source"].get("image") == "nginx:1.27"
    assert service["ansible_connection"] == "local"
    env = hostvars["%s.staging" % name]
    assert env["railway_kind"] == "environment"
    assert env["railway_services"] == ["api-gateway"]


def test_inventory_environment_filter_and_project_token_free_listing(sandbox_env, stack):
    name = stack["name"]
    listing = inventory(sandbox_env, {"projects": [stack["project_id"]], "environments": ["staging"]}, name + "-staging")[0]
    assert sorted(listing["_meta"]["hostvars"]) == ["%s.staging" % name, "%s.staging.api-gateway" % name]


def test_inventory_public_urls_from_domains(sandbox_env, stack):
    name = stack["name"]
    envs = graphql(sandbox_env, "query p($id: String!) { project(id: $id) { environments { edges { node { id name } } } } }",
                   {"id": stack["project_id"]})
    production = next(e["node"]["id"] for e in envs["data"]["project"]["environments"]["edges"]
                      if e["node"]["name"] == "production")
    answer = graphql(sandbox_env, "mutation serviceDomainCreate($input: ServiceDomainCreateInput!) {"
                                  " serviceDomainCreate(input: $input) { id domain } }",
                     {"input": {"environmentId": production, "serviceId": stack["service_id"], "targetPort": 8080}})
    assert not answer.get("errors"), answer
    domain = answer["data"]["serviceDomainCreate"]["domain"]
    listing = inventory(sandbox_env, {"projects": [name]}, name + "-domains")[0]
    service = listing["_meta"]["hostvars"]["%s.production.api-gateway" % name]
    assert service["railway_service_domains"] == [domain]
    assert service["railway_custom_domains"] == []
    assert service["railway_public_url"] == "https://" + domain
    assert listing["_meta"]["hostvars"]["%s.staging.api-gateway" % name]["railway_public_url"] is None
    assert listing["_meta"]["hostvars"]["%s.production" % name]["railway_public_urls"] == {"api-gateway": "https://" + domain}

    custom = "api.%s.example.com" % name
    answer = graphql(sandbox_env, "mutation customDomainCreate($input: CustomDomainCreateInput!) {"
                                  " customDomainCreate(input: $input) { id domain } }",
                     {"input": {"domain": custom, "environmentId": production, "projectId": stack["project_id"],
                                "serviceId": stack["service_id"], "targetPort": 8080}})
    assert not answer.get("errors"), answer
    listing = inventory(sandbox_env, {"projects": [name]}, name + "-custom")[0]
    service = listing["_meta"]["hostvars"]["%s.production.api-gateway" % name]
    assert service["railway_custom_domains"] == [custom]
    assert service["railway_public_url"] == "https://" + custom, "a custom domain wins over the Railway domain"
    assert {(d["domain"], d["type"]) for d in service["railway_domains"]} == {(custom, "custom"), (domain, "service")}
    assert next(d for d in service["railway_domains"] if d["type"] == "custom")["verified"] is False  # no TXT record yet
