# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stripe_webhook_endpoint: a Stripe webhook endpoint, found by the metadata marker we own (then by URL), whose
whsec_ signing secret goes straight into a Railway variable, or is returned (no_log) on the run that creates it.

Stripe shows the secret only in the answer to the create call. api_version and connect are fixed at
creation, so changing them on an endpoint the module made deletes and recreates it, which rotates the secret.
`connect` is read from Stripe's `application` (the Connect platform's `ca_...` id, null for the account's own
endpoints). An endpoint being adopted is never replaced: what cannot change in place fails, naming the field.
A new endpoint is created with the pinned Stripe version unless api_version says otherwise.
"""

from __future__ import annotations

import re

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed, masked
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, railway_argument_spec
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import Plan, commit, read_state
from ansible_collections.railstack.platform.plugins.module_utils.stripe import (
    MARKER, API_VERSION_RE, STRIPE_VERSION, check_metadata, create_metadata, find_by_marker, merged_metadata,
    metadata_changes, stripe_argument_spec, stripe_task)

EVENT_RE = re.compile(r"^(\*|[a-z0-9_]+(\.[a-z0-9_]+)+)$")
PATH = "/webhook_endpoints"
MAX_ENDPOINTS = 16

ARGUMENT_SPEC = dict(
    stripe_argument_spec(),
    url=dict(type="str", required=True),
    key=dict(type="str", default="default", no_log=False),
    enabled_events=dict(type="list", elements="str"),
    description=dict(type="str"),
    api_version=dict(type="str"),
    connect=dict(type="bool", default=False),
    disabled=dict(type="bool"),
    metadata=dict(type="dict"),
    adopt=dict(type="bool", default=False),
    railway_secret_target=dict(type="dict", no_log=False, options=dict(
        railway_argument_spec(),
        project=dict(type="str", required=True),
        environment=dict(type="str", required=True),
        service=dict(type="str"),
        name=dict(type="str", default="STRIPE_WEBHOOK_SECRET"),
    )),
    rotate_if_secret_missing=dict(type="bool", default=True, no_log=False),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


# ------------------------------------------------------------------------------ Railway
class RailwaySecretTarget:
    """The Railway variable a new signing secret is written to, so it never passes through the play.

    Read and written through the environment-config engine (railway_config), as railway_variables does:
    one read of the environment, one patch to set the variable.
    """

    OPTION = "railway_secret_target"

    def __init__(self, ctx, target):
        self.ctx = ctx
        self.name = target["name"]
        self.client = ctx.register_client(RailwayClient(target))
        try:
            self.state = read_state(ctx, self.client, target["project"], target["environment"])
        except TaskFailed as exc:
            raise TaskFailed("%s.%s" % (self.OPTION, exc.msg))
        self.service_id = None
        if target["service"] and self.state.exists:
            names = self.state.service_names
            self.service_id = self.state.services.get(target["service"]) or (target["service"] if target["service"] in names else None)
            if self.service_id is None:
                raise TaskFailed("%s.service: project %r has no service %r (it has: %s)." % (
                    self.OPTION, self.state.project["name"], target["service"], ", ".join(sorted(self.state.services)) or "none"))

    def _variables(self, state):
        if self.service_id:
            return (state.instance(self.service_id) or {}).get("variables") or {}
        return state.config.get("sharedVariables") or {}

    def exists(self):
        """Whether the variable is set (a reference counts as set)."""
        return self.state.exists and bool(self._variables(self.state).get(self.name))

    def write(self, value):
        self.client.redactor.add(value)

        def planner(state):
            plan = Plan(state)
            wanted = {self.name: dict(value=value)}
            if self.service_id:
                plan.service(self.service_id, dict(variables=wanted))
            else:
                plan.shared_variables(wanted)
            return plan

        commit(self.ctx, self.client, self.state, planner, "railstack.platform: Stripe webhook signing secret %s" % self.name)

    def result(self, written):
        state = self.state
        return dict(project_id=state.project.get("id"), environment_id=(state.environment or {}).get("id"),
                    service_id=self.service_id, name=self.name, written=written)


# ------------------------------------------------------------------------------ Stripe
def _check(params):
    """Refuse bad input before any request, naming the option."""
    if not re.match(r"^https?://[^/\s]+", params["url"]):
        raise TaskFailed("url: %r must be an http:// or https:// URL." % params["url"])
    for event in params["enabled_events"] or []:
        if not EVENT_RE.match(event):
            raise TaskFailed("enabled_events: %r is not a Stripe event type (such as invoice.paid) or '*'." % event)
    if params["state"] == "present" and not params["enabled_events"]:
        raise TaskFailed("enabled_events: give at least one event type (or '*').")
    if params["api_version"] and not API_VERSION_RE.match(params["api_version"]):
        raise TaskFailed("api_version: %r is not a Stripe API version such as 2026-10-28.endive." % params["api_version"])
    if not params["key"]:
        raise TaskFailed("key: must not be empty.")
    check_metadata(params["metadata"])


def _connect(endpoint):
    """Whether the endpoint gets connected accounts' events: Stripe lists the platform's application on it."""
    return bool(endpoint.get("application"))


def _find(params, endpoints):
    ours = find_by_marker(endpoints, params["key"])
    if len(ours) > 1:
        same_url = [e for e in ours if e["url"] == params["url"]]
        if len(same_url) != 1:
            raise TaskFailed("key: %d Stripe webhook endpoints carry %s=%s (%s); delete the extra ones." % (
                len(ours), MARKER, params["key"], ", ".join(e["id"] for e in ours)))
        ours = same_url
    if ours:
        return ours[0]
    foreign = [e for e in endpoints if e["url"] == params["url"] and MARKER not in (e.get("metadata") or {})]
    if not foreign or params["state"] == "absent" and not params["adopt"]:
        return None
    if not params["adopt"]:
        raise TaskFailed("url: Stripe already sends events to %s through endpoint %s, which railstack.platform does "
                         "not manage. Set adopt: true to manage it (its signing secret stays unknown to the module), or "
                         "delete it." % (params["url"], ", ".join(e["id"] for e in foreign)))
    if len(foreign) > 1:
        raise TaskFailed("url: %d endpoints not managed by railstack.platform use %s (%s); adopt needs exactly one."
                         % (len(foreign), params["url"], ", ".join(e["id"] for e in foreign)))
    return foreign[0]


def _desired_metadata(params):
    metadata = dict(params["metadata"] or {})
    metadata[MARKER] = params["key"]
    return metadata


def _view(endpoint):
    """What diff shows: the settings this module manages."""
    if not endpoint:
        return {}
    return dict(url=endpoint.get("url"), enabled_events=sorted(endpoint.get("enabled_events") or []),
                description=endpoint.get("description"), api_version=endpoint.get("api_version"),
                connect=_connect(endpoint), disabled=endpoint.get("status") == "disabled",
                metadata=dict(endpoint.get("metadata") or {}))


def _shown(endpoint):
    """The endpoint as returned by the module: Stripe's object, never with its secret."""
    if not endpoint:
        return {}
    shown = dict(endpoint)
    if "secret" in shown:
        shown["secret"] = masked(shown["secret"])
    return shown


