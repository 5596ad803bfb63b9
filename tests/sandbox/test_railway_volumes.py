"""Railway sandbox: volumes follow the account's plan (first size, resizing, volumes per project, no shrink)."""
import time

import pytest

from conftest import create_project

PATCH = """mutation($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }"""
PATCH_STATUS = "query($id: String!) { environmentPatch(id: $id) { status lastAppliedError } }"
SERVICE_CREATE = "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id } }"
VOLUME_CREATE = "mutation($i: VolumeCreateInput!) { volumeCreate(input: $i) { id name } }"
SIZES = "query($id: String!) { environment(id: $id) { volumeInstances { edges { node { volumeId sizeMB } } } } }"
PLAN = "query($id: String!) { project(id: $id) { subscriptionType } }"
FIRST_SIZE = {"free": 500, "trial": 500, "hobby": 5000, "pro": 50000}


@pytest.fixture(params=["free", "hobby", "pro"])
def plan(request, sandbox):
    sandbox.control("POST", "railway/realism", {"plan": request.param, "patch_apply_seconds": 0})
    return request.param


def setup(sandbox):
    project = create_project(sandbox)
    service = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "db"}})["serviceCreate"]["id"]
    return project["id"], project["environment_id"], service


def create_volume(sandbox, project_id, service_id, **extra):
    return sandbox.gql(VOLUME_CREATE, {"i": {"projectId": project_id, "serviceId": service_id, "mountPath": "/data",
                                              **extra}})["volumeCreate"]["id"]


def refusal(sandbox, environment_id, body):
    """Railway's refusal of a patch, whether answered at once or later in the patch's lastAppliedError; None if applied."""
    answer = sandbox.post_graphql(PATCH, {"e": environment_id, "p": body}).json()
    if answer.get("errors"):
        return answer["errors"][0]["message"]
    patch_id = answer["data"]["environmentPatchCommit"]
    for _ in range(100):
        status = sandbox.gql(PATCH_STATUS, {"id": patch_id})["environmentPatch"]
        if status["status"] != "APPLYING":
            return status["lastAppliedError"]
        time.sleep(0.05)
    raise AssertionError("patch still applying")


def sizes(sandbox, environment_id):
    edges = sandbox.gql(SIZES, {"id": environment_id})["environment"]["volumeInstances"]["edges"]
    return {e["node"]["volumeId"]: e["node"]["sizeMB"] for e in edges}


def test_project_answers_its_plan_to_every_token_that_reads_it(sandbox, plan):
    project_id, env, _ = setup(sandbox)
    assert sandbox.gql(PLAN, {"id": project_id})["project"]["subscriptionType"] == plan
    token = sandbox.gql("mutation($i: ProjectTokenCreateInput!) { projectTokenCreate(input: $i) }",
                        {"i": {"projectId": project_id, "environmentId": env, "name": "ci"}})["projectTokenCreate"]
    assert sandbox.gql(PLAN, {"id": project_id}, project_token=token)["project"]["subscriptionType"] == plan


@pytest.mark.parametrize("plan_name, answer", [("free", "FREE"), ("trial", "FREE"), ("hobby", "HOBBY"), ("pro", "PRO")])
def test_the_workspace_answers_its_plan_in_railways_enum_and_not_to_a_project_token(sandbox, plan_name, answer):
    """Workspace.plan is FREE, HOBBY or PRO (Railway's Plan enum has no trial: a trial answers FREE)."""
    sandbox.control("POST", "railway/realism", {"plan": plan_name})
    workspace = sandbox.gql("{ me { workspaces { id plan } } }")["me"]["workspaces"][0]
    assert workspace["plan"] == answer
    one = "query($w: String!) { workspace(workspaceId: $w) { plan } }"
    assert sandbox.gql(one, {"w": workspace["id"]})["workspace"]["plan"] == answer
    project_id, env, _ = setup(sandbox)
    token = sandbox.gql("mutation($i: ProjectTokenCreateInput!) { projectTokenCreate(input: $i) }",
                        {"i": {"projectId": project_id, "environmentId": env, "name": "ci"}})["projectTokenCreate"]
    assert sandbox.gql_error(one, {"w": workspace["id"]}, project_token=token) == "Not Authorized"


