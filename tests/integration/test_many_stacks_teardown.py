# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""teardown.yml, rollback.yml and promote.yml on the railstack.platform.stacks inventory (docs/many-stacks.md).

Three generated stacks (many-01: production; many-02 and many-04: production and staging) converge once. Without
--limit the three playbooks refuse before any request; teardown --limit one host removes that environment only,
and the other stacks and environments then converge with changed=0; a whole stack's hosts remove the project; the
first environment alone is refused; promote promotes staging into each chosen production host; rollback rolls back
each chosen host's own environment. Each takes its stack's lease and releases it.
"""
from __future__ import annotations

import pytest

from .helpers.sandbox import OUTPUT
from .site_helpers import SITE, SandboxState
from .test_many_stacks import small_stack, write_yaml

TEARDOWN = "playbooks/teardown.yml"
ROLLBACK = "playbooks/rollback.yml"
PROMOTE = "playbooks/promote.yml"
INDEXES = (1, 2, 4)
LEASE = "railstack-lease"


@pytest.fixture(scope="module")
def stacks_inventory():
    """inventories/few.stacks.yml over three stacks; (path, {name: environments})."""
    root = OUTPUT / "integration" / "many-stacks-teardown"
    folder = root / "stacks"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yml"):
        old.unlink()
    stacks = {}
    for index in INDEXES:
        name, data = small_stack(index)
        write_yaml(folder / ("%s.yml" % name), data)
        stacks[name] = [e["name"] for e in data["stack"]["environments"]]
    inventory = root / "inventories" / "few.stacks.yml"
    inventory.parent.mkdir(exist_ok=True)
    inventory.write_text("plugin: railstack.platform.stacks\npaths:\n  - ../stacks\n", encoding="utf-8")
    return inventory, stacks


@pytest.fixture(scope="module")
def converged(sandbox, run_playbook, stacks_inventory):
    inventory, stacks = stacks_inventory
    sandbox.client.reset()
    run_playbook(SITE, args=["-i", str(inventory), "-f", "5"]).assert_ok()
    return inventory, stacks


def live_environments(state, project):
    return {e["name"] for e in state.railway["environments"].values()
            if e["projectId"] == project["id"] and not e.get("deletedAt")}


@pytest.mark.parametrize("playbook, word", [(TEARDOWN, "teardown_all"), (ROLLBACK, "rollback_all"),
                                            (PROMOTE, "promote_all")])
def test_without_limit_each_playbook_refuses_before_any_request(run_playbook, traffic, stacks_inventory,
                                                                playbook, word):
    inventory, stacks = stacks_inventory
    hosts = {"%s.%s" % (name, env) for name, envs in stacks.items() for env in envs}
    with traffic.window() as window:
        run = run_playbook(playbook, args=["-i", str(inventory)])
    assert not run.ok
    assert window.requests == 0, window.summary()
    assert set(run.recap) == hosts and all(run.recap[h]["failed"] == 1 for h in hosts), run.recap
    assert "the hosts you choose: pick them with --limit" in run.stdout
    assert "-e %s=true" % word in run.stdout


def test_teardown_of_one_host_removes_its_environment_only(converged, sandbox, run_playbook, traffic):
    inventory, stacks = converged
    with traffic.window() as dry_window:
        dry = run_playbook(TEARDOWN, args=["-i", str(inventory), "--limit", "many-02.staging"], check=True)
    dry.assert_ok()
    assert dry_window.mutations == [] and dry_window.lease_requests == [], dry_window.summary()
    assert "The environment" in dry.changed

    with traffic.window() as window:
        run = run_playbook(TEARDOWN, args=["-i", str(inventory), "--limit", "many-02.staging"])
    run.assert_ok()
    assert set(run.recap) == {"many-02.staging"}
    assert window.operation_names().count("railstackLeaseTake") == 1, window.summary()
    assert window.operation_names().count("railstackLeaseRelease") == 1, window.summary()
    deletes = [op for op in window.operation_names() if op.endswith("Delete") and op != "railstackLeaseRelease"]
    assert deletes == ["environmentDelete"], window.summary()
    state = SandboxState(sandbox)
    project = state.project("many-02")
    assert live_environments(state, project) == {"production"}
    assert set(state.services(project)) == {"Postgres", "web"}        # the lease service is gone again
    for name in ("many-01", "many-04"):
        assert live_environments(state, state.project(name)) == set(stacks[name])

    # the others converge with nothing to change, and no lease was left behind (lease_wait 0 would fail on one)
    with traffic.window() as again:
        rest = run_playbook(SITE, extra_vars={"lease_wait": 0},
                            args=["-i", str(inventory), "-f", "5", "--limit", "!many-02.staging"])
    rest.assert_ok()
    assert rest.changed == [] and again.mutations == [], again.summary()


def test_teardown_of_the_first_environment_alone_is_refused(converged, sandbox, run_playbook, traffic):
    inventory, dummy = converged
    with traffic.window() as window:
        run = run_playbook(TEARDOWN, args=["-i", str(inventory), "--limit", "many-04.production"])
    assert not run.ok
    assert "many-04.production: production is the first environment of project many-04, which the project holds: " \
           "tear down the whole stack, every host of it in the play (--limit stack_many_04)" in run.stdout
    assert window.requests == 0, window.summary()
    assert SandboxState(sandbox).project("many-04") is not None


STAGING_CHANGE = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Staging tries another start command
      railstack.platform.railway_services:
        project: many-04
        environment: staging
        services:
          - name: web
            deploy:
              start_command: web --workers 5
"""


