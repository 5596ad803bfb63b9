# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fingerprint of a stack's last converge (stack_fingerprint) and what the state read refuses to call converged
(stack_state, stack_plan): no value in the file, a new salt each time, mode 0600, and each mismatch's reason."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stack_fingerprint, stack_plan, stack_state
from ansible_collections.railstack.platform.plugins.module_utils.railway_lease import LEASE_SERVICE

SECRET = "ch-pass-5d1b0c4e9a7f"
VERSION = "0.1.0"


def material(**changes):
    base = dict(
        credentials=dict(api_token="railway-token-1", api_key="sk_test_1", clerk_secret_key="sk_test_clerk"),
        desired=[dict(environments=[dict(name="production", variables=dict(CLICKHOUSE_PASSWORD=SECRET))])],
        options=dict(run_migrations=False),
        railway=dict(environments=dict(production=dict(config=dict(variables=dict(JWT_SECRET="jwt-" + SECRET))))),
        stripe=dict(prices={"pro": dict(id="price_1", active=True)}),
        clerk=dict(instance=dict(allowed_origins=[])),
        dns={"cloudflare:prela.app": [dict(name="api.prela.app", type="CNAME", value="x.up.railway.app")]},
    )
    base.update(changes)
    return base


@pytest.fixture
def path(tmp_path):
    return stack_fingerprint.fingerprint_path("prela-backend", ["production"], str(tmp_path))


def test_the_file_holds_no_value_nor_an_unsalted_hash_of_one(path):
    stack_fingerprint.record(path, material(), VERSION, ["project prela-backend (p1)"])
    text = open(path, encoding="utf-8").read()
    for value in (SECRET, "railway-token-1", "sk_test_1", "sk_test_clerk", "prela.app"):
        assert value not in text
        assert hashlib.sha256(value.encode()).hexdigest() not in text
    data = json.loads(text)
    assert set(data) == {"format", "collection_version", "salt", "digests", "time", "summary"}
    assert data["summary"] == ["project prela-backend (p1)"]
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert "prela-backend" not in path and "production" not in path


def test_each_record_has_a_salt_of_its_own(path):
    stack_fingerprint.record(path, material(), VERSION, [])
    first = json.load(open(path, encoding="utf-8"))
    stack_fingerprint.record(path, material(), VERSION, [])
    second = json.load(open(path, encoding="utf-8"))
    assert first["salt"] != second["salt"] and first["digests"]["desired"] != second["digests"]["desired"]


def test_the_same_material_matches(path):
    stack_fingerprint.record(path, material(), VERSION, ["a line"])
    converged, reason, stored = stack_fingerprint.compare(path, material(), VERSION)
    assert converged and reason == "" and stored["summary"] == ["a line"]


def _changed(path_part, value):
    changed = material()
    target = changed
    *keys, last = path_part
    for key in keys:
        target = target[key]
    target[last] = value
    return changed


@pytest.mark.parametrize("where, value, reason", [
    (("credentials", "api_key"), "sk_test_rotated", "a provider credential"),
    (("desired",), [dict(environments=[dict(name="production", variables=dict(CLICKHOUSE_PASSWORD="other"))])],
     "the stack changed"),
    (("options", "run_migrations"), True, "the run options changed"),
    (("railway", "environments", "production", "config", "variables", "JWT_SECRET"), "edited", "Railway's state"),
    (("stripe", "prices", "pro", "active"), False, "Stripe's state"),
    (("clerk", "instance", "allowed_origins"), ["https://a.example"], "Clerk's state"),
    (("dns", "cloudflare:prela.app"), [], "the DNS records"),
])
def test_a_change_of_one_part_names_it(path, where, value, reason):
    stack_fingerprint.record(path, material(), VERSION, [])
    converged, said = stack_fingerprint.compare(path, _changed(where, value), VERSION)[:2]
    assert not converged and said.startswith(reason), said


def test_no_fingerprint_and_another_version_are_not_converged(path):
    assert stack_fingerprint.compare(path, material(), VERSION)[:2] == (
        False, "no converge of this stack is recorded on this machine")
    stack_fingerprint.record(path, material(), VERSION, [])
    assert not stack_fingerprint.compare(path, material(), "0.2.0")[0]
    assert stack_fingerprint.forget(path) and not stack_fingerprint.forget(path)
    assert not stack_fingerprint.compare(path, material(), VERSION)[0]


# ---------------------------------------------------------------------------------------- what is never converged


def edges(*items):
    return dict(edges=[dict(node=i) for i in items], pageInfo=dict(hasNextPage=False))


