"""What one task costs Ansible, by kind: a module, a skipped task, an include, a role's argument check.

    .venv/bin/python bench/task_cost.py                            # 20 tasks per playbook, 3 rounds
    .venv/bin/python bench/task_cost.py --tasks 50 --repeat 5 --latency-ms 80

Each variant is a playbook of N copies of one task (no loop) run against one local sandbox; the variants run
in turn, round after round (alternating, so a change in the machine's load spreads over all of them), and
each variant's cost per task is (its median - the empty play's median) / N. Composite variants also show their
own cost: an include less the task it includes, a role with an argument spec less the same role without.

The collection's Railway client spaces its requests (a token bucket, a few a second after a short burst) and
shares the recent sends of a credential with the next tasks through a state file in $RAILSTACK_CACHE_DIR; in a
playbook of identical Railway tasks most of a task's time is then that spacing, not the task's cost. The
"spacing out of the way" variants point RAILSTACK_CACHE_DIR at a path that cannot be a directory: the state is
then neither read nor written (the client ignores a state it cannot use), so each task starts with a full
burst and a task of a few requests waits for nothing. The "as site.yml runs it" variant keeps the state, to
show the spacing's share. The classic-module variants run the same modules from a view of the collection
without plugins/action, so Ansible ships each task to the host as an AnsiballZ module.

Numbers are measured, never asserted; a run's table is also saved as JSON under bench/results/.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from benchlib import BENCH_OUT, REPO, machine_note, median, save
from integration.helpers.playbook import run_playbook  # pylint: disable=wrong-import-order
from integration.helpers.sandbox import SandboxProcess  # pylint: disable=wrong-import-order

PROJECT = "bench-project"
SET_FACT = "ansible.builtin.set_fact:\n  bench_fact: 1"
RAILWAY_INFO = f"railstack.platform.railway_info:\n  project: {PROJECT}"
RAILWAY_PROJECT = f"railstack.platform.railway_project:\n  name: {PROJECT}"
ARGUMENT_SPEC_OPTIONS = 12      # the size of a small role's interface (the collection's roles have 10-30)


@dataclass
class Variant:
    name: str
    task: str                       # the task's YAML, without its name; "" is the empty play
    classic: bool = False           # from the module-only view of the collection
    spacing: bool = False           # keep the client's shared request spacing (RAILSTACK_CACHE_DIR usable)
    less: str = ""                  # the variant whose per-task cost this one's "own" cost leaves out
    times: list = field(default_factory=list)
    requests: list = field(default_factory=list)


def variants(bench_dir: Path) -> list[Variant]:
    tasks_file = bench_dir / "tasks" / "one_set_fact.yml"
    return [
        Variant("empty play (startup)", ""),
        Variant("set_fact", SET_FACT),
        Variant("skipped task (when: false)", "ansible.builtin.set_fact:\n  bench_fact: 1\nwhen: bench_never | "
                                              "default(false)"),
        Variant("include_tasks (one set_fact)", f"ansible.builtin.include_tasks: {tasks_file}", less="set_fact"),
        Variant("include_role (one set_fact)", "ansible.builtin.include_role:\n  name: bench_plain",
                less="set_fact"),
        Variant("include_role + argument check", "ansible.builtin.include_role:\n  name: bench_checked",
                less="include_role (one set_fact)"),
        Variant("railway_info (action plugin)", RAILWAY_INFO),
        Variant("railway_info (classic module)", RAILWAY_INFO, classic=True),
        Variant("railway_info (action, spacing kept)", RAILWAY_INFO, spacing=True, less="railway_info (action plugin)"),
        Variant("railway_project no-op (action plugin)", RAILWAY_PROJECT),
        Variant("railway_project no-op (classic module)", RAILWAY_PROJECT, classic=True),
    ]


def write_fixtures(bench_dir: Path) -> Path:
    """The included task file and two roles of one set_fact, one with an argument spec; returns the roles path."""
    (bench_dir / "tasks").mkdir(parents=True, exist_ok=True)
    (bench_dir / "tasks" / "one_set_fact.yml").write_text(
        "- name: Included\n  " + SET_FACT.replace("\n", "\n  ") + "\n", encoding="utf-8")
    roles = bench_dir / "roles"
    for role, spec in (("bench_plain", None), ("bench_checked", argument_spec())):
        (roles / role / "tasks").mkdir(parents=True, exist_ok=True)
        (roles / role / "tasks" / "main.yml").write_text(
            "- name: In the role\n  " + SET_FACT.replace("\n", "\n  ") + "\n", encoding="utf-8")
        (roles / role / "meta").mkdir(exist_ok=True)
        meta = roles / role / "meta" / "argument_specs.yml"
        if spec:
            meta.write_text(spec, encoding="utf-8")
        else:
            meta.unlink(missing_ok=True)
    return roles


def argument_spec() -> str:
    """A main entry point of ARGUMENT_SPEC_OPTIONS optional options of mixed types, one a list of dicts."""
    lines = ["argument_specs:", "  main:", "    short_description: Bench role", "    options:"]
    for i in range(ARGUMENT_SPEC_OPTIONS - 1):
        kind = ("str", "int", "bool", "dict")[i % 4]
        lines += [f"      bench_option_{i}:", f"        type: {kind}", f"        description: Option {i}."]
    lines += ["      bench_items:", "        type: list", "        elements: dict", "        default: []",
              "        description: Items.", "        options:",
              "          name: {type: str, required: true, description: Name.}",
              "          size: {type: int, default: 1, description: Size.}"]
    return "\n".join(lines) + "\n"


def module_only_view() -> Path:
    """ansible_collections/railstack/platform with every plugins/* dir but action, as symlinks, and a
    meta/runtime.yml without the routing of the modules to the one action plugin."""
    root = BENCH_OUT / "collections"
    coll = root / "ansible_collections" / "railstack" / "platform"
    if coll.exists():
        for path in sorted(coll.rglob("*"), reverse=True):
            if path.is_symlink() or path.is_file():
                path.unlink()
            elif path.is_dir():
                path.rmdir()
    (coll / "plugins").mkdir(parents=True, exist_ok=True)
    (coll / "galaxy.yml").symlink_to(REPO / "galaxy.yml")
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    runtime.pop("plugin_routing", None)
    (coll / "meta").mkdir()
    (coll / "meta" / "runtime.yml").write_text(yaml.safe_dump(runtime), encoding="utf-8")
    for sub in (REPO / "plugins").iterdir():
        if sub.name != "action":
            (coll / "plugins" / sub.name).symlink_to(sub)
    return root


def playbook(task: str, count: int) -> str:
    lines = ["- name: Bench", "  hosts: localhost", "  gather_facts: false", "  tasks:"]
    if not task:
        return "\n".join(lines[:-1] + ["  tasks: []"]) + "\n"
    for i in range(count):
        lines.append(f"    - name: Task {i}")
        lines += ["      " + line for line in task.strip("\n").splitlines()]
    return "\n".join(lines) + "\n"


def run_environment(variant: Variant, view: Path, roles: Path) -> dict:
    env = {"ANSIBLE_ROLES_PATH": str(roles)}
    if variant.classic:
        env["ANSIBLE_COLLECTIONS_PATH"] = str(view)
    if not variant.spacing:
        # a path below a regular file cannot be created: the shared rate state is off (see the docstring)
        blocker = BENCH_OUT / "no-rate-state"
        blocker.write_text("", encoding="utf-8")
        env["RAILSTACK_CACHE_DIR"] = str(blocker / "state")
    return env


def measure(tasks: int = 20, repeat: int = 3, latency_ms: float = 0, log=sys.stderr) -> dict:
    """Run every variant `repeat` times, alternating; the table rows (per-task cost in ms) and a header."""
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    view, roles = module_only_view(), write_fixtures(BENCH_OUT)
    todo = variants(BENCH_OUT)
    args = ["--latency-ms", str(latency_ms)] if latency_ms else []
    with SandboxProcess(env_file=BENCH_OUT / "task-cost.env", record=BENCH_OUT / "task-cost-traffic.jsonl",
                        truncate_record=True, args=args, log_file=BENCH_OUT / "task-cost.log") as sandbox:
        run_playbook(playbook(RAILWAY_PROJECT, 1), sandbox_env=sandbox.env, collect_results=False).assert_ok()
        for round_index in range(repeat):
            for variant in todo:
                sandbox.client.new_request_window()
                mark = sandbox.traffic.mark()
                started = time.perf_counter()
                run = run_playbook(playbook(variant.task, tasks), sandbox_env=sandbox.env,
                                   env=run_environment(variant, view, roles), collect_results=False)
                variant.times.append(time.perf_counter() - started)
                if not run.ok:
                    sys.exit(f"bench: {variant.name} failed:\n{run}")
                variant.requests.append(sandbox.traffic.since(mark).requests)
            print(f"bench: task cost, round {round_index + 1} of {repeat} done", file=log)
    return dict(header=(f"task cost: {tasks} tasks per playbook, median of {repeat} alternating rounds, sandbox "
                        f"latency {latency_ms:g} ms; {machine_note()}"), rows=rows_of(todo, tasks))


def rows_of(todo: list[Variant], tasks: int) -> list[dict]:
    base = median(todo[0].times)
    rows, by_name = [], {}
    for variant in todo:
        row = dict(variant=variant.name, runs=[round(t, 3) for t in variant.times], median_s=median(variant.times))
        if variant.task:
            row["per_task_ms"] = (row["median_s"] - base) * 1000 / tasks
            row["requests_per_task"] = median(variant.requests) / tasks
            if variant.less in by_name:
                row["own_ms"] = row["per_task_ms"] - by_name[variant.less]["per_task_ms"]
        by_name[variant.name] = row
        rows.append(row)
    return rows


def print_table(table: dict) -> None:
    print(table["header"])
    print(f"{'variant':40} {'total s':>8} {'per task ms':>12} {'own ms':>8} {'requests/task':>14}")
    for row in table["rows"]:
        if "per_task_ms" not in row:
            print(f"{row['variant']:40} {row['median_s']:8.2f} {'-':>12} {'-':>8} {'-':>14}")
            continue
        own = f"{row['own_ms']:8.1f}" if "own_ms" in row else f"{'-':>8}"
        print(f"{row['variant']:40} {row['median_s']:8.2f} {row['per_task_ms']:12.1f} {own} "
              f"{row['requests_per_task']:14.2f}")
    print("own ms: an include less the set_fact it includes; the argument check: the role with a spec less the same "
          "role without; 'spacing kept': the client's request spacing across tasks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=20, help="tasks per playbook (default 20)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of every variant (default 3)")
    parser.add_argument("--latency-ms", type=float, default=0, help="sandbox latency per request (default 0)")
    args = parser.parse_args()
    table = measure(args.tasks, args.repeat, args.latency_ms)
    print_table(table)
    print(f"saved {save('task_cost', table).relative_to(REPO)}")


if __name__ == "__main__":
    main()
