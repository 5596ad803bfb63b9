# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The environment-config engine: minimal patches, null deletes, isCreated, the staged path, masking."""
from __future__ import annotations

import pytest

from .railway_script import applied, committed, staged_commit, unchanged
from ansible_collections.railstack.platform.plugins.module_utils import railway_config as engine
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import DELETE, Plan, minimal_patch

TOKEN = "rw-account-token-0123456789"
PID = "22222222-2222-4222-8222-222222222222"
EID = "33333333-3333-4333-8333-333333333333"
API = "44444444-4444-4444-8444-444444444444"
WORKER = "55555555-5555-4555-8555-555555555555"
VOL = "66666666-6666-4666-8666-666666666666"


def client():
    return RailwayClient(dict(api_token=TOKEN, api_url="http://railway.invalid/graphql/v2", timeout=5))


def project(services=(("api", API), ("worker", WORKER)), volumes=()):
    page = dict(hasNextPage=False, endCursor=None)
    return dict(id=PID, name="prela",
                environments=dict(edges=[dict(node=dict(id=EID, name="production", isEphemeral=False))]),
                services=dict(edges=[dict(node=dict(id=i, name=n)) for n, i in services], pageInfo=page),
                volumes=dict(edges=[dict(node=dict(id=i, name=n)) for n, i in volumes], pageInfo=page))


def environment(config, unmerged=0):
    return dict(id=EID, name="production", projectId=PID, config=config, configEtag="etag-1", unmergedChangesCount=unmerged)


def state(config, unmerged=0):
    return engine.EnvironmentState(project(), environment(config, unmerged))


# ---------------------------------------------------------------------------------------- minimal_patch

def test_only_the_keys_that_differ_are_sent():
    current = dict(deploy=dict(startCommand="npm start", numReplicas=1, healthcheckPath="/health"), build=dict(builder="NIXPACKS"))
    desired = dict(deploy=dict(startCommand="npm start", numReplicas=2), build=dict(builder="NIXPACKS"))
    assert minimal_patch(current, desired) == dict(deploy=dict(numReplicas=2))


def test_nothing_to_send_when_everything_matches():
    current = dict(deploy=dict(numReplicas=2, sleepApplication=False), source=dict(image="nginx"))
    assert minimal_patch(current, dict(deploy=dict(numReplicas=2, sleepApplication=False))) == {}


def test_delete_becomes_null_only_when_the_key_exists():
    current = dict(deploy=dict(cronSchedule="0 3 * * *"), variables=dict(OLD=dict(value="x")))
    desired = dict(deploy=dict(cronSchedule=DELETE, startCommand=DELETE), variables=dict(OLD=DELETE, NEVER=DELETE))
    patch = minimal_patch(current, desired)
    assert patch == dict(deploy=dict(cronSchedule=None), variables=dict(OLD=None))
    assert engine.wire_patch(dict(a=DELETE, b=dict(c=DELETE))) == dict(a=None, b=dict(c=None))


def test_an_empty_dict_that_is_missing_is_sent():
    """tcpProxies."5432": {} creates a TCP proxy: an empty dict must reach Railway."""
    assert minimal_patch({}, dict(networking=dict(tcpProxies={"5432": {}}))) == dict(networking=dict(tcpProxies={"5432": {}}))
    have = dict(networking=dict(tcpProxies={"5432": {}}))
    assert minimal_patch(have, dict(networking=dict(tcpProxies={"5432": {}}))) == {}


def test_lists_and_booleans_compare_exactly():
    assert minimal_patch(dict(build=dict(watchPatterns=["a", "b"])), dict(build=dict(watchPatterns=["b", "a"]))) \
        == dict(build=dict(watchPatterns=["b", "a"]))
    assert minimal_patch(dict(deploy=dict(numReplicas=1)), dict(deploy=dict(numReplicas=True))) == dict(deploy=dict(numReplicas=True))
    assert minimal_patch(dict(deploy=dict(sleepApplication=0)), dict(deploy=dict(sleepApplication=False))) \
        == dict(deploy=dict(sleepApplication=False))


