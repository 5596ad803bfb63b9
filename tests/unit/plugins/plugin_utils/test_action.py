# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The action plugins' runner: the task's `environment:` feeds the env fallbacks, Ansible's own argument errors."""
from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.railstack.platform.plugins.module_utils import railway_project
from ansible_collections.railstack.platform.plugins.plugin_utils._action import (
    argument_errors, task_environment, with_env_fallbacks)

SPEC = railway_project.ARGUMENT_SPEC


def test_the_layers_merge_play_first_task_last_and_are_templated():
    layers = [{"RAILWAY_API_TOKEN": "play", "A": "1"}, None, {}, {"RAILWAY_API_TOKEN": "{{ task }}"}]
    merged = task_environment(layers, lambda value: {k: v.replace("{{ task }}", "task") for k, v in value.items()})
    assert merged == {"RAILWAY_API_TOKEN": "task", "A": "1"}
    assert task_environment({"B": 2}, lambda value: value) == {"B": "2"}      # 2.19+: already one dict
    assert task_environment(None, lambda value: value) == {}


def test_the_task_environment_fills_an_option_left_out(monkeypatch):
    monkeypatch.delenv("RAILWAY_API_TOKEN", raising=False)
    args = with_env_fallbacks(SPEC, {"name": "p"}, {"RAILWAY_API_TOKEN": "from-task", "RAILWAY_API_URL": "http://x/graphql/v2"})
    assert args["api_token"] == "from-task" and args["api_url"] == "http://x/graphql/v2"


def test_the_task_environment_wins_over_the_controllers(monkeypatch):
    monkeypatch.setenv("RAILWAY_API_TOKEN", "from-controller")
    args = with_env_fallbacks(SPEC, {"name": "p"}, {"RAILWAY_API_TOKEN": "from-task"})
    validated = ArgumentSpecValidator(SPEC).validate(args)
    assert validated.validated_parameters["api_token"] == "from-task"
    assert "from-task" in validated._no_log_values      # a credential from the environment is still no_log


def test_the_controllers_environment_still_applies(monkeypatch):
    monkeypatch.setenv("RAILWAY_API_TOKEN", "from-controller")
    args = with_env_fallbacks(SPEC, {"name": "p"}, {"UNRELATED": "x"})
    assert "api_token" not in args
    assert ArgumentSpecValidator(SPEC).validate(args).validated_parameters["api_token"] == "from-controller"


def test_an_option_given_in_the_task_wins_over_every_environment():
    args = with_env_fallbacks(SPEC, {"name": "p", "api_token": "given"}, {"RAILWAY_API_TOKEN": "from-task"})
    assert args["api_token"] == "given"


def test_an_unknown_option_keeps_ansibles_wording():
    validated = ArgumentSpecValidator(SPEC).validate({"name": "p", "api_tokn": "x"})
    msg = argument_errors("railstack.platform.railway_project", validated.errors)
    assert msg.startswith("Unsupported parameters for (railstack.platform.railway_project) module: api_tokn.")
    assert "Supported parameters include:" in msg


def test_other_argument_errors_are_ansibles_messages():
    validated = ArgumentSpecValidator(SPEC).validate({"name": "p", "bogus": 1, "pr_deploys": "maybe"})
    msg = argument_errors("railstack.platform.railway_project", validated.errors)
    assert msg.startswith("Unsupported parameters for (railstack.platform.railway_project) module: bogus")
    assert "pr_deploys" in msg
