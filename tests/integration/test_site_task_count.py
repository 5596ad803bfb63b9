# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""site.yml runs the same tasks whatever the number of services: per environment one task per kind of work, each over
every service and database at once (issue 13), in a first converge as in a run that changes nothing."""
from __future__ import annotations

import pytest

from .railway_ops_helpers import FAST, behaviour, unique
from .site_helpers import SITE, ref, write_stack


@pytest.fixture(autouse=True)
def fast_deployments(sandbox):
    behaviour(sandbox, phase_seconds=FAST)


def stack_of(project, count):
    """`count` services, web services (with a Railway domain and a probe) and workers in turn, and a database."""
    services = []
    for index in range(count):
        if index % 2:
            services.append(dict(name="worker-%d" % index, role="worker", source=dict(image="busybox:1.36"),
                                 deploy=dict(start_command="worker"), variables=dict(INDEX=str(index))))
        else:
            services.append(dict(name="web-%d" % index, role="web", source=dict(image="nginx:1.27"), service_domain=True,
                                 health_check=dict(path="/healthz", timeout=2),
                                 variables=dict(DATABASE_URL=ref("Postgres.DATABASE_URL"))))
    data = dict(stack=dict(project=dict(name=project), databases=[dict(engine="postgres")], services=services))
    return write_stack(data, project)


def task_rows(run):
    """Each task the run went through (loop items aside) and whether it ran, was skipped or changed something."""
    return [(r["task"], r["status"]) for r in run.tasks()]


def test_two_and_eight_services_run_the_same_tasks(run_playbook, traffic):
    runs = {}
    for count in (2, 8):
        extra_vars = stack_of(unique("tasks-%d" % count), count)
        first = run_playbook(SITE, extra_vars=extra_vars).assert_ok()
        with traffic.window() as window:
            again = run_playbook(SITE, extra_vars=extra_vars).assert_ok()
        assert again.changed == [] and window.mutations == [], window.summary()
        runs[count] = (first, again)
    for index in (0, 1):
        assert task_rows(runs[2][index]) == task_rows(runs[8][index])
    waited = runs[8][0].task("railstack.platform.web_service : Wait for the deploys, probe them, roll back those that fail, in production")
    assert len(waited["services"]) == 8 and {s["outcome"] for s in waited["services"]} == {"succeeded"}
    assert sum(1 for s in waited["services"] if s["health"]) == 4          # the web services' probes


def test_check_mode_of_a_new_stack_writes_nothing_and_plans_the_services_against_the_databases_to_come(
        run_playbook, traffic):
    project = unique("tasks-check")
    extra_vars = stack_of(project, 2)
    run_playbook(SITE, extra_vars=dict(stack=dict(project=dict(name=project)))).assert_ok()     # the project alone
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=extra_vars, check=True).assert_ok()
    assert window.mutations == [], window.summary()
    planned = run.task("railstack.platform.web_service : Settings and variables of the services, in one write, in production")
    assert planned["changed"] is True and [s["name"] for s in planned["services"]] == ["web-0", "worker-1"]
    assert all(s["id"] is None and s["created"] for s in planned["services"])
