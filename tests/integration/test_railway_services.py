# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_services and railway_service in real playbooks against the recording sandbox."""
from __future__ import annotations

import pytest

from .railway_helpers import (assert_contract, environment_config, graphql, make_project, no_secret_in, operations,
                              raw_config, secret_vars_file, services_by_name, unique)

REGISTRY_PASSWORD = "ghcr_pat_integration_0123456789abcdef"

SERVICES = """
- name: Services of production
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Services
      railstack.platform.railway_services:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        services:
          - name: api
            source:
              image: ghcr.io/prela/api:1.0.0
              registry_credentials:
                username: prela-bot
                password: "{{ registry_password }}"
            deploy:
              start_command: node dist/main.js
              pre_deploy_command: [npm run migrate]
              healthcheck_path: /health
              healthcheck_timeout: 60
              num_replicas: "{{ replicas }}"
              restart_policy_type: ON_FAILURE
              restart_policy_max_retries: 5
              limit_override: {cpu: 2, memory_gb: 1}
              draining_seconds: 30
              overlap_seconds: 10
            private_network_endpoint: api
            variables:
              PORT: 8080
              NODE_ENV: production
              APP_KEY: {generate: {length: 48}}
              SELF_URL: !unsafe 'http://${{RAILWAY_PRIVATE_DOMAIN}}:${{PORT}}'
          - name: worker
            source: {repo: prela/platform, branch: main, root_directory: apps/worker}
            build: {builder: RAILPACK, build_command: npm run build, watch_patterns: ["apps/worker/**"]}
            deploy: {multi_region_config: {us-west2: 2, europe-west4-drams3a: 1}}
            variables:
              API_URL: !unsafe 'http://${{api.RAILWAY_PRIVATE_DOMAIN}}:${{api.PORT}}'
              API_KEY: !unsafe '${{api.APP_KEY}}'
          - name: nightly
            source: {image: "ghcr.io/prela/report:latest"}
            deploy: {cron_schedule: "0 3 * * *", restart_policy_type: NEVER, sleep_application: false}
            tcp_proxy_port: 9000
      register: services
"""


@pytest.fixture(scope="module")
def stack(sandbox_env):
    project_id, environment_id = make_project(sandbox_env, unique("services"))
    return dict(project=project_id, env_id=environment_id, replicas=2)


@pytest.fixture(scope="module")
def secrets_file():
    """The registry password in a vars file: on the command line, ansible-playbook -vvvv would print it."""
    return secret_vars_file("services", registry_password=REGISTRY_PASSWORD)


