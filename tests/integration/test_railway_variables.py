# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_variables in real playbooks against the recording sandbox."""
from __future__ import annotations

import pytest

from .railway_helpers import (assert_contract, environment_config, graphql, make_project, no_secret_in, operations,
                              raw_config, secret_vars_file, unique)

STRIPE_KEY = "sk_test_integration_sealed_0123456789"
SENTRY_DSN = "https://abc123def456@o1.ingest.sentry.io/77"

VARIABLES = """
- name: Variables
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Shared variables
      railstack.platform.railway_variables:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        variables:
          SENTRY_DSN: "{{ sentry_dsn }}"
          REGION: "{{ region }}"
    - name: API variables
      railstack.platform.railway_variables:
        project: "{{ project }}"
        environment: production
        service: api
        variables:
          DATABASE_URL: !unsafe '${{db.DATABASE_URL}}'
          SENTRY: !unsafe '${{shared.SENTRY_DSN}}'
          PUBLIC_URL: !unsafe 'https://${{RAILWAY_PUBLIC_DOMAIN}}'
          PORT: 8080
          DEBUG: false
          APP_KEY: {generate: {length: 40}}
          JWT_SECRET: {generate: {length: 64, alphabet: "0123456789abcdef"}}
          STRIPE_SECRET_KEY: {value: "{{ stripe_key }}", sealed: true}
      register: api_vars
"""


@pytest.fixture(scope="module")
def stack(sandbox_env):
    project_id, environment_id = make_project(sandbox_env, unique("variables"))
    for name in ("api", "db"):
        graphql(sandbox_env, "mutation serviceCreate($input: ServiceCreateInput!) { serviceCreate(input: $input) { id } }",
                {"input": {"projectId": project_id, "name": name}})
    edges = graphql(sandbox_env, "query p($id: String!) { project(id: $id) { services { edges { node { id name } } } } }",
                    {"id": project_id})["project"]["services"]["edges"]
    ids = {e["node"]["name"]: e["node"]["id"] for e in edges}
    graphql(sandbox_env, "mutation p($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }",
            {"e": environment_id, "p": {"services": {ids["db"]: {"variables": {"DATABASE_URL": {"value": "postgresql://db"}}}}}})
    return dict(project=project_id, env_id=environment_id, region="eu", ids=ids)


@pytest.fixture(scope="module")
def secrets_file():
    return secret_vars_file("variables", stripe_key=STRIPE_KEY, sentry_dsn=SENTRY_DSN)


def extra(stack, secrets_file, **overrides):
    values = {k: v for k, v in stack.items() if k != "ids"}
    values.update(overrides)
    return [values, secrets_file]


def api_config(sandbox_env, stack):
    return environment_config(sandbox_env, stack["env_id"])["config"]["services"][stack["ids"]["api"]]["variables"]


def test_first_run_sets_then_a_no_op_reads_only(sandbox, sandbox_env, stack, secrets_file, run_playbook, traffic):
    with traffic.window() as first:
        run = run_playbook(VARIABLES, extra_vars=extra(stack, secrets_file), diff=True).assert_ok()
    assert run.changed == ["Shared variables", "API variables"]
    assert [n for n in operations(first) if n.startswith("environmentPatchCommit")] == ["environmentPatchCommit"] * 2
    result = run.task("API variables")
    assert result["added"] == ["APP_KEY", "DATABASE_URL", "DEBUG", "JWT_SECRET", "PORT", "PUBLIC_URL", "SENTRY", "STRIPE_SECRET_KEY"]
    assert result["sealed"] == ["STRIPE_SECRET_KEY"]
    stored = api_config(sandbox_env, stack)
    assert stored["DATABASE_URL"]["value"] == "${{db.DATABASE_URL}}" and stored["DEBUG"]["value"] == "false"
    assert "STRIPE_SECRET_KEY" not in stored          # Railway (realism config_lists_sealed false) leaves it out of config
    raw = raw_config(sandbox, stack["env_id"])["services"][stack["ids"]["api"]]["variables"]
    app_key, jwt = raw["APP_KEY"]["value"], raw["JWT_SECRET"]["value"]
    assert len(app_key) == 40 and len(jwt) == 64 and set(jwt) <= set("0123456789abcdef")
    assert raw["STRIPE_SECRET_KEY"]["value"] == STRIPE_KEY
    no_secret_in(run, app_key, jwt, STRIPE_KEY, SENTRY_DSN)
    assert_contract(first, "variables-first")

    with traffic.window() as second:
        again = run_playbook(VARIABLES, extra_vars=extra(stack, secrets_file), diff=True).assert_ok()
    assert again.changed == [] and second.mutations == [], second.summary()
    # ids: one read; a project id with an environment name: the project, then the environment
    assert operations(second) == ["environmentState", "project", "environmentConfig"], second.summary()
    raw = raw_config(sandbox, stack["env_id"])["services"][stack["ids"]["api"]]["variables"]
    assert raw["APP_KEY"]["value"] == app_key and raw["JWT_SECRET"]["value"] == jwt         # generated once, kept


