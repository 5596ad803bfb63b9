"""Railway: the per-environment EnvironmentConfig, committed and staged patches."""
from conftest import create_project

ENVIRONMENT = """query($id: String!, $decrypt: Boolean) { environment(id: $id) {
  config(decryptVariables: $decrypt) configEtag unmergedChangesCount } }"""
PATCH = """mutation($e: String!, $p: EnvironmentConfig, $m: String) {
  environmentPatchCommit(environmentId: $e, patch: $p, commitMessage: $m) }"""
STAGE = """mutation($e: String!, $p: EnvironmentConfig!, $merge: Boolean) {
  environmentStageChanges(environmentId: $e, input: $p, merge: $merge) { id status patch(decryptVariables: true) } }"""
COMMIT_STAGED = """mutation($e: String!) { environmentPatchCommitStaged(environmentId: $e, skipDeploys: true) }"""
STAGED = """query($e: String!) { environmentStagedChanges(environmentId: $e) { id status patch } }"""
SERVICE_CREATE = "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id } }"


def read(sandbox, environment_id, decrypt=True):
    return sandbox.gql(ENVIRONMENT, {"id": environment_id, "decrypt": decrypt})["environment"]


def setup(sandbox):
    project = create_project(sandbox)
    service = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "web"}})["serviceCreate"]["id"]
    return project["id"], project["environment_id"], service


def test_patch_commit_deep_merges_and_changes_the_etag(sandbox):
    _, environment_id, service = setup(sandbox)
    before = read(sandbox, environment_id)
    commit_id = sandbox.gql(PATCH, {"e": environment_id, "m": "first", "p": {"services": {service: {
        "deploy": {"startCommand": "npm start", "numReplicas": 2}, "build": {"builder": "RAILPACK"}}}}})
    assert commit_id["environmentPatchCommit"]
    first = read(sandbox, environment_id)
    assert first["configEtag"] != before["configEtag"]
    sandbox.gql(PATCH, {"e": environment_id, "p": {"services": {service: {"deploy": {"numReplicas": 3}}}}})
    second = read(sandbox, environment_id)
    assert second["config"]["services"][service]["deploy"] == {"startCommand": "npm start", "numReplicas": 3}
    assert second["config"]["services"][service]["build"] == {"builder": "RAILPACK"}
    assert second["configEtag"] not in (first["configEtag"], before["configEtag"])
    sandbox.gql(PATCH, {"e": environment_id, "p": {}})
    assert read(sandbox, environment_id)["configEtag"] != second["configEtag"]     # every commit is a write


def test_null_deletes_a_map_entry(sandbox):
    _, environment_id, service = setup(sandbox)
    sandbox.gql(PATCH, {"e": environment_id, "p": {"sharedVariables": {"A": {"value": "1"}, "B": {"value": "2"}},
                                                   "services": {service: {"deploy": {"cronSchedule": "*/5 * * * *"}}}}})
    sandbox.gql(PATCH, {"e": environment_id, "p": {"sharedVariables": {"A": None},
                                                   "services": {service: {"deploy": {"cronSchedule": None}}}}})
    config = read(sandbox, environment_id)["config"]
    assert config["sharedVariables"] == {"B": {"value": "2"}}
    assert config["services"][service]["deploy"] == {}


def test_instances_need_is_created_and_go_away_with_is_deleted(sandbox):
    project_id, environment_id, service = setup(sandbox)
    staging = sandbox.gql("mutation($i: EnvironmentCreateInput!) { environmentCreate(input: $i) { id } }",
                          {"i": {"projectId": project_id, "name": "staging"}})["environmentCreate"]["id"]
    assert service not in read(sandbox, staging)["config"]["services"]
    message = sandbox.gql_error(PATCH, {"e": staging, "p": {"services": {service: {"deploy": {"numReplicas": 1}}}}})
    assert "isCreated" in message
    assert read(sandbox, staging)["config"]["services"] == {}
    sandbox.gql(PATCH, {"e": staging, "p": {"services": {service: {"isCreated": True, "deploy": {"numReplicas": 1}}}}})
    assert read(sandbox, staging)["config"]["services"] == {service: {"deploy": {"numReplicas": 1}}}
    sandbox.gql(PATCH, {"e": staging, "p": {"services": {service: {"isDeleted": True}}}})
    assert read(sandbox, staging)["config"]["services"] == {}


def test_unknown_ids_keys_and_enum_values_are_refused_and_change_nothing(sandbox):
    _, environment_id, service = setup(sandbox)
    before = read(sandbox, environment_id)
    bad_patches = {
        "Unknown field services.%s.deploy.startCmd" % service: {"services": {service: {"deploy": {"startCmd": "x"}}}},
        "Unknown field colour": {"colour": "red"},
        "RAILPACK": {"services": {service: {"build": {"builder": "BUILDPACKS"}}}},
        "ON_FAILURE": {"services": {service: {"deploy": {"restartPolicyType": "SOMETIMES"}}}},
        "not found": {"services": {"3f1c0000-0000-4000-8000-000000000000": {"isCreated": True}}},
        "expected an object": {"services": {service: {"deploy": "fast"}}},
    }
    for expected, patch in bad_patches.items():
        message = sandbox.gql_error(PATCH, {"e": environment_id, "p": patch})
        assert expected in message, (patch, message)
    after = read(sandbox, environment_id)
    assert after == before


