# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""sandbox: start (or find running) or stop the local railstack sandbox, with its state kept in a directory.

playbooks/site.yml uses it when no provider credential is set: `python -m railstack_sandbox` runs in
the background with --state <dir>/state.json, so a second run of the play sees what the first made,
and the task returns the env file's values (API URLs and the sandbox's fake credentials).
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
    state=dict(type="str", default="started", choices=["started", "stopped"]),
    state_dir=dict(type="path"),
    python=dict(type="path"),
    args=dict(type="list", elements="str", default=[]),
    start_timeout=dict(type="int", default=30),
)

ENV_NAME = "sandbox.env"
PID_NAME = "sandbox.pid"
STATE_NAME = "state.json"
LOG_NAME = "sandbox.log"


def default_state_dir():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
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


def start(ctx, paths, python, args, timeout):
    for stale in (paths["env"], paths["pid"]):
        if os.path.exists(stale):
            os.unlink(stale)
    command = [python, "-m", "railstack_sandbox", "--port", "0", "--env-file", paths["env"], "--state", paths["state"]]
    command += list(args)
    child_env = {k: v for k, v in os.environ.items()
                 if not k.startswith(("RAILWAY_", "STRIPE_", "CLERK_", "CLOUDFLARE_", "NAMECHEAP_"))}
    with open(paths["log"], "ab") as log, open(os.devnull, "rb") as devnull:
        process = subprocess.Popen(command, stdin=devnull, stdout=log, stderr=log, env=child_env,
                                   start_new_session=True, close_fds=True)
    with open(paths["pid"], "w", encoding="utf-8") as handle:
        handle.write(str(process.pid))
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            tail = _log_tail(paths["log"])
            if "No module named railstack_sandbox" in tail:
                ctx.fail("python: the railstack sandbox is not installed for %s (pip install ./sandbox from the "
                         "collection's source), and no provider credential is set." % python)
            ctx.fail("state: the sandbox exited at start (exit status %s); its log %s ends with: %s" % (
                process.returncode, paths["log"], tail))
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


def run(ctx):
    params = ctx.params
    state_dir = params["state_dir"] or default_state_dir()
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    paths = dict(env=os.path.join(state_dir, ENV_NAME), pid=os.path.join(state_dir, PID_NAME),
                 state=os.path.join(state_dir, STATE_NAME), log=os.path.join(state_dir, LOG_NAME))
    if params["state"] == "stopped":
        was = stop(paths)
        return ctx.result(changed=was, stopped=was, state_dir=state_dir, env={})
    pid, env = running(paths)
    started = False
    fresh = not os.path.exists(paths["state"])
    if pid is None:
        pid, env = start(ctx, paths, params["python"] or sys.executable, params["args"], params["start_timeout"])
        started = True
    # The env file holds the sandbox's fixed fake credentials: returned unredacted, the result marked no_log.
    return ctx.result(changed=started, started=started, pid=pid, url=env.get("RAILSTACK_SANDBOX_URL"),
                      state_dir=state_dir, env_file=paths["env"], state_file=paths["state"], log_file=paths["log"],
                      fresh=fresh, revealed=dict(env=env))
