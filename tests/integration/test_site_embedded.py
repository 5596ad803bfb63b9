# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""site.yml with no provider credential at all: it starts the local sandbox itself, keeps its state
in the user's cache directory, and stops it at the end, so that

    ansible-playbook playbooks/site.yml -e @examples/prela.yml     (twice)

converges, then changes nothing. This module does not use the session's sandbox: the play starts
its own (recording to a file, given through sandbox_args), with a temporary XDG_CACHE_HOME.
"""
from __future__ import annotations

import json
import os

import pytest

from .helpers.playbook import run_playbook as bare_run_playbook
from .helpers.sandbox import OUTPUT, TrafficWindow
from .site_helpers import SITE, check_recording, write_report


@pytest.fixture(scope="module")
def home():
    path = OUTPUT / "integration" / "embedded"
    if path.exists():
        import shutil  # pylint: disable=import-outside-toplevel
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] if path.exists() else []


@pytest.fixture(scope="module")
def runs(home):
    record = home / "traffic.jsonl"
    env = dict(XDG_CACHE_HOME=str(home / "cache"))
    extra = ["@examples/prela.yml", {"sandbox_args": ["--record", str(record)]}]
    first = bare_run_playbook(SITE, extra_vars=extra, env=env)
    first_count = len(lines(record))
    second = bare_run_playbook(SITE, extra_vars=extra, env=env, verbosity=4)
    entries = lines(record)
    return dict(first=first, second=second, first_traffic=TrafficWindow(entries[:first_count]),
                second_traffic=TrafficWindow(entries[first_count:]), home=home, record=record)


SANDBOX_TASK = "The local sandbox, unless provider credentials are set"


def test_no_credentials_means_the_local_sandbox(runs):
    first = runs["first"].assert_ok()
    assert first.task(SANDBOX_TASK)["changed"] is False
    assert first.task("Take the stack's lease")["changed"] is True
    assert runs["first_traffic"].mutations


def test_the_run_says_it_is_against_the_sandbox_at_its_start_and_end(runs):
    for run in (runs["first"], runs["second"]):
        start = run.task("This run is against the local sandbox")["msg"]
        end = run.task("This run was against the local sandbox")["msg"]
        assert start.startswith("This run uses the LOCAL SANDBOX at http://127.0.0.1:") and "no provider credential" in start
        assert "nothing was sent to a real provider" in end
        names = [r["task"] for r in run.results]
        assert names.index("This run is against the local sandbox") < names.index("Railway project")
        assert names[-1] == "This run was against the local sandbox"


def test_the_second_run_sees_the_first_ones_state_and_changes_nothing(runs):
    second = runs["second"].assert_ok()
    assert second.changed == [] and second.recap["localhost"]["changed"] == 0
    assert runs["second_traffic"].mutations == [], runs["second_traffic"].summary()
    write_report("prela_embedded", first_requests=runs["first_traffic"].requests,
                 first_mutations=len(runs["first_traffic"].mutations), second_requests=runs["second_traffic"].requests,
                 second_mutations=len(runs["second_traffic"].mutations))


def test_the_state_is_kept_in_the_cache_and_the_sandbox_stopped(runs):
    directory = runs["home"] / "cache" / "railstack" / "sandbox"
    state = json.loads((directory / "state.json").read_text(encoding="utf-8"))
    assert [p["name"] for p in state["railway"]["projects"].values()] == ["prela-backend"]
    assert not (directory / "sandbox.pid").exists() and not (directory / "sandbox.env").exists()


def test_its_fake_credentials_stay_out_of_the_output(runs):
    from railstack_sandbox.credentials import Credentials  # pylint: disable=import-outside-toplevel
    fake = Credentials()
    for value in (fake.railway, fake.stripe, fake.clerk, fake.cloudflare):
        assert value and value not in runs["second"].stdout + runs["second"].stderr     # the second run is at -vvvv


def test_sandbox_false_never_starts_one(home):
    run = bare_run_playbook(SITE, extra_vars=["@examples/prela.yml", {"sandbox": "false"}],
                            env=dict(XDG_CACHE_HOME=str(home / "false")))
    assert not run.ok
    assert run.task(SANDBOX_TASK)["msg"].startswith("start_without_credentials: no provider credential is set")
    assert "railway: RAILWAY_API_TOKEN (or RAILWAY_TOKEN)" in run.task(SANDBOX_TASK)["msg"]
    assert not run.tasks("Railway project") and not (home / "false" / "railstack" / "sandbox" / "sandbox.pid").exists()


@pytest.mark.parametrize("given", [
    {"STRIPE_API_KEY": "sk_test_51RealLookingKeyOfTheUser", "RAILWAY_API_TOKN": "misspelled"},
    {"RAILWAY_API_TOKEN": "a-real-looking-railway-token"},
], ids=["stripe-only", "railway-only"])
def test_a_partial_set_of_credentials_fails_before_any_request(home, given):
    """The issue's case: a Stripe key set, the Railway variable misspelled. No sandbox, no request, names what is missing."""
    record = home / "partial.jsonl"
    run = bare_run_playbook(SITE, extra_vars=["@examples/prela.yml", {"sandbox_args": ["--record", str(record)]}],
                            env=dict(given, XDG_CACHE_HOME=str(home / "partial")))
    assert not run.ok
    msg = run.task(SANDBOX_TASK)["msg"]
    assert msg.startswith("providers: missing credentials") and "clerk: CLERK_SECRET_KEY" in msg
    assert ("railway: RAILWAY_API_TOKEN" in msg) == ("RAILWAY_API_TOKEN" not in given)
    assert not run.tasks("Railway project") and not run.tasks("Stripe products")
    assert not record.exists() and not (home / "partial" / "railstack" / "sandbox" / "sandbox.pid").exists()
    for value in given.values():
        assert value not in run.stdout + run.stderr


