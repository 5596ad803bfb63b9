# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared by tests/integration/test_railway_{services,variables,database}.py: direct Railway calls,
the sandbox's view of an environment, secrets in output, the contract check of a window."""
from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
import uuid

import pytest

from .helpers.sandbox import OUTPUT, REPO_ROOT

CHECKER = REPO_ROOT.parent / "shared" / "contracts" / "check.py"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def graphql(env, query, variables=None):
    """A Railway request straight to the sandbox (test setup and checks): the `data`, or fail."""
    req = urllib.request.Request(
        env["RAILWAY_API_URL"] + "?source=railstack-platform-tests",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + env["RAILWAY_API_TOKEN"]})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        body = json.loads(exc.read() or b"null")
    assert not body.get("errors"), body
    return body["data"]


def make_project(env, name):
    """A project with its production environment, made through the API: (project id, environment id)."""
    project = graphql(env, "mutation projectCreate($input: ProjectCreateInput!) { projectCreate(input: $input) {"
                           " id environments { edges { node { id name } } } } }", {"input": {"name": name}})["projectCreate"]
    return project["id"], project["environments"]["edges"][0]["node"]["id"]


def environment_config(env, environment_id):
    answer = graphql(env, "query environmentConfig($id: String!) { environment(id: $id) {"
                          " config(decryptVariables: true) configEtag unmergedChangesCount } }", {"id": environment_id})
    return answer["environment"]


def services_by_name(sandbox, project_id):
    return {s["name"]: s["id"] for s in sandbox.client.state()["railway"]["services"].values()
            if s["projectId"] == project_id and not s.get("deletedAt")}


def raw_config(sandbox, environment_id):
    """The environment's config as the sandbox stores it: sealed values included (for secret checks)."""
    return sandbox.client.state()["railway"]["environments"][environment_id]["config"]


def secret_vars_file(name, **values):
    """An @file for extra_vars holding secrets (ansible-playbook -vvvv prints -e values given inline)."""
    path = OUTPUT / "integration" / ("railway-secrets-%s.json" % name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values), encoding="utf-8")
    return "@" + str(path)


def no_secret_in(run, *secrets):
    text = run.stdout + run.stderr
    for secret in secrets:
        assert secret and secret not in text, "a secret shows in the output of %s" % " ".join(map(str, run.cmd))


def operations(window):
    return window.operation_names("railway")


def assert_contract(window, name):
    """The Railway requests of a window pass ../shared/contracts/check.py."""
    if not CHECKER.exists():
        pytest.skip("no %s here" % CHECKER)
    entries = window.by_api("railway")
    assert entries, "no Railway traffic recorded"
    path = OUTPUT / "integration" / ("railway-contract-%s.jsonl" % name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    proc = subprocess.run(["python3", str(CHECKER), str(path)], capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 violations" in proc.stdout, proc.stdout
