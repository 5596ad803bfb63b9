# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_services (one code path with railway_service): exactly which requests are sent."""
from __future__ import annotations

import copy

from .railway_script import committed, reread_then_commit, staged_commit
from ansible_collections.railstack.platform.plugins.module_utils import railway_services
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError

from .railway_services_shared import API, EID, PAGE, PG, PID, base, item, run, state_answer


NEWID = "99999999-9999-4999-8999-999999999999"

PG_CONFIG = dict(variables=dict(DATABASE_URL=dict(value="postgresql://..."), PGHOST=dict(value="${{RAILWAY_PRIVATE_DOMAIN}}")))


def test_creates_a_missing_service_then_writes_everything_in_one_patch(railway_script):
    script = railway_script(
        ("environmentState", state_answer(dict(services={PG: PG_CONFIG}), services=(("Postgres", PG),))),
        ("serviceCreate", lambda v: dict(serviceCreate=dict(id=NEWID, name=v["input"]["name"]))),
        *reread_then_commit("patch-1", state_answer(dict(services={PG: PG_CONFIG}))["environment"]),
    )
    params = base(services=[item("web", source=dict(image="nginx:1.27"), deploy=dict(num_replicas=2, healthcheck_path="/health"),
                                 tcp_proxy_port=8080, variables={"DB": "${{Postgres.DATABASE_URL}}", "PORT": 8080, "DEBUG": False})])
    result = run(railway_services, params)
    script.done()
    assert result["changed"] is True, result
    assert script.sent[1][2] == dict(input=dict(projectId=PID, name="web", environmentId=EID))     # no source: nothing deploys yet
    patch = script.sent[3][2]["patch"]
    assert patch == dict(services={NEWID: dict(
        isCreated=True, source=dict(image="nginx:1.27"), deploy=dict(numReplicas=2, healthcheckPath="/health"),
        networking=dict(tcpProxies={"8080": {}}),
        variables=dict(DB=dict(value="${{Postgres.DATABASE_URL}}"), PORT=dict(value="8080"), DEBUG=dict(value="false")))})
    web = result["services"][0]
    assert web["id"] == NEWID and web["created"] and web["tcp_proxy_ports"] == [8080] and web["variables"] == ["DB", "DEBUG", "PORT"]
    assert result["api_requests"] == 5       # read, create, read again (the create changed it), commit, one poll


def test_second_run_is_one_read(railway_script):
    config = dict(services={API: dict(source=dict(image="nginx:1.27"), deploy=dict(numReplicas=2),
                                      variables=dict(PORT=dict(value="8080"), KEY=dict(value="kept-secret-value")))})
    script = railway_script(("environmentState", state_answer(config)))
    params = base(services=[item("api", source=dict(image="nginx:1.27"), deploy=dict(num_replicas=2),
                                 variables={"PORT": "8080", "KEY": {"generate": {"length": 32}}})])
    result = run(railway_services, params)
    script.done()
    assert result["changed"] is False and script.mutations == [] and result["api_requests"] == 1


def test_check_mode_plans_creates_and_writes_nothing(railway_script):
    script = railway_script(("environmentState", state_answer(dict(services={}))))
    result = run(railway_services, base(services=[item("web", deploy=dict(num_replicas=2))]), check_mode=True)
    script.done()
    assert result["changed"] is True and script.mutations == []
    assert result["services"][0]["id"] is None and result["services"][0]["deploy"] == dict(num_replicas=2)


def test_a_reference_typo_fails_before_any_write_naming_candidates(railway_script):
    script = railway_script(("environmentState", state_answer(dict(services={API: {}, PG: PG_CONFIG}))))
    result = run(railway_services, base(services=[item("api", variables={"DB": "${{Postgress.DATABASE_URL}}"})]))
    script.done()
    assert result["failed"] is True and script.mutations == []
    assert result["msg"].startswith("services[0].variables.DB:")
    assert "Postgres" in result["msg"] and "did you mean" in result["msg"]


