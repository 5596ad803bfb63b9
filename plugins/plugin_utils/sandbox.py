# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""sandbox: start (or find running) or stop the local railstack sandbox, with its state kept in a directory.

The sandbox's code ships inside the collection (its sandbox/ directory): it runs as
`python -m railstack_sandbox` with that directory first on PYTHONPATH, so an installed collection
plus its requirements.txt (graphql-core) is all it needs. It runs in the background with
--state <dir>/state.json, so a second run of a play sees what the first made, and the task returns
the env file's values (API URLs and the sandbox's fake credentials).

state=auto is the playbooks' rule: the sandbox starts only when no provider credential and no API
URL at all is set in the task's environment; when some are set, every provider the run needs must
have its credential (else the task fails, naming what is missing), and no sandbox is used.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time

from ansible.module_utils.urls import open_url

ARGUMENT_SPEC = dict(
    state=dict(type="str", default="started", choices=["started", "stopped", "auto"]),
    state_dir=dict(type="path"),
    python=dict(type="path"),
    args=dict(type="list", elements="str", default=[]),
    start_timeout=dict(type="int", default=30),
    providers=dict(type="list", elements="str", default=["railway"],
                   choices=["railway", "stripe", "clerk", "cloudflare", "namecheap", "route53"]),
    start_without_credentials=dict(type="bool", default=True),
)

# What each provider needs in the environment (one of the alternatives, all of its names), and the
# variables that point it elsewhere. Any of these set means the user means real (or their own) APIs.
PROVIDERS = dict(
    railway=dict(needs=[("RAILWAY_API_TOKEN",), ("RAILWAY_TOKEN",)], urls=("RAILWAY_API_URL",)),
    stripe=dict(needs=[("STRIPE_API_KEY",)], urls=("STRIPE_API_BASE",)),
    clerk=dict(needs=[("CLERK_SECRET_KEY",)], urls=("CLERK_API_URL",)),
    cloudflare=dict(needs=[("CLOUDFLARE_API_TOKEN",)], urls=("CLOUDFLARE_API_URL",)),
    namecheap=dict(needs=[("NAMECHEAP_API_USER", "NAMECHEAP_API_KEY", "NAMECHEAP_CLIENT_IP")],
                   urls=("NAMECHEAP_API_URL", "NAMECHEAP_USERNAME")),
    # not emulated by the sandbox; boto3 finds its credentials in more places than the environment
    route53=dict(needs=[], urls=(), emulated=False),
)
PROVIDER_PREFIXES = ("RAILWAY_", "STRIPE_", "CLERK_", "CLOUDFLARE_", "NAMECHEAP_")
# the collection's copy of the sandbox: <collection>/sandbox/railstack_sandbox
SHIPPED_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "sandbox")

ENV_NAME = "sandbox.env"
PID_NAME = "sandbox.pid"
STATE_NAME = "state.json"
LOG_NAME = "sandbox.log"


def default_state_dir(environ=None):
    environ = os.environ if environ is None else environ
    cache = environ.get("XDG_CACHE_HOME") or os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "railstack", "sandbox")


def read_env_file(path):
    """The `export NAME=value` lines of a sandbox env file, as a dict."""
    env = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            words = shlex.split(line, comments=True)
            if len(words) == 2 and words[0] == "export" and "=" in words[1]:
                name, value = words[1].split("=", 1)
                env[name] = value
    return env


def _alive(pid):
    try:
        os.kill(pid, 0)
    except (OSError, TypeError):
        return False
    try:        # a zombie child of this process counts as gone
        done, dummy = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def _answers(url):
    try:
        answer = open_url(url.rstrip("/") + "/_sandbox/faults", timeout=3, use_proxy=False)
        return answer.status == 200
    except (OSError, ValueError):       # URLError and HTTPError are OSErrors
        return False


def _pid(paths):
    try:
        with open(paths["pid"], encoding="utf-8") as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


def running(paths):
    """(pid, env) of a sandbox started from this directory that still answers, else (None, None)."""
    pid = _pid(paths)
    if pid is None or not _alive(pid) or not os.path.exists(paths["env"]):
        return None, None
    env = read_env_file(paths["env"])
    if env.get("RAILSTACK_SANDBOX_URL") and _answers(env["RAILSTACK_SANDBOX_URL"]):
        return pid, env
    return None, None


def _log_tail(path, lines=20):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:]).strip()
    except OSError:
        return ""


