# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.plugin_utils.doc_sections import plugin_options, suboptions, without


class ModuleDocFragment:
    # Railway credentials and endpoint. Keep in sync with railway_argument_spec() in plugins/module_utils/railway.py.
    DOCUMENTATION = r"""
options:
  api_token:
    description:
      - 'Railway account, workspace or OAuth token, sent as an C(Authorization) Bearer header.'
      - A workspace token needs no O(ignore:workspace_id) where a module has it; its workspace is the token's own.
      - If not set, the value of the E(RAILWAY_API_TOKEN) environment variable is used.
      - One of O(api_token) and O(project_token) is required. When both are set, O(project_token) is used.
    type: str
  project_token:
    description:
      - Railway project token, bound to one environment of one project, sent as C(Project-Access-Token).
      - If not set, the value of the E(RAILWAY_TOKEN) environment variable is used.
    type: str
  api_url:
    description:
      - Railway's GraphQL endpoint. The collection adds C(?source=railstack-platform) to it, since Railway's edge
        limits requests without a query string much more strictly.
      - If not set, the value of the E(RAILWAY_API_URL) environment variable is used.
      - Point it at the railstack sandbox to work offline.
    type: str
    default: https://backboard.railway.com/graphql/v2
  validate_certs:
    description:
      - Whether to validate TLS certificates of O(api_url).
    type: bool
    default: true
  timeout:
    description:
      - Timeout in seconds of each HTTP request.
    type: int
    default: 30
notes:
  - Requests that are safe to repeat (reads) are retried on HTTP 429 (honouring C(Retry-After)), 5xx and connection
    errors. A mutation whose answer is lost is never sent twice; the module looks for its effect instead.
  - Requests are spaced to stay within Railway's request budgets (Hobby, 10 a second; Pro, 50 a second once an
    answer's C(X-RateLimit-Limit) names that plan). A rate limit
    learned by one task is known to the next ones through a state file per API URL and token (it holds a hash
    of the token, never the token) in E(RAILSTACK_CACHE_DIR), else C(~/.cache/railstack-platform). A task that
    starts in a used-up window waits up to two minutes, or fails at once naming the plan's hourly budget.
"""

    # Where a per-environment module works. Keep in sync with railway_environment_spec() in plugins/module_utils/railway.py.
    ENVIRONMENT = r"""
options:
  project:
    description:
      - The project, by id or by name.
    type: str
    required: true
  workspace_id:
    description:
      - Workspace to look for O(project) in when it is given by name. When not set, every workspace the token sees.
    type: str
  environment:
    description:
      - The environment, by id or by name. With ids for both O(project) and O(environment), one request reads both.
    type: str
    required: true
"""

    # Modules that write an environment's config. Keep in sync with STAGED_CHANGES_OPTION in plugins/module_utils/railway_config.py.
    CONFIG = r"""
options:
  staged_changes:
    description:
      - What to do when the environment has staged changes that this task did not make (someone's unfinished edits
        in Railway's dashboard). Railway commits staged changes as one, so committing ours would deploy theirs.
      - V(refuse) fails before any write, saying what is staged and how many entries.
      - V(stage) adds this task's change to the staged changes and leaves the commit to a person (the task reports
        a change, with a warning, and the environment's config is not changed yet).
      - V(commit) merges this task's change with the staged changes and commits them together, with a warning.
    type: str
    choices: [refuse, stage, commit]
    default: refuse
notes:
  - Railway applies a committed change asynchronously. The task waits until it is applied (polling with back-off, up to
    two minutes) and fails with Railway's reason, naming the service and the setting, when Railway refuses it then
    (for example a volume shrink, a cron schedule more frequent than every 5 minutes, replicas on a service with a
    volume). A read first waits for changes to the environment that are still being applied.
  - Right before committing, one read checks that the environment's configuration (its C(configEtag)), its changes
    being applied and its staged changes are as the task read them; if someone changed them meanwhile, the task fails
    without writing and asks to be rerun. A change made in the fraction of a second between that read and the commit
    is not detected (Railway's C(environmentPatchCommit) takes no expected C(configEtag)).
"""

    # postgres_migrations' O(railway), besides where (ENVIRONMENT) and the credentials (DOCUMENTATION).
    POSTGRES_MIGRATIONS_DATABASE = r"""
options:
  service:
    description:
      - The database's service, by id or by name.
    type: str
    default: Postgres
  variable:
    description:
      - The variable holding the URL. C(DATABASE_PUBLIC_URL) exists when the database has public access
        (M(railstack.platform.railway_database) O(railstack.platform.railway_database#module:public=true)).
    type: str
    default: DATABASE_PUBLIC_URL
"""

    # stripe_webhook_endpoint's O(railway_secret_target), besides the credentials (DOCUMENTATION).
    WEBHOOK_SECRET_TARGET_VARIABLE = r"""
options:
  project:
    description:
      - Name or id of the Railway project.
    type: str
    required: true
  environment:
    description:
      - Name or id of the environment.
    type: str
    required: true
  service:
    description:
      - Name or id of the service. When not set, the variable is a shared variable of the environment.
    type: str
  name:
    description:
      - Name of the variable.
    type: str
    default: STRIPE_WEBHOOK_SECRET
"""


# Derived from the literal sections above, not written again (ansible-test's yamllint reads only literal class
# attributes; these are built from them, so the text is written, and linted, once):
# - the inventory plugin's Railway options: DOCUMENTATION's, each environment variable as the option's env;
ModuleDocFragment.PLUGIN = plugin_options(ModuleDocFragment.DOCUMENTATION)
# - where a module that works on a project, not in one of its environments, works;
ModuleDocFragment.PROJECT = without(ModuleDocFragment.ENVIRONMENT, "environment")
# - postgres_migrations' O(railway) and stripe_webhook_endpoint's O(railway_secret_target), with their references
#   to each other (O(api_url)) made theirs (O(railway.api_url)).
ModuleDocFragment.POSTGRES_MIGRATIONS = suboptions(
    "railway", ModuleDocFragment.ENVIRONMENT, ModuleDocFragment.POSTGRES_MIGRATIONS_DATABASE, ModuleDocFragment.DOCUMENTATION)
ModuleDocFragment.WEBHOOK_SECRET_TARGET = suboptions(
    "railway_secret_target", ModuleDocFragment.WEBHOOK_SECRET_TARGET_VARIABLE, ModuleDocFragment.DOCUMENTATION)
