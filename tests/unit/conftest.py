# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make ``ansible_collections.railstack.platform`` importable from the working tree.

``make setup`` links the repository as .collections/ansible_collections/railstack/platform.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_ROOT = REPO_ROOT / ".collections"

if str(COLLECTIONS_ROOT) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS_ROOT))


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _rate_state_in_tmp(tmp_path, monkeypatch):
    """Rate-limit state files (plugins/module_utils/_http.py SharedRateState) go to the test's own directory."""
    monkeypatch.setenv("RAILSTACK_CACHE_DIR", str(tmp_path / "cache"))
