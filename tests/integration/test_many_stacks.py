# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Many stacks at once (docs/many-stacks.md): the railstack.platform.stacks inventory and site.yml, forks 6.

Six generated stacks (a web service and a postgres; two environments for half of them) converge in one run,
each environment a host; a second run changes nothing and writes nothing. A broken stack file among them fails
its host only, before any request names it, while the others converge; no project or service is made twice.
"""
from __future__ import annotations

import json
import time

import pytest
import yaml

from .helpers.sandbox import OUTPUT
from .site_helpers import SITE, SandboxState, Unsafe, ref, write_report

COUNT = 6
BROKEN = "broken-stack"


def small_stack(index):
    name = "many-%02d" % index
    environments = [dict(name="production")] + ([dict(name="staging")] if index % 2 == 0 else [])
    return name, dict(stack=dict(
        project=dict(name=name),
        environments=environments,
        databases=[dict(name="Postgres", engine="postgres")],
        services=[dict(name="web", role="web", source=dict(image="ghcr.io/acme/web:1"),
                       variables=dict(DATABASE_URL=ref("Postgres.DATABASE_URL")))],
    ))


class _Dumper(yaml.SafeDumper):
    """Railway references (site_helpers.ref) written with !unsafe, as a user writes them."""


_Dumper.add_representer(Unsafe, lambda dumper, value: dumper.represent_scalar("!unsafe", str(value)))


def write_yaml(path, data):
    path.write_text(yaml.dump(data, Dumper=_Dumper, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def stacks_inventory():
    """inventories/many.stacks.yml over stacks/ holding six stacks and one broken file; (path, {name: envs})."""
    root = OUTPUT / "integration" / "many-stacks"
    folder = root / "stacks"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yml"):
        old.unlink()
    stacks = {}
    for index in range(1, COUNT + 1):
        name, data = small_stack(index)
        write_yaml(folder / ("%s.yml" % name), data)
        stacks[name] = [e["name"] for e in data["stack"]["environments"]]
    (folder / ("%s.yml" % BROKEN)).write_text("stack:\n  project: [not, a, mapping\n", encoding="utf-8")
    inventory = root / "inventories" / "many.stacks.yml"
    inventory.parent.mkdir(exist_ok=True)
    inventory.write_text("plugin: railstack.platform.stacks\npaths:\n  - ../stacks\n", encoding="utf-8")
    return inventory, stacks


def requests_naming(entries, text):
    return [e for e in entries if text in json.dumps(e)]


def assert_one_of_each(sandbox, stacks):
    state = SandboxState(sandbox)              # .project() asserts at most one project of the name
    for name, environments in stacks.items():
        project = state.project(name)
        assert project is not None, name
        assert set(state.services(project)) == {"Postgres", "web"}, (name, state.services(project))
        for environment in environments:
            assert state.environment(project, environment)
    assert state.project(BROKEN) is None


def test_six_stacks_converge_in_parallel_then_change_nothing(
        sandbox, reset_sandbox, run_playbook, traffic, stacks_inventory):
    inventory, stacks = stacks_inventory
    hosts = ["%s.%s" % (name, env) for name, envs in stacks.items() for env in envs]
    reset_sandbox()
    started = time.monotonic()
    with traffic.window() as first_traffic:
        first = run_playbook(SITE, args=["-i", str(inventory), "-f", "6"])
    seconds = time.monotonic() - started
    recap = first.recap
    assert recap[BROKEN]["failed"] == 1, first
    failed = [r["host"] for r in first.tasks("The stack file of this host can be read") if r["status"] == "failed"]
    assert failed == [BROKEN]
    assert all(recap[host]["failed"] == 0 for host in hosts), first
    assert set(recap) == set(hosts) | {BROKEN}
    assert requests_naming(first_traffic.entries, BROKEN) == []
    assert_one_of_each(sandbox, stacks)
    leases = [r["host"] for r in first.tasks("Take the stack's lease") if r["status"] != "skipped"]
    assert sorted(leases) == sorted("%s.production" % name for name in stacks)     # one per stack, its first host

    with traffic.window() as second_traffic:
        second = run_playbook(SITE, args=["-i", str(inventory), "-f", "6", "--limit", "!%s" % BROKEN])
    second.assert_ok()
    assert second.changed == [], second.changed
    assert all(host["changed"] == 0 for host in second.recap.values()), second.recap
    assert second_traffic.mutations == [], second_traffic.summary()
    assert_one_of_each(sandbox, stacks)
    # as a user's terminal runs it (the fast path): each stack's first host finds nothing changed since the full run
    # above recorded it, and none of its hosts converges: no lease, no write, the providers' state read once a stack
    with traffic.window() as third_traffic:
        third = run_playbook(SITE, args=["-i", str(inventory), "-f", "6", "--limit", "!%s" % BROKEN], fast_path=True)
    third.assert_ok()
    assert all(host["changed"] == 0 for host in third.recap.values()), third.recap
    assert third_traffic.mutations == [] and third_traffic.lease_requests == [], third_traffic.summary()
    fast = [r["host"] for r in third.tasks("Nothing changed since this machine's last converge") if r["status"] == "ok"]
    assert sorted(fast) == sorted("%s.production" % name for name in stacks), third.recap    # each stack's first host
    assert {r["status"] for r in third.tasks("Converge the stack")} == {"skipped"}, third.recap
    assert third_traffic.requests < second_traffic.requests // 2, (third_traffic.summary(), second_traffic.summary())
    # Hobby's 10 requests a second is shared by the six forks: each reads the others' sends before its own. A few
    # may cross in flight (and are retried); forks that each kept their own pace had about a quarter refused.
    refused = [e for e in first_traffic.entries + second_traffic.entries if e.get("status") == 429]
    assert len(refused) <= (first_traffic.requests + second_traffic.requests) // 10, second_traffic.summary()
    write_report("many_stacks_forks_6", stacks=len(stacks), hosts=len(hosts), first_run_seconds=round(seconds, 1),
                 first_run_requests=first_traffic.requests, second_run_requests=second_traffic.requests,
                 requests_refused_429=len(refused))


def test_limit_converges_one_environment_and_its_stack_parts(
        sandbox, reset_sandbox, run_playbook, traffic, stacks_inventory):
    inventory, stacks = stacks_inventory
    reset_sandbox()
    run = run_playbook(SITE, args=["-i", str(inventory), "-f", "6", "--limit", "many-02.staging"])
    run.assert_ok()
    assert set(run.recap) == {"many-02.staging"}
    state = SandboxState(sandbox)
    project = state.project("many-02")
    assert set(state.services(project)) == {"Postgres", "web"}
    assert state.environment(project, "staging")
    assert state.project("many-01") is None


HOLD_LEASE = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Another run holds the lease
      railstack.platform.railway_lease:
        project: many-02
      register: held
    - name: Its id
      ansible.builtin.debug:
        var: held.lease.id
"""


