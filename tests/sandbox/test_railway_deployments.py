"""Railway: deployments over time, injected failures, rollback, config commits that deploy, the control API."""
import time
from datetime import datetime, timezone

from conftest import create_project

SERVICE_CREATE = "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id name } }"
DEPLOY = ("mutation($e: String!, $s: String!, $c: String) {"
          " serviceInstanceDeployV2(environmentId: $e, serviceId: $s, commitSha: $c) }")
FIELDS = "id status statusUpdatedAt createdAt canRollback canRedeploy deploymentStopped meta serviceId environmentId"
DEPLOYMENT = "query($id: String!) { deployment(id: $id) { %s } }" % FIELDS
LIST = ("query($i: DeploymentListInput!, $first: Int) { deployments(input: $i, first: $first) {"
        " edges { node { %s } } } }" % FIELDS)
ROLLBACK = "mutation($id: String!) { deploymentRollback(id: $id) }"
PATCH = "mutation($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }"
FAST = {"QUEUED": 0.02, "BUILDING": 0.05, "DEPLOYING": 0.05}


def setup(sandbox, source=None, name="api", **extra):
    assert sandbox.control("POST", "railway/deployments/behaviour", {"phase_seconds": FAST}).status_code == 200
    project = create_project(sandbox, "shop")
    service = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": name,
                                                 "source": source or {"image": "nginx:1"}, **extra}})["serviceCreate"]
    return project, service


def deploy(sandbox, project, service, commit=None):
    return sandbox.gql(DEPLOY, {"e": project["environment_id"], "s": service["id"], "c": commit})["serviceInstanceDeployV2"]


def history(sandbox, service):
    return [e["node"] for e in sandbox.gql(LIST, {"i": {"serviceId": service["id"]}})["deployments"]["edges"]]


def settle(sandbox, deployment_id, seconds=2.0):
    deadline = time.time() + seconds
    seen = []
    while time.time() < deadline:
        record = sandbox.gql(DEPLOYMENT, {"id": deployment_id})["deployment"]
        if not seen or seen[-1] != record["status"]:
            seen.append(record["status"])
        if record["status"] in ("SUCCESS", "FAILED", "CRASHED", "REMOVED", "SLEEPING"):
            return record, seen
        time.sleep(0.01)
    raise AssertionError(f"deployment {deployment_id} did not settle: {seen}")


def took(record):
    """Seconds from a deployment's creation to its last status (the sandbox keeps milliseconds)."""
    def seconds(text):
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
    return round(seconds(record["statusUpdatedAt"]) - seconds(record["createdAt"]), 3)


def behaviour(sandbox, **body):
    return sandbox.control("POST", "railway/deployments/behaviour", body)


def test_a_deployment_moves_through_its_phases(sandbox):
    project, service = setup(sandbox)
    deployment_id = deploy(sandbox, project, service)
    first = sandbox.gql(DEPLOYMENT, {"id": deployment_id})["deployment"]
    assert first["status"] in ("QUEUED", "BUILDING") and first["serviceId"] == service["id"]
    record, seen = settle(sandbox, deployment_id)
    assert record["status"] == "SUCCESS" and seen[-1] == "SUCCESS"
    order = ["QUEUED", "BUILDING", "DEPLOYING", "SUCCESS"]
    assert [order.index(s) for s in seen] == sorted(order.index(s) for s in seen)
    assert record["statusUpdatedAt"] >= record["createdAt"]
    assert record["meta"]["image"] == "nginx:1" and record["meta"]["reason"] == "deploy"
    assert record["canRollback"] is False and record["deploymentStopped"] is False