def test_first_run_converges_everything_in_one_patch_then_a_no_op_reads_once(sandbox, sandbox_env, stack, run_playbook, traffic, secrets_file):
    with traffic.window() as first:
        run = run_playbook(SERVICES, extra_vars=[stack, secrets_file], diff=True).assert_ok()
    assert run.changed == ["Services"]
    assert operations(first) == ["environmentState", "serviceCreate", "serviceCreate", "serviceCreate",
                                 "environmentConfig", "environmentPatchCommit", "environmentPatch"], first.summary()
    result = run.task("Services")
    api, worker, nightly = result["services"]
    assert [s["created"] for s in result["services"]] == [True, True, True]
    assert api["deploy"]["num_replicas"] == 2 and api["deploy"]["limit_override"] == dict(cpu=2, memory_gb=1.0)
    assert worker["deploy"]["multi_region_config"] == {"us-west2": 2, "europe-west4-drams3a": 1}
    assert nightly["tcp_proxy_ports"] == [9000]
    ids = services_by_name(sandbox, stack["project"])
    config = environment_config(sandbox_env, stack["env_id"])["config"]["services"]
    assert config[ids["api"]]["deploy"]["startCommand"] == "node dist/main.js"
    assert config[ids["api"]]["deploy"]["limitOverride"] == {"containers": {"cpu": 2, "memoryBytes": 1024 ** 3}}
    assert config[ids["worker"]]["source"] == {"repo": "prela/platform", "branch": "main", "rootDirectory": "apps/worker"}
    assert config[ids["worker"]]["build"]["watchPatterns"] == ["apps/worker/**"]
    assert config[ids["worker"]]["variables"]["API_URL"]["value"] == "http://${{api.RAILWAY_PRIVATE_DOMAIN}}:${{api.PORT}}"
    assert config[ids["nightly"]]["networking"]["tcpProxies"] == {"9000": {}}
    app_key = config[ids["api"]]["variables"]["APP_KEY"]["value"]
    assert len(app_key) == 48
    rendered = graphql(sandbox_env, "query v($p: String!, $e: String!, $s: String!) {"
                                    " variablesForServiceDeployment(projectId: $p, environmentId: $e, serviceId: $s) }",
                       {"p": stack["project"], "e": stack["env_id"], "s": ids["worker"]})["variablesForServiceDeployment"]
    assert rendered["API_URL"] == "http://api.railway.internal:8080" and rendered["API_KEY"] == app_key
    no_secret_in(run, REGISTRY_PASSWORD, app_key)
    assert_contract(first, "services-first")

    with traffic.window() as second:
        again = run_playbook(SERVICES, extra_vars=[stack, secrets_file], diff=True).assert_ok()
    assert again.changed == [] and again.recap["localhost"]["changed"] == 0
    assert second.mutations == [], second.summary()
    assert operations(second) == ["environmentState"] and again.task("Services")["api_requests"] == 1
    assert environment_config(sandbox_env, stack["env_id"])["config"]["services"][ids["api"]]["variables"]["APP_KEY"]["value"] == app_key


def test_a_change_is_one_minimal_patch_and_check_mode_sends_none(sandbox, sandbox_env, stack, run_playbook, traffic, secrets_file):
    run_playbook(SERVICES, extra_vars=[stack, secrets_file]).assert_ok()
    with traffic.window() as check:
        planned = run_playbook(SERVICES, extra_vars=[dict(stack, replicas=4), secrets_file], check=True, diff=True).assert_ok()
    assert planned.changed == ["Services"] and check.mutations == [], check.summary()
    assert planned.task("Services")["services"][0]["deploy"]["num_replicas"] == 4
    assert "numReplicas" in planned.stdout
    with traffic.window() as change:
        run_playbook(SERVICES, extra_vars=[dict(stack, replicas=4), secrets_file]).assert_ok()
    patches = [e["json"]["variables"]["patch"] for e in change.railway_mutations]
    ids = services_by_name(sandbox, stack["project"])
    assert patches == [{"services": {ids["api"]: {"deploy": {"numReplicas": 4}}}}], change.summary()
    run_playbook(SERVICES, extra_vars=[stack, secrets_file]).assert_ok()


def test_secrets_never_show_at_vvvv(sandbox, stack, run_playbook, secrets_file):
    run = run_playbook(SERVICES, extra_vars=[dict(stack, replicas=3), secrets_file], diff=True, verbosity=4).assert_ok()
    ids = services_by_name(sandbox, stack["project"])
    app_key = raw_config(sandbox, stack["env_id"])["services"][ids["api"]]["variables"]["APP_KEY"]["value"]
    no_secret_in(run, REGISTRY_PASSWORD, app_key)
    run_playbook(SERVICES, extra_vars=[stack, secrets_file]).assert_ok()


LOST = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Services
      railstack.platform.railway_services:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        services:
          - name: "{{ name }}"
            source: {image: "nginx:1.27"}
            deploy: {num_replicas: 2}
