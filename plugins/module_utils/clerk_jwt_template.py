# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""clerk_jwt_template: a JWT template, found by its name (the name applications pass to getToken()).

Clerk's PATCH needs name and claims every time, so an update sends the whole template. signing_key is
write-only: it is sent when created, and afterwards only when update_signing_key=always (then the task
reports changed, since nothing can tell whether Clerk already has that key).
"""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils._resource import SingleObject, Write, converge, deletion
from ansible_collections.railstack.platform.plugins.module_utils.clerk import WRITE_ONLY, ClerkClient, clerk_argument_spec

ARGUMENT_SPEC = dict(
    clerk_argument_spec(),
    name=dict(type="str", required=True),
    claims=dict(type="dict"),
    lifetime=dict(type="int"),
    allowed_clock_skew=dict(type="int"),
    custom_signing_key=dict(type="bool"),
    signing_algorithm=dict(type="str"),
    signing_key=dict(type="str", no_log=True),
    update_signing_key=dict(type="str", default="always", choices=["always", "on_create"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)
MODULE_KWARGS = dict(required_if=[("state", "present", ("claims",))])

# Claims Clerk puts in every session token itself; a template cannot set them.
RESERVED_CLAIMS = ("azp", "exp", "iat", "iss", "jti", "nbf", "sub")
COMPARED = ("claims", "lifetime", "allowed_clock_skew", "custom_signing_key", "signing_algorithm")
FIELDS = ("id", "name", "claims", "lifetime", "allowed_clock_skew", "custom_signing_key", "signing_algorithm",
          "created_at", "updated_at")


def _validate(ctx, params):
    if not params["name"].strip():
        ctx.fail("name: must not be empty.")
    if params["state"] == "absent":
        return
    reserved = sorted(set(params["claims"]) & set(RESERVED_CLAIMS))
    if reserved:
        ctx.fail("claims: %s %s set by Clerk in every token and cannot be in a template." % (
            ", ".join(reserved), "is" if len(reserved) == 1 else "are"))
    if params["lifetime"] is not None and not 30 <= params["lifetime"] <= 315360000:
        ctx.fail("lifetime: must be between 30 and 315360000 seconds (got %d)." % params["lifetime"])
    if params["allowed_clock_skew"] is not None and not 0 <= params["allowed_clock_skew"] <= 300:
        ctx.fail("allowed_clock_skew: must be between 0 and 300 seconds (got %d)." % params["allowed_clock_skew"])
    if params["custom_signing_key"] is False and (params["signing_key"] or params["signing_algorithm"]):
        ctx.fail("custom_signing_key: signing_key and signing_algorithm need custom_signing_key=true.")
    if params["custom_signing_key"] and not params["signing_algorithm"]:
        ctx.fail("signing_algorithm: required when custom_signing_key=true.")


def template_result(template):
    return {k: template.get(k) for k in FIELDS}


def _view(template):
    """What diff shows; signing_key only on the objects a write sends it with (the skeleton masks it)."""
    view = {k: template.get(k) for k in ("name",) + COMPARED}
    if template.get("signing_key") is not None:
        view["signing_key"] = template["signing_key"]
    return view


def _with_key(template, key):
    """template as the diff shows it after a write that sent key (Clerk never returns it)."""
    return dict(template, signing_key=key) if key else template


def _create(ctx, client, params, desired):
    key = params["signing_key"]
    if desired.get("custom_signing_key") and not key:
        ctx.fail("signing_key: required to create a template with custom_signing_key=true.")
    body = dict(name=params["name"], **desired)
    if key:
        body["signing_key"] = key
    return Write(dict(body, id=None), lambda: _with_key(client.write("POST", "/jwt_templates", body), key))


def _patch_body(params, desired, current, key):
    """PATCH wants name and claims every time: the whole template goes."""
    body = {k: current.get(k) for k in ("lifetime", "allowed_clock_skew", "custom_signing_key")}
    body.update(name=params["name"], claims=current.get("claims"))
    if current.get("custom_signing_key"):
        body["signing_algorithm"] = current.get("signing_algorithm")
    body.update(desired)
    if not body.get("custom_signing_key"):
        body.pop("signing_algorithm", None)
    if key:
        body["signing_key"] = key
    return body


def _update(ctx, client, params, desired, current):
    key = params["signing_key"]
    turning_on = desired.get("custom_signing_key") and not current.get("custom_signing_key")
    if turning_on and not key:
        ctx.fail("signing_key: required when custom_signing_key turns on for an existing template.")
    send_key = bool(key) and (turning_on or params["update_signing_key"] == "always")
    if not [k for k, v in desired.items() if current.get(k) != v] and not send_key:
        return None
    body = _patch_body(params, desired, current, key if send_key else None)
    path = "/jwt_templates/%s" % current["id"]
    sent_key = body.get("signing_key")
    return Write(dict(current, **body), lambda: _with_key(client.write("PATCH", path, body, safe=True), sent_key),
                 shown_before=dict(signing_key=WRITE_ONLY) if send_key else {})


def run(ctx):
    params = ctx.params
    params["name"] = params["name"].strip()
    _validate(ctx, params)
    client = ctx.register_client(ClerkClient(params))
    desired = {k: params[k] for k in COMPARED if params[k] is not None} if params["state"] == "present" else {}

    def find():
        return next((t for t in client.list("/jwt_templates") if t.get("name") == params["name"]), None)

    def find_again():
        """After a lost create: what Clerk made, with the key the create sent."""
        found = find()
        return _with_key(found, params["signing_key"]) if found else None

    return converge(ctx, SingleObject(
        find=find, find_again=find_again, view=_view, secret_keys=("signing_key",),
        result=lambda before, after: dict(jwt_template=template_result(after or before) if after or before else {}),
        create=lambda: _create(ctx, client, params, desired),
        update=lambda current: _update(ctx, client, params, desired, current),
        remove=lambda current: deletion(lambda: client.delete("/jwt_templates/%s" % current["id"]))))
