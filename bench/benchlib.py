"""What the bench scripts share: one measured ansible-playbook run, and the parsing of what it did.

A measured run gives its wall time, its CPU time (ansible-playbook and every process it forked), the provider
requests the sandbox recorded during it (by provider, the writes, the exact repeats) and the task results of
the railstack_results callback (tasks executed and skipped, includes, role argument checks). The parsing
functions are pure, so tests/unit/test_bench.py checks them without a sandbox.
"""
from __future__ import annotations

import collections
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any, Iterable

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))

# pylint: disable=wrong-import-position
from integration.helpers.playbook import run_playbook  # noqa: E402
from integration.helpers.sandbox import (  # noqa: E402
    OUTPUT, TrafficWindow, is_lease_request, is_mutation, railway_operations)

BENCH_OUT = OUTPUT / "bench"
RESULTS = REPO / "bench" / "results"
INCLUDE_ACTIONS = {"include_tasks", "include_role", "ansible.builtin.include_tasks", "ansible.builtin.include_role",
                   "import_role", "ansible.builtin.import_role"}
ARGUMENT_CHECK_ACTIONS = {"validate_argument_spec", "ansible.builtin.validate_argument_spec"}
# Railway mutations that commit an environment's configuration (a staged patch or a patch sent whole).
CONFIG_COMMITS = {"environmentPatchCommit", "environmentPatchCommitStaged"}
# Sandbox state collections whose new entries are objects a converge created; the rest (deployments, patches,
# idempotency keys, search indexes, settings) are consequences or bookkeeping.
OBJECT_COLLECTIONS = {
    "railway": ("projects", "environments", "services", "volumes", "serviceDomains", "customDomains"),
    "stripe": ("products", "prices", "webhook_endpoints", "coupons", "tax_rates", "billing_portal_configurations",
               "billing_meters"),
    "cloudflare": ("records",),
}
LEASE_SERVICE = "railstack-lease"


# ------------------------------------------------------------------------------------------------ parsing
def task_counts(results: Iterable[dict]) -> dict[str, int]:
    """Tasks of one run from the railstack_results lines (loop items left out): executed (any status but
    skipped), skipped, includes (include_tasks/include_role) and role argument checks among the executed."""
    counts = collections.Counter()
    for line in results:
        if "item" in line:
            continue
        if line["status"] == "skipped":
            counts["skipped"] += 1
            continue
        counts["executed"] += 1
        if line.get("action") in INCLUDE_ACTIONS:
            counts["includes"] += 1
        if line.get("action") in ARGUMENT_CHECK_ACTIONS:
            counts["argument_checks"] += 1
    return {key: counts[key] for key in ("executed", "skipped", "includes", "argument_checks")}


def request_label(entry: dict) -> str:
    """What a request does, for a person: Railway's operation names, else METHOD path."""
    if entry.get("api") == "railway":
        return "railway " + ",".join(name or kind for kind, name in railway_operations(entry))
    return f"{entry.get('api')} {entry.get('method')} {entry.get('path')}"


def request_key(entry: dict) -> str:
    """Two requests with the same key asked the same thing: provider, method, path, query and body."""
    return json.dumps([entry.get("api"), entry.get("method"), entry.get("path"), entry.get("query"),
                       entry.get("json"), entry.get("form")], sort_keys=True, default=str)


def exact_repeats(entries: Iterable[dict]) -> tuple[int, dict[str, int]]:
    """(requests that repeat an earlier one of the same window exactly, {label: times sent} of those repeated)."""
    seen = collections.Counter(request_key(e) for e in entries)
    labels = {request_key(e): request_label(e) for e in entries}
    repeated = {labels[key]: count for key, count in seen.items() if count > 1}
    return sum(count - 1 for count in seen.values()), dict(sorted(repeated.items(), key=lambda kv: -kv[1]))


