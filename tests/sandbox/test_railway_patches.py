"""Railway: committed patches apply asynchronously; refusals of meaning end in lastAppliedError; sealed variables."""
import time

from conftest import create_project

ENVIRONMENT = """query($id: String!) { environment(id: $id) {
  config(decryptVariables: true) configEtag
  variables(first: 100) { edges { node { name isSealed serviceId environmentId } } } } }"""
PATCH = """mutation($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }"""
PATCH_STATUS = """query($id: String!) { environmentPatch(id: $id) { id status lastAppliedError appliedAt } }"""
PATCHES = """query($e: String!) { environmentPatches(environmentId: $e, first: 10) { edges { node { id status } } } }"""
STAGE = """mutation($e: String!, $p: EnvironmentConfig!) { environmentStageChanges(environmentId: $e, input: $p, merge: true) { id } }"""
COMMIT_STAGED = """mutation($e: String!) { environmentPatchCommitStaged(environmentId: $e) }"""
SERVICE_CREATE = "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id } }"
VOLUME_CREATE = "mutation($i: VolumeCreateInput!) { volumeCreate(input: $i) { id } }"
DEPLOYMENTS = """query($i: DeploymentListInput!) { deployments(input: $i, first: 10) { edges { node { id } } } }"""


def realism(sandbox, **settings):
    response = sandbox.control("POST", "railway/realism", settings)
    assert response.status_code == 200, response.text


def setup(sandbox):
    project = create_project(sandbox)
    service = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "web"}})["serviceCreate"]["id"]
    return project["id"], project["environment_id"], service


def read(sandbox, environment_id):
    return sandbox.gql(ENVIRONMENT, {"id": environment_id})["environment"]


def commit(sandbox, environment_id, patch):
    return sandbox.gql(PATCH, {"e": environment_id, "p": patch})["environmentPatchCommit"]


def status(sandbox, patch_id):
    return sandbox.gql(PATCH_STATUS, {"id": patch_id})["environmentPatch"]


def settle(sandbox, patch_id, timeout=5):
    deadline = time.time() + timeout
    while status(sandbox, patch_id)["status"] == "APPLYING":
        assert time.time() < deadline, "the patch never left APPLYING"
        time.sleep(0.05)
    return status(sandbox, patch_id)


def test_a_committed_patch_applies_after_patch_apply_seconds(sandbox):
    realism(sandbox, patch_apply_seconds=0.5)
    project_id, env, web = setup(sandbox)
    before = read(sandbox, env)
    patch_id = commit(sandbox, env, {"services": {web: {"source": {"image": "nginx:1"}, "deploy": {"startCommand": "run"}}}})
    pending = read(sandbox, env)
    assert pending["configEtag"] == before["configEtag"]
    assert "source" not in (pending["config"]["services"].get(web) or {})
    assert status(sandbox, patch_id)["status"] == "APPLYING" and status(sandbox, patch_id)["appliedAt"] is None
    listed = sandbox.gql(PATCHES, {"e": env})["environmentPatches"]["edges"]
    assert listed[0]["node"] == {"id": patch_id, "status": "APPLYING"}
    deployments = {"projectId": project_id, "environmentId": env, "serviceId": web}
    assert sandbox.gql(DEPLOYMENTS, {"i": deployments})["deployments"]["edges"] == []
    done = settle(sandbox, patch_id)
    assert done["status"] == "COMMITTED" and done["appliedAt"] and done["lastAppliedError"] is None
    applied = read(sandbox, env)
    assert applied["configEtag"] != before["configEtag"]
    assert applied["config"]["services"][web]["deploy"]["startCommand"] == "run"
    assert len(sandbox.gql(DEPLOYMENTS, {"i": deployments})["deployments"]["edges"]) == 1


def test_patches_apply_in_commit_order(sandbox):
    realism(sandbox, patch_apply_seconds=0.3)
    _, env, web = setup(sandbox)
    commit(sandbox, env, {"sharedVariables": {"A": {"value": "1"}}})
    second = commit(sandbox, env, {"sharedVariables": {"A": {"value": "2"}}})
    settle(sandbox, second)
    assert read(sandbox, env)["config"]["sharedVariables"]["A"]["value"] == "2"


def test_a_commit_checks_against_the_patches_still_applying(sandbox):
    realism(sandbox, patch_apply_seconds=0.3)
    _, env, web = setup(sandbox)
    commit(sandbox, env, {"services": {web: {"isCreated": True}}})
    settle(sandbox, commit(sandbox, env, {"services": {web: {"deploy": {"startCommand": "x"}}}}))
    assert read(sandbox, env)["config"]["services"][web]["deploy"]["startCommand"] == "x"


def refused(sandbox, env, patch):
    """The lastAppliedError of a patch the commit accepted."""
    before = read(sandbox, env)
    result = settle(sandbox, commit(sandbox, env, patch))
    assert result["status"] == "COMMITTED" and result["appliedAt"] is None
    after = read(sandbox, env)
    assert after["configEtag"] == before["configEtag"] and after["config"] == before["config"]   # nothing applied
    return result["lastAppliedError"]


