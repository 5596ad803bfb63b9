# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Credentials and API URLs given with the `environment:` keyword, on a play, a role, a block or a task, reach
every module (they run as action plugins on the controller, where a module's process environment does not
apply), win over the controller's own environment, and never show in the output.

ansible-playbook runs here with no provider variable in its own environment: only `environment:` points the
modules at the session's sandbox.
"""
from __future__ import annotations

import json

import pytest

from .helpers.playbook import run_playbook as bare_run_playbook
from .helpers.sandbox import OUTPUT

PROJECT = "envkw-%s"


def _env(sandbox_env, *providers):
    names = dict(railway=["RAILWAY_API_URL", "RAILWAY_API_TOKEN"], stripe=["STRIPE_API_BASE", "STRIPE_API_KEY"])
    return {name: sandbox_env[name] for provider in providers for name in names[provider]}


@pytest.fixture(scope="module")
def role_dir():
    path = OUTPUT / "integration" / "environment-keyword" / "roles" / "envkw_project" / "tasks"
    path.mkdir(parents=True, exist_ok=True)
    (path / "main.yml").write_text(
        "- name: Project from the role\n"
        "  railstack.platform.railway_project:\n"
        "    name: envkw-role\n"
        "  check_mode: true\n", encoding="utf-8")
    return path.parents[1]


def _play(sandbox_env):
    railway = json.dumps(_env(sandbox_env, "railway"))
    stripe = json.dumps(_env(sandbox_env, "stripe"))
    return f"""
- name: Play level
  hosts: localhost
  gather_facts: false
  environment: {railway}
  tasks:
    - name: Project, play environment
      railstack.platform.railway_project:
        name: {PROJECT % "play"}
      check_mode: true

- name: Role, block and task levels
  hosts: localhost
  gather_facts: false
  roles:
    - role: envkw_project
      environment: {railway}
  tasks:
    - name: A block
      environment: {railway}
      block:
        - name: Project, block environment
          railstack.platform.railway_project:
            name: {PROJECT % "block"}
          check_mode: true

    - name: Product, task environment
      railstack.platform.stripe_product:
        id: envkw_product
        name: Environment keyword
      environment: {stripe}
      check_mode: true

    - name: Project, no environment at all
      railstack.platform.railway_project:
        name: {PROJECT % "none"}
      check_mode: true
      ignore_errors: true
"""


@pytest.fixture(scope="module")
def run(sandbox, role_dir):
    return bare_run_playbook(_play(sandbox.env), env=dict(ANSIBLE_ROLES_PATH=str(role_dir)), verbosity=4)


@pytest.mark.parametrize("task", ["Project, play environment", "envkw_project : Project from the role",
                                  "Project, block environment",
                                  "Product, task environment"])
def test_every_level_of_environment_reaches_the_module(run, task):
    result = run.task(task)
    assert run.tasks(task)[-1]["status"] == "changed", result
    assert result["changed"] is True and result["api_requests"] >= 1     # it read the sandbox: would create


def test_without_it_the_module_has_no_credential(run):
    assert run.task("Project, no environment at all")["msg"].startswith("No Railway credential")


def test_the_credentials_from_the_environment_stay_out_of_the_output(run, sandbox):
    for name in ("RAILWAY_API_TOKEN", "STRIPE_API_KEY"):
        assert sandbox.env[name] not in run.stdout + run.stderr


def test_the_tasks_environment_wins_over_the_controllers(sandbox):
    play = f"""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Project
      railstack.platform.railway_project:
        name: {PROJECT % "precedence"}
      check_mode: true
      environment: {json.dumps(_env(sandbox.env, "railway"))}
"""
    controller = dict(RAILWAY_API_URL=sandbox.env["RAILWAY_API_URL"], RAILWAY_API_TOKEN="not-the-sandbox-token")
    run = bare_run_playbook(play, env=controller)
    assert run.tasks("Project")[-1]["status"] == "changed", run.task("Project")


def test_an_unknown_option_keeps_ansibles_own_wording(sandbox):
    play = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Project
      railstack.platform.railway_project:
        name: x
        api_tokn: y
"""
    msg = bare_run_playbook(play).task("Project")["msg"]
    assert msg.startswith("Unsupported parameters for (railstack.platform.railway_project) module: api_tokn.")


def test_the_sandbox_modules_credential_check_sees_the_environment_keyword(tmp_path):
    """state=auto reads the task's environment too: a Stripe key given there alone is a partial set."""
    play = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Sandbox
      railstack.platform.sandbox:
        state: auto
        providers: [railway, stripe]
      environment:
        STRIPE_API_KEY: sk_test_51GivenThroughTheEnvironmentKeyword
"""
    run = bare_run_playbook(play, env=dict(XDG_CACHE_HOME=str(tmp_path)))
    msg = run.task("Sandbox")["msg"]
    assert msg.startswith("providers: missing credentials, railway: RAILWAY_API_TOKEN (or RAILWAY_TOKEN).")
    assert "Set in this run: STRIPE_API_KEY," in msg and not (tmp_path / "railstack" / "sandbox" / "sandbox.pid").exists()
