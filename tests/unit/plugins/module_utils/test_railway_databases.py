# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_databases: many databases, one read and one config write; every check before the first write."""
from __future__ import annotations

from .railway_script import applied, committed, reread_then_commit, staged_commit, unchanged
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import staged_touches
from ansible_collections.railstack.platform.plugins.module_utils import railway_databases
from ansible_collections.railstack.platform.plugins.module_utils.railway_database_templates import TEMPLATES

from .railway_volume_shared import API, EID, PID, VOL, answer, common, run

PG = "55555555-5555-4555-8555-555555555555"
RD = "77777777-7777-4777-8777-777777777777"
RD_VOL = "88888888-8888-4888-8888-888888888888"


def item(**overrides):
    values = dict(engine="postgres", name=None, version=None, image=None, public=None, size_mb=None, backup_schedules=None,
                  region=None, redis_maxmemory=None, redis_maxmemory_policy=None, migrations=None, staged_changes=None)
    values.update(overrides)
    return values


def params(*items, **overrides):
    values = common(databases=list(items), staged_changes="refuse")
    values.update(overrides)
    return values


def environment(config):
    return dict(id=EID, name="production", projectId=PID, config=config, configEtag="e2", unmergedChangesCount=0)


def built(engine, volume_id, public=False):
    spec = TEMPLATES[engine]
    variables = {name: dict(value=value) for name, value in spec["variables"]}
    variables[spec["password"]] = dict(value="x" * 32)
    service = dict(source=dict(image="%s:%s" % (spec["image"], spec["version"])), deploy=dict(requiredMountPath=spec["mount"]),
                   variables=variables, volumeMounts={volume_id: dict(mountPath=spec["mount"])})
    if spec["start_command"]:
        service["deploy"]["startCommand"] = spec["start_command"] % dict(extra="")
    if public:
        variables[spec["public_url"]] = dict(value=spec["public_value"])
        service["networking"] = dict(tcpProxies={str(spec["port"]): {}})
    return service


def both_built():
    config = dict(services={PG: built("postgres", VOL, public=True), RD: built("redis", RD_VOL)},
                  volumes={VOL: dict(sizeMB=5000), RD_VOL: dict(sizeMB=5000)})
    return answer(config, services=(("Postgres", PG), ("Redis", RD)), volumes=(("pg-volume", VOL), ("redis-volume", RD_VOL)))


def test_two_new_databases_are_one_read_and_one_config_write(railway_script):
    script = railway_script(("environmentState", answer(dict(services={}))),
                            ("serviceCreate", dict(serviceCreate=dict(id=PG, name="Postgres"))),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="Postgres-volume"))),
                            ("serviceCreate", dict(serviceCreate=dict(id=RD, name="Redis"))),
                            ("volumeCreate", dict(volumeCreate=dict(id=RD_VOL, name="Redis-volume"))),
                            *reread_then_commit("p", environment(dict(services={}))))
    result = run(railway_databases, params(item(public=True, size_mb=10000), item(engine="redis")))
    script.done()
    assert script.mutations == ["serviceCreate", "volumeCreate", "serviceCreate", "volumeCreate", "environmentPatchCommit"]
    patch = script.sent[6][2]["patch"]
    assert set(patch["services"]) == {PG, RD}
    assert patch["volumes"] == {VOL: dict(isCreated=True, sizeMB=10000), RD_VOL: dict(isCreated=True)}
    assert patch["services"][RD]["volumeMounts"] == {RD_VOL: dict(mountPath="/data")}
    assert [d["service"]["id"] for d in result["databases"]] == [PG, RD]
    assert [d["url_reference"] for d in result["databases"]] == ["${{Postgres.DATABASE_URL}}", "${{Redis.REDIS_URL}}"]
    assert result["changed"] is True and all(d["changed"] for d in result["databases"])
    assert "x" * 32 not in repr(result) and patch["services"][PG]["variables"]["POSTGRES_PASSWORD"]["value"] not in repr(result)


def test_databases_that_match_are_one_read_and_no_write(railway_script):
    script = railway_script(("environmentState", both_built()))
    result = run(railway_databases, params(item(public=True), item(engine="redis")))
    script.done()
    assert result["changed"] is False and script.mutations == [] and result["api_requests"] == 1
    assert result["diff"] == [] and [d["changed"] for d in result["databases"]] == [False, False]