def test_variables_are_masked_unless_decrypted_and_sealed_ones_always(sandbox):
    assert sandbox.control("POST", "railway/realism", {"config_lists_sealed": True}).status_code == 200
    _, environment_id, service = setup(sandbox)
    sandbox.gql(PATCH, {"e": environment_id, "p": {"services": {service: {"variables": {
        "PLAIN": {"value": "visible"}, "SECRET": {"value": "hidden", "isSealed": True}}}}}})
    masked = read(sandbox, environment_id, decrypt=False)["config"]["services"][service]["variables"]
    assert "visible" not in str(masked) and "hidden" not in str(masked)
    assert set(masked) == {"PLAIN", "SECRET"}
    plain = read(sandbox, environment_id, decrypt=True)["config"]["services"][service]["variables"]
    assert plain["PLAIN"]["value"] == "visible" and "hidden" not in str(plain)
    default = sandbox.gql("query($id: String!) { environment(id: $id) { config } }", {"id": environment_id})
    assert "visible" not in str(default)


def test_staged_changes_merge_count_and_commit(sandbox):
    _, environment_id, service = setup(sandbox)
    empty = sandbox.gql(STAGED, {"e": environment_id})["environmentStagedChanges"]
    assert empty["status"] == "STAGED" and empty["patch"] == {}
    etag = read(sandbox, environment_id)["configEtag"]

    staged = sandbox.gql(STAGE, {"e": environment_id, "p": {"sharedVariables": {"A": {"value": "1"}}}})
    assert staged["environmentStageChanges"]["status"] == "STAGED"
    sandbox.gql(STAGE, {"e": environment_id, "merge": True,
                        "p": {"services": {service: {"deploy": {"startCommand": "go"}}}}})
    view = read(sandbox, environment_id)
    assert view["unmergedChangesCount"] == 2
    assert view["configEtag"] == etag and view["config"]["sharedVariables"] == {}     # nothing committed yet
    patch = sandbox.gql(STAGED, {"e": environment_id})["environmentStagedChanges"]["patch"]
    assert set(patch) == {"sharedVariables", "services"}

    # without merge the staged patch is replaced
    sandbox.gql(STAGE, {"e": environment_id, "p": {"sharedVariables": {"B": {"value": "2"}}}})
    assert read(sandbox, environment_id)["unmergedChangesCount"] == 1

    assert sandbox.gql(COMMIT_STAGED, {"e": environment_id})["environmentPatchCommitStaged"]
    view = read(sandbox, environment_id)
    assert view["config"]["sharedVariables"] == {"B": {"value": "2"}}
    assert "startCommand" not in str(view["config"])
    assert view["unmergedChangesCount"] == 0 and view["configEtag"] != etag
    assert "No staged changes" in sandbox.gql_error(COMMIT_STAGED, {"e": environment_id})


def test_a_merged_stage_answers_the_staged_patch_as_the_staged_changes_show_it(sandbox):
    """What one task staged is what a later task reads (same id, same patch, values hidden): the collection's
    staged_by_run compares the two. A commit ends that staged patch: the next stage is a new one."""
    _, environment_id, service = setup(sandbox)
    stage = STAGE.replace("patch(decryptVariables: true)", "patch")
    sandbox.gql(stage, {"e": environment_id, "merge": True, "p": {"sharedVariables": {"A": {"value": "secret-1"}}}})
    answered = sandbox.gql(stage, {"e": environment_id, "merge": True, "p": {"services": {service: {
        "variables": {"B": {"value": "secret-2"}}}}}})["environmentStageChanges"]
    shown = sandbox.gql(STAGED, {"e": environment_id})["environmentStagedChanges"]
    assert answered["id"] == shown["id"] and answered["patch"] == shown["patch"]
    assert set(shown["patch"]) == {"sharedVariables", "services"} and "secret" not in str(shown["patch"])
    sandbox.gql(COMMIT_STAGED, {"e": environment_id})
    again = sandbox.gql(stage, {"e": environment_id, "p": {"sharedVariables": {"C": {"value": "3"}}}})
    assert again["environmentStageChanges"]["id"] != shown["id"]


def test_staging_refuses_unknown_keys(sandbox):
    _, environment_id, _ = setup(sandbox)
    assert "Unknown field" in sandbox.gql_error(STAGE, {"e": environment_id, "p": {"nope": 1}})
    assert read(sandbox, environment_id)["unmergedChangesCount"] == 0