def test_a_new_volume_gets_the_plans_first_size(sandbox, plan):
    project_id, env, service = setup(sandbox)
    volume = create_volume(sandbox, project_id, service, environmentId=env)
    assert sizes(sandbox, env) == {volume: FIRST_SIZE[plan]}


def test_a_detached_volume_takes_its_initial_size_from_the_creating_patch(sandbox, plan):
    project_id, env, service = setup(sandbox)
    volume = create_volume(sandbox, project_id, service, environmentId=None)
    assert sizes(sandbox, env) == {}
    asked = FIRST_SIZE[plan] if plan == "free" else FIRST_SIZE[plan] * 2
    mount = {"services": {service: {"volumeMounts": {volume: {"mountPath": "/data"}}}}}
    if plan == "free":
        bigger = refusal(sandbox, env, {"volumes": {volume: {"isCreated": True, "sizeMB": 1000}}, **mount})
        assert "Free plan are 500 MB and cannot be resized" in bigger and sizes(sandbox, env) == {}
    assert refusal(sandbox, env, {"volumes": {volume: {"isCreated": True, "sizeMB": asked}}, **mount}) is None
    assert sizes(sandbox, env) == {volume: asked}


def test_a_detached_volume_created_without_a_size_gets_the_plans_first_size(sandbox, plan):
    project_id, env, service = setup(sandbox)
    volume = create_volume(sandbox, project_id, service, environmentId=None)
    assert refusal(sandbox, env, {"volumes": {volume: {"isCreated": True}}}) is None
    assert sizes(sandbox, env) == {volume: FIRST_SIZE[plan]}


def test_a_new_volume_below_the_plans_first_size_is_a_shrink(sandbox, plan):
    project_id, env, service = setup(sandbox)
    volume = create_volume(sandbox, project_id, service, environmentId=None)
    message = refusal(sandbox, env, {"volumes": {volume: {"isCreated": True, "sizeMB": FIRST_SIZE[plan] - 100}}})
    assert "can only grow" in message and f"{FIRST_SIZE[plan]} MB" in message
    assert sizes(sandbox, env) == {}


def test_resizing_needs_a_paid_plan_and_never_shrinks(sandbox, plan):
    project_id, env, service = setup(sandbox)
    volume = create_volume(sandbox, project_id, service, environmentId=env)
    first = FIRST_SIZE[plan]
    grown = refusal(sandbox, env, {"volumes": {volume: {"sizeMB": first + 1000}}})
    if plan == "free":
        assert "cannot be resized on the Free plan" in grown
        assert sizes(sandbox, env) == {volume: first}
    else:
        assert grown is None and sizes(sandbox, env) == {volume: first + 1000}
    assert "can only grow" in refusal(sandbox, env, {"volumes": {volume: {"sizeMB": first - 1}}})


def test_free_allows_one_volume_per_project(sandbox, plan):
    project_id, env, service = setup(sandbox)
    create_volume(sandbox, project_id, service, environmentId=env)
    other = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project_id, "name": "cache"}})["serviceCreate"]["id"]
    second = {"i": {"projectId": project_id, "serviceId": other, "mountPath": "/data", "environmentId": env}}
    if plan == "free":
        assert "Free plan allows 1 volume per project" in sandbox.gql_error(VOLUME_CREATE, second)
        assert len(sizes(sandbox, env)) == 1
        other_project, _, other_service = setup(sandbox)       # the limit is per project
        create_volume(sandbox, other_project, other_service)
    else:
        assert sandbox.gql(VOLUME_CREATE, second)["volumeCreate"]["id"]
        assert len(sizes(sandbox, env)) == 2


def test_trial_has_free_sizes_without_resizing(sandbox):
    sandbox.control("POST", "railway/realism", {"plan": "trial", "patch_apply_seconds": 0})
    project_id, env, service = setup(sandbox)
    volume = create_volume(sandbox, project_id, service, environmentId=env)
    assert sizes(sandbox, env) == {volume: 500}
    assert "cannot be resized on the Trial plan" in refusal(sandbox, env, {"volumes": {volume: {"sizeMB": 1000}}})