def test_references_may_name_services_and_variables_of_the_same_run(railway_script):
    script = railway_script(("environmentState", state_answer(dict(services={}), services=())),
                            ("serviceCreate", dict(serviceCreate=dict(id=NEWID, name="api"))),
                            ("serviceCreate", dict(serviceCreate=dict(id=PG, name="worker"))),
                            *reread_then_commit("p", state_answer(dict(services={}))["environment"]))
    result = run(railway_services, base(services=[
        item("api", variables={"PORT": "8080", "SELF": "${{RAILWAY_PRIVATE_DOMAIN}}:${{PORT}}"}),
        item("worker", variables={"API": "http://${{api.RAILWAY_PRIVATE_DOMAIN}}:${{api.PORT}}"})]))
    script.done()
    assert result["changed"] is True, result


def test_lost_create_is_found_again_not_repeated(railway_script):
    lost = ApiError("lost", provider="Railway", lost_response=True)
    script = railway_script(
        ("environmentState", state_answer(dict(services={}), services=())),
        ("serviceCreate", lost),
        ("projectServices", dict(project=dict(services=dict(edges=[dict(node=dict(id=NEWID, name="web"))], pageInfo=PAGE)))),
        *reread_then_commit("p", state_answer(dict(services={}))["environment"]),
    )
    result = run(railway_services, base(services=[item("web", deploy=dict(num_replicas=2))]))
    script.done()
    assert script.mutations == ["serviceCreate", "environmentPatchCommit"]
    assert result["services"][0]["id"] == NEWID


def test_absent_deletes_after_the_patch(railway_script):
    script = railway_script(("environmentState", state_answer(dict(services={API: dict(deploy=dict(numReplicas=1)), PG: {}}))),
                            *committed("p", "e1"),
                            ("serviceDelete", dict(serviceDelete=True)))
    result = run(railway_services, base(services=[item("api", deploy=dict(num_replicas=2)),
                                                  item("Postgres", state="absent", scope="project")]))
    script.done()
    assert script.sent[4][2] == dict(id=PG)                 # no environmentId: every environment
    assert result["services"][1] == dict(id=PG, name="Postgres", state="absent", scope="project", changed=True)


def test_absent_in_the_environment_is_an_instance_delete_in_the_same_patch(railway_script):
    script = railway_script(("environmentState", state_answer(dict(services={API: dict(deploy=dict(numReplicas=1)), PG: {}}))),
                            *committed("p", "e1"))
    result = run(railway_services, base(services=[item("api", deploy=dict(num_replicas=2)), item("Postgres", state="absent")]))
    script.done()
    assert script.mutations == ["environmentPatchCommit"]        # no serviceDelete: it could reach other environments
    assert script.sent[2][2]["patch"]["services"] == {API: dict(deploy=dict(numReplicas=2)), PG: dict(isDeleted=True)}
    assert result["services"][1] == dict(id=PG, name="Postgres", state="absent", scope="environment", changed=True)

    script = railway_script(("environmentState", state_answer(dict(services={API: dict(deploy=dict(numReplicas=2))}))))
    again = run(railway_services, base(services=[item("api", deploy=dict(num_replicas=2)), item("Postgres", state="absent")]))
    script.done()
    assert again["changed"] is False and script.mutations == []     # the service is still in the project, not here


def test_a_running_rollback_is_deployed_again_with_the_config(railway_script):
    answer = state_answer(dict(services={API: dict(deploy=dict(numReplicas=2))}))
    answer["environment"]["serviceInstances"] = dict(edges=[dict(node=dict(serviceId=API, latestDeployment=dict(
        id="d-9", status="SUCCESS", meta=dict(reason="rollback", rollbackTargetDeploymentId="d-1"))))])
    script = railway_script(("environmentState", answer),
                            ("serviceInstanceDeployV2", dict(serviceInstanceDeployV2="d-10")))
    result = run(railway_services, base(services=[item("api", deploy=dict(num_replicas=2))]))
    script.done()
    assert script.sent[1][2] == dict(environmentId=EID, serviceId=API)       # no commitSha: the commit it runs
    assert result["changed"] is True and result["services"][0]["redeployed_after_rollback"] == "d-10"
    assert any("rollback deployment d-9 with the variables of deployment d-1" in w for w in result["warnings"])

    script = railway_script(("environmentState", answer))
    checked = run(railway_services, base(services=[item("api", deploy=dict(num_replicas=2))]), check_mode=True)
    assert checked["changed"] is True and script.mutations == []
    script = railway_script(("environmentState", answer))
    skipped = run(railway_services, base(services=[item("api", deploy=dict(num_replicas=2))], skip_deploys=True))
    assert skipped["changed"] is False and script.mutations == [] and "skip_deploys" in skipped["warnings"][0]
    answer["environment"]["serviceInstances"]["edges"][0]["node"]["latestDeployment"]["meta"]["reason"] = "deploy"
    script = railway_script(("environmentState", answer))
    assert run(railway_services, base(services=[item("api", deploy=dict(num_replicas=2))]))["changed"] is False