def config_commits(entries: Iterable[dict]) -> dict[str, int]:
    """{Railway environment id: configuration commits sent to it}."""
    commits = collections.Counter()
    for entry in entries:
        if entry.get("api") != "railway":
            continue
        body = entry.get("json")
        for document in body if isinstance(body, list) else [body]:
            if not isinstance(document, dict):
                continue
            names = [name for kind, name in railway_operations({"api": "railway", "json": document})]
            if any(name in CONFIG_COMMITS for name in names):
                commits[(document.get("variables") or {}).get("environmentId", "?")] += 1
    return dict(commits)


def objects_created(before: dict, after: dict) -> dict[str, int]:
    """{provider/collection: objects in `after` not in `before`} from two /_sandbox/state snapshots. The lease
    service is left out (it is the run's, not the stack's), and so is the environment Railway makes with each
    new project (projectCreate makes it)."""
    created = {}
    for provider, names in OBJECT_COLLECTIONS.items():
        for name in names:
            old, new = _collection(before, provider, name), _collection(after, provider, name)
            added = [key for key in new if key not in old]
            if provider == "railway" and name == "services":
                added = [key for key in added if (new[key] or {}).get("name") != LEASE_SERVICE]
            if added:
                created[f"{provider}/{name}"] = len(added)
    if "railway/environments" in created:
        created["railway/environments"] -= created.get("railway/projects", 0)
        if created["railway/environments"] <= 0:
            del created["railway/environments"]
    return created


def _collection(state: dict, provider: str, name: str) -> dict:
    section = state.get(provider) or {}
    if provider == "stripe":
        section = section.get("test") or {}
    found = section.get(name) or {}
    return found if isinstance(found, dict) else {}


def traffic_figures(entries: list[dict]) -> dict[str, Any]:
    """Requests by provider, writes (the run's lease is not one), exact repeats, config commits of a window."""
    window = TrafficWindow(entries)
    repeats, repeated = exact_repeats(window.entries)
    return dict(requests=window.requests,
                by_api=dict(collections.Counter(e.get("api") for e in window.entries)),
                writes=len(window.mutations),
                writes_by_api=dict(collections.Counter(e.get("api") for e in window.mutations)),
                lease_requests=len(window.lease_requests),
                repeats=repeats, repeated=repeated,
                config_commits=config_commits(e for e in window.entries
                                              if is_mutation(e) and not is_lease_request(e)))


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# -------------------------------------------------------------------------------------------- measuring
def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured_run(sandbox, playbook, *, extra_vars=None, env=None, check=False, diff=False,
                 collect_results=True) -> dict[str, Any]:
    """Run a playbook against `sandbox` once; its time, CPU, traffic and task figures. Exits on a failed run.
    Each run starts a fresh hour of Railway's request budget, so runs do not slow each other down."""
    sandbox.client.new_request_window()
    mark = sandbox.client.mark()
    cpu = children_cpu_seconds()
    started = time.perf_counter()
    run = run_playbook(playbook, extra_vars=extra_vars, sandbox_env=sandbox.env, env=env, check=check, diff=diff,
                       collect_results=collect_results, fast_path=True)
    seconds = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu
    if not run.ok:
        sys.exit(f"bench: {playbook} failed:\n{run}")
    entries = sandbox.client.traffic(since=mark)[0]
    return dict(seconds=seconds, cpu_seconds=cpu, tasks=task_counts(run.results), changed=len(run.changed),
                **traffic_figures(entries))


# ------------------------------------------------------------------------------------------------ output
def machine_note() -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, ansible-core {ansible_version()}, "
            f"Python {platform.python_version()}, {os.cpu_count()} cores, load average {load}")


def ansible_version() -> str:
    try:
        from ansible.release import __version__  # pylint: disable=import-outside-toplevel
        return __version__
    except ImportError:
        return "?"


def save(name: str, data: dict) -> Path:
    """Write a run's figures as JSON under bench/results/ (ignored by git); return the path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return path
