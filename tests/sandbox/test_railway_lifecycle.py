"""Railway: workspace, projects, environments, services and volumes through their lifecycle."""
from conftest import create_project

PROJECT = """query($id: String!) { project(id: $id) {
  id name description isPublic prDeploys workspaceId createdAt updatedAt deletedAt
  baseEnvironmentId primaryEnvironmentId
  environments { edges { node { id name isEphemeral } } }
  services { edges { node { id name icon projectId createdAt } } }
  volumes { edges { node { id name projectId } } }
} }"""
PROJECT_NAMES = "query($all: Boolean) { projects(includeDeleted: $all) { edges { node { name deletedAt } } } }"
ENVIRONMENT = """query($id: String!) { environment(id: $id) {
  id name isEphemeral projectId createdAt updatedAt sourceEnvironment { id name }
  config(decryptVariables: true) configEtag unmergedChangesCount } }"""
ENVIRONMENT_CREATE = """mutation($i: EnvironmentCreateInput!) { environmentCreate(input: $i) {
  id name isEphemeral sourceEnvironment { id name } config(decryptVariables: true) } }"""
SERVICE_CREATE = "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id name projectId } }"
VOLUME_CREATE = "mutation($i: VolumeCreateInput!) { volumeCreate(input: $i) { id name projectId } }"
PATCH = "mutation($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }"


def environment(sandbox, environment_id):
    return sandbox.gql(ENVIRONMENT, {"id": environment_id})["environment"]


def test_me_and_workspace(sandbox):
    me = sandbox.gql("{ me { id email name workspaces { id name } } }")["me"]
    assert len(me["workspaces"]) == 1 and me["workspaces"][0]["name"] == "Sandbox Workspace"
    workspace_id = me["workspaces"][0]["id"]
    assert sandbox.gql("query($w: String!) { workspace(workspaceId: $w) { id name } }",
                       {"w": workspace_id})["workspace"]["id"] == workspace_id
    assert sandbox.gql_error("query($w: String!) { workspace(workspaceId: $w) { id } }", {"w": "other"})


def test_project_create_read_update_delete(sandbox):
    workspace_id = sandbox.gql("{ me { workspaces { id } } }")["me"]["workspaces"][0]["id"]
    created = create_project(sandbox, "shop", description="d", workspaceId=workspace_id)
    project = sandbox.gql(PROJECT, {"id": created["id"]})["project"]
    assert project["name"] == "shop" and project["description"] == "d" and project["workspaceId"] == workspace_id
    assert project["isPublic"] is False and project["deletedAt"] is None
    assert [e["node"]["name"] for e in project["environments"]["edges"]] == ["production"]
    assert project["primaryEnvironmentId"] == project["environments"]["edges"][0]["node"]["id"]
    assert project["services"]["edges"] == [] and project["volumes"]["edges"] == []

    updated = sandbox.gql("mutation($id: String!, $i: ProjectUpdateInput!) { projectUpdate(id: $id, input: $i) "
                          "{ name description isPublic prDeploys } }",
                          {"id": created["id"], "i": {"name": "store", "prDeploys": True}})["projectUpdate"]
    assert updated == {"name": "store", "description": "d", "isPublic": False, "prDeploys": True}

    assert sandbox.gql("mutation($id: String!) { projectDelete(id: $id) }", {"id": created["id"]}) == \
        {"projectDelete": True}
    assert sandbox.gql_error(PROJECT, {"id": created["id"]}) == "Project not found"
    assert sandbox.gql(PROJECT_NAMES)["projects"]["edges"] == []
    deleted = sandbox.gql(PROJECT_NAMES, {"all": True})["projects"]["edges"]
    assert [e["node"]["name"] for e in deleted] == ["store"] and deleted[0]["node"]["deletedAt"]
    assert sandbox.gql_error(ENVIRONMENT, {"id": created["environment_id"]}) == "Environment not found"


def test_project_names_may_repeat_and_default_environment_name_is_honoured(sandbox):
    first = create_project(sandbox, "same")
    second = create_project(sandbox, "same", defaultEnvironmentName="main")
    assert first["id"] != second["id"]
    assert second["environments"]["edges"][0]["node"]["name"] == "main"
    assert [e["node"]["name"] for e in sandbox.gql(PROJECT_NAMES)["projects"]["edges"]] == ["same", "same"]


