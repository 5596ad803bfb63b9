# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""Doc fragment sections derived from others, so that options are documented once.

The railway and railway_service doc fragments build sections with these functions from their literal
sections: the options as another option's suboptions, or as a plugin's options.
"""

from __future__ import annotations

import copy
import re

from ansible.module_utils.common.yaml import yaml_dump, yaml_load

FALLBACK_RE = re.compile(r"^If not set, the value of the E\((\w+)\) environment variable is used\.$")


def _options(section: str) -> dict:
    return yaml_load(section).get("options") or {}


def _section(options: dict) -> str:
    return yaml_dump(dict(options=options), sort_keys=False, width=1000)


def _with_prefix(value, names: list[str], at: str):
    """Each O(name...) of the options `names` in a description, as O(<at>name...)."""
    if isinstance(value, str):
        return re.sub(r"O\((%s)(?=[.=)])" % "|".join(map(re.escape, names)), lambda match: "O(" + at + match.group(1), value)
    if isinstance(value, list):
        return [_with_prefix(item, names, at) for item in value]
    if isinstance(value, dict):
        return {key: _with_prefix(item, names, at) for key, item in value.items()}
    return value


def suboptions(option: str, *sections: str, elements: bool = False) -> str:
    """A section documenting the suboptions of `option` (a dict, or with `elements` a list of dicts): the options
    of `sections`, in order, with their references to one another made relative to `option`."""
    merged: dict = {}
    for section in sections:
        merged.update(copy.deepcopy(_options(section)))
    at = option + ("[]." if elements else ".")
    merged = {name: _with_prefix(doc, list(merged), at) for name, doc in merged.items()}
    return _section({option: dict(suboptions=merged)})


def plugin_options(section: str) -> str:
    """A module's options as a plugin's: the environment variable a description names becomes the option's env."""
    options = copy.deepcopy(_options(section))
    for doc in options.values():
        lines = doc.get("description") or []
        variables = [match.group(1) for match in map(FALLBACK_RE.match, lines) if match]
        if variables:
            doc["description"] = [line for line in lines if not FALLBACK_RE.match(line)]
            doc["env"] = [dict(name=variable) for variable in variables]
    return _section(options)


def without(section: str, *names: str) -> str:
    """A section's options but `names`."""
    return _section({name: doc for name, doc in _options(section).items() if name not in names})