def _updates(params, current):
    """The update call's parameters for what differs, or {}."""
    update = {}
    if current["url"] != params["url"]:
        update["url"] = params["url"]
    if sorted(current.get("enabled_events") or []) != sorted(params["enabled_events"]):
        update["enabled_events"] = params["enabled_events"]
    if params["description"] is not None and (current.get("description") or "") != params["description"]:
        update["description"] = params["description"]
    if params["disabled"] is not None and (current.get("status") == "disabled") != params["disabled"]:
        update["disabled"] = params["disabled"]
    metadata = metadata_changes(current.get("metadata"), _desired_metadata(params))
    if metadata:
        update["metadata"] = metadata
    return update


def _replace_reasons(params, current, target_present):
    """[(option at fault, why the endpoint must be replaced)]."""
    reasons = []
    if params["api_version"] and current.get("api_version") != params["api_version"]:
        reasons.append(("api_version", "api_version cannot change in place"))
    if _connect(current) != params["connect"]:
        reasons.append(("connect", "connect cannot change in place"))
    if target_present is False and params["rotate_if_secret_missing"]:
        reasons.append(("railway_secret_target", "the Railway variable for its signing secret is missing"))
    return reasons


def _refuse_replacing_adopted(params, current, reasons):
    """An endpoint not yet managed here is adopted as it is, never replaced: a replacement has a new signing secret,
    and whatever checks the old one would refuse every event (stripe/terraform-provider-stripe#46)."""
    option = reasons[0][0]
    how = ("To replace it on purpose (a new signing secret), delete it first (state: absent with adopt: true) and run "
           "again.")
    if option == "api_version":
        why = ("endpoint %s renders events as API version %s, which Stripe cannot change in place, and adopt never "
               "replaces an endpoint. Leave api_version out to adopt it as it is."
               % (current["id"], current.get("api_version") or "(the account's default)"))
    elif option == "connect":
        why = ("endpoint %s %s, which Stripe cannot change in place, and adopt never replaces an endpoint. Set connect: "
               "%s to adopt it as it is." % (
                   current["id"], "gets connected accounts' events (application %s)" % current["application"]
                   if _connect(current) else "gets this account's own events", str(_connect(current)).lower()))
    else:
        why = ("the variable %s is missing, and the signing secret of endpoint %s, which adopt takes over, is known only "
               "to Stripe's Dashboard; adopt never replaces an endpoint. Set the variable to that secret, or set "
               "rotate_if_secret_missing: false." % (params["railway_secret_target"]["name"], current["id"]))
    raise TaskFailed("%s: %s %s" % (option, why, how))


