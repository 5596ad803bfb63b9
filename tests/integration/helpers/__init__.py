# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Support code for tests/integration (and the demo, contract and bench scripts)."""
from .playbook import PlaybookRun, run_playbook
from .sandbox import (SandboxClient, SandboxError, SandboxProcess, Traffic, TrafficWindow, is_mutation,
                      is_railway_mutation, parse_env_file)

__all__ = ["PlaybookRun", "run_playbook", "SandboxClient", "SandboxError", "SandboxProcess", "Traffic",
           "TrafficWindow", "is_mutation", "is_railway_mutation", "parse_env_file"]