def test_promote_promotes_into_each_chosen_hosts_environment(converged, sandbox, run_playbook, traffic):
    inventory, dummy = converged
    run_playbook(STAGING_CHANGE).assert_ok()
    with traffic.window() as window:
        run = run_playbook(PROMOTE, args=["-i", str(inventory), "-f", "5", "--limit", "stack_many_04"])
    run.assert_ok()
    assert set(run.recap) == {"many-04.production", "many-04.staging"}
    promoted = {r["host"] for r in run.results if r["task"].startswith("Settings of") and r["status"] == "changed"}
    assert promoted == {"many-04.production"}                   # the staging host is the source: it ends
    assert window.operation_names().count("railstackLeaseTake") == 1, window.summary()
    state = SandboxState(sandbox)
    project = state.project("many-04")
    assert state.instance(project, "production", "web")["deploy"]["startCommand"] == "web --workers 5"
    assert LEASE not in state.services(project)


def test_teardown_of_every_host_of_a_stack_removes_the_project(converged, sandbox, run_playbook, traffic):
    inventory, stacks = converged
    with traffic.window() as window:
        run = run_playbook(TEARDOWN, args=["-i", str(inventory), "-f", "5", "--limit", "stack_many_04"])
    run.assert_ok()
    assert set(run.recap) == {"many-04.production", "many-04.staging"}
    assert [r["host"] for r in run.tasks("The whole stack") if r["status"] != "skipped"] == ["many-04.production"]
    assert window.operation_names().count("railstackLeaseTake") == 1, window.summary()
    assert window.operation_names().count("projectDelete") == 1, window.summary()
    assert "railstackLeaseRelease" not in window.operation_names()      # the lease went with the project
    state = SandboxState(sandbox)
    assert state.project("many-04") is None
    assert state.project("many-01") is not None and live_environments(state, state.project("many-01")) == {"production"}
    with traffic.window() as window:
        again = run_playbook(TEARDOWN, args=["-i", str(inventory), "--limit", "stack_many_04"])
    again.assert_ok()
    assert again.changed == [] and window.mutations == [] and window.lease_requests == [], window.summary()
    assert "project many-04 does not exist: nothing to tear down" in again.stdout


REDEPLOY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: A second deployment of web
      railstack.platform.railway_deployment:
        project: "{{ item }}"
        environment: production
        service: web
        action: redeploy
        wait: true
        wait_interval: 0.2
      loop: [many-01, many-02]
"""


def test_rollback_rolls_back_each_hosts_own_environment(converged, sandbox, run_playbook, traffic):
    inventory, dummy = converged
    redeployed = run_playbook(REDEPLOY).assert_ok().items("A second deployment of web")
    latest = {r["item"]: r["deployment"]["id"] for r in redeployed}
    hosts = "many-01.production,many-02.production"
    with traffic.window() as window:
        run = run_playbook(ROLLBACK, extra_vars={"rollback_services": "web"},
                           args=["-i", str(inventory), "-f", "5", "--limit", hosts])
    run.assert_ok()
    assert window.operation_names().count("deploymentRollback") == 2, window.summary()
    assert window.operation_names().count("railstackLeaseTake") == 2, window.summary()
    assert window.operation_names().count("railstackLeaseRelease") == 2, window.summary()
    rolled = {r["host"]: r["result"]["deployment"] for r in run.tasks("Roll back to the previous successful deployment",
                                                                      include_items=True) if "item" in r}
    assert set(rolled) == {"many-01.production", "many-02.production"}
    for host, deployment in rolled.items():
        assert deployment["status"] == "SUCCESS" and deployment["id"] != latest[host.split(".")[0]]
    state = SandboxState(sandbox)
    assert LEASE not in state.services(state.project("many-01"))