def _replacement(params, current, target_present):
    """Why the endpoint must be replaced ([] when it need not); an endpoint being adopted is refused instead."""
    reasons = _replace_reasons(params, current, target_present)
    if reasons and MARKER not in (current.get("metadata") or {}):
        _refuse_replacing_adopted(params, current, reasons)
    return [reason[1] for reason in reasons]


def _create_params(params):
    create = dict(url=params["url"], enabled_events=params["enabled_events"], description=params["description"] or None,
                  api_version=params["api_version"] or STRIPE_VERSION,
                  metadata=create_metadata(_desired_metadata(params)))
    if params["connect"]:
        create["connect"] = True
    return create


def _remove(ctx, client, current):
    if current is None:
        return ctx.result(changed=False, webhook_endpoint={}, id=None, diff=({}, {}))
    if not ctx.check_mode:
        client.delete("%s/%s" % (PATH, current["id"]))
    return ctx.result(changed=True, webhook_endpoint=_shown(current), id=current["id"], diff=(_view(current), {}))


def _update_in_place(ctx, client, params, current, extras):
    update = _updates(params, current)
    if not update:
        return ctx.result(changed=False, webhook_endpoint=_shown(current), id=current["id"],
                          diff=(_view(current), _view(current)), **extras(False, False))
    after = dict(current, **{k: v for k, v in update.items() if k not in ("metadata", "disabled")})
    after["metadata"] = merged_metadata(current.get("metadata"), _desired_metadata(params))
    if "disabled" in update:
        after["status"] = "disabled" if update["disabled"] else "enabled"
    if not ctx.check_mode:
        after = client.post("%s/%s" % (PATH, current["id"]), update)
    return ctx.result(changed=True, webhook_endpoint=_shown(after), id=after["id"],
                      diff=(_view(current), _view(after)), **extras(False, False))


