# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Set-up for tests/integration/test_railway_{domain,deployment,notification,info}.py: objects made straight
through the sandbox's GraphQL (not through the modules under test), the deployment control API, the contract
check of a window, secrets in output."""
from __future__ import annotations

import json
import subprocess
import time
import uuid

import pytest
import requests

from .helpers.sandbox import OUTPUT, REPO_ROOT

CHECKER = REPO_ROOT.parent / "shared" / "contracts" / "check.py"
FAST = {"QUEUED": 0.05, "BUILDING": 0.1, "DEPLOYING": 0.1}


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def gql(env, query, variables=None):
    """One GraphQL request with the account token, as a polite client: a 429 of the per-second budget (the
    playbook under test shares it) is waited out, a few times at most."""
    for dummy in range(5):
        response = requests.post(env["RAILWAY_API_URL"], json={"query": query, "variables": variables or {}},
                                 headers={"Authorization": "Bearer " + env["RAILWAY_API_TOKEN"]}, timeout=10)
        retry_after = response.headers.get("Retry-After")
        if response.status_code != 429 or not retry_after or int(retry_after) > 2:
            break
        time.sleep(int(retry_after))
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


def make_service(env, project_name=None, service="api", image="nginx:1.27"):
    """A project (production environment) with one image service: {"project", "environment", "service"} ids and names."""
    project_name = project_name or unique("rw")
    project = gql(env, "mutation($i: ProjectCreateInput!) { projectCreate(input: $i) { id environments { edges {"
                       " node { id } } } } }", {"i": {"name": project_name}})["projectCreate"]
    made = gql(env, "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id } }",
               {"i": {"projectId": project["id"], "name": service, "source": {"image": image}}})["serviceCreate"]
    return dict(project=project_name, project_id=project["id"], environment="production",
                environment_id=project["environments"]["edges"][0]["node"]["id"], service=service, service_id=made["id"])


def services_of(env, project_name):
    """{name: id} of the services of the project called `project_name`."""
    data = gql(env, "{ projects { edges { node { name services { edges { node { id name } } } } } } }")
    [project] = [e["node"] for e in data["projects"]["edges"] if e["node"]["name"] == project_name]
    return {e["node"]["name"]: e["node"]["id"] for e in project["services"]["edges"]}


def deployments(env, service_id):
    data = gql(env, "query($i: DeploymentListInput!) { deployments(input: $i) { edges { node { id status meta } } } }",
               {"i": {"serviceId": service_id}})
    return [e["node"] for e in data["deployments"]["edges"]]


def behaviour(sandbox, **body):
    """POST /_sandbox/railway/deployments/behaviour."""
    response = requests.post(sandbox.url + "/_sandbox/railway/deployments/behaviour", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def assert_contract(window, name):
    """The Railway requests of a window pass ../shared/contracts/check.py (Railway's published schema)."""
    if not CHECKER.exists():
        pytest.skip("no %s here" % CHECKER)
    entries = window.by_api("railway")
    assert entries, "no Railway traffic recorded"
    path = OUTPUT / "integration" / ("railway-contract-%s.jsonl" % name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    proc = subprocess.run(["python3", str(CHECKER), str(path)], capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def no_secret_in(run, *secrets):
    for secret in secrets:
        assert secret not in run.stdout and secret not in run.stderr, "a secret was printed"
