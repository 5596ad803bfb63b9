# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A sliced job template over the stacks inventory, run the way AWX runs its slices.

How AWX slices (job_slice_count = N):

* the inventory is synced first: AWX runs `ansible-inventory --list` on the inventory source (here
  inventories/stacks.stacks.yml, the railstack.platform.stacks plugin) and stores hosts, groups and
  host variables;
* a launch becomes a workflow of N jobs; job k (1-based) gets an inventory with only its slice of the
  hosts. AWX source, awx/main/models/inventory.py, Inventory.get_script_data():
      hosts = self.hosts.filter(enabled=True).order_by('name')
      if slice_count > 1 and slice_number > 0:
          hosts = hosts[slice_number - 1::slice_count]
  i.e. the enabled hosts sorted by name, slice k = hosts[k-1::N]; AWX's docs ("Job Slicing"): "The
  inventory fed into ansible-playbook is a pared-down version of the original inventory that only
  contains the hosts in that particular slice", and slicing "implies allow_simultaneous": the N jobs
  run at the same time (here: at once, each with forks 5);
* each job runs ansible-runner in a private data dir of its own, the inventory being a script AWX
  writes that prints the slice as JSON.

So this test syncs the inventory once and runs the workflow of extensions/awx/job_templates.yml the
way AWX would: its staging node, then its production node, each the sliced job template on a
constructed inventory of one environment of every stack (the synced hosts of group env_<name>), cut
into slice 1/2 and 2/2, both slices at the same time through ansible-runner; then the staging node
once more. The stack files live in one project directory, which the inventory sync and every job see
at the same path (as in AWX, where the project is /runner/project in every execution environment
container; the plugin's railstack_stack_file is an absolute path).

A constructed inventory of one environment holds one host per stack, so no two slices share a stack.
Slices of the whole inventory do: site.yml holds each stack's lease for its whole run, and takes its
leases one host at a time in host-name order, so of two slices sharing several stacks one waits for the
other instead of each holding a lease the other waits for (docs/awx.md, section 7).
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml

from .helpers.playbook import RATE_STATE_DIR
from .helpers.sandbox import OUTPUT, REPO_ROOT, clean_environ, railway_operations

VENV_BIN = REPO_ROOT / ".venv" / "bin"
WORK = OUTPUT / "awx-slicing"
SLICES = 2
FORKS = 5

_spec = importlib.util.spec_from_file_location("awx_rules", REPO_ROOT / "tests" / "unit" / "extensions" / "awx_rules.py")
awx_rules = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(awx_rules)
CREDENTIAL_TYPES = {ct["name"]: ct for ct in yaml.safe_load(
    (REPO_ROOT / "extensions" / "awx" / "credential_types.yml").read_text(encoding="utf-8"))["credential_types"]}
RAILWAY = {"api_token": "RAILWAY_API_TOKEN", "api_url": "RAILWAY_API_URL"}


def awx_slice(hosts: list[str], number: int, count: int) -> list[str]:
    """The hosts of slice `number` of `count`, as AWX picks them (see the module docstring)."""
    ordered = sorted(hosts)
    return ordered[number - 1::count] if count > 1 and number > 0 else ordered


def slice_inventory(synced: dict, hosts: list[str]) -> dict:
    """The synced inventory (ansible-inventory --list) pared down to `hosts`, groups kept."""
    keep = set(hosts)
    data = {"_meta": {"hostvars": {h: v for h, v in synced["_meta"]["hostvars"].items() if h in keep}}}
    for name, group in synced.items():
        if name == "_meta":
            continue
        data[name] = {k: v for k, v in group.items() if k != "hosts"}
        if "hosts" in group:
            data[name]["hosts"] = [h for h in group["hosts"] if h in keep]
    return data


def test_awx_slice_picks_every_nth_host_of_the_sorted_inventory():
    hosts = ["b.staging", "a.production", "c.production", "a.staging", "b.production"]
    assert awx_slice(hosts, 1, 2) == ["a.production", "b.production", "c.production"]
    assert awx_slice(hosts, 2, 2) == ["a.staging", "b.staging"]
    assert awx_slice(hosts, 1, 1) == sorted(hosts)
    synced = {"_meta": {"hostvars": {h: {"x": h} for h in hosts}}, "all": {"children": ["env_staging"]},
              "env_staging": {"hosts": ["a.staging", "b.staging"]}}
    assert slice_inventory(synced, ["a.staging"]) == {
        "_meta": {"hostvars": {"a.staging": {"x": "a.staging"}}}, "all": {"children": ["env_staging"]},
        "env_staging": {"hosts": ["a.staging"]}}


@pytest.fixture(scope="module")
def awx_project(sandbox_env):
    """The project directory (stack files, the inventory source, site.yml) and the jobs' environment."""
    shutil.rmtree(WORK, ignore_errors=True)
    project = WORK / "project"
    (project / "stacks").mkdir(parents=True)
    (project / "inventories").mkdir()
    link = project / "collections" / "ansible_collections" / "railstack" / "platform"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO_ROOT, target_is_directory=True)
    (project / "site.yml").write_text(
        "---\n- name: Converge the stacks\n  ansible.builtin.import_playbook: railstack.platform.site\n", encoding="utf-8")
    (project / "inventories" / "stacks.stacks.yml").write_text(
        "plugin: railstack.platform.stacks\npaths:\n  - ../stacks\n", encoding="utf-8")
    tag = uuid.uuid4().hex[:6]
    for letter in ("a", "b", "c"):
        stack = {"stack": {"project": {"name": "slice-%s-%s" % (letter, tag)},
                           "environments": [{"name": "production"}, {"name": "staging"}]}}
        (project / "stacks" / ("%s.yml" % letter)).write_text(yaml.safe_dump(stack), encoding="utf-8")
    envvars = awx_rules.render_env(CREDENTIAL_TYPES["Railway (railstack.platform)"],
                                   {k: sandbox_env[v] for k, v in RAILWAY.items()})
    process_env = clean_environ()
    process_env.update(PATH="%s%s%s" % (VENV_BIN, os.pathsep, process_env.get("PATH", "")), PYTHONDONTWRITEBYTECODE="1",
                       RAILSTACK_CACHE_DIR=str(RATE_STATE_DIR))
    return {"project": project, "envvars": envvars, "process_env": process_env}


