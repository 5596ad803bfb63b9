"""Start the real sandbox (`python -m railstack_sandbox`) and talk to it over HTTP."""
import os
import shlex
import subprocess
import sys
import time

import pytest
import requests

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SANDBOX_SRC = os.path.join(REPO, "sandbox")
CONTRACTS = os.path.join(os.path.dirname(REPO), "shared", "contracts")


def read_env_file(path):
    env = {}
    with open(path) as f:
        for line in f:
            name, _, value = line.strip().removeprefix("export ").partition("=")
            env[name] = shlex.split(value)[0]
    return env


class RunningSandbox:
    """A sandbox subprocess, plus helpers for its Railway GraphQL endpoint and control API."""

    def __init__(self, directory, *args):
        self.directory = str(directory)
        self.env_file = os.path.join(self.directory, "sandbox.env")
        if os.path.exists(self.env_file):
            os.remove(self.env_file)
        self.args = ["--port", "0", "--env-file", self.env_file, *args]
        environment = dict(os.environ, PYTHONPATH=SANDBOX_SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.process = subprocess.Popen([sys.executable, "-m", "railstack_sandbox", *self.args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        cwd=self.directory, env=environment)
        deadline = time.time() + 20
        while not os.path.exists(self.env_file):
            if self.process.poll() is not None or time.time() > deadline:
                self.process.kill()
                raise RuntimeError("sandbox did not start: " + self.process.stderr.read())
            time.sleep(0.02)
        self.first_line = self.process.stdout.readline().strip()
        self.env = read_env_file(self.env_file)
        self.url = self.env["RAILSTACK_SANDBOX_URL"]
        self.graphql_url = self.env["RAILWAY_API_URL"]
        self.token = self.env["RAILWAY_API_TOKEN"]
        self.workspace_token = self.env["RAILSTACK_SANDBOX_RAILWAY_WORKSPACE_TOKEN"]
        self.session = requests.Session()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()

    # -------------------------------------------------------------- Railway
    def post_graphql(self, query, variables=None, token="account", project_token=None, operation_name=None,
                     timeout=10):
        headers = {"Content-Type": "application/json"}
        if project_token is not None:
            headers["Project-Access-Token"] = project_token
        elif token is not None:
            headers["Authorization"] = f"Bearer {self.token if token == 'account' else token}"
        body = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        return self.session.post(self.graphql_url + "?source=railstack-platform", json=body, headers=headers,
                                 timeout=timeout)

    def gql(self, query, variables=None, **kwargs):
        """`data` of a request that must succeed."""
        response = self.post_graphql(query, variables, **kwargs)
        assert response.status_code == 200, response.text
        payload = response.json()
        assert "errors" not in payload, payload
        return payload["data"]

    def gql_error(self, query, variables=None, **kwargs):
        """The first error message of a request that must fail with HTTP 200 + errors."""
        response = self.post_graphql(query, variables, **kwargs)
        assert response.status_code == 200, response.text
        payload = response.json()
        assert payload.get("errors"), payload
        return payload["errors"][0]["message"]

    # -------------------------------------------------------------- control API
    def control(self, method, action, payload=None):
        response = self.session.request(method, f"{self.url}/_sandbox/{action}", json=payload, timeout=10)
        return response

    def reset(self):
        assert self.control("POST", "reset").status_code == 200
        assert self.control("POST", "faults", {"next": [], "rate": 0, "latency_ms": 0}).status_code == 200

    def traffic_index(self):
        return self.control("GET", "traffic?since=0").json()["next"]

    def traffic_since(self, index):
        return self.control("GET", f"traffic?since={index}").json()["entries"]


@pytest.fixture
def start_sandbox(tmp_path):
    """start_sandbox(*cli_args) -> RunningSandbox in a directory of its own; stopped at the end of the test."""
    started = []

    def start(*args):
        directory = tmp_path / f"sandbox{len(started)}"
        directory.mkdir()
        sandbox = RunningSandbox(directory, *args)
        started.append(sandbox)
        return sandbox
    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture(scope="module")
def shared_sandbox(tmp_path_factory):
    # Config patches apply at once here, and tests of other rules send requests faster than Railway's
    # per-second budget: patches and budgets have their own tests (test_railway_patches.py,
    # test_railway_budgets.py), with patch_apply_seconds set or on sandboxes of their own.
    sandbox = RunningSandbox(tmp_path_factory.mktemp("sandbox"), "--seed", "1", "--realism", "patch_apply_seconds=0",
                             "--realism", "request_budget=false")
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(shared_sandbox):
    """A running sandbox with empty state and no faults."""
    shared_sandbox.reset()
    return shared_sandbox


CREATE_PROJECT = """
mutation create($input: ProjectCreateInput!) {
  projectCreate(input: $input) {
    id name workspaceId baseEnvironmentId primaryEnvironmentId
    environments { edges { node { id name } } }
  }
}"""


def create_project(sandbox, name="demo", **extra):
    project = sandbox.gql(CREATE_PROJECT, {"input": {"name": name, **extra}})["projectCreate"]
    project["environment_id"] = project["environments"]["edges"][0]["node"]["id"]
    return project
