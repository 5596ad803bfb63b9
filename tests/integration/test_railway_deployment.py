# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_deployment in real playbooks against the recording sandbox: deploy and wait, no mutation when nothing
upstream changed, check mode, injected crashes rolled back, a health probe of the sandbox's app stand-in,
lost answers, bad input."""
from __future__ import annotations

import threading
import time

import pytest
import requests

from .railway_ops_helpers import (FAST, assert_contract, behaviour, deployments, gql, make_service, no_secret_in,
                                  services_of, unique)

DEPLOY = """
- name: Deploy
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      project: "{{ project }}"
      environment: production
      service: api
  tasks:
    - name: Settings
      ansible.builtin.set_fact:
        upstream_changed: "{{ changed | default(true) | bool }}"
    - name: Deployment
      railstack.platform.railway_deployment:
        trigger: "{{ upstream_changed }}"
        wait: true
        wait_interval: 0.1
        wait_timeout: 30
      register: deployed
"""


@pytest.fixture(autouse=True)
def fast_deployments(sandbox):
    behaviour(sandbox, phase_seconds=FAST)


def test_deploy_waits_then_a_run_with_nothing_changed_sends_no_mutation(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    with traffic.window() as first:
        run = run_playbook(DEPLOY, extra_vars=dict(project=where["project"]), diff=True).assert_ok()
    result = run.task("Deployment")
    assert run.changed == ["Deployment"] and result["deployment"]["status"] == "SUCCESS"
    assert first.operation_names().count("serviceInstanceDeploy") == 1 and len(first.mutations) == 1
    assert deployments(sandbox_env, where["service_id"])[0]["id"] == result["deployment"]["id"]

    with traffic.window() as second:
        again = run_playbook(DEPLOY, extra_vars=dict(project=where["project"], changed=False)).assert_ok()
    assert again.changed == [] and again.recap["localhost"]["changed"] == 0
    assert second.mutations == [], second.summary()
    assert again.task("Deployment")["deployment"]["id"] == result["deployment"]["id"]
    assert_contract(first, "deployment-first")
    assert_contract(second, "deployment-second")


def test_check_mode_sends_no_mutation(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    before = deployments(sandbox_env, where["service_id"])
    with traffic.window() as window:
        run = run_playbook(DEPLOY, extra_vars=dict(project=where["project"]), check=True).assert_ok()
    assert run.changed == ["Deployment"]
    assert window.mutations == [], window.summary()
    assert [d["id"] for d in deployments(sandbox_env, where["service_id"])] == [d["id"] for d in before]


def test_commit_deploy_is_a_noop_once_deployed(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    play = DEPLOY.replace("trigger: \"{{ upstream_changed }}\"", "commit_sha: 3f9a2c1d")
    run = run_playbook(play, extra_vars=dict(project=where["project"])).assert_ok()
    assert run.task("Deployment")["deployment"]["commit_sha"] == "3f9a2c1d"
    with traffic.window() as window:
        again = run_playbook(play, extra_vars=dict(project=where["project"])).assert_ok()
    assert again.changed == [] and window.mutations == []


CRASH = """
- name: Deploy a crashing build
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      project: "{{ project }}"
      environment: production
      service: api
  tasks:
    - name: Deployment
      railstack.platform.railway_deployment:
        wait: true
        wait_interval: 0.1
        wait_timeout: 30
        rollback_on_failure: true
        health_check: "{{ probe | default(omit) }}"
      register: deployed
      ignore_errors: true
