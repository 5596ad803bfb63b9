# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_domain in real playbooks against the recording sandbox, and the custom-domain round trip through
dns_records: Railway asks for records, dns_records writes them to the sandbox's Cloudflare zone, the domain
turns verified."""
from __future__ import annotations

import pytest

from .helpers.sandbox import SandboxError
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


VERIFY = """
- name: A custom domain, its records at a DNS provider, and the wait for Railway's verification
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
      register: custom

    - name: Records
      railstack.platform.dns_records:
        provider: "{{ provider }}"
        zone: "{{ zone }}"
        records: >-
          {{ (custom.dns_records | selectattr('type', 'eq', 'CNAME') | map('combine', {'proxied': proxied | bool})
              | list) + (custom.dns_records | rejectattr('type', 'eq', 'CNAME') | list) }}

    - name: Verified
      railstack.platform.railway_domain:
        domain: "{{ host }}"
        wait: verified
        wait_timeout: 20
        wait_interval: 0.2
      register: verified
"""


def _command(entry):
    pairs = dict(entry.get("form") or []) or dict(entry.get("query") or [])
    return str(pairs.get("Command", "")).lower()


def writes(window):
    """Railway mutations, Cloudflare writes and Namecheap setHosts calls (every Namecheap call is a POST)."""
    return [e for e in window.entries
            if (e.get("api") == "namecheap" and _command(e) == "namecheap.domains.dns.sethosts")
            or (e.get("api") != "namecheap" and e in window.mutations)]


def health_status(sandbox, host):
    try:
        sandbox.client.request("GET", "/_sandbox/railway/health/%s" % host)
    except SandboxError as exc:
        return int(str(exc).split("HTTP ", 1)[1].split(":", 1)[0])
    return 200


def plan_certificate(sandbox, host, retryable):
    sandbox.client.request("POST", "/_sandbox/railway/domains/certificate",
                           dict(domain=host, outcome="ISSUE_FAILED", retryable=retryable))


def verify_vars(sandbox_env, provider="cloudflare", zone="prela.app", proxied=False, prefix="vfy"):
    where = make_service(sandbox_env)
    return dict(project=where["project"], host="%s.%s" % (unique(prefix), zone), provider=provider, zone=zone,
                proxied=proxied)


@pytest.mark.parametrize("provider, zone", [("cloudflare", "prela.app"), ("namecheap", "prela.dev")])
def test_txt_record_at_the_full_name_verifies_through_the_dns_provider(sandbox, sandbox_env, run_playbook, traffic,
                                                                       provider, zone):
    names = verify_vars(sandbox_env, provider, zone)
    run_playbook(DOMAINS, extra_vars=dict(names, label=unique("lbl"))).assert_ok()
    assert health_status(sandbox, names["host"]) == 404      # Railway answers 404 until it saw the TXT record
    with traffic.window() as first:
        run = run_playbook(VERIFY, extra_vars=names).assert_ok()
    txt = [r for r in run.task("Custom domain")["dns_records"] if r["type"] == "TXT"]
    assert [r["name"] for r in txt] == ["_railway-verify.%s" % names["host"]]
    state_token = [d for d in domain_state(sandbox, "customDomains") if d["domain"] == names["host"]][0]
    assert txt[0]["values"] == [state_token["verificationToken"]]
    domain = run.task("Verified")["domain"]
    assert domain["verified"] is True and domain["certificate_status"] == "CERTIFICATE_STATUS_TYPE_VALID"
    assert health_status(sandbox, names["host"]) != 404
    assert run.changed == ["Records"] and writes(first), first.summary()

    with traffic.window() as second:
        again = run_playbook(VERIFY, extra_vars=names).assert_ok()
    assert again.recap["localhost"]["changed"] == 0
    assert writes(second) == [], second.summary()
    if provider == "cloudflare":
        assert_contract(first, "domain-verify-first")


def test_failed_certificate_is_retried_and_then_valid(sandbox, sandbox_env, run_playbook, traffic):
    names = verify_vars(sandbox_env, prefix="crt")
    plan_certificate(sandbox, names["host"], retryable=True)
    with traffic.window() as first:
        run = run_playbook(VERIFY, extra_vars=names).assert_ok()
    verified = run.task("Verified")
    assert verified["changed"] is True
    assert first.operation_names().count("customDomainIssueCertificate") == 1
    assert verified["domain"]["certificate_status"] == "CERTIFICATE_STATUS_TYPE_VALID"
    assert any(names["host"] in w and "retry" in w for w in verified.get("warnings", []))
    with traffic.window() as second:
        again = run_playbook(VERIFY, extra_vars=names).assert_ok()
    assert again.recap["localhost"]["changed"] == 0 and writes(second) == [], second.summary()
    assert_contract(first, "domain-certificate-retry")


def test_certificate_that_cannot_be_retried_fails_naming_the_domain(sandbox, sandbox_env, run_playbook, traffic):
    names = verify_vars(sandbox_env, prefix="nrt")
    plan_certificate(sandbox, names["host"], retryable=False)
    with traffic.window() as window:
        run = run_playbook(VERIFY, extra_vars=names)
    assert run.failed == ["Verified"]
    message = run.task("Verified")["msg"]
    assert message.startswith("domain:") and names["host"] in message
    assert "CERTIFICATE_STATUS_TYPE_ISSUE_FAILED" in message and "cannot be retried" in message
    assert "customDomainIssueCertificate" not in window.operation_names()


def test_proxied_cname_verifies_and_the_domain_works(sandbox, sandbox_env, run_playbook, traffic):
    names = verify_vars(sandbox_env, proxied=True, prefix="pxy")
    run = run_playbook(VERIFY, extra_vars=names).assert_ok()
    verified = run.task("Verified")
    assert verified["domain"]["verified"] is True
    assert verified["domain"]["certificate_status"] == "CERTIFICATE_STATUS_TYPE_VALID"
    assert [r["status"] for r in verified["domain"]["required_records"]] == ["DNS_RECORD_STATUS_REQUIRES_UPDATE"]
    assert any("proxied by Cloudflare" in w for w in verified.get("warnings", []))
    cnames = [r for r in sandbox.client.state()["cloudflare"]["records"].values()
              if r["name"] == names["host"] and r["type"] == "CNAME"]
    assert [r["proxied"] for r in cnames] == [True]
    assert health_status(sandbox, names["host"]) != 404
    with traffic.window() as second:
        again = run_playbook(VERIFY, extra_vars=names).assert_ok()
    assert again.recap["localhost"]["changed"] == 0 and writes(second) == [], second.summary()
