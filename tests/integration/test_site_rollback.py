# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rollback and health through playbooks/site.yml and through each role on its own: a deploy that crashes, a build
that fails and a health probe that fails are rolled back to the previous successful deployment (unless
rollback_on_failure is off), the failure names both deployments; a rerun looks at each service's latest deployment:
it fails on a failed one and resumes waiting for one in progress; a healthy stack's second run reads no more."""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from .helpers.playbook import VENV_BIN, playbook_environment
from .helpers.sandbox import REPO_ROOT
from .railway_ops_helpers import FAST, behaviour, deployments, services_of, unique
from .site_helpers import SITE, write_report, write_stack

RUNNING = ("SUCCESS", "SLEEPING")


@pytest.fixture(autouse=True)
def fast_deployments(sandbox):
    behaviour(sandbox, phase_seconds=FAST)


def small_stack(project, release="1", rollback=True, probe_body=None):
    """A web service (with a domain and a health probe), a worker and a scheduler, all image services."""
    health_check = dict(path="/healthz", timeout=2)
    if probe_body:
        health_check["body"] = probe_body
    common = dict(variables=dict(RELEASE=release), rollback_on_failure=rollback, wait_timeout=60)
    return dict(stack=dict(project=dict(name=project), services=[
        dict(name="web", role="web", source=dict(image="nginx:1.27"), service_domain=True, health_check=health_check,
             **common),
        dict(name="worker", role="worker", source=dict(image="busybox:1.36"),
             deploy=dict(start_command="worker --queue default"), **common),
        dict(name="clock", role="scheduler", source=dict(image="busybox:1.36"),
             deploy=dict(start_command="scheduler --every-minute"), **common),
    ]))


def site(run_playbook, project, **stack_options):
    return run_playbook(SITE, extra_vars=write_stack(small_stack(project, **stack_options), project))


def running_deployment(sandbox_env, service_id):
    [running] = [d for d in deployments(sandbox_env, service_id) if d["status"] in RUNNING]
    return running


def failure_message(run):
    assert run.rc != 0, "the run did not fail\n%s" % run
    assert "Traceback" not in run.stdout + run.stderr, run
    failed = [r for r in run.results if r["status"] == "failed"]
    assert len(failed) == 1, run
    return failed[0]["result"]["msg"]


def assert_back_on(sandbox_env, service_id, previous, outcome):
    """The service runs the previous successful deployment again: still it (a failed build never replaced it) or a
    rollback to it (a crash or a failed probe did). Returns the failed deployment: the newest one but that rollback."""
    running = running_deployment(sandbox_env, service_id)
    if outcome == "FAILED":
        assert running["id"] == previous["id"], running
    else:
        assert running["meta"]["reason"] == "rollback", running
        assert running["meta"]["rollbackTargetDeploymentId"] == previous["id"], running
    newest = [d for d in deployments(sandbox_env, service_id) if d["id"] != running["id"]][0]
    return newest


@pytest.fixture
def healthy(sandbox, sandbox_env, run_playbook):
    """A converged small stack: its project name and {service: id}; the injected outcomes are undone after."""
    project = unique("rb")
    site(run_playbook, project).assert_ok()
    ids = services_of(sandbox_env, project)
    yield project, ids
    for service_id in ids.values():
        behaviour(sandbox, service=service_id, outcome=None)


# ---------------------------------------------------------------------------------------- through site.yml

@pytest.mark.parametrize("service, outcome", [("web", "CRASHED"), ("web", "FAILED"), ("worker", "CRASHED"),
                                              ("clock", "FAILED")])
def test_site_rolls_back_a_failed_deploy_and_names_both(sandbox, sandbox_env, run_playbook, traffic, healthy,
                                                        service, outcome):
    project, ids = healthy
    previous = running_deployment(sandbox_env, ids[service])
    behaviour(sandbox, service=ids[service], outcome=outcome)
    with traffic.window() as window:
        run = site(run_playbook, project, release="2")
    message = failure_message(run)
    failed = assert_back_on(sandbox_env, ids[service], previous, outcome)
    assert failed["status"] == outcome or (outcome == "CRASHED" and failed["status"] == "REMOVED")  # the rollback replaced it
    assert "deployment %s of service %s ended %s" % (failed["id"], service, outcome) in message
    assert previous["id"] in message
    rollbacks = window.operation_names().count("deploymentRollback")
    assert rollbacks == (0 if outcome == "FAILED" else 1), window.operation_names()


