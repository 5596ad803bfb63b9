# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bench's own parsing and table functions (bench/benchlib.py, play_cost.py, task_cost.py), without a sandbox.
The bench's timings are never asserted; what it counts must be counted right."""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import benchlib  # noqa: E402  pylint: disable=wrong-import-position
import play_cost  # noqa: E402  pylint: disable=wrong-import-position
import task_cost  # noqa: E402  pylint: disable=wrong-import-position

PROJECT_READ = {"query": "query project($id: String!) { project(id: $id) { id } }", "variables": {"id": "p1"}}


def railway(document):
    return {"api": "railway", "method": "POST", "path": "/graphql/v2", "json": document, "status": 200}


def commit(environment_id):
    return railway({"query": "mutation environmentPatchCommit($environmentId: String!, $patch: EnvironmentConfig) "
                             "{ environmentPatchCommit(environmentId: $environmentId, patch: $patch) }",
                    "variables": {"environmentId": environment_id, "patch": {}}})


def test_task_counts_leave_items_out_and_count_includes_and_argument_checks():
    results = [
        {"task": "a", "action": "ansible.builtin.include_tasks", "status": "ok"},
        {"task": "b", "action": "ansible.builtin.validate_argument_spec", "status": "ok"},
        {"task": "c", "action": "railstack.platform.railway_services", "status": "changed"},
        {"task": "c", "action": "railstack.platform.railway_services", "status": "changed", "item": "x"},
        {"task": "d", "action": "ansible.builtin.set_fact", "status": "skipped"},
        {"task": "e", "action": "ansible.builtin.set_fact", "status": "skipped", "item": "y"},
    ]
    assert benchlib.task_counts(results) == {"executed": 3, "skipped": 1, "includes": 1, "argument_checks": 1}


def test_exact_repeats_count_the_same_request_sent_again_only():
    other = railway({**PROJECT_READ, "variables": {"id": "p2"}})
    get = {"api": "stripe", "method": "GET", "path": "/v1/prices", "query": {"limit": "100"}}
    entries = [railway(PROJECT_READ), railway(PROJECT_READ), other, railway(PROJECT_READ), get, dict(get)]
    repeats, repeated = benchlib.exact_repeats(entries)
    assert repeats == 3
    assert repeated == {"railway project": 3, "stripe GET /v1/prices": 2}


def test_config_commits_are_counted_per_environment():
    entries = [commit("env-1"), commit("env-1"), commit("env-2"), railway(PROJECT_READ)]
    assert benchlib.config_commits(entries) == {"env-1": 2, "env-2": 1}


def test_traffic_figures_leave_the_lease_out_of_the_writes():
    lease = railway({"query": "mutation railstackLeaseTake { serviceCreate(input: {}) { id } }"})
    post = {"api": "stripe", "method": "POST", "path": "/v1/products", "status": 200}
    figures = benchlib.traffic_figures([lease, commit("env-1"), post, railway(PROJECT_READ)])
    assert (figures["requests"], figures["writes"], figures["lease_requests"]) == (4, 2, 1)
    assert figures["by_api"] == {"railway": 3, "stripe": 1}
    assert figures["config_commits"] == {"env-1": 1}


def test_objects_created_leave_out_the_lease_and_the_new_projects_environment():
    before = {"railway": {"projects": {}, "environments": {}, "services": {"s0": {"name": "old"}}},
              "stripe": {"test": {"prices": {"price_0": {}}}}}
    after = {"railway": {"projects": {"p": {}}, "environments": {"e1": {}, "e2": {}},
                         "services": {"s0": {"name": "old"}, "s1": {"name": "api"}, "l": {"name": "railstack-lease"}}},
             "stripe": {"test": {"prices": {"price_0": {}, "price_1": {}}}},
             "cloudflare": {"records": {"r1": {}, "r2": {}}}}
    assert benchlib.objects_created(before, after) == {
        "railway/projects": 1, "railway/environments": 1, "railway/services": 1, "stripe/prices": 1,
        "cloudflare/records": 2}


def test_median():
    assert benchlib.median([3.0, 1.0, 2.0]) == 2.0
    assert benchlib.median([4.0, 1.0, 2.0, 3.0]) == 2.5