def project(deployment="SUCCESS", verified=True, certificate=stack_state.CERTIFICATE_VALID, staged=0, lease=False):
    services = [dict(id="s1", name="web")] + ([dict(id="s9", name=LEASE_SERVICE)] if lease else [])
    domain = dict(domain="api.prela.app", targetPort=8000, status=dict(verified=verified, certificateStatus=certificate))
    instance = dict(serviceId="s1", latestDeployment=dict(id="d1", status=deployment),
                    domains=dict(serviceDomains=[], customDomains=[domain]))
    env = dict(id="e1", name="production", isEphemeral=False, config=dict(services={"s1": {}}), configEtag="etag",
               unmergedChangesCount=staged, serviceInstances=edges(instance), volumeInstances=edges(),
               variables=edges())
    return dict(id="p1", name="prela-backend", services=edges(*services), volumes=edges(), environments=edges(env))


def test_a_healthy_project_has_no_reason():
    assert stack_state.railway_state(project(), lease_is_ours=False)[1] == []


@pytest.mark.parametrize("changes, reason", [
    (dict(deployment="FAILED"), "latest deployment of service s1 is FAILED"),
    (dict(deployment="BUILDING"), "latest deployment of service s1 is BUILDING"),
    (dict(verified=False), "custom domain api.prela.app is not verified"),
    (dict(certificate="CERTIFICATE_STATUS_TYPE_ISSUING"), "custom domain api.prela.app is not verified"),
    (dict(staged=2), "it has staged changes"),
    (dict(lease=True), "another run holds the stack's lease"),
])
def test_state_a_converge_would_wait_on_or_repair_is_never_converged(changes, reason):
    reasons = stack_state.railway_state(project(**changes), lease_is_ours=False)[1]
    assert any(reason in r for r in reasons), reasons


def test_the_runs_own_lease_is_left_out_of_the_state():
    with_lease = project(lease=True)
    env = with_lease["environments"]["edges"][0]["node"]
    env["config"]["services"]["s9"] = dict(variables=dict(RAILSTACK_LEASE_RUN=dict(value="run-1")))
    env["serviceInstances"]["edges"].append(dict(node=dict(serviceId="s9", latestDeployment=None, domains=None)))
    state, reasons = stack_state.railway_state(with_lease, lease_is_ours=True)
    assert reasons == [] and state == stack_state.railway_state(project(), lease_is_ours=False)[0]


def test_a_missing_project_or_more_than_a_page_is_not_converged():
    assert stack_state.railway_state(None, False)[1] == ["the project does not exist yet"]
    big = project()
    big["services"]["pageInfo"]["hasNextPage"] = True
    assert any("more than 100 services" in r for r in stack_state.railway_state(big, False)[1])


def desired(**changes):
    check = dict(project=dict(name="prela-backend"), environment_list=[dict(name="production")],
                 environments=[dict(name="production", webhooks=[], databases=[])], stripe=dict(prices=[], products=[]),
                 clerk=dict(instance=None, domain=None), uses_clerk=False, notifications=[], requirements=[])
    check.update(changes)
    return check


@pytest.mark.parametrize("changes, reason", [
    (dict(notifications=[dict(url="https://hooks.example")]), "deploy notifications"),
    (dict(clerk=dict(instance=dict(hibp=True, allowed_origins=None), domain=None)), "Clerk's hibp"),
    (dict(clerk=dict(instance=None, domain=dict(name="prela.app"))), "Clerk domain"),
])
def test_what_the_read_cannot_cover_is_never_converged(changes, reason):
    uncovered = stack_plan.desired_parts([desired(**changes)])["uncovered"]
    assert any(reason in r for r in uncovered), uncovered


def test_clerks_allowed_origins_are_covered():
    check = desired(clerk=dict(instance=dict(allowed_origins=["https://a.example"], hibp=None), domain=None))
    assert stack_plan.desired_parts([check])["uncovered"] == []


def test_migrations_to_run_are_never_converged():
    with_migrations = desired(environments=[dict(name="production", webhooks=[],
                                                 databases=[dict(name="Postgres", migrations=dict(path="m"))])])
    assert stack_plan._migrations_run([with_migrations], dict(run_migrations=True))
    assert not stack_plan._migrations_run([with_migrations], dict(run_migrations=False))
    assert not stack_plan._migrations_run([desired()], dict(run_migrations=True))


def test_reads_run_concurrently_and_an_error_is_raised():
    assert stack_state.read_concurrently(dict(a=lambda: (1, []), b=lambda: (2, ["x"]))) == dict(a=(1, []), b=(2, ["x"]))

    def broken():
        raise RuntimeError("down")

    with pytest.raises(RuntimeError):
        stack_state.read_concurrently(dict(a=lambda: (1, []), b=broken))