def test_a_command_string_equals_a_list_of_that_one_command():
    assert minimal_patch(dict(deploy=dict(preDeployCommand="npm run migrate")), dict(deploy=dict(preDeployCommand=["npm run migrate"]))) == {}
    assert minimal_patch(dict(deploy=dict(preDeployCommand="a")), dict(deploy=dict(preDeployCommand=["a", "b"]))) \
        == dict(deploy=dict(preDeployCommand=["a", "b"]))


def test_numbers_of_the_same_value_are_equal():
    current = dict(deploy=dict(limitOverride=dict(containers=dict(cpu=2))))
    assert minimal_patch(current, dict(deploy=dict(limitOverride=dict(containers=dict(cpu=2.0))))) == {}


def test_merge_applies_nulls_and_replaces_lists():
    merged = engine.merge(dict(a=dict(b=1, c=2), l=[1, 2]), dict(a=dict(b=None, d=3), l=[3]))
    assert merged == dict(a=dict(c=2, d=3), l=[3])


# ---------------------------------------------------------------------------------------- Plan

def test_a_new_instance_gets_is_created_with_its_settings():
    plan = Plan(state(dict(services={})))
    plan.service(API, dict(source=dict(image="nginx", repo=DELETE), deploy=dict(numReplicas=2)))
    assert plan.patch == dict(services={API: dict(isCreated=True, source=dict(image="nginx"), deploy=dict(numReplicas=2))})
    assert plan.created == {API}
    assert plan.after()["services"][API] == dict(source=dict(image="nginx"), deploy=dict(numReplicas=2))


def test_an_existing_instance_gets_no_is_created_and_only_differences():
    plan = Plan(state(dict(services={API: dict(deploy=dict(numReplicas=2))})))
    plan.service(API, dict(deploy=dict(numReplicas=2)))
    assert plan.patch == {} and not plan.changed
    plan.service(API, dict(deploy=dict(numReplicas=3)))
    assert plan.patch == dict(services={API: dict(deploy=dict(numReplicas=3))})


def test_many_services_and_shared_variables_make_one_patch():
    config = dict(services={API: dict(deploy=dict(numReplicas=1)), WORKER: {}}, sharedVariables=dict(A=dict(value="1")))
    plan = Plan(state(config))
    plan.service(API, dict(deploy=dict(numReplicas=2)))
    plan.service(WORKER, dict(variables=dict(X=dict(value="y"))))
    plan.service(API, dict(variables=dict(Z=dict(value="z"))))           # a second plan for the same instance merges
    plan.shared_variables(dict(A=dict(value="1"), B=dict(value="2"), C=DELETE))
    assert plan.patch == dict(
        services={API: dict(deploy=dict(numReplicas=2), variables=dict(Z=dict(value="z"))),
                  WORKER: dict(variables=dict(X=dict(value="y")))},
        sharedVariables=dict(B=dict(value="2")))


def test_volumes_get_is_created_and_deleted_instances_leave_after():
    config = dict(services={API: dict(volumeMounts={VOL: dict(mountPath="/data")})}, volumes={VOL: dict(sizeMB=5000)})
    plan = Plan(state(config))
    plan.volume(VOL, dict(sizeMB=8000))
    plan.volume("77777777-7777-4777-8777-777777777777", dict(sizeMB=1000))
    assert plan.patch["volumes"] == {VOL: dict(sizeMB=8000), "77777777-7777-4777-8777-777777777777": dict(isCreated=True, sizeMB=1000)}
    plan.delete_service_instance(API)
    assert API not in plan.after()["services"]
    assert plan.after()["volumes"][VOL] == dict(sizeMB=8000)


# ---------------------------------------------------------------------------------------- masking

def test_diff_views_mask_variable_values_and_registry_passwords():
    config = dict(variables=dict(SECRET=dict(value="hunter22", isSealed=False)),
                  deploy=dict(registryCredentials=dict(username="bot", password="p4ssw0rd-xyz"), numReplicas=2))
    shown = engine.view(config, dict(variables=dict(SECRET={}), deploy=dict(registryCredentials={}, numReplicas=1)))
    assert shown == dict(variables=dict(SECRET=dict(value="********", isSealed=False)),
                         deploy=dict(registryCredentials=dict(username="bot", password="********"), numReplicas=2))
    whole = engine.masked_config(dict(services={API: config}, sharedVariables=dict(API_KEY=dict(value="v-secret"))))
    assert "hunter22" not in repr(whole) and "p4ssw0rd-xyz" not in repr(whole) and "v-secret" not in repr(whole)