def test_the_next_success_removes_the_previous_one_which_can_then_be_rolled_back_to(sandbox):
    project, service = setup(sandbox)
    first = deploy(sandbox, project, service)
    settle(sandbox, first)
    second = deploy(sandbox, project, service)
    settle(sandbox, second)
    by_id = {d["id"]: d for d in history(sandbox, service)}
    assert by_id[first]["status"] == "REMOVED" and by_id[first]["canRollback"] is True
    assert by_id[second]["status"] == "SUCCESS" and by_id[second]["canRollback"] is False
    assert sandbox.gql(ROLLBACK, {"id": first}) == {"deploymentRollback": True}
    newest = history(sandbox, service)[0]
    assert newest["id"] not in (first, second) and newest["meta"]["reason"] == "rollback"
    assert newest["meta"]["rollbackTargetDeploymentId"] == first
    record, seen = settle(sandbox, newest["id"])
    assert record["status"] == "SUCCESS" and "BUILDING" not in seen
    assert abs(took(record) - (FAST["QUEUED"] + FAST["DEPLOYING"])) <= 0.002        # no build phase
    assert sandbox.gql_error(ROLLBACK, {"id": record["id"]}) == "Deployment cannot be rolled back"   # it runs
    assert sandbox.gql(DEPLOYMENT, {"id": second})["deployment"]["canRollback"] is True                # replaced


def test_injected_failure_and_crash(sandbox):
    project, service = setup(sandbox)
    good = deploy(sandbox, project, service)
    settle(sandbox, good)
    answer = behaviour(sandbox, service=service["id"], outcome="FAILED")
    assert answer.status_code == 200 and answer.json()["outcomes"] == {service["id"]: "FAILED"}
    failed, seen = settle(sandbox, deploy(sandbox, project, service))
    assert failed["status"] == "FAILED" and "DEPLOYING" not in seen and failed["deploymentStopped"] is True
    assert abs(took(failed) - (FAST["QUEUED"] + FAST["BUILDING"])) <= 0.002         # failed when the build ended
    assert sandbox.gql(DEPLOYMENT, {"id": good})["deployment"]["status"] == "SUCCESS"      # the build broke; the old one runs

    behaviour(sandbox, service="api", project="shop", outcome="CRASHED")
    crashed, seen = settle(sandbox, deploy(sandbox, project, service))
    assert crashed["status"] == "CRASHED"
    assert abs(took(crashed) - sum(FAST.values())) <= 0.002                         # crashed after DEPLOYING
    old = sandbox.gql(DEPLOYMENT, {"id": good})["deployment"]
    assert old["status"] == "REMOVED" and old["canRollback"] is True
    health = sandbox.control("GET", "railway/deployments/behaviour").json()
    assert health["outcomes"] == {service["id"]: "CRASHED"}

    sandbox.gql(ROLLBACK, {"id": good})
    rolled, _ = settle(sandbox, history(sandbox, service)[0]["id"])
    assert rolled["status"] == "SUCCESS"         # a rollback reuses the old image: no injected failure

    behaviour(sandbox, service=service["id"], outcome=None)
    assert sandbox.control("GET", "railway/deployments/behaviour").json()["outcomes"] == {}


def test_commit_sha_redeploy_and_restart(sandbox):
    project, service = setup(sandbox, source={"repo": "railstack/app"}, branch="main")
    latest = deploy(sandbox, project, service)
    pinned = deploy(sandbox, project, service, commit="3f9a2c1")
    assert sandbox.gql(DEPLOYMENT, {"id": latest})["deployment"]["status"] in ("SKIPPED", "REMOVED")     # superseded
    record, _ = settle(sandbox, pinned)
    assert record["meta"]["commitHash"] == "3f9a2c1" and record["meta"]["repo"] == "railstack/app"
    redeploy = sandbox.gql("mutation($id: String!) { deploymentRedeploy(id: $id) { id status meta } }", {"id": pinned})
    assert redeploy["deploymentRedeploy"]["meta"]["commitHash"] == "3f9a2c1"
    assert redeploy["deploymentRedeploy"]["meta"]["reason"] == "redeploy"
    running, _ = settle(sandbox, redeploy["deploymentRedeploy"]["id"])
    behaviour(sandbox, phase_seconds={"DEPLOYING": 0.5})          # long enough to see the restart in progress
    assert sandbox.gql("mutation($id: String!) { deploymentRestart(id: $id) }", {"id": running["id"]}) == \
        {"deploymentRestart": True}
    assert sandbox.gql(DEPLOYMENT, {"id": running["id"]})["deployment"]["status"] == "DEPLOYING"
    assert settle(sandbox, running["id"])[0]["status"] == "SUCCESS"
    assert "cannot be restarted" in sandbox.gql_error("mutation($id: String!) { deploymentRestart(id: $id) }",
                                                      {"id": pinned})
    assert sandbox.gql("mutation($e: String!, $s: String!) { serviceInstanceRedeploy(environmentId: $e, serviceId: $s) }",
                       {"e": project["environment_id"], "s": service["id"]}) == {"serviceInstanceRedeploy": True}