def test_site_rolls_back_a_deploy_whose_health_probe_fails(sandbox_env, run_playbook, healthy):
    project, ids = healthy
    previous = running_deployment(sandbox_env, ids["web"])
    run = site(run_playbook, project, release="2", probe_body="never-in-the-answer")
    message = failure_message(run)
    failed = assert_back_on(sandbox_env, ids["web"], previous, "PROBE")
    assert "services failed: web: health_check:" in message
    assert "deployment %s of service web" % failed["id"] in message and previous["id"] in message
    assert "rolled back to deployment %s" % previous["id"] in message


def test_without_rollback_nothing_is_rolled_back_and_a_rerun_fails_naming_the_service(
        sandbox, sandbox_env, run_playbook, traffic, healthy):
    project, ids = healthy
    behaviour(sandbox, service=ids["worker"], outcome="CRASHED")
    with traffic.window() as window:
        run = site(run_playbook, project, release="2", rollback=False)
    message = failure_message(run)
    assert "deploymentRollback" not in window.operation_names()
    [crashed] = [d for d in deployments(sandbox_env, ids["worker"]) if d["status"] == "CRASHED"]
    assert "deployment %s of service worker ended CRASHED" % crashed["id"] in message
    assert "Nothing was rolled back (rollback_on_failure is false)" in message
    assert not [d for d in deployments(sandbox_env, ids["worker"]) if d["status"] in RUNNING]

    with traffic.window() as window:
        rerun = site(run_playbook, project, release="2", rollback=False)
    message = failure_message(rerun)
    assert "service worker ended CRASHED" in message and crashed["id"] in message
    assert window.mutations == []          # nothing changed in the config: nothing is written, and it still fails


def test_a_rerun_rolls_back_a_crash_it_finds_when_asked(sandbox, sandbox_env, run_playbook, healthy):
    project, ids = healthy
    previous = running_deployment(sandbox_env, ids["clock"])
    behaviour(sandbox, service=ids["clock"], outcome="CRASHED")
    failure_message(site(run_playbook, project, release="2", rollback=False))
    message = failure_message(site(run_playbook, project, release="2"))
    assert_back_on(sandbox_env, ids["clock"], previous, "CRASHED")
    assert "service clock ended CRASHED" in message and "rolled back to deployment %s" % previous["id"] in message


def test_a_rerun_after_an_interrupted_deploy_wait_resumes_waiting(sandbox, sandbox_env, run_playbook, healthy):
    project, ids = healthy
    behaviour(sandbox, phase_seconds={"QUEUED": 0.05, "BUILDING": 30, "DEPLOYING": 0.1})
    stack = write_stack(small_stack(project, release="2"), project)
    killed = interrupt_at(stack, "Wait for the deploys, probe them, roll back those that fail", sandbox_env)
    assert killed, "the play never reached the deploy wait"
    assert deployments(sandbox_env, ids["web"])[0]["status"] in ("QUEUED", "BUILDING")
    # the killed run still holds the stack's lease: the rerun takes it over, as its user would (lease_take_over)
    rerun = run_playbook(SITE, extra_vars=[stack, {"lease_take_over": True}]).assert_ok()
    waits = [s["deployment"] for s in rerun.task(WAIT_TASK)["services"]]
    assert len(waits) == 3 and {w["status"] for w in waits} == {"SUCCESS"}, rerun   # no config difference, but it waited all the same
    for name in ("web", "worker", "clock"):
        assert deployments(sandbox_env, ids[name])[0]["status"] == "SUCCESS"
    summary = rerun.task("What the stack is")["msg"]
    assert any(line.startswith("production: web (web)") and "deployment SUCCESS" in line for line in summary), summary


WAIT_TASK = "railstack.platform.web_service : Wait for the deploys, probe them, roll back those that fail, in production"


def interrupt_at(stack, task, sandbox_env):
    """Run site.yml and kill it (SIGKILL, its whole process group) once it starts `task`; whether it got there."""
    cmd = [str(VENV_BIN / "ansible-playbook"), str(REPO_ROOT / SITE), "-e", stack]
    with subprocess.Popen(cmd, cwd=REPO_ROOT, env=playbook_environment(sandbox_env),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True) as proc:
        reached = False
        deadline = time.monotonic() + 300
        for line in proc.stdout:
            if task in line:
                reached = True
                time.sleep(1)               # the module has read the deployment and is waiting for it
                break
            if time.monotonic() > deadline:
                break
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return reached