def test_bad_input_fails_before_any_request_naming_the_field(railway_script):
    bad = [
        (dict(deploy=dict(num_replicas=0)), "services[0].deploy.num_replicas:"),
        (dict(deploy=dict(healthcheck_path="health")), "services[0].deploy.healthcheck_path:"),
        (dict(deploy=dict(cron_schedule="every day")), "services[0].deploy.cron_schedule:"),
        (dict(deploy=dict(multi_region_config={"us-west2": "two"})), "services[0].deploy.multi_region_config:"),
        (dict(deploy=dict(limit_override=dict(cpu=0, memory_gb=None))), "services[0].deploy.limit_override.cpu:"),
        (dict(source=dict(repo="not a repo")), "services[0].source.repo:"),
        (dict(source=dict(image="nginx", branch="main")), "services[0].source.branch:"),
        (dict(private_network_endpoint="Not_A_Label"), "services[0].private_network_endpoint:"),
        (dict(tcp_proxy_port=70000), "services[0].tcp_proxy_port:"),
        (dict(variables={"1BAD": "x"}), "services[0].variables:"),
        (dict(variables={"A": None}), "services[0].variables.A:"),
        (dict(variables={"A": {"generate": {"length": 4}}}), "services[0].variables.A.generate.length:"),
    ]
    for overrides, prefix in bad:
        script = railway_script()
        result = run(railway_services, base(services=[item("api", **copy.deepcopy(overrides))]))
        assert result["failed"] is True, overrides
        assert result["msg"].startswith(prefix), (prefix, result["msg"])
        assert script.sent == []
    script = railway_script()
    result = run(railway_services, base(services=[item("api"), item("api")]))
    assert result["msg"].startswith("services[1].name:") and script.sent == []


def test_each_service_says_its_latest_deployment_from_the_same_read(railway_script):
    answer = state_answer(dict(services={API: dict(deploy=dict(numReplicas=2))}))
    answer["environment"]["serviceInstances"] = dict(edges=[dict(node=dict(serviceId=API, latestDeployment=dict(
        id="d-4", status="CRASHED", meta=dict(reason="deploy"))))])
    script = railway_script(("environmentState", answer))
    result = run(railway_services, base(services=[item("api", deploy=dict(num_replicas=2))]))
    script.done()
    assert len(script.sent) == 1 and result["changed"] is False
    assert result["services"][0]["latest_deployment"] == dict(id="d-4", status="CRASHED")

    script = railway_script(("environmentState", state_answer(dict(services={API: dict(deploy=dict(numReplicas=2))}))))
    result = run(railway_services, base(services=[item("api", deploy=dict(num_replicas=2))]))
    assert result["services"][0]["latest_deployment"] is None


WORKER = "66666666-6666-4666-8666-666666666666"


def referencing_answer(flag="off"):
    answer = state_answer(dict(services={
        API: dict(variables=dict(FLAG=dict(value=flag))),
        WORKER: dict(variables=dict(FLAG=dict(value="${{api.FLAG}}"), LOG_LEVEL=dict(value="info")))}),
        services=(("api", API), ("worker", WORKER)))
    answer["environment"]["serviceInstances"] = dict(edges=[
        dict(node=dict(serviceId=sid, latestDeployment=dict(id="d-" + sid[:2], status="SUCCESS", meta=dict(reason="deploy"))))
        for sid in (API, WORKER)])
    return answer


