# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The layers of docs/architecture.md hold: a resource imports the core, its provider's client and library
files, never another resource; only the stack modules, which check and plan a whole stack against each
module's own ARGUMENT_SPEC, compose resources."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ansible_collections.railstack.platform.plugins.plugin_utils._action import RESOURCES

PLUGINS = Path(__file__).resolve().parents[4] / "plugins"
PACKAGE = "ansible_collections.railstack.platform.plugins."
RESOURCE_FILES = set(RESOURCES.values())          # "module_utils.railway_volume", ...
# The stack layer: stack_check and stack_plan and their helpers check a stack's items with the resources' own specs.
STACK_LAYER = {"module_utils." + path.stem for path in (PLUGINS / "module_utils").glob("stack*.py")}
SOURCES = sorted("%s.%s" % (path.parent.name, path.stem) for folder in ("module_utils", "plugin_utils")
                 for path in (PLUGINS / folder).glob("*.py"))


def imported_files(source: str) -> set[str]:
    """The collection's plugin files ("module_utils.railway", ...) a Python source imports."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PACKAGE):
            module = node.module[len(PACKAGE):]
            if module in ("module_utils", "plugin_utils"):
                found.update("%s.%s" % (module, alias.name) for alias in node.names)
            else:
                found.add(module)
        elif isinstance(node, ast.Import):
            found.update(alias.name[len(PACKAGE):] for alias in node.names if alias.name.startswith(PACKAGE))
    return found


def test_imported_files_sees_each_way_of_importing():
    source = ("from ansible_collections.railstack.platform.plugins.module_utils.railway import X\n"
              "from ansible_collections.railstack.platform.plugins.module_utils import stripe_price, railway_volume\n"
              "import ansible_collections.railstack.platform.plugins.plugin_utils.sandbox\n"
              "def f():\n    from ansible_collections.railstack.platform.plugins.module_utils.route53 import Y\n")
    assert imported_files(source) == {"module_utils.railway", "module_utils.stripe_price", "module_utils.railway_volume",
                                      "plugin_utils.sandbox", "module_utils.route53"}


def test_the_registry_names_the_resources_and_the_stack_layer_exists():
    assert len(RESOURCE_FILES) == len(RESOURCES) >= 30
    assert {"module_utils.stack_plan", "module_utils.stack_rules"} <= STACK_LAYER


@pytest.mark.parametrize("name", [name for name in SOURCES if name not in STACK_LAYER])
def test_no_file_below_the_stack_layer_imports_a_resource(name):
    folder, stem = name.split(".")
    imported = imported_files((PLUGINS / folder / ("%s.py" % stem)).read_text())
    wrong = sorted(other for other in imported & RESOURCE_FILES if other != name)
    assert not wrong, "%s imports the resource(s) %s: move what it uses to a library file" % (name, ", ".join(wrong))
