"""What a merged EnvironmentConfig means: the checks made before a commit, and generated values.

config.py checks a patch's keys and enum values (the shape); this module checks the result of
merging it, the way Railway refuses a config it cannot deploy:
- types and ranges of the build / deploy / networking settings Railway's dashboard offers;
- a service source is an image or a repo, not both;
- one TCP proxy per service instance, on a port 1..65535;
- sealed variables stay sealed; variable names are names;
- a volume is mounted by one service at an absolute path;
- deploy.requiredMountPath needs a volume mounted at that path (as Railway's database templates set it).
semantic_refusals() holds what Railway refuses about meaning once it has accepted a patch: a volume
shrink, a size the plan does not give (a new volume from the plan's first size, resize only on a plan that
allows it: volumes.py), a cron schedule more frequent than every 5 minutes, replicas on a service with a volume, and
what the plan forbids (restart policy ALWAYS, more restart retries than allowed on Free).
Variables with a `generator` (a template function such as `secret(32, "abc")`) and no value get
one generated when they are committed. Template functions inside values are rendered by variables.py.
"""
import hashlib
import re

from .context import RailwayError
from .volumes import volume_size_problem

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
ENDPOINT_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
BACKUP_SCHEDULES = ("DAILY", "WEEKLY", "MONTHLY")
FUNCTION_RE = re.compile(r"^\s*(?:\$\{\{\s*)?(\w+)\s*\((.*)\)\s*(?:\}\}\s*)?$")
DEFAULT_SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
MAX_REPLICAS = 50
MIN_CRON_MINUTES = 5           # docs cron-jobs.md: "no more frequent than every 5 minutes"


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check(problems, condition, message):
    if not condition:
        problems.append(message)


def _int_setting(problems, section, key, path, minimum=0, maximum=None):
    if key not in section or section[key] is None:
        return
    value = section[key]
    ok = _is_int(value) and value >= minimum and (maximum is None or value <= maximum)
    _check(problems, ok, f"{path}.{key} must be an integer >= {minimum}" + (f" and <= {maximum}" if maximum else ""))


def _str_setting(problems, section, key, path):
    if key in section and section[key] is not None:
        _check(problems, isinstance(section[key], str), f"{path}.{key} must be a string")


def _check_variables(problems, before, after, path):
    for name, variable in (after or {}).items():
        where = f"{path}.{name}"
        _check(problems, bool(NAME_RE.match(name)), f"{where}: invalid variable name")
        if not isinstance(variable, dict):
            problems.append(f"{where} must be an object")
            continue
        if variable.get("value") is not None:
            _check(problems, isinstance(variable["value"], str), f"{where}.value must be a string")
        for flag in ("isSealed", "isOptional"):
            if variable.get(flag) is not None:
                _check(problems, isinstance(variable[flag], bool), f"{where}.{flag} must be a boolean")
        was = (before or {}).get(name) or {}
        if was.get("isSealed") and not variable.get("isSealed"):
            problems.append(f"{where}: a sealed variable cannot be unsealed")


def _check_deploy(problems, deploy, mounts, path):
    for key in ("numReplicas",):
        _int_setting(problems, deploy, key, path, 1, MAX_REPLICAS)
    for key in ("healthcheckTimeout",):
        _int_setting(problems, deploy, key, path, 1)
    for key in ("restartPolicyMaxRetries", "overlapSeconds", "drainingSeconds"):
        _int_setting(problems, deploy, key, path, 0)
    for key in ("startCommand", "healthcheckPath", "cronSchedule", "requiredMountPath"):
        _str_setting(problems, deploy, key, path)
    if isinstance(deploy.get("healthcheckPath"), str):
        _check(problems, deploy["healthcheckPath"].startswith("/"), f"{path}.healthcheckPath must start with /")
    if isinstance(deploy.get("cronSchedule"), str):
        _check(problems, len(deploy["cronSchedule"].split()) == 5,
               f"{path}.cronSchedule must be a cron expression of 5 fields")
    if deploy.get("sleepApplication") is not None:
        _check(problems, isinstance(deploy["sleepApplication"], bool), f"{path}.sleepApplication must be a boolean")
    pre = deploy.get("preDeployCommand")
    if pre is not None:
        _check(problems, isinstance(pre, str) or (isinstance(pre, list) and all(isinstance(c, str) for c in pre)),
               f"{path}.preDeployCommand must be a string or a list of strings")
    for region, placement in (deploy.get("multiRegionConfig") or {}).items():
        _check(problems, isinstance(placement, dict) and _is_int(placement.get("numReplicas"))
               and 0 <= placement["numReplicas"] <= MAX_REPLICAS,
               f"{path}.multiRegionConfig.{region}.numReplicas must be an integer 0..{MAX_REPLICAS}")
    containers = ((deploy.get("limitOverride") or {}).get("containers")) or {}
    for key in ("cpu", "memoryBytes", "diskBytes"):
        if containers.get(key) is not None:
            _check(problems, _is_number(containers[key]) and containers[key] > 0,
                   f"{path}.limitOverride.containers.{key} must be a positive number")
    required = deploy.get("requiredMountPath")
    if isinstance(required, str) and required:
        _check(problems, required in mounts,
               f"{path}.requiredMountPath: the service needs a volume mounted at {required}")
    credentials = deploy.get("registryCredentials")
    if credentials is not None:
        complete = isinstance(credentials, dict) and all(isinstance(credentials.get(k), str) for k in ("username", "password"))
        _check(problems, complete, f"{path}.registryCredentials needs a username and a password")


