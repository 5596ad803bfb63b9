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

REPO = Path(__file__).resolve().parents[4]
MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("clerk_*.py"))
FRAGMENT = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]


class ExamplesLoader(yaml.SafeLoader):
    """YAML as a playbook has it: !unsafe strings too."""


ExamplesLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def compare(documented, spec, where):
    assert set(documented) == set(spec), "%s: documented %s, argspec %s" % (where, sorted(documented), sorted(spec))
    for name, option in spec.items():
        doc = documented[name]
        here = "%s.%s" % (where, name)
        assert doc.get("type", "str") == option.get("type", "str"), here
        assert doc.get("default") == option.get("default"), here
        assert bool(doc.get("required")) == bool(option.get("required")), here
        assert doc.get("choices") == option.get("choices"), here
        assert doc.get("elements") == option.get("elements"), here
        if ("key" in name or "secret" in name) and option.get("type", "str") == "str" and not option.get("choices"):
            assert option.get("no_log") is True, "%s looks like a secret but is not no_log" % here
        if option.get("options"):
            compare(doc.get("suboptions") or {}, option["options"], here)


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
    compare(documented, resource.ARGUMENT_SPEC, name)


@pytest.mark.parametrize("name", MODULES)
def test_action_routing_and_action_group(name):
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())
    assert runtime["plugin_routing"]["action"][name]["redirect"] == "railstack.platform.resource"
    assert name in runtime["action_groups"]["clerk"]
