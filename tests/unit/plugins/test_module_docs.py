# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every module's documentation, its doc fragments merged as Ansible merges them, says what its argument spec
says: the same options and suboptions, types, defaults, choices and required flags (what ansible-test's
validate-modules also checks, here in the unit tests, so a fragment that drifts fails at once). The inventory
plugin's Railway options say what railway_argument_spec() says."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml
from ansible.utils.plugin_docs import merge_fragment

from ansible_collections.railstack.platform.plugins.module_utils.railway import railway_argument_spec
from ansible_collections.railstack.platform.plugins.plugin_utils._action import RESOURCES, load_resource

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
COLLECTION = "railstack.platform."
COMPARED = ("default", "required", "choices", "elements")


def fragment_text(name: str) -> str | None:
    """The text of a doc fragment of this collection ("railstack.platform.railway.CONFIG"), None for another's."""
    if not name.startswith(COLLECTION):
        return None
    file, section = name[len(COLLECTION):].partition(".")[::2]
    module = importlib.import_module("ansible_collections.railstack.platform.plugins.doc_fragments." + file)
    return getattr(module.ModuleDocFragment, section or "DOCUMENTATION")


def documented_options(documentation: str) -> dict:
    """The options a DOCUMENTATION string gives, with its fragments' options merged in as Ansible merges them."""
    doc = yaml.safe_load(documentation)
    options = doc.get("options") or {}
    for name in doc.get("extends_documentation_fragment") or []:
        text = fragment_text(name)
        if text is not None:
            merge_fragment(options, yaml.safe_load(text).get("options") or {})
    return options


def compare(documented: dict, spec: dict, where: str, secrets: bool = False) -> None:
    """Fail naming the first option whose documentation and argument spec differ (secrets: a str option named
    like a key or a secret must be no_log)."""
    assert set(documented) == set(spec), "%s: documented %s, argspec %s" % (where, sorted(documented), sorted(spec))
    for name, option in spec.items():
        doc, here = documented[name], "%s.%s" % (where, name)
        assert doc.get("type", "str") == option.get("type", "str"), here
        for key in COMPARED:
            assert doc.get(key) == option.get(key) or (key == "required" and not doc.get(key) and not option.get(key)), \
                "%s: %s is %r in the documentation, %r in the argument spec" % (here, key, doc.get(key), option.get(key))
        assert sorted(doc.get("aliases") or []) == sorted(option.get("aliases") or []), here
        if secrets and ("key" in name or "secret" in name) and option.get("type", "str") == "str" and not option.get("choices"):
            assert option.get("no_log") is True, "%s looks like a secret but is not no_log" % here
        if option.get("options") or doc.get("suboptions"):
            compare(doc.get("suboptions") or {}, option.get("options") or {}, here, secrets)


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_the_documentation_of_each_module_matches_its_argument_spec(name):
    module = importlib.import_module("ansible_collections.railstack.platform.plugins.modules." + name)
    compare(documented_options(module.DOCUMENTATION), load_resource(name).ARGUMENT_SPEC, name)


def test_a_drifted_fragment_fails():
    documented = documented_options(importlib.import_module(
        "ansible_collections.railstack.platform.plugins.modules.railway_services").DOCUMENTATION)
    spec = load_resource("railway_services").ARGUMENT_SPEC
    drifted = dict(spec, services=dict(spec["services"], options=dict(spec["services"]["options"], extra=dict(type="str"))))
    with pytest.raises(AssertionError, match="services"):
        compare(documented, drifted, "railway_services")
    documented["timeout"] = dict(documented["timeout"], default=60)
    with pytest.raises(AssertionError, match="timeout: default is 60"):
        compare(documented, spec, "railway_services")


def test_the_inventory_plugins_railway_options_match_railway_argument_spec():
    documentation = importlib.import_module("ansible_collections.railstack.platform.plugins.inventory.railway").DOCUMENTATION
    documented = documented_options(documentation)
    spec = railway_argument_spec()
    compare({name: documented[name] for name in spec}, spec, "inventory railway")
    for name, option in spec.items():
        variables = option["fallback"][1] if option.get("fallback") else []
        assert [env["name"] for env in documented[name].get("env") or []] == variables, name
