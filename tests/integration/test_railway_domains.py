# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_domains in real playbooks against the recording sandbox: the domains of several services in one task,
their records written per zone by one looped dns_records task, one wait for every custom domain, and a second run
that writes nothing and reads as much whatever the number of services."""
from __future__ import annotations

from .railway_ops_helpers import assert_contract, gql, make_service, no_secret_in, services_of, unique

PLAY = """
- name: The domains of every service
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      project: "{{ project }}"
      environment: production
  tasks:
    - name: Domains
      railstack.platform.railway_domains:
        services: "{{ services }}"
      register: domains

    - name: Records
      railstack.platform.dns_records:
        provider: "{{ item.provider }}"
        zone: "{{ item.zone }}"
        records: "{{ item.records }}"
      loop: "{{ domains.dns }}"
      loop_control:
        label: "{{ item.zone }}"

    - name: Verified
      railstack.platform.railway_domains:
        services: "{{ services }}"
        wait: verified
        wait_timeout: 30
        wait_interval: 0.5
      register: verified
      when: not ansible_check_mode
"""


def project_with(sandbox_env, count):
    """A project with services s0..s<count-1>, each asking for its Railway domain and one custom domain at the
    sandbox's Cloudflare zone prela.app."""
    where = make_service(sandbox_env, service="s0")
    for index in range(1, count):
        gql(sandbox_env, "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { id } }",
            {"i": {"projectId": where["project_id"], "name": "s%d" % index, "source": {"image": "nginx:1.27"}}})
    tag = unique("d")
    services = [dict(name="s%d" % index, service_domain=True, target_port=8080,
                     domains=[dict(domain="s%d-%s.prela.app" % (index, tag),
                                   dns=dict(provider="cloudflare", zone="prela.app"), wait=True)])
                for index in range(count)]
    return dict(project=where["project"], services=services)


def test_several_services_converge_verify_then_change_nothing(sandbox, sandbox_env, run_playbook, traffic):
    names = project_with(sandbox_env, 3)
    with traffic.window() as first:
        run = run_playbook(PLAY, extra_vars=names, diff=True).assert_ok()
    assert run.changed == ["Domains", "Records"]
    result = run.task("Domains")
    assert [s["public_url"] for s in result["services"]] == [
        "https://%s" % s["domains"][0]["domain"] for s in names["services"]]
    assert all(s["service_domain"]["domain"].endswith(".up.railway.app") for s in result["services"])
    [zone] = result["dns"]
    assert (zone["provider"], zone["zone"], len(zone["records"])) == ("cloudflare", "prela.app", 6)
    assert result["manual_records"] == []
    operations = first.operation_names()
    assert operations.count("serviceDomainCreate") == 3 and operations.count("customDomainCreate") == 3
    verified = run.task("Verified")["services"]
    assert [s["custom_domains"][0]["certificate_status"] for s in verified] == ["CERTIFICATE_STATUS_TYPE_VALID"] * 3
    no_secret_in(run, sandbox_env["RAILWAY_API_TOKEN"], sandbox_env["CLOUDFLARE_API_TOKEN"])

    with traffic.window() as second:
        again = run_playbook(PLAY, extra_vars=names).assert_ok()
    assert again.recap["localhost"]["changed"] == 0
    assert second.mutations == [], second.summary()
    # per railway_domains task: the token's workspaces, the projects, the environment's domains
    assert [e for e in second.operation_names() if e in ("workspaces", "projects", "environmentDomains")] == \
        ["workspaces", "projects", "environmentDomains"] * 2
    assert again.task("Domains")["dns"] == result["dns"]
    assert_contract(first, "domains-first")
    assert_contract(second, "domains-second")


def test_requests_do_not_grow_with_the_services(sandbox, sandbox_env, run_playbook, traffic):
    counts = {}
    for count in (1, 10):
        names = project_with(sandbox_env, count)
        run_playbook(PLAY, extra_vars=names).assert_ok()
        with traffic.window() as window:
            again = run_playbook(PLAY, extra_vars=names).assert_ok()
        assert again.recap["localhost"]["changed"] == 0 and window.mutations == []
        counts[count] = len(window.by_api("railway"))
    assert counts[10] == counts[1] == 6, counts


def test_service_domain_false_removes_it(sandbox, sandbox_env, run_playbook, traffic):
    names = project_with(sandbox_env, 2)
    for service in names["services"]:
        service["domains"] = []
    run_playbook(PLAY, extra_vars=names).assert_ok()
    names["services"][0]["service_domain"] = False
    # a plan record passed whole: what it holds for the other modules is taken and ignored
    names["services"][1].update(service_domain=None, role="web", source=dict(image="nginx:1.27"), volume=None,
                                variables=dict(FLAG="1"), health_check=None, wait=True, wait_timeout=600,
                                rollback_on_failure=False, public_address=None, state="present")
    names["services"].append(dict(name="gone", state="absent", service_domain=True, domains=[]))
    with traffic.window() as window:
        run = run_playbook(PLAY, extra_vars=names, diff=True).assert_ok()
    assert run.changed == ["Domains"]
    assert [op for op in window.operation_names() if op.endswith("Delete")] == ["serviceDomainDelete"]
    s0, s1, gone = run.task("Domains")["services"]
    assert gone == dict(name="gone", service_domain=None, custom_domains=[], public_url=None)
    assert s0["service_domain"] is None and s0["public_url"] is None
    assert s1["service_domain"] is None
    live = [d for d in sandbox.client.state()["railway"]["serviceDomains"].values() if not d.get("deletedAt")]
    ids = services_of(sandbox_env, names["project"])
    assert [d["serviceId"] for d in live if d["serviceId"] in ids.values()] == [ids["s1"]]
    with traffic.window() as window:
        again = run_playbook(PLAY, extra_vars=names).assert_ok()
    assert again.recap["localhost"]["changed"] == 0 and window.mutations == []


def test_check_mode_writes_nothing(sandbox, sandbox_env, run_playbook, traffic):
    names = project_with(sandbox_env, 2)
    with traffic.window() as window:
        run = run_playbook(PLAY, extra_vars=names, check=True, diff=True).assert_ok()
    assert run.changed == ["Domains"]
    assert window.mutations == [], window.summary()
    assert run.task("Domains")["dns"] == []
    hosts = {s["domains"][0]["domain"] for s in names["services"]}
    live = sandbox.client.state()["railway"].get("customDomains", {}).values()
    assert not [d for d in live if d["domain"] in hosts]


def test_an_empty_list_sends_no_request(sandbox, sandbox_env, run_playbook, traffic):
    names = dict(project=unique("none"), services=[])
    with traffic.window() as window:
        run = run_playbook(PLAY, extra_vars=names).assert_ok()
    assert run.changed == [] and window.by_api("railway") == []
