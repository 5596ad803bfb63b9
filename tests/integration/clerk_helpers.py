# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared by tests/integration/test_clerk*.py: direct Clerk calls, write counting, the contract check."""
from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request

import pytest

from .helpers.sandbox import OUTPUT, REPO_ROOT

CHECKER = REPO_ROOT.parent / "shared" / "contracts" / "check.py"


def live_key(env):
    """The sandbox's production instance: its Clerk key with the sk_live_ prefix."""
    return "sk_live_" + env["CLERK_SECRET_KEY"].split("_", 2)[2]


def clerk_call(env, method, path, body=None, key=None):
    """A request straight to the sandbox's Clerk (test setup); returns (status, parsed body)."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": "Bearer " + (key or env["CLERK_SECRET_KEY"]), "Clerk-API-Version": "2026-05-12"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(env["CLERK_API_URL"] + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def name_production_primary(env, name):
    """Give the sandbox's production instance the primary domain `name` (made with the instance at Clerk)."""
    key = live_key(env)
    status, domains = clerk_call(env, "GET", "/domains", key=key)
    assert status == 200, domains
    status, answer = clerk_call(env, "PATCH", "/domains/" + domains["data"][0]["id"], {"name": name}, key=key)
    assert status == 200, answer
    return key


def is_restrictions_read(entry):
    """Clerk has no GET for the restrictions: an empty PATCH is how they are read (it changes nothing)."""
    return entry.get("method") == "PATCH" and entry.get("path") == "/v1/instance/restrictions" and entry.get("json") == {}


def writes(window):
    """Every recorded request that may change something at Clerk."""
    return [e for e in window.mutations if not is_restrictions_read(e)]


def no_secret_in(run, *secrets):
    text = run.stdout + run.stderr
    for secret in secrets:
        assert secret and secret not in text, "a secret shows in the output of %s" % " ".join(map(str, run.cmd))


def assert_contract(window, name):
    """The Clerk requests of a window pass ../shared/contracts/check.py (Clerk's published OpenAPI)."""
    if not CHECKER.exists():
        pytest.skip("no %s here" % CHECKER)
    entries = window.by_api("clerk")
    assert entries, "no Clerk traffic recorded"
    path = OUTPUT / "integration" / ("clerk-contract-%s.jsonl" % name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    proc = subprocess.run(["python3", str(CHECKER), str(path)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 violations" in proc.stdout, proc.stdout