def test_generated_stack_alternates_web_and_worker():
    services = play_cost.generated_stack(5)["stack"]["services"]
    assert [s["role"] for s in services] == ["web", "worker", "web", "worker", "web"]
    assert all("health_check" in s for s in services if s["role"] == "web")
    assert all(s["deploy"]["start_command"] for s in services if s["role"] == "worker")
    assert len({s["name"] for s in services}) == 5


def run(seconds, requests=10, writes=0):
    return {"seconds": seconds, "cpu_seconds": seconds / 2, "requests": requests, "writes": writes}


def test_latency_rows_judge_the_targets_against_the_same_latencys_floor():
    runs = {"floor": run(2.0), "no-op": run(2.9), "check": run(3.1), "no-op 5": run(3.0), "no-op 50": run(4.6)}
    rows = {row[0]: row for row in play_cost.latency_rows(80.0, runs, [5, 50])}
    assert rows["no-op Prela at 80 ms"][1].startswith("1.45× floor")
    assert rows["no-op Prela at 80 ms"][3] is True
    assert rows["--check --diff vs no-op at 80 ms"][3] is False          # 1.07× the no-op
    assert rows["no-op 50 vs 5 services at 80 ms"][1:] == ("1.53×", "≤ 1.5×", False)
    unjudged = {row[0]: row for row in play_cost.latency_rows(0.0, runs, [5, 50])}
    assert unjudged["no-op Prela at 0 ms"][3] is None                    # the target is at 80 ms


def test_first_converge_allows_one_write_per_object_and_one_commit_per_environment():
    prela = {"requests": 60, "writes": 18, "seconds": 10.0, "objects": {"railway/services": 10, "stripe/prices": 7},
             "config_commits": {"env-1": 1}}
    rows = play_cost.first_converge_rows({"prela": prela})
    assert rows[0][2].startswith("≤ 18 writes") and rows[0][3] is True
    assert rows[2][3] is True
    prela.update(writes=19, config_commits={"env-1": 2})
    rows = play_cost.first_converge_rows({"prela": prela})
    assert rows[0][3] is False and rows[2][3] is False


def test_task_cost_playbooks_and_role_spec_are_valid_yaml():
    play = yaml.safe_load(task_cost.playbook(task_cost.RAILWAY_INFO, 3))
    assert len(play[0]["tasks"]) == 3
    assert play[0]["tasks"][0]["railstack.platform.railway_info"] == {"project": task_cost.PROJECT}
    assert yaml.safe_load(task_cost.playbook("", 3))[0]["tasks"] == []
    spec = yaml.safe_load(task_cost.argument_spec())["argument_specs"]["main"]["options"]
    assert len(spec) == task_cost.ARGUMENT_SPEC_OPTIONS


def test_task_cost_rows_give_own_costs_net_of_what_they_wrap():
    variants = [task_cost.Variant("empty play (startup)", "", times=[1.0]),
                task_cost.Variant("set_fact", "x", times=[1.2]),
                task_cost.Variant("include_tasks (one set_fact)", "y", less="set_fact", times=[1.5])]
    for variant in variants:
        variant.requests = [0]
    rows = task_cost.rows_of(variants, tasks=10)
    assert round(rows[1]["per_task_ms"]) == 20 and round(rows[2]["per_task_ms"]) == 50
    assert round(rows[2]["own_ms"]) == 30


def test_per_added_service_rows_divide_by_the_services_added():
    runs = {"floor": run(2.0), "no-op": run(2.9), "check": run(2.9), "no-op 5": run(3.0), "no-op 50": run(12.0)}
    rows = {row[0].strip(): row for row in play_cost.latency_rows(0.0, runs, [5, 50])}
    assert rows["no-op time per added service at 0 ms"][1] == "0.20 s, CPU 0.10 s"
    tasks = {"executed": 10, "skipped": 5, "includes": 2, "argument_checks": 1}
    many = {"executed": 100, "skipped": 50, "includes": 20, "argument_checks": 10}
    counted = dict(runs, **{name: dict(runs[name], tasks=tasks, by_api={"railway": 10}, lease_requests=2,
                                       repeats=0, repeated={}) for name in ("no-op", "check", "no-op 5")})
    counted["no-op 50"] = dict(counted["no-op 5"], tasks=many)
    rows = {row[0].strip(): row for row in play_cost.count_rows(counted, [5, 50])}
    assert rows["tasks per added service"][1] == "2.0 executed, 1.0 skipped"
    assert rows["no-op Prela requests"][3] is False                      # 10 > 8