def test_only_the_database_that_differs_is_in_the_patch(railway_script):
    script = railway_script(("environmentState", both_built()), *committed("p", "e"))
    result = run(railway_databases, params(item(public=False), item(engine="redis")))
    script.done()
    assert script.sent[2][2]["patch"] == dict(services={PG: dict(variables=dict(DATABASE_PUBLIC_URL=None),
                                                                 networking=dict(tcpProxies={"5432": None}))})
    assert [d["changed"] for d in result["databases"]] == [True, False]
    assert len(result["diff"]) == 1 and result["diff"][0]["before_header"] == "environment production, database Postgres"


def test_databases_check_mode_sends_no_write(railway_script):
    script = railway_script(("environmentState", answer(dict(services={}))))
    result = run(railway_databases, params(item(), item(engine="redis")), check_mode=True)
    script.done()
    assert result["changed"] is True and script.mutations == []
    assert [d["service"]["id"] for d in result["databases"]] == [None, None]
    assert [d["volume"]["mount_path"] for d in result["databases"]] == ["/var/lib/postgresql/data", "/data"]
    assert [hunk["after"]["source"]["image"] for hunk in result["diff"]] == ["ghcr.io/railwayapp-templates/postgres-ssl:18",
                                                                             "redis:8.2.1"]


def test_an_empty_list_sends_no_request(railway_script):
    script = railway_script()
    result = run(railway_databases, params())
    assert result["changed"] is False and result["databases"] == [] and script.sent == []


def test_free_plan_refuses_the_second_new_volume_before_any_write(railway_script):
    script = railway_script(("environmentState", answer(dict(services={}), plan="free")))
    result = run(railway_databases, params(item(), item(engine="redis")))
    script.done()
    assert result["failed"] and script.mutations == []
    assert result["msg"].startswith("databases[1].name: Railway's Free plan allows 1 volume per project")
    assert "database Redis" in result["msg"] and "has none, and this task's list creates 1 before it;" in result["msg"]


def test_a_bad_size_of_a_later_item_fails_before_any_write(railway_script):
    script = railway_script(("environmentState", both_built()))
    result = run(railway_databases, params(item(engine="mysql"), item(engine="redis", size_mb=1000)))
    assert result["failed"] and script.mutations == [] and result["msg"].startswith("databases[1].size_mb:")


def test_items_are_checked_before_any_request(railway_script):
    for items, prefix in (((item(), item(name="Postgres")), "databases[1].name: database Postgres is also databases[0]"),
                          ((item(redis_maxmemory="1gb"),), "databases[0].redis_maxmemory:"),
                          ((item(version="17", image="postgres:17"),), "databases[0].version: give version or image"),
                          ((item(staged_changes="commit"),), "databases[0].staged_changes: commit")):
        script = railway_script()
        result = run(railway_databases, params(*items))
        assert result["failed"] and result["msg"].startswith(prefix), result["msg"]
        assert script.sent == []


def test_a_foreign_service_of_the_same_name_is_named(railway_script):
    config = dict(services={API: dict(source=dict(image="nginx:1"))})
    script = railway_script(("environmentState", answer(config, services=(("cache", API),))))
    result = run(railway_databases, params(item(), item(engine="redis", name="cache")))
    assert result["msg"].startswith("databases[1].name: service cache runs image nginx:1") and script.mutations == []


# ------------------------------------------------------------------ commit=false: staged for the services' commit

def staged_answer(config, unmerged):
    data = answer(config, services=(("Postgres", PG),), volumes=(("pg-volume", VOL),))
    data["environment"]["unmergedChangesCount"] = unmerged
    return data


def first_run_staged_patch():
    """What a first run with commit=false leaves staged for one Postgres, as Railway shows it (values hidden)."""
    service = built("postgres", VOL)
    service["variables"] = {name: dict(value="*******") for name in service["variables"]}
    return dict(services={PG: dict(service, isCreated=True)}, volumes={VOL: dict(isCreated=True)})


def test_commit_false_stages_without_committing_and_says_what_it_staged(railway_script):
    answered = {}

    def stage(variables):
        shown = dict(variables["input"]["services"][PG], variables={"POSTGRES_PASSWORD": {"value": "*******"}})
        answered["patch"] = dict(variables["input"], services={PG: shown})
        return dict(environmentStageChanges=dict(id="staged-1", patch=answered["patch"]))

    script = railway_script(("environmentState", answer(dict(services={}))),
                            ("serviceCreate", dict(serviceCreate=dict(id=PG, name="Postgres"))),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="Postgres-volume"))),
                            ("environmentConfig", dict(environment=environment(dict(services={PG: {}})))),
                            ("environmentStageChanges", stage))
    result = run(railway_databases, params(item(), commit=False))
    script.done()
    assert script.mutations == ["serviceCreate", "volumeCreate", "environmentStageChanges"]
    assert "{ id patch }" in script.documents[-1] and script.sent[-1][2]["merge"] is True
    assert result["changed"] is True and result["databases"][0]["staged"] is True
    assert result["staged_by_run"] == dict(environment_id=EID, patch_id="staged-1", touches=staged_touches(answered["patch"]))
    password = script.sent[-1][2]["input"]["services"][PG]["variables"]["POSTGRES_PASSWORD"]["value"]
    assert password not in repr(result)


