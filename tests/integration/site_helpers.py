# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of the site.yml tests: stack files (read, changed, written back), what the sandbox holds,
and the contract check of a test module's recording."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .helpers.sandbox import OUTPUT, REPO_ROOT

SITE = "playbooks/site.yml"
CHECKER = Path(REPO_ROOT).parent / "shared" / "contracts" / "check.py"
STACKS = OUTPUT / "integration" / "stacks"


class Unsafe(str):
    """A string Ansible must not template (a Railway reference): written back with !unsafe."""


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!unsafe", lambda loader, node: Unsafe(loader.construct_scalar(node)))


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Unsafe, lambda dumper, value: dumper.represent_scalar("!unsafe", str(value)))


def load_stack(name):
    """examples/<name>.yml as data (Railway references stay !unsafe when written back)."""
    return yaml.load((REPO_ROOT / "examples" / ("%s.yml" % name)).read_text(encoding="utf-8"), Loader=_Loader)


def write_stack(data, name):
    """A stack file under tests/output; returns the -e @file argument."""
    STACKS.mkdir(parents=True, exist_ok=True)
    path = STACKS / ("%s.yml" % name)
    path.write_text(yaml.dump(data, Dumper=_Dumper, sort_keys=False), encoding="utf-8")
    return "@" + str(path)


def ref(text):
    return Unsafe("${{%s}}" % text)


def service_of(data, name):
    return next(s for s in data["stack"]["services"] if s["name"] == name)


# ---------------------------------------------------------------------------------------- what the sandbox holds

class SandboxState:
    """The sandbox's whole state (GET /_sandbox/state), read through names."""

    def __init__(self, sandbox):
        self.data = sandbox.client.state()
        self.railway = self.data["railway"]

    def project(self, name):
        found = [p for p in self.railway["projects"].values() if p["name"] == name and not p.get("deletedAt")]
        assert len(found) <= 1, "%d projects called %s" % (len(found), name)
        return found[0] if found else None

    def environment(self, project, name):
        return next(e for e in self.railway["environments"].values()
                    if e["projectId"] == project["id"] and e["name"] == name and not e.get("deletedAt"))

    def services(self, project):
        return {s["name"]: s for s in self.railway["services"].values()
                if s["projectId"] == project["id"] and not s.get("deletedAt")}

    def instance(self, project, environment, service):
        env = self.environment(project, environment)
        return env["config"]["services"][self.services(project)[service]["id"]]

    def variables(self, project, environment, service):
        """NAME -> value as written (references unrendered)."""
        instance = self.instance(project, environment, service)
        return {name: (entry or {}).get("value") for name, entry in (instance.get("variables") or {}).items()}

    def volumes(self, project):
        return {v["name"]: v for v in self.railway["volumes"].values()
                if v.get("projectId") == project["id"] and not v.get("deletedAt")}

    def _live(self, kind, key):
        owner = self.railway[kind].get(key)
        return owner is not None and not owner.get("deletedAt")

    def custom_domains(self):
        """The live custom domains (a domain goes with its service, environment or project)."""
        return {d["domain"]: d for d in self.railway.get("customDomains", {}).values()
                if not d.get("deletedAt") and self._live("services", d["serviceId"])
                and self._live("environments", d["environmentId"]) and self._live("projects", d["projectId"])}

    def cloudflare_records(self, zone):
        zones = self.data["cloudflare"]["zones"]
        zone_id = next(z["id"] for z in zones.values() if z["name"] == zone)
        return [r for r in self.data["cloudflare"]["records"].values() if r.get("_zone") == zone_id]

    def stripe(self, kind):
        return list(self.data["stripe"]["test"][kind].values())


# ---------------------------------------------------------------------------------------- runs

def converge_twice(run_playbook, traffic, extra_vars, env=None, first_verbosity=0):
    """site.yml twice: (first run, its traffic, second run, its traffic); the second must change nothing."""
    start = traffic.mark()
    first = run_playbook(SITE, extra_vars=extra_vars, env=env, verbosity=first_verbosity)
    first_traffic = traffic.since(start)
    first.assert_ok()
    start = traffic.mark()
    second = run_playbook(SITE, extra_vars=extra_vars, env=env)
    second_traffic = traffic.since(start)
    second.assert_ok()
    assert second.changed == [], second.changed
    assert all(host["changed"] == 0 for host in second.recap.values()), second.recap
    assert second_traffic.mutations == [], second_traffic.summary()
    return first, first_traffic, second, second_traffic


def write_report(name, **numbers):
    """Numbers of a run for the report (tests/output/site-numbers.json); never asserted as wall-clock."""
    path = OUTPUT / "site-numbers.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data[name] = numbers
    path.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")


def check_recording(entries, name):
    """../shared/contracts/check.py on a test module's requests."""
    if not entries:
        pytest.skip("nothing was recorded in this module (were its other tests deselected?)")
    if not CHECKER.exists():
        pytest.skip("no %s here (a clone without the shared contracts)" % CHECKER)
    path = OUTPUT / ("site-traffic-%s.jsonl" % name)
    path.write_text("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in entries), encoding="utf-8")
    run = subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1].endswith(" 0 violations"), run.stdout[-4000:]