def test_a_healthy_stacks_second_run_reads_no_more_and_shows_each_services_state(
        sandbox_env, run_playbook, traffic, healthy):
    project = healthy[0]
    with traffic.window() as window:   # the full path (a rerun with nothing changed skips it: test_site_fastpath.py)
        run = run_playbook(SITE, extra_vars=[write_stack(small_stack(project), project), "converge_all=true"])
    run.assert_ok()
    write_report("rollback-small-stack", second_requests=window.requests, second_mutations=len(window.mutations),
                 operations=sorted(window.operation_names()))
    assert run.changed == [] and window.mutations == []
    names = window.operation_names()
    assert "deployments" not in names and "deployment" not in names, names   # the states came with the bulk read
    summary = run.task("What the stack is")["msg"]
    for name, role in (("web", "web"), ("worker", "worker"), ("clock", "scheduler")):
        line = next(line for line in summary if line.startswith("production: %s (%s)" % (name, role)))
        assert " - deployment SUCCESS (" in line, line


# ---------------------------------------------------------------------------------------- each role on its own

ONE_ROLE = """
- name: One role on its own
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Project
      railstack.platform.railway_project:
        name: "{{ project }}"
    - name: The service
      ansible.builtin.include_role:
        name: "railstack.platform.{{ role_under_test }}"
"""
ROLE_SERVICES = {
    "web_service": dict(source=dict(image="nginx:1.27"), service_domain=True),
    "queue_worker": dict(source=dict(image="busybox:1.36"), deploy=dict(start_command="worker --queue default")),
    "scheduler": dict(source=dict(image="busybox:1.36"), deploy=dict(start_command="scheduler --every-minute")),
}


def role_vars(sandbox, role, project, release, rollback=True, probe_body=None):
    """Extra variables of ONE_ROLE: the role's list with one service called `svc`."""
    service = dict(ROLE_SERVICES[role], name="svc", variables=dict(RELEASE=release), wait_timeout=60,
                   rollback_on_failure=rollback)
    values = {"project": project, "role_under_test": role, role + "_project": project,
              role + "_environment": "production", role + "_wait_interval": 0.2, role + "_services": [service]}
    if role == "web_service":
        service["health_check"] = dict(path="/healthz", timeout=2, **({"body": probe_body} if probe_body else {}))
        values["web_service_probe_base"] = sandbox.url + "/_sandbox/railway/health"
    return values


@pytest.mark.parametrize("role, outcome", [("web_service", "CRASHED"), ("web_service", "FAILED"), ("web_service", "PROBE"),
                                           ("queue_worker", "CRASHED"), ("queue_worker", "FAILED"),
                                           ("scheduler", "CRASHED"), ("scheduler", "FAILED")])
def test_each_role_on_its_own_rolls_back_and_names_both(sandbox, sandbox_env, run_playbook, role, outcome):
    project = unique("rb-role")
    run_playbook(ONE_ROLE, extra_vars=role_vars(sandbox, role, project, "1")).assert_ok()
    service_id = services_of(sandbox_env, project)["svc"]
    previous = running_deployment(sandbox_env, service_id)
    if outcome != "PROBE":
        behaviour(sandbox, service=service_id, outcome=outcome)
    try:
        run = run_playbook(ONE_ROLE, extra_vars=role_vars(sandbox, role, project, "2",
                                                          probe_body="never-in-the-answer" if outcome == "PROBE" else None))
    finally:
        behaviour(sandbox, service=service_id, outcome=None)
    message = failure_message(run)
    failed = assert_back_on(sandbox_env, service_id, previous, outcome)
    assert "deployment %s of service svc" % failed["id"] in message and previous["id"] in message
    if outcome != "FAILED":
        assert "rolled back to deployment %s" % previous["id"] in message


def test_a_role_without_rollback_leaves_the_crash_and_its_rerun_fails(sandbox, sandbox_env, run_playbook, traffic):
    project = unique("rb-role")
    run_playbook(ONE_ROLE, extra_vars=role_vars(sandbox, "queue_worker", project, "1")).assert_ok()
    service_id = services_of(sandbox_env, project)["svc"]
    behaviour(sandbox, service=service_id, outcome="CRASHED")
    try:
        with traffic.window() as window:
            message = failure_message(run_playbook(ONE_ROLE, extra_vars=role_vars(
                sandbox, "queue_worker", project, "2", rollback=False)))
            rerun = failure_message(run_playbook(ONE_ROLE, extra_vars=role_vars(
                sandbox, "queue_worker", project, "2", rollback=False)))
    finally:
        behaviour(sandbox, service=service_id, outcome=None)
    assert "deploymentRollback" not in window.operation_names()
    assert "Nothing was rolled back" in message and "service svc ended CRASHED" in rerun
    assert not [d for d in deployments(sandbox_env, service_id) if d["status"] in RUNNING]
