# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""No function of plugins/ is longer than MAX_LINES (docs/contributing.md: small functions): a function that
grows past the limit fails here, naming it; split it along its phases."""

from __future__ import annotations

import ast
from pathlib import Path

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
MAX_LINES = 60


def long_functions(root: Path) -> list[tuple[str, str, int]]:
    """(file, function, lines) of every function under root longer than MAX_LINES, from its def to its last line."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_LINES:
                    found.append((path.relative_to(root).as_posix(), node.name, lines))
    return found


def test_no_function_of_plugins_is_longer_than_the_limit():
    too_long = ["%s: %s (%d lines)" % found for found in long_functions(PLUGINS)]
    assert not too_long, "longer than %d lines; split along its phases: %s" % (MAX_LINES, "; ".join(too_long))


def test_a_long_function_is_found(tmp_path):
    body = "".join("    x%d = %d\n" % (i, i) for i in range(MAX_LINES))
    (tmp_path / "long.py").write_text("def short():\n    return 1\n\n\ndef long():\n%s" % body, encoding="utf-8")
    assert long_functions(tmp_path) == [("long.py", "long", MAX_LINES + 1)]
