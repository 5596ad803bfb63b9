# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""extensions/awx/credential_types.yml: loads under AWX's rules and injects what the collection reads."""

from __future__ import annotations

import copy
import importlib
import re
from pathlib import Path

import pytest
import yaml

from .awx_rules import credential_type_problems, render_env

REPO_ROOT = Path(__file__).resolve().parents[3]
CREDENTIAL_TYPES_FILE = REPO_ROOT / "extensions" / "awx" / "credential_types.yml"
CREDENTIAL_TYPES = yaml.safe_load(CREDENTIAL_TYPES_FILE.read_text(encoding="utf-8"))["credential_types"]
BY_NAME = {ct["name"]: ct for ct in CREDENTIAL_TYPES}

# The variables issue 7 names: what the modules being written read (and the sandbox's env file sets).
EXPECTED_ENV = {
    "Railway (railstack.platform)": {"RAILWAY_API_TOKEN", "RAILWAY_TOKEN", "RAILWAY_API_URL"},
    "Stripe (railstack.platform)": {"STRIPE_API_KEY", "STRIPE_API_BASE"},
    "Clerk (railstack.platform)": {"CLERK_SECRET_KEY", "CLERK_API_URL"},
    "Cloudflare DNS (railstack.platform)": {"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_URL"},
    # AWS_ENDPOINT_URL_ROUTE_53 rather than AWS_ENDPOINT_URL (which dns_record also reads): it sends only
    # Route53 calls to an emulator, not every AWS call of the job.
    "Route53 DNS (railstack.platform)": {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                         "AWS_ENDPOINT_URL_ROUTE_53"},
    "Namecheap DNS (railstack.platform)": {"NAMECHEAP_API_USER", "NAMECHEAP_API_KEY", "NAMECHEAP_USERNAME",
                                           "NAMECHEAP_CLIENT_IP", "NAMECHEAP_API_URL"},
}
# Environment variables documented by a plugin that are deliberately not credentials: an AWS profile
# needs a config file that an AWX job does not have.
NOT_FROM_CREDENTIALS = {"AWS_PROFILE"}
SECRET_ID = re.compile(r"token|secret|key|password", re.I)
ENV_REF = re.compile(r"E\(([A-Z][A-Z0-9_]*)\)")


def injected():
    """{env var: credential type name} over every type."""
    owners = {}
    for ct in CREDENTIAL_TYPES:
        for name in ct["injectors"].get("env", {}):
            owners.setdefault(name, []).append(ct["name"])
    return owners


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_credential_type_passes_awx_rules(name):
    assert credential_type_problems(BY_NAME[name]) == []


def test_one_credential_type_per_provider_and_each_variable_from_one_type():
    assert len(BY_NAME) == len(CREDENTIAL_TYPES), "credential type names must be unique"
    assert set(BY_NAME) == set(EXPECTED_ENV)
    doubles = {name: owners for name, owners in injected().items() if len(owners) > 1}
    assert not doubles, "AWX would inject these from two credentials at once: %s" % doubles


@pytest.mark.parametrize("name", sorted(EXPECTED_ENV))
def test_credential_type_injects_the_variables_the_collection_reads(name):
    assert set(BY_NAME[name]["injectors"]["env"]) == EXPECTED_ENV[name]
    assert not BY_NAME[name]["injectors"].get("extra_vars"), "credentials must not become playbook variables"


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_secrets_are_secret_and_required_inputs_exist(name):
    fields = BY_NAME[name]["inputs"]["fields"]
    ids = [f["id"] for f in fields]
    for field in fields:
        if SECRET_ID.search(field["id"]) and field["id"] != "access_key_id":
            assert field.get("secret") is True, "%s.%s holds a secret but is not secret: true" % (name, field["id"])
    assert set(BY_NAME[name]["inputs"].get("required", [])) <= set(ids)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_input_is_injected_and_reaches_its_variable(name):
    ct = BY_NAME[name]
    values = {f["id"]: "value-of-%s" % f["id"] for f in ct["inputs"]["fields"]}
    env = render_env(ct, values)
    assert sorted(env.values()) == sorted(values.values()), "each input must reach exactly one variable: %s" % env


def test_railway_injects_account_token_and_leaves_project_token_empty():
    env = render_env(BY_NAME["Railway (railstack.platform)"], {"api_token": "acct-token-123"})
    assert env == {"RAILWAY_API_TOKEN": "acct-token-123", "RAILWAY_TOKEN": "",
                   "RAILWAY_API_URL": "https://backboard.railway.com/graphql/v2"}


def test_sandbox_env_file_variables_are_all_injected():
    from railstack_sandbox.credentials import Credentials, env_lines  # pylint: disable=import-outside-toplevel

    names = {line.split()[1].split("=", 1)[0] for line in env_lines("http://127.0.0.1:1", Credentials())}
    names = {name for name in names if not name.startswith("RAILSTACK_SANDBOX_")}     # the sandbox's own, for tests
    assert names <= set(injected()), "sandbox variables no credential type injects: %s" % (names - set(injected()))


