# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two runs of one stack at once (docs/railway.md, "Two runs at once"): site.yml's lease.

Two site.yml runs started together against one empty sandbox (with latency, so they overlap) end with
one project, one of each service and one active price per product; the second run waited for the
first; a rerun changes nothing. A lease whose run was killed is taken over; a stack duplicated by hand
is reported with what to delete, and nothing is written.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from .helpers.playbook import REPO_ROOT, VENV_BIN, playbook_environment
from .site_helpers import SITE, SandboxState, ref, write_stack

NAME = "race-stack"
LEASE = "railstack-lease"


def race_stack(name=NAME):
    return dict(stack=dict(
        project=dict(name=name, description="two runs at once"),
        environments=[dict(name="production")],
        databases=[dict(name="Postgres", engine="postgres")],
        services=[dict(name="api", role="worker", source=dict(image="ghcr.io/acme/api:1"), deploy=dict(start_command="run-worker"),
                       variables=dict(DATABASE_URL=ref("Postgres.DATABASE_URL")))],
        stripe=dict(products=[dict(id="race_pro", name="Pro")],
                    prices=[dict(lookup_key="race_pro_monthly", product="race_pro", currency="usd",
                                 unit_amount=900, recurring=dict(interval="month"))]),
    ))


@pytest.fixture(scope="module")
def stack_file():
    return write_stack(race_stack(), "race")


@pytest.fixture
def latency(faults):
    faults(latency_ms=50)


def assert_one_of_each(sandbox, name=NAME):
    state = SandboxState(sandbox)            # .project() asserts there is at most one of the name
    project = state.project(name)
    assert project is not None
    assert set(state.services(project)) == {"Postgres", "api"}      # no duplicate, and no lease left behind
    prices = [p for p in state.stripe("prices") if p["product"] == "race_pro" and p["active"]]
    assert len(prices) == 1, prices
    return project


@pytest.mark.parametrize("trial", [1, 2, 3])
def test_two_runs_at_once_make_one_stack_and_the_second_waits_for_the_first(
        trial, sandbox, reset_sandbox, latency, run_playbook, traffic, stack_file):
    reset_sandbox()
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: run_playbook(SITE, extra_vars=stack_file), range(2)))
    for run in runs:
        run.assert_ok()
    assert_one_of_each(sandbox)
    leases = [run.task("Take the stack's lease") for run in runs]
    waited = [lease for lease in leases if lease["waited_for"]]
    assert len(waited) == 1, leases                          # the second one waited, naming the first
    first = next(lease for lease in leases if not lease["waited_for"])
    assert waited[0]["waited_for"]["run"] == first["lease"]["holder"]["run"]
    assert waited[0]["lease"]["project_id"] == first["lease"]["project_id"]

    with traffic.window() as again:
        rerun = run_playbook(SITE, extra_vars=stack_file, fast_path=True)
    rerun.assert_ok()
    assert rerun.recap["localhost"]["changed"] == 0 and again.mutations == [], again.summary()
    # nothing changed since this machine's last converge (the second of the two runs recorded it): the fast path
    # takes no lease
    assert rerun.task("Check what needs the providers' state before any write")["converged"] is True
    assert again.lease_requests == [], again.summary()


def test_without_waiting_the_second_run_fails_naming_the_holder(
        sandbox, reset_sandbox, latency, run_playbook, stack_file):
    reset_sandbox()
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: run_playbook(SITE, extra_vars=[stack_file, {"lease_wait": 0}]), range(2)))
    failed = [run for run in runs if not run.ok]
    assert len(failed) == 1, [run.recap for run in runs]
    winner = next(run for run in runs if run.ok)
    holder = winner.task("Take the stack's lease")["lease"]["holder"]["run"]
    message = failed[0].task("Take the stack's lease")["msg"]
    assert message.startswith("project: another run of this stack holds its lease") and holder in message
    assert not failed[0].tasks("Railway project")          # it stopped at the lease
    assert_one_of_each(sandbox)


def _lease_services(sandbox):
    return [s for s in sandbox.client.state()["railway"]["services"].values()
            if s["name"] == LEASE and not s.get("deletedAt")]


def test_a_lease_left_by_a_killed_run_blocks_then_is_taken_over(sandbox, reset_sandbox, sandbox_env, run_playbook):
    reset_sandbox()
    stack = write_stack(race_stack(), "race-killed")
    env = playbook_environment(sandbox_env)
    killed = subprocess.Popen([str(VENV_BIN / "ansible-playbook"), str(REPO_ROOT / SITE), "-e", stack], cwd=REPO_ROOT,
                              env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    deadline = time.monotonic() + 120
    while not _lease_services(sandbox) and time.monotonic() < deadline and killed.poll() is None:
        time.sleep(0.05)
    os.killpg(killed.pid, signal.SIGKILL)                   # kill -9: its release never runs
    killed.wait()
    assert len(_lease_services(sandbox)) == 1

    blocked = run_playbook(SITE, extra_vars=[stack, {"lease_wait": 0}])
    assert not blocked.ok
    assert "another run of this stack holds its lease" in blocked.task("Take the stack's lease")["msg"]

    # stale after lease_ttl_minutes: 0 here stands for "the killed run's lease has outlived the ttl"
    taken = run_playbook(SITE, extra_vars=[stack, {"lease_ttl_minutes": 0}])
    taken.assert_ok()
    warnings = " ".join(taken.task("Take the stack's lease").get("warnings", []))
    assert "Took over the lease" in warnings and "older than ttl_minutes=0" in warnings
    assert_one_of_each(sandbox)
    assert _lease_services(sandbox) == []
    run_playbook(SITE, extra_vars=stack).assert_ok()


CREATE_PROJECT = ("mutation projectCreate($input: ProjectCreateInput!) { projectCreate(input: $input) { id } }")


def test_a_stack_duplicated_by_hand_is_reported_with_what_to_delete_and_nothing_written(
        sandbox, reset_sandbox, run_playbook, traffic, stack_file):
    reset_sandbox()
    run_playbook(SITE, extra_vars=stack_file).assert_ok()
    kept = SandboxState(sandbox).project(NAME)["id"]
    import requests  # pylint: disable=import-outside-toplevel
    answer = requests.post(sandbox.env["RAILWAY_API_URL"], json=dict(query=CREATE_PROJECT, variables=dict(
        input=dict(name=NAME))), headers={"Authorization": "Bearer %s" % sandbox.env["RAILWAY_API_TOKEN"]}, timeout=10)
    extra = answer.json()["data"]["projectCreate"]["id"]
    for check in (False, True):
        with traffic.window() as window:
            run = run_playbook(SITE, extra_vars=stack_file, check=check)
        assert not run.ok
        message = run.task("Take the stack's lease")["msg"]
        assert message.startswith("name: 2 Railway projects are called %r" % NAME)
        assert "Keep %s and delete %s" % (kept, extra) in message
        assert window.mutations == [] and window.lease_requests == []
