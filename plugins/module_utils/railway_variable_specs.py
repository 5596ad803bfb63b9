# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""Railway variables as the railway_* resources write them: library code, no resource of its own.

parse_variables() (the `variables` option's value), desired_variables() (what to write, given what
Railway has), check_references() (every `${{...}}` names a service and a variable that exist, which
the stack's validation reuses) and stale_references() (services whose rendered values a change moves).
"""

from __future__ import annotations

import difflib
import hashlib
import re
import secrets
import string

from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.railway_config import DELETE, GENERATED_PREFIX, SECRET_NAME_RE


# Variables Railway gives every service (https://docs.railway.com/reference/variables#railway-provided-variables).
RAILWAY_PROVIDED = frozenset((
    "RAILWAY_PUBLIC_DOMAIN", "RAILWAY_PRIVATE_DOMAIN", "RAILWAY_TCP_PROXY_DOMAIN", "RAILWAY_TCP_PROXY_PORT",
    "RAILWAY_TCP_APPLICATION_PORT", "RAILWAY_VOLUME_NAME", "RAILWAY_VOLUME_MOUNT_PATH", "RAILWAY_VOLUME_ID",
    "RAILWAY_PROJECT_NAME", "RAILWAY_PROJECT_ID", "RAILWAY_ENVIRONMENT_NAME", "RAILWAY_ENVIRONMENT_ID",
    "RAILWAY_ENVIRONMENT", "RAILWAY_SERVICE_NAME", "RAILWAY_SERVICE_ID", "RAILWAY_STATIC_URL",
    "RAILWAY_DEPLOYMENT_ID", "RAILWAY_REPLICA_ID", "RAILWAY_REPLICA_REGION", "RAILWAY_SNAPSHOT_ID",
    "RAILWAY_GIT_COMMIT_SHA", "RAILWAY_GIT_AUTHOR", "RAILWAY_GIT_BRANCH", "RAILWAY_GIT_REPO_NAME",
    "RAILWAY_GIT_REPO_OWNER", "RAILWAY_GIT_COMMIT_MESSAGE",
))
# Template functions Railway evaluates inside ${{ }} (docs: templates, "template variable functions").
TEMPLATE_FUNCTIONS = ("secret", "randomInt")
REFERENCE_RE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
FUNCTION_RE = re.compile(r"^(\w+)\s*\((.*)\)$", re.S)
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
DEFAULT_ALPHABET = string.ascii_letters + string.digits
SPEC_KEYS = ("value", "generate", "sealed", "rotate")
GENERATE_KEYS = ("length", "alphabet")


class VariableSpec:
    """One wanted variable: a value, or a secret to generate once; sealed or not (None: not managed)."""

    def __init__(self, name, value=None, generate=None, sealed=None, rotate=None):
        self.name = name
        self.value = value
        self.generate = generate          # (length, alphabet) or None
        self.sealed = sealed
        self.rotate = rotate              # a generated secret's rotation name (text), or None


def _string(option, value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise TaskFailed("%s: expected a string, a number, a boolean or a dict with value/generate/sealed." % option)


# Values of variables named like secrets (railway_config.SECRET_NAME_RE) are registered with the task's redactor.
# Other values (LOG_LEVEL=INFO, SERVICE_NAME=api) are not: masking them wherever they appear as text would
# also mask service and environment names in results and diffs. No value is ever returned; diffs show the
# values that are not secrets (railway_config.is_secret_variable).


def register_secret_values(ctx, specs, current=None):
    """Hide the values of secret-looking, sealed and literal connection-string variables from every output,
    and the values Railway has for generated secrets (`current`: the variables Railway has)."""
    for spec in specs or ():
        have = (current or {}).get(spec.name)
        if spec.generate and isinstance(have, dict) and have.get("value"):
            ctx.redactor.add(have["value"])
        if spec.value is None or spec.value.startswith("${{"):
            continue
        if spec.sealed or SECRET_NAME_RE.search(spec.name) or "://" in spec.value:
            ctx.redactor.add(spec.value)


def parse_variables(option, raw):
    """The `variables` option: NAME -> value, or NAME -> {value | generate: {length, alphabet}, sealed}."""
    specs = []
    for name, entry in (raw or {}).items():
        where = "%s.%s" % (option, name)
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise TaskFailed("%s: %r is not a variable name (letters, digits, _ . -, not starting with a digit)." % (option, name))
        if entry is None:
            raise TaskFailed("%s: no value given; use state=absent (or exclusive) to remove a variable." % where)
        if not isinstance(entry, dict):
            specs.append(VariableSpec(name, value=_string(where, entry)))
            continue
        unknown = sorted(set(entry) - set(SPEC_KEYS))
        if unknown:
            raise TaskFailed("%s: unknown key(s) %s; a variable is a value or a dict of %s." % (where, ", ".join(unknown), ", ".join(SPEC_KEYS)))
        if ("value" in entry) == ("generate" in entry):
            raise TaskFailed("%s: give either value or generate." % where)
        sealed = entry.get("sealed")
        if sealed is not None and not isinstance(sealed, bool):
            raise TaskFailed("%s.sealed: expected a boolean." % where)
        if "value" in entry and "rotate" in entry:
            raise TaskFailed("%s.rotate: only with generate (it makes a new secret once per rotate value)." % where)
        if "value" in entry:
            if entry["value"] is None:
                raise TaskFailed("%s.value: no value given." % where)
            specs.append(VariableSpec(name, value=_string(where + ".value", entry["value"]), sealed=sealed))
            continue
        generate = entry["generate"] or {}
        if not isinstance(generate, dict) or set(generate) - set(GENERATE_KEYS):
            raise TaskFailed("%s.generate: expected a dict with length and alphabet." % where)
        length = generate.get("length", 32)
        if isinstance(length, str) and length.isdigit():
            length = int(length)
        if not isinstance(length, int) or isinstance(length, bool) or not 8 <= length <= 256:
            raise TaskFailed("%s.generate.length: expected a whole number from 8 to 256." % where)
        alphabet = generate.get("alphabet") or DEFAULT_ALPHABET
        if not isinstance(alphabet, str) or len(set(alphabet)) < 10:
            raise TaskFailed("%s.generate.alphabet: expected a string of at least 10 different characters." % where)
        specs.append(VariableSpec(name, generate=(length, alphabet), sealed=sealed, rotate=_rotation(where, entry)))
    return specs


def _rotation(where, entry):
    rotate = entry.get("rotate")
    if rotate is None:
        return None
    if isinstance(rotate, bool) or not isinstance(rotate, (str, int)) or str(rotate).strip() == "":
        raise TaskFailed("%s.rotate: expected a text that names the rotation (such as 2026-12); change it to rotate again." % where)
    return str(rotate)


# A generated secret's variable gets a description (GENERATED_PREFIX ...): what it was generated with, so that a
# change of the generate options or of `rotate` (on purpose) makes a new secret, and nothing else does.


def generated_description(spec):
    """The description of a generated secret: its length, its alphabet (as a set: order does not matter), its rotation."""
    length, alphabet = spec.generate
    digest = hashlib.sha256("".join(sorted(set(alphabet))).encode("utf-8")).hexdigest()[:12]
    text = "%s (length %d, alphabet %s" % (GENERATED_PREFIX, length, digest)
    return text + (", rotation %s)" % spec.rotate if spec.rotate is not None else ")")


def rotation_due(ctx, option, spec, have):
    """Whether an existing generated secret is made again: its description says other options or another rotation.

    A value without our description (made by hand, or before descriptions) is kept unless `rotate` is given;
    a sealed one (Railway shows neither its value nor its description) is never rotated."""
    described = have.get("description") if isinstance(have, dict) else None
    if isinstance(described, str) and described.startswith(GENERATED_PREFIX):
        return described != generated_description(spec)
    if spec.rotate is None:
        return False
    if isinstance(have, dict) and have.get("isSealed") and have.get("value") is None:
        ctx.warn("%s.%s.rotate: the variable is sealed, so whether it was rotated cannot be read back; not rotated. "
                 "Remove it (state=absent) and run again to make a new one." % (option, spec.name))
        return False
    return True


def _generated_entry(ctx, spec, cache):
    if spec.name not in cache:
        cache[spec.name] = generated_value(*spec.generate)
        ctx.redactor.add(cache[spec.name])
    return dict(value=cache[spec.name], description=generated_description(spec))


def generated_value(length, alphabet):
    return "".join(secrets.choice(alphabet) for dummy in range(length))


def desired_variables(ctx, option, specs, current, exclusive=False, update_mode="compare", absent_names=(), cache=None):
    """The variables patch section (name -> entry or DELETE) that gives `current` the wanted variables.

    Present = keep for generated secrets; sealed values (never readable) are written when missing,
    or every time with update_mode=always; update_mode=on_create writes only missing ones.
    `cache` keeps generated values of one run, so a second plan of the same run writes the same secret.
    """
    current = current or {}
    cache = {} if cache is None else cache
    desired = {}
    for spec in specs:
        have = current.get(spec.name)
        sealed_now = isinstance(have, dict) and bool(have.get("isSealed"))
        entry = {}
        if have is None:
            if spec.generate:
                entry.update(_generated_entry(ctx, spec, cache))
            else:
                entry["value"] = spec.value
            if spec.sealed:
                entry["isSealed"] = True
        else:
            if spec.generate and rotation_due(ctx, option, spec, have):
                entry.update(_generated_entry(ctx, spec, cache))
            elif spec.generate or update_mode == "on_create":
                pass
            elif sealed_now:
                if update_mode == "always":
                    entry["value"] = spec.value
            else:
                entry["value"] = spec.value
            if spec.sealed and not sealed_now:
                entry["isSealed"] = True
            elif spec.sealed is False and sealed_now:
                ctx.warn("%s.%s: the variable is sealed and Railway cannot unseal it; left sealed." % (option, spec.name))
        if entry:
            desired[spec.name] = entry
    for name in absent_names:
        desired[name] = DELETE
    if exclusive:
        wanted = {spec.name for spec in specs}
        for name in current:
            if name not in wanted:
                desired[name] = DELETE
    return desired


def variable_changes(current, desired):
    """(added, updated, removed) names between current variables and a desired section."""
    current = current or {}
    added, updated, removed = [], [], []
    for name, entry in sorted(desired.items()):
        if entry is DELETE:
            if name in current:
                removed.append(name)
        elif name not in current:
            added.append(name)
        elif any((current[name] or {}).get(k) != v for k, v in entry.items()):
            updated.append(name)
    return added, updated, removed


# ---------------------------------------------------------------------------------------- references

def _candidates(name, choices):
    close = difflib.get_close_matches(name, list(choices), n=3, cutoff=0.6)
    listed = sorted(choices)
    text = ""
    if close:
        text += "; did you mean %s?" % " or ".join(close)
    if listed:
        text += " (it has: %s%s)" % (", ".join(listed[:20]), ", ..." if len(listed) > 20 else "")
    else:
        text += " (it has none)"
    return text


def reference_catalog(state, config, new_services=None):
    """What references may name after the plan: {service name: variable names}, shared variable names.

    `config` is the environment's config as it will be; `new_services` maps ids of services this run
    creates (placeholders in check mode) to their names.
    """
    names = dict(state.service_names)
    names.update(new_services or {})
    services = {}
    for service_id, instance in (config.get("services") or {}).items():
        if service_id in names:
            services[names[service_id]] = set(((instance or {}).get("variables") or {}).keys())
    return dict(services=services, shared=set((config.get("sharedVariables") or {}).keys()),
                environment=(state.environment or {}).get("name"))


def reference_problems(option, values, own, catalog):
    """Messages (each starting with `option`.NAME) for references that name nothing.

    values: {NAME: value}; own: the name of the service whose variables these are, or None for
    shared variables; catalog: reference_catalog(). Railway-provided names and template
    functions (secret, randomInt) are accepted.
    """
    problems = []
    environment = catalog.get("environment") or "the environment"
    services, shared = catalog["services"], catalog["shared"]
    own_names = services.get(own, set()) if own is not None else shared
    for name, value in sorted(values.items()):
        where = "%s.%s" % (option, name)
        for expression in REFERENCE_RE.findall(value or ""):
            function = FUNCTION_RE.match(expression)
            if function:
                if function.group(1) not in TEMPLATE_FUNCTIONS:
                    problems.append("%s: %s() is not a Railway template function%s" % (
                        where, function.group(1), _candidates(function.group(1), TEMPLATE_FUNCTIONS)))
                continue
            head, dot, tail = expression.rpartition(".")
            if not tail:
                problems.append("%s: an empty reference ${{}}" % where)
            elif not dot:
                if tail not in own_names and tail not in RAILWAY_PROVIDED:
                    problems.append("%s: the reference to %s names no variable of %s and no Railway-provided variable%s" % (
                        where, tail, "service %s" % own if own is not None else "the shared variables",
                        _candidates(tail, set(own_names) | (RAILWAY_PROVIDED if tail.startswith("RAILWAY_") else set()))))
            elif head == "shared":
                if tail not in shared:
                    problems.append("%s: the reference to shared.%s names no shared variable of %s%s" % (
                        where, tail, environment, _candidates(tail, shared)))
            elif head not in services:
                problems.append("%s: the reference to %s.%s names service %r, which %s does not have%s" % (
                    where, head, tail, head, environment, _candidates(head, services)))
            elif tail not in services[head] and tail not in RAILWAY_PROVIDED:
                problems.append("%s: the reference to %s.%s names no variable of service %s%s" % (
                    where, head, tail, head, _candidates(tail, services[head] | (RAILWAY_PROVIDED if tail.startswith("RAILWAY_") else set()))))
    return problems


def check_references(option, values, own, catalog):
    """Fail (TaskFailed) naming every reference that names nothing; see reference_problems()."""
    problems = reference_problems(option, values, own, catalog)
    if problems:
        raise TaskFailed("; ".join(problems), problems=problems)


# ---------------------------------------------------------------------------------------- references that changed

SHARED_SCOPE = "shared"


def reference_targets(own: str, value: str | None) -> list[tuple[str, str]]:
    """(service or "shared", VARIABLE) of each reference in a value, in order; ${{NAME}} is a variable of `own`."""
    targets = []
    for expression in REFERENCE_RE.findall(value or ""):
        if FUNCTION_RE.match(expression):
            continue
        head, dot, tail = expression.rpartition(".")
        if tail:
            targets.append((head if dot else own, tail))
    return targets


def referenced_keys(own: str, value: str | None) -> set[tuple[str, str]]:
    """The references of a value as a set (reference_targets)."""
    return set(reference_targets(own, value))


def stale_references(values: dict[str, dict[str, str]], changed: set[tuple[str, str]]) -> dict[str, list[str]]:
    """{service: sorted references ("api.FLAG", "shared.X")} of the services whose rendered values change.

    values: {service name: {NAME: value as written}}; changed: the (service or "shared", NAME) pairs whose
    values this run changes. Railway renders references when a deployment starts and does not deploy the
    services that reference a changed variable, so these services run the old values until deployed again.
    A value that references a value that changes changes too (worker.X = ${{api.FLAG}}, cron.Y = ${{worker.X}}).
    """
    changed = set(changed)
    reasons: dict[str, set[str]] = {}
    grew = True
    while grew:
        grew = False
        for service, variables in values.items():
            for name, value in variables.items():
                hits = referenced_keys(service, value) & changed
                hits.discard((service, name))
                if not hits:
                    continue
                reasons.setdefault(service, set()).update(
                    "%s.%s" % hit if hit[0] != service else hit[1] for hit in hits)
                if (service, name) not in changed:
                    changed.add((service, name))
                    grew = True
    return {service: sorted(found) for service, found in reasons.items()}