def test_a_cron_more_frequent_than_five_minutes_is_refused_after_the_commit(sandbox):
    realism(sandbox, patch_apply_seconds=0.1)
    _, env, web = setup(sandbox)
    error = refused(sandbox, env, {"services": {web: {"deploy": {"cronSchedule": "*/2 * * * *", "startCommand": "x"}}}})
    assert f"services.{web}.deploy.cronSchedule" in error and "5 minutes" in error
    for schedule in ("* * * * *", "0,3 * * * *", "0-10 3 * * *", "0,58 * * * *"):
        assert "5 minutes" in refused(sandbox, env, {"services": {web: {"deploy": {"cronSchedule": schedule}}}})
    for schedule in ("*/5 * * * *", "0,55 * * * *", "58 * * * *", "0 3 * * 1"):
        assert settle(sandbox, commit(sandbox, env, {"services": {web: {"deploy": {"cronSchedule": schedule}}}}))[
            "lastAppliedError"] is None
        assert read(sandbox, env)["config"]["services"][web]["deploy"]["cronSchedule"] == schedule


def test_replicas_on_a_service_with_a_volume_are_refused(sandbox):
    realism(sandbox, patch_apply_seconds=0.1)
    project_id, env, web = setup(sandbox)
    sandbox.gql(VOLUME_CREATE, {"i": {"projectId": project_id, "serviceId": web, "mountPath": "/data", "environmentId": env}})
    assert f"services.{web}.deploy.numReplicas" in refused(sandbox, env, {"services": {web: {"deploy": {"numReplicas": 2}}}})
    error = refused(sandbox, env, {"services": {web: {"deploy": {"multiRegionConfig": {
        "us-west2": {"numReplicas": 1}, "europe-west4-drams3a": {"numReplicas": 1}}}}}})
    assert "replicas cannot be used with volumes" in error


def test_a_volume_shrink_is_refused_after_the_commit(sandbox):
    realism(sandbox, patch_apply_seconds=0.1)
    project_id, env, web = setup(sandbox)
    volume = sandbox.gql(VOLUME_CREATE, {"i": {"projectId": project_id, "serviceId": web, "mountPath": "/data",
                                               "environmentId": env}})["volumeCreate"]["id"]
    settle(sandbox, commit(sandbox, env, {"volumes": {volume: {"sizeMB": 8000}}}))
    assert f"volumes.{volume}.sizeMB: a volume can only grow" in refused(sandbox, env, {"volumes": {volume: {"sizeMB": 6000}}})


def test_the_free_plan_refuses_restart_policy_always_and_many_retries(sandbox):
    realism(sandbox, patch_apply_seconds=0.1, plan="free")
    _, env, web = setup(sandbox)
    assert "ALWAYS is not available on the free plan" in refused(
        sandbox, env, {"services": {web: {"deploy": {"restartPolicyType": "ALWAYS"}}}})
    assert "restartPolicyMaxRetries: at most 10" in refused(
        sandbox, env, {"services": {web: {"deploy": {"restartPolicyType": "ON_FAILURE", "restartPolicyMaxRetries": 11}}}})
    realism(sandbox, plan="hobby")
    done = settle(sandbox, commit(sandbox, env, {"services": {web: {"deploy": {"restartPolicyType": "ALWAYS"}}}}))
    assert done["lastAppliedError"] is None


def test_without_async_errors_a_refusal_is_a_graphql_error(sandbox):
    realism(sandbox, patch_errors_async=False)
    _, env, web = setup(sandbox)
    message = sandbox.gql_error(PATCH, {"e": env, "p": {"services": {web: {"deploy": {"cronSchedule": "* * * * *"}}}}})
    assert f"services.{web}.deploy.cronSchedule" in message


def test_structural_problems_stay_synchronous(sandbox):
    realism(sandbox, patch_apply_seconds=0.5)
    _, env, web = setup(sandbox)
    assert "Unknown field" in sandbox.gql_error(PATCH, {"e": env, "p": {"services": {web: {"deploy": {"bogus": 1}}}}})
    assert "must be an integer" in sandbox.gql_error(PATCH, {"e": env, "p": {"services": {web: {"deploy": {"numReplicas": "2"}}}}})
    assert sandbox.gql(PATCHES, {"e": env})["environmentPatches"]["edges"] == []      # nothing was committed


def test_a_staged_commit_applies_asynchronously_too(sandbox):
    realism(sandbox, patch_apply_seconds=0.3)
    _, env, web = setup(sandbox)
    sandbox.gql(STAGE, {"e": env, "p": {"services": {web: {"deploy": {"cronSchedule": "* * * * *"}}}}})
    patch_id = sandbox.gql(COMMIT_STAGED, {"e": env})["environmentPatchCommitStaged"]
    assert status(sandbox, patch_id)["status"] == "APPLYING"
    assert "cronSchedule" in settle(sandbox, patch_id)["lastAppliedError"]


def test_sealed_variables_are_left_out_of_config_but_listed_in_variables(sandbox):
    realism(sandbox, patch_apply_seconds=0)
    _, env, web = setup(sandbox)
    commit(sandbox, env, {"services": {web: {"variables": {"KEY": {"value": "s3cret", "isSealed": True},
                                                           "PLAIN": {"value": "p"}}}}})
    environment = read(sandbox, env)
    assert set(environment["config"]["services"][web]["variables"]) == {"PLAIN"}
    listed = {e["node"]["name"]: e["node"] for e in environment["variables"]["edges"]}
    assert listed["KEY"] == {"name": "KEY", "isSealed": True, "serviceId": web, "environmentId": env}
    assert listed["PLAIN"]["isSealed"] is False
    assert "s3cret" not in str(environment)
    realism(sandbox, config_lists_sealed=True)
    shown = read(sandbox, env)["config"]["services"][web]["variables"]["KEY"]
    assert shown == {"value": "*******", "isSealed": True}