def _documented_options():
    """{(plugin file, option): (env vars in the order read, default)} from doc fragments and inventory plugins."""
    found = {}
    fragments = sorted((REPO_ROOT / "plugins" / "doc_fragments").glob("*.py"))
    for path in fragments:
        module = importlib.import_module("ansible_collections.railstack.platform.plugins.doc_fragments." + path.stem)
        for attr, text in vars(module.ModuleDocFragment).items():
            if attr.isupper() and isinstance(text, str):
                for option, spec in (yaml.safe_load(text).get("options") or {}).items():
                    # str(): a description line holding ": " parses as a mapping; its text still counts
                    names = ENV_REF.findall(" ".join(str(line) for line in spec.get("description", [])))
                    if names:
                        found[(path.name, option)] = (names, spec.get("default"))
    for path in sorted((REPO_ROOT / "plugins" / "inventory").glob("*.py")):
        module = importlib.import_module("ansible_collections.railstack.platform.plugins.inventory." + path.stem)
        for option, spec in yaml.safe_load(module.DOCUMENTATION)["options"].items():
            names = [env["name"] for env in spec.get("env", [])]
            if names:
                found[(path.name, option)] = (names, spec.get("default"))
    return found


def test_variables_documented_by_plugins_are_injected_with_the_same_defaults():
    documented = _documented_options()
    assert ("railway.py", "api_token") in documented, "no documented variable found"
    owners = injected()
    empty = {}
    for ct in CREDENTIAL_TYPES:
        empty.update(render_env(ct, {}))
    for (plugin, option), (names, default) in documented.items():
        names = [n for n in names if n not in NOT_FROM_CREDENTIALS]
        if not names:
            continue
        ours = [n for n in names if n in owners]
        assert ours, "%s option %s reads %s, which no credential type injects" % (plugin, option, " or ".join(names))
        # AWX always sets the variables of an attached credential: the one read first must be ours
        assert names[0] in owners, "%s option %s reads %s before %s" % (plugin, option, names[0], ours[0])
        expected = "" if default is None else str(default)
        assert empty[ours[0]] == expected, "%s: an unset credential gives %s=%r, but %s %s defaults to %r" % (
            owners[ours[0]][0], ours[0], empty[ours[0]], plugin, option, expected)


# ------------------------------------------------------------------ the validator refuses what AWX refuses

def _broken(change):
    ct = copy.deepcopy(BY_NAME["Railway (railstack.platform)"])
    change(ct)
    return credential_type_problems(ct)


@pytest.mark.parametrize("change, message", [
    (lambda ct: ct["injectors"]["env"].update(ANSIBLE_CONFIG="{{ api_url }}"), "may affect Ansible configuration"),
    (lambda ct: ct["injectors"]["env"].update(PATH="{{ api_url }}"), "is not allowed to be used in credentials"),
    (lambda ct: ct["injectors"]["env"].update(RAILWAY_X="{{ api_tokn }}"), "uses an undefined field"),
    (lambda ct: ct["injectors"]["env"].update(RAILWAY_X="{{ tower }}"), "reserved `tower` namespace"),
    (lambda ct: ct["injectors"]["env"].update(RAILWAY_X="{{ tower.filename }}"), "unnamed file injector"),
    (lambda ct: ct["injectors"]["env"].update(RAILWAY_X="{{ api_url"), "Syntax error"),
    (lambda ct: ct["injectors"]["env"].update({"1BAD": "x"}), "does not match any of the regexes"),
    (lambda ct: ct["injectors"]["env"].update(RAILWAY_X="caf\u00e9"), "does not match"),
    (lambda ct: ct["injectors"].update(files={}), "Additional properties are not allowed"),
    (lambda ct: ct["inputs"]["fields"][0].update(placeholder="x"), "Additional properties are not allowed"),
    (lambda ct: ct["inputs"]["fields"][0].update(type="integer"), "is not one of"),
    (lambda ct: ct["inputs"]["fields"][0].update(format="email"), "is not one of"),
    (lambda ct: ct["inputs"]["fields"][0].pop("label"), "'label' is a required property"),
    (lambda ct: ct["inputs"]["fields"][0].update(id="api-token"), "does not match"),
    (lambda ct: ct["inputs"]["fields"].append(dict(id="tower", label="x")), "reserved field name"),
    (lambda ct: ct["inputs"]["fields"].append(dict(id="api_url", label="x")), "must be unique"),
    (lambda ct: ct["inputs"]["fields"].append(dict(id="flag", label="x", type="boolean", secret=True)),
     "secret not allowed for boolean"),
    (lambda ct: ct["inputs"]["fields"].append(dict(id="flag", label="x", type="boolean", default="yes")),
     "is not a boolean"),
    (lambda ct: ct["inputs"].update(dependencies={}), "'dependencies' is not supported"),
    (lambda ct: ct.update(kind="ssh"), "Must be 'cloud' or 'net'"),
])
def test_validator_refuses_what_awx_refuses(change, message):
    problems = _broken(change)
    assert any(message in p for p in problems), problems