def test_deploy_needs_an_instance_with_a_source(sandbox):
    project, _ = setup(sandbox)
    bare = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "empty"}})["serviceCreate"]
    assert "no source" in sandbox.gql_error(DEPLOY, {"e": project["environment_id"], "s": bare["id"]})
    other = create_project(sandbox, "other")
    assert "not found" in sandbox.gql_error(DEPLOY, {"e": other["environment_id"], "s": bare["id"]}).lower()
    assert "no deployment" in sandbox.gql_error(
        "mutation($e: String!, $s: String!) { serviceInstanceRedeploy(environmentId: $e, serviceId: $s) }",
        {"e": project["environment_id"], "s": bare["id"]}).lower()


def test_a_config_commit_deploys_the_services_it_touches_unless_skip_deploys(sandbox):
    project, service = setup(sandbox)
    other = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "worker",
                                               "source": {"image": "busybox"}}})["serviceCreate"]
    before = {d["id"] for d in history(sandbox, service)}
    others_before = {d["id"] for d in history(sandbox, other)}
    sandbox.gql(PATCH, {"e": project["environment_id"],
                        "p": {"services": {service["id"]: {"variables": {"A": {"value": "1"}}}}}})
    made = [d for d in history(sandbox, service) if d["id"] not in before]
    assert len(made) == 1 and made[0]["meta"]["reason"] == "config"
    assert {d["id"] for d in history(sandbox, other)} == others_before        # not touched: not deployed

    stage = "mutation($e: String!, $p: EnvironmentConfig!) { environmentStageChanges(environmentId: $e, input: $p) { id } }"
    sandbox.gql(stage, {"e": project["environment_id"], "p": {"services": {other["id"]: {"variables": {"B": {"value": "2"}}}}}})
    count = len(history(sandbox, other))
    sandbox.gql("mutation($e: String!) { environmentPatchCommitStaged(environmentId: $e, skipDeploys: true) }",
                {"e": project["environment_id"]})
    assert len(history(sandbox, other)) == count


def test_a_variable_change_does_not_deploy_the_services_that_reference_it(sandbox):
    """As at Railway: the worker that renders ${{api.FLAG}} keeps its deployment (and the old value) until deployed."""
    project, service = setup(sandbox)
    worker = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "worker",
                                                "source": {"image": "busybox"}}})["serviceCreate"]
    environment = project["environment_id"]
    sandbox.gql(PATCH, {"e": environment, "p": {"services": {
        service["id"]: {"variables": {"FLAG": {"value": "off"}}},
        worker["id"]: {"variables": {"FLAG": {"value": "${{api.FLAG}}"}}}}}})
    workers_before = {d["id"] for d in history(sandbox, worker)}
    sandbox.gql(PATCH, {"e": environment, "p": {"services": {service["id"]: {"variables": {"FLAG": {"value": "on"}}}}}})
    assert {d["id"] for d in history(sandbox, worker)} == workers_before