def _planned(client, params, reasons):
    """The endpoint to create as Stripe would show it, and its diff view (saying why it is recreated)."""
    create = _create_params(params)
    planned = dict(create, id=None, object="webhook_endpoint", status="enabled", livemode=client.livemode,
                   description=params["description"] or None, metadata=create["metadata"],
                   application="(this platform's Connect application)" if params["connect"] else None)
    planned.pop("connect", None)
    planned_view = _view(planned)
    if reasons:
        planned_view["recreated"] = ("deleted and created again, with a new signing secret: %s"
                                     % "; ".join(reasons))
    return create, planned, planned_view


def _write_secret(ctx, client, target, created, delete_first):
    """Put the new signing secret into the Railway variable; if that fails, delete the new endpoint again."""
    try:
        target.write(created.get("secret"))
    except ApiError as exc:
        # Nobody can check events with a secret that is nowhere: take the new endpoint back, so the next run
        # starts from the state before this one (and a replaced endpoint is not left twice).
        client.delete("%s/%s" % (PATH, created["id"]))
        raise TaskFailed("railway_secret_target: the signing secret of the new webhook endpoint could not be "
                         "written to Railway (%s), so the endpoint was deleted again%s; run the task again."
                         % (ctx.scrub(exc.message), " (the old one was already gone)" if delete_first else ""),
                         changed=delete_first) from None


def _create_or_replace(ctx, client, current, endpoints, reasons, target, extras):
    """Create, or replace (create the new endpoint first, so events keep flowing, then delete the old one)."""
    create, planned, planned_view = _planned(client, ctx.params, reasons)
    if current is None and len(endpoints) >= MAX_ENDPOINTS:
        raise TaskFailed("url: this Stripe account already has %d webhook endpoints, Stripe's limit." % len(endpoints))
    if ctx.check_mode:
        if reasons:
            ctx.warn("webhook endpoint %s would be recreated (%s); its signing secret changes."
                     % (current["id"], "; ".join(reasons)))
        return ctx.result(changed=True, webhook_endpoint=planned, id=None, diff=(_view(current), planned_view),
                          **extras(bool(reasons), True))
    # At Stripe's limit, the old endpoint must go before its replacement can be created.
    delete_first = bool(reasons) and len(endpoints) >= MAX_ENDPOINTS
    if delete_first:
        client.delete("%s/%s" % (PATH, current["id"]))
    created = client.post(PATH, create)
    secret = created.get("secret")
    client.redactor.add(secret)
    ctx.redactor.add(secret)
    if target:
        _write_secret(ctx, client, target, created, delete_first)
    if reasons:
        if not delete_first:
            client.delete("%s/%s" % (PATH, current["id"]))
        ctx.warn("webhook endpoint %s was recreated as %s (%s); its signing secret changed."
                 % (current["id"], created["id"], "; ".join(reasons)))
    values = dict(changed=True, webhook_endpoint=_shown(created), id=created["id"],
                  diff=(_view(current), dict(_view(created), **({"recreated": planned_view["recreated"]} if reasons else {}))),
                  **extras(bool(reasons), bool(target)))
    if target:
        return ctx.result(**values)
    return ctx.result(revealed=dict(secret=secret), **values)


@stripe_task
def run(ctx, client):
    """Not the single-object skeleton (_resource): a create also writes a Railway variable, reveals the signing
    secret once, and may have to delete before it creates; the phases are split along those lines instead."""
    params = ctx.params
    _check(params)
    endpoints = client.list_all(PATH)
    current = _find(params, endpoints)
    if params["state"] == "absent":
        return _remove(ctx, client, current)

    target = RailwaySecretTarget(ctx, params["railway_secret_target"]) if params["railway_secret_target"] else None
    target_present = target.exists() if (target and current is not None) else None

    def extras(replaced, written):
        return dict(replaced=replaced, **(dict(railway_variable=target.result(written)) if target else {}))

    reasons = _replacement(params, current, target_present) if current is not None else []
    if current is not None and not reasons:
        return _update_in_place(ctx, client, params, current, extras)
    return _create_or_replace(ctx, client, current, endpoints, reasons, target, extras)
