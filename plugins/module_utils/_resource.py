# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""The skeleton of a single-object resource: find, then create, update or delete, written once.

A resource that manages one remote object (a Stripe product, a Clerk JWT template, a Railway environment ...)
describes it with a SingleObject of hooks, built in its run() as closures over the task's client and
parameters, and hands it to converge(ctx, hooks). converge() does the rest the same way for every resource:

- reads the object once (find);
- state=absent: remove(current) says what to write (None: nothing, e.g. already archived);
  state=present: create() when there is none, else update(current) (None: nothing differs);
- check mode: never calls a Write's apply; the result shows the Write's preview instead;
- --diff: (view(before), view(after)), with the view keys named in secret_keys masked;
- lost answers (a write sent, its answer lost): with find_again set, a lost create adopts what
  find_again() finds (else creates, as nothing was committed), a lost delete succeeds when the object
  is gone, a lost update succeeds when the object now looks like the preview. Resources whose client
  makes writes safe to repeat (Stripe's Idempotency-Key) leave find_again unset;
- the result: result(before, after) names the object's values, Write.values and present_values add
  more (such as replaced), and ctx.result() adds changed, diff, warnings and the request count.

Hooks raise TaskFailed (naming the option) for what cannot be done; they may warn through ctx.
A replacement (a new object for one whose fixed terms change) is an update or create hook whose
Write does the replacing. What does not fit: settings-only resources with no object to create or
delete (clerk_instance), resources that reconcile lists of plain values (clerk_redirect_urls,
clerk_identifiers: clerk.sync_values does that), and stripe_webhook_endpoint, whose create also writes
a Railway variable, reveals the signing secret once and may delete before it creates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Sequence

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext, create_or_find_again, masked

Object = Dict[str, Any]


@dataclass
class Write:
    """One write: the object it would leave (preview, shown in check mode) and the call that makes it.

    apply() returns the object after the write (None when the write removes it). values: result keys
    this write adds (such as replaced=True). shown_before: what the diff's before side shows for a value
    the provider never returns and this write sends (a write-only signing key), never a secret itself.
    """

    preview: Optional[Object]
    apply: Callable[[], Optional[Object]]
    values: Dict[str, Any] = field(default_factory=dict)
    shown_before: Dict[str, Any] = field(default_factory=dict)


@dataclass
class SingleObject:
    """The hooks a single-object resource fills in (see the module docstring)."""

    find: Callable[[], Optional[Object]]
    view: Callable[[Object], Object]
    result: Callable[[Optional[Object], Optional[Object]], Dict[str, Any]]
    create: Callable[[], Write]
    update: Callable[[Object], Optional[Write]]
    remove: Callable[[Object], Optional[Write]]
    find_again: Optional[Callable[[], Optional[Object]]] = None
    present_values: Dict[str, Any] = field(default_factory=dict)
    secret_keys: Sequence[str] = ()


def deletion(delete: Callable[[], Any]) -> Write:
    """The Write that deletes the object: it calls delete() and leaves nothing."""

    def apply() -> None:
        delete()

    return Write(None, apply)


def converge(ctx: TaskContext, hooks: SingleObject) -> Dict[str, Any]:
    """Bring the object to ctx.params["state"] and return the task result."""
    current = hooks.find()
    if ctx.params["state"] == "absent":
        if current is None:
            return finish(ctx, hooks, False, None, None)
        return _write(ctx, hooks, "delete", current, hooks.remove(current), {})
    if current is None:
        return _write(ctx, hooks, "create", None, hooks.create(), hooks.present_values)
    return _write(ctx, hooks, "update", current, hooks.update(current), hooks.present_values)


def finish(
    ctx: TaskContext,
    hooks: SingleObject,
    changed: bool,
    before: Optional[Object],
    after: Optional[Object],
    shown_before: Optional[Dict[str, Any]] = None,
    **values: Any,
) -> Dict[str, Any]:
    """The task result: the resource's values for (before, after), the diff of their views, and values."""
    out = dict(hooks.result(before, after), **values)
    before_view = dict(diff_view(hooks, before), **(shown_before or {}))
    return ctx.result(changed=changed, diff=(before_view, diff_view(hooks, after)), **out)


def diff_view(hooks: SingleObject, obj: Optional[Object]) -> Object:
    """What --diff shows of obj ({} for none): the resource's view with secrets masked."""
    if not obj:
        return {}
    view = hooks.view(obj)
    for key in hooks.secret_keys:
        if key in view:
            view[key] = masked(view[key])
    return view


def _write(
    ctx: TaskContext,
    hooks: SingleObject,
    kind: str,
    before: Optional[Object],
    write: Optional[Write],
    values: Dict[str, Any],
) -> Dict[str, Any]:
    if write is None:
        return finish(ctx, hooks, False, before, before, **values)
    values = dict(values, **write.values)
    after = write.preview if ctx.check_mode else _apply(hooks, kind, write)
    return finish(ctx, hooks, True, before, after, write.shown_before, **values)


def _apply(hooks: SingleObject, kind: str, write: Write) -> Optional[Object]:
    """write.apply(), recovering from a lost answer when the resource can look again (find_again)."""
    find_again = hooks.find_again
    if find_again is None:
        return write.apply()
    if kind == "create":
        return create_or_find_again(write.apply, find_again)
    try:
        return write.apply()
    except ApiError as exc:
        if not exc.lost_response:
            raise
        found = find_again()
        if kind == "delete" and found is None:
            return None
        if (
            kind == "update"
            and found is not None
            and write.preview is not None
            and hooks.view(found) == hooks.view(write.preview)
        ):
            return found
        raise