def sync_inventory(awx_project) -> dict:
    """AWX's inventory update: `ansible-inventory --list --export -i <project>/<source_path> --playbook-dir
    <its directory>`, the collections of the project's requirements on the collections path."""
    project = awx_project["project"]
    env = dict(awx_project["process_env"], ANSIBLE_COLLECTIONS_PATH=str(project / "collections"),
               **awx_project["envvars"])
    source = project / "inventories" / "stacks.stacks.yml"
    proc = subprocess.run([str(VENV_BIN / "ansible-inventory"), "--list", "--export", "-i", str(source),
                           "--playbook-dir", str(source.parent)], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def slice_job_dir(awx_project, synced: dict, ident: str, hosts: list[str], extravars: dict) -> Path:
    """A private data dir for one slice job: the project, the slice's inventory script, the credential's env."""
    pdd = WORK / ident
    shutil.rmtree(pdd, ignore_errors=True)
    (pdd / "inventory").mkdir(parents=True)
    (pdd / "env").mkdir()
    (pdd / "project").symlink_to(awx_project["project"], target_is_directory=True)
    script = pdd / "inventory" / "hosts"
    text = "#!%s\nimport sys\nsys.stdout.write(%r)\n" % (VENV_BIN / "python", json.dumps(slice_inventory(synced, hosts)))
    script.write_text(text, encoding="utf-8")
    script.chmod(0o755)
    (pdd / "env" / "envvars").write_text(yaml.safe_dump(awx_project["envvars"]), encoding="utf-8")
    (pdd / "env" / "extravars").write_text(yaml.safe_dump(dict({"allow_live": "false"}, **extravars)), encoding="utf-8")
    (pdd / "env" / "cmdline").write_text("--forks %d" % FORKS, encoding="utf-8")
    (pdd / "env" / "settings").write_text("job_timeout: 900\nidle_timeout: 900\n", encoding="utf-8")
    return pdd


def constructed(synced: dict, environment: str) -> dict:
    """AWX's constructed inventory over the synced one with limit env_<environment>."""
    return slice_inventory(synced, synced["env_%s" % environment]["hosts"])


def run_slices(awx_project, inventory: dict, label: str, extravars: dict | None = None) -> list[dict]:
    """Every slice job of one launch at once; per slice: its hosts, rc, its PLAY RECAP stats, its stdout."""
    hosts = list(inventory["_meta"]["hostvars"])
    jobs = []
    for number in range(1, SLICES + 1):
        ident = "%s-slice-%d-of-%d" % (label, number, SLICES)
        pdd = slice_job_dir(awx_project, inventory, ident, awx_slice(hosts, number, SLICES), extravars or {})
        proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [str(VENV_BIN / "ansible-runner"), "run", str(pdd), "-p", "site.yml", "--ident", ident],
            env=awx_project["process_env"], cwd=pdd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        jobs.append((number, ident, pdd, proc))
    results = []
    try:
        for number, ident, pdd, proc in jobs:
            output = proc.communicate(timeout=900)[0]
            events = [json.loads(p.read_text(encoding="utf-8"))
                      for p in (pdd / "artifacts" / ident / "job_events").glob("*.json")]
            stats = [e["event_data"] for e in events if e.get("event") == "playbook_on_stats"]
            results.append({"slice": number, "hosts": awx_slice(hosts, number, SLICES), "rc": proc.returncode,
                            "stats": stats[-1] if stats else {}, "stdout": output[-8000:]})
    finally:
        for proc in (job[3] for job in jobs):
            if proc.poll() is None:
                proc.kill()
    return results


def mutations_named(window, name: str) -> list[dict]:
    return [e for e in window.railway_mutations if any(op[1] == name for op in railway_operations(e))]


def recap_hosts(stats: dict) -> set[str]:
    return {h for key in ("ok", "changed", "failures", "dark") for h in (stats.get(key) or {})}


def assert_converged(jobs: list[dict], changed: bool) -> list[str]:
    """Every slice succeeded (and changed each of its hosts, if `changed`); the hosts of all slices."""
    for job in jobs:
        assert job["rc"] == 0 and not job["stats"].get("failures"), job["stdout"]
        assert recap_hosts(job["stats"]) == set(job["hosts"]), (job["hosts"], job["stats"])
        assert not changed or all(job["stats"]["changed"].get(h, 0) >= 1 for h in job["hosts"]), job["stats"]
    return [h for job in jobs for h in recap_hosts(job["stats"])]


def test_sliced_workflow_converges_every_host_once_and_a_rerun_changes_nothing(awx_project, sandbox, traffic):
    synced = sync_inventory(awx_project)
    hosts = sorted(synced["_meta"]["hostvars"])
    assert len(hosts) == 6, hosts
    # the export marks every value of an inventory plugin unsafe (never templated): a template would be taken as
    # the interpreter's name, so the interpreter is a plain path
    interpreters = [synced["_meta"]["hostvars"][h]["ansible_python_interpreter"] for h in hosts]
    assert all(Path(p.get("__ansible_unsafe", "") if isinstance(p, dict) else p).is_file() for p in interpreters), \
        interpreters
    staging, production = constructed(synced, "staging"), constructed(synced, "production")
    assert all(len(awx_slice(list(inv["_meta"]["hostvars"]), n, SLICES)) >= 1
               for inv in (staging, production) for n in (1, 2)), "a slice without hosts fails in AWX"

    start = traffic.mark()
    seen = assert_converged(run_slices(awx_project, staging, "staging"), changed=True)
    sandbox.client.new_request_window()
    seen += assert_converged(run_slices(awx_project, production, "production"), changed=False)
    window = traffic.since(start)
    assert sorted(seen) == hosts, "every host converged by exactly one slice"
    assert len(mutations_named(window, "projectCreate")) == 3, window.summary()
    assert sorted(e["json"]["variables"]["input"]["name"] for e in mutations_named(window, "environmentCreate")) \
        == ["staging"] * 3, window.summary()

    sandbox.client.new_request_window()
    start = traffic.mark()
    again = run_slices(awx_project, staging, "staging-again")
    window = traffic.since(start)
    for job in again:
        assert job["rc"] == 0, job["stdout"]
        assert recap_hosts(job["stats"]) == set(job["hosts"])
        assert sum(job["stats"]["changed"].values()) == 0, job["stats"]
    assert window.mutations == [], window.summary()


def test_slices_of_the_whole_inventory_share_stacks_and_wait_for_each_other_in_turn(awx_project, sandbox, traffic):
    """Slice 1/2 and 2/2 of the whole inventory (every stack has an environment in each) at once: the slices
    take their stacks' leases in the same order, so one waits for the other, and both converge."""
    synced = sync_inventory(awx_project)
    hosts = sorted(synced["_meta"]["hostvars"])
    whole = slice_inventory(synced, hosts)
    stacks_of = [{h.rsplit(".", 1)[0] for h in awx_slice(hosts, n, SLICES)} for n in (1, 2)]
    assert len(stacks_of[0] & stacks_of[1]) >= 2, "the slices share several stacks"

    sandbox.client.new_request_window()
    start = traffic.mark()
    seen = assert_converged(run_slices(awx_project, whole, "whole", {"lease_wait": 120}), changed=False)
    window = traffic.since(start)
    assert sorted(seen) == hosts, "every host converged by exactly one slice"
    assert len(mutations_named(window, "projectCreate")) <= 3, "one project per stack at most: " + window.summary()