@pytest.mark.parametrize("name, variable, secret", [
    ("FEATURE_MONITORING", dict(value="true"), False),
    ("LOG_LEVEL", dict(value="info"), False),
    ("STRIPE_API_KEY", dict(value="sk_test_x"), True),
    ("DB_PASSWORD", dict(value="x"), True),
    ("SENTRY_DSN", dict(value="https://k@sentry.io/1"), True),
    ("UPSTREAM", dict(value="redis://:pw@host:6379"), True),           # a connection string, whatever its name
    ("ANYTHING", dict(value="x", isSealed=True), True),
    ("SEED", dict(value="x", description="railstack.platform generated (length 8, alphabet 0a1b)"), True),
    ("DATABASE_URL", dict(value="${{Postgres.DATABASE_URL}}"), False),   # only references: nothing secret in it
    ("DATABASE_URL", dict(value="postgres://u:pw@${{Postgres.HOST}}"), True),
])
def test_only_secret_variable_values_are_masked(name, variable, secret):
    assert engine.is_secret_variable(name, variable) is secret
    shown = engine.mask_secrets("variables", {name: variable})[name]["value"]
    assert (shown == "********") is secret


# ---------------------------------------------------------------------------------------- reads

def test_ids_read_project_and_environment_in_one_query(railway_script):
    script = railway_script(("environmentState", dict(project=project(), environment=environment(dict(services={})))))
    ctx = TaskContext({})
    found = engine.read_state(ctx, client(), PID, EID)
    script.done()
    assert found.services == dict(api=API, worker=WORKER)
    assert found.environment == dict(id=EID, name="production") and found.config_etag == "etag-1"
    assert script.sent[0][2] == dict(projectId=PID, environmentId=EID)


def test_names_read_the_project_then_the_environment(railway_script):
    script = railway_script(
        ("workspaces", dict(apiToken=dict(workspaces=[dict(id="ws", name="ws")]))),
        ("projects", dict(projects=dict(edges=[dict(node=project())], pageInfo=dict(hasNextPage=False, endCursor=None)))),
        ("environmentConfig", dict(environment=environment(dict(services={API: {}})))),
    )
    found = engine.read_state(TaskContext({}), client(), "prela", "production")
    script.done()
    assert found.instance(API) == {} and found.instance(WORKER) is None
    assert script.sent[-1][2] == dict(id=EID)


def test_more_than_a_page_of_services_is_read_to_the_end(railway_script):
    first = project()
    first["services"]["pageInfo"] = dict(hasNextPage=True, endCursor="c1")
    more = dict(edges=[dict(node=dict(id="88888888-8888-4888-8888-888888888888", name="extra"))],
                pageInfo=dict(hasNextPage=False, endCursor=None))
    script = railway_script(("environmentState", dict(project=first, environment=environment({}))),
                            ("projectPage", dict(project=dict(services=more))))
    found = engine.read_state(TaskContext({}), client(), PID, EID)
    script.done()
    assert "extra" in found.services and "api" in found.services


def test_an_unknown_environment_fails_naming_the_option(railway_script):
    railway_script(
        ("workspaces", dict(apiToken=dict(workspaces=[dict(id="ws", name="ws")]))),
        ("projects", dict(projects=dict(edges=[dict(node=project())], pageInfo=dict(hasNextPage=False, endCursor=None)))),
    )
    with pytest.raises(engine.TaskFailed) as failure:
        engine.read_state(TaskContext({}), client(), "prela", "staging")
    assert failure.value.msg.startswith("environment:") and "production" in failure.value.msg


