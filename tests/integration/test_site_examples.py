# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Laravel and Django examples through site.yml, and the other playbooks on them:
teardown.yml (confirmation, only what the stack owns), rollback.yml and promote.yml."""
from __future__ import annotations

import json
import urllib.request

import pytest

from .site_helpers import SITE, SandboxState, check_recording, converge_twice, load_stack, write_report, write_stack

TEARDOWN = "playbooks/teardown.yml"
ROLLBACK = "playbooks/rollback.yml"
PROMOTE = "playbooks/promote.yml"


@pytest.fixture(scope="module")
def recording(traffic):
    start = traffic.mark()
    yield lambda: traffic.since(start).entries


@pytest.fixture(scope="module")
def converged(sandbox, run_playbook, traffic, recording):
    sandbox.client.reset()
    out = {}
    for name in ("laravel", "django"):
        first, first_traffic, second, second_traffic = converge_twice(run_playbook, traffic, "@examples/%s.yml" % name)
        write_report(name, first_requests=first_traffic.requests, first_mutations=len(first_traffic.mutations),
                     second_requests=second_traffic.requests, second_mutations=len(second_traffic.mutations))
        out[name] = dict(first=first, second=second, second_traffic=second_traffic)
    out["state"] = SandboxState(sandbox)
    return out


def railway(sandbox_env, document, variables=None):
    request = urllib.request.Request(sandbox_env["RAILWAY_API_URL"], method="POST",
                                     data=json.dumps(dict(query=document, variables=variables or {})).encode(),
                                     headers={"Content-Type": "application/json",
                                              "Authorization": "Bearer " + sandbox_env["RAILWAY_API_TOKEN"]})
    with urllib.request.urlopen(request, timeout=10) as answer:
        body = json.loads(answer.read())
    assert not body.get("errors"), body
    return body["data"]


# ------------------------------------------------------------------------------------------ laravel

def test_laravel_worker_and_scheduler_share_the_apis_variables_by_reference(converged):
    state = converged["state"]
    project = state.project("acme-laravel")
    assert set(state.services(project)) == {"Postgres", "Redis", "laravel-api", "laravel-worker", "laravel-scheduler"}
    api = state.variables(project, "production", "laravel-api")
    worker = state.variables(project, "production", "laravel-worker")
    scheduler = state.variables(project, "production", "laravel-scheduler")
    assert len(api["APP_KEY"]) == 32
    # every variable the stack gives the API, as a reference (the webhook's secret is written later, by Stripe's step)
    assert set(worker) == set(api) - {"STRIPE_WEBHOOK_SECRET"}
    assert all(worker[name] == "${{laravel-api.%s}}" % name for name in worker), worker
    assert worker == scheduler


def test_laravel_roles_settings(converged):
    state = converged["state"]
    project = state.project("acme-laravel")
    worker = state.instance(project, "production", "laravel-worker")["deploy"]
    assert worker["startCommand"].startswith("php artisan queue:work redis --queue=default,emails")
    assert worker["numReplicas"] == 2 and worker["restartPolicyType"] == "ON_FAILURE"
    assert "healthcheckPath" not in worker
    scheduler = state.instance(project, "production", "laravel-scheduler")["deploy"]
    assert scheduler["startCommand"] == "php artisan schedule:work" and scheduler["numReplicas"] == 1
    api = state.instance(project, "production", "laravel-api")
    assert api["deploy"]["healthcheckPath"] == "/up"
    certificates = state.volumes(project)["laravel-certificates"]
    assert list(api["volumeMounts"].values()) == [{"mountPath": "/app/storage/certificates"}]
    assert certificates["id"] in api["volumeMounts"]
    redis = state.instance(project, "production", "Redis")
    assert "--maxmemory 256mb --maxmemory-policy allkeys-lru" in redis["deploy"]["startCommand"]
    assert state.custom_domains()["api.example.com"]["verifiedAt"]
    endpoints = [e["url"] for e in state.stripe("webhook_endpoints")]
    assert "https://api.example.com/stripe/webhook" in endpoints


# ------------------------------------------------------------------------------------------ django

def test_django_staging_differs_only_where_the_stack_says(converged):
    state = converged["state"]
    project = state.project("acme-django")
    for env in ("production", "staging"):
        assert set(state.services(project)) == {"Postgres", "Redis", "django-api", "celery-worker", "celery-beat", "frontend"}
        beat = state.instance(project, env, "celery-beat")["deploy"]
        assert beat["startCommand"] == "celery -A shop beat --loglevel=info" and beat["numReplicas"] == 1
    assert state.instance(project, "production", "celery-worker")["deploy"]["numReplicas"] == 2
    assert state.instance(project, "staging", "celery-worker")["deploy"]["numReplicas"] == 1
    assert state.variables(project, "staging", "django-api")["SENTRY_ENVIRONMENT"] == "staging"
    assert state.variables(project, "production", "django-api")["SENTRY_ENVIRONMENT"] == "production"
    domains = state.custom_domains()
    names = ("shop.example.com", "api.shop.example.com", "staging.shop.example.com", "api.staging.shop.example.com")
    assert {d: domains[d]["verifiedAt"] is not None for d in names} == dict.fromkeys(names, True)
    frontend = state.variables(project, "production", "frontend")
    assert frontend["NEXT_PUBLIC_API_URL"] == "https://${{django-api.RAILWAY_PUBLIC_DOMAIN}}"
    assert frontend["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"].startswith("pk_test_")


def test_one_environment_only_converges_that_one(converged, run_playbook, traffic):
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=["@examples/django.yml", {"stack_environment": "staging"}]).assert_ok()
    assert run.changed == [] and window.mutations == []
    assert [i["environment"]["name"] for i in run.items("Railway environments")] == ["staging"]
    assert run.tasks("Shared variables of production") == [] and run.tasks("Databases and their migrations, in staging")


# ------------------------------------------------------------------------------------------ promote and rollback

def test_promote_copies_stagings_settings_and_commit_to_production(converged, sandbox, run_playbook, traffic, sandbox_env):
    staging_change = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Staging tries more gunicorn workers
      railstack.platform.railway_services:
        project: acme-django
        environment: staging
        services:
          - name: django-api
            deploy:
              start_command: gunicorn shop.wsgi --bind 0.0.0.0:8000 --workers 5
    - name: Staging deploys a commit
      railstack.platform.railway_deployment:
        project: acme-django
        environment: staging
        service: django-api
        commit_sha: 0123456789abcdef0123456789abcdef01234567
        wait: true
        wait_interval: 0.2
"""
    run_playbook(staging_change).assert_ok()
    with traffic.window() as window:
        dry = run_playbook(PROMOTE, extra_vars=["@examples/django.yml", {"promote_services": "django-api"}],
                           check=True, diff=True).assert_ok()
    assert window.mutations == [], window.summary()
    assert "--workers 5" in dry.stdout
    real = run_playbook(PROMOTE, extra_vars=["@examples/django.yml", {"promote_services": "django-api"}]).assert_ok()
    assert set(real.changed) == {"Settings of production", "Deploy what the source runs, probe it, roll back if it fails, in production"}
    state = SandboxState(sandbox)
    project = state.project("acme-django")
    assert state.instance(project, "production", "django-api")["deploy"]["startCommand"].endswith("--workers 5")
    assert state.instance(project, "production", "django-api")["deploy"].get("numReplicas") \
        == state.instance(project, "production", "django-api")["deploy"].get("numReplicas")
    deployment = real.items("Deploy what the source runs, probe it, roll back if it fails, in production")[0]["deployment"]
    assert deployment["commit_sha"] == "0123456789abcdef0123456789abcdef01234567" and deployment["status"] == "SUCCESS"
    with traffic.window() as window:
        again = run_playbook(PROMOTE, extra_vars=["@examples/django.yml", {"promote_services": "django-api"}]).assert_ok()
    assert again.changed == [] and window.mutations == [], window.summary()


