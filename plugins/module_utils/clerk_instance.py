# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""clerk_instance: the settings of the Clerk instance a secret key belongs to (a singleton: adopted, never deleted).

What Clerk lets us read back is compared and written only when it differs: allowed_origins (GET /instance),
the restrictions (no GET: an empty PATCH answers the current state and changes nothing) and the organization
settings (GET, which names roles by key where PATCH wants ids). The other settings of PATCH /instance are
write-only: they are sent when given and then always reported as changed, since nothing can tell whether
they already had that value.
"""

from __future__ import annotations

import re

from ansible_collections.railstack.platform.plugins.module_utils._task import changed_fields
from ansible_collections.railstack.platform.plugins.module_utils.clerk import (
    ORIGIN_RE, WRITE_ONLY, ClerkClient, clerk_argument_spec, instance_result)

RESTRICTIONS = ("allowlist", "blocklist", "allowlist_blocklist_disabled_on_sign_in", "block_email_subaddresses",
                "block_disposable_email_domains")
ENROLLMENT_MODES = ["manual_invitation", "automatic_invitation", "automatic_suggestion"]
# Organization settings written as they are read; the two role settings are read as keys and written as ids.
ORG_PLAIN = ("enabled", "max_allowed_memberships", "admin_delete_enabled", "domains_enabled", "slug_disabled",
             "domains_enrollment_modes")
ORG_ROLES = dict(creator_role="creator_role_id", domains_default_role="domains_default_role_id")
# PATCH /instance fields that GET /instance never returns.
WRITE_ONLY_SETTINGS = ("test_mode", "hibp", "support_email", "clerk_js_version", "development_origin",
                       "url_based_session_syncing", "preferred_sign_in_strategy_when_password_required")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

ARGUMENT_SPEC = dict(
    clerk_argument_spec(),
    allowed_origins=dict(type="list", elements="str"),
    test_mode=dict(type="bool"),
    hibp=dict(type="bool"),
    support_email=dict(type="str"),
    clerk_js_version=dict(type="str"),
    development_origin=dict(type="str"),
    url_based_session_syncing=dict(type="bool"),
    preferred_sign_in_strategy_when_password_required=dict(type="str", choices=["password", "otp", ""]),
    restrictions=dict(type="dict", options={name: dict(type="bool") for name in RESTRICTIONS}),
    organization_settings=dict(type="dict", options=dict(
        enabled=dict(type="bool"),
        max_allowed_memberships=dict(type="int"),
        admin_delete_enabled=dict(type="bool"),
        domains_enabled=dict(type="bool"),
        slug_disabled=dict(type="bool"),
        domains_enrollment_modes=dict(type="list", elements="str", choices=ENROLLMENT_MODES),
        creator_role=dict(type="str"),
        domains_default_role=dict(type="str"),
    )),
)


def _validate(ctx, params):
    """Everything that can be wrong with the input, before any request."""
    for index, origin in enumerate(params["allowed_origins"] or []):
        if not ORIGIN_RE.match(origin or ""):
            ctx.fail("allowed_origins[%d]: %r is not an origin; give scheme://host[:port] with no path "
                     "(e.g. https://app.example.com, chrome-extension://abcdef, capacitor://localhost)." % (index, origin))
    if params["support_email"] and not EMAIL_RE.match(params["support_email"]):
        ctx.fail("support_email: %r is not an email address." % params["support_email"])
    if params["development_origin"] and not ORIGIN_RE.match(params["development_origin"]):
        ctx.fail("development_origin: %r is not an origin (scheme://host[:port])." % params["development_origin"])
    org = params["organization_settings"] or {}
    if org.get("max_allowed_memberships") is not None and org["max_allowed_memberships"] < 0:
        ctx.fail("organization_settings.max_allowed_memberships: must be 0 (no limit) or more.")
    for option in ORG_ROLES:
        if org.get(option) is not None and not org[option].startswith("org:"):
            ctx.fail("organization_settings.%s: give the role's key, such as org:admin (got %r)." % (option, org[option]))


def _same_origins(current, desired):
    return set(current or []) == set(desired)


def _org_view(settings):
    view = {k: settings.get(k) for k in ORG_PLAIN + tuple(ORG_ROLES)}
    view["domains_enrollment_modes"] = sorted(view["domains_enrollment_modes"] or [])
    return view


def _role_id(ctx, client, option, key):
    roles = client.get("/organization_roles", [("query", key), ("limit", 100)])
    roles = roles.get("data", []) if isinstance(roles, dict) else roles or []
    for role in roles:
        if role.get("key") == key:
            return role["id"]
    ctx.fail("organization_settings.%s: this instance has no organization role with key %r." % (option, key))
    return None


def _plan_organization(ctx, client, desired):
    """(current view, PATCH body, view after) of the organization settings; the body is empty when nothing differs."""
    current = client.get("/instance/organization_settings")
    before = _org_view(current)
    wanted = {k: v for k, v in desired.items() if v is not None}
    if "domains_enrollment_modes" in wanted:
        wanted["domains_enrollment_modes"] = sorted(set(wanted["domains_enrollment_modes"]))
    body = {}
    for option in changed_fields(before, wanted):
        if option in ORG_ROLES:
            body[ORG_ROLES[option]] = _role_id(ctx, client, option, wanted[option])
        else:
            body[option] = wanted[option]
    return current, body, dict(before, **wanted)


def _plan_instance(params, instance):
    """The PATCH /instance body (write-only settings, and allowed_origins when they differ), and the origins asked."""
    instance_patch = {k: params[k] for k in WRITE_ONLY_SETTINGS if params[k] is not None}
    origins = None
    if params["allowed_origins"] is not None:
        origins = list(dict.fromkeys(params["allowed_origins"]))
        if not _same_origins(instance.get("allowed_origins"), origins):
            instance_patch["allowed_origins"] = origins
    return instance_patch, origins


def _plan_restrictions(ctx, client, params):
    """(the restrictions as Clerk has them, the PATCH body for what differs); (None, None) when none are asked."""
    restrictions_wanted = {k: v for k, v in (params["restrictions"] or {}).items() if v is not None}
    if not restrictions_wanted:
        return None, None
    if ctx.check_mode:
        # Clerk can only show the restrictions in answer to a PATCH, and check mode writes nothing:
        # what is asked is reported as to be applied, not claimed to be in place.
        ctx.warn("restrictions: Clerk has no read for the restrictions (only an empty PATCH shows them), so check mode "
                 "sends nothing and reports them as to be applied.")
        return {k: WRITE_ONLY for k in RESTRICTIONS}, dict(restrictions_wanted)
    restrictions = client.read_by_patch("/instance/restrictions")
    return restrictions, {k: restrictions_wanted[k] for k in changed_fields(restrictions, restrictions_wanted)}


def _diff(instance, plan):
    """(before, after) of what the task manages, and the restrictions as they will be."""
    instance_patch, origins, restrictions, restrictions_patch, org_current, org_after = plan
    before, after = {}, {}
    if origins is not None:
        before["allowed_origins"] = list(instance.get("allowed_origins") or [])
        after["allowed_origins"] = origins
    for name in WRITE_ONLY_SETTINGS:
        if name in instance_patch:
            before[name], after[name] = WRITE_ONLY, instance_patch[name]
    if restrictions is not None:
        before["restrictions"] = {k: restrictions.get(k) for k in RESTRICTIONS}
        after["restrictions"] = dict(before["restrictions"], **restrictions_patch)
    if org_current is not None:
        before["organization_settings"] = _org_view(org_current)
        after["organization_settings"] = org_after
    return before, after


def _apply(client, instance, instance_patch, restrictions_patch, org_patch, values):
    """Send the planned PATCHes; values gets what Clerk answers. Returns the instance after."""
    instance_after = instance
    if instance_patch:
        client.write("PATCH", "/instance", instance_patch, safe=True)
        if "allowed_origins" in instance_patch:
            instance_after = client.get("/instance")
    if restrictions_patch:
        values["restrictions"] = {k: v for k, v in client.write(
            "PATCH", "/instance/restrictions", restrictions_patch, safe=True).items() if k in RESTRICTIONS}
    if org_patch:
        values["organization_settings"] = _org_view(
            client.write("PATCH", "/instance/organization_settings", org_patch, safe=True))
    return instance_after


def run(ctx):
    """Settings only, so not the single-object skeleton (_resource): nothing to find, create or delete."""
    params = ctx.params
    _validate(ctx, params)
    client = ctx.register_client(ClerkClient(params))

    # Read everything this task manages, plan every write, then write.
    instance = client.get("/instance")
    instance_patch, origins = _plan_instance(params, instance)
    restrictions, restrictions_patch = _plan_restrictions(ctx, client, params)
    org_wanted = params["organization_settings"]
    org_current = org_patch = org_after = None
    if org_wanted and any(v is not None for v in org_wanted.values()):
        org_current, org_patch, org_after = _plan_organization(ctx, client, org_wanted)

    before, after = _diff(instance, (instance_patch, origins, restrictions, restrictions_patch, org_current, org_after))
    values = {}
    if restrictions is not None:
        values["restrictions"] = after["restrictions"]
    if org_current is not None:
        values["organization_settings"] = org_after
    if ctx.check_mode:
        instance_after = dict(instance, allowed_origins=origins) if "allowed_origins" in instance_patch else instance
    else:
        instance_after = _apply(client, instance, instance_patch, restrictions_patch, org_patch, values)
    return ctx.result(changed=bool(instance_patch or restrictions_patch or org_patch), diff=(before, after),
                      instance=instance_result(instance_after),
                      write_only_applied=sorted(k for k in instance_patch if k in WRITE_ONLY_SETTINGS), **values)
