# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""clerk_identifiers: the identifiers on an instance's allow-list and block-list.

Whether the lists are enforced is a restriction of the instance (clerk_instance restrictions.allowlist and
restrictions.blocklist). Clerk has no update for an identifier: it is added or removed.
"""

from __future__ import annotations

import re

from ansible_collections.railstack.platform.plugins.module_utils.clerk import (
    ClerkClient, clerk_argument_spec, sync_values)

ARGUMENT_SPEC = dict(
    clerk_argument_spec(),
    allowlist=dict(type="list", elements="str"),
    blocklist=dict(type="list", elements="str"),
    exclusive=dict(type="bool", default=True),
    notify=dict(type="bool", default=False),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)
MODULE_KWARGS = dict(required_one_of=[("allowlist", "blocklist")])

# An email address, an email domain (*@example.com or example.com), an E.164 phone number, a web3 wallet.
IDENTIFIER_RE = re.compile(
    r"^([^@\s]+@[^@\s]+\.[^@\s]+"
    r"|(\*@)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+"
    r"|\+[1-9][0-9]{6,14}"
    r"|0x[0-9a-f]{40})$", re.I)
LISTS = dict(allowlist="/allowlist_identifiers", blocklist="/blocklist_identifiers")
FIELDS = ("id", "identifier", "identifier_type", "invitation_id", "created_at", "updated_at")


def normalise(identifier):
    """Email addresses and domains compare without case (Clerk keeps them lower-case); wallets as given."""
    identifier = (identifier or "").strip()
    return identifier if identifier.startswith("0x") else identifier.lower()


def _validate(ctx, params):
    if params["notify"] and params["allowlist"] is None:
        ctx.fail("notify: invitations go to identifiers added to the allowlist; set allowlist too.")
    for name in LISTS:
        for index, identifier in enumerate(params[name] or []):
            if not IDENTIFIER_RE.match((identifier or "").strip()):
                ctx.fail("%s[%d]: %r is not an email address, an email domain (*@example.com), a phone number in "
                         "E.164 form (+14155550100) or a web3 wallet (0x...)." % (name, index, identifier))


def run(ctx):
    params = ctx.params
    _validate(ctx, params)
    client = ctx.register_client(ClerkClient(params))
    managed = [name for name in LISTS if params[name] is not None]
    current = {name: client.list(LISTS[name], paginated=(name == "allowlist")) for name in managed}
    changed, values, before, after = False, {}, {}, {}
    for name in managed:
        path = LISTS[name]

        def find(identifier, path=path, name=name):
            return next((r for r in client.list(path, paginated=(name == "allowlist"))
                         if normalise(r.get("identifier")) == identifier), None)

        def create(identifier, path=path, name=name, find=find):
            body = dict(identifier=identifier)
            if name == "allowlist":
                body["notify"] = params["notify"]
            return client.create(path, body, lambda: find(identifier))

        added, removed, now = sync_values(
            ctx, current[name], lambda r: normalise(r.get("identifier")), [normalise(i) for i in params[name]],
            params["exclusive"], params["state"], create=create,
            delete=lambda r, path=path: client.delete("%s/%s" % (path, r["id"])),
            preview=lambda identifier: dict(id=None, identifier=identifier))
        changed = changed or bool(added or removed)
        values[name] = [{k: r.get(k) for k in FIELDS if r.get(k) is not None or k in ("id", "identifier")} for r in now]
        values["%s_added" % name] = added
        values["%s_removed" % name] = [r.get("identifier") for r in removed]
        before[name] = sorted(normalise(r.get("identifier")) for r in current[name])
        after[name] = sorted(normalise(r.get("identifier")) for r in now)
    return ctx.result(changed=changed, diff=(before, after), **values)
