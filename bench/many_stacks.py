"""Ten stacks of two environments each, converged by site.yml with forks 1 and with forks 5.

    make bench                                             # part of the bench target
    .venv/bin/python bench/many_stacks.py --stacks 10 --forks 1,5 --latency-ms 80

The bench writes --stacks stack files (a project with a production and a staging environment, one
worker service with four variables in each) into a temporary directory, and an inventory source for
the railstack.platform.stacks inventory plugin over that directory: one host per stack environment.
Against a sandbox that delays every request by --latency-ms (Railway is remote) and plays
--railway-plan (its request budgets enforced), it converges:

  * one stack alone (its first run): the requests one stack costs;
  * all the stacks with each number of forks, each from an empty sandbox (its first run).

Printed per run: wall time, requests per stack (429 answers left out) and its ratio to one stack alone,
hosts that failed, 429 answers (the collection waits and resends: not a failure), hosts that failed on a 429, and
duplicates (a project, environment or service made twice under one name); then the speed-up of each
number of forks over the first. Measured, never asserted; the table is also saved as JSON under
bench/results/.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from integration.helpers.playbook import RATE_STATE_DIR, run_playbook  # noqa: E402  pylint: disable=wrong-import-position
from integration.helpers.sandbox import OUTPUT, SandboxProcess  # noqa: E402  pylint: disable=wrong-import-position

BENCH_OUT = OUTPUT / "bench"
SITE = REPO / "playbooks" / "site.yml"
ENVIRONMENTS = ("production", "staging")


def stack_document(index: int) -> dict:
    """One generated stack: a project, two environments, one worker service with four variables."""
    return {"stack": {
        "project": {"name": "bench-stack-%02d" % index},
        "environments": [{"name": name} for name in ENVIRONMENTS],
        "services": [{
            "name": "worker",
            "role": "worker",
            "source": {"image": "ghcr.io/railstack/bench-worker:1.%d" % index},
            "deploy": {"start_command": "node dist/worker.js"},
            "variables": {"NODE_ENV": "production", "QUEUE": "jobs-%02d" % index, "LOG_LEVEL": "info",
                          "CONCURRENCY": "4"},
            "wait": False,
        }],
    }}


def write_stacks(directory: Path, count: int) -> Path:
    """count stack files in directory/stacks, and the inventory source over them; the source's path."""
    stacks = directory / "stacks"
    stacks.mkdir(parents=True, exist_ok=True)
    for index in range(1, count + 1):
        (stacks / ("stack-%02d.yml" % index)).write_text(yaml.safe_dump(stack_document(index), sort_keys=False),
                                                         encoding="utf-8")
    source = directory / ("bench-%d.stacks.yml" % count)
    source.write_text(yaml.safe_dump({"plugin": "railstack.platform.stacks", "paths": [str(stacks)]}),
                      encoding="utf-8")
    return source


def duplicates(state: dict) -> list[str]:
    """Names the sandbox holds twice: projects by name, environments and services by (project, name)."""
    railway = state.get("railway", state)
    found = []
    for kind, key in (("projects", lambda o: o.get("name")),
                      ("environments", lambda o: (o.get("projectId"), o.get("name"))),
                      ("services", lambda o: (o.get("projectId"), o.get("name")))):
        objects = railway.get(kind) or {}
        values = objects.values() if isinstance(objects, dict) else objects
        counts = Counter(key(o) for o in values if isinstance(o, dict) and not o.get("deletedAt"))
        found += ["%s %s x%d" % (kind, name, n) for name, n in counts.items() if n > 1]
    return found


