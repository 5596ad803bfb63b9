# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/site.yml run as an AWX job template runs it: through ansible-runner, against the sandbox.

The private data dir is laid out as AWX lays it out for a job:

    project/site.yml                     the job template's playbook: import_playbook railstack.platform.site
    project/stacks/*.yml                 stack files, chosen by the survey's stack_file
    project/collections/ansible_collections/railstack/platform -> the working tree
                                         (what AWX's project sync installs from collections/requirements.yml)
    inventory/hosts                      localhost, local connection
    env/extravars                        the survey's answers (strings, as AWX sends them)
    env/envvars                          what the credential types' injectors render for the attached
                                         credentials (extensions/awx/credential_types.yml, AWX's rules)
    env/cmdline                          the job template's verbosity

Each job's events (artifacts/<job>/job_events/*.json) give the PLAY RECAP; the sandbox's traffic
gives the writes.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from .helpers.sandbox import OUTPUT, REPO_ROOT, clean_environ

VENV_BIN = REPO_ROOT / ".venv" / "bin"
WORK = OUTPUT / "awx-runner"

_spec = importlib.util.spec_from_file_location("awx_rules", REPO_ROOT / "tests" / "unit" / "extensions" / "awx_rules.py")
awx_rules = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(awx_rules)

CREDENTIAL_TYPES = {ct["name"]: ct for ct in yaml.safe_load(
    (REPO_ROOT / "extensions" / "awx" / "credential_types.yml").read_text(encoding="utf-8"))["credential_types"]}
# The credentials a staging job template has attached: credential type -> {input: sandbox env var}.
ATTACHED = {
    "Railway (railstack.platform)": {"api_token": "RAILWAY_API_TOKEN", "api_url": "RAILWAY_API_URL"},
    "Stripe (railstack.platform)": {"api_key": "STRIPE_API_KEY", "api_base": "STRIPE_API_BASE"},
    "Clerk (railstack.platform)": {"secret_key": "CLERK_SECRET_KEY", "api_url": "CLERK_API_URL"},
    "Cloudflare DNS (railstack.platform)": {"api_token": "CLOUDFLARE_API_TOKEN", "api_url": "CLOUDFLARE_API_URL"},
}
SURVEY_DEFAULTS = {q["variable"]: q["default"] for q in yaml.safe_load(
    (REPO_ROOT / "extensions" / "awx" / "survey.yml").read_text(encoding="utf-8"))["spec"]}
# What ansible-runner itself writes in clear text (it records the job's whole environment).
RUNNER_OWNED = {"command", "env"}


@dataclass
class Job:
    ident: str
    rc: int
    seconds: float
    artifacts: Path
    stdout: str
    events: list = field(default_factory=list)

    @property
    def status(self):
        path = self.artifacts / "status"
        return path.read_text(encoding="utf-8").strip() if path.exists() else None

    @property
    def stats(self):
        found = [e["event_data"] for e in self.events if e.get("event") == "playbook_on_stats"]
        assert found, "no playbook_on_stats event\n%s" % self.stdout[-4000:]
        return found[-1]

    def host_results(self, task):
        return [e["event_data"] for e in self.events
                if e.get("event", "").startswith(("runner_on_", "runner_item_on_"))
                and e.get("event_data", {}).get("task") == task]

    def __str__(self):
        return "job %s rc=%s status=%s in %.1fs\n%s" % (self.ident, self.rc, self.status, self.seconds, self.stdout[-6000:])


@pytest.fixture(scope="module")
def awx_job(sandbox_env):
    """run(ident, extravars, verbosity=0) -> Job, in one private data dir per test module."""
    shutil.rmtree(WORK, ignore_errors=True)   # the last run's data dir is kept for a look until the next run
    pdd = WORK / uuid.uuid4().hex[:8]
    project = pdd / "project"
    (project / "stacks").mkdir(parents=True)
    link = project / "collections" / "ansible_collections" / "railstack" / "platform"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO_ROOT, target_is_directory=True)
    (project / "site.yml").write_text("---\n- name: Converge the stack\n  ansible.builtin.import_playbook: railstack.platform.site\n",
                                      encoding="utf-8")
    (pdd / "inventory").mkdir()
    (pdd / "inventory" / "hosts").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n" % (VENV_BIN / "python"), encoding="utf-8")
    (pdd / "env").mkdir()
    envvars = {}
    for name, inputs in ATTACHED.items():
        envvars.update(awx_rules.render_env(CREDENTIAL_TYPES[name], {k: sandbox_env[v] for k, v in inputs.items()}))
    (pdd / "env" / "envvars").write_text(yaml.safe_dump(envvars), encoding="utf-8")
    (pdd / "env" / "settings").write_text("job_timeout: 600\nidle_timeout: 600\n", encoding="utf-8")

    process_env = clean_environ()
    process_env.update(PATH="%s%s%s" % (VENV_BIN, os.pathsep, process_env.get("PATH", "")), PYTHONDONTWRITEBYTECODE="1")

    def run(ident, extravars, verbosity=0, check=False):
        """One job. verbosity and check are the job template's Verbosity and Job Type (Check)."""
        (pdd / "env" / "extravars").write_text(yaml.safe_dump(extravars), encoding="utf-8")
        cmdline = pdd / "env" / "cmdline"
        args = (["-" + "v" * verbosity] if verbosity else []) + (["--check"] if check else [])
        if args:
            cmdline.write_text(" ".join(args), encoding="utf-8")
        else:
            cmdline.unlink(missing_ok=True)
        started = time.monotonic()
        proc = subprocess.run([str(VENV_BIN / "ansible-runner"), "run", str(pdd), "-p", "site.yml", "--ident", ident],
                              env=process_env, cwd=pdd, capture_output=True, text=True, timeout=900, check=False)
        seconds = time.monotonic() - started
        artifacts = pdd / "artifacts" / ident
        events = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((artifacts / "job_events").glob("*.json"),
                                                                            key=lambda p: int(p.name.split("-")[0]))]
        stdout_file = artifacts / "stdout"
        stdout = stdout_file.read_text(encoding="utf-8", errors="replace") if stdout_file.exists() else proc.stdout
        return Job(ident, proc.returncode, seconds, artifacts, stdout + proc.stderr, events)

    run.pdd = pdd
    run.project = project
    run.envvars = envvars
    return run


def write_stack(project, name, project_name, environments):
    path = project / "stacks" / name
    path.write_text(yaml.safe_dump({"stack": {"project": {"name": project_name}, "environments": environments}}),
                    encoding="utf-8")
    return "stacks/" + name


def secret_values(job_run):
    """The credential values the job received (inputs marked secret: true), as AWX would decrypt them."""
    values = []
    for name in ATTACHED:
        for fld in CREDENTIAL_TYPES[name]["inputs"]["fields"]:
            if fld.get("secret"):
                var = next(v for v, t in CREDENTIAL_TYPES[name]["injectors"]["env"].items() if fld["id"] in t)
                if job_run.envvars.get(var):
                    values.append(job_run.envvars[var])
    return values


def test_injected_environment_is_what_the_sandbox_expects(awx_job, sandbox_env):
    for inputs in ATTACHED.values():
        for var in inputs.values():
            assert awx_job.envvars[var] == sandbox_env[var]
    assert awx_job.envvars["RAILWAY_TOKEN"] == "", "an unset project token is injected as an empty variable"


def test_job_template_converges_then_changes_nothing_and_leaks_no_secret(awx_job, traffic):
    name = "awx-job-%s" % uuid.uuid4().hex[:6]
    stack_file = write_stack(awx_job.project, "prela.yml", name,
                             [{"name": "production"}, {"name": "staging", "source_environment": "production"}])
    extravars = dict(SURVEY_DEFAULTS, stack_file=stack_file)

    start = traffic.mark()
    first = awx_job("job-1", extravars)
    first_traffic = traffic.since(start)
    assert first.rc == 0 and first.status == "successful", first
    assert first.stats["changed"].get("localhost", 0) >= 1, first.stats
    assert not first.stats["failures"], first.stats
    assert first.stats["ok"].get("localhost", 0) >= 4
    assert first_traffic.railway_mutations, first_traffic.summary()

    start = traffic.mark()
    second = awx_job("job-2", extravars, verbosity=4)
    second_traffic = traffic.since(start)
    assert second.rc == 0 and second.status == "successful", second
    assert second.stats["changed"].get("localhost", 0) == 0, second.stats
    assert second.stats["ok"].get("localhost", 0) >= 4, second.stats
    assert second_traffic.mutations == [], second_traffic.summary()
    assert second_traffic.requests > 0

    secrets = secret_values(awx_job)
    assert len(secrets) == len(ATTACHED)
    runner_owned = []
    for job in (first, second):
        assert job.events, "no job events"
        for secret in secrets:
            assert secret not in job.stdout, "secret in the stdout of %s" % job.ident
        for path in sorted(p for p in job.artifacts.rglob("*") if p.is_file()):
            text = path.read_text(encoding="utf-8", errors="replace")
            leaked = [s for s in secrets if s in text]
            relative = path.relative_to(job.artifacts).as_posix()
            if relative in RUNNER_OWNED:
                runner_owned.extend(leaked)
                continue
            assert not leaked, "secret in %s/%s" % (job.ident, relative)
    # ansible-runner records the job's environment in artifacts/<job>/command (documented in docs/awx.md);
    # if that ever stops, the documentation must change with it.
    assert set(runner_owned) == set(secrets)


def test_survey_dry_run_and_environment(awx_job, traffic):
    name = "awx-survey-%s" % uuid.uuid4().hex[:6]
    envs = [{"name": "production"}]
    assert awx_job("job-3", dict(SURVEY_DEFAULTS, stack_file=write_stack(awx_job.project, "s1.yml", name, envs))).rc == 0

    envs += [{"name": "preview", "source_environment": "production"}, {"name": "qa", "source_environment": "production"}]
    stack_file = write_stack(awx_job.project, "s2.yml", name, envs)

    start = traffic.mark()
    dry = awx_job("job-4", dict(SURVEY_DEFAULTS, stack_file=stack_file, stack_environment="preview", dry_run="true"))
    window = traffic.since(start)
    assert dry.rc == 0, dry
    assert window.mutations == [], window.summary()
    assert dry.stats["changed"].get("localhost", 0) == 1, dry.stats
    items = [r["res"]["environment"]["name"] for r in dry.host_results("Railway environments") if "item" in r.get("res", {})]
    assert items == ["preview"], items

    start = traffic.mark()
    checked = awx_job("job-4c", dict(SURVEY_DEFAULTS, stack_file=stack_file, dry_run="false"), check=True)
    window = traffic.since(start)
    assert checked.rc == 0, checked
    assert window.mutations == [], "the Check job type must win over dry_run=false: " + window.summary()
    assert checked.stats["changed"].get("localhost", 0) == 1, checked.stats

    start = traffic.mark()
    real = awx_job("job-5", dict(SURVEY_DEFAULTS, stack_file=stack_file, stack_environment="preview"))
    window = traffic.since(start)
    assert real.rc == 0, real
    assert [n for n in window.operation_names() if n and re.match(r"environmentCreate", n)] == ["environmentCreate"], \
        window.summary()
    assert [e["json"]["variables"]["input"]["name"] for e in window.railway_mutations] == ["preview"]

    start = traffic.mark()
    bad = awx_job("job-6", dict(SURVEY_DEFAULTS, stack_file=stack_file, stack_environment="prod"))
    window = traffic.since(start)
    assert bad.rc != 0 and bad.status == "failed", bad
    assert window.requests == 0, window.summary()
    assert "stack_environment: prod is not an environment of the stack" in bad.stdout
