# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Token kinds and request budgets: a workspace token runs site.yml; a task after a 429 sends nothing."""
from __future__ import annotations

import re
import uuid

import pytest
import requests

from .helpers.sandbox import REPO_ROOT

SITE = str(REPO_ROOT / "playbooks" / "site.yml")

WORKSPACE_PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Project
      railstack.platform.railway_project:
        name: {name}
    - name: Workspace rule
      railstack.platform.railway_notification:
        url: https://hooks.example.com/{name}
        event_types: [deployment.failed]
    - name: Projects of the workspace
      railstack.platform.railway_info:
        query: "[].name"
      register: info
"""

TWO_TASKS = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: First
      railstack.platform.railway_project:
        name: {name}
      ignore_errors: true
    - name: Second
      railstack.platform.railway_project:
        name: {name}
      ignore_errors: true
"""


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


@pytest.fixture
def workspace_token_env(sandbox_env):
    return {"RAILWAY_API_TOKEN": sandbox_env["RAILSTACK_SANDBOX_RAILWAY_WORKSPACE_TOKEN"]}


def test_site_with_a_workspace_token_converges_then_changes_nothing(run_playbook, traffic, workspace_token_env):
    name = unique("wstoken")
    extra = dict(stack=dict(project=dict(name=name), environments=[dict(name="production")]))
    with traffic.window() as first:
        run = run_playbook(SITE, extra_vars=extra, env=workspace_token_env)
    run.assert_ok()
    assert run.task("Take the stack's lease")["changed"] is True        # the lease step creates the project
    assert "projectCreate" in first.operation_names()
    with traffic.window() as second:
        again = run_playbook(SITE, extra_vars=extra, env=workspace_token_env)
    again.assert_ok()
    assert again.recap["localhost"]["changed"] == 0 and second.mutations == []


def test_workspace_lookups_work_with_a_workspace_token(run_playbook, workspace_token_env, sandbox_env):
    name = unique("wslookup")
    run = run_playbook(WORKSPACE_PLAY.format(name=name), env=workspace_token_env, verbosity=3)
    run.assert_ok()
    assert run.task("Project")["project"]["workspace_id"]
    assert run.task("Workspace rule")["changed"] is True
    assert name in run.task("Projects of the workspace")["query_result"]
    token = workspace_token_env["RAILWAY_API_TOKEN"]
    assert token not in run.stdout and token not in run.stderr


@pytest.fixture
def free_plan(sandbox):
    sandbox.client.request("POST", "/_sandbox/railway/realism", {"plan": "free"})
    sandbox.client.new_request_window()
    yield
    sandbox.client.request("POST", "/_sandbox/railway/realism", {"defaults": True})
    sandbox.client.new_request_window()


def use_up_the_hour(sandbox_env):
    """Spend the account token's whole hour (Free: 100 requests) outside Ansible."""
    session = requests.Session()
    headers = {"Authorization": "Bearer %s" % sandbox_env["RAILWAY_API_TOKEN"]}
    statuses = [session.post(sandbox_env["RAILWAY_API_URL"] + "?source=test", json={"query": "{ me { id } }"},
                             headers=headers, timeout=10).status_code for dummy in range(101)]
    assert statuses == [200] * 100 + [429]


def test_a_task_after_a_429_fails_naming_the_plan_without_sending(run_playbook, traffic, sandbox_env, free_plan):
    use_up_the_hour(sandbox_env)
    with traffic.window() as window:
        run = run_playbook(TWO_TASKS.format(name=unique("limited")))
    first, second = run.task("First"), run.task("Second")
    budget = re.compile(r"^Railway's rate limit for this token is exhausted until \d\d:\d\d UTC "
                        r"\(X-RateLimit-Limit 100/hour, the Free and Trial plans'\): ")
    assert budget.match(first["msg"]), first["msg"]
    assert budget.match(second["msg"]), second["msg"]
    assert run.failed == ["First", "Second"]
    assert "no request was sent" in second["msg"]
    assert window.requests == 1                 # the first task's one refused request; no burst, no retry