def test_when_the_first_host_fails_the_stack_its_other_hosts_fail_before_writing(
        sandbox, reset_sandbox, run_playbook, traffic, stacks_inventory):
    inventory, dummy = stacks_inventory
    reset_sandbox()
    held = run_playbook(HOLD_LEASE).assert_ok().task("Another run holds the lease")
    with traffic.window() as blocked_traffic:
        blocked = run_playbook(SITE, extra_vars={"lease_wait": 0},
                               args=["-i", str(inventory), "-f", "6", "--limit", "stack_many_02"])
    assert not blocked.ok
    failed = {r["host"]: r["result"]["msg"] for r in blocked.results if r["status"] == "failed"}
    assert set(failed) == {"many-02.production", "many-02.staging"}, failed
    assert "another run of this stack holds its lease" in failed["many-02.production"]
    assert failed["many-02.staging"].startswith("many-02.production failed to converge what belongs to the whole")
    assert blocked_traffic.mutations == [], blocked_traffic.summary()
    release = run_playbook(SITE, extra_vars={"lease_take_over": True},
                           args=["-i", str(inventory), "--limit", "stack_many_02"])
    release.assert_ok()
    taken = [r["result"] for r in release.tasks("Take the stack's lease") if r["status"] != "skipped"]
    assert len(taken) == 1 and taken[0]["lease"]["id"] != held["lease"]["id"]
