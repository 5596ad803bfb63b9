# SPDX-License-Identifier: GPL-3.0-or-later
"""What railway_lease relies on (docs/railway.md, "Two runs at once"): a service name is taken by one
caller only, even when many ask at the same moment; a deleted service frees its name; project names are
not unique, and projects carry the createdAt that decides which of two is the stack's."""
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import create_project

TAKE = ("mutation railstackLeaseTake($i: ServiceCreateInput!) { serviceCreate(input: $i) { id name createdAt } }")
HOLDER = ("query($p: String!, $e: String!, $s: String) { variables(projectId: $p, environmentId: $e, serviceId: $s) }")


def test_one_of_many_simultaneous_creates_of_a_service_name_wins(sandbox):
    project = create_project(sandbox, "race")
    assert sandbox.control("POST", "faults", {"latency_ms": 50}).status_code == 200

    def take(run):
        return sandbox.post_graphql(TAKE, {"i": {"projectId": project["id"], "name": "railstack-lease",
                                                 "variables": {"RAILSTACK_LEASE_RUN": run}}}).json()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(take, ["run-%d" % n for n in range(8)]))
    won = [a["data"]["serviceCreate"] for a in answers if not a.get("errors")]
    lost = [a["errors"][0]["message"] for a in answers if a.get("errors")]
    assert len(won) == 1 and lost == ["Service with name railstack-lease already exists"] * 7
    holder = sandbox.gql(HOLDER, {"p": project["id"], "e": project["environment_id"], "s": won[0]["id"]})["variables"]
    assert holder["RAILSTACK_LEASE_RUN"].startswith("run-")


def test_a_deleted_service_frees_its_name_and_cannot_be_deleted_twice(sandbox):
    project = create_project(sandbox, "release")
    lease = sandbox.gql(TAKE, {"i": {"projectId": project["id"], "name": "railstack-lease"}})["serviceCreate"]
    release = "mutation railstackLeaseRelease($id: String!) { serviceDelete(id: $id) }"
    assert sandbox.gql(release, {"id": lease["id"]})["serviceDelete"] is True
    assert sandbox.gql_error(release, {"id": lease["id"]}) == "Service not found"
    assert sandbox.gql(TAKE, {"i": {"projectId": project["id"], "name": "railstack-lease"}})["serviceCreate"]["id"] != lease["id"]


def test_project_names_are_not_unique_and_created_at_orders_them(sandbox):
    first = create_project(sandbox, "twice")
    time.sleep(0.01)                    # createdAt has milliseconds
    second = create_project(sandbox, "twice")
    listed = sandbox.gql("{ projects { edges { node { id name createdAt } } } }")["projects"]["edges"]
    twice = sorted((p["node"]["createdAt"], p["node"]["id"]) for p in listed if p["node"]["name"] == "twice")
    assert len(twice) == 2 and twice[0][1] == first["id"] and twice[1][1] == second["id"]
