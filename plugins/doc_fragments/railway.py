# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import re

from ansible_collections.railstack.platform.plugins.doc_fragments.http import http_options, indented

# Railway's credentials and endpoint, documented once for every place that takes them: the railway_* modules
# (DOCUMENTATION), the inventory plugin (PLUGIN), and the options of other modules that write to Railway
# (POSTGRES_MIGRATIONS, WEBHOOK_SECRET_TARGET). Keep in sync with railway_argument_spec() in
# plugins/module_utils/railway.py. {at} is where the options stand ("" at the top, "railway." as suboptions);
# {fallback:NAME} and {env:NAME} say which environment variable is read when the option is not set: a module
# names it in the description (its argument spec's fallback reads it), a plugin has it as the option's env.
CREDENTIALS = r"""
api_token:
  description:
    - 'Railway account, workspace or OAuth token, sent as an C(Authorization) Bearer header.'
    - A workspace token needs no O(ignore:workspace_id) where a module has it; its workspace is the token's own.
    - One of O({at}api_token) and O({at}project_token) is required. When both are set, O({at}project_token) is used.{fallback:RAILWAY_API_TOKEN}
  type: str{env:RAILWAY_API_TOKEN}
project_token:
  description:
    - Railway project token, bound to one environment of one project, sent as C(Project-Access-Token).{fallback:RAILWAY_TOKEN}
  type: str{env:RAILWAY_TOKEN}
api_url:
  description:
    - Railway's GraphQL endpoint. The collection adds C(?source=railstack-platform) to it, since Railway's edge
      limits requests without a query string much more strictly.
    - Point it at the railstack sandbox to work offline.{fallback:RAILWAY_API_URL}
  type: str{env:RAILWAY_API_URL}
  default: https://backboard.railway.com/graphql/v2
"""

# Where a module works: the project, and the environment of a per-environment module. Keep in sync with
# railway_environment_spec() in plugins/module_utils/railway.py.
PROJECT_OPTIONS = r"""
project:
  description:
    - The project, by id or by name.
  type: str
  required: true
workspace_id:
  description:
    - Workspace to look for O({at}project) in when it is given by name. When not set, every workspace the token sees.
  type: str
"""
ENVIRONMENT_OPTION = r"""
environment:
  description:
    - The environment, by id or by name. With ids for both O({at}project) and O({at}environment), one request reads both.
  type: str
  required: true
"""

# postgres_migrations' O(railway): besides where, the database's service and the variable holding its URL.
POSTGRES_MIGRATIONS_TARGET = PROJECT_OPTIONS + ENVIRONMENT_OPTION + r"""
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

# stripe_webhook_endpoint's O(railway_secret_target): where the signing secret goes, besides the credentials.
WEBHOOK_SECRET_TARGET = r"""
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
FALLBACK_RE = re.compile(r"\{fallback:(\w+)\}")
ENV_RE = re.compile(r"\{env:(\w+)\}")


def credentials(at: str = "", plugin: bool = False) -> str:
    """The credential options at column 0, as a module documents them or (plugin) as a plugin does."""
    fallback = "" if plugin else "\n    - If not set, the value of the E(\\1) environment variable is used."
    env = "\n  env:\n    - name: \\1" if plugin else ""
    return ENV_RE.sub(env, FALLBACK_RE.sub(fallback, CREDENTIALS.replace("{at}", at))) + http_options(at + "api_url", 0)


def suboptions(option: str, own: str) -> str:
    """A fragment documenting a dict option's suboptions: the module's own, then the credentials."""
    at = option + "."
    return "options:\n  %s:\n    suboptions:\n" % option + indented(own.replace("{at}", at), 6) + indented(credentials(at), 6)


class ModuleDocFragment:
    DOCUMENTATION = "options:\n" + indented(credentials(), 2) + r"""notes:
  - Requests that are safe to repeat (reads) are retried on HTTP 429 (honouring C(Retry-After)), 5xx and connection
    errors. A mutation whose answer is lost is never sent twice; the module looks for its effect instead.
  - Requests are spaced to stay within Railway's request budgets (Hobby, 10 a second). A rate limit
    learned by one task is known to the next ones through a state file per API URL and token (it holds a hash
    of the token, never the token) in E(RAILSTACK_CACHE_DIR), else C(~/.cache/railstack-platform). A task that
    starts in a used-up window waits up to two minutes, or fails at once naming the plan's hourly budget.
"""

    # The inventory plugin: the same options, each with its environment variable as C(env).
    PLUGIN = "options:\n" + indented(credentials(plugin=True), 2)

    # postgres_migrations: O(railway)'s suboptions.
    POSTGRES_MIGRATIONS = suboptions("railway", POSTGRES_MIGRATIONS_TARGET)

    # stripe_webhook_endpoint: O(railway_secret_target)'s suboptions.
    WEBHOOK_SECRET_TARGET = suboptions("railway_secret_target", WEBHOOK_SECRET_TARGET)

    # Where a per-environment module works. Keep in sync with railway_environment_spec() in plugins/module_utils/railway.py.
    ENVIRONMENT = "options:\n" + indented((PROJECT_OPTIONS + ENVIRONMENT_OPTION).replace("{at}", ""), 2)

    # Where a module that works on a project (not in one of its environments) works.
    PROJECT = "options:\n" + indented(PROJECT_OPTIONS.replace("{at}", ""), 2)

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