def test_the_recording_passes_the_contracts(runs):
    check_recording(runs["first_traffic"].entries + runs["second_traffic"].entries, "embedded")


def test_a_sandbox_left_running_is_reused(home):
    """A play that failed left its sandbox: the next run finds it (same state) instead of starting another."""
    env = dict(XDG_CACHE_HOME=str(home / "keep"))
    play = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Start
      railstack.platform.sandbox:
      register: started
    - name: Again
      railstack.platform.sandbox:
      register: again
    - name: Same
      ansible.builtin.assert:
        that: started.pid == again.pid and not again.started and started.started
"""
    run = bare_run_playbook(play, env=env).assert_ok()
    pid_file = home / "keep" / "railstack" / "sandbox" / "sandbox.pid"
    pid = int(pid_file.read_text(encoding="utf-8"))
    stop = bare_run_playbook("""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Stop
      railstack.platform.sandbox:
        state: stopped
""", env=env).assert_ok()
    assert stop.task("Stop")["stopped"] is True and run.ok
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_sandbox_true_never_sends_the_environments_credentials_to_it(home):
    """-e sandbox=true with credentials in the environment: every provider gets the sandbox's own fake credentials
    (the sandbox refuses any other key, so one real credential sent to it would fail the run)."""
    real = {"STRIPE_API_KEY": "sk_test_51UsersOwnStripeKeyNotTheSandboxes", "RAILWAY_API_TOKEN": "users-own-railway-token",
            "CLERK_SECRET_KEY": "sk_test_UsersOwnClerkKey", "CLOUDFLARE_API_TOKEN": "users-own-cloudflare-token"}
    run = bare_run_playbook(SITE, extra_vars=["@examples/prela.yml", {"sandbox": "true"}],
                            env=dict(real, XDG_CACHE_HOME=str(home / "forced"))).assert_ok()
    assert run.task("Take the stack's lease")["changed"] is True        # the lease step creates the project
    assert "This run uses the LOCAL SANDBOX" in run.task("This run is against the local sandbox")["msg"]
    for value in real.values():
        assert value not in run.stdout + run.stderr