def test_check_mode_and_diff_show_the_values_that_are_not_secrets(sandbox_env, stack, secrets_file, run_playbook, traffic):
    run_playbook(VARIABLES, extra_vars=extra(stack, secrets_file)).assert_ok()
    with traffic.window() as window:
        run = run_playbook(VARIABLES, extra_vars=extra(stack, secrets_file, region="us"), check=True, diff=True).assert_ok()
    assert run.changed == ["Shared variables"] and window.mutations == [], window.summary()
    assert '-        "value": "eu"' in run.stdout and '+        "value": "us"' in run.stdout    # REGION is no secret
    assert "(changed)" not in run.stdout
    assert environment_config(sandbox_env, stack["env_id"])["config"]["sharedVariables"]["REGION"]["value"] == "eu"


def test_secrets_never_show_at_vvvv(sandbox, stack, secrets_file, run_playbook):
    run = run_playbook(VARIABLES, extra_vars=extra(stack, secrets_file, region="ap"), diff=True, verbosity=4).assert_ok()
    raw = raw_config(sandbox, stack["env_id"])["services"][stack["ids"]["api"]]["variables"]
    no_secret_in(run, raw["APP_KEY"]["value"], raw["JWT_SECRET"]["value"], STRIPE_KEY, SENTRY_DSN)
    run_playbook(VARIABLES, extra_vars=extra(stack, secrets_file)).assert_ok()


EXCLUSIVE = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Only these
      railstack.platform.railway_variables:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        service: db
        variables: {DATABASE_URL: "postgresql://db", EXTRA: "1"}
        exclusive: "{{ exclusive }}"
        skip_deploys: true
"""


def test_exclusive_and_skip_deploys(sandbox_env, stack, run_playbook, traffic):
    run_playbook(EXCLUSIVE, extra_vars=dict(project=stack["project"], env_id=stack["env_id"], exclusive=False)).assert_ok()
    graphql(sandbox_env, "mutation u($i: VariableUpsertInput!) { variableUpsert(input: $i) }",
            {"i": {"projectId": stack["project"], "environmentId": stack["env_id"], "serviceId": stack["ids"]["db"],
                   "name": "STRAY", "value": "x"}})
    with traffic.window() as window:
        run = run_playbook(EXCLUSIVE, extra_vars=dict(project=stack["project"], env_id=stack["env_id"], exclusive=True)).assert_ok()
    assert run.task("Only these")["removed"] == ["STRAY"]
    writes = [o for o in operations(window) if o != "environmentPatch"][-2:]
    assert writes == ["environmentStageChanges", "environmentPatchCommitStaged"]
    stored = environment_config(sandbox_env, stack["env_id"])["config"]["services"][stack["ids"]["db"]]["variables"]
    assert sorted(stored) == ["DATABASE_URL", "EXTRA"]


LOST = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Variable
      railstack.platform.railway_variables:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        service: db
        variables: {TOKEN_SALT: {generate: {length: 32}}}
"""


def test_a_lost_write_is_not_repeated_and_the_secret_is_kept(sandbox, stack, run_playbook, traffic, faults):
    faults(next=[{"kind": "drop_after_commit", "api": "railway", "match": "environmentPatchCommit"}])
    with traffic.window() as window:
        run_playbook(LOST, extra_vars=dict(project=stack["project"], env_id=stack["env_id"])).assert_ok()
    assert operations(window).count("environmentPatchCommit") == 1, window.summary()
    salt = raw_config(sandbox, stack["env_id"])["services"][stack["ids"]["db"]]["variables"]["TOKEN_SALT"]["value"]
    with traffic.window() as again:
        run_playbook(LOST, extra_vars=dict(project=stack["project"], env_id=stack["env_id"])).assert_ok()
    assert again.mutations == []
    assert raw_config(sandbox, stack["env_id"])["services"][stack["ids"]["db"]]["variables"]["TOKEN_SALT"]["value"] == salt


BAD = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Variables
      railstack.platform.railway_variables:
        project: "{{ project }}"
        environment: "{{ env_id }}"
%s
"""


@pytest.mark.parametrize("body, prefix, hint", [
    ("        service: api\n        variables: {DATABASE_URL: !unsafe '${{Postgress.DATABASE_URL}}'}", "variables.DATABASE_URL:", "(it has: api, db)"),
    ("        service: api\n        variables: {DATABASE_URL: !unsafe '${{db.DATABASE_ULR}}'}", "variables.DATABASE_URL:", "did you mean DATABASE_URL?"),
    ("        service: api\n        variables: {S: !unsafe '${{shared.SENTRY_DNS}}'}", "variables.S:", "did you mean SENTRY_DSN?"),
    ("        service: api\n        variables: {D: !unsafe '${{RAILWAY_PUBLIC_DOMIAN}}'}", "variables.D:", "RAILWAY_PUBLIC_DOMAIN"),
    ("        service: apii\n        variables: {A: b}", "service:", "did you mean api?"),
    ("        service: api\n        variables: {A: {generate: {length: 3}}}", "variables.A.generate.length:", "8 to 256"),
    ("        service: api\n        variables: {A: {value: x, generate: {}}}", "variables.A:", "either value or generate"),
    ("        service: api\n        names: [A]", "names:", "state=absent"),
])
def test_bad_input_fails_before_any_write_naming_the_field(stack, run_playbook, traffic, body, prefix, hint):
    with traffic.window() as window:
        run = run_playbook(BAD % body, extra_vars=dict(project=stack["project"], env_id=stack["env_id"]))
    assert run.rc != 0
    message = run.task("Variables")["msg"]
    assert message.startswith(prefix) and hint in message, message
    assert window.mutations == [], window.summary()
