"""Per-task cost of railstack.platform: action plugin vs the same code as a classic module.

    make bench                                  # 20 tasks per playbook, 3 runs each
    .venv/bin/python bench/task_cost.py --tasks 50 --repeat 5 --latency-ms 30

For each variant a playbook of N separate tasks (no loop) runs against a fresh local sandbox,
R times. Reported: median wall time of the playbook, the cost per task
((median - median of an empty play) / N), and the provider requests and mutations per task
read from the sandbox's traffic. The classic-module variants run the very same modules from a
view of the collection without plugins/action (tests/output/bench/collections), so Ansible
falls back to shipping each task to the host as an AnsiballZ module.

Numbers are measured, never asserted; a run's table is also saved as JSON under bench/results/.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from integration.helpers.playbook import run_playbook  # noqa: E402  pylint: disable=wrong-import-position
from integration.helpers.sandbox import OUTPUT, SandboxProcess  # noqa: E402  pylint: disable=wrong-import-position

BENCH_OUT = OUTPUT / "bench"
PROJECT = "bench-project"


def module_only_view():
    """ansible_collections/railstack/platform with every plugins/* dir but action, as symlinks."""
    root = BENCH_OUT / "collections"
    coll = root / "ansible_collections" / "railstack" / "platform"
    if coll.exists():
        for path in sorted(coll.rglob("*"), reverse=True):
            if path.is_symlink() or path.is_file():
                path.unlink()
            elif path.is_dir():
                path.rmdir()
    (coll / "plugins").mkdir(parents=True, exist_ok=True)
    for name in ("galaxy.yml", "meta"):
        (coll / name).symlink_to(REPO / name)
    for sub in (REPO / "plugins").iterdir():
        if sub.name != "action":
            (coll / "plugins" / sub.name).symlink_to(sub)
    return root


def playbook(tasks, count):
    lines = ["- name: Bench", "  hosts: localhost", "  gather_facts: false", "  tasks:"]
    if not tasks:
        lines[-1] = "  tasks: []"
    for i in range(count if tasks else 0):
        lines.append(f"    - name: Task {i}")
        lines += ["      " + line for line in tasks.strip("\n").splitlines()]
    return "\n".join(lines) + "\n"


VARIANTS = [
    # name, task YAML (empty = the empty play), uses the module-only view, needs a sandbox project
    ("empty play (startup)", "", False),
    ("ansible.builtin.set_fact", "ansible.builtin.set_fact:\n  bench_fact: 1", False),
    ("railway_info (action plugin)", f"railstack.platform.railway_info:\n  project: {PROJECT}", False),
    ("railway_info (classic module)", f"railstack.platform.railway_info:\n  project: {PROJECT}", True),
    ("railway_project no-op (action plugin)", f"railstack.platform.railway_project:\n  name: {PROJECT}", False),
    ("railway_project no-op (classic module)", f"railstack.platform.railway_project:\n  name: {PROJECT}", True),
]


def available(task_yaml):
    """Variants whose module the collection has (the lead adds them over time)."""
    if "railstack.platform." not in task_yaml:
        return True
    name = task_yaml.split("railstack.platform.", 1)[1].split(":", 1)[0]
    return (REPO / "plugins" / "modules" / f"{name}.py").exists() and (REPO / "plugins" / "action" / f"{name}.py").exists()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=20, help="tasks per playbook (default 20)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant (default 3)")
    parser.add_argument("--latency-ms", type=float, default=0, help="sandbox latency per request (default 0)")
    args = parser.parse_args()
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    view = module_only_view()
    variants = [v for v in VARIANTS if available(v[1])]

    rows = []
    sandbox_args = ["--latency-ms", str(args.latency_ms)] if args.latency_ms else []
    with SandboxProcess(env_file=BENCH_OUT / "sandbox.env", record=BENCH_OUT / "sandbox-traffic.jsonl",
                        truncate_record=True, args=sandbox_args) as sandbox:
        if any(PROJECT in v[1] for v in variants):
            run_playbook(playbook(f"railstack.platform.railway_project:\n  name: {PROJECT}", 1),
                         sandbox_env=sandbox.env, collect_results=False).assert_ok()
        for name, tasks, classic in variants:
            env = {}
            if classic:
                env["ANSIBLE_COLLECTIONS_PATH"] = str(view)
            text = playbook(tasks, args.tasks)
            times, requests, mutations = [], [], []
            for dummy in range(args.repeat):
                start_mark = sandbox.traffic.mark()
                started = time.perf_counter()
                run = run_playbook(text, sandbox_env=sandbox.env, env=env, collect_results=False)
                times.append(time.perf_counter() - started)
                if not run.ok:
                    sys.exit(f"bench: {name} failed:\n{run}")
                window = sandbox.traffic.since(start_mark)
                requests.append(window.requests)
                mutations.append(len(window.mutations))
            rows.append({"variant": name, "tasks": 0 if not tasks else args.tasks, "runs": times,
                         "median_s": statistics.median(times), "requests": statistics.median(requests),
                         "mutations": statistics.median(mutations)})
            print(f"bench: {name}: {', '.join(f'{t:.2f}s' for t in times)}", file=sys.stderr)

    base = rows[0]["median_s"]
    header = (f"task cost: {args.tasks} tasks per playbook, median of {args.repeat} runs, sandbox latency "
              f"{args.latency_ms:g} ms, ansible-core {ansible_version()}, Python {platform.python_version()}, "
              f"{os.cpu_count()} cores")
    print(header)
    print(f"{'variant':42} {'total s':>8} {'per task ms':>12} {'requests/task':>14} {'mutations':>10}")
    for row in rows:
        if row["tasks"]:
            row["per_task_ms"] = (row["median_s"] - base) * 1000 / row["tasks"]
            row["requests_per_task"] = row["requests"] / row["tasks"]
            print(f"{row['variant']:42} {row['median_s']:8.2f} {row['per_task_ms']:12.1f} "
                  f"{row['requests_per_task']:14.2f} {row['mutations']:10g}")
        else:
            print(f"{row['variant']:42} {row['median_s']:8.2f} {'-':>12} {'-':>14} {'-':>10}")
    action = {r["variant"].split(" (")[0]: r for r in rows if r["variant"].endswith("(action plugin)")}
    for row in rows:
        if row["variant"].endswith("(classic module)"):
            twin = action.get(row["variant"].split(" (")[0])
            if twin and twin.get("per_task_ms", 0) > 0:
                print(f"{row['variant'].split(' (')[0]}: the classic module costs "
                      f"{row['per_task_ms'] / twin['per_task_ms']:.1f}x the action plugin per task")

    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    out = results / f"task_cost-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"header": header, "rows": rows}, indent=2) + "\n", encoding="utf-8")
    print(f"saved {out.relative_to(REPO)}")


def ansible_version():
    try:
        from ansible.release import __version__  # pylint: disable=import-outside-toplevel
        return __version__
    except ImportError:
        return "?"


if __name__ == "__main__":
    main()
