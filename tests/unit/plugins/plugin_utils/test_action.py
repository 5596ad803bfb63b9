# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one action plugin's runner: the registry and routing, the task's `environment:` feeds the env fallbacks,
Ansible's own argument errors."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.railstack.platform.plugins.module_utils import railway_project, stripe_prices
from ansible_collections.railstack.platform.plugins.plugin_utils._action import (
    ARGUMENT_STEPS, RESOURCES, argument_errors, load_resource, module_name, stack_from_variable, task_environment,
    with_env_fallbacks)

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


# The one action plugin: the registry, meta/runtime.yml and the module files say the same.

REPO = Path(__file__).resolve().parents[4]
MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py") if p.stem != "__init__")


def test_there_is_one_action_plugin():
    assert sorted(p.name for p in (REPO / "plugins" / "action").glob("*.py")) == ["resource.py"]


def test_the_registry_names_every_module_and_only_modules():
    assert sorted(RESOURCES) == MODULES


def test_runtime_routes_every_module_to_the_one_action_plugin():
    routing = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())["plugin_routing"]["modules"]
    assert {name: route["action_plugin"] for name, route in routing.items()} == dict.fromkeys(MODULES, "railstack.platform.resource")


@pytest.mark.parametrize("name", MODULES)
def test_each_module_runs_the_resource_its_module_file_runs(name):
    resource = load_resource(name)
    assert callable(resource.run) and isinstance(resource.ARGUMENT_SPEC, dict)
    module_file = (REPO / "plugins" / "modules" / ("%s.py" % name)).read_text()
    if "run_as_module(resource)" in module_file:      # the classic-module fallback runs the same resource
        package, file = RESOURCES[name].rpartition(".")[::2]
        assert "plugins.%s import %s as resource" % (package, file) in module_file


@pytest.mark.parametrize("action, name", [
    ("railstack.platform.railway_service", "railway_service"),      # FQCN, and Ansible's resolved action
    ("railway_service", "railway_service"),                         # short name under `collections:`
    ("railstack.platform.stack_check", "stack_check"),
    ("other.collection.railway_service", None),
    ("railstack.platform.resource", None),                          # the plugin itself is no module
    (None, None),
])
def test_module_name_is_the_short_name_of_a_module_of_the_collection(action, name):
    assert module_name(action) == name


def test_a_stack_variable_becomes_the_templated_stack():
    args, failure = stack_from_variable(lambda value: value, {"stack_variable": "stack", "x": 1}, {"stack": {"services": {}}})
    assert failure is None and args == {"x": 1, "stack": {"services": {}}}
    failure = stack_from_variable(lambda value: value, {"stack_variable": "nope"}, {})[1]
    assert failure["failed"] and "no variable nope" in failure["msg"]
    assert stack_from_variable(None, {"stack": {}}, {}) == ({"stack": {}}, None)


def test_stripe_prices_takes_a_null_option_of_a_price_as_not_given():
    given = dict(prices=[dict(lookup_key="pro", product="p", currency="usd", unit_amount=5, tax_behavior=None,
                              recurring=dict(interval="month", usage_type=None, meter=None))])
    args, failure = ARGUMENT_STEPS["stripe_prices"](None, given, {})
    assert failure is None
    assert args["prices"] == [dict(lookup_key="pro", product="p", currency="usd", unit_amount=5,
                                   recurring=dict(interval="month"))]
    validated = ArgumentSpecValidator(stripe_prices.ARGUMENT_SPEC).validate(dict(args, api_key="sk_test_x"))
    assert not validated.error_messages
    assert validated.validated_parameters["prices"][0]["recurring"]["usage_type"] == "licensed"
    # without the step, Ansible refuses the null choice
    assert ArgumentSpecValidator(stripe_prices.ARGUMENT_SPEC).validate(dict(given, api_key="sk_test_x")).error_messages
