# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration harness: real playbooks against one recording sandbox per test session.

Fixtures (see docs/testing.md):
  sandbox        the running sandbox (SandboxProcess): .env, .url, .client, .traffic
  sandbox_env    the sandbox's env file as a dict (RAILWAY_API_URL, RAILWAY_API_TOKEN, ...)
  run_playbook   run_playbook(playbook_path_or_text, extra_vars=None, check=False, diff=False,
                              env=None, verbosity=0, fast_path=False) -> PlaybookRun(rc, stdout, stderr, results)
                 (site.yml converges in full unless fast_path=True: helpers/playbook.py)
  traffic        traffic.mark() / traffic.since(mark) -> TrafficWindow(.requests, .mutations)
  reset_sandbox  reset_sandbox(): POST /_sandbox/reset (empty state)
  faults         faults(next=[{"kind": "500", "api": "railway"}], rate=..., ...): POST
                 /_sandbox/faults; the plan in force before the test is restored after it

The sandbox plays Railway's Hobby plan with its request budgets enforced (1,000 requests an hour and
10 a second per token). Each test that uses it starts a fresh hour (POST /_sandbox/railway/budget
{"new_window": true}) with no rate-limit state left by the collection from an earlier test.

Every provider request of the whole session is recorded in tests/output/sandbox-traffic.jsonl
(emptied when the session starts); `make contracts` checks it against the real APIs.
"""
from __future__ import annotations

import fcntl
import functools
import os
import sys

import pytest

from .helpers.playbook import RATE_STATE_DIR
from .helpers.playbook import run_playbook as _run_playbook
from .helpers.sandbox import OUTPUT, SandboxProcess

ENV_FILE = OUTPUT / "sandbox.env"
RECORDING = OUTPUT / "sandbox-traffic.jsonl"
# Config patches stay asynchronous (as at Railway), only shorter than the sandbox's default second.
SANDBOX_ARGS = ("--railway-plan", "hobby", "--realism", "patch_apply_seconds=0.2")


@pytest.fixture(scope="session")
def sandbox(pytestconfig):
    # Two sessions in one working tree (two shells, two engineers) would share the env file and
    # the recording: the second one waits for the first instead.
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with open(OUTPUT / ".integration.lock", "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            with pytestconfig.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
                print(f"\nintegration: another session in this tree (pid {lock.read().strip() or '?'}) holds "
                      f"{lock.name}; waiting for it", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.truncate(0)
        lock.write(str(os.getpid()))
        lock.flush()
        process = SandboxProcess(env_file=ENV_FILE, record=RECORDING, log_file=OUTPUT / "sandbox.log",
                                 truncate_record=True, args=SANDBOX_ARGS)
        process.start()
        try:
            yield process
        finally:
            process.stop()


@pytest.fixture(autouse=True)
def fresh_request_budget(request):
    """A fresh hour of the Hobby budget for every test that talks to the sandbox."""
    if "sandbox" not in request.fixturenames:
        return
    request.getfixturevalue("sandbox").client.new_request_window()
    for path in RATE_STATE_DIR.glob("ratelimit-*.json"):
        path.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def sandbox_env(sandbox):
    return dict(sandbox.env)


@pytest.fixture(scope="session")
def run_playbook(sandbox):
    return functools.partial(_run_playbook, sandbox_env=sandbox.env)


@pytest.fixture(scope="session")
def traffic(sandbox):
    return sandbox.traffic


@pytest.fixture
def reset_sandbox(sandbox):
    return sandbox.client.reset


@pytest.fixture
def faults(sandbox):
    before = sandbox.client.faults()
    yield sandbox.client.faults
    before.pop("seed", None)   # re-seeding would restart the random sequence
    sandbox.client.faults(before)