def test_rollback_goes_back_to_the_previous_deployment(converged, run_playbook, traffic):
    extra = ["@examples/django.yml", {"stack_environment": "production", "rollback_services": "django-api"}]
    with traffic.window() as window:
        dry = run_playbook(ROLLBACK, extra_vars=extra, check=True).assert_ok()
    assert window.mutations == []
    before = dry.items("Roll back to the previous successful deployment")[0]["deployment"]
    with traffic.window() as window:
        run = run_playbook(ROLLBACK, extra_vars=extra).assert_ok()
    assert window.operation_names().count("deploymentRollback") == 1, window.summary()
    after = run.items("Roll back to the previous successful deployment")[0]["deployment"]
    assert after["status"] == "SUCCESS" and after["id"] != before["id"]


def test_rollback_names_services_of_the_stack_only(converged, run_playbook, traffic):
    with traffic.window() as window:
        run = run_playbook(ROLLBACK, extra_vars=["@examples/django.yml", {"stack_environment": "production",
                                                                          "rollback_services": "django-apy"}])
    assert not run.ok and window.requests == 0
    assert "rollback_services: django-apy not in the stack" in run.stdout


# ------------------------------------------------------------------------------------------ teardown

def test_teardown_asks_for_confirmation_before_any_request(converged, run_playbook, traffic):
    with traffic.window() as window:
        run = run_playbook(TEARDOWN, extra_vars="@examples/laravel.yml")
    assert not run.ok and window.requests == 0
    assert "confirm_teardown: this deletes what stack acme-laravel owns, data included. Run again with " \
           "-e confirm_teardown=acme-laravel" in run.stdout
    with traffic.window() as window:
        run = run_playbook(TEARDOWN, extra_vars=["@examples/laravel.yml", {"confirm_teardown": "acme-django"}])
    assert not run.ok and window.requests == 0


