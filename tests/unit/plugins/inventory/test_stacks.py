# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""railstack.platform.stacks inventory plugin: stack files as hosts, one per environment."""

from __future__ import annotations

import json
import sys

import pytest
from ansible import constants as C
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import fragment_loader
from ansible.utils.plugin_docs import get_docstring

from ansible_collections.railstack.platform.plugins.inventory import stacks as stacks_inventory


def load_plugin():
    """The plugin with its documented options registered, as the plugin loader would do it."""
    plugin = stacks_inventory.InventoryModule()
    plugin._load_name = "railstack.platform.stacks"
    doc = get_docstring(stacks_inventory.__file__, fragment_loader, collection_name="railstack.platform")[0]
    C.config.initialize_plugin_configuration_definitions("inventory", plugin._load_name, doc["options"])
    return plugin


def stack_text(project, environments=None):
    stack = dict(project=dict(name=project), services=[dict(name="web", role="web")])
    if environments is not None:
        stack["environments"] = [dict(name=e) for e in environments]
    return json.dumps(dict(stack=stack))


@pytest.fixture
def parse(tmp_path):
    def run(config, name="site.stacks.yml"):
        path = tmp_path / "inventories" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(dict(dict(plugin="railstack.platform.stacks"), **config)), encoding="utf-8")
        plugin = load_plugin()
        assert plugin.verify_file(str(path))
        inventory = InventoryData()
        plugin.parse(inventory, DataLoader(), str(path))
        return inventory

    return run


@pytest.fixture
def stacks_dir(tmp_path):
    folder = tmp_path / "stacks"
    folder.mkdir()
    (folder / "shop.yml").write_text(stack_text("shop", ["production", "staging"]), encoding="utf-8")
    (folder / "blog.yaml").write_text(stack_text("Blog Site"), encoding="utf-8")
    (folder / "notes.txt").write_text("not a stack", encoding="utf-8")
    return folder


def hostvars(inventory, host):
    return inventory.get_host(host).get_vars()


def members(inventory, group):
    return sorted(h.name for h in inventory.groups[group].get_hosts())


def test_only_stacks_yml_sources_are_verified(tmp_path):
    plugin = load_plugin()
    for name, wanted in (("a.stacks.yml", True), ("a.stacks.yaml", True), ("stacks.yml", False), ("a.yml", False)):
        (tmp_path / name).write_text("plugin: railstack.platform.stacks\n", encoding="utf-8")
        assert plugin.verify_file(str(tmp_path / name)) is wanted


def test_one_host_per_environment_grouped_by_stack_and_environment(parse, stacks_dir):
    inventory = parse(dict(paths=["../stacks"]))
    assert members(inventory, "railstack_stacks") == ["Blog Site.production", "shop.production", "shop.staging"]
    assert members(inventory, "stack_shop") == ["shop.production", "shop.staging"]
    assert members(inventory, "stack_blog_site") == ["Blog Site.production"]
    assert members(inventory, "env_production") == ["Blog Site.production", "shop.production"]
    assert members(inventory, "env_staging") == ["shop.staging"]


def test_host_variables_name_the_file_and_environment(parse, stacks_dir):
    inventory = parse(dict(paths=["../stacks"]))
    variables = hostvars(inventory, "shop.staging")
    assert variables["railstack_stack_file"] == str(stacks_dir / "shop.yml")
    assert variables["railstack_stack_environment"] == "staging"
    assert variables["railstack_stack_project"] == "shop"
    assert variables["railstack_stack_hosts"] == ["shop.production", "shop.staging"]
    assert variables["ansible_connection"] == "local"
    assert variables["ansible_python_interpreter"] == sys.executable
    assert "railstack_stack_error" not in variables
    assert "stack" not in variables


def test_files_listed_one_by_one_in_the_order_given(parse, stacks_dir):
    inventory = parse(dict(paths=["../stacks/shop.yml", "../stacks/blog.yaml", "../stacks/shop.yml"]))
    assert list(inventory.hosts) == ["shop.production", "shop.staging", "Blog Site.production"]


@pytest.mark.parametrize("content, problem", [
    ("stack: [unclosed", "cannot be read as YAML"),
    ("services: []\n", "not a stack file"),
    ("stack:\n  project: {}\n", "stack.project.name: required"),
])
def test_an_unreadable_stack_makes_one_host_named_after_the_file(parse, stacks_dir, content, problem):
    (stacks_dir / "broken.yml").write_text(content, encoding="utf-8")
    inventory = parse(dict(paths=["../stacks"]))
    variables = hostvars(inventory, "broken")
    assert problem in variables["railstack_stack_error"]
    assert variables["railstack_stack_error"].startswith(str(stacks_dir / "broken.yml"))
    assert "broken" in members(inventory, "railstack_stacks")
    assert "railstack_stack_error" not in hostvars(inventory, "shop.production")


def test_a_stack_with_a_nameless_environment_keeps_the_hosts_it_can_name(parse, stacks_dir):
    (stacks_dir / "api.yml").write_text(
        "stack:\n  project: {name: api}\n  environments: [{name: production}, {source_environment: production}]\n",
        encoding="utf-8")
    inventory = parse(dict(paths=["../stacks"]))
    assert members(inventory, "stack_api") == ["api.production"]
    assert "every environment needs a name" in hostvars(inventory, "api.production")["railstack_stack_error"]


def test_a_project_in_two_files_fails_the_second_file_only(parse, stacks_dir):
    (stacks_dir / "zz-shop-copy.yml").write_text(stack_text("shop", ["production"]), encoding="utf-8")
    inventory = parse(dict(paths=["../stacks"]))
    assert "railstack_stack_error" not in hostvars(inventory, "shop.production")
    error = hostvars(inventory, "zz-shop-copy")["railstack_stack_error"]
    assert "project 'shop' is also the project of %s" % (stacks_dir / "shop.yml") in error


def test_a_missing_file_is_a_host_with_an_error_not_an_inventory_failure(parse, stacks_dir):
    inventory = parse(dict(paths=["../stacks/shop.yml", "../stacks/gone.yml"]))
    assert "does not exist" in hostvars(inventory, "gone")["railstack_stack_error"]
    assert members(inventory, "stack_shop") == ["shop.production", "shop.staging"]


def test_the_source_file_itself_is_not_a_stack(parse, tmp_path):
    folder = tmp_path / "inventories"
    folder.mkdir()
    (folder / "one.yml").write_text(stack_text("one"), encoding="utf-8")
    inventory = parse(dict(paths=["."]))
    assert sorted(inventory.hosts) == ["one.production"]


def test_no_paths_fails_naming_the_option(parse):
    with pytest.raises(AnsibleParserError, match="paths: give at least one"):
        parse(dict(paths=[]))


def test_constructed_keyed_groups(parse, stacks_dir):
    inventory = parse(dict(paths=["../stacks"], keyed_groups=[dict(key="railstack_stack_environment", prefix="tier")]))
    assert members(inventory, "tier_staging") == ["shop.staging"]


def test_a_broken_file_named_like_a_host_does_not_take_that_host(parse, stacks_dir):
    (stacks_dir / "shop.staging.yml").write_text("stack: [", encoding="utf-8")     # read after shop.yml
    inventory = parse(dict(paths=["../stacks/shop.yml", "../stacks/shop.staging.yml"]))
    assert "railstack_stack_error" not in hostvars(inventory, "shop.staging")
    assert "cannot be read as YAML" in hostvars(inventory, "shop.staging.yml")["railstack_stack_error"]
