# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_volume: exactly which requests are sent."""
from __future__ import annotations

import pytest

from .railway_script import applied, committed, unchanged
from ansible_collections.railstack.platform.plugins.module_utils import railway_database, railway_volume
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import EnvironmentState
from ansible_collections.railstack.platform.plugins.module_utils.railway_volume_plans import check_size

from .railway_volume_shared import API, PID, VOL, answer, common, db_params, run


def volume_params(**overrides):
    values = common(service="api", name=None, mount_path="/data", size_mb=None, backup_schedules=None, region=None)
    values.update(overrides)
    return values


def test_volume_created_detached_then_sized_and_mounted_in_one_patch(railway_script):
    script = railway_script(("environmentState", answer(dict(services={API: {}}))),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="api-volume"))),
                            ("volumeUpdate", dict(volumeUpdate=dict(id=VOL, name="uploads"))),
                            *committed("p", "e"))
    result = run(railway_volume, volume_params(name="uploads", size_mb=10000, backup_schedules=["DAILY"], region="europe-west4"))
    script.done()
    assert script.sent[1][2] == dict(input=dict(projectId=PID, serviceId=API, mountPath="/data", environmentId=None,
                                                region="europe-west4"))
    assert script.sent[4][2]["patch"] == dict(
        volumes={VOL: dict(isCreated=True, sizeMB=10000, region="europe-west4")},
        services={API: dict(volumeMounts={VOL: dict(mountPath="/data", backupSchedules=["DAILY"])})})
    assert result["volume"]["id"] == VOL and result["volume"]["name"] == "uploads" and result["volume"]["size_mb"] == 10000


def test_volume_no_op_is_one_read(railway_script):
    config = dict(services={API: dict(volumeMounts={VOL: dict(mountPath="/data")})}, volumes={VOL: dict(sizeMB=10000)})
    script = railway_script(("environmentState", answer(config, volumes=(("uploads", VOL),))))
    result = run(railway_volume, volume_params(name="uploads", size_mb=10000))
    script.done()
    assert result["changed"] is False and result["api_requests"] == 1


def test_volume_refuses_to_shrink_naming_size_mb(railway_script):
    config = dict(services={API: dict(volumeMounts={VOL: dict(mountPath="/data")})}, volumes={VOL: dict(sizeMB=10000)})
    script = railway_script(("environmentState", answer(config)))
    result = run(railway_volume, volume_params(size_mb=5000))
    assert result["failed"] and result["msg"].startswith("size_mb:") and "10000" in result["msg"] and script.mutations == []


def test_volume_lost_create_is_found_again(railway_script):
    other = "77777777-7777-4777-8777-777777777777"
    script = railway_script(("environmentState", answer(dict(services={API: {}}), volumes=(("old", other),))),
                            ("volumeCreate", ApiError("lost", provider="Railway", lost_response=True)),
                            ("project", dict(project=dict(volumes=dict(edges=[dict(node=dict(id=other, name="old")),
                                                                              dict(node=dict(id=VOL, name="api-volume"))])))),
                            *committed("p", "e"))
    result = run(railway_volume, volume_params())
    script.done()
    assert script.mutations == ["volumeCreate", "environmentPatchCommit"] and result["volume"]["id"] == VOL
    assert script.sent[4][2]["patch"]["volumes"] == {VOL: dict(isCreated=True)}


def test_volume_mount_path_moves_in_one_patch(railway_script):
    config = dict(services={API: dict(volumeMounts={VOL: dict(mountPath="/data")})}, volumes={VOL: dict(sizeMB=5000)})
    script = railway_script(("environmentState", answer(config)), *committed("p", "e"))
    run(railway_volume, volume_params(mount_path="/var/data"))
    assert script.sent[2][2]["patch"] == dict(services={API: dict(volumeMounts={VOL: dict(mountPath="/var/data")})})


def test_volume_bad_mount_path_fails_before_any_request(railway_script):
    script = railway_script()
    result = run(railway_volume, volume_params(mount_path="data"))
    assert result["msg"].startswith("mount_path:") and script.sent == []