def referencing_items(flag):
    return [item("api", variables={"FLAG": flag}), item("worker", variables={"FLAG": "${{api.FLAG}}", "LOG_LEVEL": "info"})]


def test_a_service_that_references_a_changed_variable_is_deployed_again_once(railway_script):
    script = railway_script(("environmentState", referencing_answer("off")), *committed("patch-1", "e1"),
                            ("serviceInstanceDeployV2", dict(serviceInstanceDeployV2="d-new")))
    result = run(railway_services, base(services=referencing_items("on")))
    script.done()
    assert patch_of_services(script) == {API: dict(variables=dict(FLAG=dict(value="on")))}
    deploys = [v for dummy, name, v in script.sent if name == "serviceInstanceDeployV2"]
    assert deploys == [dict(environmentId=EID, serviceId=WORKER)]            # api is deployed by the commit itself
    worker = result["services"][1]
    assert worker["changed"] is True and worker["redeployed_for_references"] == ["api.FLAG"]
    hunk = next(h for h in result["diff"] if h["after_header"] == "environment production, service worker")
    assert hunk["after"]["redeployed"] == "because api.FLAG changed"
    api_hunk = next(h for h in result["diff"] if h["after_header"] == "environment production, service api")
    assert api_hunk["before"]["variables"]["FLAG"]["value"] == "off" and api_hunk["after"]["variables"]["FLAG"]["value"] == "on"


def test_no_change_deploys_nothing_and_check_mode_sends_no_deploy(railway_script):
    script = railway_script(("environmentState", referencing_answer("on")))
    result = run(railway_services, base(services=referencing_items("on")))
    assert result["changed"] is False and script.mutations == [] and result["diff"] == []
    script = railway_script(("environmentState", referencing_answer("off")))
    checked = run(railway_services, base(services=referencing_items("on")), check_mode=True)
    assert script.mutations == [] and checked["services"][1]["redeployed_for_references"] == ["api.FLAG"]


def test_a_changed_shared_variable_deploys_the_services_that_reference_it(railway_script):
    answer = referencing_answer("on")
    answer["environment"]["config"]["services"][API]["variables"]["HOST"] = dict(value="${{shared.APP_HOST}}")
    answer["environment"]["config"]["sharedVariables"] = dict(APP_HOST=dict(value="app.example.com"))
    script = railway_script(("environmentState", answer), ("serviceInstanceDeployV2", dict(serviceInstanceDeployV2="d-a")),
                            ("serviceInstanceDeployV2", dict(serviceInstanceDeployV2="d-w")))
    items = referencing_items("on")
    items[0]["variables"]["HOST"] = "${{shared.APP_HOST}}"
    items[1]["variables"]["FLAG"] = "${{api.HOST}}"
    answer["environment"]["config"]["services"][WORKER]["variables"]["FLAG"] = dict(value="${{api.HOST}}")
    result = run(railway_services, base(services=items, changed_shared_variables=["APP_HOST"]))
    script.done()
    assert [v["serviceId"] for dummy, name, v in script.sent if name == "serviceInstanceDeployV2"] == [API, WORKER]
    assert result["services"][0]["redeployed_for_references"] == ["shared.APP_HOST"]
    assert result["services"][1]["redeployed_for_references"] == ["api.HOST"]        # a reference of a reference


def test_skip_deploys_warns_instead_of_deploying(railway_script):
    script = railway_script(("environmentState", referencing_answer("off")), *staged_commit("patch-1", "e1"))
    result = run(railway_services, base(services=referencing_items("on"), skip_deploys=True))
    assert not [n for dummy, n, v in script.sent if n == "serviceInstanceDeployV2"]
    assert any("worker: references api.FLAG" in w for w in result["warnings"])


def patch_of_services(script):
    return [v for dummy, name, v in script.sent if name == "environmentPatchCommit"][-1]["patch"]["services"]