def test_projects_pagination(sandbox):
    for name in ("p1", "p2", "p3"):
        create_project(sandbox, name)
    query = "query($after: String) { projects(first: 2, after: $after) { edges { node { name } cursor } " \
            "pageInfo { hasNextPage endCursor } } }"
    page = sandbox.gql(query)["projects"]
    assert [e["node"]["name"] for e in page["edges"]] == ["p1", "p2"] and page["pageInfo"]["hasNextPage"]
    page = sandbox.gql(query, {"after": page["pageInfo"]["endCursor"]})["projects"]
    assert [e["node"]["name"] for e in page["edges"]] == ["p3"] and not page["pageInfo"]["hasNextPage"]
    names = sandbox.gql("{ projects(orderBy: NAME_ASC, last: 1) { edges { node { name } } } }")
    assert names["projects"]["edges"][0]["node"]["name"] == "p3"


def test_environment_lifecycle(sandbox):
    project = create_project(sandbox)
    staging = sandbox.gql(ENVIRONMENT_CREATE, {"i": {"projectId": project["id"], "name": "staging"}})
    staging = staging["environmentCreate"]
    assert staging["name"] == "staging" and staging["isEphemeral"] is False and staging["sourceEnvironment"] is None

    duplicate = sandbox.gql_error(ENVIRONMENT_CREATE, {"i": {"projectId": project["id"], "name": "staging"}})
    assert duplicate == "Environment with name staging already exists"
    other_project = create_project(sandbox, "other")
    assert sandbox.gql(ENVIRONMENT_CREATE, {"i": {"projectId": other_project["id"], "name": "staging"}})

    renamed = sandbox.gql("mutation($id: String!, $i: EnvironmentRenameInput!) { environmentRename(id: $id, input: $i) "
                          "{ id name } }", {"id": staging["id"], "i": {"name": "qa"}})["environmentRename"]
    assert renamed == {"id": staging["id"], "name": "qa"}
    assert sandbox.gql_error("mutation($id: String!, $i: EnvironmentRenameInput!) { environmentRename(id: $id, "
                             "input: $i) { id } }", {"id": staging["id"], "i": {"name": "production"}}) == \
        "Environment with name production already exists"

    listed = sandbox.gql("query($p: String!) { environments(projectId: $p) { edges { node { name } } } }",
                         {"p": project["id"]})["environments"]["edges"]
    assert [e["node"]["name"] for e in listed] == ["production", "qa"]

    assert sandbox.gql("mutation($id: String!) { environmentDelete(id: $id) }", {"id": staging["id"]})
    assert sandbox.gql_error(ENVIRONMENT, {"id": staging["id"]}) == "Environment not found"
    # the name is free again
    assert sandbox.gql(ENVIRONMENT_CREATE, {"i": {"projectId": project["id"], "name": "qa"}})


def test_ephemeral_environment_and_filter(sandbox):
    project = create_project(sandbox)
    pr = sandbox.gql(ENVIRONMENT_CREATE, {"i": {"projectId": project["id"], "name": "pr-1", "ephemeral": True}})
    assert pr["environmentCreate"]["isEphemeral"] is True
    edges = sandbox.gql("query($p: String!) { environments(projectId: $p, isEphemeral: true) "
                        "{ edges { node { name } } } }", {"p": project["id"]})["environments"]["edges"]
    assert [e["node"]["name"] for e in edges] == ["pr-1"]


def test_environment_from_source_copies_config_without_sealed_variables(sandbox):
    project = create_project(sandbox)
    production = project["environment_id"]
    service = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "web"}})["serviceCreate"]
    sandbox.gql(PATCH, {"e": production, "p": {
        "sharedVariables": {"OPEN": {"value": "o"}, "SEALED": {"value": "s", "isSealed": True}},
        "services": {service["id"]: {"deploy": {"startCommand": "run"},
                                     "variables": {"KEY": {"value": "k"}, "HIDDEN": {"value": "h", "isSealed": True}}}},
    }})
    copy = sandbox.gql(ENVIRONMENT_CREATE, {"i": {"projectId": project["id"], "name": "staging",
                                                  "sourceEnvironmentId": production}})["environmentCreate"]
    assert copy["sourceEnvironment"] == {"id": production, "name": "production"}
    assert copy["config"]["sharedVariables"] == {"OPEN": {"value": "o"}}
    assert copy["config"]["services"][service["id"]]["variables"] == {"KEY": {"value": "k"}}
    assert copy["config"]["services"][service["id"]]["deploy"] == {"startCommand": "run"}

    staged = sandbox.gql(ENVIRONMENT_CREATE, {"i": {"projectId": project["id"], "name": "staged",
                                                    "sourceEnvironmentId": production, "stageInitialChanges": True}})
    staged = environment(sandbox, staged["environmentCreate"]["id"])
    assert staged["config"]["services"] == {} and staged["unmergedChangesCount"] > 0


