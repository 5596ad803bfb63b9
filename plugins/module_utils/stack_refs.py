# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stack_check's rules for what Railway references mean, once every name exists
(railway_variables.reference_problems checks that first):

- a variable that references itself (`DATABASE_URL: ${{DATABASE_URL}}`), or a cycle of references,
  which Railway renders empty;
- `RAILWAY_PUBLIC_DOMAIN` (or the older `RAILWAY_STATIC_URL`) of a service with no public domain,
  which Railway renders empty (`https://` + nothing).
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from ansible_collections.railstack.platform.plugins.module_utils.railway_variable_specs import reference_targets

SHARED = "shared"
DOMAIN_VARIABLES = ("RAILWAY_PUBLIC_DOMAIN", "RAILWAY_STATIC_URL")
Node = Tuple[str, str]  # (owner: a service name, or "shared"; variable name)


def _place(node: Node, places: Dict[Node, str]) -> str:
    return places.get(node, "%s.%s" % node)


def _cycle_from(start: Node, graph: Dict[Node, List[Node]]) -> Optional[List[Node]]:
    """A cycle of references through start, as the path start -> ... -> start, or None."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        node, path = stack.pop()
        for target in graph.get(node, ()):
            if target == start:
                return path + [start]
            if target not in seen and target in graph:
                seen.add(target)
                stack.append((target, path + [target]))
    return None


def cycle_problems(values: Dict[Node, str], places: Dict[Node, str]) -> List[str]:
    """values: {(owner, NAME): text}; places: {(owner, NAME): where it is written}. One problem per cycle."""
    graph = {node: reference_targets(node[0], text) for node, text in values.items()}
    problems, reported = [], set()
    for node in sorted(graph):
        if node in reported:
            continue
        cycle = _cycle_from(node, graph)
        if cycle is None:
            continue
        reported.update(cycle)
        if len(cycle) == 2:
            problems.append(
                "%s: it references itself (${{%s}}), which Railway renders empty; give it a value, or "
                "reference another service's variable (${{Postgres.%s}})." % (_place(node, places), node[1], node[1])
            )
        else:
            problems.append(
                "%s: a cycle of references (%s), which Railway renders empty; break it with a value."
                % (_place(node, places), " -> ".join("%s.%s" % n for n in cycle))
            )
    return problems


def domain_problems(values: Dict[Node, str], places: Dict[Node, str], public: Dict[str, bool]) -> List[str]:
    """References to RAILWAY_PUBLIC_DOMAIN of a service (or database) with no public domain.

    public: {service or database name: whether it has a domain (service_domain or domains)}.
    """
    problems = []
    for node, text in sorted(values.items()):
        for owner, name in reference_targets(node[0], text):
            if name not in DOMAIN_VARIABLES or owner == SHARED or owner not in public or public[owner]:
                continue
            problems.append(
                "%s: references %s of %s, which has no public domain, so Railway renders it empty; give %s "
                "service_domain: true or a domain, or remove the reference."
                % (_place(node, places), name, owner, owner)
            )
    return problems