"""


def test_crash_is_rolled_back_and_the_task_fails_naming_both(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    run_playbook(DEPLOY, extra_vars=dict(project=where["project"])).assert_ok()
    good = deployments(sandbox_env, where["service_id"])[0]
    behaviour(sandbox, service=where["service_id"], outcome="CRASHED")
    try:
        with traffic.window() as window:
            run = run_playbook(CRASH, extra_vars=dict(project=where["project"]))
    finally:
        behaviour(sandbox, service=where["service_id"], outcome=None)
    assert run.failed == ["Deployment"]
    result = run.task("Deployment")
    assert "CRASHED" in result["msg"] and result["deployment"]["status"] == "CRASHED"
    assert result["rolled_back_to"]["id"] == good["id"]
    assert result["rollback_deployment"]["status"] == "SUCCESS"
    assert window.operation_names().count("deploymentRollback") == 1
    assert deployments(sandbox_env, where["service_id"])[0]["id"] == result["rollback_deployment"]["id"]


def test_failed_build_keeps_the_running_deployment(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    run_playbook(DEPLOY, extra_vars=dict(project=where["project"])).assert_ok()
    behaviour(sandbox, service=where["service_id"], outcome="FAILED")
    try:
        with traffic.window() as window:
            run = run_playbook(CRASH, extra_vars=dict(project=where["project"]))
    finally:
        behaviour(sandbox, service=where["service_id"], outcome=None)
    result = run.task("Deployment")
    assert run.failed == ["Deployment"] and result["deployment"]["status"] == "FAILED"
    assert result["deployment"]["id"] in result["msg"] and "nothing to roll back" in result["msg"]
    assert "deploymentRollback" not in window.operation_names()


HEALTH = """
- name: Deploy and probe
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      project: "{{ project }}"
      environment: production
      service: api
  tasks:
    - name: Railway domain
      railstack.platform.railway_domain: {}
      register: domain
    - name: Deployment
      railstack.platform.railway_deployment:
        wait: true
        wait_interval: 0.1
        health_check:
          url: "{{ sandbox_url }}/_sandbox/railway/health/{{ domain.domain.domain }}/healthz"
          body: '"status":"ok"'
          timeout: 10
          interval: 0.2
      register: deployed
"""


def test_health_check_probes_the_app_behind_the_domain(sandbox, sandbox_env, run_playbook):
    where = make_service(sandbox_env)
    run = run_playbook(HEALTH, extra_vars=dict(project=where["project"], sandbox_url=sandbox.url)).assert_ok()
    probe = run.task("Deployment")["health_check"]
    assert probe["status_code"] == 200 and probe["attempts"] >= 1


def test_health_check_failure_rolls_back(sandbox, sandbox_env, run_playbook):
    where = make_service(sandbox_env)
    run_playbook(DEPLOY, extra_vars=dict(project=where["project"])).assert_ok()
    good = deployments(sandbox_env, where["service_id"])[0]
    probe = dict(url=sandbox.url + "/_sandbox/railway/health/nothing-here.example.com", timeout=1, interval=0.2)
    run = run_playbook(CRASH, extra_vars=dict(project=where["project"], probe=probe))
    result = run.task("Deployment")
    assert run.failed == ["Deployment"] and result["msg"].startswith("health_check:") and "HTTP 404" in result["msg"]
    assert result["rolled_back_to"]["id"] == good["id"]


def test_lost_deploy_answer_makes_one_deployment(sandbox, sandbox_env, run_playbook, traffic, faults):
    where = make_service(sandbox_env)
    before = {d["id"] for d in deployments(sandbox_env, where["service_id"])}
    faults(next=[{"kind": "drop_after_commit", "api": "railway", "match": "serviceInstanceDeploy"}])
    with traffic.window() as window:
        run = run_playbook(DEPLOY, extra_vars=dict(project=where["project"])).assert_ok()
    made = [d for d in deployments(sandbox_env, where["service_id"]) if d["id"] not in before]
    assert len(made) == 1 and run.task("Deployment")["deployment"]["id"] == made[0]["id"]
    assert window.operation_names().count("serviceInstanceDeploy") == 1


def test_bad_input_fails_before_any_write_naming_the_field(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    play = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      project: "{{ project }}"
      environment: production
      service: api
  tasks:
    - name: Rollback on failure without waiting
      railstack.platform.railway_deployment:
        rollback_on_failure: true
      ignore_errors: true
    - name: Not a commit
      railstack.platform.railway_deployment:
        commit_sha: main
      ignore_errors: true
    - name: Commit with a restart
      railstack.platform.railway_deployment:
        action: restart
        commit_sha: 3f9a2c1
      ignore_errors: true
    - name: Nothing to roll back to
      railstack.platform.railway_deployment:
        action: rollback
      ignore_errors: true
    - name: Unknown environment
      railstack.platform.railway_deployment:
        environment: prod
      ignore_errors: true
"""
    with traffic.window() as window:
        run = run_playbook(play, extra_vars=dict(project=where["project"]), verbosity=4)
    assert window.mutations == [], window.summary()
    messages = {name: run.task(name)["msg"] for name in run.failed}
    assert messages["Rollback on failure without waiting"].startswith("rollback_on_failure:")
    assert messages["Not a commit"].startswith("commit_sha:")
    assert messages["Commit with a restart"].startswith("commit_sha:")
    assert messages["Nothing to roll back to"].startswith("action:")
    assert messages["Unknown environment"].startswith("environment:") and "production" in messages["Unknown environment"]
    no_secret_in(run, sandbox_env["RAILWAY_API_TOKEN"])