def test_check_mode_without_the_project_plans_from_nothing(railway_script):
    script = railway_script(
        ("workspaces", dict(apiToken=dict(workspaces=[dict(id="ws", name="ws")]))),
        ("projects", dict(projects=dict(edges=[], pageInfo=dict(hasNextPage=False, endCursor=None)))),
    )
    ctx = TaskContext({}, check_mode=True)
    found = engine.read_state(ctx, client(), "prela", "production")
    script.done()
    assert not found.exists and found.config == {} and ctx.warnings


# ---------------------------------------------------------------------------------------- the write

def planner_setting(replicas):
    def planner(s):
        plan = Plan(s)
        plan.service(API, dict(deploy=dict(numReplicas=replicas)))
        return plan
    return planner


def ctx_with(**params):
    return TaskContext(dict(dict(staged_changes="refuse"), **params))


def test_one_patch_commit_checked_before_and_waited_for_after(railway_script):
    script = railway_script(*committed("patch-1", "etag-1"))
    outcome = engine.commit(ctx_with(), client(), state(dict(services={API: {}})), planner_setting(2), "msg")
    script.done()
    assert outcome == dict(staged=False, patch_id="patch-1", committed=True)
    assert [name for dummy, name, dummy2 in script.sent] == ["environmentGuard", "environmentPatchCommit", "environmentPatch"]
    assert script.sent[1][2] == dict(environmentId=EID, commitMessage="msg",
                                     patch=dict(services={API: dict(deploy=dict(numReplicas=2))}))


def test_the_commit_waits_with_back_off_until_the_patch_is_applied(railway_script):
    script = railway_script(unchanged("etag-1"), ("environmentPatchCommit", dict(environmentPatchCommit="p")),
                            applied("p", status="APPLYING"), applied("p", status="APPLYING"), applied("p"))
    engine.commit(ctx_with(), client(), state(dict(services={API: {}})), planner_setting(2), "msg")
    script.done()
    assert script.slept == list(engine.PATCH_POLL_DELAYS[:3]) and script.slept == sorted(script.slept)


def test_a_patch_still_applying_after_the_timeout_fails_saying_to_rerun(railway_script, monkeypatch):
    monkeypatch.setattr(engine, "PATCH_TIMEOUT", 1.0)
    railway_script(unchanged("etag-1"), ("environmentPatchCommit", dict(environmentPatchCommit="p")),
                   *[applied("p", status="APPLYING")] * 3)
    with pytest.raises(engine.TaskFailed) as failure:
        engine.commit(ctx_with(), client(), state(dict(services={API: {}})), planner_setting(2), "msg")
    assert "still applying patch p to environment production" in failure.value.msg and "Rerun" in failure.value.msg


def test_a_refused_patch_fails_naming_the_service_and_the_setting(railway_script):
    error = "Invalid environment config patch: services.%s.deploy.cronSchedule: '* * * * *' runs more often than every 5 minutes" % API
    railway_script(*committed("p", "etag-1")[:2], applied("p", error=error))
    with pytest.raises(engine.TaskFailed) as failure:
        engine.commit(ctx_with(), client(), state(dict(services={API: {}})), planner_setting(2), "msg")
    assert failure.value.msg.startswith("services.api.deploy.cronSchedule: ")
    assert API not in failure.value.msg and "environment production" in failure.value.msg and "nothing of it was applied" in failure.value.msg


def test_foreign_staged_work_is_refused_before_any_write_by_default(railway_script):
    staged = dict(services={WORKER: dict(deploy=dict(numReplicas=3))}, sharedVariables=dict(FOO=dict(value="x")))
    script = railway_script(("environmentStagedChanges", dict(environmentStagedChanges=dict(id="s", patch=staged))))
    with pytest.raises(engine.TaskFailed) as failure:
        engine.commit(ctx_with(), client(), state(dict(services={API: {}}), unmerged=2), planner_setting(2), "msg")
    script.done()
    assert script.mutations == []
    message = failure.value.msg
    assert message.startswith("staged_changes: environment production has 2 staged change(s)")
    assert "services worker" in message and "shared variables FOO" in message
    assert "staged_changes=commit" in message and "staged_changes=stage" in message


