# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""extensions/awx/*.yml: what the playbooks hand to awx.awx.

awx.awx is not installed here and there is no AWX to talk to, so the playbooks run against a
stand-in awx.awx collection whose modules only record their arguments. That proves what the
playbooks send (in particular that the injector templates reach AWX unrendered); AWX's acceptance
of the credential types themselves is tests/unit/extensions/test_awx_credential_types.py. With the
real awx.awx installed, the playbooks are also syntax-checked against it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap

import pytest
import yaml

from .helpers.playbook import VENV_BIN, playbook_environment, run_playbook
from .helpers.sandbox import OUTPUT, REPO_ROOT

AWX_DIR = REPO_ROOT / "extensions" / "awx"
STUB_ROOT = OUTPUT / "awx-stub"
STUB_MODULES = ("credential_type", "inventory", "host", "inventory_source", "job_template", "workflow_job_template",
                "workflow_job_template_node")
STUB = textwrap.dedent('''\
    #!/usr/bin/python
    # WANT_JSON
    """Stand-in for awx.awx.%s: records its arguments, changes nothing."""
    import json
    import os
    import sys

    with open(sys.argv[1]) as f:
        args = json.load(f)
    with open(os.environ["AWX_STUB_LOG"], "a") as f:
        f.write(json.dumps({"module": "%s", "args": {k: v for k, v in args.items() if not k.startswith("_ansible")}}) + "\\n")
    print(json.dumps({"changed": True}))
''')


@pytest.fixture(scope="module")
def awx_stub():
    shutil.rmtree(STUB_ROOT, ignore_errors=True)
    modules = STUB_ROOT / "ansible_collections" / "awx" / "awx" / "plugins" / "modules"
    modules.mkdir(parents=True)
    for name in STUB_MODULES:
        (modules / ("%s.py" % name)).write_text(STUB % (name, name), encoding="utf-8")
    log = STUB_ROOT / "calls.jsonl"

    def run(playbook, extra_vars=None):
        log.write_text("", encoding="utf-8")
        env = {"ANSIBLE_COLLECTIONS_PATH": "%s%s%s" % (STUB_ROOT, os.pathsep, REPO_ROOT / ".collections"),
               "AWX_STUB_LOG": str(log)}
        result = run_playbook(AWX_DIR / playbook, extra_vars=extra_vars, env=env,
                              args=["-e", "ansible_python_interpreter=%s" % (VENV_BIN / "python")])
        result.assert_ok()
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]

    return run


def test_bootstrap_registers_every_credential_type_unrendered(awx_stub):
    expected = yaml.safe_load((AWX_DIR / "credential_types.yml").read_text(encoding="utf-8"))["credential_types"]
    calls = awx_stub("bootstrap.yml")
    assert [c["module"] for c in calls] == ["credential_type"] * len(expected)
    for call, credential_type in zip(calls, expected):
        args = call["args"]
        assert args["state"] == "present"
        assert {k: args[k] for k in ("name", "description", "kind", "inputs", "injectors")} == credential_type
    railway = calls[0]["args"]["injectors"]["env"]
    assert railway["RAILWAY_API_TOKEN"] == "{{ api_token }}"


def test_job_templates_survey_and_workflow(awx_stub):
    survey = yaml.safe_load((AWX_DIR / "survey.yml").read_text(encoding="utf-8"))
    calls = awx_stub("job_templates.yml", extra_vars={"railstack_awx_project": "platform-repo",
                                                      "railstack_awx_execution_environment": "railstack-ee"})
    by_module = {}
    for call in calls:
        by_module.setdefault(call["module"], []).append(call["args"])
    job_template = by_module["job_template"][0]
    assert job_template["survey_spec"] == survey
    assert job_template["survey_enabled"] is True
    # two launches of one stack never run at once (site.yml's lease guards runs from elsewhere)
    assert job_template["allow_simultaneous"] is False
    assert by_module["workflow_job_template"][0]["allow_simultaneous"] is False
    assert (job_template["project"], job_template["playbook"]) == ("platform-repo", "site.yml")
    assert job_template["execution_environment"] == "railstack-ee"
    assert by_module["inventory_source"][0]["source_path"] == "inventories/railway.yml"
    nodes = {n["identifier"]: n for n in by_module["workflow_job_template_node"]
             if n["workflow_job_template"] == "railstack staging to production"}
    assert list(nodes) == ["production", "approve-production", "staging"], "a node must exist before a link to it"
    assert nodes["staging"]["success_nodes"] == ["approve-production"]
    assert nodes["approve-production"]["success_nodes"] == ["production"]
    assert nodes["approve-production"]["approval_node"]["timeout"] > 0
    assert nodes["staging"]["extra_data"] == {"stack_environment": "staging", "allow_live": "false"}
    assert nodes["production"]["extra_data"] == {"stack_environment": "production", "allow_live": "true"}
    assert "stripe-live" in nodes["production"]["credentials"] and "stripe-live" not in nodes["staging"]["credentials"]