def test_deployments_list_filters_and_scope(sandbox):
    project, service = setup(sandbox)
    settle(sandbox, deploy(sandbox, project, service))
    behaviour(sandbox, service=service["id"], outcome="FAILED")
    settle(sandbox, deploy(sandbox, project, service))
    only_failed = sandbox.gql(LIST, {"i": {"projectId": project["id"], "status": {"in": ["FAILED"]}}})
    assert [e["node"]["status"] for e in only_failed["deployments"]["edges"]] == ["FAILED"]
    not_failed = sandbox.gql(LIST, {"i": {"environmentId": project["environment_id"], "status": {"notIn": ["FAILED"]}},
                                    "first": 1})
    assert [e["node"]["status"] for e in not_failed["deployments"]["edges"]] == ["SUCCESS"]
    assert sandbox.gql_error(DEPLOYMENT, {"id": "00000000-0000-4000-8000-000000000000"}) == "Deployment not found"


def test_service_instances_show_the_latest_deployment(sandbox):
    project, service = setup(sandbox)
    deployment_id = deploy(sandbox, project, service)
    settle(sandbox, deployment_id)
    instances = sandbox.gql("query($id: String!) { environment(id: $id) { serviceInstances { edges { node {"
                            " id serviceId serviceName environmentId latestDeployment { id status } } } } } }",
                            {"id": project["environment_id"]})["environment"]["serviceInstances"]["edges"]
    [node] = [e["node"] for e in instances]
    assert node["serviceName"] == "api" and node["latestDeployment"] == {"id": deployment_id, "status": "SUCCESS"}


LATEST_OF_ALL = ("query($id: String!) { environment(id: $id) { serviceInstances(first: 100) { edges { node {"
                 " serviceId latestDeployment { %s staticUrl url } } } } } }" % FIELDS)


def test_one_query_reads_the_latest_deployment_of_every_service(sandbox):
    """railway_deployments polls all its services with this one query: each instance's newest deployment,
    moving on as phases pass and as a newer deployment supersedes the one followed."""
    project, api = setup(sandbox)
    worker = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "worker",
                                                "source": {"image": "nginx:1"}}})["serviceCreate"]
    idle = sandbox.gql(SERVICE_CREATE, {"i": {"projectId": project["id"], "name": "idle"}})["serviceCreate"]
    behaviour(sandbox, service=worker["id"], outcome="CRASHED")
    first_api, first_worker = deploy(sandbox, project, api), deploy(sandbox, project, worker)
    settle(sandbox, first_api)
    settle(sandbox, first_worker)

    def latest():
        edges = sandbox.gql(LATEST_OF_ALL, {"id": project["environment_id"]})["environment"]["serviceInstances"]["edges"]
        return {e["node"]["serviceId"]: e["node"]["latestDeployment"] for e in edges}

    seen = latest()
    assert seen[api["id"]]["id"] == first_api and seen[api["id"]]["status"] == "SUCCESS"
    assert seen[worker["id"]]["id"] == first_worker and seen[worker["id"]]["status"] == "CRASHED"
    assert seen[idle["id"]] is None and seen[api["id"]]["serviceId"] == api["id"]
    newer = deploy(sandbox, project, api)
    assert latest()[api["id"]]["id"] == newer
    settle(sandbox, newer)
    assert latest()[api["id"]]["status"] == "SUCCESS"
    assert sandbox.gql(DEPLOYMENT, {"id": first_api})["deployment"]["status"] == "REMOVED"


def test_health_endpoint_answers_for_the_running_deployment(sandbox):
    project, service = setup(sandbox)
    domain = sandbox.gql("mutation($i: ServiceDomainCreateInput!) { serviceDomainCreate(input: $i) { domain } }",
                         {"i": {"serviceId": service["id"], "environmentId": project["environment_id"]}})
    host = domain["serviceDomainCreate"]["domain"]
    assert sandbox.control("GET", f"railway/health/{host}").status_code == 503
    deployment_id = deploy(sandbox, project, service)
    settle(sandbox, deployment_id)
    answer = sandbox.control("GET", f"railway/health/{host}/healthz")
    assert answer.status_code == 200 and answer.json()["deploymentId"] == deployment_id
    assert sandbox.control("GET", "railway/health/nowhere.example.com").status_code == 404


