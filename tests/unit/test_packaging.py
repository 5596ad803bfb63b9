# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the collection promises its users about itself: its licence text, its Python requirements,
its execution-environment metadata and its changelog (the built tarball: tests/integration/test_awx_ee.py,
scripts/tarball_lint.sh)."""

from __future__ import annotations

import ast
import fnmatch
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
HEADER = re.compile(r"GNU General Public License v3\.0\+ \(see (\S+) or ")
FIRST_PARTY = {"ansible", "ansible_collections", "__future__"}
# an imported package that another requirement brings with it -> that requirement
BROUGHT_BY = {"botocore": "boto3"}


def tracked_files(*patterns: str) -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z", "--", *patterns], cwd=REPO_ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    return [REPO_ROOT / name for name in listed if name and (REPO_ROOT / name).is_file()]


def requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            names.add(re.split(r"[\[<>=!~ ;]", line, maxsplit=1)[0].lower())
    return names


def galaxy() -> dict:
    return yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text(encoding="utf-8"))


def shipped(name: str) -> bool:
    """Whether galaxy.yml's build_ignore leaves `name` (a path from the collection root) in the tarball."""
    parts = Path(name).parts
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return not any(fnmatch.fnmatch(prefix, pattern) for pattern in galaxy()["build_ignore"] for prefix in prefixes)


def test_licence_files_hold_the_gpl3_text_and_ship():
    assert galaxy()["license"] == ["GPL-3.0-or-later"]
    text = (REPO_ROOT / "COPYING").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 3, 29 June 2007" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert (REPO_ROOT / "LICENSES" / "GPL-3.0-or-later.txt").read_text(encoding="utf-8") == text
    assert shipped("COPYING") and shipped("LICENSES/GPL-3.0-or-later.txt")


def test_every_licence_header_names_a_file_that_exists():
    named = {}
    for path in tracked_files("*.py", "*.sh", "*.yml", "*.yaml"):
        match = HEADER.search(path.read_text(encoding="utf-8", errors="replace")[:2000])
        if match:
            named.setdefault(match.group(1), path.relative_to(REPO_ROOT))
    assert named, "no licence header found"
    missing = {name: str(example) for name, example in named.items() if not (REPO_ROOT / name).is_file()}
    assert not missing, "licence headers name files that do not exist (file: one header naming it): %s" % missing


def third_party_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return {BROUGHT_BY.get(name, name) for name in names if name not in sys.stdlib_module_names and name not in FIRST_PARTY}


def test_every_python_package_the_plugins_import_is_a_documented_requirement():
    required = requirement_names(REPO_ROOT / "requirements.txt")
    optional = requirement_names(REPO_ROOT / "requirements-optional.txt")
    assert required and optional and not required & optional
    imported = set().union(*(third_party_imports(path) for path in tracked_files("plugins/*.py")))
    assert imported, "no third-party import found in plugins/"
    undeclared = imported - required - optional
    assert not undeclared, "plugins import packages neither requirements file lists: %s" % sorted(undeclared)
    assert {"boto3", "psycopg"} <= optional, "boto3 and psycopg are optional (requirements-optional.txt)"
    assert shipped("requirements.txt") and shipped("requirements-optional.txt")


@pytest.mark.parametrize("definition", ["meta/execution-environment.yml", "examples/ee/execution-environment.yml"])
def test_execution_environment_definitions_are_version_3_with_a_bindep_file(definition):
    path = REPO_ROOT / definition
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["version"] == 3
    system = data["dependencies"]["system"]
    # the collection's metadata names files from the collection root, an EE definition from its own directory
    base = REPO_ROOT if definition.startswith("meta/") else path.parent
    assert isinstance(system, str) and (base / system).is_file(), system
    if definition.startswith("meta/"):
        assert data["dependencies"]["python"] == "requirements.txt"
        assert shipped(definition) and shipped(system)


def test_changelog_has_a_release_for_the_galaxy_version_and_no_fragment_lists_a_new_plugin():
    changelog = yaml.safe_load((REPO_ROOT / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))
    assert galaxy()["version"] in changelog["releases"] or list((REPO_ROOT / "changelogs" / "fragments").glob("*.y*ml"))
    assert (REPO_ROOT / "CHANGELOG.rst").is_file() and shipped("CHANGELOG.rst")
    # a release lists new modules, plugins, roles and playbooks by itself: a fragment saying so lists them twice
    listed_again = []
    for fragment in (REPO_ROOT / "changelogs" / "fragments").glob("*.y*ml"):
        for section, entries in (yaml.safe_load(fragment.read_text(encoding="utf-8")) or {}).items():
            if isinstance(entries, list) and not section.startswith("add "):
                listed_again += ["%s: %s" % (fragment.name, entry[:60]) for entry in entries
                                 if isinstance(entry, str) and re.search(r"\bnew (module|plugin|role)s?\b", entry)]
    assert not listed_again, listed_again


def test_ansible_lint_config_ships_and_mocks_every_module_of_a_collection_not_depended_on():
    """ansible-lint on the installed tarball alone (scripts/tarball_lint.sh) resolves every module."""
    config = yaml.safe_load((REPO_ROOT / ".ansible-lint").read_text(encoding="utf-8"))
    assert shipped(".ansible-lint")
    depended_on = set(galaxy().get("dependencies") or {})
    used = set()
    for path in tracked_files("extensions/*.yml", "playbooks/*.yml", "roles/*.yml"):
        used.update(re.findall(r"^\s*-?\s*((?!railstack\.platform\.)[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+):",
                               path.read_text(encoding="utf-8"), flags=re.M))
    foreign = {name for name in used if not name.startswith("ansible.builtin.")
               and ".".join(name.split(".")[:2]) not in depended_on}
    assert foreign, "no module of another collection found: the scan is broken"
    unmocked = foreign - set(config.get("mock_modules") or [])
    assert not unmocked, ".ansible-lint mock_modules lacks %s" % sorted(unmocked)