"""


@pytest.mark.parametrize("operation", ["serviceCreate", "environmentPatchCommit"])
def test_lost_answers_are_found_again_not_repeated(sandbox, sandbox_env, stack, run_playbook, traffic, faults, operation):
    name = unique("lost")
    faults(next=[{"kind": "drop_after_commit", "api": "railway", "match": operation}])
    with traffic.window() as window:
        run = run_playbook(LOST, extra_vars=dict(stack, name=name)).assert_ok()
    assert run.changed == ["Services"]
    assert [n for n in operations(window) if n == operation] == [operation], window.summary()
    assert list(services_by_name(sandbox, stack["project"])).count(name) == 1
    service_id = services_by_name(sandbox, stack["project"])[name]
    assert environment_config(sandbox_env, stack["env_id"])["config"]["services"][service_id]["deploy"] == {"numReplicas": 2}
    with traffic.window() as again:
        run_playbook(LOST, extra_vars=dict(stack, name=name)).assert_ok()
    assert again.mutations == [], again.summary()


STAGED = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Service
      railstack.platform.railway_service:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        name: nightly
        deploy: {cron_schedule: "30 4 * * *"}
        skip_deploys: "{{ skip | default(false) }}"
        staged_changes: "{{ staged_changes | default(omit) }}"
"""


def test_foreign_staged_work_is_refused_by_default_and_committed_when_asked(
        sandbox, sandbox_env, stack, run_playbook, traffic, secrets_file):
    run_playbook(SERVICES, extra_vars=[stack, secrets_file]).assert_ok()
    ids = services_by_name(sandbox, stack["project"])
    graphql(sandbox_env, "mutation s($e: String!, $p: EnvironmentConfig!) { environmentStageChanges(environmentId: $e, input: $p) { id } }",
            {"e": stack["env_id"], "p": {"services": {ids["worker"]: {"deploy": {"numReplicas": 3}}}}})
    assert environment_config(sandbox_env, stack["env_id"])["unmergedChangesCount"] == 1
    with traffic.window() as refused:
        run = run_playbook(STAGED, extra_vars=stack)
    assert run.rc != 0 and refused.mutations == [], refused.summary()
    message = run.task("Service")["msg"]
    assert message.startswith("staged_changes: environment production has 1 staged change(s)") and "services worker" in message
    assert environment_config(sandbox_env, stack["env_id"])["unmergedChangesCount"] == 1         # left as it was
    with traffic.window() as window:
        run = run_playbook(STAGED, extra_vars=dict(stack, staged_changes="commit")).assert_ok()
    assert [o for o in operations(window) if o != "environmentPatch"] == [
        "environmentState", "environmentGuard", "environmentStageChanges", "environmentPatchCommitStaged"], window.summary()
    result = run.task("Service")
    assert result["staged"] is True and any("staged change" in w for w in result["warnings"])
    after = environment_config(sandbox_env, stack["env_id"])
    assert after["unmergedChangesCount"] == 0
    assert after["config"]["services"][ids["worker"]]["deploy"]["numReplicas"] == 3           # the user's staged work
    assert after["config"]["services"][ids["nightly"]]["deploy"]["cronSchedule"] == "30 4 * * *"
    assert_contract(window, "services-staged")
    run_playbook(SERVICES, extra_vars=[stack, secrets_file]).assert_ok()


def test_skip_deploys_stages_and_commits_without_deploying(sandbox, sandbox_env, stack, run_playbook, traffic, secrets_file):
    with traffic.window() as window:
        run_playbook(STAGED.replace("30 4", "45 5"), extra_vars=dict(stack, skip=True)).assert_ok()
    commits = [e for e in window.railway_mutations if "environmentPatchCommitStaged" in e["json"]["query"]]
    assert len(commits) == 1 and commits[0]["json"]["variables"]["skipDeploys"] is True
    run_playbook(SERVICES, extra_vars=[stack, secrets_file]).assert_ok()


ONE = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Service
      railstack.platform.railway_service:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        name: "{{ name }}"
        state: "{{ state | default('present') }}"
        scope: "{{ scope | default('environment') }}"
        source: {repo: prela/platform, branch: main}
        deploy: {healthcheck_path: /up}