def test_teardown_removes_what_the_stack_owns_and_keeps_the_rest(converged, sandbox, run_playbook, traffic, sandbox_env):
    project_id = SandboxState(sandbox).project("acme-laravel")["id"]
    railway(sandbox_env, "mutation serviceCreate($input: ServiceCreateInput!) { serviceCreate(input: $input) { id } }",
            {"input": {"projectId": project_id, "name": "someone-elses", "source": {"image": "nginx:1.27"}}})
    extra = ["@examples/laravel.yml", {"confirm_teardown": "acme-laravel"}]
    with traffic.window() as window:
        dry = run_playbook(TEARDOWN, extra_vars=extra, check=True).assert_ok()
    assert window.mutations == [], window.summary()
    assert "Services of the stack" in dry.changed
    run = run_playbook(TEARDOWN, extra_vars=extra).assert_ok()
    state = SandboxState(sandbox)
    project = state.project("acme-laravel")
    assert project is not None, "the project holds a service the stack does not own: it stays"
    assert set(state.services(project)) == {"someone-elses"}
    assert state.volumes(project) == {}
    assert "api.example.com" not in state.custom_domains()
    assert not [r for r in state.cloudflare_records("example.com") if r["name"] in ("api.example.com",)]
    assert "https://api.example.com/stripe/webhook" not in [e["url"] for e in state.stripe("webhook_endpoints")]
    assert "project acme-laravel still holds what the stack does not own" in run.stdout
    # the other stacks are untouched
    assert set(state.services(state.project("acme-django"))) >= {"django-api", "frontend"}
    with traffic.window() as window:
        again = run_playbook(TEARDOWN, extra_vars=extra).assert_ok()
    assert again.changed == [] and window.mutations == [], window.summary()


def test_teardown_of_one_environment(converged, sandbox, run_playbook, traffic):
    extra = ["@examples/django.yml", {"confirm_teardown": "acme-django", "stack_environment": "staging"}]
    run_playbook(TEARDOWN, extra_vars=extra).assert_ok()
    state = SandboxState(sandbox)
    project = state.project("acme-django")
    environments = {e["name"] for e in state.railway["environments"].values()
                    if e["projectId"] == project["id"] and not e.get("deletedAt")}
    assert environments == {"production"}
    assert "staging.shop.example.com" not in state.custom_domains()
    assert "shop.example.com" in state.custom_domains()
    assert not [r for r in state.cloudflare_records("example.com") if "staging" in r["name"]]
    with traffic.window() as window:
        run_playbook(TEARDOWN, extra_vars=extra).assert_ok()
    assert window.mutations == []


def test_a_changed_laravel_stack_in_check_mode(converged, run_playbook, traffic):
    data = load_stack("django")
    api = next(s for s in data["stack"]["services"] if s["name"] == "celery-worker")
    api["deploy"]["num_replicas"] = 4
    with traffic.window() as window:
        run = run_playbook(SITE, extra_vars=[write_stack(data, "django-changed"), {"stack_environment": "production"}],
                           check=True, diff=True).assert_ok()
    assert window.mutations == []
    assert run.changed == ["railstack.platform.web_service : Settings and variables of the services, in one write, in production"]
    assert '"numReplicas": 4' in run.stdout


def test_the_recording_passes_the_contracts(converged, recording):
    check_recording(recording(), "examples")
