# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""stack_plan: the checks of the planning pass on provider state given as data (no request)."""

from __future__ import annotations

from ansible_collections.railstack.platform.plugins.module_utils import stack_plan
from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils.cloudflare import CloudflareClient
from ansible_collections.railstack.platform.plugins.module_utils.stack_check import Checker, requirements


def env(volumes=(), restarts=(), domains=(), name="production"):
    return dict(environment=name, volumes=list(volumes), restarts=list(restarts), domains=list(domains))


def database(name, size_mb=None):
    return dict(where="stack.databases[%s]" % name, service=name, name=None, size_mb=size_mb)


def project_with(volume_mb):
    """An existing project: Postgres mounting one volume of `volume_mb` in production."""
    config = dict(services={"svc-pg": dict(volumeMounts={"vol-1": dict(mountPath="/data")})},
                  volumes={"vol-1": dict(sizeMB=volume_mb)})
    return dict(id="p1", name="prela-backend", subscriptionType="hobby",
                environments=dict(edges=[dict(node=dict(id="e1", name="production", config=config))]),
                services=dict(edges=[dict(node=dict(id="svc-pg", name="Postgres"))]),
                volumes=dict(edges=[dict(node=dict(id="vol-1", name="pg-data"))]))


def test_a_new_project_on_free_refuses_the_second_volume_naming_the_plan_and_the_database():
    problems = stack_plan.check_volumes(None, "prela-backend", "free", [env([database("Postgres"), database("Redis")])])
    assert len(problems) == 1
    assert problems[0].startswith("stack.databases[Redis]: Railway's Free plan allows 1 volume per project")


def test_the_second_environment_does_not_count_the_same_volume_twice():
    one = [database("Postgres")]
    assert stack_plan.check_volumes(None, "p", "free", [env(one), env(one, name="staging")]) == []


def test_a_new_volume_smaller_than_the_plans_first_size_is_a_shrink():
    problems = stack_plan.check_volumes(None, "p", "pro", [env([database("Postgres", 10000)])])
    assert problems and problems[0].startswith("stack.databases[Postgres].size_mb: Railway's Pro plan creates volumes "
                                               "of 50000 MB")


def test_an_existing_volume_is_never_shrunk_and_may_grow():
    shrink = stack_plan.check_volumes(project_with(8000), "prela-backend", "hobby", [env([database("Postgres", 6000)])])
    assert shrink and shrink[0].startswith("stack.databases[Postgres].size_mb: volume pg-data is 8000 MB in production")
    assert stack_plan.check_volumes(project_with(8000), "prela-backend", "hobby", [env([database("Postgres", 9000)])]) == []


def test_free_refuses_always_and_more_than_ten_retries():
    rows = [dict(where="stack.services[worker].deploy", service="worker", type="ALWAYS", max_retries=11)]
    problems = stack_plan.check_restarts("free", rows)
    fields = [p.split(":")[0] for p in problems]
    assert fields == ["stack.services[worker].deploy.restart_policy_type",
                      "stack.services[worker].deploy.restart_policy_max_retries"]
    assert stack_plan.check_restarts("hobby", rows) == [] and stack_plan.check_restarts(None, rows) == []


def record(name, rtype, value, owned=False):
    return dict(name=name, type=rtype, value=value, ttl=1, proxied=False, owned=owned, id="r-" + value, raw=None)


DOMAIN = dict(where="stack.services[api].domains[api.prela.app]", service="api", domain="api.prela.app",
              provider="cloudflare", zone="prela.app")


def domain_problems(current):
    return stack_plan._domain_problems(CloudflareClient, "prela.app", DOMAIN, current)


def test_a_record_a_cname_cannot_stand_beside_fails_naming_the_domain_and_the_fix():
    problems = domain_problems([record("api.prela.app", "A", "203.0.113.7")])
    assert problems == ["stack.services[api].domains[api.prela.app]: Cloudflare zone prela.app: api.prela.app already "
                        "has an A record (203.0.113.7) that a CNAME record cannot stand beside; remove it. Nothing was "
                        "written; the run makes the custom domain once that record is gone (it changes only records "
                        "it made, and CNAMEs to Railway)."]


def test_a_foreign_cname_fails_and_ours_or_one_to_railway_does_not():
    assert "elsewhere.example.net" in domain_problems([record("api.prela.app", "CNAME", "elsewhere.example.net")])[0]
    assert domain_problems([record("api.prela.app", "CNAME", "elsewhere.example.net", owned=True)]) == []
    assert domain_problems([record("api.prela.app", "CNAME", "x1y2.up.railway.app")]) == []
    assert domain_problems([record("_railway-verify.api.prela.app", "TXT", "railway-verify=old")]) == []
    assert domain_problems([record("_railway-verify.api.prela.app", "CNAME", "elsewhere.example.net")])


def test_stack_check_requirements_hold_names_and_sizes_but_no_variable_value():
    stack = dict(project=dict(name="p"), dns=dict(provider="cloudflare", zone="prela.app"),
                 databases=[dict(engine="postgres", size_mb=6000)],
                 services=[dict(name="api", role="web", source=dict(image="nginx:1"), variables=dict(SECRET="s3cr3t"),
                                domains=[dict(domain="api.prela.app")], deploy=dict(restart_policy_max_retries=3))])
    plan = Checker(stack).plan("production")
    found = requirements(plan)
    assert found["volumes"] == [dict(where="stack.databases[Postgres]", service="Postgres", name=None, size_mb=6000)]
    assert found["domains"][0]["zone"] == "prela.app" and found["domains"][0]["domain"] == "api.prela.app"
    assert found["restarts"][0]["max_retries"] == 3
    assert "s3cr3t" not in repr(found)


class FakeRailway:
    """The three reads of read_railway, answered from data; `refuse_me` answers Railway's Not Authorized."""

    uses_project_token = False

    def __init__(self, plan="FREE", projects=(), refuse_me=False):
        self.plan, self.projects, self.refuse_me, self.sent = plan, list(projects), refuse_me, []

    def query(self, document, variables=None):
        self.sent.append(document.split("(")[0].split("{")[0].strip())
        if self.refuse_me:
            raise ApiError("Railway: Not Authorized", provider="Railway", status=200)
        edges = [dict(node=p) for p in self.projects]
        workspace = dict(id="ws1", name="me", plan=self.plan, projects=dict(edges=edges, pageInfo=dict(hasNextPage=False)))
        return dict(me=dict(workspaces=[workspace]))

    def find_projects(self, name, workspace_id=None):
        self.sent.append("find_projects")
        return [p for p in self.projects if p["name"] == name]

    def get_project(self, project_id, fields):
        self.sent.append("project")
        return dict(id=project_id, name="prela-backend", subscriptionType="hobby")


def test_a_new_project_takes_its_workspaces_plan_in_one_query():
    client = FakeRailway(plan="FREE")
    assert stack_plan.read_railway(client, "prela-backend", None) == (None, "free")
    assert client.sent == ["query planWorkspaces"]


def test_an_existing_project_answers_its_own_plan():
    client = FakeRailway(plan="FREE", projects=[dict(id="p1", name="prela-backend")])
    project, plan = stack_plan.read_railway(client, "prela-backend", None)
    assert project["id"] == "p1" and plan == "hobby" and client.sent == ["query planWorkspaces", "project"]


def test_a_token_refused_the_workspaces_finds_the_project_as_railway_project_does_and_knows_no_plan():
    client = FakeRailway(refuse_me=True)
    assert stack_plan.read_railway(client, "prela-backend", None) == (None, None)
    assert client.sent == ["query planWorkspaces", "find_projects"]
