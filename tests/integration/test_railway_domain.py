# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_domain in real playbooks against the recording sandbox, and the custom-domain round trip through
dns_records: Railway asks for records, dns_records writes them to the sandbox's Cloudflare zone, the domain
turns verified."""
from __future__ import annotations

from .railway_ops_helpers import assert_contract, make_service, no_secret_in, unique

DOMAINS = """
- name: Railway domains
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      project: "{{ project }}"
      environment: production
      service: api
  tasks:
    - name: Railway domain
      railstack.platform.railway_domain:
        domain: "{{ label }}"
        target_port: 8080
    - name: Custom domain
      railstack.platform.railway_domain:
        domain: "{{ host }}"
        target_port: 8080
      register: custom
    - name: Records
      ansible.builtin.set_fact:
        records: "{{ custom.dns_records }}"
"""


def domain_state(sandbox, kind):
    return [d for d in sandbox.client.state()["railway"].get(kind, {}).values() if not d.get("deletedAt")]


def test_domains_converge_then_change_nothing(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    names = dict(project=where["project"], label=unique("api"), host="%s.prela.app" % unique("api"))
    with traffic.window() as first:
        run = run_playbook(DOMAINS, extra_vars=names, diff=True).assert_ok()
    assert run.changed == ["Railway domain", "Custom domain"]
    assert run.task("Railway domain")["domain"]["domain"] == "%s.up.railway.app" % names["label"]
    records = run.task("Custom domain")["dns_records"]
    assert [(r["name"], r["type"]) for r in records] == [
        (names["host"], "CNAME"), ("_railway-verify.%s" % names["host"], "TXT")]
    assert records[0]["values"][0].endswith(".up.railway.app") and records[1]["values"][0].startswith("railway-verify=")
    assert all(r["ttl"] == "auto" and r["proxied"] is False for r in records)
    assert set(first.operation_names()) >= {"serviceDomainCreate", "serviceDomainUpdate", "customDomainCreate"}
    mine = [d for d in domain_state(sandbox, "customDomains") if d["domain"] == names["host"]]
    assert len(mine) == 1 and mine[0]["targetPort"] == 8080

    with traffic.window() as second:
        again = run_playbook(DOMAINS, extra_vars=names).assert_ok()
    assert again.changed == [] and again.recap["localhost"]["changed"] == 0
    assert second.mutations == [], second.summary()
    # per task: the token's workspaces, the projects (each with its environments and services), the service's domains
    assert second.operation_names() == ["workspaces", "projects", "domains"] * 2
    assert again.task("Custom domain")["dns_records"] == records
    assert_contract(first, "domain-first")
    assert_contract(second, "domain-second")


def test_check_mode_sends_no_mutation(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    names = dict(project=where["project"], label=unique("chk"), host="%s.prela.app" % unique("chk"))
    with traffic.window() as window:
        run = run_playbook(DOMAINS, extra_vars=names, check=True, diff=True).assert_ok()
    assert run.changed == ["Railway domain", "Custom domain"]
    assert window.mutations == [], window.summary()
    assert not [d for d in domain_state(sandbox, "customDomains") if d["domain"] == names["host"]]


def test_port_change_and_delete(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    host = "%s.prela.app" % unique("port")
    play = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Domain
      railstack.platform.railway_domain:
        project: "{{ project }}"
        environment: production
        service: api
        domain: "{{ host }}"
        target_port: "{{ port | default(omit) }}"
        state: "{{ state | default('present') }}"
"""
    run_playbook(play, extra_vars=dict(project=where["project"], host=host, port=3000)).assert_ok()
    with traffic.window() as window:
        run = run_playbook(play, extra_vars=dict(project=where["project"], host=host, port=8080), diff=True).assert_ok()
    assert run.changed == ["Domain"] and window.operation_names().count("customDomainUpdate") == 1
    assert [d["targetPort"] for d in domain_state(sandbox, "customDomains") if d["domain"] == host] == [8080]
    with traffic.window() as window:
        run = run_playbook(play, extra_vars=dict(project=where["project"], host=host, state="absent")).assert_ok()
    assert run.changed == ["Domain"] and [op for op in window.operation_names() if "Delete" in op] == ["customDomainDelete"]
    assert not [d for d in domain_state(sandbox, "customDomains") if d["domain"] == host]
    with traffic.window() as window:
        run = run_playbook(play, extra_vars=dict(project=where["project"], host=host, state="absent")).assert_ok()
    assert run.changed == [] and window.mutations == []


def test_lost_create_is_found_again(sandbox, sandbox_env, run_playbook, traffic, faults):
    where = make_service(sandbox_env)
    names = dict(project=where["project"], label=unique("lost"), host="%s.prela.app" % unique("lost"))
    faults(next=[{"kind": "drop_after_commit", "api": "railway", "match": "customDomainCreate"},
                 {"kind": "drop_after_commit", "api": "railway", "match": "serviceDomainCreate"}])
    with traffic.window() as window:
        run = run_playbook(DOMAINS, extra_vars=names).assert_ok()
    assert run.changed == ["Railway domain", "Custom domain"]
    assert window.operation_names().count("customDomainCreate") == 1
    assert window.operation_names().count("serviceDomainCreate") == 1
    assert [d["domain"] for d in domain_state(sandbox, "customDomains") if d["domain"] == names["host"]] == [names["host"]]
    assert run.task("Custom domain")["dns_records"][0]["name"] == names["host"]
    mine = [d for d in domain_state(sandbox, "serviceDomains") if d["serviceId"] == where["service_id"]]
    assert [d["domain"] for d in mine] == ["%s.up.railway.app" % names["label"]]


