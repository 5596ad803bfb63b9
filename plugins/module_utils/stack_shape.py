# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stack_check's shape check: a part of the stack against options in the argument spec format, every key
known, every value of its type, each problem named by its place and never quoting the value."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from ansible.module_utils.common.validation import check_type_bool, check_type_float, check_type_str

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.stack_values import did_you_mean, kind_of, whole_number

_TYPE_WORDS = dict(
    str="text",
    int="a whole number",
    float="a number",
    bool="a boolean (true/false)",
    list="a list",
    dict="a dict",
    path="a path",
)
_ITEM_KEYS = ("id", "name", "domain", "lookup_key", "key", "service")  # never url: it can hold a token
LABEL_LENGTH = 64


def printable(text: Any) -> str:
    """text as a place in a message: at most LABEL_LENGTH characters, control characters as '?'."""
    return "".join(c if c.isprintable() else "?" for c in str(text)[:LABEL_LENGTH])


def _item_label(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for key in _ITEM_KEYS:
            if isinstance(item.get(key), str) and item[key]:
                return printable(item[key])
    return str(index)


def _convert(value: Any, kind: str, where: str, errors: list[str]) -> Any:
    """value as an option of this kind, or None with a problem appended (never quoting the value)."""
    if kind == "raw" or value is None:
        return value
    if kind == "int":
        return whole_number(value, where.rsplit(".", 1)[-1], where, errors)
    try:
        if kind in ("str", "path"):
            if isinstance(value, (dict, list, tuple)):
                raise TypeError("not a scalar")
            return check_type_str(value, allow_conversion=True)
        if kind == "bool":
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value not in (0, 1):
                raise TypeError("not a boolean")
            return check_type_bool(value)
        if kind == "float":
            if isinstance(value, (bool, str)):
                raise TypeError("not a number")
            return check_type_float(value)
        if kind == "list" and isinstance(value, (list, tuple)):
            return list(value)
        if kind == "dict" and isinstance(value, dict):
            return value
        raise TypeError("not a %s" % kind)
    except (TypeError, ValueError):
        errors.append("%s: expected %s, got %s." % (where, _TYPE_WORDS.get(kind, kind), kind_of(value)))
        return None


def _missing(given: Any, option: dict[str, Any]) -> bool:
    return (
        given is None
        or bool(given == {} and option.get("type") == "dict" and option.get("options"))
        or bool(given == "" and option.get("required"))
    )


def shape(
    value: Any, options: dict[str, Any], where: str, errors: list[str], mutually_exclusive: Sequence[Sequence[str]] = ()
) -> Any:
    """value (a dict) checked and normalized against options (argument spec format); errors appended."""
    if not isinstance(value, dict):
        errors.append("%s: expected a dict, got %s." % (where, kind_of(value)))
        return {}
    for key in sorted(set(value) - set(options), key=str):
        errors.append(
            "%s.%s: unknown key%s (known: %s)."
            % (where, printable(key), did_you_mean(key, options), ", ".join(sorted(options)))
        )
    out = {}
    for name, option in options.items():
        here = "%s.%s" % (where, name)
        given = value.get(name)
        if _missing(given, option):
            if option.get("required"):
                errors.append("%s: required%s." % (here, "" if given is None else ", and not empty"))
            out[name] = copy.deepcopy(option.get("default"))
            continue
        out[name] = _option(given, option, here, errors)
    for group in mutually_exclusive:
        given = [k for k in group if value.get(k) is not None]
        if len(given) > 1:
            errors.append("%s: give only one of %s." % (where, ", ".join(given)))
    return out


def _choice(value: Any, option: dict[str, Any], where: str, errors: list[str]) -> None:
    choices = option.get("choices")
    if choices and value not in choices:
        hint = did_you_mean(value, choices)
        errors.append("%s: not one of %s%s" % (where, ", ".join(map(str, choices)), hint or "."))


def _list_option(value: Any, option: dict[str, Any], where: str, errors: list[str]) -> Any:
    elements = option.get("elements")
    items = []
    for index, item in enumerate(value):
        label = "%s[%s]" % (where, _item_label(item, index))
        if elements == "dict" and option.get("options"):
            items.append(shape(item, option["options"], label, errors))
        elif elements:
            item = _convert(item, elements, label, errors)
            if item is not None:
                _choice(item, option, label, errors)
            items.append(item)
        else:
            items.append(item)
    return items


def _option(value: Any, option: dict[str, Any], where: str, errors: list[str]) -> Any:
    kind = option.get("type", "str")
    value = _convert(value, kind, where, errors)
    if value is None:
        return None
    if kind == "list":
        return _list_option(value, option, where, errors)
    if kind == "dict" and option.get("options"):
        return shape(value, option["options"], where, errors, option.get("mutually_exclusive", ()))
    _choice(value, option, where, errors)
    return value


def with_defaults(options: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """A module's parameters: the given ones, and each option's default (in sub-options too)."""
    params = {}
    for name, option in options.items():
        value = (given or {}).get(name)
        if value is None:
            value = copy.deepcopy(option.get("default"))
        if isinstance(value, dict) and option.get("options"):
            value = with_defaults(option["options"], value)
        params[name] = value
    return params


def module_problems(
    check: Callable[[dict[str, Any]], Any], options: dict[str, Any], given: dict[str, Any], where: str
) -> list[str]:
    """The check a module makes of its options before its first request, made on a part of the stack."""
    try:
        check(with_defaults(options, given))
    except TaskFailed as exc:
        return ["%s.%s" % (where, exc.msg)]
    except (KeyError, TypeError, AttributeError, ValueError):  # left to the module, which names it when it runs
        return []
    return []


def prune(value: Any) -> Any:
    """value without the keys whose value is None (or an empty dict once pruned), at every level of dicts."""
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        item = prune(item)
        if item is None or (item == {} and isinstance(value[key], dict)):
            continue
        out[key] = item
    return out
