# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad stack files, generated: seeded mutants of examples/prela.yml through the stack check.

Every mutant a user would call wrong (a wrong type, a missing or unknown key, a null where a value is
required, a duplicate name, a negative number, a bad choice, a huge or non-ASCII host name) is refused,
with a message naming its place and no Python exception; every mutant that is still a good stack (another
value for a variable, a new variable, a huge or non-ASCII free text) passes. A planted secret put in a
wrong-typed field never appears in the failure.
"""
from __future__ import annotations

import copy
import random

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import stack_check as stack, stack_shape
from .test_stack_check import check, example

SEED = 20261203
MUTANTS = 360
PLANTED = "hunter2-planted-secret-0c7b"
HUGE = "x" * 100_000
UNICODE = "Prélà ☃ 日本語 \u202e"
NAMED_LISTS = {"services": "name", "databases": "name"}


class Leaf:
    """One place of the stack: its container, key, option (spec), and how the check names it."""

    def __init__(self, parent, key, option, where):
        self.parent, self.key, self.option, self.where = parent, key, option, where

    @property
    def kind(self):
        return self.option.get("type", "str")


def _label(item, index):
    return stack_shape._item_label(item, index)  # pylint: disable=protected-access


def places(value, options, where):
    """Every key of value (a dict checked against options), depth first, as Leaf objects."""
    out = []
    for key, item in value.items():
        option = options.get(key)
        if option is None:
            continue
        here = "%s.%s" % (where, key)
        out.append(Leaf(value, key, option, here))
        if isinstance(item, dict) and option.get("options"):
            out += places(item, option["options"], here)
        elif isinstance(item, list) and option.get("elements") == "dict" and option.get("options"):
            for index, element in enumerate(item):
                out += places(element, option["options"], "%s[%s]" % (here, _label(element, index)))
    return out


def variable_maps(data):
    return [(service["variables"], "stack.services[%s].variables" % service["name"]) for service in data["services"]
            if service.get("variables")]


# ------------------------------------------------------------------------------------------ mutations
# Each takes (rng, data) and returns (verdict, place) after changing data; None when it does not apply.

WRONG_VALUES = {
    "int": ["12", "14.00", "1e3", 1.5, True, [1], {"a": 1}, PLANTED],
    "bool": ["maybe", 7, [True], {"on": True}, PLANTED],
    "str": [[1, 2], {"a": "b"}],
    "list": ["text", 5, {"a": 1}, PLANTED],
    "dict": ["text", 5, [1], PLANTED],
}


def wrong_type(rng, data):
    leaf = rng.choice([p for p in places(data, stack.STACK_OPTIONS, "stack") if p.kind in WRONG_VALUES])
    leaf.parent[leaf.key] = copy.deepcopy(rng.choice(WRONG_VALUES[leaf.kind]))
    return "refused", _relabelled(leaf)


def negative_number(rng, data):
    leaves = [p for p in places(data, stack.STACK_OPTIONS, "stack") if p.kind == "int"]
    leaf = rng.choice(leaves)
    leaf.parent[leaf.key] = -rng.randint(1, 10 ** 6)
    return "refused", leaf.where


def _required(data):
    return [p for p in places(data, stack.STACK_OPTIONS, "stack") if p.option.get("required")]


def missing_required(rng, data):
    # not the only key of its dict: an empty dict is the same as leaving the dict out (docs/stack-file.md)
    leaf = rng.choice([p for p in _required(data) if len(p.parent) > 1])
    del leaf.parent[leaf.key]
    return "refused", _relabelled(leaf)


def null_required(rng, data):
    leaf = rng.choice(_required(data))
    leaf.parent[leaf.key] = None
    return "refused", _relabelled(leaf)


def _relabelled(leaf):
    """The place of a key changed in a list item whose label was that key: the item is then named otherwise."""
    head, dummy, tail = leaf.where.rpartition(".")
    if head.endswith("]") and leaf.key in stack_shape._ITEM_KEYS:  # pylint: disable=protected-access
        return "].%s" % tail
    return leaf.where


def unknown_key(rng, data):
    containers = [p for p in places(data, stack.STACK_OPTIONS, "stack")
                  if isinstance(p.parent[p.key], dict) and p.option.get("options")]
    leaf = rng.choice(containers)
    known = list(leaf.option["options"])
    key = rng.choice(["colour", rng.choice(known) + "s", rng.choice(known).upper(), "helthcheck", UNICODE])
    leaf.parent[leaf.key][key] = "x"
    return "refused", "%s.%s" % (leaf.where, stack_shape.printable(key))


def bad_choice(rng, data):
    leaf = rng.choice([p for p in places(data, stack.STACK_OPTIONS, "stack") if p.option.get("choices")])
    leaf.parent[leaf.key] = rng.choice(["wrker", "Postgres", "", UNICODE, PLANTED])
    return "refused", leaf.where


def duplicate_name(rng, data):
    kind = rng.choice(["services", "databases", "prices", "products"])
    items = data["stripe"][kind] if kind in ("prices", "products") else data[kind]
    original = rng.choice(items)
    items.append(copy.deepcopy(original))
    label = original.get("id") or original.get("name") or original.get("lookup_key")
    return "refused", "[%s]" % label


def bad_host_name(rng, data):
    domain = data["services"][0]["domains"][0]
    domain["domain"] = rng.choice([HUGE + ".prela.app", "api.prélà.app", "api..prela.app", "api.prela.app.",
                                   "https://api.prela.app", "api_1.prela.app", "-api.prela.app", "☃.prela.app"])
    return "refused", "stack.services[prela-api-gateway].domains["


def bad_event(rng, data):
    events = data["stripe"]["webhooks"][0]["enabled_events"]
    events[rng.randrange(len(events))] = rng.choice(["invoice.payed", "customer.subscription.create", HUGE, UNICODE,
                                                     "INVOICE.PAID", ""])
    return "refused", "stack.stripe.webhooks[prela-api-gateway].enabled_events["


def bad_variable(rng, data):
    variables, where = rng.choice(variable_maps(data))
    name = rng.choice(sorted(variables))
    variables[name] = copy.deepcopy(rng.choice([
        {"vaule": "DEBUG"}, {"value": "a", "generate": {"length": 32}}, {}, [1, 2], {"generate": {"length": 4}},
        {"generate": {"lenght": 32}}, {"value": "a", "sealed": PLANTED}, {"value": {"nested": PLANTED}},
        {"stripe_price": "prela_pro_monthly", "value": "x"}, {"clerk": "secret_key"}]))
    return "refused", "%s.%s" % (where, name)


def bad_reference(rng, data):
    variables, where = rng.choice(variable_maps(data))
    name = rng.choice(sorted(variables))
    variables[name] = rng.choice(["${{%s}}" % name, "${{Postgress.DATABASE_URL}}", "${{Postgres.NOPE}}",
                                  "${{shared.MISSING}}", "${{}}"])
    return "refused", "%s.%s" % (where, name)


# mutants that are still good stacks
def other_variable_value(rng, data):
    variables, where = rng.choice(variable_maps(data))
    name = rng.choice(sorted(variables))
    variables[name] = rng.choice(["DEBUG", 8080, True, 0.5, "", HUGE, UNICODE, "{{ lookup('env', 'X') }}"])
    return "passes", where


def new_variable(rng, data):
    variables, where = rng.choice(variable_maps(data))
    variables[rng.choice(["FEATURE_FLAG", "NEW_VAR", "app.mode", "_PRIVATE"])] = rng.choice(["on", 1, False, UNICODE])
    return "passes", where


def free_text(rng, data):
    target = rng.choice([data["project"], data["stripe"]["products"][0]])
    target["description"] = rng.choice([HUGE, UNICODE, "", "A plain description."])
    return "passes", "stack"


def other_good_value(rng, data):
    price = rng.choice(data["stripe"]["prices"])
    choice = rng.randrange(3)
    if choice == 0:
        price["unit_amount"] = rng.randint(0, 10 ** 6)
    elif choice == 1:
        price["recurring"] = {"interval": rng.choice(["day", "week", "month", "year"])}
    else:
        data["services"][0]["domains"][0]["target_port"] = rng.randint(1, 65535)
    return "passes", "stack"


MUTATIONS = [wrong_type, negative_number, missing_required, null_required, unknown_key, bad_choice, duplicate_name,
             bad_host_name, bad_event, bad_variable, bad_reference,
             other_variable_value, new_variable, free_text, other_good_value]


def mutants():
    rng = random.Random(SEED)
    base = example("prela")
    out = []
    for number in range(MUTANTS):
        data = copy.deepcopy(base)
        mutation = MUTATIONS[number % len(MUTATIONS)]
        verdict, place = mutation(rng, data)
        out.append(("%03d-%s" % (number, mutation.__name__), data, verdict, place))
    return out


MUTANTS_MADE = mutants()


@pytest.mark.parametrize("name,data,verdict,place", MUTANTS_MADE, ids=[m[0] for m in MUTANTS_MADE])
def test_a_mutant_is_refused_naming_its_place_or_passes(name, data, verdict, place):
    result = check(data, allow_live=False, stripe_api_key="sk_test_123")   # a Python exception fails the test
    if verdict == "passes":
        assert not result.get("failed"), (name, result.get("msg"))
        return
    assert result.get("failed"), name
    assert place in result["msg"], (name, place, result["msg"][:2000])
    assert PLANTED not in repr(result), name


def test_the_mutants_are_mostly_wrong_and_some_good():
    verdicts = [m[2] for m in MUTANTS_MADE]
    assert len(verdicts) >= 300
    assert verdicts.count("refused") >= 250 and verdicts.count("passes") >= 60
