# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each clerk_* module's documentation matches its ARGUMENT_SPEC (a quick stand-in for validate-modules),
and each module is routed to the action plugin and has its place in the clerk action group."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

from ansible_collections.railstack.platform.plugins.doc_fragments.clerk import ModuleDocFragment

from ..test_module_docs import compare

REPO = Path(__file__).resolve().parents[4]
MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("clerk_*.py"))
FRAGMENT = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]


class ExamplesLoader(yaml.SafeLoader):
    """YAML as a playbook has it: !unsafe strings too."""


ExamplesLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def test_there_are_clerk_modules():
    assert {"clerk_instance", "clerk_domain", "clerk_info"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_documentation_matches_the_argument_spec(name):
    module = importlib.import_module("ansible_collections.railstack.platform.plugins.modules.%s" % name)
    resource = importlib.import_module("ansible_collections.railstack.platform.plugins.module_utils.%s" % name)
    doc = yaml.safe_load(module.DOCUMENTATION)
    yaml.load(module.EXAMPLES, Loader=ExamplesLoader)  # noqa: S506  (a SafeLoader)
    yaml.safe_load(module.RETURN)
    assert doc["module"] == name
    assert "railstack.platform.clerk" in doc["extends_documentation_fragment"]
    assert "railstack.platform.attributes.CLERK_GROUP" in doc["extends_documentation_fragment"]
    documented = dict(FRAGMENT, **(doc.get("options") or {}))
    compare(documented, resource.ARGUMENT_SPEC, name, secrets=True)


@pytest.mark.parametrize("name", MODULES)
def test_action_routing_and_action_group(name):
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())
    assert runtime["plugin_routing"]["modules"][name]["action_plugin"] == "railstack.platform.resource"
    assert name in runtime["action_groups"]["clerk"]
