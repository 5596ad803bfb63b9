"""Railway: the served schema is a strict sub-schema of Railway's, and recorded traffic passes the contracts."""
import os
import subprocess
import sys

import pytest

from conftest import CONTRACTS, REPO, SANDBOX_SRC, create_project

TOOL = os.path.join(SANDBOX_SRC, "tools", "make_railway_sdl.py")
KEEP_LIST = os.path.join(SANDBOX_SRC, "tools", "railway_keep.txt")
COMMITTED_SDL = os.path.join(SANDBOX_SRC, "railstack_sandbox", "railway", "schema.graphql")
REAL_SDL = os.path.join(CONTRACTS, "railway", "schema.graphql")
CHECK = os.path.join(CONTRACTS, "check.py")
needs_contracts = pytest.mark.skipif(not os.path.exists(CHECK), reason="../shared/contracts is not here")

FAKE_REAL_SCHEMA = """
type Query { thing(id: String!, kind: Kind): Thing!  other: Other }
type Mutation { thingCreate(input: ThingInput!): Thing! }
type Thing { id: ID! name: String secret: String other: Other }
type Other { id: ID! }
input ThingInput { name: String!  kind: Kind  nested: Nested }
input Nested { flag: Boolean }
enum Kind { A B }
"""


def run_tool(tmp_path, real_sdl, keep_text):
    (tmp_path / "real.graphql").write_text(real_sdl)
    (tmp_path / "keep.txt").write_text(keep_text)
    return subprocess.run([sys.executable, TOOL, str(tmp_path / "real.graphql"), str(tmp_path / "keep.txt")],
                          capture_output=True, text=True)


def test_tool_keeps_listed_fields_and_whole_inputs(tmp_path):
    result = run_tool(tmp_path, FAKE_REAL_SCHEMA, "Query: thing\nMutation: thingCreate\nThing: id\n  name\n")
    assert result.returncode == 0, result.stderr
    assert "secret" not in result.stdout and "Other" not in result.stdout
    assert "input Nested" in result.stdout and "kind: Kind" in result.stdout and "enum Kind" in result.stdout
    assert "thing(id: String!, kind: Kind): Thing!" in result.stdout


@pytest.mark.parametrize("keep, complaint", [
    ("Query: thing invented\nMutation: thingCreate\nThing: id\n", "invented"),
    ("Query: thing\nMutation: thingCreate\n", "Thing"),                         # reached but not listed
    ("Query: thing\nMutation: thingCreate\nThing: id\nGhost: id\n", "Ghost"),   # listed but not reached
])
def test_tool_refuses_to_invent_or_guess(tmp_path, keep, complaint):
    result = run_tool(tmp_path, FAKE_REAL_SCHEMA, keep)
    assert result.returncode != 0 and complaint in result.stderr


@needs_contracts
def test_committed_sdl_is_what_the_tool_makes():
    result = subprocess.run([sys.executable, TOOL, REAL_SDL, KEEP_LIST], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with open(COMMITTED_SDL) as f:
        assert f.read() == result.stdout, "regenerate sandbox/railstack_sandbox/railway/schema.graphql"


@needs_contracts
def test_served_schema_is_a_sub_schema_and_recorded_traffic_meets_the_contracts(start_sandbox, tmp_path):
    record = tmp_path / "traffic.jsonl"
    sandbox = start_sandbox("--record", str(record))
    project = create_project(sandbox)
    service = sandbox.gql("mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id } }",
                          {"i": {"projectId": project["id"], "name": "web"}})["serviceCreate"]["id"]
    sandbox.gql("mutation($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }",
                {"e": project["environment_id"], "p": {"services": {service: {"build": {"builder": "NIXPACKS"}}}}})
    sandbox.gql("query($id: String!) { environment(id: $id) { config configEtag unmergedChangesCount } }",
                {"id": project["environment_id"]})
    result = subprocess.run([sys.executable, CHECK, str(record), "--sandbox-graphql", sandbox.graphql_url],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violations" in result.stdout and "sandbox-types" in result.stdout


@needs_contracts
def test_the_contract_checker_would_catch_a_bad_request(start_sandbox, tmp_path):
    """Guard against a checker that passes everything: a bad enum in a patch must be reported."""
    record = tmp_path / "traffic.jsonl"
    sandbox = start_sandbox("--record", str(record))
    project = create_project(sandbox)
    sandbox.post_graphql("mutation($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }",
                         {"e": project["environment_id"], "p": {"privateNetworkDisabled": True, "colour": 1}})
    result = subprocess.run([sys.executable, CHECK, str(record)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 1 and "colour" in result.stdout
