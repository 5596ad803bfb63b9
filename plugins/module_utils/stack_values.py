# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stack_check's rules for single values the stack file alone decides: whole numbers, host names, cron
schedules, Stripe event types, variables, live Stripe keys.

Each rule returns problems as text that starts with the place at fault and says the fix. No problem
quotes a value that could be a secret: a wrong value is described by its kind ("text", "a decimal
number"), never shown; only names the file gives (services, domains, event types, schedules) are quoted.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any, Optional

from ansible_collections.railstack.platform.plugins.module_utils.stripe_events import EVENT_TYPES

# The smallest value of a whole-number option, by option name; every other whole number is 0 or more
# (tcp_proxy_port: 0 removes the TCP proxy).
MINIMUMS = dict(
    size_mb=1,
    target_port=1,
    num_replicas=1,
    length=8,
    timeout=1,
    wait_timeout=1,
    healthcheck_timeout=1,
    interval_count=1,
    status_code=100,
)
MAXIMUMS = dict(target_port=65535, tcp_proxy_port=65535, status_code=599)
HINTS = dict(
    unit_amount=" (the amount in the currency's smallest unit: 1400 for 14.00)", size_mb=" (megabytes: 5000 for 5 GB)"
)

LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
LIVE_KEY_RE = re.compile(r"^(sk|rk)_live_")
NUMBER_TEXT_RE = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")
VARIABLE_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
VARIABLE_KEYS = ("value", "generate", "sealed", "rotate")
GENERATE_KEYS = ("length", "alphabet")
BINDING_KEYS = ("stripe_price", "clerk")


def kind_of(value: Any) -> str:
    """What a value is, in words, without showing it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text that reads as a number" if NUMBER_TEXT_RE.match(value) else "text"
    if isinstance(value, dict):
        return "a dict"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "a value of another kind"


def did_you_mean(given: Any, choices: Iterable[Any]) -> str:
    close = difflib.get_close_matches(str(given), [str(c) for c in choices], n=1, cutoff=0.6)
    return "; did you mean %s?" % close[0] if close else ""


def candidates(name: Any, choices: Iterable[str]) -> str:
    """'; did you mean a or b? (it has: a, b, c)': up to three close names, then every name there is."""
    close = difflib.get_close_matches(str(name), list(choices), n=3, cutoff=0.6)
    text = "; did you mean %s?" % " or ".join(close) if close else ""
    return text + " (it has: %s)" % (", ".join(sorted(choices)) or "none")


# ---------------------------------------------------------------------------------------- numbers


def whole_number(value: Any, name: str, where: str, errors: list) -> Optional[int]:
    """value if it is a whole number written as one (not text, not a decimal, not a boolean), in range."""
    if isinstance(value, bool) or not isinstance(value, int):
        fix = "; write it without quotes" if isinstance(value, str) and NUMBER_TEXT_RE.match(value) else ""
        errors.append("%s: expected a whole number%s, got %s%s." % (where, HINTS.get(name, ""), kind_of(value), fix))
        return None
    low, high = MINIMUMS.get(name, 0), MAXIMUMS.get(name)
    if value < low or (high is not None and value > high):
        errors.append(
            "%s: expected a whole number from %d%s%s."
            % (where, low, " to %d" % high if high is not None else " up", HINTS.get(name, ""))
        )
        return None
    return value


# ---------------------------------------------------------------------------------------- host names


def host_name_problem(host: Any, where: str, wildcard: bool = False) -> Optional[str]:
    """Why host is not a host name Railway or a DNS provider accepts (None if it is one)."""
    if not isinstance(host, str) or not host:
        return "%s: expected a host name such as api.example.com, got %s." % (where, kind_of(host))
    if "://" in host or "/" in host or ":" in host:
        return "%s: a host name only, without https:// , a port or a path (api.example.com)." % where
    if host.endswith("."):
        return "%s: %s: write it without the trailing dot." % (where, host[:80])
    if host != host.lower():
        return "%s: %s: write it in lower case (%s)." % (where, host[:80], host.lower()[:80])
    labels = host.split(".")
    if wildcard and labels[0] == "*":
        labels = labels[1:]
    if len(host) > 253 or len(labels) < 2:
        return "%s: %s is not a full host name (a name and its domain, at most 253 characters)." % (where, host[:80])
    for label in labels:
        if not LABEL_RE.match(label):
            what = "an empty label (two dots in a row)" if not label else "the label %r" % label[:63]
            return (
                "%s: %s has %s; each label is 1 to 63 letters, digits or hyphens, not starting or ending "
                "with a hyphen." % (where, host[:80], what)
            )
    if labels[-1].isdigit():
        return "%s: %s: a host name, not an IP address." % (where, host[:80])
    return None


# ---------------------------------------------------------------------------------------- cron

CRON_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 6))
CRON_PART_RE = re.compile(r"^(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?$")
CRON_MIN_MINUTES = 5


def _cron_values(text: str, low: int, high: int) -> Optional[set]:
    """The values a cron field stands for, or None when it is not a field of numbers in [low, high]."""
    values: set[int] = set()
    for part in text.split(","):
        match = CRON_PART_RE.match(part)
        if not match:
            return None
        step = int(match.group(4)) if match.group(4) else 1
        if match.group(1) == "*":
            start, end = low, high
        else:
            start = int(match.group(2))
            end = int(match.group(3)) if match.group(3) else (high if match.group(4) else start)
        if step < 1 or start < low or end > high or start > end:
            return None
        values.update(range(start, end + 1, step))
    return values


def _shortest_gap(minutes: set, hours: set) -> int:
    """The fewest minutes between two runs of a schedule with these minutes and hours."""
    ordered = sorted(minutes)
    gaps = [b - a for a, b in zip(ordered, ordered[1:])]
    if any((h + 1) % 24 in hours for h in hours):  # runs in two hours in a row
        gaps.append(60 - ordered[-1] + ordered[0])
    return min(gaps) if gaps else 24 * 60


def cron_problems(schedule: Any, where: str) -> list:
    """Why schedule is not a Railway cron schedule: 5 fields of numbers, each in range, at most every 5 minutes."""
    if not isinstance(schedule, str):
        return ["%s: expected a cron schedule (5 fields, such as */15 * * * *), got %s." % (where, kind_of(schedule))]
    fields = schedule.split()
    if len(fields) != 5:
        return [
            "%s: a cron schedule has 5 fields (minute hour day-of-month month day-of-week), got %d."
            % (where, len(fields))
        ]
    found: list[set[int]] = []
    problems: list[str] = []
    for text, (name, low, high) in zip(fields, CRON_FIELDS):
        values = _cron_values(text, low, high)
        if values is None:
            problems.append(
                "%s: the %s field %r is not a number, range (a-b), list or step (*/n) within %d-%d%s."
                % (where, name, text[:40], low, high, " (Sunday is 0)" if name == "day of week" else "")
            )
            continue
        found.append(values)
    if problems:
        return problems
    gap = _shortest_gap(found[0], found[1])
    if gap < CRON_MIN_MINUTES:
        return [
            "%s: %r runs %d minute%s apart; Railway runs a cron job at most every %d minutes (*/5 * * * *)."
            % (where, schedule, gap, "" if gap == 1 else "s", CRON_MIN_MINUTES)
        ]
    return []


# ---------------------------------------------------------------------------------------- Stripe


def event_type_problem(event: Any, where: str) -> Optional[str]:
    if isinstance(event, str) and event in EVENT_TYPES:
        return None
    if not isinstance(event, str):
        return "%s: expected a Stripe event type such as invoice.paid, got %s." % (where, kind_of(event))
    return "%s: %r is not a Stripe event type%s (the list: https://docs.stripe.com/api/events/types)." % (
        where,
        event[:80],
        did_you_mean(event, EVENT_TYPES),
    )


def is_live_key(value: Any) -> bool:
    return isinstance(value, str) and bool(LIVE_KEY_RE.match(value.strip()))


# ---------------------------------------------------------------------------------------- variables


def _generate_problems(generate: Any, where: str) -> list:
    if generate is None:
        return []
    if not isinstance(generate, dict):
        return ["%s: expected a dict with length and alphabet, got %s." % (where, kind_of(generate))]
    problems = [
        "%s.%s: unknown key%s (known: length, alphabet)." % (where, key, did_you_mean(key, GENERATE_KEYS))
        for key in sorted(set(map(str, generate)) - set(GENERATE_KEYS))
    ]
    if "length" in generate:
        errors: list[str] = []
        length = whole_number(generate["length"], "length", where + ".length", errors)
        if length is not None and length > 256:
            errors.append("%s.length: expected a whole number from 8 to 256." % where)
        problems += errors
    alphabet = generate.get("alphabet")
    if alphabet is not None and (not isinstance(alphabet, str) or len(set(alphabet)) < 10):
        problems.append("%s.alphabet: expected text of at least 10 different characters." % where)
    return problems


def _variable_dict_problems(value: dict, where: str) -> list:
    bindings = [k for k in BINDING_KEYS if k in value]
    if bindings:
        return [] if len(value) == 1 else ["%s: a binding is one key, %s: ..., alone." % (where, bindings[0])]
    known = VARIABLE_KEYS + BINDING_KEYS
    unknown = sorted(set(map(str, value)) - set(known))
    if unknown:
        return [
            "%s.%s: unknown key%s; a variable is a value, or a dict of %s."
            % (where, key, did_you_mean(key, known), ", ".join(known))
            for key in unknown
        ]
    problems = []
    if ("value" in value) == ("generate" in value):
        problems.append("%s: give either value or generate." % where)
    if value.get("sealed") is not None and not isinstance(value["sealed"], bool):
        problems.append("%s.sealed: expected a boolean (true/false), got %s." % (where, kind_of(value["sealed"])))
    rotate = value.get("rotate")
    if rotate is not None and "generate" not in value:
        problems.append("%s.rotate: only with generate (it makes a new secret once per rotate value)." % where)
    elif rotate is not None and (isinstance(rotate, bool) or not isinstance(rotate, (str, int))):
        problems.append(
            "%s.rotate: expected a text that names the rotation (such as 2026-12), got %s; change it to "
            "rotate again." % (where, kind_of(rotate))
        )
    inner = value.get("value")
    if isinstance(inner, (dict, list, tuple)):
        problems.append("%s.value: expected text, a number or a boolean, got %s." % (where, kind_of(inner)))
    return problems + _generate_problems(value.get("generate"), where + ".generate")


def variable_problems(name: Any, value: Any, where: str) -> list:
    """Why a variable of the stack (NAME: value, or NAME: {value|generate|sealed|binding}) is wrong."""
    here = "%s.%s" % (where, name)
    if not isinstance(name, str) or not VARIABLE_NAME_RE.match(name):
        return [
            "%s: %r is not a variable name (letters, digits, _ . -, not starting with a digit)."
            % (where, str(name)[:64])
        ]
    if isinstance(value, dict):
        return _variable_dict_problems(value, here)
    if value is None or isinstance(value, (str, int, float, bool)):
        return []
    return [
        "%s: a variable is a value or a dict (value, generate, sealed, stripe_price, clerk), not %s."
        % (here, kind_of(value))
    ]
