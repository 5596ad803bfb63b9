# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: stacks
short_description: Stack files as inventory, one host per stack environment
version_added: 0.2.0
description:
  - Reads stack files (YAML files holding a C(stack) mapping, see the collection's docs/stack-file.md) and adds one
    host per environment of each stack, so that C(playbooks/site.yml) converges every environment as a host of its
    own; C(forks) converge them in parallel, C(--limit) picks some, and AWX job slicing spreads them over nodes.
  - 'Host names: C(<project name>.<environment>), the project name being C(stack.project.name). A stack without
    C(environments) has one, C(production), as C(site.yml) does.'
  - 'Groups: C(railstack_stacks) (every host); C(stack_<project name>) and C(env_<environment>) (lowercased,
    characters other than letters, digits and C(_) replaced by C(_)).'
  - 'Host variables: C(railstack_stack_file) (the stack file, an absolute path), C(railstack_stack_environment),
    C(railstack_stack_project), C(railstack_stack_hosts) (the host names of the same stack file, in the order of its
    environments), C(ansible_connection=local) and C(ansible_python_interpreter) set to the Python running the
    inventory (the controller''s, as for Ansible''s implicit C(localhost)): a plain path, kept as it is by an
    exported inventory (AWX''s inventory sync).
    The stack itself is not a variable: the play reads the file.'
  - A stack file that cannot be read, is not a stack, or names a project another stack file already has, still makes
    hosts (those it can name, else one host named after the file), with C(railstack_stack_error) saying what is
    wrong. C(site.yml) fails those hosts only, before any request; the inventory itself does not fail.
  - Only the names of the project and the environments are read here; every other check is the play's
    (M(railstack.platform.stack_check)).
  - The configuration file name must end with C(.stacks.yml) or C(.stacks.yaml).
author:
  - railstack.platform developers (@railstack)
extends_documentation_fragment:
  - constructed
options:
  plugin:
    description: The name of this plugin.
    type: str
    required: true
    choices:
      - railstack.platform.stacks
  paths:
    description:
      - Stack files, or directories whose C(*.yml) and C(*.yaml) files are stack files (not their subdirectories).
      - Relative paths are relative to the directory of this configuration file (in AWX, the project's directory
        when the inventory source is sourced from a project).
      - This configuration file itself is never read as a stack file.
    type: list
    elements: path
    required: true
"""

EXAMPLES = r"""
---
# inventories/clients.stacks.yml: every stack file in stacks/ (next to inventories/), one host per environment
plugin: railstack.platform.stacks
paths:
  - ../stacks

---
# inventories/products.stacks.yml: two stack files, and a group of the production hosts by a variable of their own
plugin: railstack.platform.stacks
paths:
  - ../stacks/shop.yml
  - ../stacks/blog.yml
keyed_groups:
  - key: railstack_stack_environment
    prefix: tier
"""

import os
import re
import sys

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.railstack.platform.plugins.plugin_utils._inventory import ConstructedHosts

ALL_GROUP = "railstack_stacks"
STACK_SUFFIXES = (".yml", ".yaml")
DEFAULT_ENVIRONMENTS = ("production",)


def group_name(prefix, name):
    return prefix + re.sub(r"[^a-z0-9_]", "_", str(name).lower())


def file_host_name(path):
    """The host of a stack file whose project cannot be named: the file's name without its extension (with it when
    another host has that name)."""
    return os.path.splitext(os.path.basename(path))[0]


def stack_files(paths, base_dir, config_path):
    """Absolute paths of the stack files `paths` names, in the order given (a directory's files sorted)."""
    found = []
    for entry in paths:
        path = os.path.abspath(os.path.join(base_dir, os.path.expanduser(entry)))
        if os.path.isdir(path):
            names = sorted(n for n in os.listdir(path) if n.endswith(STACK_SUFFIXES))
            found.extend(os.path.join(path, n) for n in names if os.path.isfile(os.path.join(path, n)))
        else:
            found.append(path)
    config = os.path.abspath(config_path)
    return [p for p in dict.fromkeys(found) if p != config]


def environment_names(stack):
    """The environment names of a stack, and what is wrong with them ('' when nothing)."""
    environments = stack.get("environments")
    if environments is None:
        return list(DEFAULT_ENVIRONMENTS), ""
    if not isinstance(environments, list) or not environments:
        return [], "stack.environments: must be a non-empty list of environments"
    names = [e.get("name") if isinstance(e, dict) else None for e in environments]
    good = [n for n in names if isinstance(n, str) and n]
    if len(good) != len(names):
        return good, "stack.environments: every environment needs a name (a string)"
    if len(set(good)) != len(good):
        return list(dict.fromkeys(good)), "stack.environments: two environments have the same name"
    return good, ""


def read_stack(data):
    """(project name, environment names, problem) from a stack file's loaded content."""
    if not isinstance(data, dict) or not isinstance(data.get("stack"), dict):
        return None, [], "not a stack file: it must hold a mapping under `stack:` (docs/stack-file.md)"
    stack = data["stack"]
    project = stack.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    if not isinstance(name, str) or not name.strip():
        return None, [], "stack.project.name: required, the Railway project's name (a string)"
    names, problem = environment_names(stack)
    return name, names, problem


class InventoryModule(ConstructedHosts):

    NAME = "railstack.platform.stacks"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith((".stacks.yml", ".stacks.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        paths = self.get_option("paths")
        if not paths:
            raise AnsibleParserError("railstack.platform.stacks inventory %s: paths: give at least one stack file "
                                     "or directory." % path)
        self.inventory.add_group(ALL_GROUP)
        projects = {}
        for stack_file in stack_files(paths, os.path.dirname(os.path.abspath(path)), path):
            self._add_stack(stack_file, projects)

    def _load(self, stack_file):
        """(project name, environment names, problem) of one stack file; never raises."""
        if not os.path.isfile(stack_file):
            return None, [], "the stack file does not exist (or is not a file)"
        try:
            data = self.loader.load_from_file(stack_file, cache="none")
        except (AnsibleError, OSError, UnicodeError) as exc:
            first_line = to_text(exc).strip().splitlines()[0] if to_text(exc).strip() else type(exc).__name__
            return None, [], "cannot be read as YAML: %s" % first_line
        return read_stack(data)

    def _add_stack(self, stack_file, projects):
        project, names, problem = self._load(stack_file)
        if project is not None and project in projects:
            problem = "stack.project.name: project %r is also the project of %s; one stack file per project" % (
                project, projects[project])
            project, names = None, []
        if project is None:
            name = file_host_name(stack_file)
            hosts = [(name if name not in self.inventory.hosts else os.path.basename(stack_file), "")]
        else:
            projects[project] = stack_file
            hosts = [("%s.%s" % (project, name), name) for name in names] or [(project, "")]
        common = dict(railstack_stack_file=stack_file, railstack_stack_project=project or "",
                      railstack_stack_hosts=[host for host, dummy in hosts], ansible_connection="local",
                      ansible_python_interpreter=sys.executable)
        if problem:
            common["railstack_stack_error"] = "%s: %s" % (stack_file, problem)
        for host, environment in hosts:
            groups = [ALL_GROUP] + ([group_name("stack_", project)] if project else [])
            groups += [group_name("env_", environment)] if environment else []
            self._add(host, groups, dict(common, railstack_stack_environment=environment))

    def _add(self, host, groups, variables):
        if host in self.inventory.hosts:
            variables["railstack_stack_error"] = "%s: host %s is also made by %s; rename the file" % (
                variables["railstack_stack_file"], host, self.inventory.get_host(host).vars["railstack_stack_file"])
        super()._add(host, groups, variables)