"""


def test_railway_service_creates_keeps_and_deletes(sandbox, stack, run_playbook, traffic):
    name = unique("one")
    first = run_playbook(ONE, extra_vars=dict(stack, name=name)).assert_ok()
    assert first.task("Service")["service"]["created"] is True
    with traffic.window() as second:
        run_playbook(ONE, extra_vars=dict(stack, name=name)).assert_ok()
    assert second.mutations == [], second.summary()
    gone = run_playbook(ONE, extra_vars=dict(stack, name=name, state="absent", scope="project")).assert_ok()
    assert gone.changed == ["Service"] and name not in services_by_name(sandbox, stack["project"])


def test_absent_removes_the_service_from_the_tasks_environment_only(sandbox, sandbox_env, run_playbook, traffic):
    project_id, production = make_project(sandbox_env, unique("scope"))
    staging = graphql(sandbox_env, "mutation($i: EnvironmentCreateInput!) { environmentCreate(input: $i) { id } }",
                      {"i": {"projectId": project_id, "name": "staging"}})["environmentCreate"]["id"]
    name = unique("web")
    for environment in (production, staging):
        run_playbook(ONE, extra_vars=dict(project=project_id, env_id=environment, name=name)).assert_ok()
    service_id = services_by_name(sandbox, project_id)[name]
    with traffic.window() as window:
        gone = run_playbook(ONE, extra_vars=dict(project=project_id, env_id=staging, name=name, state="absent")).assert_ok()
    assert gone.changed == ["Service"] and gone.task("Service")["service"]["scope"] == "environment"
    assert operations(window) == ["environmentState", "environmentPatchCommit"]        # no serviceDelete
    assert service_id not in raw_config(sandbox, staging).get("services", {})
    assert service_id in raw_config(sandbox, production)["services"]          # production keeps it
    assert name in services_by_name(sandbox, project_id)
    with traffic.window() as again:
        run_playbook(ONE, extra_vars=dict(project=project_id, env_id=staging, name=name, state="absent")).assert_ok()
    assert again.mutations == [], again.summary()
    assert_contract(window, "services-absent-in-environment")


BAD = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Services
      railstack.platform.railway_services:
        project: "{{ project }}"
        environment: "{{ env_id }}"
        services:
          - name: api
            variables:
              PORT: 8080
          - %s
"""


@pytest.mark.parametrize("item, prefix", [
    ("{name: web, deploy: {num_replicas: 0}}", "services[1].deploy.num_replicas:"),
    ("{name: web, deploy: {healthcheck_path: health}}", "services[1].deploy.healthcheck_path:"),
    ("{name: web, deploy: {cron_schedule: nightly}}", "services[1].deploy.cron_schedule:"),
    ("{name: web, source: {repo: not-a-repo}}", "services[1].source.repo:"),
    ("{name: web, tcp_proxy_port: 70000}", "services[1].tcp_proxy_port:"),
    ("{name: web, private_network_endpoint: Not_Valid}", "services[1].private_network_endpoint:"),
    ("{name: api}", "services[1].name:"),
    ("{name: web, variables: {DB: !unsafe '${{Postgress.DATABASE_URL}}'}}", "services[1].variables.DB:"),
    ("{name: web, variables: {X: !unsafe '${{api.PROT}}'}}", "services[1].variables.X:"),
])
def test_bad_input_fails_before_any_write_naming_the_field(stack, run_playbook, traffic, item, prefix):
    with traffic.window() as window:
        run = run_playbook(BAD % item, extra_vars=stack)
    assert run.rc != 0 and run.failed == ["Services"]
    message = run.task("Services")["msg"]
    assert message.startswith(prefix), message
    assert window.mutations == [], window.summary()


def test_typo_names_the_candidates(stack, run_playbook):
    run = run_playbook(BAD % "{name: web, variables: {X: !unsafe '${{api.PROT}}'}}", extra_vars=stack)
    assert "did you mean PORT?" in run.task("Services")["msg"]
