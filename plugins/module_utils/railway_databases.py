# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_databases: the databases of one environment in one read and one config write.

railway_database is the same code with one item: both run railway_database_plans.converge(). Every item
is checked (its image, its volume's size, the volumes per project of the plan) before the first write.
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, railway_argument_spec, railway_environment_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import STAGED_CHANGES, STAGED_CHANGES_OPTION, diff_hunk, read_state
from ansible_collections.railstack.platform.plugins.module_utils.railway_database_plans import (
    DATABASE_OPTIONS, converge, database_name, validate_database)

# stack_check's records of databases carry their migrations (postgres_migrations runs them) and staged_changes.
ITEM_OPTIONS = dict(DATABASE_OPTIONS, migrations=dict(type="dict"), staged_changes=dict(type="str", choices=list(STAGED_CHANGES)))
ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
    databases=dict(type="list", elements="dict", required=True, options=ITEM_OPTIONS),
    skip_deploys=dict(type="bool", default=False),
    staged_changes=STAGED_CHANGES_OPTION,
    commit=dict(type="bool", default=True),
)


def where_of(index: int) -> str:
    return "databases[%d]." % index


def validate_items(params: dict) -> None:
    """Each item's options, each database named once, one staged_changes for the one commit: before any request."""
    seen: dict[str, int] = {}
    for index, item in enumerate(params["databases"]):
        validate_database(item, where_of(index))
        name = database_name(item)
        if name in seen:
            raise TaskFailed("%sname: database %s is also databases[%d]; give each database its own name." % (
                where_of(index), name, seen[name]))
        seen[name] = index
        if item["staged_changes"] not in (None, params["staged_changes"]):
            raise TaskFailed("%sstaged_changes: %s, but the task's staged_changes is %s; the databases are written in one "
                             "commit: give staged_changes on the task." % (
                                 where_of(index), item["staged_changes"], params["staged_changes"]))


def run(ctx):
    params = ctx.params
    validate_items(params)
    if not params["databases"]:
        return ctx.result(changed=False, databases=[], staged_by_run=None, diff=[])
    client = ctx.register_client(RailwayClient(params))
    state = read_state(ctx, client, params["project"], params["environment"], params["workspace_id"])
    rows, staged_by_run = converge(ctx, client, state, params["databases"], where_of,
                                   "railstack.platform: %d database(s)" % len(params["databases"]))
    changed = any(row["result"]["changed"] for row in rows)
    return ctx.result(changed=changed, databases=[row["result"] for row in rows],
                      staged=any(row["result"]["staged"] for row in rows), staged_by_run=staged_by_run,
                      diff=[diff_hunk(state, "database %s" % row["result"]["service"]["name"], row["before"], row["after"])
                            for row in rows if row["before"] != row["after"]])