def test_behaviour_control_refuses_bad_input(sandbox):
    setup(sandbox)
    assert behaviour(sandbox, service="api", outcome="EXPLODED").status_code == 400
    assert behaviour(sandbox, service="nope", outcome="FAILED").status_code == 404
    assert behaviour(sandbox, colour="red").status_code == 400
    assert behaviour(sandbox, phase_seconds={"BUILDING": -1}).status_code == 400
    assert sandbox.control("POST", "railway/nothing").status_code == 404


# ------------------------------------------------------------------ commits, supersession, approval, redeploy, rollback
DEPLOY_LATEST = ("mutation($e: String!, $s: String!, $l: Boolean, $c: String) { serviceInstanceDeploy("
                 "environmentId: $e, serviceId: $s, latestCommit: $l, commitSha: $c) }")
APPROVE = "mutation($id: String!) { deploymentApprove(id: $id) }"
REDEPLOY = "mutation($id: String!) { deploymentRedeploy(id: $id) { id meta } }"


def push(sandbox, repo="railstack/app", branch="main", **body):
    answer = sandbox.control("POST", "railway/repo-push", {"repo": repo, "branch": branch, **body})
    assert answer.status_code == 200, answer.text
    return answer.json()["commit"]


def test_deploy_v2_keeps_the_commit_the_service_has_and_latest_commit_takes_the_branch_head(sandbox):
    project, service = setup(sandbox, source={"repo": "railstack/app"}, branch="main")
    first, _ = settle(sandbox, history(sandbox, service)[0]["id"])          # serviceCreate with a source deploys
    head = push(sandbox)
    assert head != first["meta"]["commitHash"]
    again, _ = settle(sandbox, deploy(sandbox, project, service))
    assert again["meta"]["commitHash"] == first["meta"]["commitHash"]      # not the new head
    variables = {"e": project["environment_id"], "s": service["id"]}
    assert sandbox.gql(DEPLOY_LATEST, dict(variables, l=True)) == {"serviceInstanceDeploy": True}
    latest, _ = settle(sandbox, history(sandbox, service)[0]["id"])
    assert latest["meta"]["commitHash"] == head and latest["meta"]["reason"] == "deploy"
    settle(sandbox, deploy(sandbox, project, service))
    assert history(sandbox, service)[0]["meta"]["commitHash"] == head     # now the commit it has
    assert push(sandbox, commit="abcdef1") == "abcdef1"
    assert "both" in sandbox.gql_error(DEPLOY_LATEST, dict(variables, l=True, c="abcdef1"))
    assert sandbox.control("POST", "railway/repo-push", {"repo": "nope"}).status_code == 400
    assert sandbox.control("POST", "railway/repo-push", {"repo": "a/b", "commit": "XYZ"}).status_code == 400


def test_a_newer_deployment_skips_a_queued_one_and_removes_a_building_one(sandbox):
    project, service = setup(sandbox)
    behaviour(sandbox, phase_seconds={"QUEUED": 0.3, "BUILDING": 5})
    queued = deploy(sandbox, project, service)
    second = deploy(sandbox, project, service)
    assert sandbox.gql(DEPLOYMENT, {"id": queued})["deployment"]["status"] == "SKIPPED"
    time.sleep(0.35)
    assert sandbox.gql(DEPLOYMENT, {"id": second})["deployment"]["status"] == "BUILDING"
    deploy(sandbox, project, service)
    removed = sandbox.gql(DEPLOYMENT, {"id": second})["deployment"]
    assert removed["status"] == "REMOVED" and removed["deploymentStopped"] is True


