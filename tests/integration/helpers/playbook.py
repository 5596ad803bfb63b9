# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run ansible-playbook the way a user would, and hand back what happened task by task."""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .sandbox import OUTPUT, REPO_ROOT, clean_environ

VENV_BIN = REPO_ROOT / ".venv" / "bin"
CALLBACK_DIR = Path(__file__).resolve().parents[1] / "callback_plugins"
RUN_DIR = OUTPUT / "integration"
# The collection's rate-limit state shared by the tasks of a run (plugins/module_utils/_http.py SharedRateState).
RATE_STATE_DIR = OUTPUT / "cache"
_counter = itertools.count(1)

_RECAP = re.compile(r"^(\S+)\s*:\s*((?:\w+=\d+\s*)+)$")


@dataclass
class PlaybookRun:
    """What one ansible-playbook run did. `results` holds one dict per task result (see
    callback_plugins/railstack_results.py): play, task, action, host, status, item?, result."""

    cmd: list
    rc: int
    stdout: str
    stderr: str
    results: list = field(default_factory=list)

    @property
    def ok(self):
        return self.rc == 0

    @property
    def recap(self):
        """PLAY RECAP as {host: {"ok": n, "changed": n, "failed": n, ...}}."""
        recap, seen = {}, False
        for line in self.stdout.splitlines():
            if line.startswith("PLAY RECAP"):
                seen = True
                continue
            match = _RECAP.match(line.strip()) if seen else None
            if match:
                recap[match.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", match.group(2))}
        return recap

    def tasks(self, name=None, include_items=False):
        """Task results in order; only those of the task called `name` if given."""
        return [r for r in self.results
                if (name is None or r["task"] == name) and (include_items or "item" not in r)]

    def task(self, name):
        """The result dict of the (last) run of the task called `name`."""
        found = self.tasks(name)
        if not found:
            names = sorted({r["task"] for r in self.results})
            raise KeyError(f"no result for task {name!r}; tasks that ran: {names}\n{self}")
        return found[-1]["result"]

    def items(self, name):
        """The per-item result dicts of a looped task."""
        return [r["result"] for r in self.tasks(name, include_items=True) if "item" in r]

    @property
    def changed(self):
        """Names of the tasks (not loop items) that reported a change."""
        return [r["task"] for r in self.results if r["status"] == "changed" and "item" not in r]

    @property
    def failed(self):
        return [r["task"] for r in self.results if r["status"] == "failed" and "item" not in r]

    def assert_ok(self):
        assert self.ok, f"ansible-playbook failed (rc={self.rc})\n{self}"
        return self

    def __str__(self):
        return (f"$ {' '.join(map(str, self.cmd))}\n--- stdout ---\n{self.stdout[-20000:]}"
                f"\n--- stderr ---\n{self.stderr[-8000:]}")


def _playbook_path(playbook):
    """A path (relative to the repo root or absolute) stays as is; YAML text goes to a file."""
    text = str(playbook)
    if isinstance(playbook, Path) or ("\n" not in text and text.endswith((".yml", ".yaml"))):
        path = Path(playbook)
        return path if path.is_absolute() else REPO_ROOT / path
    directory = RUN_DIR / "playbooks"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"pb-{hashlib.sha1(text.encode()).hexdigest()[:12]}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _extra_var_args(extra_vars):
    if extra_vars is None:
        return []
    if isinstance(extra_vars, (dict, str)):
        extra_vars = [extra_vars]
    args = []
    for item in extra_vars:
        args += ["-e", json.dumps(item) if isinstance(item, dict) else str(item)]
    return args


def playbook_environment(sandbox_env=None, env=None, results_file=None):
    """The environment ansible-playbook runs with: the caller's, less provider and ANSIBLE_*
    settings, plus the sandbox's env file, plus the harness's settings, plus `env`."""
    run_env = clean_environ()
    run_env.update(sandbox_env or {})
    if results_file:
        run_env.update({
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACK_DIR),
            "ANSIBLE_CALLBACKS_ENABLED": "railstack_results",
            "RAILSTACK_RESULTS_FILE": str(results_file),
        })
    run_env.update({
        "PATH": f"{VENV_BIN}{os.pathsep}{run_env.get('PATH', '')}",
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_LOCAL_TEMP": str(OUTPUT / "ansible-tmp"),
        "ANSIBLE_REMOTE_TEMP": str(OUTPUT / "ansible-tmp"),
        "RAILSTACK_CACHE_DIR": str(RATE_STATE_DIR),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    run_env.update(env or {})
    return run_env


def run_playbook(playbook, extra_vars=None, check=False, diff=False, env=None, verbosity=0,
                 sandbox_env=None, args=(), timeout=900, collect_results=True, fast_path=False):
    """Run `ansible-playbook` from the venv in the repo root (so ansible.cfg applies).

    playbook: a path (relative to the repo root) or the YAML text of a playbook.
    extra_vars: a dict, an "@file" / "k=v" string, or a list of those.
    fast_path: False (the default) runs site.yml with -e converge_all=true, before the test's own extra vars: every
      module compares the providers' state, so a test's second run checks the modules' idempotence (what a run with
      no fingerprint of the stack, such as an AWX job, does). True lets a run whose stack nothing changed since its
      last converge skip the converge, as a run in a user's terminal does (tests of the fast path).
    env: extra environment variables, applied last.
    collect_results: False leaves the results callback out (for timing); .results is then [].
    """
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    results_file = RUN_DIR / f"results-{os.getpid()}-{next(_counter)}.jsonl"
    results_file.unlink(missing_ok=True)
    defaults = [] if fast_path else ["converge_all=true"]
    cmd = [str(VENV_BIN / "ansible-playbook"), str(_playbook_path(playbook)), *_extra_var_args(defaults),
           *_extra_var_args(extra_vars)]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    cmd += list(args)
    run_env = playbook_environment(sandbox_env, env, results_file if collect_results else None)
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=run_env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout, check=False)
    results = []
    if results_file.exists():
        with open(results_file, encoding="utf-8") as f:
            results = [json.loads(line) for line in f if line.strip()]
    return PlaybookRun(cmd=cmd, rc=proc.returncode, stdout=proc.stdout, stderr=proc.stderr, results=results)
