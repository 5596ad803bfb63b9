# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""extensions/awx/*.yml hand awx.awx only options its modules have, with values they accept.

awx.awx is not installed here; awx_module_options.json holds the argument specs of the awx.awx modules
the playbooks use (see its _source). An option awx.awx does not know fails the task in AWX's hands
("Unsupported parameters"), a value outside the choices as well.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
AWX_DIR = REPO_ROOT / "extensions" / "awx"
OPTIONS = json.loads((Path(__file__).parent / "awx_module_options.json").read_text(encoding="utf-8"))
PLAYBOOKS = ("bootstrap.yml", "job_templates.yml")


def awx_tasks(playbook: str) -> list[tuple[str, str, dict]]:
    """(task name, awx.awx module, its arguments) of every awx.awx task of a playbook."""
    found = []
    for play in yaml.safe_load((AWX_DIR / playbook).read_text(encoding="utf-8")):
        for task in play.get("tasks", []):
            for key, args in task.items():
                if key.startswith("awx.awx."):
                    found.append((task["name"], key.split(".")[-1], args))
    return found


def option_problems(module: str, args: dict) -> list[str]:
    known = OPTIONS.get(module)
    if known is None:
        return ["awx.awx.%s is not a module this test knows (add its options to awx_module_options.json)" % module]
    problems = []
    for name, value in args.items():
        if name not in known and name not in OPTIONS["_auth"]:
            problems.append("%s: awx.awx.%s has no option %s" % (module, module, name))
        elif known.get(name) and isinstance(value, str) and "{{" not in value and value not in known[name]:
            problems.append("%s: %s=%r is not one of %s" % (module, name, value, known[name]))
    return problems


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_every_awx_task_uses_options_awx_knows(playbook):
    tasks = awx_tasks(playbook)
    assert tasks, "no awx.awx task in %s" % playbook
    problems = [task + ": " + p for task, module, args in tasks for p in option_problems(module, args)]
    assert problems == []


def test_an_unknown_option_or_value_is_caught():
    assert option_problems("inventory_source", {"name": "x", "source": "constructed"}) == [
        "inventory_source: source='constructed' is not one of %s" % OPTIONS["inventory_source"]["source"]]
    assert option_problems("job_template", {"name": "x", "slice_count": 2}) == [
        "job_template: awx.awx.job_template has no option slice_count"]
    assert option_problems("job_template", {"name": "x", "job_slice_count": "{{ n }}", "controller_host": "h"}) == []