def test_service_and_volume_lifecycle_keeps_configs_consistent(sandbox):
    project = create_project(sandbox)
    production = project["environment_id"]
    staging = sandbox.gql(ENVIRONMENT_CREATE, {"i": {"projectId": project["id"], "name": "staging"}})
    staging = staging["environmentCreate"]["id"]
    service = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "api",
                                                 "source": {"image": "nginx:1"}, "variables": {"A": "1"}}})
    service = service["serviceCreate"]
    assert sandbox.gql_error(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "api"}}) == \
        "Service with name api already exists"
    for environment_id in (production, staging):
        instance = environment(sandbox, environment_id)["config"]["services"][service["id"]]
        assert instance["source"] == {"image": "nginx:1"} and instance["variables"] == {"A": {"value": "1"}}

    volume = sandbox.gql(VOLUME_CREATE, {"i": {"projectId": project["id"], "serviceId": service["id"],
                                               "mountPath": "/data", "environmentId": production}})["volumeCreate"]
    config = environment(sandbox, production)["config"]
    assert volume["id"] in config["volumes"]
    assert config["services"][service["id"]]["volumeMounts"] == {volume["id"]: {"mountPath": "/data"}}
    assert volume["id"] not in environment(sandbox, staging)["config"]["volumes"]
    project_view = sandbox.gql(PROJECT, {"id": project["id"]})["project"]
    assert [e["node"]["name"] for e in project_view["services"]["edges"]] == ["api"]
    assert [e["node"]["id"] for e in project_view["volumes"]["edges"]] == [volume["id"]]

    assert sandbox.gql("mutation($v: String!) { volumeDelete(volumeId: $v) }", {"v": volume["id"]})
    config = environment(sandbox, production)["config"]
    assert config["volumes"] == {} and config["services"][service["id"]]["volumeMounts"] == {}

    # staging is not a fork: only with the setting off does serviceDelete(environmentId) keep production's instance
    sandbox.control("POST", "railway/realism", {"service_delete_forks_only": False})
    assert sandbox.gql("mutation($id: String!, $e: String) { serviceDelete(id: $id, environmentId: $e) }",
                       {"id": service["id"], "e": staging})
    assert environment(sandbox, staging)["config"]["services"] == {}
    assert service["id"] in environment(sandbox, production)["config"]["services"]
    assert sandbox.gql("mutation($id: String!) { serviceDelete(id: $id) }", {"id": service["id"]})
    assert environment(sandbox, production)["config"]["services"] == {}
    assert sandbox.gql_error("query($id: String!) { service(id: $id) { id } }", {"id": service["id"]}) == \
        "Service not found"
    # the name is free again
    assert sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "api"}})


DELETE_IN = "mutation($id: String!, $e: String) { serviceDelete(id: $id, environmentId: $e) }"


def _three_environments(sandbox):
    """production (base), staging (not a fork) and a fork of production, each with the service `api`."""
    project = create_project(sandbox, "scoped")
    production = project["environment_id"]
    staging = sandbox.gql(ENVIRONMENT_CREATE, {"i": {"projectId": project["id"], "name": "staging"}})
    service = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "api"}})["serviceCreate"]
    fork = sandbox.gql(ENVIRONMENT_CREATE, {"i": {"projectId": project["id"], "name": "feature",
                                                  "sourceEnvironmentId": production}})
    ids = {"production": production, "staging": staging["environmentCreate"]["id"],
           "feature": fork["environmentCreate"]["id"]}
    assert all(service["id"] in environment(sandbox, e)["config"]["services"] for e in ids.values())
    return project, service, ids


def _has_instance(sandbox, service, ids):
    return {name: service["id"] in environment(sandbox, e)["config"]["services"] for name, e in ids.items()}


def test_service_delete_in_a_fork_removes_only_that_instance(sandbox):
    project, service, ids = _three_environments(sandbox)
    assert sandbox.gql(DELETE_IN, {"id": service["id"], "e": ids["feature"]}) == {"serviceDelete": True}
    assert _has_instance(sandbox, service, ids) == {"production": True, "staging": True, "feature": False}
    names = [e["node"]["name"] for e in sandbox.gql(PROJECT, {"id": project["id"]})["project"]["services"]["edges"]]
    assert names == ["api"]


def test_service_delete_in_a_base_environment_removes_it_from_every_environment_that_is_not_a_fork(sandbox):
    project, service, ids = _three_environments(sandbox)
    sandbox.gql(DELETE_IN, {"id": service["id"], "e": ids["staging"]})
    assert _has_instance(sandbox, service, ids) == {"production": False, "staging": False, "feature": True}



def test_service_delete_in_one_environment_only_when_the_setting_is_off(sandbox):
    sandbox.control("POST", "railway/realism", {"service_delete_forks_only": False})
    _, service, ids = _three_environments(sandbox)
    sandbox.gql(DELETE_IN, {"id": service["id"], "e": ids["staging"]})
    assert _has_instance(sandbox, service, ids) == {"production": True, "staging": False, "feature": True}
