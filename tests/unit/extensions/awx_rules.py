# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""AWX's rules for custom credential types, re-implemented for tests (AWX itself is not installed).

What AWX checks when a credential type is created (awx/main/fields.py: CredentialTypeInputField,
CredentialTypeInjectorField; awx/api/serializers.py: CredentialTypeSerializer; awx/main/constants.py:
ENV_BLOCKLIST), and how it renders injectors when a job runs (awx/main/models/credential:
CredentialType.inject_credential). See ../shared/reference/ansible-tooling.md §4.1.
"""

from __future__ import annotations

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jsonschema import Draft4Validator

# awx/main/constants.py
ENV_BLOCKLIST = frozenset((
    "VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID", "INVENTORY_UPDATE_ID",
    "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES", "CALLBACK_QUEUE", "CALLBACK_CONNECTION",
    "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS", "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH",
))
# CredentialTypeSerializer: a type that AWX does not manage itself may only be of these kinds
CUSTOM_KINDS = ("cloud", "net")

INPUTS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "required": {"type": "array", "items": {"type": "string"}},
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"enum": ["string", "boolean"]},
                    "format": {"enum": ["ssh_private_key", "url"]},
                    "choices": {"type": "array", "minItems": 1, "items": {"type": "string"}, "uniqueItems": True},
                    "id": {"type": "string", "pattern": "^[a-zA-Z_]+[a-zA-Z0-9_]*$"},
                    "label": {"type": "string"},
                    "help_text": {"type": "string"},
                    "multiline": {"type": "boolean"},
                    "secret": {"type": "boolean"},
                    "ask_at_runtime": {"type": "boolean"},
                    "default": {},
                },
                "additionalProperties": False,
                "required": ["id", "label"],
            },
        },
    },
}

INJECTORS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "file": {
            "type": "object",
            "patternProperties": {r"^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$": {"type": "string"}},
            "additionalProperties": False,
        },
        "env": {
            "type": "object",
            "patternProperties": {"^[a-zA-Z_]+[a-zA-Z0-9_]*$": {"type": "string", "pattern": "^[\x00-\x7F]*$"}},
            "additionalProperties": False,
        },
        "extra_vars": {
            "type": "object",
            "patternProperties": {"^[a-zA-Z_]+[a-zA-Z0-9_]*$": {"type": "string"}},
            "additionalProperties": False,
        },
    },
}


def _schema_problems(schema, value, where):
    return ["%s: %s (at %s)" % (where, err.message, "/".join(str(p) for p in err.absolute_path) or "top")
            for err in Draft4Validator(schema).iter_errors(value)]


def input_problems(inputs):
    """CredentialTypeInputField.validate."""
    if not isinstance(inputs, dict):
        return ["inputs: must be a mapping"]
    if "dependencies" in inputs:
        return ["inputs: 'dependencies' is not supported for custom credentials."]
    problems = _schema_problems(INPUTS_SCHEMA, inputs, "inputs")
    if problems:
        return problems
    ids = set()
    for field in inputs.get("fields", []):
        field_id = field["id"]
        if field_id == "tower":
            problems.append('inputs: "tower" is a reserved field name')
        if field_id in ids:
            problems.append("inputs: field IDs must be unique (%s)" % field_id)
        ids.add(field_id)
        field_type = field.get("type", "string")
        if "default" in field and not isinstance(field["default"], {"string": str, "boolean": bool}[field_type]):
            problems.append("inputs: %r is not a %s (%s)" % (field["default"], field_type, field_id))
        for key in ("choices", "multiline", "format", "secret"):
            if key in field and field_type != "string":
                problems.append("inputs: %s not allowed for %s type (%s)" % (key, field_type, field_id))
    return problems


class _Exploding:
    def __init__(self, message):
        self._message = message

    def __str__(self):
        raise UndefinedError(self._message)


class _TowerNamespace:
    def __init__(self):
        self.filename = _Exploding("Must define unnamed file injector in order to reference `tower.filename`.")

    def __str__(self):
        raise UndefinedError("Cannot directly reference reserved `tower` namespace container.")


def injector_problems(injectors, inputs):
    """CredentialTypeInjectorField.validate (run after the inputs are known to be valid)."""
    if not isinstance(injectors, dict):
        return ["injectors: must be a mapping"]
    problems = _schema_problems(INJECTORS_SCHEMA, injectors, "injectors")
    if problems or input_problems(inputs):
        return problems
    namespace = {field["id"]: "EXAMPLE" for field in inputs.get("fields", [])}
    namespace["tower"] = _TowerNamespace()
    template_names = [name for name in injectors.get("file", {}) if name.startswith("template")]
    if "template" in template_names:
        namespace["tower"].filename = "EXAMPLE_FILENAME"
        if len(template_names) > 1:
            problems.append("injectors: Must use multi-file syntax when injecting multiple files")
    elif template_names:
        namespace["tower"].filename = _TowerNamespace()
        for name in template_names:
            setattr(namespace["tower"].filename, name.split(".")[1], "EXAMPLE_FILENAME")
    for section, entries in injectors.items():
        for key, template in entries.items():
            if section == "env":
                if key.startswith("ANSIBLE_"):
                    problems.append("injectors: Environment variable %s may affect Ansible configuration so its use "
                                    "is not allowed in credentials." % key)
                if key in ENV_BLOCKLIST:
                    problems.append("injectors: Environment variable %s is not allowed to be used in credentials." % key)
            try:
                ImmutableSandboxedEnvironment(undefined=StrictUndefined).from_string(template).render(namespace)
            except UndefinedError as exc:
                problems.append("injectors: %s uses an undefined field (%s)" % (key, exc))
            except SecurityError as exc:
                problems.append("injectors: Encountered unsafe code execution: %s" % exc)
            except TemplateSyntaxError as exc:
                problems.append("injectors: Syntax error rendering template for %s inside of %s (%s)" % (key, section, exc))
    return problems


def credential_type_problems(credential_type):
    """Everything AWX would refuse in one credential type definition (name, kind, inputs, injectors)."""
    problems = []
    unknown = sorted(set(credential_type) - {"name", "description", "kind", "inputs", "injectors"})
    if unknown:
        problems.append("unknown keys: %s" % ", ".join(unknown))
    name = credential_type.get("name")
    if not isinstance(name, str) or not name or len(name) > 512:
        problems.append("name: required, a string of at most 512 characters")
    if credential_type.get("kind") not in CUSTOM_KINDS:
        problems.append("kind: Must be 'cloud' or 'net', not %s" % credential_type.get("kind"))
    inputs = credential_type.get("inputs", {})
    problems += input_problems(inputs)
    problems += injector_problems(credential_type.get("injectors", {}), inputs)
    return problems


def render_env(credential_type, values):
    """The environment AWX gives a job for a credential of this type holding `values`.

    As CredentialType.inject_credential: only inputs that hold a non-empty value are in the
    namespace (booleans always; missing booleans are False), and templates are rendered by a
    sandboxed Jinja environment with the default Undefined, so an unset input renders as "".
    """
    namespace = {}
    for key, value in values.items():
        if isinstance(value, bool) or len(value):
            namespace[key] = value
    for field in credential_type["inputs"].get("fields", []):
        if field.get("type", "string") == "boolean" and field["id"] not in values:
            namespace[field["id"]] = False
    sandbox = ImmutableSandboxedEnvironment()
    return {name: sandbox.from_string(template).render(**namespace)
            for name, template in credential_type.get("injectors", {}).get("env", {}).items()}
