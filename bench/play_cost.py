"""What a run of playbooks/site.yml costs, as ratios to a floor measured in the same run (issue 13's table).

    make bench                                         # everything, 2 alternating rounds at 0 and 80 ms
    make bench ARGS=--quick                            # 1 round, for a first look
    .venv/bin/python bench/play_cost.py --repeat 5 --latencies 80 --sizes 5,50 --no-task-cost

One local sandbox (Hobby plan; config patches apply in 0.2 s, as in the integration tests) serves everything.
First it converges examples/prela.yml (the first converge: requests, writes, objects created, configuration
commits per environment) and one generated stack per size (web and worker services, half each). Then, at each
added latency (the sandbox's latency_ms, set live), it runs in turn, round after round (alternating, so a change
in the machine's load spreads over all of them):

    floor       an empty play plus one read per provider (Railway, Stripe, Clerk, Cloudflare)
    no-op       site.yml on the converged Prela stack (the fast path: this machine's fingerprint of its converge)
    cold no-op  the same with no fingerprint on the machine (a new machine, an AWX job): the full converge
    check       site.yml --check --diff on it
    no-op N     site.yml on the converged generated stack of N services, for each size

and reports medians: time as a ratio to the floor of the same latency, CPU time (ansible-playbook and its
forks), requests by provider, writes, exact repeats (the same method, path and body twice in one run), tasks
executed and skipped. Then it runs bench/task_cost.py's per-task costs (a skipped task, an include, a role's
argument check, an action plugin). The closing table lists each figure, the issue's target, and whether it
is met. Measured, never asserted; the figures are also saved as JSON under bench/results/.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import yaml

from benchlib import BENCH_OUT, REPO, machine_note, measured_run, median, objects_created, save
from integration.helpers.sandbox import SandboxProcess  # pylint: disable=wrong-import-order

import task_cost  # pylint: disable=wrong-import-order

PRELA = "examples/prela.yml"
PRELA_PROJECT = "prela-backend"
SITE = "playbooks/site.yml"
SANDBOX_ARGS = ["--railway-plan", "hobby", "--realism", "patch_apply_seconds=0.2"]
# Prela reads its application's own secrets from the environment.
PRELA_ENV = dict(CLICKHOUSE_HOST="bench.clickhouse.cloud", CLICKHOUSE_PASSWORD="bench-password-0123456789")
TARGET_LATENCY_MS = 80.0        # the targets hold at this latency
COLD_CACHE = BENCH_OUT / "cold-cache"   # the cold no-op's cache directory, emptied of fingerprints before each run

FLOOR = """
- name: Floor, an empty play plus one read per provider
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Railway
      railstack.platform.railway_info:
        project: prela-backend
        workspace_id: "{{ workspace_id }}"
    - name: Stripe
      railstack.platform.stripe_product:
        id: prela_lunch_money
        name: Lunch Money
      check_mode: true
    - name: Clerk
      railstack.platform.clerk_info:
    - name: Cloudflare
      railstack.platform.dns_records:
        provider: cloudflare
        zone: prela.app
        records: []
      check_mode: true
