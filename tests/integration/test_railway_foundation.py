# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_project, railway_environment, railway_info and site.yml's first slice, against the sandbox."""
from __future__ import annotations

import uuid

import pytest

from .helpers.sandbox import REPO_ROOT

SITE = str(REPO_ROOT / "playbooks" / "site.yml")


def stack(name, environments=("production", "staging"), description="made by the foundation test"):
    envs = [dict(name="production")] + [dict(name=e, source_environment="production") for e in environments if e != "production"]
    return dict(stack=dict(project=dict(name=name, description=description), environments=envs))


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def test_site_converges_then_changes_nothing(run_playbook, traffic):
    name = unique("found")
    with traffic.window() as first:
        run = run_playbook(SITE, extra_vars=stack(name))
    run.assert_ok()
    assert run.task("Take the stack's lease")["changed"] is True      # the project is made under the lease
    assert run.task("Railway project")["changed"] is False
    items = run.items("Railway environments")
    assert [i["environment"]["name"] for i in items] == ["production", "staging"]
    assert [i["changed"] for i in items] == [False, True]   # production comes with the project
    assert items[1]["environment"]["source_environment"]["name"] == "production"
    assert first.railway_mutations and set(first.operation_names()) >= {"projectCreate", "environmentCreate"}

    with traffic.window() as second:
        again = run_playbook(SITE, extra_vars=stack(name))
    again.assert_ok()
    assert again.recap["localhost"]["changed"] == 0
    assert second.mutations == []
    assert len(second.lease_requests) == 2     # the lease: taken, released
    # a few reads: the lease's workspaces and projects, the project's, one project read per environment task
    assert 0 < second.requests <= 9


def test_check_mode_sends_no_mutation_and_plans_everything(run_playbook, traffic):
    name = unique("check")
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=stack(name, ("production", "staging", "qa")), check=True, diff=True)
    run.assert_ok()
    assert window.mutations == []
    assert run.task("Railway project")["changed"] is True
    assert [i["changed"] for i in run.items("Railway environments")] == [True, True, True]
    assert '"description": "made by the foundation test"' in run.stdout   # the diff shows the plan

    run_playbook(SITE, extra_vars=stack(name)).assert_ok()
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=stack(name, ("production", "staging", "qa"), description="new"),
                           check=True, diff=True)
    run.assert_ok()
    assert window.mutations == []
    assert run.task("Railway project")["changed"] is True
    assert [i["changed"] for i in run.items("Railway environments")] == [False, False, True]


PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Project
      railstack.platform.railway_project:
        name: {name}
      register: project
    - name: Environment
      railstack.platform.railway_environment:
        project: {name}
        name: staging
      register: environment
    - name: Info
      railstack.platform.railway_info:
        project: "{{{{ project.project.id }}}}"
        query: "environments[].name"
      register: info
"""


@pytest.mark.parametrize("operation", ["projectCreate", "environmentCreate"])
def test_create_whose_answer_is_lost_is_found_again(run_playbook, traffic, faults, sandbox, operation):
    name = unique("lost")
    faults(next=[dict(kind="drop_after_commit", api="railway", match=operation)])
    with traffic.window() as window:
        run = run_playbook(PLAY.format(name=name))
    run.assert_ok()
    assert window.operation_names().count(operation) == 1     # found again, not repeated
    assert sorted(run.task("Info")["query_result"]) == ["production", "staging"]
    projects = [p for p in sandbox.client.state()["railway"]["projects"].values() if p["name"] == name]
    assert len(projects) == 1


def test_bad_input_fails_before_any_write(run_playbook, traffic):
    name = unique("bad")
    run_playbook(SITE, extra_vars=stack(name, ("production",))).assert_ok()
    bad = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Fork from an environment that does not exist
      railstack.platform.railway_environment:
        project: {name}
        name: preview
        source_environment: prodution
""".format(name=name)
    with traffic.window() as window:
        run = run_playbook(bad)
    assert not run.ok
    result = run.task("Fork from an environment that does not exist")
    assert result["msg"].startswith("source_environment:")
    assert "production" in result["msg"]
    assert window.mutations == []

    unknown = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Unknown option
      railstack.platform.railway_project:
        name: {name}
        colour: blue
""".format(name=name)
    with traffic.window() as window:
        run = run_playbook(unknown)
    assert not run.ok
    assert "colour" in run.task("Unknown option")["msg"]
    assert window.requests == 0


def test_credentials_never_reach_output(run_playbook, sandbox_env):
    name = unique("secret")
    run = run_playbook(SITE, extra_vars=stack(name), verbosity=4, diff=True)
    run.assert_ok()
    token = sandbox_env["RAILWAY_API_TOKEN"]
    assert token not in run.stdout and token not in run.stderr


def test_module_defaults_group_sets_credentials_once(run_playbook, sandbox_env):
    name = unique("group")
    play = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      api_url: "{url}"
      api_token: "{token}"
  tasks:
    - name: Project
      railstack.platform.railway_project:
        name: {name}
""".format(url=sandbox_env["RAILWAY_API_URL"], token=sandbox_env["RAILWAY_API_TOKEN"], name=name)
    env = dict(RAILWAY_API_URL="http://127.0.0.1:9/graphql/v2", RAILWAY_API_TOKEN="wrong-token-from-env")
    run = run_playbook(play, env=env)
    run.assert_ok()
    assert run.task("Project")["changed"] is True