def plan_state(plan, config=None, volumes=()):
    project = dict(id="p", name="prela", subscriptionType=plan, environments=dict(edges=[]), services=dict(edges=[]),
                   volumes=dict(edges=[dict(node=dict(id=i, name=n)) for n, i in volumes]))
    return EnvironmentState(project, dict(id="e", name="production", config=config or {}))


@pytest.mark.parametrize("plan, refused, accepted", [
    ("free", [400, 1000, 5000], [500]), ("trial", [400, 1000], [500]),
    ("hobby", [500, 4999], [5000, 20000]), ("pro", [5000, 49999], [50000, 80000]), (None, [0], [500, 5000])])
def test_a_new_volumes_size_is_checked_against_the_plan(plan, refused, accepted):
    for size in refused:
        with pytest.raises(TaskFailed) as failure:
            check_size(plan_state(plan), None, size)
        assert failure.value.msg.startswith("size_mb:"), failure.value.msg
        if plan:
            assert "Railway's %s plan" % plan.capitalize() in failure.value.msg
    for size in accepted + [None]:
        check_size(plan_state(plan), None, size)


@pytest.mark.parametrize("plan, grows", [("free", False), ("trial", False), ("hobby", True), ("pro", True)])
def test_an_existing_volume_grows_only_on_paid_plans_and_never_shrinks(plan, grows):
    state = plan_state(plan, dict(volumes={VOL: dict(sizeMB=60000)}), volumes=(("data", VOL),))
    with pytest.raises(TaskFailed) as failure:
        check_size(state, VOL, 59000)
    assert "only grow" in failure.value.msg
    check_size(state, VOL, 60000)
    if grows:
        check_size(state, VOL, 70000)
    else:
        with pytest.raises(TaskFailed) as failure:
            check_size(state, VOL, 70000)
        assert failure.value.msg.startswith("size_mb: Railway's %s plan cannot resize volumes" % plan.capitalize())


def test_free_plan_size_fails_before_any_write_naming_the_plan(railway_script):
    script = railway_script(("environmentState", answer(dict(services={API: {}}), plan="free")))
    result = run(railway_volume, volume_params(size_mb=10000))
    assert result["failed"] and script.mutations == []
    assert result["msg"].startswith("size_mb: Railway's Free plan creates volumes of 500 MB and cannot resize them: size_mb 10000")
    script = railway_script(("environmentState", answer(dict(services={}), plan="pro")))
    result = run(railway_database, db_params(size_mb=10000))
    assert result["failed"] and script.mutations == [] and "Railway's Pro plan creates volumes of 50000 MB" in result["msg"]


def test_a_refused_patch_deletes_the_volume_it_made_detached(railway_script):
    script = railway_script(("environmentState", answer(dict(services={API: {}}))),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="api-volume"))),
                            unchanged("e"),
                            ("environmentPatchCommit", ApiError("Invalid environment config patch: ...", provider="Railway")),
                            ("volumeDelete", dict(volumeDelete=True)))
    result = run(railway_volume, volume_params(size_mb=10000))
    script.done()
    assert result["failed"] and script.mutations == ["volumeCreate", "environmentPatchCommit", "volumeDelete"]
    assert script.sent[4][2] == dict(volumeId=VOL)


def test_a_patch_refused_once_applied_deletes_the_volume_it_made_detached(railway_script):
    script = railway_script(("environmentState", answer(dict(services={API: {}}))),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="api-volume"))),
                            unchanged("e"), ("environmentPatchCommit", dict(environmentPatchCommit="p")),
                            applied("p", error="Invalid environment config patch: volumes.%s.sizeMB: ..." % VOL),
                            ("volumeDelete", dict(volumeDelete=True)))
    result = run(railway_volume, volume_params(size_mb=10000))
    script.done()
    assert result["failed"] and script.mutations == ["volumeCreate", "environmentPatchCommit", "volumeDelete"]
    assert "sizeMB" in result["msg"] and script.sent[5][2] == dict(volumeId=VOL)
