# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""dns_records: many record sets of one zone at once, written together (one batch where the provider has one)."""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils.dns import (
    BadInput,
    client_class,
    common_params,
    converge,
    desired_set,
    diff_view,
    dns_argument_spec,
    op_view,
    record_options,
    set_view,
)

ARGUMENT_SPEC = dict(
    dns_argument_spec(),
    records=dict(type="list", elements="dict", required=True, options=record_options()),
)


def _wanted(ctx, zone):
    params = ctx.params
    client = client_class(params)
    wanted, where = [], {}
    for index, item in enumerate(params["records"]):
        try:
            want = desired_set(item, zone, client, params["state"], "records[%d]." % index)
        except BadInput as exc:
            ctx.fail(str(exc))
        key = (want["name"], want["type"])
        if key in where:
            ctx.fail(
                "records[%d]: %s %s is listed already as records[%d]; give each name and type once."
                % (index, key[0], key[1], where[key])
            )
        if params["state"] == "present":
            for (name, rtype), other in where.items():
                if name == want["name"] and "CNAME" in (rtype, want["type"]):
                    ctx.fail(
                        "records[%d]: %s %s cannot stand beside records[%d] (%s %s): a CNAME must be alone at "
                        "its name." % (index, key[0], key[1], other, name, rtype)
                    )
        where[key] = index
        wanted.append(want)
    return wanted


def run(ctx):
    zone = common_params(ctx)
    wanted = _wanted(ctx, zone)
    if not wanted:
        return ctx.result(changed=False, records=[], changes=[], diff=({}, {}))
    client, before, after, ops = converge(ctx, wanted)
    keys = [(w["name"], w["type"]) for w in wanted] + [(o["name"], o["type"]) for o in ops]
    return ctx.result(
        changed=bool(ops),
        records=[set_view(after, w["name"], w["type"], client) for w in wanted],
        changes=[op_view(o) for o in ops],
        diff=(diff_view(before, keys, client), diff_view(after, keys, client)),
    )
