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


def _ctx(environ, **params):
    from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext  # pylint: disable=import-outside-toplevel
    base = dict(state="auto", state_dir=None, python=None, args=[], start_timeout=5, providers=["railway"],
                start_without_credentials=True)
    return TaskContext(dict(base, **params), environ=environ)


def _run(environ, **params):
    from ansible_collections.railstack.platform.plugins.module_utils._task import execute  # pylint: disable=import-outside-toplevel
    return execute(sandbox, _ctx(environ, **params))


def test_the_default_state_dir_follows_the_tasks_environment(tmp_path):
    assert sandbox.default_state_dir({"XDG_CACHE_HOME": str(tmp_path)}) == str(tmp_path / "railstack" / "sandbox")


def test_a_partial_set_fails_naming_what_is_missing_and_never_starts(tmp_path):
    environ = {"STRIPE_API_KEY": "sk_live_real", "RAILWAY_API_TOKN": "typo", "XDG_CACHE_HOME": str(tmp_path)}
    result = _run(environ, providers=["railway", "stripe", "clerk"])
    assert result["failed"] and result["msg"].startswith("providers: missing credentials")
    assert "railway: RAILWAY_API_TOKEN (or RAILWAY_TOKEN)" in result["msg"] and "clerk: CLERK_SECRET_KEY" in result["msg"]
    assert "Set in this run: STRIPE_API_KEY" in result["msg"] and "sk_live_real" not in result["msg"]
    assert not (tmp_path / "railstack").exists()


def test_an_api_url_alone_counts_as_a_provider_setting(tmp_path):
    result = _run({"RAILWAY_API_URL": "http://127.0.0.1:1/graphql/v2", "XDG_CACHE_HOME": str(tmp_path)})
    assert result["failed"] and "railway: RAILWAY_API_TOKEN (or RAILWAY_TOKEN)" in result["msg"]


def test_every_needed_credential_set_means_no_sandbox(tmp_path):
    environ = {"RAILWAY_TOKEN": "t", "STRIPE_API_KEY": "k", "XDG_CACHE_HOME": str(tmp_path)}
    result = _run(environ, providers=["railway", "stripe"])
    assert result == dict(changed=False, used=False, started=False, state_dir=str(tmp_path / "railstack" / "sandbox"),
                          env={}, credential_names=["RAILWAY_TOKEN", "STRIPE_API_KEY"])


def test_namecheap_needs_all_of_its_names():
    assert sandbox.missing_credentials({"NAMECHEAP_API_USER": "u", "NAMECHEAP_API_KEY": "k"}, ["namecheap"]) == [
        "namecheap: NAMECHEAP_API_USER and NAMECHEAP_API_KEY and NAMECHEAP_CLIENT_IP"]


def test_no_credential_and_the_sandbox_not_wanted_fails(tmp_path):
    result = _run({"XDG_CACHE_HOME": str(tmp_path)}, start_without_credentials=False)
    assert result["failed"] and result["msg"].startswith("start_without_credentials:")
    assert "RAILWAY_API_TOKEN" in result["msg"]


def test_a_provider_the_sandbox_has_not_fails_without_credentials(tmp_path):
    result = _run({"XDG_CACHE_HOME": str(tmp_path)}, providers=["railway", "route53"])
    assert result["failed"] and "no stand-in for route53" in result["msg"]


def test_the_sandbox_process_gets_no_provider_setting_and_the_shipped_copy_first(tmp_path):
    shipped = tmp_path / "sandbox"
    (shipped / "railstack_sandbox").mkdir(parents=True)
    (shipped / "railstack_sandbox" / "__init__.py").write_text("", encoding="utf-8")
    env = sandbox.child_environment({"STRIPE_API_KEY": "k", "RAILWAY_TOKEN": "t", "PYTHONPATH": "/elsewhere",
                                     "HOME": "/home/u"}, str(shipped))
    assert env == {"HOME": "/home/u", "PYTHONPATH": str(shipped) + ":/elsewhere"}


def test_the_collection_ships_the_sandbox():
    import os  # pylint: disable=import-outside-toplevel
    assert os.path.isfile(os.path.join(sandbox.SHIPPED_DIR, "railstack_sandbox", "__main__.py"))


def test_a_running_sandbox_is_found_and_only_foreign_provider_settings_are_named(tmp_path, monkeypatch):
    env = {"RAILSTACK_SANDBOX_URL": "http://127.0.0.1:9", "RAILWAY_API_TOKEN": "sandbox-token"}
    monkeypatch.setattr(sandbox, "running", lambda paths: (4242, env))
    result = _run({"XDG_CACHE_HOME": str(tmp_path), "RAILWAY_API_TOKEN": "sandbox-token", "STRIPE_API_KEY": "real"},
                  state="started")
    assert result["pid"] == 4242 and result["used"] is True and result["started"] is False
    assert result["warnings"] == ["STRIPE_API_KEY set, but not used by this sandbox: modules given its env values "
                                  "talk to it, with its fake credentials."]
