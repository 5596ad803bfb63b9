# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""railway_variables: a service's (or the environment's shared) variables, through the config engine.

The variable helpers it shares with the other railway_* resources (parsing the `variables` option,
what to write given what Railway has, reference checks) are in railway_variable_specs.
"""

from __future__ import annotations

import difflib

from ansible_collections.railstack.platform.plugins.module_utils._http import SECRET_MASK
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, is_id, railway_argument_spec, railway_environment_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import (
    STAGED_CHANGES_OPTION, Plan, commit, diff_hunk, mask_secrets, read_state)
from ansible_collections.railstack.platform.plugins.module_utils.railway_rollbacks import reapply_after_rollback
from ansible_collections.railstack.platform.plugins.module_utils.railway_variable_specs import (
    NAME_RE, check_references, desired_variables, parse_variables, reference_catalog, register_secret_values,
    variable_changes)


ARGUMENT_SPEC = dict(
    railway_argument_spec(),
    **railway_environment_spec(),
    service=dict(type="str"),
    # Not no_log as a whole: see SECRET_NAME_RE. Values are never returned, and masked in diffs.
    variables=dict(type="dict", no_log=False, default={}),
    names=dict(type="list", elements="str", default=[]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    exclusive=dict(type="bool", default=False),
    update_mode=dict(type="str", default="compare", choices=["compare", "on_create", "always"]),
    skip_deploys=dict(type="bool", default=False),
    staged_changes=STAGED_CHANGES_OPTION,
)


def _service_id(ctx, state, service):
    if service in state.services.values():
        return service
    if service in state.services:
        return state.services[service]
    if ctx.check_mode and not is_id(service):
        ctx.warn("service %r does not exist yet; in check mode its variables are reported as to be added." % service)
        return None
    if is_id(service):
        ctx.fail("service: project %s has no service with id %s." % (state.project["name"], service))
    close = difflib.get_close_matches(service, list(state.services), n=3, cutoff=0.6)
    ctx.fail("service: project %s has no service called %r%s (it has: %s)." % (
        state.project["name"], service, "; did you mean %s?" % " or ".join(close) if close else "",
        ", ".join(sorted(state.services)) or "none"))
    return None


def _check_params(ctx, params, specs):
    """Fail on options that contradict each other, before any read."""
    if params["state"] == "absent" and any(s.generate for s in specs):
        ctx.fail("variables: generate has no meaning with state=absent; list the names to remove.")
    for name in params["names"]:
        if not NAME_RE.match(name):
            ctx.fail("names: %r is not a variable name." % name)
    if params["state"] == "present" and params["names"]:
        ctx.fail("names: only with state=absent; give variables (NAME: value) to set them.")
    if params["state"] == "absent" and params["exclusive"]:
        ctx.fail("exclusive: only with state=present.")


def _scope(ctx, params, state):
    """(service id or None, the scope's name or None): the service the variables belong to, None for shared ones."""
    if not params["service"]:
        return None, None
    service_id = _service_id(ctx, state, params["service"])
    if state.exists and service_id and state.instance(service_id) is None:
        ctx.fail("service: %s has no instance in environment %s; create it there first (railway_service)." % (
            params["service"], state.environment["name"]))
    return service_id, state.service_names.get(service_id, params["service"])


def _current(state, service_id):
    """The scope's variables as Railway has them in this read."""
    if service_id:
        return (state.instance(service_id) or {}).get("variables") or {}
    return state.config.get("sharedVariables") or {}


def _planner(ctx, params, service_id, present, absent):
    """The config engine's planner: the scope's desired variables, from each (re)read of the environment."""
    cache = {}

    def planner(state):
        plan = Plan(state)
        desired = desired_variables(ctx, "variables", present, _current(state, service_id), params["exclusive"],
                                    params["update_mode"], absent, cache)
        if service_id:
            plan.service(service_id, dict(variables=desired))
        elif not params["service"]:
            plan.shared_variables(desired)
        # else check mode: the service itself is still to be created
        plan.desired = desired
        return plan

    return planner


def _check_references(plan, scope_name, present):
    """Every reference of the values written names a service and a variable that exist (or this run makes)."""
    catalog = reference_catalog(plan.state, plan.after())
    wanted = set(s.name for s in present)
    if scope_name:
        catalog["services"].setdefault(scope_name, set()).update(wanted)
    else:
        catalog["shared"].update(wanted)
    check_references("variables", {s.name: s.value for s in present if s.value is not None}, scope_name, catalog)


def _views(params, plan, service_id, present, current, updated):
    """(variables after the run, masked before view, masked after view) of the scope."""
    after = plan.after()
    if params["service"]:
        after_vars = ((after.get("services") or {}).get(service_id) or {}).get("variables") or {}
        if not service_id:      # check mode: the service is still to be created
            after_vars = {s.name: dict(value=s.value) for s in present}
    else:
        after_vars = after.get("sharedVariables") or {}
    before_view = mask_secrets("variables", current)
    after_view = mask_secrets("variables", after_vars)
    for name in updated:
        if name in after_view and after_view[name].get("value") == SECRET_MASK:
            after_view[name]["value"] = "%s (changed)" % SECRET_MASK
    return after_vars, before_view, after_view


def run(ctx):
    params = ctx.params
    specs = parse_variables("variables", params["variables"])
    register_secret_values(ctx, specs)
    _check_params(ctx, params, specs)
    client = ctx.register_client(RailwayClient(params))
    state = read_state(ctx, client, params["project"], params["environment"], params["workspace_id"])
    service_id, scope_name = _scope(ctx, params, state)
    absent = [s.name for s in specs] + list(params["names"]) if params["state"] == "absent" else []
    present = specs if params["state"] == "present" else []
    planner = _planner(ctx, params, service_id, present, absent)
    plan = planner(state)
    if present:
        _check_references(plan, scope_name, present)
    current = _current(state, service_id)
    added, updated, removed = variable_changes(current, plan.desired)
    if params["service"] and not service_id:            # check mode, nothing exists yet
        added = sorted(s.name for s in present)
    outcome = commit(ctx, client, state, planner, "railstack.platform railway_variables: %s" % (scope_name or "shared"),
                     params["skip_deploys"])
    redeployed = None
    if service_id and state.exists:
        redeployed = reapply_after_rollback(ctx, client, state, service_id, scope_name,
                                            bool(plan.changed) and not params["skip_deploys"], params["skip_deploys"])
    after_vars, before_view, after_view = _views(params, plan, service_id, present, current, updated)
    changed = bool(added or updated or removed)
    return ctx.result(
        changed=changed or bool(redeployed), redeployed_after_rollback=redeployed,
        service=dict(id=service_id, name=scope_name) if params["service"] else None,
        environment=dict(state.environment or {}, project_id=state.project["id"]),
        variables=sorted(after_vars),
        sealed=sorted(n for n, v in after_vars.items() if isinstance(v, dict) and v.get("isSealed")),
        added=added, updated=updated, removed=removed,
        staged=outcome["staged"] if changed else False,
        diff=diff_hunk(state, "service %s" % scope_name if params["service"] else "shared variables", before_view, after_view),
    )