def test_foreign_staged_work_refused_in_check_mode_too_and_nothing_to_do_is_fine(railway_script):
    railway_script(("environmentStagedChanges", dict(environmentStagedChanges=dict(id="s", patch={}))))
    with pytest.raises(engine.TaskFailed):
        engine.commit(TaskContext(dict(staged_changes="refuse"), check_mode=True), client(),
                      state(dict(services={API: {}}), unmerged=1), planner_setting(2), "m")
    script = railway_script()
    outcome = engine.commit(ctx_with(), client(), state(dict(services={API: dict(deploy=dict(numReplicas=2))}), unmerged=1),
                            planner_setting(2), "m")
    assert outcome["patch_id"] is None and script.sent == []


def test_staged_changes_commit_merges_then_commits_with_a_warning(railway_script):
    script = railway_script(*staged_commit("staged-1", "etag-1", unmerged=2))
    ctx = ctx_with(staged_changes="commit")
    outcome = engine.commit(ctx, client(), state(dict(services={API: {}}), unmerged=2), planner_setting(2), "msg")
    script.done()
    assert outcome == dict(staged=True, patch_id="staged-1", committed=True)
    assert script.sent[1][2] == dict(environmentId=EID, merge=True, input=dict(services={API: dict(deploy=dict(numReplicas=2))}))
    assert script.sent[2][2] == dict(environmentId=EID, commitMessage="msg", skipDeploys=False)
    assert any("2 staged change(s)" in w for w in ctx.warnings)


def test_staged_changes_stage_only_stages(railway_script):
    script = railway_script(unchanged("etag-1", 1), ("environmentStageChanges", dict(environmentStageChanges=dict(id="s"))))
    ctx = ctx_with(staged_changes="stage")
    outcome = engine.commit(ctx, client(), state(dict(services={API: {}}), unmerged=1), planner_setting(2), "msg")
    script.done()
    assert outcome == dict(staged=True, patch_id=None, committed=False)
    assert script.mutations == ["environmentStageChanges"] and any("not committed" in w for w in ctx.warnings)


def test_skip_deploys_goes_through_staging(railway_script):
    script = railway_script(*staged_commit("s", "etag-1"))
    engine.commit(ctx_with(), client(), state(dict(services={API: {}})), planner_setting(2), "msg", skip_deploys=True)
    script.done()
    assert script.sent[2][2]["skipDeploys"] is True


@pytest.mark.parametrize("guard, what", [
    (unchanged("etag-2"), "configEtag"),
    (unchanged("etag-1", pending=["other"]), "being applied"),
    (unchanged("etag-1", unmerged=1), "staged changes changed"),
])
def test_a_concurrent_edit_fails_naming_the_environment_before_any_write(railway_script, guard, what):
    script = railway_script(guard)
    with pytest.raises(engine.TaskFailed) as failure:
        engine.commit(ctx_with(), client(), state(dict(services={API: {}})), planner_setting(2), "msg")
    assert script.mutations == []
    assert failure.value.msg.startswith("environment: production changed after this task read it")
    assert what in failure.value.msg and "rerun" in failure.value.msg


def test_no_change_and_check_mode_send_nothing(railway_script):
    script = railway_script()
    assert engine.commit(ctx_with(), client(), state(dict(services={API: dict(deploy=dict(numReplicas=2))})),
                         planner_setting(2), "m")["patch_id"] is None
    assert engine.commit(TaskContext({}, check_mode=True), client(), state(dict(services={API: {}})), planner_setting(3),
                         "m")["patch_id"] is None
    assert script.sent == []


def no_pending(data):
    return dict(data, environmentPatches=dict(edges=[]))


def test_a_lost_commit_that_landed_is_not_sent_again(railway_script):
    lost = ApiError("lost", provider="Railway", lost_response=True)
    script = railway_script(unchanged("etag-1"), ("environmentPatchCommit", lost),
                            ("environmentConfig", dict(environment=environment(dict(services={API: dict(deploy=dict(numReplicas=2))})),
                                                       environmentPatches=dict(edges=[dict(node=dict(id="p", status="APPLYING"))]))),
                            applied("p"),
                            ("environmentConfig", no_pending(dict(environment=environment(dict(services={API: dict(deploy=dict(numReplicas=2))}))))))
    outcome = engine.commit(ctx_with(), client(), state(dict(services={API: {}})), planner_setting(2), "m")
    script.done()
    assert script.mutations == ["environmentPatchCommit"]
    assert outcome["patch_id"] is None