def test_commit_false_takes_a_stopped_run_s_staged_databases_as_its_own(railway_script):
    patch = first_run_staged_patch()
    script = railway_script(("environmentState", staged_answer(dict(services={PG: {}}), unmerged=2)),
                            ("environmentStagedChanges", dict(environmentStagedChanges=dict(id="staged-1", patch=patch))),
                            ("environmentStagedChanges", dict(environmentStagedChanges=dict(id="staged-1", patch=patch))))
    result = run(railway_databases, params(item(), commit=False))
    script.done()
    assert script.mutations == [] and result["changed"] is False
    assert result["staged_by_run"] == dict(environment_id=EID, patch_id="staged-1", touches=staged_touches(patch))


def test_commit_true_commits_a_stopped_run_s_staged_databases_without_a_warning(railway_script):
    patch = first_run_staged_patch()
    script = railway_script(("environmentState", staged_answer(dict(services={PG: {}}), unmerged=2)),
                            ("environmentStagedChanges", dict(environmentStagedChanges=dict(id="staged-1", patch=patch))),
                            unchanged("e", unmerged=2),
                            ("environmentPatchCommitStaged", dict(environmentPatchCommitStaged="staged-1")),
                            applied("staged-1"))
    result = run(railway_databases, params(item()))
    script.done()
    assert script.mutations == ["environmentPatchCommitStaged"] and not result.get("warnings")


def test_foreign_staged_changes_are_refused_before_the_database_is_created(railway_script):
    foreign = dict(services={API: dict(deploy=dict(numReplicas=3))})
    data = answer(dict(services={API: {}}), services=(("api", API),))
    data["environment"]["unmergedChangesCount"] = 1
    script = railway_script(("environmentState", data),
                            ("environmentStagedChanges", dict(environmentStagedChanges=dict(id="s", patch=foreign))),
                            ("environmentStagedChanges", dict(environmentStagedChanges=dict(id="s", patch=foreign))))
    result = run(railway_databases, params(item(), commit=False))
    script.done()
    assert result["failed"] and result["msg"].startswith("staged_changes:") and "services api" in result["msg"]
    assert script.mutations == []


def test_foreign_staged_changes_leave_nothing_staged_for_the_services(railway_script):
    foreign = dict(services={API: dict(deploy=dict(numReplicas=3))})
    data = answer(dict(services={API: {}, PG: built("postgres", VOL)}, volumes={VOL: {}}),
                  services=(("api", API), ("Postgres", PG)), volumes=(("pg-volume", VOL),))
    data["environment"]["unmergedChangesCount"] = 1
    script = railway_script(("environmentState", data),
                            ("environmentStagedChanges", dict(environmentStagedChanges=dict(id="s", patch=foreign))),
                            *staged_commit("s", "e", unmerged=1))
    result = run(railway_databases, params(item(public=True), commit=False, staged_changes="commit"))
    script.done()
    assert script.mutations == ["environmentStageChanges", "environmentPatchCommitStaged"]
    assert result["staged_by_run"] is None and "committed together" in " ".join(result["warnings"])


def test_a_staged_edit_of_a_database_already_committed_is_someone_else_s(railway_script):
    edit = dict(services={PG: dict(deploy=dict(startCommand="postgres -c max_connections=500"))})
    data = staged_answer(dict(services={PG: built("postgres", VOL)}, volumes={VOL: {}}), unmerged=1)
    script = railway_script(("environmentState", data),
                            ("environmentStagedChanges", dict(environmentStagedChanges=dict(id="s", patch=edit))),
                            ("environmentStagedChanges", dict(environmentStagedChanges=dict(id="s", patch=edit))))
    result = run(railway_databases, params(item(public=True), commit=False))
    script.done()
    assert result["failed"] and result["msg"].startswith("staged_changes:") and "services Postgres" in result["msg"]
    assert script.mutations == []
