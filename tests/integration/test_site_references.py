# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/site.yml and variables that flow by reference: a worker that takes the API's variables is deployed
again when one it references changes (Railway does not), variables_from leaves out what it is told to, a
generated secret rotates on purpose only, and --check --diff shows what will change, per environment and
service, with secrets masked.
"""
from __future__ import annotations

import uuid

import pytest

from .site_helpers import SITE, SandboxState, converge_twice, ref, write_stack

RUN = uuid.uuid4().hex[:8]
PROJECT = "refs-%s" % RUN
PLANTED = "planted-secret-%s" % uuid.uuid4().hex
SERVICES_TASK = "railstack.platform.web_service : Settings and variables of the services, in one write, in production"


def refs_stack(flag="off", monitoring="false", rotate=None):
    app_key = {"generate": {"length": 40}}
    if rotate is not None:
        app_key["rotate"] = rotate
    api = {"name": "api", "source": {"image": "nginx:1.27"},
           "variables": {"FLAG": flag, "FEATURE_MONITORING": monitoring, "APP_URL": "https://refs.example.com",
                         "LOG_LEVEL": "info", "API_SECRET": PLANTED, "APP_KEY": app_key}}
    worker = {"name": "worker", "role": "worker", "source": {"image": "nginx:1.27"},
              "deploy": {"start_command": "node worker.js"},
              "variables_from": {"service": "api", "exclude": ["APP_URL"]},
              "variables": {"MODE": ref("api.FLAG")}}
    return {"stack": {"project": {"name": PROJECT}, "services": [api, worker]}}


def deployment_counts(sandbox):
    state = SandboxState(sandbox)
    ids = {s["id"]: name for name, s in state.services(state.project(PROJECT)).items()}
    counts = dict.fromkeys(ids.values(), 0)
    for record in state.railway["deployments"].values():
        if record["serviceId"] in ids:
            counts[ids[record["serviceId"]]] += 1
    return counts


def deploys_sent(window):
    return [e for e in window.railway_mutations if "serviceInstanceDeployV2" in str(e.get("body") or e)]


@pytest.fixture(scope="module")
def refs(sandbox, run_playbook, traffic):
    converge_twice(run_playbook, traffic, write_stack(refs_stack(), "refs-base"))
    return SandboxState(sandbox)


def variables(sandbox, service):
    state = SandboxState(sandbox)
    return state.variables(state.project(PROJECT), "production", service)


def test_exclude_keeps_app_url_out_of_the_worker(refs, sandbox):
    worker = variables(sandbox, "worker")
    assert "APP_URL" not in worker
    assert worker["FLAG"] == "${{api.FLAG}}" and worker["MODE"] == "${{api.FLAG}}"
    assert worker["API_SECRET"] == "${{api.API_SECRET}}"


def test_check_diff_names_environment_and_service_shows_values_and_masks_secrets(refs, sandbox, run_playbook, traffic):
    changed = write_stack(refs_stack(flag="on", monitoring="true"), "refs-diff")
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=changed, check=True, diff=True, verbosity=3)
    run.assert_ok()
    assert window.mutations == [], window.summary()
    out = run.stdout
    assert "--- before: environment production, service api" in out
    assert "+++ after: environment production, service api" in out
    assert '-            "value": "false"' in out and '+            "value": "true"' in out    # FEATURE_MONITORING
    assert "+++ after: environment production, service worker" in out
    assert '+    "redeployed": "because api.FEATURE_MONITORING, api.FLAG changed"' in out
    assert PLANTED not in out and PLANTED not in run.stderr
    services = run.task(SERVICES_TASK)["services"]
    assert services[1]["redeployed_for_references"] == ["api.FEATURE_MONITORING", "api.FLAG"]
    assert variables(sandbox, "api")["FLAG"] == "off"


def test_a_changed_flag_redeploys_the_worker_that_references_it_once(refs, sandbox, run_playbook, traffic):
    before = deployment_counts(sandbox)
    stack = write_stack(refs_stack(flag="on"), "refs-flag")
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=stack, diff=True)
    run.assert_ok()
    after = deployment_counts(sandbox)
    assert after["api"] == before["api"] + 1 and after["worker"] == before["worker"] + 1, (before, after)
    operations = window.operation_names()
    assert operations.count("environmentPatchCommit") == 1 and operations.count("serviceInstanceDeployV2") == 1
    result = run.task(SERVICES_TASK)
    assert [s["name"] for s in result["services"] if s["changed"]] == ["api", "worker"]
    assert result["services"][1]["redeployed_for_references"] == ["api.FLAG"]
    assert "because api.FLAG changed" in run.stdout
    with traffic.window() as again_window:
        again = run_playbook(SITE, extra_vars=stack)
    again.assert_ok()
    assert again.changed == [] and again_window.mutations == [], again_window.summary()


def test_rotate_makes_a_new_secret_once(refs, sandbox, run_playbook, traffic):
    first = variables(sandbox, "api")["APP_KEY"]
    rotated = write_stack(refs_stack(flag="on", rotate="2026-12"), "refs-rotate")
    run = run_playbook(SITE, extra_vars=rotated)
    run.assert_ok()
    second = variables(sandbox, "api")["APP_KEY"]
    assert second != first and len(second) == 40
    assert second not in run.stdout
    with traffic.window() as window:
        again = run_playbook(SITE, extra_vars=rotated)
    again.assert_ok()
    assert variables(sandbox, "api")["APP_KEY"] == second
    assert again.changed == [] and window.mutations == [], window.summary()


ROLE_PLAY = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: railstack.platform.queue_worker
      vars:
        queue_worker_project: %s
        queue_worker_environment: production
        queue_worker_services:
          - name: mailer
            source: {image: "nginx:1.27"}
            deploy: {start_command: node mailer.js}
            variables_from: {service: api, exclude: [%s]}
        queue_worker_wait_interval: 1
"""


def test_the_queue_worker_role_leaves_out_what_it_is_told_to(refs, sandbox, run_playbook, traffic):
    with traffic.window() as window:
        typo = run_playbook(ROLE_PLAY % (PROJECT, "APP_ULR"))
    assert not typo.ok and window.mutations == [], window.summary()
    assert "variables_from.exclude[0]: api has no variable 'APP_ULR' to leave out; did you mean APP_URL?" in typo.stdout, typo
    run_playbook(ROLE_PLAY % (PROJECT, "APP_URL")).assert_ok()
    mailer = variables(sandbox, "mailer")
    assert "APP_URL" not in mailer and mailer["FLAG"] == "${{api.FLAG}}"