def test_needs_approval_waits_until_approved(sandbox):
    project, service = setup(sandbox)
    assert behaviour(sandbox, service="api", needs_approval=True).json()["needs_approval"] == [service["id"]]
    waiting = deploy(sandbox, project, service)
    time.sleep(0.3)
    record = sandbox.gql(DEPLOYMENT, {"id": waiting})["deployment"]
    assert record["status"] == "NEEDS_APPROVAL" and record["canRedeploy"] is False
    assert "cannot be redeployed" in sandbox.gql_error(REDEPLOY, {"id": waiting})
    assert sandbox.gql(APPROVE, {"id": waiting}) == {"deploymentApprove": True}
    assert settle(sandbox, waiting)[0]["status"] == "SUCCESS"
    assert "not waiting for approval" in sandbox.gql_error(APPROVE, {"id": waiting})
    superseded = deploy(sandbox, project, service)
    deploy(sandbox, project, service)
    assert sandbox.gql(DEPLOYMENT, {"id": superseded})["deployment"]["status"] == "SKIPPED"
    behaviour(sandbox, service="api", needs_approval=False)
    assert settle(sandbox, deploy(sandbox, project, service))[0]["status"] == "SUCCESS"


def test_redeploy_needs_can_redeploy(sandbox):
    project, service = setup(sandbox)
    done, _ = settle(sandbox, deploy(sandbox, project, service))
    assert done["canRedeploy"] is True
    assert behaviour(sandbox, service="api", can_redeploy=False).json()["no_redeploy"] == [service["id"]]
    assert sandbox.gql(DEPLOYMENT, {"id": done["id"]})["deployment"]["canRedeploy"] is False
    assert sandbox.gql_error(REDEPLOY, {"id": done["id"]}) == "Deployment cannot be redeployed"
    behaviour(sandbox, service="api", can_redeploy=True)
    assert sandbox.gql(REDEPLOY, {"id": done["id"]})["deploymentRedeploy"]["meta"]["reason"] == "redeploy"
    assert behaviour(sandbox, service="api", can_redeploy="no").status_code == 400


def _rolled_back(sandbox, rewrite):
    sandbox.control("POST", "railway/realism", {"rollback_rewrites_config": rewrite})
    project, service = setup(sandbox)
    env = project["environment_id"]
    sandbox.gql(PATCH, {"e": env, "p": {"services": {service["id"]: {"variables": {"MODE": {"value": "old"}}}}}})
    old, _ = settle(sandbox, history(sandbox, service)[0]["id"])
    sandbox.gql(PATCH, {"e": env, "p": {"services": {service["id"]: {"variables": {"MODE": {"value": "new"}}}}}})
    settle(sandbox, history(sandbox, service)[0]["id"])
    sandbox.gql(ROLLBACK, {"id": old["id"]})
    rollback, _ = settle(sandbox, history(sandbox, service)[0]["id"])
    runs = sandbox.control("POST", "railway/deployment-variables", {"deploymentId": rollback["id"]}).json()
    config = sandbox.gql("query($p: String!, $e: String!, $s: String) { variables(projectId: $p, environmentId: $e,"
                         " serviceId: $s) }", {"p": project["id"], "e": env, "s": service["id"]})["variables"]
    return rollback, {k: v["value"] for k, v in runs["variables"].items()}, {"MODE": config["MODE"]}


def test_a_rollback_runs_with_the_targets_variables_and_leaves_the_config(sandbox):
    rollback, runs, config = _rolled_back(sandbox, False)
    assert rollback["meta"]["reason"] == "rollback"
    assert runs == {"MODE": "old"} and config == {"MODE": "new"}        # what runs and the config disagree


def test_a_rollback_can_rewrite_the_config_when_set(sandbox):
    _, runs, config = _rolled_back(sandbox, True)
    assert runs == config == {"MODE": "old"}
