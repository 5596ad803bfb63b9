# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start, stop and steer a railstack sandbox process (docs/sandbox.md), and read its traffic.

Used by tests/integration/conftest.py and by the scripts behind `make demo`, `make contracts`
and `make bench`. Standard library only (graphql-core is used when present), so any Python
that can run the sandbox can import it.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
VENV_PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
OUTPUT = REPO_ROOT / "tests" / "output"

# Provider settings a test run must never inherit from the caller's shell: with them a stray
# task could reach a real API. The sandbox's env file sets its own values for all of them.
PROVIDER_ENV = re.compile(r"^(RAILWAY|STRIPE|CLERK|CLOUDFLARE|RAILSTACK_SANDBOX)_")


class SandboxError(RuntimeError):
    pass


def parse_env_file(path):
    """The `export NAME=value` lines the sandbox writes, as a dict (shell quoting undone)."""
    env = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line)
        if words and words[0] == "export":
            words = words[1:]
        for word in words:
            name, sep, value = word.partition("=")
            if sep:
                env[name] = value
    return env


# ------------------------------------------------------------------------------- control API
class SandboxClient:
    """The sandbox's control API: /_sandbox/state, reset, faults, traffic."""

    def __init__(self, url, timeout=10):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def request(self, method, path, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                body = resp.read()
        except urllib.error.HTTPError as e:
            raise SandboxError(f"{method} {path}: HTTP {e.code}: {e.read().decode(errors='replace')}") from e
        return json.loads(body or b"null")

    def state(self):
        return self.request("GET", "/_sandbox/state")

    def reset(self):
        return self.request("POST", "/_sandbox/reset", {})

    def faults(self, settings=None, **changes):
        """POST a partial fault plan (rate, seed, latency_ms, kinds, next); return the new plan.
        Without arguments, GET the current plan."""
        if settings is None and not changes:
            return self.request("GET", "/_sandbox/faults")
        return self.request("POST", "/_sandbox/faults", {**(settings or {}), **changes})

    def traffic(self, since=0):
        """(entries recorded from index `since` on, the index after the last one)."""
        answer = self.request("GET", f"/_sandbox/traffic?since={int(since)}")
        return answer["entries"], answer["next"]

    def mark(self):
        """The index the next recorded request will get."""
        return self.traffic(since=2 ** 62)[1]

    def new_request_window(self):
        """Every Railway token starts a fresh hour of its plan's request budget."""
        return self.request("POST", "/_sandbox/railway/budget", {"new_window": True})


# ---------------------------------------------------------------------------------- traffic
_COMMENT = re.compile(r"#[^\n]*")


def _graphql_operation(document, operation_name=None):
    """(type, name) of the operation a GraphQL request runs: type is 'query', 'mutation' or
    'subscription'; name is the operation's name, or operationName, or None."""
    try:
        from graphql import parse  # pylint: disable=import-outside-toplevel
        from graphql.language import OperationDefinitionNode  # pylint: disable=import-outside-toplevel
    except ImportError:
        parse = None
    if parse is not None:
        try:
            ops = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
        except Exception:  # pylint: disable=broad-except  # not GraphQL: fall through to the regex
            ops = []
        if ops:
            if operation_name:
                ops = [o for o in ops if o.name and o.name.value == operation_name] or ops
            return ops[0].operation.value, (ops[0].name.value if ops[0].name else operation_name)
    # shorthand `{ ... }` is a query; otherwise the first keywords name the operation
    match = re.match(r"\s*(query|mutation|subscription)\b\s*(\w*)", _COMMENT.sub("", document or ""))
    if not match:
        return "query", operation_name
    return match.group(1), operation_name or match.group(2) or None


def railway_operations(entry):
    """[(operation type, operation name)] for each GraphQL operation in a Railway request."""
    body = entry.get("json")
    docs = body if isinstance(body, list) else [body]
    return [_graphql_operation(doc["query"], doc.get("operationName"))
            for doc in docs if isinstance(doc, dict) and isinstance(doc.get("query"), str)]


def is_railway_mutation(entry):
    return entry.get("api") == "railway" and any(op[0] == "mutation" for op in railway_operations(entry))


LEASE_OPERATIONS = ("railstackLeaseTake", "railstackLeaseRelease")


def is_lease_request(entry):
    """A request of site.yml's lease (docs/railway.md, "Two runs at once"): taking and releasing it writes the
    lease service, never the stack, so a run that changes nothing still sends these two."""
    return entry.get("api") == "railway" and any(op[1] in LEASE_OPERATIONS for op in railway_operations(entry))


def is_mutation(entry):
    """A request that asks a provider to change something: a Railway GraphQL mutation, or a
    REST request (Stripe, Clerk, Cloudflare, ...) with a method other than GET/HEAD/OPTIONS."""
    if entry.get("api") == "railway":
        return is_railway_mutation(entry)
    return (entry.get("method") or "GET").upper() not in ("GET", "HEAD", "OPTIONS")


class TrafficWindow:
    """The provider requests recorded between two points (control requests left out)."""

    def __init__(self, entries=()):
        self.entries = [e for e in entries if not str(e.get("path", "")).startswith("/_sandbox")]

    @property
    def requests(self):
        return len(self.entries)

    @property
    def mutations(self):
        """Every write to the stack, whatever the provider (see is_mutation); the run's lease is not one."""
        return [e for e in self.entries if is_mutation(e) and not is_lease_request(e)]

    @property
    def lease_requests(self):
        return [e for e in self.entries if is_lease_request(e)]

    @property
    def railway_mutations(self):
        return [e for e in self.entries if is_railway_mutation(e) and not is_lease_request(e)]

    def by_api(self, api):
        return [e for e in self.entries if e.get("api") == api]

    def operation_names(self, api="railway"):
        return [op[1] for e in self.by_api(api) for op in railway_operations(e)]

    def summary(self):
        """One line a person can read in a failed assertion."""
        parts = []
        for e in self.entries:
            if e.get("api") == "railway":
                ops = ",".join(f"{k}:{n or '?'}" for k, n in railway_operations(e))
                parts.append(f"railway {ops} -> {e.get('status')}")
            else:
                parts.append(f"{e.get('api')} {e.get('method')} {e.get('path')} -> {e.get('status')}")
        return f"{self.requests} requests, {len(self.mutations)} mutations: " + "; ".join(parts)

    def __repr__(self):
        return f"<TrafficWindow {self.summary()}>"


class Traffic:
    """Count what the collection sent between two points:

        start = traffic.mark()
        run_playbook(...)
        window = traffic.since(start)
        assert window.mutations == [], window.summary()

    or `with traffic.window() as w: ...` and read `w` afterwards."""

    def __init__(self, client):
        self.client = client

    def mark(self):
        return self.client.mark()

    def since(self, mark):
        return TrafficWindow(self.client.traffic(since=mark)[0])

    def window(self):
        return _WindowContext(self)


class _WindowContext:
    def __init__(self, traffic):
        self.traffic = traffic
        self.window = TrafficWindow()
        self.start = None

    def __enter__(self):
        self.start = self.traffic.mark()
        return self.window

    def __exit__(self, *exc):
        self.window.entries = self.traffic.since(self.start).entries
        return False


# ---------------------------------------------------------------------------------- process
class SandboxProcess:
    """`python -m railstack_sandbox --port 0 --env-file F [--record F] [args]` as a child process.

        with SandboxProcess(env_file=..., record=...) as sandbox:
            sandbox.env["RAILWAY_API_URL"], sandbox.client.reset(), sandbox.traffic.mark()
    """

    def __init__(self, env_file=OUTPUT / "sandbox.env", record=None, args=(), python=None,
                 log_file=None, truncate_record=False, start_timeout=30):
        self.env_file = Path(env_file)
        self.record = Path(record) if record else None
        self.args = list(args)
        self.python = str(python or (VENV_PYTHON if VENV_PYTHON.exists() else sys.executable))
        self.log_file = Path(log_file) if log_file else self.env_file.with_suffix(".log")
        self.truncate_record = truncate_record
        self.start_timeout = start_timeout
        self.proc = None
        self.env = {}
        self.url = None
        self.client = None
        self.traffic = None

    def command(self):
        cmd = [self.python, "-m", "railstack_sandbox", "--port", "0", "--env-file", str(self.env_file)]
        if self.record:
            cmd += ["--record", str(self.record)]
        return cmd + self.args

    def start(self):
        for path in (self.env_file, self.log_file, self.record):
            if path:
                path.parent.mkdir(parents=True, exist_ok=True)
        self.env_file.unlink(missing_ok=True)
        if self.record and self.truncate_record:
            self.record.write_text("", encoding="utf-8")
        child_env = dict(os.environ)
        # the sandbox package, whether or not it is installed into the venv yet
        child_env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT / "sandbox"), child_env.get("PYTHONPATH")) if p)
        child_env["PYTHONUNBUFFERED"] = "1"
        log = open(self.log_file, "w", encoding="utf-8")  # pylint: disable=consider-using-with
        try:
            self.proc = subprocess.Popen(self.command(), cwd=REPO_ROOT, env=child_env, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.env_file.exists():
                env = parse_env_file(self.env_file)
                if env.get("RAILSTACK_SANDBOX_URL"):
                    break
            if self.proc.poll() is not None:
                raise SandboxError(f"sandbox exited with {self.proc.returncode} before writing "
                                   f"{self.env_file}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise SandboxError(f"sandbox wrote no {self.env_file} within {self.start_timeout}s:\n{self.log_tail()}")
            time.sleep(0.05)
        self.env = env
        self.url = env["RAILSTACK_SANDBOX_URL"]
        self.client = SandboxClient(self.url)
        self.traffic = Traffic(self.client)
        return self

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout=10):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def clean_environ(base=None):
    """os.environ without provider credentials/URLs and without ANSIBLE_* overrides."""
    base = dict(os.environ if base is None else base)
    return {k: v for k, v in base.items() if not PROVIDER_ENV.match(k) and not k.startswith("ANSIBLE_")}
