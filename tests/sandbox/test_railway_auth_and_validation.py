"""Railway: who may call what, and documents / variables refused before anything runs."""
import pytest

from conftest import CREATE_PROJECT, create_project

PROJECT = "query($id: String!) { project(id: $id) { id name environments { edges { node { id name } } } } }"
ENVIRONMENT = "query($id: String!) { environment(id: $id) { id name projectId } }"
TOKEN_CREATE = "mutation($i: ProjectTokenCreateInput!) { projectTokenCreate(input: $i) }"


def make_project_token(sandbox, project, environment_id=None):
    return sandbox.gql(TOKEN_CREATE, {"i": {"projectId": project["id"], "name": "ci",
                                            "environmentId": environment_id or project["environment_id"]}}
                       )["projectTokenCreate"]


# ------------------------------------------------------------------ auth
@pytest.mark.parametrize("token", [None, "not-the-token", ""])
def test_without_the_account_token_nothing_is_authorized(sandbox, token):
    assert sandbox.gql_error("{ me { id } }", token=token) == "Not Authorized"
    assert sandbox.gql_error("{ projects { edges { node { id } } } }", token=token) == "Not Authorized"
    assert sandbox.gql_error(CREATE_PROJECT, {"input": {"name": "x"}}, token=token) == "Not Authorized"
    assert sandbox.gql("{ projects { edges { node { id } } } }")["projects"]["edges"] == []


def test_auth_errors_look_like_railways(sandbox):
    response = sandbox.post_graphql("query { me { id } }", token=None)
    assert response.status_code == 200
    assert response.json() == {"data": None, "errors": [
        {"message": "Not Authorized", "locations": [{"line": 1, "column": 9}], "path": ["me"]}]}


def test_introspection_needs_no_credentials(sandbox):
    data = sandbox.gql("{ __schema { queryType { name } mutationType { name } } }", token=None)
    assert data == {"__schema": {"queryType": {"name": "Query"}, "mutationType": {"name": "Mutation"}}}


def test_unknown_project_token(sandbox):
    create_project(sandbox)
    assert sandbox.gql_error("{ projectToken { projectId } }", project_token="nope") == "Project Token not found"
    assert sandbox.gql_error("{ me { id } }", project_token="nope") == "Project Token not found"


def test_project_token_is_bound_to_one_project_and_environment(sandbox):
    project = create_project(sandbox, "mine")
    other = create_project(sandbox, "other")
    staging = sandbox.gql("mutation($i: EnvironmentCreateInput!) { environmentCreate(input: $i) { id } }",
                          {"i": {"projectId": project["id"], "name": "staging"}})["environmentCreate"]
    token = make_project_token(sandbox, project)

    bound = sandbox.gql("{ projectToken { projectId environmentId } }", project_token=token)["projectToken"]
    assert bound == {"projectId": project["id"], "environmentId": project["environment_id"]}
    mine = sandbox.gql(PROJECT, {"id": project["id"]}, project_token=token)["project"]
    assert mine["name"] == "mine"
    assert [e["node"]["id"] for e in mine["environments"]["edges"]] == [project["environment_id"]]
    assert sandbox.gql(ENVIRONMENT, {"id": project["environment_id"]}, project_token=token)
    assert sandbox.gql_error(ENVIRONMENT, {"id": staging["id"]}, project_token=token) == "Not Authorized"
    assert sandbox.gql_error(PROJECT, {"id": other["id"]}, project_token=token) == "Not Authorized"
    assert sandbox.gql_error("{ projects { edges { node { id } } } }", project_token=token) == "Not Authorized"
    assert sandbox.gql_error("{ me { id } }", project_token=token) == "Not Authorized"
    assert sandbox.gql_error(CREATE_PROJECT, {"input": {"name": "x"}}, project_token=token) == "Not Authorized"
    assert sandbox.gql_error("mutation($id: String!) { projectDelete(id: $id) }", {"id": project["id"]},
                             project_token=token) == "Not Authorized"
    # the bound environment's config may be patched with the token
    assert sandbox.gql("mutation($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }",
                       {"e": project["environment_id"], "p": {"sharedVariables": {"A": {"value": "1"}}}},
                       project_token=token)
    # and the account token is not a project token
    assert sandbox.gql_error("{ projectToken { projectId } }") == "Project Token not found"


