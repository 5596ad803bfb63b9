# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""How strict the Railway stand-in is: the plan, and one setting per rule the real API has.

Every rule of `../shared/reference/realism.md` that the sandbox follows is a setting here, with a
realistic default, so a test can exercise both sides. The settings live in the state's Railway
section (`data["realism"]`), start from what the sandbox was started with (`--railway-plan`,
`--realism KEY=VALUE`, `Sandbox(railway_realism={...})`), go back to that on `/_sandbox/reset`,
and are read and changed with `GET|POST /_sandbox/railway/realism` (docs/sandbox.md).

Resolvers read them through `RailwayContext.realism` and `RailwayContext.plan`.
"""
import copy

# Railway's plans, from its docs (volumes/reference.md, integrations/api.md, restart-policy.md).
# None means "no limit the sandbox knows of".
PLANS = {
    "free": {
        "initial_volume_mb": 500, "volume_resize": False, "volumes_per_project": 1,
        "restart_policy_always": False, "max_restart_retries": 10,
        "requests_per_hour": 100, "requests_per_second": None,
    },
    "trial": {
        "initial_volume_mb": 500, "volume_resize": False, "volumes_per_project": None,
        "restart_policy_always": True, "max_restart_retries": None,
        "requests_per_hour": 100, "requests_per_second": None,
    },
    "hobby": {
        "initial_volume_mb": 5000, "volume_resize": True, "volumes_per_project": None,
        "restart_policy_always": True, "max_restart_retries": None,
        "requests_per_hour": 1000, "requests_per_second": 10,
    },
    "pro": {
        "initial_volume_mb": 50000, "volume_resize": True, "volumes_per_project": None,
        "restart_policy_always": True, "max_restart_retries": None,
        "requests_per_hour": 10000, "requests_per_second": 50,
    },
}

# name -> (default, type, what it does). The default is the realistic (strict) side.
SETTINGS = {
    "plan": ("hobby", str, "the account's plan: free, trial, hobby, pro (PLANS)"),
    "request_budget": (True, bool, "enforce the plan's hourly and per-second request budgets (429 + Retry-After)"),
    "patch_apply_seconds": (1.0, float, "a committed config patch is APPLYING this long; 0 applies it at once"),
    "patch_errors_async": (True, bool, "semantic refusals of a committed patch end in lastAppliedError, "
                                       "not in a GraphQL error"),
    "tcp_proxy_seconds": (2.0, float, "a new TCP proxy has no domain and port for this long after its commit"),
    "database_ready": (True, bool, "a database's public URL connects only once its deployment succeeded"),
    "config_lists_sealed": (False, bool, "environment.config lists sealed variables (value hidden); "
                                         "false: they are left out of config"),
    "workspace_tokens": (True, bool, "the workspace token is accepted (Bearer, one workspace, `me` refused)"),
    "rollback_rewrites_config": (False, bool, "deploymentRollback also writes the target's variables back into "
                                              "environment.config; false: config and what runs disagree"),
    "service_delete_forks_only": (True, bool, "serviceDelete(environmentId) removes only that environment's "
                                              "instance in a forked environment; in a base one the service goes from "
                                              "every environment that is not a fork (the schema's description)"),
    "certificate_outcome": ("VALID", str, "how a new custom domain's certificate ends: VALID or ISSUE_FAILED"),
}


class RealismError(ValueError):
    """A bad setting: answered 400 {"error"} by the control API, exit 2 by the CLI."""


def validated(settings):
    """A complete, checked copy of `settings` (missing names take their defaults)."""
    result = {name: default for name, (default, _, _) in SETTINGS.items()}
    for name, value in (settings or {}).items():
        if name not in SETTINGS:
            raise RealismError(f"unknown realism setting {name!r}; known: {', '.join(sorted(SETTINGS))}")
        result[name] = _coerce(name, value)
    return result


def _coerce(name, value):
    kind = SETTINGS[name][1]
    if kind is bool:
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no", "on", "off"):
            return value.lower() in ("true", "1", "yes", "on")
        if not isinstance(value, bool):
            raise RealismError(f"{name} takes true or false")
        return value
    if kind is float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise RealismError(f"{name} takes a number of seconds") from None
        if isinstance(value, bool) or not 0 <= number <= 3600:
            raise RealismError(f"{name} takes a number of seconds from 0 to 3600")
        return number
    value = str(value).lower() if name == "plan" else str(value).upper()
    allowed = PLANS if name == "plan" else ("VALID", "ISSUE_FAILED")
    if value not in allowed:
        raise RealismError(f"{name} takes one of {', '.join(allowed)}")
    return value


def parse_assignments(pairs):
    """`--realism KEY=VALUE` arguments -> a settings dict (values coerced by `validated`)."""
    settings = {}
    for pair in pairs or ():
        name, sep, value = pair.partition("=")
        if not sep:
            raise RealismError(f"--realism takes KEY=VALUE, got {pair!r}")
        settings[name.strip()] = value.strip()
    return validated(settings) if settings else {}


def current(data):
    """The settings in force (a state saved before they existed gets the defaults)."""
    return data.setdefault("realism", validated({}))


def plan_limits(data):
    return PLANS[current(data)["plan"]]


def view(data):
    settings = current(data)
    return {"settings": copy.deepcopy(settings), "plan": dict(PLANS[settings["plan"]]),
            "descriptions": {name: doc for name, (_, _, doc) in SETTINGS.items()}}


def update(data, body):
    """Change the settings named in `body` (others stay); `{"defaults": true}` first restores the startup ones."""
    if not isinstance(body, dict):
        raise RealismError("the body must be a JSON object")
    body = dict(body)
    base = data.get("realism_startup") if body.pop("defaults", False) else current(data)
    data["realism"] = validated({**(base or {}), **body})
    return view(data)
