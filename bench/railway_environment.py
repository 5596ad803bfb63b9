"""Requests and time to converge a whole Railway environment, first run and no-op second run.

    make bench-environment                                   # 5 and 50 services, 50 ms per request
    .venv/bin/python bench/railway_environment.py --sizes 5,50,100 --latency-ms 100

For each size N a fresh project gets one environment of N services (image, start command,
healthcheck, replicas, four variables each) through railstack.platform.railway_services, against a
local sandbox that delays every request by --latency-ms (Railway's API is remote). The playbook runs
twice; the second run changes nothing. Printed per run: wall time, Railway requests (reads and
mutations) for the whole playbook and for the railway_services task alone (its `api_requests`), and
the tasks that changed. The design target: a no-op run of an environment costs a couple of reads,
whatever N.

Numbers are measured, never asserted; the table is also saved as JSON under bench/results/.
"""
from __future__ import annotations

import argparse
import sys
import time

from benchlib import BENCH_OUT, REPO, machine_note, save
from integration.helpers.playbook import run_playbook  # pylint: disable=wrong-import-order
from integration.helpers.sandbox import SandboxProcess  # pylint: disable=wrong-import-order

SERVICES_TASK = "Services"

PLAYBOOK = """
- name: Converge one environment of {size} services
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      workspace_id: "{{{{ workspace_id }}}}"
  tasks:
    - name: Project
      railstack.platform.railway_project:
        name: "{{{{ project }}}}"
    - name: Environment
      railstack.platform.railway_environment:
        project: "{{{{ project }}}}"
        name: production
    - name: {services_task}
      railstack.platform.railway_services:
        project: "{{{{ project }}}}"
        environment: production
        services: "{{{{ services }}}}"
"""


def services(size):
    return [dict(name="svc-%02d" % i, source=dict(image="ghcr.io/railstack/bench-%02d:1.0" % i),
                 deploy=dict(start_command="node dist/main.js", healthcheck_path="/healthz", num_replicas=1 + i % 2),
                 variables=dict(NODE_ENV="production", PORT="8080", SERVICE_INDEX=str(i), LOG_LEVEL="info"))
            for i in range(size)]


def workspace_of(sandbox):
    import requests  # pylint: disable=import-outside-toplevel
    answer = requests.post(sandbox.env["RAILWAY_API_URL"], json={"query": "{ me { workspaces { id } } }"},
                           headers={"Authorization": "Bearer " + sandbox.env["RAILWAY_API_TOKEN"]}, timeout=30).json()
    return answer["data"]["me"]["workspaces"][0]["id"]


def measure(sandbox, size, label, extra_vars):
    text = PLAYBOOK.format(size=size, services_task=SERVICES_TASK)
    mark = sandbox.traffic.mark()
    started = time.perf_counter()
    run = run_playbook(text, extra_vars=extra_vars, sandbox_env=sandbox.env, fast_path=True)
    seconds = time.perf_counter() - started
    if not run.ok:
        sys.exit(f"bench: {size} services, {label} run failed:\n{run}")
    window = sandbox.traffic.since(mark)
    railway = window.by_api("railway")
    mutations = len(window.railway_mutations)
    task = run.task(SERVICES_TASK)
    return {"services": size, "run": label, "seconds": round(seconds, 2), "requests": len(railway),
            "reads": len(railway) - mutations, "mutations": mutations,
            "services_task_requests": task.get("api_requests"), "changed": run.changed}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5,50", help="comma-separated numbers of services (default 5,50)")
    parser.add_argument("--latency-ms", type=float, default=50, help="sandbox latency per request (default 50)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    with SandboxProcess(env_file=BENCH_OUT / "environment-sandbox.env", record=BENCH_OUT / "environment-traffic.jsonl",
                        truncate_record=True, args=["--latency-ms", str(args.latency_ms)],
                        log_file=BENCH_OUT / "environment-sandbox.log") as sandbox:
        workspace_id = workspace_of(sandbox)
        for size in sizes:
            extra_vars = dict(project="bench-env-%d" % size, workspace_id=workspace_id, services=services(size))
            for label in ("first", "second"):
                row = measure(sandbox, size, label, extra_vars)
                rows.append(row)
                print(f"bench: {size} services, {label} run: {row['seconds']:.2f}s, {row['requests']} requests",
                      file=sys.stderr)

    header = f"railway environment: sandbox latency {args.latency_ms:g} ms per request; {machine_note()}"
    print(header)
    print(f"{'services':>8} {'run':>7} {'time s':>8} {'requests':>9} {'reads':>6} {'mutations':>10} "
          f"{'railway_services task':>22}  changed")
    for row in rows:
        print(f"{row['services']:>8} {row['run']:>7} {row['seconds']:8.2f} {row['requests']:>9} {row['reads']:>6} "
              f"{row['mutations']:>10} {str(row['services_task_requests']):>22}  {', '.join(row['changed']) or '-'}")
    print(f"saved {save('railway_environment', {'header': header, 'rows': rows}).relative_to(REPO)}")


if __name__ == "__main__":
    main()