def test_project_token_dies_with_its_environment(sandbox):
    project = create_project(sandbox)
    staging = sandbox.gql("mutation($i: EnvironmentCreateInput!) { environmentCreate(input: $i) { id } }",
                          {"i": {"projectId": project["id"], "name": "staging"}})["environmentCreate"]
    token = make_project_token(sandbox, project, staging["id"])
    assert sandbox.gql("{ projectToken { environmentId } }", project_token=token)
    sandbox.gql("mutation($id: String!) { environmentDelete(id: $id) }", {"id": staging["id"]})
    assert sandbox.gql_error("{ projectToken { environmentId } }", project_token=token) == "Project Token not found"


# ------------------------------------------------------------------ validation
def validation_errors(sandbox, query, variables=None):
    response = sandbox.post_graphql(query, variables)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert "data" not in response.json()
    return errors


def test_unknown_field_is_refused_with_400(sandbox):
    errors = validation_errors(sandbox, "{ me { id password } }")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "password" in errors[0]["message"]
    assert errors[0]["locations"] == [{"line": 1, "column": 11}]


def test_fields_railway_has_but_the_sandbox_does_not_serve_are_refused(sandbox):
    errors = validation_errors(sandbox, "{ regions { id } }")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_wrong_variable_type_is_refused_with_400(sandbox):
    errors = validation_errors(sandbox, "query($first: Int) { projects(first: $first) { edges { cursor } } }",
                               {"first": "ten"})
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "$first" in errors[0]["message"]


def test_missing_required_input_field_is_refused(sandbox):
    errors = validation_errors(sandbox, "mutation($i: EnvironmentCreateInput!) { environmentCreate(input: $i) { id } }",
                               {"i": {"name": "staging"}})
    assert "projectId" in errors[0]["message"]


def test_unknown_input_field_is_refused(sandbox):
    errors = validation_errors(sandbox, CREATE_PROJECT, {"input": {"name": "x", "colour": "red"}})
    assert "colour" in errors[0]["message"]


def test_bad_enum_value_is_refused(sandbox):
    errors = validation_errors(sandbox, "{ projects(orderBy: OLDEST_FIRST) { edges { cursor } } }")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    errors = validation_errors(sandbox, "query($o: ProjectsOrderBy) { projects(orderBy: $o) { edges { cursor } } }",
                               {"o": "OLDEST_FIRST"})
    assert "OLDEST_FIRST" in errors[0]["message"]


def test_syntax_error_and_missing_query(sandbox):
    errors = validation_errors(sandbox, "{ me { id }")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    response = sandbox.session.post(sandbox.graphql_url, json={"variables": {}}, timeout=5)
    assert response.status_code == 400


def test_operation_name_picks_the_operation(sandbox):
    document = "query a { me { id } } query b { me { email } }"
    assert "email" in sandbox.gql(document, operation_name="b")["me"]
    assert validation_errors(sandbox, document)[0]["message"]          # ambiguous without operationName


def test_mutation_over_get_is_refused(sandbox):
    response = sandbox.session.get(sandbox.graphql_url, params={"query": "mutation { projectDelete(id: \"x\") }"},
                                   headers={"Authorization": f"Bearer {sandbox.token}"}, timeout=5)
    assert response.status_code == 405
    response = sandbox.session.get(sandbox.graphql_url, params={"query": "{ me { id } }"},
                                   headers={"Authorization": f"Bearer {sandbox.token}"}, timeout=5)
    assert response.json()["data"]["me"]["id"]
