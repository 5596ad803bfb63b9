# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_volumes: the volumes of many services, one read and one config write; every check before the first write."""
from __future__ import annotations

from .railway_script import committed
from ansible_collections.railstack.platform.plugins.module_utils import railway_volumes

from .railway_volume_shared import API, PID, VOL, answer, common, run

WORKER = "99999999-9999-4999-8999-999999999999"
WORKER_VOL = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
SERVICES = (("api", API), ("worker", WORKER))


def item(service, **overrides):
    values = dict(service=service, name=None, mount_path="/data", size_mb=None, backup_schedules=None, region=None)
    values.update(overrides)
    return values


def params(*items, **overrides):
    values = common(volumes=list(items), staged_changes="refuse")
    values.update(overrides)
    return values


def both_mounted():
    config = dict(services={API: dict(volumeMounts={VOL: dict(mountPath="/data")}),
                            WORKER: dict(volumeMounts={WORKER_VOL: dict(mountPath="/cache")})},
                  volumes={VOL: dict(sizeMB=5000), WORKER_VOL: dict(sizeMB=5000)})
    return answer(config, services=SERVICES, volumes=(("api-volume", VOL), ("worker-volume", WORKER_VOL)))


def test_two_new_volumes_are_one_read_and_one_config_write(railway_script):
    script = railway_script(("environmentState", answer(dict(services={API: {}, WORKER: {}}), services=SERVICES)),
                            ("volumeCreate", dict(volumeCreate=dict(id=VOL, name="api-volume"))),
                            ("volumeCreate", dict(volumeCreate=dict(id=WORKER_VOL, name="worker-volume"))),
                            *committed("p", "e"))
    result = run(railway_volumes, params(item("api", size_mb=10000), item("worker", mount_path="/cache")))
    script.done()
    assert script.sent[2][2]["input"] == dict(projectId=PID, serviceId=WORKER, mountPath="/cache", environmentId=None)
    assert script.sent[4][2]["patch"] == dict(
        volumes={VOL: dict(isCreated=True, sizeMB=10000), WORKER_VOL: dict(isCreated=True)},
        services={API: dict(volumeMounts={VOL: dict(mountPath="/data")}),
                  WORKER: dict(volumeMounts={WORKER_VOL: dict(mountPath="/cache")})})
    assert [v["id"] for v in result["volumes"]] == [VOL, WORKER_VOL] and result["volumes"][0]["size_mb"] == 10000
    assert result["changed"] is True and all(v["changed"] for v in result["volumes"])


def test_volumes_that_match_are_one_read_and_no_write(railway_script):
    script = railway_script(("environmentState", both_mounted()))
    result = run(railway_volumes, params(item("api", size_mb=5000), item("worker", mount_path="/cache")))
    script.done()
    assert result["changed"] is False and script.mutations == [] and result["api_requests"] == 1 and result["diff"] == []


def test_only_the_volume_that_differs_is_in_the_patch(railway_script):
    script = railway_script(("environmentState", both_mounted()), *committed("p", "e"))
    result = run(railway_volumes, params(item("api"), item("worker", mount_path="/cache", size_mb=8000)))
    script.done()
    assert script.sent[2][2]["patch"] == dict(volumes={WORKER_VOL: dict(sizeMB=8000)})
    assert [v["changed"] for v in result["volumes"]] == [False, True]
    assert [hunk["before_header"] for hunk in result["diff"]] == ["environment production, volume of service worker"]


def test_volumes_check_mode_sends_no_write(railway_script):
    script = railway_script(("environmentState", answer(dict(services={API: {}, WORKER: {}}), services=SERVICES)))
    result = run(railway_volumes, params(item("api"), item("worker", mount_path="/cache", size_mb=8000)), check_mode=True)
    script.done()
    assert result["changed"] is True and script.mutations == [] and [v["id"] for v in result["volumes"]] == [None, None]
    assert [(v["mount_path"], v["size_mb"]) for v in result["volumes"]] == [("/data", None), ("/cache", 8000)]


def test_an_empty_list_sends_no_request(railway_script):
    script = railway_script()
    result = run(railway_volumes, params())
    assert result["changed"] is False and result["volumes"] == [] and script.sent == []


def test_free_plan_refuses_the_second_new_volume_before_any_write(railway_script):
    script = railway_script(("environmentState", answer(dict(services={API: {}, WORKER: {}}), services=SERVICES, plan="free")))
    result = run(railway_volumes, params(item("api"), item("worker")))
    script.done()
    assert result["failed"] and script.mutations == []
    assert result["msg"].startswith("volumes[1].service: Railway's Free plan allows 1 volume per project")


def test_a_later_items_shrink_or_unknown_service_fails_before_any_write(railway_script):
    for items, prefix in (((item("api", size_mb=5000), item("worker", mount_path="/cache", size_mb=100)), "volumes[1].size_mb:"),
                          ((item("api"), item("nope")), "volumes[1].service: project prela has no service 'nope'")):
        script = railway_script(("environmentState", both_mounted()))
        result = run(railway_volumes, params(*items))
        assert result["failed"] and result["msg"].startswith(prefix), result["msg"]
        assert script.mutations == []


def test_items_are_checked_before_any_request(railway_script):
    for items, prefix in (((item("api"), item("api")), "volumes[1].service: api is also in volumes[0]"),
                          ((item("api", name="v"), item("worker", name="v")), "volumes[1].name: v is also in volumes[0]")):
        script = railway_script()
        result = run(railway_volumes, params(*items))
        assert result["failed"] and result["msg"].startswith(prefix), result["msg"]
        assert script.sent == []
    script = railway_script(("environmentState", both_mounted()))
    result = run(railway_volumes, params(item("api", mount_path="data")))
    assert result["msg"].startswith("volumes[0].mount_path: an absolute path") and script.mutations == []
