# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A stack file's values templated one by one, so that a template that fails is named by its place
(`stack.services[api].variables.DATABASE_URL`) instead of failing the whole task with `'Postgres' is undefined`.

Used by the stack_check action plugin (option stack_variable). A Railway reference written without the
YAML tag !unsafe is a template to Ansible: the problem says to write it with !unsafe.
"""

from __future__ import annotations

import re
from typing import Any, Callable, List

ITEM_KEYS = ("id", "name", "domain", "lookup_key", "key", "service")  # never url: it can hold a token
LABEL_LENGTH = 64
REASON_LENGTH = 200


def _label(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for key in ITEM_KEYS:
            if isinstance(item.get(key), str) and item[key] and "{{" not in item[key]:
                return item[key][:LABEL_LENGTH]
    return str(index)


# Template errors whose text names a variable, attribute, filter or lookup, never a value; any other error
# is shown by its kind only, as its text can hold the value a filter was given (a secret, perhaps).
NAMING_ERROR_RE = re.compile(
    r"is undefined|has no attribute|[Nn]o filter named|[Nn]o test named|lookup plugin|"
    r"[Ee]nvironment variable"
)


def _reason(exc: Exception) -> str:
    text = (getattr(exc, "message", None) or str(exc) or "").strip()
    first = text.splitlines()[0][:REASON_LENGTH] if text else ""
    return first if NAMING_ERROR_RE.search(first) else "%s, not shown: it may hold a value" % type(exc).__name__


def _problem(where: str, raw: str, exc: Exception) -> str:
    if "${{" in raw:
        return (
            "%s: a Railway reference must be written with the YAML tag !unsafe, or Ansible reads it as a template "
            '(%s); write it as %s: !unsafe "%s".' % (where, _reason(exc), where.rsplit(".", 1)[-1], raw[:120])
        )
    return "%s: its template failed (%s); fix the lookup or the variable it uses." % (where, _reason(exc))


def template_stack(template: Callable[[Any], Any], value: Any, problems: List[str], where: str = "stack") -> Any:
    """value with each string templated by template(); a failure appends a problem naming its place."""
    if isinstance(value, dict):
        return {key: template_stack(template, item, problems, "%s.%s" % (where, key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [
            template_stack(template, item, problems, "%s[%s]" % (where, _label(item, index)))
            for index, item in enumerate(value)
        ]
    if not isinstance(value, str):
        return value
    try:
        return template(value)
    except Exception as exc:  # pylint: disable=broad-except  # any template error is the user's, named here
        problems.append(_problem(where, value, exc))
        return None
