"""Railway's token kinds: the workspace token next to the account and project tokens (docs/sandbox.md)."""
from conftest import CREATE_PROJECT, create_project

WORKSPACES = "{ apiToken { workspaces { id name } } }"
PROJECTS = "{ projects { edges { node { id name workspaceId } } } }"
WORKSPACE = "query($id: String!) { workspace(workspaceId: $id) { id name projects { edges { node { id } } } } }"
TOKEN_CREATE = "mutation($i: ProjectTokenCreateInput!) { projectTokenCreate(input: $i) }"


def test_workspace_token_is_refused_me_with_railways_error(sandbox):
    answer = sandbox.post_graphql("query { me { id } }", token=sandbox.workspace_token)
    assert answer.status_code == 200
    assert answer.json()["errors"][0]["message"] == "Not Authorized"


def test_workspace_token_names_its_one_workspace_through_api_token(sandbox):
    mine = sandbox.gql(WORKSPACES, token=sandbox.workspace_token)["apiToken"]["workspaces"]
    assert mine == sandbox.gql(WORKSPACES)["apiToken"]["workspaces"]      # the account's only workspace
    assert len(mine) == 1 and mine[0]["name"] == "Sandbox Workspace"


def test_workspace_token_works_in_its_workspace(sandbox):
    token = sandbox.workspace_token
    created = sandbox.gql(CREATE_PROJECT, {"input": {"name": "ci-made"}}, token=token)["projectCreate"]
    workspace_id = created["workspaceId"]
    assert [e["node"]["name"] for e in sandbox.gql(PROJECTS, token=token)["projects"]["edges"]] == ["ci-made"]
    workspace = sandbox.gql(WORKSPACE, {"id": workspace_id}, token=token)["workspace"]
    assert workspace["projects"]["edges"][0]["node"]["id"] == created["id"]
    environment_id = created["environments"]["edges"][0]["node"]["id"]
    assert sandbox.gql(TOKEN_CREATE, {"i": {"projectId": created["id"], "environmentId": environment_id,
                                            "name": "deploy"}}, token=token)["projectTokenCreate"]


def test_workspace_token_is_refused_other_workspaces_and_users(sandbox):
    token = sandbox.workspace_token
    other = "00000000-0000-4000-8000-000000000000"
    assert sandbox.gql_error(WORKSPACE, {"id": other}, token=token) == "Not Authorized"
    assert sandbox.gql_error("query($w: String) { projects(workspaceId: $w) { edges { node { id } } } }",
                             {"w": other}, token=token) == "Not Authorized"
    user_id = sandbox.gql("{ me { id } }")["me"]["id"]
    assert sandbox.gql_error("query($u: String) { projects(userId: $u) { edges { node { id } } } }",
                             {"u": user_id}, token=token) == "Not Authorized"


def test_workspace_tokens_off_refuses_the_workspace_token(sandbox):
    assert sandbox.control("POST", "railway/realism", {"workspace_tokens": False}).status_code == 200
    assert sandbox.gql_error(WORKSPACES, token=sandbox.workspace_token) == "Not Authorized"
    assert sandbox.gql_error(PROJECTS, token=sandbox.workspace_token) == "Not Authorized"
    assert sandbox.gql(WORKSPACES)["apiToken"]["workspaces"]                # the account token still works


def test_project_token_has_no_api_token_context(sandbox):
    project = create_project(sandbox)
    token = sandbox.gql(TOKEN_CREATE, {"i": {"projectId": project["id"], "environmentId": project["environment_id"],
                                             "name": "ci"}})["projectTokenCreate"]
    assert sandbox.gql_error(WORKSPACES, project_token=token) == "Not Authorized"
    assert sandbox.gql_error(WORKSPACE, {"id": project["workspaceId"]}, project_token=token) == "Not Authorized"


def test_custom_workspace_token(start_sandbox):
    sandbox = start_sandbox("--token-railway-workspace", "my-workspace-token")
    assert sandbox.workspace_token == "my-workspace-token"
    assert sandbox.gql(WORKSPACES, token="my-workspace-token")["apiToken"]["workspaces"]
    assert sandbox.gql_error(WORKSPACES, token="sandbox-railway-workspace-token-not-a-secret") == "Not Authorized"