def test_survey_asks_only_for_what_site_yml_reads():
    survey = yaml.safe_load((AWX_DIR / "survey.yml").read_text(encoding="utf-8"))
    site = (REPO_ROOT / "playbooks" / "site.yml").read_text(encoding="utf-8")
    allowed_types = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}
    assert set(survey) == {"name", "description", "spec"}
    for question in survey["spec"]:
        assert {"question_name", "variable", "type", "required"} <= set(question)
        assert question["type"] in allowed_types
        assert question["variable"] in site, "site.yml does not read %s" % question["variable"]
        if question["type"] == "multiplechoice":
            assert question["default"] in question["choices"]


def _real_awx_collection():
    env = playbook_environment()
    proc = subprocess.run([str(VENV_BIN / "ansible-galaxy"), "collection", "list", "awx.awx", "--format", "json"],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    try:
        return any("awx.awx" in found for found in json.loads(proc.stdout or "{}").values())
    except ValueError:
        return False


@pytest.mark.parametrize("playbook", ["bootstrap.yml", "job_templates.yml"])
def test_syntax_check_with_real_awx_collection(playbook):
    if not _real_awx_collection():
        pytest.skip("awx.awx is not installed here (ansible-galaxy collection install awx.awx to run this check)")
    proc = subprocess.run([str(VENV_BIN / "ansible-playbook"), "--syntax-check", str(AWX_DIR / playbook)], cwd=REPO_ROOT,
                          env=playbook_environment(), capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_stacks_job_template_is_sliced_and_the_workflow_goes_environment_by_environment(awx_stub):
    calls = awx_stub("job_templates.yml", extra_vars={"railstack_awx_project": "platform-repo",
                                                      "railstack_awx_job_slice_count": 3})
    by_module = {}
    for call in calls:
        by_module.setdefault(call["module"], []).append(call["args"])
    sources = {s["name"]: s for s in by_module["inventory_source"]}
    assert sources["railstack stacks"]["source_path"] == "inventories/stacks.stacks.yml"
    assert sources["railstack stacks"]["update_on_launch"] is True
    inventories = {i["name"]: i for i in by_module["inventory"]}
    for environment in ("staging", "production"):
        constructed = inventories["railstack stacks %s" % environment]
        assert constructed["kind"] == "constructed" and constructed["input_inventories"] == ["railstack stacks"]
        source = sources["Auto-created source for: railstack stacks %s" % environment]
        assert source["limit"] == "env_%s" % environment and source["source_vars"]["plugin"] == "constructed"
    job_template = {j["name"]: j for j in by_module["job_template"]}["railstack converge stacks"]
    assert int(job_template["job_slice_count"]) == 3
    # slices of one environment of every stack never share a stack (two slices that share stacks wait for
    # each other's leases)
    assert job_template["inventory"] == "railstack stacks staging"
    assert job_template["ask_job_slice_count_on_launch"] is True
    assert job_template["allow_simultaneous"] is False
    # what the workflow's nodes give at launch must be prompted for, or AWX ignores it
    assert job_template["ask_inventory_on_launch"] and job_template["ask_variables_on_launch"]
    assert job_template["ask_credential_on_launch"]
    assert "survey_spec" not in job_template, "the hosts name their stack file; a survey would ask for one"
    nodes = {n["identifier"]: n for n in by_module["workflow_job_template_node"]
             if n["workflow_job_template"] == "railstack stacks staging to production"}
    assert list(nodes) == ["stacks-production", "stacks-approve-production", "stacks-staging", "stacks-inventory"]
    assert nodes["stacks-inventory"]["unified_job_template"] == "railstack stacks", "the inventory source syncs first"
    assert nodes["stacks-inventory"]["success_nodes"] == ["stacks-staging"]
    assert nodes["stacks-staging"]["inventory"] == "railstack stacks staging"
    assert nodes["stacks-staging"]["success_nodes"] == ["stacks-approve-production"]
    assert nodes["stacks-approve-production"]["success_nodes"] == ["stacks-production"]
    assert nodes["stacks-production"]["inventory"] == "railstack stacks production"
    assert nodes["stacks-production"]["extra_data"] == {"allow_live": "true"}
    assert "stripe-live" not in nodes["stacks-staging"]["credentials"]
    # a node's limit would be applied after slicing, leaving slices without hosts
    assert all("limit" not in n or n["limit"] is None for n in nodes.values())
