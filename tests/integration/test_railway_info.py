# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""railway_info returns domains with status, latest deployments, volume sizes and notification rules in one query."""
from __future__ import annotations

from .railway_ops_helpers import FAST, assert_contract, behaviour, gql, make_service, unique

INFO = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Domain
      railstack.platform.railway_domain:
        project: "{{ project }}"
        environment: production
        service: api
        domain: "{{ host }}"
    - name: Deployment
      railstack.platform.railway_deployment:
        project: "{{ project }}"
        environment: production
        service: api
        wait: true
        wait_interval: 0.1
    - name: Rule
      railstack.platform.railway_notification:
        project: "{{ project }}"
        url: https://hooks.example.com/info-secret-path
        event_types: [deployment.failed]
    - name: Info
      railstack.platform.railway_info:
        project: "{{ project_id }}"
        workspace_id: "{{ workspace_id }}"
      register: info
"""


def test_info_in_one_query(sandbox, sandbox_env, run_playbook, traffic):
    behaviour(sandbox, phase_seconds=FAST)
    where = make_service(sandbox_env)
    gql(sandbox_env, "mutation($i: VolumeCreateInput!) { volumeCreate(input: $i) { id } }",
        {"i": {"projectId": where["project_id"], "serviceId": where["service_id"], "mountPath": "/data",
               "environmentId": where["environment_id"]}})
    workspace_id = gql(sandbox_env, "{ me { workspaces { id } } }")["me"]["workspaces"][0]["id"]
    host = "%s.prela.app" % unique("info")
    start = traffic.mark()
    run = run_playbook(INFO, extra_vars=dict(project=where["project"], project_id=where["project_id"], host=host,
                                             workspace_id=workspace_id)).assert_ok()
    window = traffic.since(start)
    info_requests = [e for e in window.by_api("railway") if "projectInfo" in e["json"]["query"]]
    assert len(info_requests) == 1 and window.operation_names()[-1] == "projectInfo"
    project = run.task("Info")["project"]
    [service] = project["environments"][0]["services"]
    assert service["domains"] == [dict(domain=host, type="custom", target_port=None, sync_status="ACTIVE", verified=False,
                                       certificate_status="CERTIFICATE_STATUS_TYPE_VALIDATING_OWNERSHIP")]
    assert service["latest_deployment"]["id"] == run.task("Deployment")["deployment"]["id"]
    assert service["latest_deployment"]["status"] == "SUCCESS"
    assert project["environments"][0]["volumes"][0]["size_mb"] == 5000
    [rule] = project["notification_rules"]
    assert rule["event_types"] == ["deployment.failed"] and rule["channels"] == [dict(type="webhook", host="hooks.example.com")]
    assert "info-secret-path" not in run.stdout
    assert_contract(window, "info")