STACK = """
- name: A service, its domain, its deploy notifications and a deployment when it changed
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Project
      railstack.platform.railway_project:
        name: "{{ project }}"
    - name: Services
      railstack.platform.railway_services:
        project: "{{ project }}"
        environment: production
        services:
          - name: web
            source: {image: "nginx:1.27"}
            deploy: {start_command: "nginx -g 'daemon off;'"}
            variables: {PORT: "8080"}
      register: services
    - name: Domain
      railstack.platform.railway_domain:
        project: "{{ project }}"
        environment: production
        service: web
        target_port: 8080
    - name: Notifications
      railstack.platform.railway_notification:
        project: "{{ project }}"
        url: https://hooks.example.com/stack
        event_types: [deployment.failed]
    - name: Deployment
      railstack.platform.railway_deployment:
        project: "{{ project }}"
        environment: production
        service: web
        trigger: "{{ services is changed }}"
        wait: true
        wait_interval: 0.1
"""


def test_a_stack_second_run_sends_zero_mutations(sandbox, run_playbook, traffic):
    names = dict(project=unique("stack"))
    with traffic.window() as first:
        run = run_playbook(STACK, extra_vars=names).assert_ok()
    assert run.changed == ["Project", "Services", "Domain", "Notifications", "Deployment"]
    assert run.task("Deployment")["deployment"]["status"] == "SUCCESS"
    assert first.operation_names().count("serviceInstanceDeploy") == 1
    with traffic.window() as second:
        again = run_playbook(STACK, extra_vars=names).assert_ok()
    assert again.recap["localhost"]["changed"] == 0
    assert second.mutations == [], second.summary()
    assert again.task("Deployment")["deployment"]["status"] == "SUCCESS"


# ------------------------------------------------------------------ what "deploy" deploys, superseded, approval, redeploy
def make_repo_service(env, repo):
    """A project whose service `api` builds `repo` (branch main); serviceCreate with a source deploys it."""
    where = make_service(env)
    gql(env, "mutation($id: String!, $i: ServiceConnectInput!) { serviceConnect(id: $id, input: $i) { id } }",
        {"id": where["service_id"], "i": {"repo": repo, "branch": "main"}})
    return where


