# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test-only callback: every task result as one JSON line, for tests/integration.

Not part of the collection. The integration harness enables it with
ANSIBLE_CALLBACK_PLUGINS=tests/integration/callback_plugins and
ANSIBLE_CALLBACKS_ENABLED=railstack_results, and names the output file in
RAILSTACK_RESULTS_FILE. The stdout callback stays ansible.builtin.default, so what a test
prints on failure is what a person would see.

Each line: {"play", "task", "action", "host", "status", "item"?, "result"}, status one of
ok, changed, failed, skipped, unreachable. Loops give one line per item ("item" set) and
one for the whole task. Results are what callbacks receive, so no_log tasks are censored.
"""
from __future__ import annotations

DOCUMENTATION = """
    name: railstack_results
    type: aggregate
    short_description: Write every task result as a JSON line (tests only)
    description:
      - Appends one JSON object per task result to the file named by E(RAILSTACK_RESULTS_FILE).
    options: {}
"""

import json
import os

from ansible.plugins.callback import CallbackBase
from ansible.vars.clean import strip_internal_keys


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'railstack_results'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get('RAILSTACK_RESULTS_FILE')
        self._play = None

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name()

    def _write(self, status, result, item=False):
        if not self._path:
            return
        data = dict(result.result)
        entry = {
            'play': self._play,
            'task': result.task.get_name(),
            'action': result.task.action,
            'host': result.host.get_name(),
            'status': status,
            'result': strip_internal_keys(data),
        }
        if item:
            entry['item'] = data.get(data.get('ansible_loop_var', 'item'))
        try:
            entry['warnings'] = [w.event.msg for w in result.warnings]
        except Exception:  # pylint: disable=broad-except
            pass
        with open(self._path, 'a', encoding='utf-8') as f:
            f.write(json.dumps(entry, default=str, sort_keys=True) + '\n')

    def _status(self, result):
        return 'changed' if result.is_changed() else 'ok'

    def v2_runner_on_ok(self, result):
        self._write(self._status(result), result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write('failed', result)

    def v2_runner_on_skipped(self, result):
        self._write('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._write('unreachable', result)

    def v2_runner_item_on_ok(self, result):
        self._write(self._status(result), result, item=True)

    def v2_runner_item_on_failed(self, result):
        self._write('failed', result, item=True)

    def v2_runner_item_on_skipped(self, result):
        self._write('skipped', result, item=True)
