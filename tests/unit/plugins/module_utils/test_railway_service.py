# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_service (one code path with railway_services): exactly which requests are sent."""
from __future__ import annotations

from .railway_script import committed, staged_commit
from ansible_collections.railstack.platform.plugins.module_utils import railway_service, railway_services

from .railway_services_shared import API, PG, base, item, run, state_answer


def single(name="api", **overrides):
    params = base(**{k: None for k in railway_services.SERVICE_OPTIONS})
    params.update(item(name, **overrides))
    params.pop("variables")
    return params


def test_only_given_settings_change_and_image_replaces_repo(railway_script):
    config = dict(services={API: dict(source=dict(repo="prela/api", branch="main"), deploy=dict(numReplicas=1, startCommand="x"))})
    script = railway_script(("environmentState", state_answer(config)),
                            *committed("p", "e1"))
    result = run(railway_service, single(source=dict(image="ghcr.io/prela/api:2"), deploy=dict(num_replicas=3)))
    script.done()
    assert script.sent[2][2]["patch"] == dict(services={API: dict(
        source=dict(image="ghcr.io/prela/api:2", repo=None, branch=None), deploy=dict(numReplicas=3))})
    assert result["diff"]["before"]["deploy"] == dict(numReplicas=1)
    assert result["diff"]["after"]["source"] == dict(image="ghcr.io/prela/api:2")


def test_empty_strings_remove_settings_and_maps_are_exact(railway_script):
    config = dict(services={API: dict(deploy=dict(cronSchedule="0 3 * * *", multiRegionConfig={"us-west2": dict(numReplicas=2),
                                                                                               "europe-west4": dict(numReplicas=1)}),
                                      networking=dict(tcpProxies={"5432": {}}))})
    script = railway_script(("environmentState", state_answer(config)),
                            *committed("p", "e1"))
    run(railway_service, single(deploy=dict(cron_schedule="", multi_region_config={"us-west2": 2, "us-east4": "1"}), tcp_proxy_port=6379))
    script.done()
    assert script.sent[2][2]["patch"] == dict(services={API: dict(
        deploy=dict(cronSchedule=None, multiRegionConfig={"europe-west4": None, "us-east4": dict(numReplicas=1)}),
        networking=dict(tcpProxies={"5432": None, "6379": {}}))})


def test_registry_password_is_written_once_and_never_shown(railway_script):
    password = "ghcr-token-abcdef123456"
    script = railway_script(("environmentState", state_answer(dict(services={API: {}}))),
                            *committed("p", "e1"))
    creds = dict(username="bot", password=password, update_password="on_create")
    result = run(railway_service, single(source=dict(image="ghcr.io/prela/api:1", registry_credentials=creds)), secrets={password})
    script.done()
    assert script.sent[2][2]["patch"]["services"][API]["deploy"]["registryCredentials"] == dict(username="bot", password=password)
    assert password not in repr(result)
    assert result["service"]["source"]["registry_username"] == "bot"
    # Railway never shows the password back: the next run compares the user name only.
    shown = dict(services={API: dict(source=dict(image="ghcr.io/prela/api:1"), deploy=dict(registryCredentials=dict(username="bot", password="*******")))})
    script = railway_script(("environmentState", state_answer(shown)))
    assert run(railway_service, single(source=dict(image="ghcr.io/prela/api:1", registry_credentials=creds)))["changed"] is False
    script.done()


def test_absent_in_the_environment_needs_the_environment(railway_script):
    script = railway_script()
    result = run(railway_service, dict(single("api", state="absent"), environment=None))
    assert result["failed"] is True and result["msg"].startswith("environment:") and "scope" in result["msg"]
    assert script.sent == []


def test_single_module_messages_name_the_option_itself(railway_script):
    script = railway_script()
    result = run(railway_service, single(deploy=dict(num_replicas=0)))
    assert result["msg"].startswith("deploy.num_replicas:") and script.sent == []


def test_staged_work_pending_is_refused_by_default(railway_script):
    script = railway_script(("environmentState", state_answer(dict(services={API: {}}), unmerged=1)),
                            ("environmentStagedChanges", dict(environmentStagedChanges=dict(
                                id="s", patch=dict(services={PG: dict(deploy=dict(numReplicas=3))})))))
    result = run(railway_service, single(deploy=dict(num_replicas=2)))
    script.done()
    assert result["failed"] and script.mutations == []
    assert result["msg"].startswith("staged_changes: environment production has 1 staged change(s)") and "services Postgres" in result["msg"]


def test_staged_work_pending_is_merged_and_committed_when_asked(railway_script):
    script = railway_script(("environmentState", state_answer(dict(services={API: {}}), unmerged=1)),
                            *staged_commit("s", "e1", unmerged=1))
    result = run(railway_service, single(deploy=dict(num_replicas=2), staged_changes="commit"))
    script.done()
    assert result["staged"] is True and result["warnings"]
    assert script.sent[2][2]["merge"] is True
