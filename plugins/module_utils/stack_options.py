# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stack_check's options: every key a stack file may hold, with its type and default (docs/stack-file.md).

The pieces handed to a module are that module's own ARGUMENT_SPEC less the keys the stack sets itself
(where and with what credentials), so the stack and the modules cannot disagree.
"""

from __future__ import annotations

import copy
from typing import Any

from ansible_collections.railstack.platform.plugins.module_utils import (
    clerk_domain,
    clerk_instance,
    railway_database,
    railway_notification,
    railway_service_plans,
    railway_volume,
    stripe_price,
    stripe_product,
    stripe_webhook_endpoint,
)

# An argument spec: option name -> {type, required, default, options, ...}, as AnsibleModule takes it.
Options = dict[str, Any]

ROLES = ["web", "static", "worker", "scheduler"]
PUBLIC_ROLES = ("web", "static")
DNS_PROVIDERS = ["cloudflare", "route53", "namecheap", "manual"]
CLERK_VALUES = ["publishable_key", "jwks_url", "backend_jwks_url", "frontend_api_url"]
ENGINES = ["postgres", "redis"]
MIGRATIONS_TABLE = "railstack_schema_migrations"
WEBHOOK_SECRET = "STRIPE_WEBHOOK_SECRET"
# Keys of a module's options that the stack never sets itself (where and with what credentials).
LOCATION_KEYS = (
    "project",
    "workspace_id",
    "environment",
    "service",
    "state",
    "skip_deploys",
    "api_token",
    "project_token",
    "api_url",
    "validate_certs",
    "timeout",
    "api_key",
    "api_base",
    "allow_live",
    "secret_key",
)


def _options_of(spec: Options, drop: tuple[str, ...] = LOCATION_KEYS, keep: tuple[str, ...] = ()) -> Options:
    """A module's ARGUMENT_SPEC as stack options: without location/credential keys and env fallbacks."""
    out: Options = {}
    for name, option in spec.items():
        if name in drop and name not in keep:
            continue
        option = dict(option)
        option.pop("fallback", None)
        if "options" in option:
            option["options"] = _options_of(
                option["options"], drop=("api_token", "project_token", "api_url", "validate_certs", "timeout")
            )
        out[name] = option
    return out


DNS_OPTIONS = dict(
    provider=dict(type="str", choices=DNS_PROVIDERS),
    zone=dict(type="str"),
)
DOMAIN_OPTIONS = dict(
    domain=dict(type="str", required=True),
    target_port=dict(type="int"),
    dns=dict(type="dict", options=DNS_OPTIONS),
    wait=dict(type="bool", default=True),
)
VOLUME_OPTIONS = _options_of(railway_volume.ARGUMENT_SPEC)
VOLUME_OPTIONS["mount_path"] = dict(type="str", required=True)
HEALTH_OPTIONS = dict(
    path=dict(type="str", required=True),
    status_code=dict(type="int", default=200),
    body=dict(type="str"),
    timeout=dict(type="int", default=60),
)
SERVICE_OPTIONS = dict(
    copy.deepcopy(railway_service_plans.SERVICE_OPTIONS),
    role=dict(type="str", choices=ROLES, default="web"),
    variables=dict(type="dict", default={}),
    variables_from=dict(type="raw"),  # a service name, or {service, exclude}: variables_from_parts()
    volume=dict(type="dict", options=VOLUME_OPTIONS),
    service_domain=dict(type="raw"),
    target_port=dict(type="int"),
    domains=dict(type="list", elements="dict", options=DOMAIN_OPTIONS, default=[]),
    health_check=dict(type="dict", options=HEALTH_OPTIONS),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=900),
    rollback_on_failure=dict(type="bool", default=True),
)
MIGRATIONS_OPTIONS = dict(
    path=dict(type="str", required=True),
    expect_tables=dict(type="list", elements="str", default=[]),
    table=dict(type="str", default=MIGRATIONS_TABLE),
)
DATABASE_OPTIONS = _options_of(railway_database.ARGUMENT_SPEC)
DATABASE_OPTIONS["engine"] = dict(type="str", required=True, choices=ENGINES)
DATABASE_OPTIONS["migrations"] = dict(type="dict", options=MIGRATIONS_OPTIONS)
PRODUCT_OPTIONS = _options_of(stripe_product.ARGUMENT_SPEC)
PRODUCT_OPTIONS["id"] = dict(type="str", required=True)
PRICE_OPTIONS = _options_of(stripe_price.ARGUMENT_SPEC)
for _required in ("product", "unit_amount"):
    PRICE_OPTIONS[_required] = dict(PRICE_OPTIONS[_required], required=True)
PRICE_OPTIONS["currency"] = dict(type="str", default="usd")
WEBHOOK_OPTIONS = dict(
    _options_of(
        stripe_webhook_endpoint.ARGUMENT_SPEC,
        drop=LOCATION_KEYS + ("url", "railway_secret_target", "adopt", "rotate_if_secret_missing", "key"),
    ),
    key=dict(type="str"),
    url=dict(type="str"),
    service=dict(type="str"),
    path=dict(type="str"),
    secret_service=dict(type="str"),
    secret_variable=dict(type="str", default=WEBHOOK_SECRET),
)
WEBHOOK_OPTIONS["enabled_events"] = dict(type="list", elements="str", required=True)
STRIPE_OPTIONS = dict(
    products=dict(type="list", elements="dict", options=PRODUCT_OPTIONS, default=[]),
    prices=dict(type="list", elements="dict", options=PRICE_OPTIONS, default=[]),
    webhooks=dict(type="list", elements="dict", options=WEBHOOK_OPTIONS, default=[]),
)
CLERK_DOMAIN_OPTIONS = dict(_options_of(clerk_domain.ARGUMENT_SPEC), dns=dict(type="dict", options=DNS_OPTIONS))
CLERK_OPTIONS = dict(
    instance=dict(type="dict", options=_options_of(clerk_instance.ARGUMENT_SPEC)),
    domain=dict(type="dict", options=CLERK_DOMAIN_OPTIONS),
)
NOTIFICATION_OPTIONS = _options_of(railway_notification.ARGUMENT_SPEC)
NOTIFICATION_OPTIONS["event_types"] = dict(type="list", elements="str", required=True)
ENVIRONMENT_OPTIONS = dict(
    name=dict(type="str", required=True),
    source_environment=dict(type="str"),
    ephemeral=dict(type="bool"),
    shared_variables=dict(type="dict", default={}),
    services=dict(type="dict", default={}),
    databases=dict(type="dict", default={}),
)
PROJECT_OPTIONS = dict(
    name=dict(type="str", required=True),
    description=dict(type="str"),
    workspace_id=dict(type="str"),
    pr_deploys=dict(type="bool"),
)
STACK_OPTIONS = dict(
    project=dict(type="dict", options=PROJECT_OPTIONS, required=True),
    environments=dict(type="list", elements="dict", options=ENVIRONMENT_OPTIONS, default=[{"name": "production"}]),
    dns=dict(type="dict", options=DNS_OPTIONS),
    shared_variables=dict(type="dict", default={}),
    databases=dict(type="list", elements="dict", options=DATABASE_OPTIONS, default=[]),
    services=dict(type="list", elements="dict", options=SERVICE_OPTIONS, default=[]),
    stripe=dict(type="dict", options=STRIPE_OPTIONS),
    clerk=dict(type="dict", options=CLERK_OPTIONS),
    notifications=dict(type="list", elements="dict", options=NOTIFICATION_OPTIONS, default=[]),
)
