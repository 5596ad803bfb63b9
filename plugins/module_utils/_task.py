# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""One way to run a resource: the same code behind a module and its action plugin.

A resource is a Python module of module_utils with ARGUMENT_SPEC, optional MODULE_KWARGS
(the AnsibleModule keyword arguments such as required_if) and run(ctx). run() reads what it
needs, computes the difference, writes unless ctx.check_mode, and returns ctx.result(...).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, NoReturn, TypeVar

from ansible_collections.railstack.platform.plugins.module_utils._http import (
    ApiError,
    Redactor,
    SECRET_MASK,
    bounded_text,
)

Client = TypeVar("Client")
Found = TypeVar("Found")


class TaskFailed(Exception):
    """A failure whose message names what is wrong; extra keys go into the task result."""

    def __init__(self, msg: str, **extra: Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.extra = extra


class TaskContext:
    """What a resource's run() gets: parameters, modes, and a place for warnings.

    environ: the environment the task runs in (the controller's, with the task's `environment:` over it
    when run as an action plugin); resource code reads environment variables from it, never os.environ.
    """

    def __init__(
        self,
        params: dict[str, Any],
        check_mode: bool = False,
        diff: bool = False,
        no_log_values: Any = (),
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.params = params
        self.environ = dict(os.environ if environ is None else environ)
        self.check_mode = bool(check_mode)
        self.diff = bool(diff)
        self.warnings: list[str] = []
        self.redactor = Redactor(no_log_values)
        self.clients: list[Any] = []  # provider clients: each has stats and a redactor (_http.ProviderClient)
        self.revealed: dict[str, Any] = {}

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)

    def fail(self, msg: str, **extra: Any) -> NoReturn:
        raise TaskFailed(msg, **extra)

    def register_client(self, client: Client) -> Client:
        """Remember a client so its request count and redactions reach the result."""
        self.clients.append(client)
        return client

    def result(
        self, changed: Any = False, diff: Any = None, revealed: dict[str, Any] | None = None, **values: Any
    ) -> dict[str, Any]:
        """Build the task result. diff is (before, after), a hunk or a list of hunks; shown only when diff mode is on.

        revealed: secrets returned by design (a Stripe webhook secret on the run that creates it).
        They bypass redaction, and the whole result is then marked no_log so no callback shows it;
        a registered variable still holds them.
        """
        out = dict(changed=bool(changed), **values)
        if isinstance(diff, (list, dict)) and self.diff:
            out["diff"] = diff  # a hunk (before, after and their headers) or a list of hunks
        elif diff is not None and self.diff:
            before, after = diff
            out["diff"] = dict(before=before if before is not None else {}, after=after if after is not None else {})
        if self.warnings:
            out["warnings"] = list(self.warnings)
        requests_sent = sum(c.stats.get("requests", 0) for c in self.clients)
        if self.clients:
            out["api_requests"] = requests_sent
        out = self.scrub(out)
        if revealed:
            self.revealed.update(revealed)
            out.update(revealed)
            out["_ansible_no_log"] = True
        return out

    def scrub(self, value: Any) -> Any:
        """Remove every credential and registered secret from a result or message."""
        value = self.redactor.redact(value)
        for client in self.clients:
            value = client.redactor.redact(value)
        return value


def failure_result(ctx: TaskContext, exc: TaskFailed | ApiError) -> dict[str, Any]:
    """Turn TaskFailed or ApiError into a failed task result (secrets removed)."""
    out: dict[str, Any]
    if isinstance(exc, TaskFailed):
        out = dict(failed=True, msg=exc.msg, **exc.extra)
    else:
        out = dict(failed=True, **exc.to_result())
    out["changed"] = bool(out.get("changed", False))
    if ctx.warnings:
        out["warnings"] = list(ctx.warnings)
    out = ctx.scrub(out)
    out["msg"] = bounded_text(out.get("msg"))  # cut after redaction, so no secret is left half-masked
    return out


def execute(resource: ModuleType, ctx: TaskContext) -> dict[str, Any]:
    """Run resource.run(ctx) and always return a result dict, failed or not."""
    try:
        result: dict[str, Any] = resource.run(ctx)
        return result
    except (TaskFailed, ApiError) as exc:
        return failure_result(ctx, exc)


def run_as_module(resource: ModuleType) -> None:
    """main() of a classic module: the same resource logic through AnsibleModule."""
    from ansible.module_utils.basic import AnsibleModule  # pylint: disable=import-outside-toplevel

    module = AnsibleModule(
        argument_spec=copy.deepcopy(resource.ARGUMENT_SPEC),
        supports_check_mode=True,
        **getattr(resource, "MODULE_KWARGS", {}),
    )
    ctx = TaskContext(module.params, module.check_mode, module._diff, no_log_values=module.no_log_values)
    result = execute(resource, ctx)
    if result.pop("_ansible_no_log", False):
        # A classic module cannot hide its result from callbacks: what was revealed is masked instead.
        for value in ctx.revealed.values():
            module.no_log_values.add(str(value))
    warnings = result.pop("warnings", [])
    for warning in warnings:
        module.warn(warning)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)


def masked(value: Any) -> Any:
    """The value shown in diffs and results for a secret."""
    return SECRET_MASK if value not in (None, "") else value


def changed_fields(current: Mapping[str, Any], desired: Mapping[str, Any]) -> list[str]:
    """The keys of desired whose value differs from current (None in desired means 'not managed')."""
    return sorted(k for k, v in desired.items() if v is not None and current.get(k) != v)


def create_or_find_again(create: Callable[[], Found], find_again: Callable[[], Found | None]) -> Found:
    """Create something once. If the answer to the create was lost, look for it instead of repeating.

    create() returns the created object; find_again() returns it when it exists, else None.
    """
    try:
        return create()
    except ApiError as exc:
        if not exc.lost_response:
            raise
        found = find_again()
        if found is not None:
            return found
        # Nothing was committed: creating now cannot make a duplicate.
        return create()