def test_a_plan_record_is_taken_whole_its_steps_left_to_the_other_modules(railway_script):
    config = dict(services={API: dict(source=dict(image="nginx:1.27"), deploy=dict(numReplicas=2))})
    script = railway_script(("environmentState", state_answer(config)))
    record = item("api", source=dict(image="nginx:1.27"), deploy=dict(num_replicas=2), role="web",
                  volume=dict(mount_path="/data"), service_domain=True, target_port=8000,
                  domains=[dict(domain="api.example.com", wait=True)], health_check=dict(path="/health"),
                  wait=True, wait_timeout=900, rollback_on_failure=True, public_address="api.example.com")
    result = run(railway_services, base(services=[record]))
    script.done()
    assert set(railway_services.STEP_OPTIONS) <= set(record)
    assert result["changed"] is False and script.mutations == [] and result["api_requests"] == 1


# ------------------------------------------------------------------ staged_by_run: the databases' staged change, one commit

STAGED_PG = dict(services={PG: dict(isCreated=True, source=dict(image="ghcr.io/railwayapp-templates/postgres-ssl:17"),
                                    variables=dict(DATABASE_URL=dict(value="*******"), PGHOST=dict(value="*******")))})


def staged_read(patch, patch_id="staged-1"):
    return ("environmentStagedChanges", dict(environmentStagedChanges=dict(id=patch_id, patch=patch)))


def by_run(patch, patch_id="staged-1"):
    from ansible_collections.railstack.platform.plugins.module_utils.railway_config import staged_touches
    return dict(environment_id=EID, patch_id=patch_id, touches=staged_touches(patch))


def referencing_api():
    return item("api", source=dict(image="nginx:1.27"), variables={"DB": "${{Postgres.DATABASE_URL}}"})


def test_the_run_s_staged_databases_are_committed_with_the_services_in_one_commit(railway_script):
    script = railway_script(
        ("environmentState", state_answer(dict(services={PG: {}}), unmerged=1)),
        staged_read(STAGED_PG),
        *staged_commit("staged-1", "e1", unmerged=1),
    )
    result = run(railway_services, base(services=[referencing_api()], staged_by_run=by_run(STAGED_PG),
                                        staged_changes="refuse"))
    script.done()
    assert script.mutations == ["environmentStageChanges", "environmentPatchCommitStaged"]
    assert set(script.sent[3][2]["input"]["services"]) == {API}      # ours only: the databases' are staged already
    assert result["changed"] is True and result["staged"] is True and result["patch_id"] == "staged-1"
    assert not result.get("warnings")


def test_a_reference_to_a_database_only_staged_by_the_run_is_checked_against_it(railway_script):
    script = railway_script(("environmentState", state_answer(dict(services={PG: {}}), unmerged=1)), staged_read(STAGED_PG))
    bad = item("api", source=dict(image="nginx:1.27"), variables={"DB": "${{Postgres.DATABASE_URLL}}"})
    result = run(railway_services, base(services=[bad], staged_by_run=by_run(STAGED_PG), staged_changes="refuse"))
    script.done()
    assert result["failed"] and "Postgres.DATABASE_URLL" in result["msg"] and script.mutations == []


def test_without_staged_by_run_the_reference_to_a_staged_database_variable_fails(railway_script):
    script = railway_script(("environmentState", state_answer(dict(services={PG: {}}), unmerged=1)))
    result = run(railway_services, base(services=[referencing_api()], staged_changes="refuse"))
    script.done()
    assert result["failed"] and "DATABASE_URL" in result["msg"] and script.mutations == []


def test_the_run_s_staged_databases_are_committed_when_the_services_need_no_change(railway_script):
    config = dict(services={PG: {}, API: dict(source=dict(image="nginx:1.27"),
                                              variables=dict(DB=dict(value="${{Postgres.DATABASE_URL}}")))})
    script = railway_script(
        ("environmentState", state_answer(config, unmerged=1)), staged_read(STAGED_PG),
        ("environmentGuard", dict(environment=dict(configEtag="e1", unmergedChangesCount=1), environmentPatches=dict(edges=[]))),
        ("environmentPatchCommitStaged", dict(environmentPatchCommitStaged="staged-1")),
        ("environmentPatch", dict(environmentPatch=dict(id="staged-1", status="COMMITTED", lastAppliedError=None, appliedAt="t"))),
    )
    result = run(railway_services, base(services=[referencing_api()], staged_by_run=by_run(STAGED_PG),
                                        staged_changes="refuse"))
    script.done()
    assert script.mutations == ["environmentPatchCommitStaged"] and result["changed"] is True


