"""What converging a whole stack costs: playbooks/site.yml on an example stack, first run and no-op run.

    .venv/bin/python bench/site_prela.py                          # examples/prela.yml, 3 repeats
    .venv/bin/python bench/site_prela.py --stack examples/django.yml --latency-ms 80 --repeat 2

Each repeat starts a fresh sandbox (optionally with --latency-ms added to every provider request,
to see what real API latency does), runs site.yml on the stack (the first run: everything is
created), then again (the no-op run). Reported per run: wall time (median over the repeats),
requests and mutations sent to the providers (from the sandbox's traffic, by provider), the
task results (ok/changed/skipped), and the time per task group from the results callback.

Numbers are measured, never asserted; the table is also saved as JSON under bench/results/.
"""
from __future__ import annotations

import argparse
import collections
import json
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from integration.helpers.playbook import run_playbook  # noqa: E402  pylint: disable=wrong-import-position
from integration.helpers.sandbox import OUTPUT, SandboxProcess, TrafficWindow  # noqa: E402  pylint: disable=wrong-import-position

BENCH_OUT = OUTPUT / "bench"


def one_repeat(stack, latency_ms, index, env):
    record = BENCH_OUT / ("site-%d.jsonl" % index)
    record.unlink(missing_ok=True)
    args = ["--latency-ms", str(latency_ms)] if latency_ms else []
    rows = []
    with SandboxProcess(env_file=BENCH_OUT / ("site-%d.env" % index), record=record, args=args,
                        log_file=BENCH_OUT / ("site-%d.log" % index)) as sandbox:
        for run in ("first", "no-op"):
            mark = sandbox.client.mark()
            start = time.perf_counter()
            result = run_playbook("playbooks/site.yml", extra_vars="@" + stack, sandbox_env=sandbox.env, env=env)
            seconds = time.perf_counter() - start
            if not result.ok:
                raise SystemExit("site.yml failed on %s (%s run):\n%s" % (stack, run, result))
            window = TrafficWindow(sandbox.client.traffic(since=mark)[0])
            by_api = collections.Counter(e["api"] for e in window.entries)
            writes = collections.Counter(e["api"] for e in window.mutations)
            statuses = collections.Counter(r["status"] for r in result.results if "item" not in r)
            rows.append(dict(run=run, seconds=seconds, requests=window.requests, mutations=len(window.mutations),
                             by_api=dict(by_api), writes=dict(writes), tasks=dict(statuses),
                             recap=result.recap.get("localhost", {})))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack", default="examples/prela.yml")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=0)
    args = parser.parse_args()
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    # the example's own secrets, from the environment as it reads them
    env = dict(CLICKHOUSE_HOST="bench.clickhouse.cloud", CLICKHOUSE_PASSWORD="bench-password-0123456789")
    repeats = [one_repeat(args.stack, args.latency_ms, i, env) for i in range(args.repeat)]
    table = []
    for position, run in enumerate(("first", "no-op")):
        rows = [r[position] for r in repeats]
        table.append(dict(run=run, median_seconds=round(statistics.median(r["seconds"] for r in rows), 2),
                          seconds=[round(r["seconds"], 2) for r in rows], requests=rows[-1]["requests"],
                          mutations=rows[-1]["mutations"], by_api=rows[-1]["by_api"], writes=rows[-1]["writes"],
                          recap=rows[-1]["recap"]))
    print("site.yml on %s, %d repeat(s), latency %s ms per provider request, Python %s, %s" % (
        args.stack, args.repeat, args.latency_ms, platform.python_version(), platform.machine()))
    print("%-6s %9s %9s %10s  %-40s %s" % ("run", "median s", "requests", "mutations", "requests by API", "recap"))
    for row in table:
        recap = "ok=%s changed=%s skipped=%s" % (row["recap"].get("ok"), row["recap"].get("changed"), row["recap"].get("skipped"))
        apis = ", ".join("%s %d" % kv for kv in sorted(row["by_api"].items()))
        values = (row["run"], row["median_seconds"], row["requests"], row["mutations"], apis, recap)
        print("%-6s %9.2f %9d %10d  %-40s %s" % values)
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / ("site-%s-%s.json" % (Path(args.stack).stem, time.strftime("%Y%m%d-%H%M%S")))
    path.write_text(json.dumps(dict(stack=args.stack, latency_ms=args.latency_ms, repeat=args.repeat, table=table),
                               indent=2), encoding="utf-8")
    print("saved %s" % path.relative_to(REPO))


if __name__ == "__main__":
    main()