def test_bad_input_fails_before_any_write_naming_the_field(sandbox, sandbox_env, run_playbook, traffic):
    where = make_service(sandbox_env)
    taken = make_service(sandbox_env)
    play = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      project: "{{ project }}"
      environment: production
      service: api
  tasks:
    - name: Taken Railway domain
      railstack.platform.railway_domain:
        domain: "{{ taken }}"
      ignore_errors: true
    - name: Scheme in the domain
      railstack.platform.railway_domain:
        domain: https://api.prela.app
      ignore_errors: true
    - name: Bad port
      railstack.platform.railway_domain:
        domain: api.prela.app
        target_port: 0
      ignore_errors: true
    - name: Unknown service
      railstack.platform.railway_domain:
        service: apii
        domain: api.prela.app
      ignore_errors: true
    - name: Unknown wait
      railstack.platform.railway_domain:
        domain: api.prela.app
        wait: forever
      ignore_errors: true
"""
    taken_label = unique("taken")
    run_playbook("""
- hosts: localhost
  gather_facts: false
  tasks:
    - railstack.platform.railway_domain: {project: "%s", environment: production, service: api, domain: "%s"}
""" % (taken["project"], taken_label)).assert_ok()
    with traffic.window() as window:
        run = run_playbook(play, extra_vars=dict(project=where["project"], taken=taken_label), verbosity=4)
    assert window.mutations == [], window.summary()
    messages = {name: run.task(name)["msg"] for name in run.failed}
    assert set(messages) == {"Taken Railway domain", "Scheme in the domain", "Bad port", "Unknown service", "Unknown wait"}
    assert messages["Taken Railway domain"].startswith("domain:") and "not available" in messages["Taken Railway domain"]
    assert messages["Scheme in the domain"].startswith("domain:")
    assert messages["Bad port"].startswith("target_port:")
    assert messages["Unknown service"].startswith("service:") and "api" in messages["Unknown service"]
    assert "wait" in messages["Unknown wait"]
    no_secret_in(run, sandbox_env["RAILWAY_API_TOKEN"])


E2E = """
- name: A custom domain made by railway_domain and verified through dns_records
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/railstack.platform.railway:
      project: "{{ project }}"
      environment: production
      service: api
  tasks:
    - name: Custom domain
      railstack.platform.railway_domain:
        domain: "{{ host }}"
        target_port: 8080
      register: custom

    - name: Not verified before the records exist
      railstack.platform.railway_domain:
        domain: "{{ host }}"
        wait: verified
        wait_timeout: 1
        wait_interval: 0.5
      register: early
      ignore_errors: true

    - name: The records Railway asked for, in the sandbox's Cloudflare zone
      railstack.platform.dns_records:
        provider: cloudflare
        zone: prela.app
        records: "{{ custom.dns_records }}"

    - name: Verified with a valid certificate
      railstack.platform.railway_domain:
        domain: "{{ host }}"
        wait: verified
        wait_timeout: 30
        wait_interval: 0.5
      register: verified
"""


def test_custom_domain_turns_verified_once_dns_records_wrote_what_it_asked_for(sandbox, sandbox_env, run_playbook,
                                                                               traffic):
    where = make_service(sandbox_env)
    names = dict(project=where["project"], host="%s.prela.app" % unique("e2e"))
    with traffic.window() as first:
        run = run_playbook(E2E, extra_vars=names, verbosity=4)
    run.assert_ok()
    early = run.task("Not verified before the records exist")
    assert run.failed == ["Not verified before the records exist"] and early["msg"].startswith("wait_timeout:")
    assert "CNAME %s" % names["host"] in early["msg"] and "TXT _railway-verify.%s" % names["host"] in early["msg"]
    verified = run.task("Verified with a valid certificate")
    assert verified["domain"]["verified"] is True
    assert verified["domain"]["certificate_status"] == "CERTIFICATE_STATUS_TYPE_VALID"
    assert [r["status"] for r in verified["domain"]["required_records"]] == ["DNS_RECORD_STATUS_PROPAGATED"]
    assert run.changed == ["Custom domain", "The records Railway asked for, in the sandbox's Cloudflare zone"]
    cloudflare = first.by_api("cloudflare")
    assert any(e["method"] == "POST" for e in cloudflare)
    no_secret_in(run, sandbox_env["RAILWAY_API_TOKEN"], sandbox_env["CLOUDFLARE_API_TOKEN"])

    with traffic.window() as second:
        again = run_playbook(E2E.replace("wait_timeout: 1\n", "wait_timeout: 5\n"), extra_vars=names).assert_ok()
    assert again.recap["localhost"]["changed"] == 0
    assert again.task("Not verified before the records exist")["domain"]["verified"] is True
    assert second.mutations == [], second.summary()