def _check_service(problems, service_id, before, service):
    path = f"services.{service_id}"
    source = service.get("source") or {}
    for key in ("image", "repo", "branch", "rootDirectory", "commitSha"):
        _str_setting(problems, source, key, path + ".source")
    _check(problems, not (source.get("image") and source.get("repo")),
           f"{path}.source: a service deploys an image or a repo, not both")
    if isinstance(source.get("repo"), str):
        _check(problems, bool(re.match(r"^[\w.-]+/[\w.-]+$", source["repo"])),
               f"{path}.source.repo must be owner/name")
    build = service.get("build") or {}
    for key in ("buildCommand", "dockerfilePath"):
        _str_setting(problems, build, key, path + ".build")
    if build.get("watchPatterns") is not None:
        _check(problems, isinstance(build["watchPatterns"], list) and all(isinstance(p, str) for p in build["watchPatterns"]),
               f"{path}.build.watchPatterns must be a list of strings")
    mounts = service.get("volumeMounts") or {}
    _check(problems, len(mounts) <= 1, f"{path}.volumeMounts: a service mounts at most one volume")
    paths = set()
    for volume_id, mount in mounts.items():
        mount_path = (mount or {}).get("mountPath")
        _check(problems, isinstance(mount_path, str) and mount_path.startswith("/"),
               f"{path}.volumeMounts.{volume_id}.mountPath must be an absolute path")
        paths.add(mount_path)
        schedules = (mount or {}).get("backupSchedules")
        if schedules is not None:
            _check(problems, isinstance(schedules, list) and all(s in BACKUP_SCHEDULES for s in schedules),
                   f"{path}.volumeMounts.{volume_id}.backupSchedules must be a list of {', '.join(BACKUP_SCHEDULES)}")
    _check_deploy(problems, service.get("deploy") or {}, paths, path + ".deploy")
    networking = service.get("networking") or {}
    proxies = networking.get("tcpProxies") or {}
    _check(problems, len(proxies) <= 1, f"{path}.networking.tcpProxies: one TCP proxy per service instance")
    for port in proxies:
        _check(problems, port.isdigit() and 1 <= int(port) <= 65535,
               f"{path}.networking.tcpProxies: {port} is not a port number")
    endpoint = networking.get("privateNetworkEndpoint")
    if endpoint is not None:
        _check(problems, isinstance(endpoint, str) and bool(ENDPOINT_RE.match(endpoint)),
               f"{path}.networking.privateNetworkEndpoint must be a DNS label (a-z, 0-9, -)")
    _check_variables(problems, (before or {}).get("variables"), service.get("variables"), path + ".variables")


def check_config(context, before, after):
    """Raise RailwayError naming every problem of the merged config `after` (`before`: the committed one)."""
    problems = []
    before_services = before.get("services") or {}
    mounted_by = {}
    for service_id, service in (after.get("services") or {}).items():
        _check_service(problems, service_id, before_services.get(service_id), service or {})
        for volume_id in ((service or {}).get("volumeMounts") or {}):
            mounted_by.setdefault(volume_id, []).append(service_id)
    for volume_id, services in mounted_by.items():
        _check(problems, len(services) == 1, f"volumes.{volume_id}: a volume is mounted by one service only")
    for volume_id, volume in (after.get("volumes") or {}).items():
        size = (volume or {}).get("sizeMB")
        if size is not None and not (_is_int(size) and size > 0):
            problems.append(f"volumes.{volume_id}.sizeMB must be a positive integer")
    _check_variables(problems, before.get("sharedVariables"), after.get("sharedVariables"), "sharedVariables")
    if problems:
        raise RailwayError("Invalid environment config patch: " + "; ".join(problems))


# ------------------------------------------------------------------ refusals of meaning (asynchronous)
def semantic_refusals(context, before, after, patch):
    """What Railway refuses about the meaning of a well-formed patch (the instances it touches).

    With realism `patch_errors_async` these end a committed patch in `lastAppliedError` (config.py);
    without it they are GraphQL errors of the commit, like the structural problems of check_config.
    """
    refusals = []
    after_services = after.get("services") or {}
    for service_id in (patch.get("services") or {}):
        service = after_services.get(service_id)
        if isinstance(service, dict):
            _service_refusals(context, refusals, f"services.{service_id}", service)
    before_volumes = before.get("volumes") or {}
    for volume_id in (patch.get("volumes") or {}):
        size = ((after.get("volumes") or {}).get(volume_id) or {}).get("sizeMB")
        was = (before_volumes.get(volume_id) or {}).get("sizeMB") if volume_id in before_volumes else None
        if not _is_int(size) or (volume_id in before_volumes and not _is_int(was)):
            continue
        problem = volume_size_problem(context, volume_id, was, size)   # shrink, first size, resize by plan
        if problem:
            refusals.append(problem)
    return refusals