"""


def generated_stack(size: int) -> dict:
    """A stack of `size` services, web and worker in turn, each from an image with five variables."""
    services = []
    for i in range(size):
        web = i % 2 == 0
        service = dict(name=f"{'web' if web else 'worker'}-{i:02d}", role="web" if web else "worker",
                       source=dict(image=f"ghcr.io/railstack/bench-{'web' if web else 'worker'}:1.{i}"),
                       variables=dict(SERVICE_INDEX=str(i), LOG_LEVEL="info", NODE_ENV="production",
                                      FEATURE_FLAGS="search,billing", REGION="eu-west"))
        if web:
            service["health_check"] = dict(path="/healthz")
            service["variables"]["PORT"] = "8080"
        else:
            service["deploy"] = dict(start_command="node dist/worker.js")
        services.append(service)
    return dict(stack=dict(project=dict(name=f"bench-stack-{size}", description=f"bench: {size} services"),
                           environments=[dict(name="production")], services=services))


def write_stack(size: int) -> str:
    path = BENCH_OUT / f"stack-{size}.yml"
    path.write_text(yaml.safe_dump(generated_stack(size), sort_keys=False), encoding="utf-8")
    return "@" + str(path)


def workspace_id(sandbox) -> str:
    import requests  # pylint: disable=import-outside-toplevel
    answer = requests.post(sandbox.env["RAILWAY_API_URL"], json={"query": "{ apiToken { workspaces { id } } }"},
                           headers={"Authorization": "Bearer " + sandbox.env["RAILWAY_API_TOKEN"]}, timeout=30).json()
    return answer["data"]["apiToken"]["workspaces"][0]["id"]


def first_converges(sandbox, sizes: list[int], log) -> dict:
    """Converge Prela (measured, with the objects it created) and each generated stack (timed only)."""
    before = sandbox.client.state()
    prela = measured_run(sandbox, SITE, extra_vars="@" + PRELA, env=PRELA_ENV)
    prela["objects"] = objects_created(before, sandbox.client.state())
    print(f"bench: first converge of Prela: {prela['seconds']:.1f}s, {prela['requests']} requests, "
          f"{prela['writes']} writes", file=log)
    stacks = {}
    for size in sizes:
        stacks[size] = measured_run(sandbox, SITE, extra_vars=write_stack(size))
        print(f"bench: first converge of {size} services: {stacks[size]['seconds']:.1f}s", file=log)
    return dict(prela=prela, stacks=stacks)


def scenarios(sizes: list[int], workspace: str) -> list[tuple[str, dict]]:
    """(name, measured_run arguments) of the runs that alternate."""
    runs = [("floor", dict(playbook=FLOOR, extra_vars=dict(workspace_id=workspace))),
            ("no-op", dict(playbook=SITE, extra_vars="@" + PRELA, env=PRELA_ENV)),
            ("cold no-op", dict(playbook=SITE, extra_vars="@" + PRELA,
                                env=dict(PRELA_ENV, RAILSTACK_CACHE_DIR=str(COLD_CACHE)))),
            ("check", dict(playbook=SITE, extra_vars="@" + PRELA, env=PRELA_ENV, check=True, diff=True))]
    runs += [(f"no-op {size}", dict(playbook=SITE, extra_vars=write_stack(size))) for size in sizes]
    return runs


def alternating(sandbox, runs, latency_ms: float, repeat: int, log) -> dict[str, list[dict]]:
    sandbox.client.faults(latency_ms=latency_ms)
    measured: dict[str, list[dict]] = {name: [] for name, dummy in runs}
    for round_index in range(repeat):
        for name, arguments in runs:
            arguments = dict(arguments)
            if name == "cold no-op":
                shutil.rmtree(COLD_CACHE / "converged", ignore_errors=True)
            measured[name].append(measured_run(sandbox, arguments.pop("playbook"), **arguments))
        print(f"bench: {latency_ms:g} ms, round {round_index + 1} of {repeat}: " + ", ".join(
            f"{name} {values[-1]['seconds']:.1f}s" for name, values in measured.items()), file=log)
    sandbox.client.faults(latency_ms=0)
    return measured


def summary(runs: list[dict]) -> dict:
    """Medians of the timed figures, the counted figures of the last run (they do not vary between runs)."""
    last = dict(runs[-1])
    last.update(seconds=median([r["seconds"] for r in runs]), cpu_seconds=median([r["cpu_seconds"] for r in runs]),
                all_seconds=[round(r["seconds"], 2) for r in runs])
    return last


def measure(sizes: list[int], latencies: list[float], repeat: int, log=sys.stderr) -> dict:
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    with SandboxProcess(env_file=BENCH_OUT / "play-cost.env", record=BENCH_OUT / "play-cost-traffic.jsonl",
                        truncate_record=True, args=SANDBOX_ARGS, log_file=BENCH_OUT / "play-cost.log") as sandbox:
        first = first_converges(sandbox, sizes, log)
        runs = scenarios(sizes, workspace_id(sandbox))
        by_latency = {}
        for latency in latencies:
            measured = alternating(sandbox, runs, latency, repeat, log)
            by_latency[latency] = {name: summary(values) for name, values in measured.items()}
    return dict(first=first, by_latency=by_latency, sizes=sizes, repeat=repeat)


# ------------------------------------------------------------------------------------------------ the table
def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}×" if base else "-"


def met(ok: bool | None) -> str:
    return "-" if ok is None else ("met" if ok else "NOT met")


def latency_rows(latency: float, runs: dict, sizes: list[int]) -> list[tuple]:
    """Time figures at one latency: ratios to the floor, and 50-vs-5 style ratios between stack sizes."""
    floor, noop, check, cold = runs["floor"], runs["no-op"], runs["check"], runs.get("cold no-op")
    at = f"at {latency:g} ms"
    target = latency == TARGET_LATENCY_MS
    rows = [(f"floor {at}", f"{floor['seconds']:.2f} s, {floor['requests']} requests, CPU {floor['cpu_seconds']:.1f} s",
             "-", None),
            (f"no-op Prela {at}", f"{ratio(noop['seconds'], floor['seconds'])} floor ({noop['seconds']:.2f} s, "
                                  f"CPU {noop['cpu_seconds']:.1f} s)",
             "≤ 1.5× floor" if target else "-", noop["seconds"] <= 1.5 * floor["seconds"] if target else None),
            (f"cold no-op Prela {at}", f"{ratio(cold['seconds'], floor['seconds'])} floor ({cold['seconds']:.2f} s, "
                                       f"CPU {cold['cpu_seconds']:.1f} s)" if cold else "-", "-", None),
            (f"--check --diff vs no-op {at}", f"{ratio(check['seconds'], noop['seconds'])} ({check['seconds']:.2f} s, "
                                              f"{check['requests']} requests, {check['writes']} writes)",
             "≤ 1.0× (5 % noise), no more requests",
             check["seconds"] <= 1.05 * noop["seconds"] and check["requests"] <= noop["requests"]
             and check["writes"] == 0)]
    for size in sizes:
        run = runs[f"no-op {size}"]
        rows.append((f"no-op {size} services {at}", f"{ratio(run['seconds'], floor['seconds'])} floor "
                     f"({run['seconds']:.2f} s, CPU {run['cpu_seconds']:.1f} s, {run['requests']} requests, "
                     f"{run['writes']} writes)", "0 writes", run["writes"] == 0))
    if len(sizes) > 1:
        small, big = runs[f"no-op {min(sizes)}"], runs[f"no-op {max(sizes)}"]
        added = max(sizes) - min(sizes)
        rows.append((f"no-op {max(sizes)} vs {min(sizes)} services {at}", ratio(big["seconds"], small["seconds"]),
                     "≤ 1.5×", big["seconds"] <= 1.5 * small["seconds"]))
        rows.append((f"  no-op time per added service {at}", f"{(big['seconds'] - small['seconds']) / added:.2f} s, "
                     f"CPU {(big['cpu_seconds'] - small['cpu_seconds']) / added:.2f} s", "-", None))
    return rows


def count_rows(runs: dict, sizes: list[int]) -> list[tuple]:
    """Figures that do not depend on latency: requests, writes, repeats, tasks."""
    noop = runs["no-op"]
    by_api = ", ".join(f"{api} {count}" for api, count in sorted(noop["by_api"].items(), key=lambda kv: -kv[1]))
    repeated = "; ".join(f"{label} ×{count}" for label, count in list(noop["repeated"].items())[:4])
    rows = [("no-op Prela requests", f"{noop['requests']} ({by_api}; {noop['lease_requests']} of them the lease)",
             "≤ 8", noop["requests"] <= 8),
            ("no-op Prela writes", str(noop["writes"]), "0", noop["writes"] == 0),
            ("cold no-op Prela requests", _requests(runs.get("cold no-op")), "-", None),
            ("cold no-op Prela writes", str(runs["cold no-op"]["writes"]) if "cold no-op" in runs else "-", "0",
             runs["cold no-op"]["writes"] == 0 if "cold no-op" in runs else None),
            ("no-op Prela exact repeats", f"{noop['repeats']} of {noop['requests']}" + (f": {repeated}" * bool(repeated)),
             "-", None)]
    for name in ["no-op", "cold no-op", "check"] + [f"no-op {size}" for size in sizes]:
        if name not in runs:
            continue
        tasks = runs[name]["tasks"]
        label = {"no-op": "no-op Prela", "cold no-op": "cold no-op Prela",
                 "check": "--check --diff Prela"}.get(name, name + " services")
        rows.append((f"tasks of {label}", f"{tasks['executed']} executed ({tasks['includes']} includes, "
                     f"{tasks['argument_checks']} argument checks), {tasks['skipped']} skipped", "-", None))
    if len(sizes) > 1:
        small, big = runs[f"no-op {min(sizes)}"]["tasks"], runs[f"no-op {max(sizes)}"]["tasks"]
        added = max(sizes) - min(sizes)
        rows.append(("  tasks per added service", f"{(big['executed'] - small['executed']) / added:.1f} executed, "
                     f"{(big['skipped'] - small['skipped']) / added:.1f} skipped", "-", None))
    return rows


def _requests(run: dict | None) -> str:
    if not run:
        return "-"
    by_api = ", ".join(f"{api} {count}" for api, count in sorted(run["by_api"].items(), key=lambda kv: -kv[1]))
    return f"{run['requests']} ({by_api}; {run['lease_requests']} of them the lease)"


def first_converge_rows(first: dict) -> list[tuple]:
    prela = first["prela"]
    objects = sum(prela["objects"].values())
    commits = prela["config_commits"]
    environments = max(1, len(commits))
    allowed = objects + environments
    return [("first converge of Prela", f"{prela['requests']} requests, {prela['writes']} writes for {objects} "
             f"objects ({prela['writes'] / objects:.2f} per object) in {prela['seconds']:.1f} s" if objects else
             f"{prela['requests']} requests, {prela['writes']} writes", f"≤ {allowed} writes (1 per object + "
             f"1 commit per environment)", prela["writes"] <= allowed),
            ("  objects created", ", ".join(f"{k} {v}" for k, v in prela["objects"].items()), "-", None),
            ("  config commits per environment", ", ".join(str(v) for v in commits.values()) or "0", "1",
             all(v == 1 for v in commits.values()))]


def task_cost_rows(table: dict) -> list[tuple]:
    rows = {row["variant"]: row for row in table["rows"]}
    wanted = [("a set_fact task", "set_fact", "per_task_ms"),
              ("a skipped task", "skipped task (when: false)", "per_task_ms"),
              ("an include_tasks (itself)", "include_tasks (one set_fact)", "own_ms"),
              ("an include_role (itself)", "include_role (one set_fact)", "own_ms"),
              ("a role's argument check", "include_role + argument check", "own_ms"),
              ("railway_info, action plugin", "railway_info (action plugin)", "per_task_ms"),
              ("railway_info, classic module", "railway_info (classic module)", "per_task_ms"),
              ("railway_info, the client's spacing", "railway_info (action, spacing kept)", "own_ms")]
    return [(f"per task: {label}", f"{rows[name][key]:.0f} ms", "-", None)
            for label, name, key in wanted if key in rows.get(name, {})]


def table_rows(result: dict, task_table: dict | None) -> list[tuple]:
    latencies = list(result["by_latency"])
    rows = []
    for latency in latencies:
        rows += latency_rows(latency, result["by_latency"][latency], result["sizes"])
    rows += count_rows(result["by_latency"][latencies[-1]], result["sizes"])
    rows += first_converge_rows(result["first"])
    if task_table:
        rows += task_cost_rows(task_table)
    return rows


def print_table(rows: list[tuple], markdown: bool) -> None:
    if markdown:
        print("| figure | measured | target | |\n|---|---|---|---|")
        for figure, measured, target, ok in rows:
            print(f"| {figure.strip()} | {measured} | {target} | {met(ok)} |")
        return
    for figure, measured, target, ok in rows:
        print(f"{figure:44} {measured}")
        if ok is not None or target != "-":
            print(f"{'':44}   target {target}: {met(ok)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2, help="alternating rounds per latency (default 2)")
    parser.add_argument("--latencies", default="0,80", help="added ms per provider request (default 0,80)")
    parser.add_argument("--sizes", default="5,20,50", help="services of the generated stacks (default 5,20,50)")
    parser.add_argument("--quick", action="store_true", help="one round, task cost with 10 tasks and one round")
    parser.add_argument("--no-task-cost", action="store_true", help="leave bench/task_cost.py's figures out")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--render", metavar="JSON", help="print the table of a saved result, measuring nothing")
    args = parser.parse_args()
    if args.render:
        render(Path(args.render), args.markdown)
        return
    repeat = 1 if args.quick else args.repeat
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    latencies = [float(s) for s in args.latencies.split(",") if s.strip()]
    started, note = time.monotonic(), machine_note()
    result = measure(sizes, latencies, repeat)
    task_table = None
    if not args.no_task_cost:
        task_table = task_cost.measure(tasks=10 if args.quick else 20, repeat=repeat)
    print(f"play cost: {repeat} alternating round(s) per latency; started {note}; took "
          f"{(time.monotonic() - started) / 60:.1f} min, load average at the end "
          f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    rows = table_rows(result, task_table)
    print_table(rows, args.markdown)
    saved = save("play_cost", dict(note=note, result=result, task_cost=task_table, rows=rows))
    print(f"saved {saved.relative_to(REPO)}")


def render(path: Path, markdown: bool) -> None:
    """The table of a result saved under bench/results/ (JSON turned the latencies into strings)."""
    saved = json.loads(path.read_text(encoding="utf-8"))
    result = saved["result"]
    result["by_latency"] = {float(latency): runs for latency, runs in result["by_latency"].items()}
    print(f"play cost: {result['repeat']} alternating round(s) per latency; started {saved['note']}")
    print_table(table_rows(result, saved.get("task_cost")), markdown)


if __name__ == "__main__":
    main()