def test_staged_changes_other_than_the_run_s_are_refused_before_any_write(railway_script):
    more = dict(STAGED_PG, sharedVariables=dict(FLAG=dict(value="*******")))
    script = railway_script(("environmentState", state_answer(dict(services={PG: STAGED_PG["services"][PG]}), unmerged=2)),
                            staged_read(more), staged_read(more))
    result = run(railway_services, base(services=[referencing_api()], staged_by_run=by_run(STAGED_PG),
                                        staged_changes="refuse"))
    script.done()
    assert result["failed"] and "staged_changes" in result["msg"] and "shared variables FLAG" in result["msg"], result
    assert script.mutations == []


# ------------------------------------------------------------------ planned_services: databases still to come (check mode)

def test_check_mode_plans_against_the_variables_of_databases_still_to_come(railway_script):
    planned = {"Postgres": ["DATABASE_URL", "PGHOST", "POSTGRES_PASSWORD"]}
    for variables, fails in (({"DB": "${{Postgres.DATABASE_URL}}"}, False), ({"DB": "${{Postgres.DATABASE_URI}}"}, True)):
        script = railway_script(("environmentState", state_answer(dict(services={}), services=())))
        api = item("api", source=dict(image="nginx:1.27"), variables=variables)
        result = run(railway_services, base(services=[api], planned_services=planned, staged_changes="refuse"),
                     check_mode=True)
        script.done()
        assert script.mutations == []
        assert bool(result.get("failed")) is fails, result
        if fails:
            assert "Postgres.DATABASE_URI" in result["msg"] and "DATABASE_URL" in result["msg"]
        else:
            assert result["changed"] is True and result["services"][0]["variables"] == ["DB"]


def test_a_planned_service_that_exists_is_read_from_the_environment(railway_script):
    script = railway_script(("environmentState", state_answer(dict(services={PG: PG_CONFIG}))))
    api = item("api", source=dict(image="nginx:1.27"), variables={"DB": "${{Postgres.ONLY_PLANNED}}"})
    result = run(railway_services, base(services=[api], planned_services={"Postgres": ["ONLY_PLANNED"]},
                                        staged_changes="refuse"), check_mode=True)
    script.done()
    assert result["failed"] and "Postgres.ONLY_PLANNED" in result["msg"]


def test_the_run_s_staged_patch_rendered_otherwise_by_railway_is_still_the_run_s(railway_script):
    # the stage's answer and the later read may render the patch differently (defaults, masks): the ids it touches count
    rendered = dict(services={PG: dict(STAGED_PG["services"][PG], deploy=dict(restartPolicyType="ON_FAILURE"))})
    script = railway_script(
        ("environmentState", state_answer(dict(services={PG: {}}), unmerged=1)),
        staged_read(rendered),
        *staged_commit("staged-1", "e1", unmerged=1),
    )
    result = run(railway_services, base(services=[referencing_api()], staged_by_run=by_run(STAGED_PG),
                                        staged_changes="refuse"))
    script.done()
    assert script.mutations == ["environmentStageChanges", "environmentPatchCommitStaged"]
    assert result["changed"] is True and not result.get("warnings")


def test_the_same_staged_patch_touching_another_service_is_someone_else_s(railway_script):
    other = "svc-someone-else"
    more = dict(services=dict(STAGED_PG["services"], **{other: dict(variables=dict(FLAG=dict(value="*******")))}))
    script = railway_script(("environmentState", state_answer(dict(services={PG: STAGED_PG["services"][PG]}), unmerged=2)),
                            staged_read(more), staged_read(more))
    result = run(railway_services, base(services=[referencing_api()], staged_by_run=by_run(STAGED_PG),
                                        staged_changes="refuse"))
    script.done()
    assert result["failed"] and "staged_changes" in result["msg"] and script.mutations == []