def _service_refusals(context, refusals, path, service):
    deploy = service.get("deploy") or {}
    schedule = deploy.get("cronSchedule")
    if isinstance(schedule, str) and cron_too_frequent(schedule):
        refusals.append(f"{path}.deploy.cronSchedule: {schedule!r} runs more often than every "
                        f"{MIN_CRON_MINUTES} minutes, the shortest interval Railway allows")
    replicas = deploy.get("numReplicas") if _is_int(deploy.get("numReplicas")) else 1
    regional = [p.get("numReplicas") for p in (deploy.get("multiRegionConfig") or {}).values()
                if isinstance(p, dict) and _is_int(p.get("numReplicas"))]
    if service.get("volumeMounts") and max([replicas, sum(regional)]) > 1:
        refusals.append(f"{path}.deploy.numReplicas: a service with a volume mounted runs one replica "
                        f"(replicas cannot be used with volumes)")
    plan = context.plan
    if deploy.get("restartPolicyType") == "ALWAYS" and not plan["restart_policy_always"]:
        refusals.append(f"{path}.deploy.restartPolicyType: ALWAYS is not available on the "
                        f"{context.realism['plan']} plan (use ON_FAILURE or NEVER, or upgrade)")
    most = plan["max_restart_retries"]
    retries = deploy.get("restartPolicyMaxRetries")
    if most is not None and _is_int(retries) and retries > most:
        refusals.append(f"{path}.deploy.restartPolicyMaxRetries: at most {most} on the "
                        f"{context.realism['plan']} plan ({retries} asked)")


def _cron_minutes(field):
    """The minutes (0..59) a cron minute field fires at, or None when it cannot be read."""
    minutes = set()
    for item in field.split(","):
        spread, dummy, step = item.partition("/")
        if step and not step.isdigit() or step == "0":
            return None
        if spread == "*":
            low, high = 0, 59
        elif spread.isdigit():
            low = int(spread)
            high = 59 if step else low
        elif re.match(r"^\d+-\d+$", spread):
            low, high = (int(x) for x in spread.split("-"))
        else:
            return None
        if not 0 <= low <= high <= 59:
            return None
        minutes.update(range(low, high + 1, int(step or 1)))
    return minutes


def cron_too_frequent(schedule):
    """True when a 5-field cron schedule can fire twice within MIN_CRON_MINUTES minutes."""
    fields = schedule.split()
    minutes = _cron_minutes(fields[0]) if len(fields) == 5 else None
    if not minutes:
        return False
    ordered = sorted(minutes)
    gaps = [b - a for a, b in zip(ordered, ordered[1:])]
    if fields[1] in ("*", "*/1"):          # every hour: the last minute of one hour, then the first of the next
        gaps.append(ordered[0] + 60 - ordered[-1])
    return min(gaps, default=60) < MIN_CRON_MINUTES


# ------------------------------------------------------------------ generated values
def random_string(context, length, alphabet=DEFAULT_SECRET_ALPHABET):
    """`length` characters of `alphabet`, from the store's id source (deterministic with --seed)."""
    out = []
    while len(out) < length:
        digest = hashlib.sha256(context.store.new_uuid().encode()).digest()
        out.extend(alphabet[b % len(alphabet)] for b in digest)
    return "".join(out[:length])


def _arguments(text):
    args = []
    for part in re.findall(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([^,\s]+)', text):
        quoted, single, bare = part
        args.append(quoted or single or bare)
    return args


def evaluate_function(context, expression):
    """The value of a template function (`secret(32, "abc")`, `randomInt(1, 9)`), or None if it is not one."""
    match = FUNCTION_RE.match(expression or "")
    if not match:
        return None
    name, args = match.group(1), _arguments(match.group(2))
    if name == "secret":
        length = int(args[0]) if args and args[0].isdigit() else 32
        alphabet = args[1] if len(args) > 1 and args[1] else DEFAULT_SECRET_ALPHABET
        return random_string(context, length, alphabet)
    if name == "randomInt":
        low = int(args[0]) if args and args[0].lstrip("-").isdigit() else 0
        high = int(args[1]) if len(args) > 1 and args[1].lstrip("-").isdigit() else 100
        digest = hashlib.sha256(context.store.new_uuid().encode()).digest()
        return str(low + int.from_bytes(digest[:8], "big") % (high - low + 1))
    return None


def fill_generated_values(context, config):
    """Give a value to every variable that has a `generator` but no value."""
    maps = [config.get("sharedVariables") or {}]
    maps += [(s or {}).get("variables") or {} for s in (config.get("services") or {}).values()]
    for variables in maps:
        for variable in variables.values():
            if isinstance(variable, dict) and variable.get("value") in (None, "") and variable.get("generator"):
                value = evaluate_function(context, str(variable["generator"]))
                if value is not None:
                    variable["value"] = value
