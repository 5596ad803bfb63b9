# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every module of plugins/modules has a unit test file named after it (tests/unit/**/test_<module>.py), so a test
name says what it tests; a new module without one fails here, naming it."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODULES = REPO_ROOT / "plugins" / "modules"
UNIT_TESTS = REPO_ROOT / "tests" / "unit"


def modules_without_tests(modules: Path, tests: Path) -> list[str]:
    """Names of the modules under modules that have no test_<name>.py anywhere under tests."""
    test_files = {path.name for path in tests.rglob("test_*.py")}
    names = sorted(path.stem for path in modules.glob("*.py") if not path.stem.startswith("_"))
    return [name for name in names if "test_%s.py" % name not in test_files]


def test_every_module_has_a_unit_test_file_named_after_it():
    missing = modules_without_tests(MODULES, UNIT_TESTS)
    assert not missing, "modules without tests/unit/**/test_<module>.py: %s" % ", ".join(missing)


def test_a_module_without_its_test_file_is_named(tmp_path):
    modules, tests = tmp_path / "modules", tmp_path / "tests" / "plugins"
    modules.mkdir()
    tests.mkdir(parents=True)
    for name in ("__init__", "alpha", "beta"):
        (modules / ("%s.py" % name)).write_text("")
    (tests / "test_alpha.py").write_text("")
    (tests / "test_alpha_beta.py").write_text("")
    assert modules_without_tests(modules, tests) == ["beta"]
