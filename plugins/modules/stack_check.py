#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: stack_check
short_description: Check a whole stack file before anything is written, and plan each environment
version_added: 0.1.0
description:
  - Checks a stack file (the C(stack) dict that C(playbooks/site.yml) converges; its reference is
    C(docs/stack-file.md)) in one task that sends no request, so that a mistake fails the play before the first write.
  - Checks the shape of every key, naming the place at fault (C(stack.services[prela-api-gateway].deploy.num_replicas)).
    The parts a module takes (a database, a Stripe price, a webhook, Clerk's settings, a notification rule) are
    checked against that module's own options.
  - "Checks the cross-references, after each environment's overrides are merged in. Every C(${{Service.VARIABLE}})
    reference must name a service or database of the stack and a variable it has (the check the Railway modules
    make against Railway, here against the stack); C(variables_from), webhooks and Clerk's parts must name services
    of the stack; prices must name products of the stack; bindings (C({stripe_price: KEY}), C({clerk: VALUE}))
    must name what the stack makes. Each problem names the place and the close candidates."
  - "Checks every value the file alone decides: whole numbers (money, sizes, counts, ports) given as whole numbers,
    not as text or decimals (C(unit_amount: \"14.00\") is refused, never read as 14 cents), and in range (a volume's
    C(size_mb) at least 1, ports 1 to 65535, nothing negative); host names of custom domains, service domains and
    DNS zones (no empty label, no scheme or path, lower case); cron schedules (5 fields of numbers, each in its range,
    no more often than every 5 minutes, as Railway requires); Stripe event types (the list of the stripe package the
    sandbox is built from) and currencies; each variable's shape (an unknown key such as C(vaule) is an error); a
    variable that references itself or a cycle of references, and C(RAILWAY_PUBLIC_DOMAIN) of a service with no
    domain, which Railway would render empty."
  - No failure quotes a value that could be a secret (a wrong value is described by its kind, such as C(text)); only
    names the file gives (services, domains, event types, schedules) are quoted.
  - Applies the service roles. C(worker) and C(scheduler) get no health check and no domain; a C(worker) needs
    C(deploy.start_command) and restarts C(ON_FAILURE); a C(scheduler) runs exactly one replica
    (C(schedule:work), C(celery beat)) or is a Railway cron job (C(deploy.cron_schedule)).
  - Returns the plan of each environment (the items M(railstack.platform.railway_services) takes, the databases,
    each service's domains, volume and health check, the webhooks). The plan holds variable values, so the result
    is marked no_log; RV(summary) holds names only.
author:
  - railstack.platform developers (@railstack)
options:
  stack:
    description:
      - The stack file's C(stack) dict (C(docs/stack-file.md)).
      - Give either O(stack) or O(stack_variable).
    type: dict
  stack_variable:
    description:
      - The name of the variable that holds the stack, instead of O(stack) (C(playbooks/site.yml) gives C(stack)).
      - Each value of the stack is then templated on its own, so a template that fails is named by its place
        (C(stack.services[api].variables.DATABASE_URL)); a Railway reference written without the YAML tag C(!unsafe)
        gets a message that says to add it, instead of C('Postgres' is undefined).
    type: str
  environment:
    description:
      - Plan only this environment of the stack. Without it, every environment.
    type: str
  outputs:
    description:
      - Values a run has made by now, to resolve bindings with.
      - C(stripe_prices), a dict of price lookup keys to price ids; C(clerk), the result of M(railstack.platform.clerk_info)
        (C(publishable_key), C(jwks_url), and so on).
      - A binding without its value is left out of the plan and listed in C(pending).
    type: dict
    default: {}
  check_references:
    description:
      - Check that references name services, databases and variables of the stack. Roles that converge one service
        of a larger project turn it off; the Railway modules check the references against Railway then.
    type: bool
    default: true
  allow_live:
    description:
      - Whether the run may use a live-mode Stripe key. When V(false), a live key (C(sk_live_), C(rk_live_)) in
        O(stripe_api_key) while the stack has Stripe products, prices or webhooks, or in any variable of the stack,
        fails the check before any request (C(playbooks/site.yml) passes C(-e allow_live=true) here).
      - When not given, live keys are not checked (the roles, which converge one service).
    type: bool
  stripe_api_key:
    description:
      - The Stripe key the run uses, checked for O(allow_live). Never shown.
      - If not set, the environment variable E(STRIPE_API_KEY) is used.
    type: str
extends_documentation_fragment:
  - railstack.platform.attributes
attributes:
  check_mode:
    support: full
    details: Sends no request and changes nothing.
  diff_mode:
    support: none
notes:
  - Roles C(web_service), C(queue_worker) and C(scheduler) use it to apply the same role rules to one service.
seealso:
  - module: railstack.platform.railway_services
  - module: railstack.platform.railway_variables
"""

EXAMPLES = r"""
- name: Check the stack, then plan production
  railstack.platform.stack_check:
    stack: "{{ stack }}"
    environment: production
  register: plan

- name: Check the stack file given with -e @stack.yml, value by value, refusing a live Stripe key unless allowed
  railstack.platform.stack_check:
    stack_variable: stack
    allow_live: "{{ allow_live | default(false) | bool }}"

- name: What will be converged (names only)
  ansible.builtin.debug:
    var: plan.summary
"""

RETURN = r"""
project:
  description: The stack's project (C(name), C(description), C(workspace_id), C(pr_deploys)).
  returned: success
  type: dict
environments:
  description:
    - The plan of each environment checked, in the stack's order.
    - C(name), C(source_environment), C(ephemeral), C(shared_variables), C(databases) (the options of
      M(railstack.platform.railway_database) and C(migrations)), C(services) (one record per service, passed whole to
      M(railstack.platform.railway_services) - its settings and C(variables), and the steps after them, C(role),
      C(volume), C(service_domain), C(target_port), C(domains) with their C(dns), C(health_check), C(wait),
      C(wait_timeout), C(rollback_on_failure), C(public_address)), C(roles) (each record's C(name) and steps only, no
      variable), C(webhooks), C(clerk), C(notifications), C(pending) (bindings without a value yet), C(summary).
  returned: success
  type: list
  elements: dict
environment_list:
  description: The environments checked, C(name), C(source_environment) and C(ephemeral) only (no variable value), to loop over.
  returned: success
  type: list
  elements: dict
requirements:
  description:
    - Per environment checked, what needs the providers' state to be checked, for M(railstack.platform.stack_plan)
      (names, sizes and settings only, never a variable value).
    - C(environment); C(volumes) (C(where), C(service), C(name), C(size_mb)) of the databases and services;
      C(restarts) (C(where), C(service), C(type), C(max_retries)); C(domains) (C(where), C(service), C(domain),
      C(provider), C(zone)).
  returned: success
  type: list
  elements: dict
notifications:
  description: The stack's Railway notification rules, checked.
  returned: success
  type: list
  elements: dict
stripe:
  description: The stack's Stripe C(products) and C(prices), checked.
  returned: success
  type: dict
clerk:
  description: The stack's Clerk C(instance) settings and C(domain), checked.
  returned: success
  type: dict
providers:
  description: The providers a converge talks to, V(railway) first, then V(stripe), V(clerk) and DNS providers the stack uses.
  returned: success
  type: list
  elements: str
uses_clerk:
  description: Whether the stack needs Clerk (Clerk settings, or a binding to a Clerk value).
  returned: success
  type: bool
summary:
  description: Names only, never values. Per environment, its databases, and per service its role and where each variable comes from.
  returned: success
  type: dict
problems:
  description: Every problem found, when the check fails.
  returned: failure
  type: list
  elements: str
"""

from ansible_collections.railstack.platform.plugins.module_utils import stack_check as resource
from ansible_collections.railstack.platform.plugins.module_utils._task import run_as_module


def main():
    run_as_module(resource)


if __name__ == "__main__":
    main()