def child_environment(environ, shipped_dir=SHIPPED_DIR):
    """The sandbox process's environment: no provider setting, the collection's copy of the sandbox first on PYTHONPATH."""
    env = {k: v for k, v in environ.items() if not k.startswith(PROVIDER_PREFIXES)}
    if os.path.isfile(os.path.join(shipped_dir, "railstack_sandbox", "__init__.py")):
        env["PYTHONPATH"] = os.pathsep.join([shipped_dir] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def _start_failure(process, paths, python):
    """Why the sandbox process exited at start, with the fix."""
    tail = _log_tail(paths["log"])
    if "No module named 'graphql'" in tail or "No module named graphql" in tail:
        return ("python: the sandbox needs graphql-core, which %s does not have: pip install -r requirements.txt "
                "(the collection's requirements.txt, in %s)." % (python, os.path.dirname(SHIPPED_DIR)))
    if "No module named railstack_sandbox" in tail:
        return ("python: %s finds no railstack_sandbox: the collection's copy (%s) is missing; reinstall the "
                "collection." % (python, SHIPPED_DIR))
    return "state: the sandbox exited at start (exit status %s); its log %s ends with: %s" % (
        process.returncode, paths["log"], tail)


def start(ctx, paths, python, args, timeout):
    for stale in (paths["env"], paths["pid"]):
        if os.path.exists(stale):
            os.unlink(stale)
    command = [python, "-m", "railstack_sandbox", "--port", "0", "--env-file", paths["env"], "--state", paths["state"]]
    command += list(args)
    with open(paths["log"], "ab") as log, open(os.devnull, "rb") as devnull:
        process = subprocess.Popen(command, stdin=devnull, stdout=log, stderr=log, env=child_environment(ctx.environ),
                                   start_new_session=True, close_fds=True)
    with open(paths["pid"], "w", encoding="utf-8") as handle:
        handle.write(str(process.pid))
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            ctx.fail(_start_failure(process, paths, python))
        if os.path.exists(paths["env"]):
            env = read_env_file(paths["env"])
            if env.get("RAILSTACK_SANDBOX_URL"):
                return process.pid, env
        time.sleep(0.05)
    stop(paths)
    ctx.fail("start_timeout: the sandbox wrote no env file within %d s; its log %s ends with: %s" % (
        timeout, paths["log"], _log_tail(paths["log"])))
    return None, None


def stop(paths):
    """Stop the sandbox of this directory; whether one was running."""
    pid = _pid(paths)
    was = pid is not None and _alive(pid)
    if was:
        try:
            os.kill(pid, signal.SIGTERM)
            for dummy in range(100):
                if not _alive(pid):
                    break
                time.sleep(0.05)
            else:
                os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for path in (paths["pid"], paths["env"]):
        if os.path.exists(path):
            os.unlink(path)
    return was


def provider_settings(environ):
    """The names of every provider credential and API URL set (non-empty) in environ, sorted."""
    names = set()
    for provider in PROVIDERS.values():
        names.update(name for alternative in provider["needs"] for name in alternative)
        names.update(provider["urls"])
    return sorted(name for name in names if environ.get(name))


def missing_credentials(environ, providers):
    """For each provider of `providers` with no complete credential in environ: 'provider: NAME (or NAME)'."""
    missing = []
    for name in providers:
        needs = PROVIDERS[name]["needs"]
        if needs and not any(all(environ.get(var) for var in alternative) for alternative in needs):
            missing.append("%s: %s" % (name, " (or ".join(" and ".join(a) for a in needs) + ")" * (len(needs) - 1)))
    return missing


def check_credentials(ctx, providers, may_start):
    """Whether to use the sandbox under state=auto; fails when the environment's credentials are partial."""
    given = provider_settings(ctx.environ)
    missing = missing_credentials(ctx.environ, providers)
    if given and missing:
        ctx.fail("providers: missing credentials, %s. Set in this run: %s, so the local sandbox is not used "
                 "(a provider with a real credential is never pointed at it). Set the missing ones too, or unset "
                 "every provider variable to run against the local sandbox." % ("; ".join(missing), ", ".join(given)))
    if given:
        return False
    if not may_start:
        ctx.fail("start_without_credentials: no provider credential is set and the local sandbox is not wanted; "
                 "set %s." % "; ".join(missing))
    offline = [name for name in providers if not PROVIDERS[name].get("emulated", True)]
    if offline:
        ctx.fail("providers: the local sandbox has no stand-in for %s; set the credentials of every provider this run "
                 "needs (%s) to run against the real APIs." % (", ".join(offline), ", ".join(providers)))
    return True


def _paths(state_dir):
    return dict(env=os.path.join(state_dir, ENV_NAME), pid=os.path.join(state_dir, PID_NAME),
                state=os.path.join(state_dir, STATE_NAME), log=os.path.join(state_dir, LOG_NAME))


def run(ctx):
    params = ctx.params
    state_dir = params["state_dir"] or default_state_dir(ctx.environ)
    paths = _paths(state_dir)
    if params["state"] == "stopped":
        was = stop(paths)
        return ctx.result(changed=was, stopped=was, state_dir=state_dir, env={})
    if params["state"] == "auto" and not check_credentials(ctx, params["providers"], params["start_without_credentials"]):
        return ctx.result(changed=False, used=False, started=False, state_dir=state_dir, env={},
                          credential_names=provider_settings(ctx.environ))
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    pid, env = running(paths)
    started = False
    fresh = not os.path.exists(paths["state"])
    if pid is None:
        pid, env = start(ctx, paths, params["python"] or sys.executable, params["args"], params["start_timeout"])
        started = True
    ignored = [name for name in provider_settings(ctx.environ) if ctx.environ[name] != env.get(name)]
    if ignored:
        ctx.warn("%s set, but not used by this sandbox: modules given its env values talk to it, with its fake "
                 "credentials." % ", ".join(ignored))
    # The env file holds the sandbox's fixed fake credentials: returned unredacted, the result marked no_log.
    return ctx.result(changed=started, started=started, used=True, pid=pid, url=env.get("RAILSTACK_SANDBOX_URL"),
                      state_dir=state_dir, env_file=paths["env"], state_file=paths["state"], log_file=paths["log"],
                      fresh=fresh, revealed=dict(env=env))
