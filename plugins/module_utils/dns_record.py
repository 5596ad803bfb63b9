# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""dns_record: one record set (name + type) at Cloudflare, Route53 or Namecheap."""

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

ARGUMENT_SPEC = dict(dns_argument_spec(), **record_options())
MODULE_KWARGS = dict(required_if=[("state", "present", ("values",))])


def run(ctx):
    params = ctx.params
    zone = common_params(ctx)
    try:
        want = desired_set(params, zone, client_class(params), params["state"], "")
    except BadInput as exc:
        ctx.fail(str(exc))
    client, before, after, ops = converge(ctx, [want])
    keys = [(want["name"], want["type"])] + [(o["name"], o["type"]) for o in ops]
    return ctx.result(
        changed=bool(ops),
        record=set_view(after, want["name"], want["type"], client),
        changes=[op_view(o) for o in ops],
        diff=(diff_view(before, keys, client), diff_view(after, keys, client)),
    )