def test_a_lost_commit_that_did_not_land_sends_only_what_is_missing(railway_script):
    lost = ApiError("lost", provider="Railway", lost_response=True)
    script = railway_script(unchanged("etag-1"), ("environmentPatchCommit", lost),
                            ("environmentConfig", dict(environment=environment(dict(services={API: {}})))),
                            ("environmentPatchCommit", dict(environmentPatchCommit="patch-2")), applied("patch-2"))
    outcome = engine.commit(ctx_with(), client(), state(dict(services={API: {}})), planner_setting(2), "m")
    script.done()
    assert outcome["patch_id"] == "patch-2"


def test_other_errors_are_not_retried(railway_script):
    railway_script(unchanged("etag-1"), ("environmentPatchCommit", ApiError("Railway: Invalid environment config patch", provider="Railway")))
    with pytest.raises(ApiError):
        engine.commit(ctx_with(), client(), state(dict(services={API: {}})), planner_setting(2), "m")


# ---------------------------------------------------------------------------------------- pending patches, sealed variables

def test_a_read_waits_for_patches_still_applying_then_reads_again(railway_script):
    pending = dict(project=project(), environment=environment(dict(services={})),
                   environmentPatches=dict(edges=[dict(node=dict(id="old", status="APPLYING")),
                                                  dict(node=dict(id="older", status="COMMITTED"))]))
    script = railway_script(("environmentState", pending), applied("old", status="APPLYING"), applied("old"),
                            ("environmentConfig", no_pending(dict(environment=environment(dict(services={API: {}}))))))
    found = engine.read_state(TaskContext({}), client(), PID, EID)
    script.done()
    assert found.instance(API) == {}


def sealed_listing(*entries):
    return dict(edges=[dict(node=dict(name=n, serviceId=s, isSealed=sealed)) for n, s, sealed in entries],
                pageInfo=dict(hasNextPage=False))


@pytest.mark.parametrize("listed_in_config", [True, False])
def test_a_sealed_variable_exists_whether_or_not_config_lists_it(railway_script, listed_in_config):
    variables = dict(PLAIN=dict(value="p"))
    if listed_in_config:
        variables["KEY"] = dict(value="*******", isSealed=True)
    answer = environment(dict(services={API: dict(variables=variables)}, sharedVariables={}))
    answer["variables"] = sealed_listing(("KEY", API, True), ("PLAIN", API, False), ("SHARED_KEY", None, True),
                                         ("GONE", WORKER, True))
    railway_script(("environmentState", dict(project=project(), environment=answer)))
    found = engine.read_state(TaskContext({}), client(), PID, EID)
    assert found.instance(API)["variables"]["KEY"]["isSealed"] is True
    assert found.config["sharedVariables"]["SHARED_KEY"] == dict(isSealed=True)
    assert found.instance(WORKER) is None                  # no instance: nothing invented
    plan = Plan(found)
    plan.service(API, dict(variables=dict(KEY=dict(isSealed=True))))
    assert not plan.changed


def test_sealed_variables_beyond_the_first_page_are_read_too(railway_script):
    answer = environment(dict(services={API: dict(variables={})}))
    answer["variables"] = dict(edges=[dict(node=dict(name="A", serviceId=API, isSealed=False))],
                               pageInfo=dict(hasNextPage=True, endCursor="c1"))
    script = railway_script(("environmentState", dict(project=project(), environment=answer)),
                            ("environmentVariables", dict(environment=dict(variables=sealed_listing(("LATE", API, True))))))
    found = engine.read_state(TaskContext({}), client(), PID, EID)
    script.done()
    assert script.sent[1][2] == dict(id=EID, first=engine.PAGE_SIZE, after="c1")
    assert found.instance(API)["variables"] == dict(LATE=dict(isSealed=True))
