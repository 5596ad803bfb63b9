# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railstack.platform.sandbox: its env file reader and a stale pid file (the start itself is tested by
tests/integration/test_site_embedded.py, which runs a real sandbox)."""
from __future__ import annotations

from ansible_collections.railstack.platform.plugins.plugin_utils import sandbox


def test_env_file_values_are_shell_unquoted(tmp_path):
    path = tmp_path / "sandbox.env"
    path.write_text("export RAILWAY_API_URL=http://127.0.0.1:8700/graphql/v2\n"
                    "export NAME='with space'\n# a comment\n\nexport EMPTY=\n", encoding="utf-8")
    assert sandbox.read_env_file(str(path)) == {"RAILWAY_API_URL": "http://127.0.0.1:8700/graphql/v2",
                                                "NAME": "with space", "EMPTY": ""}


def test_a_stale_pid_file_is_not_a_running_sandbox(tmp_path):
    paths = dict(env=str(tmp_path / "sandbox.env"), pid=str(tmp_path / "sandbox.pid"),
                 state=str(tmp_path / "state.json"), log=str(tmp_path / "sandbox.log"))
    (tmp_path / "sandbox.pid").write_text("999999999", encoding="utf-8")
    (tmp_path / "sandbox.env").write_text("export RAILSTACK_SANDBOX_URL=http://127.0.0.1:9\n", encoding="utf-8")
    assert sandbox.running(paths) == (None, None)
    assert sandbox.stop(paths) is False
    assert not (tmp_path / "sandbox.pid").exists() and not (tmp_path / "sandbox.env").exists()


def test_the_default_state_dir_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert sandbox.default_state_dir() == str(tmp_path / "railstack" / "sandbox")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert sandbox.default_state_dir() == str(tmp_path / ".cache" / "railstack" / "sandbox")