def push_commit(sandbox, repo):
    response = requests.post(sandbox.url + "/_sandbox/railway/repo-push", json={"repo": repo, "branch": "main"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["commit"]


def test_deploy_without_a_commit_deploys_the_head_of_the_branch(sandbox, sandbox_env, run_playbook, traffic):
    repo = "railstack/" + unique("app")
    where = make_repo_service(sandbox_env, repo)
    running = deployments(sandbox_env, where["service_id"])[0]["meta"]["commitHash"]
    head = push_commit(sandbox, repo)             # a push; Railway's serviceInstanceDeployV2 would redeploy `running`
    assert head != running
    with traffic.window() as window:
        run = run_playbook(DEPLOY, extra_vars=dict(project=where["project"])).assert_ok()
    deployed = run.task("Deployment")["deployment"]
    assert deployed["commit_sha"] == head and deployed["status"] == "SUCCESS"
    assert window.operation_names().count("serviceInstanceDeploy") == 1
    assert "serviceInstanceDeployV2" not in window.operation_names()
    assert_contract(window, "deployment-latest-commit")


def test_a_superseded_deployment_is_followed_to_the_newer_one(sandbox, sandbox_env, run_playbook):
    where = make_service(sandbox_env)
    before = {d["id"] for d in deployments(sandbox_env, where["service_id"])}
    behaviour(sandbox, phase_seconds={"QUEUED": 0.05, "BUILDING": 1.5, "DEPLOYING": 0.1})
    newer = {}

    def deploy_again_once_the_task_has():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            made = [d for d in deployments(sandbox_env, where["service_id"]) if d["id"] not in before]
            if made:
                time.sleep(0.5)           # the task has read its deployment back and is waiting for it (BUILDING)
                newer["id"] = gql(sandbox_env, "mutation($e: String!, $s: String!) { serviceInstanceDeployV2("
                                  "environmentId: $e, serviceId: $s) }",
                                  {"e": where["environment_id"], "s": where["service_id"]})["serviceInstanceDeployV2"]
                return
            time.sleep(0.05)

    other = threading.Thread(target=deploy_again_once_the_task_has)
    other.start()
    try:
        run = run_playbook(DEPLOY, extra_vars=dict(project=where["project"]))
    finally:
        other.join()
    run.assert_ok()
    result = run.task("Deployment")
    assert result["deployment"]["id"] == newer["id"] and result["deployment"]["status"] == "SUCCESS"
    first = [d for d in deployments(sandbox_env, where["service_id"]) if d["id"] not in before and d["id"] != newer["id"]]
    assert [d["status"] for d in first] in (["REMOVED"], ["SKIPPED"])
    assert any("superseded it; following that one" in w for w in result["warnings"])


def test_a_deployment_waiting_for_approval_fails_at_once_saying_so(sandbox, sandbox_env, run_playbook):
    where = make_service(sandbox_env)
    behaviour(sandbox, service=where["service_id"], needs_approval=True)
    try:
        started = time.monotonic()
        run = run_playbook(DEPLOY.replace("wait_timeout: 30", "wait_timeout: 120"), extra_vars=dict(project=where["project"]))
    finally:
        behaviour(sandbox, service=where["service_id"], needs_approval=False)
    assert run.failed == ["Deployment"] and time.monotonic() - started < 60
    msg = run.task("Deployment")["msg"]
    assert "NEEDS_APPROVAL" in msg and "approve" in msg
    assert deployments(sandbox_env, where["service_id"])[0]["status"] == "NEEDS_APPROVAL"


def test_redeploy_refused_by_railway_fails_before_any_write(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    run_playbook(DEPLOY, extra_vars=dict(project=where["project"])).assert_ok()
    behaviour(sandbox, service=where["service_id"], can_redeploy=False)
    try:
        with traffic.window() as window:
            run = run_playbook(DEPLOY.replace("trigger:", "action: redeploy\n        trigger:"),
                               extra_vars=dict(project=where["project"]))
    finally:
        behaviour(sandbox, service=where["service_id"], can_redeploy=True)
    assert run.failed == ["Deployment"] and window.mutations == []
    assert run.task("Deployment")["msg"].startswith("action: Railway cannot redeploy") and "canRedeploy" in run.stdout


ROLLBACK_STACK = """
- name: A service whose variables change, a rollback, and the next converge
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Services
      railstack.platform.railway_services:
        project: "{{ project }}"
        environment: production
        services:
          - name: api
            source: {image: "nginx:1.27"}
            variables: {MODE: "{{ mode }}"}
    - name: Rollback
      railstack.platform.railway_deployment:
        project: "{{ project }}"
        environment: production
        service: api
        action: rollback
        wait: true
        wait_interval: 0.1
      when: rollback | default(false) | bool
"""


def running_variables(sandbox, deployment_id):
    response = requests.post(sandbox.url + "/_sandbox/railway/deployment-variables", json={"deploymentId": deployment_id},
                             timeout=10)
    return {k: v["value"] for k, v in response.json()["variables"].items()}


def _settled(env, service_id):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        latest = deployments(env, service_id)[0]
        if latest["status"] in ("SUCCESS", "FAILED", "CRASHED"):
            return latest
        time.sleep(0.05)
    raise AssertionError("no deployment settled")


def test_a_rollback_warns_and_the_next_converge_deploys_the_config_again(sandbox, sandbox_env, run_playbook, traffic):
    names = dict(project=unique("rollback"))
    gql(sandbox_env, "mutation($i: ProjectCreateInput!) { projectCreate(input: $i) { id } }", {"i": {"name": names["project"]}})
    run_playbook(ROLLBACK_STACK, extra_vars=dict(names, mode="one")).assert_ok()
    service_id = services_of(sandbox_env, names["project"])["api"]
    _settled(sandbox_env, service_id)
    run_playbook(ROLLBACK_STACK, extra_vars=dict(names, mode="two")).assert_ok()
    _settled(sandbox_env, service_id)
    rolled = run_playbook(ROLLBACK_STACK, extra_vars=dict(names, mode="two", rollback=True)).assert_ok()
    rollback = rolled.task("Rollback")["deployment"]
    assert rollback["reason"] == "rollback" and running_variables(sandbox, rollback["id"]) == {"MODE": "one"}
    assert any("rollback deployment %s runs the image and the variables of deployment" % rollback["id"] in w
               for w in rolled.task("Rollback")["warnings"])

    with traffic.window() as window:
        again = run_playbook(ROLLBACK_STACK, extra_vars=dict(names, mode="two")).assert_ok()
    assert again.changed == ["Services"] and window.operation_names("railway").count("serviceInstanceDeployV2") == 1
    assert "environmentPatchCommit" not in window.operation_names("railway")        # the config was right all along
    assert any("runs rollback deployment %s" % rollback["id"] in w for w in again.task("Services")["warnings"])
    latest = _settled(sandbox_env, service_id)
    assert latest["meta"]["reason"] == "deploy" and running_variables(sandbox, latest["id"]) == {"MODE": "two"}
    assert latest["meta"].get("image") == "nginx:1.27"

    with traffic.window() as third:
        settled = run_playbook(ROLLBACK_STACK, extra_vars=dict(names, mode="two")).assert_ok()
    assert settled.changed == [] and third.mutations == []
    assert_contract(window, "deployment-reapply-after-rollback")


VARIABLES_ONLY = """
- name: The variables of a service
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Variables
      railstack.platform.railway_variables:
        project: "{{ project }}"
        environment: production
        service: api
        variables: {MODE: "{{ mode }}"}
"""


def test_railway_variables_deploys_again_a_service_left_on_a_rollbacks_variables(sandbox, sandbox_env, run_playbook,
                                                                                 traffic):
    names = dict(project=unique("rollvars"))
    gql(sandbox_env, "mutation($i: ProjectCreateInput!) { projectCreate(input: $i) { id } }", {"i": {"name": names["project"]}})
    for mode in ("one", "two"):
        run_playbook(ROLLBACK_STACK, extra_vars=dict(names, mode=mode)).assert_ok()
        _settled(sandbox_env, services_of(sandbox_env, names["project"])["api"])
    run_playbook(ROLLBACK_STACK, extra_vars=dict(names, mode="two", rollback=True)).assert_ok()
    service_id = services_of(sandbox_env, names["project"])["api"]
    with traffic.window() as window:
        again = run_playbook(VARIABLES_ONLY, extra_vars=dict(names, mode="two")).assert_ok()
    result = again.task("Variables")
    assert again.changed == ["Variables"] and result["updated"] == [] and result["redeployed_after_rollback"]
    assert window.operation_names("railway").count("serviceInstanceDeployV2") == 1
    latest = _settled(sandbox_env, service_id)
    assert latest["id"] == result["redeployed_after_rollback"] and running_variables(sandbox, latest["id"]) == {"MODE": "two"}
    with traffic.window() as settled:
        assert run_playbook(VARIABLES_ONLY, extra_vars=dict(names, mode="two")).assert_ok().changed == []
    assert settled.mutations == []