def converge(sandbox, source: Path, forks: int, stacks: int) -> dict:
    """Converge every host of the inventory source from an empty sandbox; what it cost."""
    sandbox.client.reset()
    sandbox.client.new_request_window()
    for path in RATE_STATE_DIR.glob("ratelimit-*.json"):
        path.unlink(missing_ok=True)
    mark = sandbox.traffic.mark()
    started = time.perf_counter()
    run = run_playbook(SITE, sandbox_env=sandbox.env, fast_path=True, args=["-i", str(source), "--forks", str(forks)],
                       collect_results=False, timeout=3600)
    seconds = time.perf_counter() - started
    window = sandbox.traffic.since(mark)
    recap = run.recap
    failed = sorted(h for h, counts in recap.items() if counts.get("failed") or counts.get("unreachable"))
    failed_on_429 = sorted(h for h in failed if "429" in _host_failure_text(run.stdout, h))
    refused = sum(1 for e in window.entries if e.get("status") == 429)
    requests = window.requests - refused
    return {"stacks": stacks, "forks": forks, "rc": run.rc, "seconds": round(seconds, 2),
            "hosts": len(recap), "requests": requests, "requests_per_stack": round(requests / stacks, 1),
            "mutations": len(window.mutations), "answers_429": refused,
            "failed_hosts": failed, "failed_on_429": failed_on_429,
            "duplicates": duplicates(sandbox.client.state()), "tail": "" if run.ok else run.stdout[-3000:]}


def _host_failure_text(stdout: str, host: str) -> str:
    return "\n".join(line for line in stdout.splitlines() if line.startswith(("fatal: [%s]" % host,
                                                                              "failed: [%s]" % host)))


def print_table(header: str, alone: dict, rows: list[dict]) -> None:
    print(header)
    print("one stack alone: %.2fs, %d requests" % (alone["seconds"], alone["requests"]))
    columns = ("stacks", "forks", "time s", "speed-up", "requests/stack", "vs alone", "failed", "429 answers",
               "429 fails", "dupes")
    print("%6s %6s %8s %9s %14s %10s %8s %13s %10s %9s" % columns)
    first = rows[0]["seconds"]
    for row in rows:
        print("%6d %6d %8.2f %8.2fx %14.1f %9.2fx %8d %13d %10d %9d" % (
            row["stacks"], row["forks"], row["seconds"], first / row["seconds"], row["requests_per_stack"],
            row["requests_per_stack"] / max(alone["requests"], 1), len(row["failed_hosts"]), row["answers_429"],
            len(row["failed_on_429"]), len(row["duplicates"])))
        for line in row["duplicates"] + ["failed: " + h for h in row["failed_hosts"]]:
            print("       " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stacks", type=int, default=10, help="generated stacks (default 10)")
    parser.add_argument("--forks", default="1,5", help="comma-separated forks to compare (default 1,5)")
    parser.add_argument("--latency-ms", type=float, default=80, help="sandbox latency per request (default 80)")
    parser.add_argument("--railway-plan", default="hobby", help="the plan the sandbox plays (default hobby)")
    args = parser.parse_args()
    forks = [int(f) for f in args.forks.split(",") if f.strip()]
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="many-stacks-") as tmp, \
            SandboxProcess(env_file=BENCH_OUT / "stacks-sandbox.env", record=BENCH_OUT / "stacks-traffic.jsonl",
                           truncate_record=True, log_file=BENCH_OUT / "stacks-sandbox.log",
                           args=["--latency-ms", str(args.latency_ms), "--railway-plan", args.railway_plan]) as sandbox:
        alone = converge(sandbox, write_stacks(Path(tmp) / "one", 1), 1, 1)
        print("bench: one stack alone: %.2fs" % alone["seconds"], file=sys.stderr)
        source = write_stacks(Path(tmp) / "many", args.stacks)
        rows = []
        for count in forks:
            rows.append(converge(sandbox, source, count, args.stacks))
            print("bench: %d stacks, forks %d: %.2fs" % (args.stacks, count, rows[-1]["seconds"]), file=sys.stderr)
    header = ("many stacks: %d stacks x %d environments, sandbox latency %g ms per request, Railway plan %s, "
              "Python %s, %s cores" % (args.stacks, len(ENVIRONMENTS), args.latency_ms, args.railway_plan,
                                       platform.python_version(), os.cpu_count()))
    print_table(header, alone, rows)
    for row in [alone] + rows:
        if row["tail"]:
            print("\n--- forks %d, %d stacks: ansible-playbook rc=%d ---\n%s"
                  % (row["forks"], row["stacks"], row["rc"], row["tail"]))
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    out = results / ("many_stacks-%s.json" % time.strftime("%Y%m%d-%H%M%S"))
    out.write_text(json.dumps({"header": header, "alone": alone, "rows": rows}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
