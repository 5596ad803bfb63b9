# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The single-object skeleton (_resource.converge) with one tiny fake resource: a named widget with a size
and a write-only combination (a key the core does not mask by name), kept in a dict that stands for the provider."""

from __future__ import annotations

import pytest

from ansible_collections.railstack.platform.plugins.module_utils._http import SECRET_MASK, ApiError
from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, Write, converge, deletion
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskContext


class FakeProvider:
    """Widgets by name; each write is counted, and the next write's answer can be lost (after it was applied)."""

    def __init__(self, widgets=None):
        self.widgets = dict(widgets or {})
        self.writes = []
        self.lose_next_answer = False

    def _answer(self, value):
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise ApiError("connection reset", provider="Fake", lost_response=True)
        return value

    def create(self, body):
        self.writes.append(("create", body))
        self.widgets[body["name"]] = dict(body, id="w-%s" % body["name"])
        return self._answer(dict(self.widgets[body["name"]]))

    def update(self, name, body):
        self.writes.append(("update", body))
        self.widgets[name].update(body)
        return self._answer(dict(self.widgets[name]))

    def delete(self, name):
        self.writes.append(("delete", name))
        del self.widgets[name]
        return self._answer(None)


def widget_hooks(provider, params, recover=True):
    def find():
        found = provider.widgets.get(params["name"])
        return dict(found) if found else None

    def update(current):
        changes = {k: params[k] for k in ("size",) if current.get(k) != params[k]}
        if params["combination"]:
            changes["combination"] = params["combination"]
        if not changes:
            return None
        return Write(dict(current, **changes), lambda: provider.update(current["name"], changes),
                     shown_before=dict(combination="(write-only)") if "combination" in changes else {})

    def create():
        body = dict(name=params["name"], size=params["size"], combination=params["combination"])
        return Write(dict(body, id=None), lambda: provider.create(body), dict(created=True))

    return SingleObject(
        find=find, find_again=find if recover else None, secret_keys=("combination",),
        view=lambda w: {k: w.get(k) for k in ("name", "size", "combination") if w.get(k) is not None},
        result=lambda before, after: dict(widget=after or before or {}),
        create=create, update=update,
        remove=lambda current: deletion(lambda: provider.delete(current["name"])),
        present_values=dict(created=False))


def run(provider, check_mode=False, recover=True, **params):
    params = dict(dict(name="blue", size=1, combination=None, state="present"), **params)
    ctx = TaskContext(params, check_mode=check_mode, diff=True)
    return converge(ctx, widget_hooks(provider, params, recover))


def test_creates_then_a_second_run_changes_nothing():
    provider = FakeProvider()
    first = run(provider, size=3)
    assert first["changed"] and first["created"] and first["widget"]["id"] == "w-blue"
    assert first["diff"] == dict(before={}, after=dict(name="blue", size=3))
    second = run(provider, size=3)
    assert not second["changed"] and second["created"] is False and len(provider.writes) == 1


def test_update_sends_only_what_differs():
    provider = FakeProvider(dict(blue=dict(id="w-blue", name="blue", size=1)))
    result = run(provider, size=2)
    assert result["changed"] and provider.writes == [("update", dict(size=2))]
    assert result["diff"] == dict(before=dict(name="blue", size=1), after=dict(name="blue", size=2))


@pytest.mark.parametrize("params, widgets", [
    (dict(size=5), {}),                                               # create
    (dict(size=5), dict(blue=dict(id="w-blue", name="blue", size=1))),  # update
    (dict(state="absent"), dict(blue=dict(id="w-blue", name="blue", size=1))),  # delete
])
def test_check_mode_sends_no_write_and_shows_the_preview(params, widgets):
    provider = FakeProvider(widgets)
    result = run(provider, check_mode=True, **params)
    assert result["changed"] and provider.writes == [] and provider.widgets == widgets
    assert result["diff"]["after"] == ({} if params.get("state") == "absent" else dict(name="blue", size=5))


def test_absent_when_gone_changes_nothing():
    provider = FakeProvider()
    result = run(provider, state="absent")
    assert not result["changed"] and result["widget"] == {} and provider.writes == []


def test_delete_shows_what_was_deleted():
    provider = FakeProvider(dict(blue=dict(id="w-blue", name="blue", size=1)))
    result = run(provider, state="absent")
    assert result["changed"] and result["widget"]["id"] == "w-blue" and provider.widgets == {}
    assert result["diff"] == dict(before=dict(name="blue", size=1), after={})


@pytest.mark.parametrize("check_mode", [False, True])
def test_diff_masks_secrets_and_shows_write_only_placeholders(check_mode):
    provider = FakeProvider(dict(blue=dict(id="w-blue", name="blue", size=1)))
    result = run(provider, check_mode=check_mode, combination="c0mb-s3cret")
    assert result["diff"]["after"]["combination"] == SECRET_MASK
    assert result["diff"]["before"]["combination"] == "(write-only)"
    assert "c0mb-s3cret" not in repr(result["diff"])


def test_lost_create_answer_adopts_what_was_created():
    provider = FakeProvider()
    provider.lose_next_answer = True
    result = run(provider, size=3)
    assert result["changed"] and result["widget"]["id"] == "w-blue"
    assert [kind for kind, dummy in provider.writes] == ["create"]   # not created twice


def test_lost_delete_answer_succeeds_when_the_object_is_gone():
    provider = FakeProvider(dict(blue=dict(id="w-blue", name="blue", size=1)))
    provider.lose_next_answer = True
    result = run(provider, state="absent")
    assert result["changed"] and provider.widgets == {}


def test_lost_update_answer_succeeds_when_the_object_looks_as_planned():
    provider = FakeProvider(dict(blue=dict(id="w-blue", name="blue", size=1)))
    provider.lose_next_answer = True
    result = run(provider, size=4)
    assert result["changed"] and result["widget"]["size"] == 4 and len(provider.writes) == 1


def test_lost_update_answer_fails_when_the_object_does_not_look_as_planned():
    provider = FakeProvider(dict(blue=dict(id="w-blue", name="blue", size=1)))
    provider.lose_next_answer = True
    original_update = provider.update

    def update_elsewhere(name, body):   # somebody else's write lands instead of ours
        return original_update(name, dict(size=99))

    provider.update = update_elsewhere
    with pytest.raises(ApiError):
        run(provider, size=4)


def test_without_find_again_a_lost_answer_fails():
    provider = FakeProvider()
    provider.lose_next_answer = True
    with pytest.raises(ApiError):
        run(provider, recover=False, size=3)
