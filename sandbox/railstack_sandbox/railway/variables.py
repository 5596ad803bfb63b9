# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Variables: reads (`variables`, `variablesForServiceDeployment`) and the granular writes
(`variableUpsert`, `variableDelete`, `variableCollectionUpsert`), all on the environment's config.

Rendering follows Railway's reference rules:
- `${{NAME}}` is a variable of the same service, or a variable Railway provides (RAILWAY_*);
- `${{shared.NAME}}` a shared variable of the environment;
- `${{Service.NAME}}` a variable of another service of the environment (its own or Railway-provided),
  rendered in that service's scope;
- template functions (`${{ secret(32, "abc") }}`, `${{ randomInt(1, 9) }}`) are generated once and kept;
- a reference to nothing renders as an empty string; references may nest, cycles render empty.
Sealed variables are never returned by `variables`; deployments get their values.
"""
import copy
import re
import uuid

from .config import REFERENCE_RE, commit_config, new_patch, patched_config
from .context import RailwayError
from .graphql_api import resolves
from .pagination import connection
from .records import SANDBOX_NAMESPACE
from .semantics import FUNCTION_RE, evaluate_function
from .tcp_proxies import proxies_of


def _slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "service"


def _live_service(context, service_id):
    service = context.data["services"].get(service_id)
    return service if service and not service.get("deletedAt") else None


def _first_domain(context, environment, service_id, kind):
    networking = (((environment["config"].get("services") or {}).get(service_id) or {}).get("networking")) or {}
    names = sorted((networking.get(kind) or {}).keys())
    return names[0] if names else None


def railway_provided(context, environment, service_id):
    """The RAILWAY_* variables Railway gives a service instance (values as the sandbox has them)."""
    project = context.data["projects"][environment["projectId"]]
    service = _live_service(context, service_id) or {"id": service_id, "name": ""}
    instance = (environment["config"].get("services") or {}).get(service_id) or {}
    networking = instance.get("networking") or {}
    provided = {
        "RAILWAY_PROJECT_ID": project["id"], "RAILWAY_PROJECT_NAME": project["name"],
        "RAILWAY_ENVIRONMENT_ID": environment["id"], "RAILWAY_ENVIRONMENT_NAME": environment["name"],
        "RAILWAY_ENVIRONMENT": environment["name"],
        "RAILWAY_SERVICE_ID": service["id"], "RAILWAY_SERVICE_NAME": service["name"],
        "RAILWAY_PRIVATE_DOMAIN": (networking.get("privateNetworkEndpoint") or _slug(service["name"])) + ".railway.internal",
    }
    public = _first_domain(context, environment, service_id, "serviceDomains") \
        or _first_domain(context, environment, service_id, "customDomains")
    if public:
        provided["RAILWAY_PUBLIC_DOMAIN"] = public
        provided["RAILWAY_STATIC_URL"] = public
    proxies = proxies_of(context, environment, service_id)
    if proxies:
        provided["RAILWAY_TCP_PROXY_DOMAIN"] = proxies[0]["domain"]       # both empty while it is provisioned
        provided["RAILWAY_TCP_PROXY_PORT"] = "" if proxies[0]["proxyPort"] is None else str(proxies[0]["proxyPort"])
        provided["RAILWAY_TCP_APPLICATION_PORT"] = str(proxies[0]["applicationPort"])
    for volume_id, mount in sorted((instance.get("volumeMounts") or {}).items()):
        volume = context.data["volumes"].get(volume_id) or {}
        provided.update(RAILWAY_VOLUME_ID=volume_id, RAILWAY_VOLUME_NAME=volume.get("name", ""),
                        RAILWAY_VOLUME_MOUNT_PATH=(mount or {}).get("mountPath", ""))
    return provided


class Renderer:
    """Renders variable values of one environment by Railway's reference rules."""

    def __init__(self, context, environment):
        self.context = context
        self.environment = environment
        self.config = environment["config"]
        self.by_name = {}
        for service_id in (self.config.get("services") or {}):
            service = _live_service(context, service_id)
            if service:
                self.by_name[service["name"]] = service_id
        self._provided = {}

    def provided(self, service_id):
        if service_id not in self._provided:
            self._provided[service_id] = railway_provided(self.context, self.environment, service_id)
        return self._provided[service_id]

    def raw(self, service_id, name):
        """(value, exists) of a variable: a service's (service_id) or shared (None)."""
        if service_id is None:
            variables = self.config.get("sharedVariables") or {}
        else:
            variables = ((self.config.get("services") or {}).get(service_id) or {}).get("variables") or {}
        variable = variables.get(name)
        if not isinstance(variable, dict) or variable.get("value") is None:
            return None, False
        return str(variable["value"]), True

    def variable(self, service_id, name, seen=()):
        key = (service_id, name)
        if key in seen:
            return ""
        value, exists = self.raw(service_id, name)
        if exists:
            return self.render(value, service_id, name, seen + (key,))
        if service_id is not None:
            return self.provided(service_id).get(name, "")
        return ""

    def render(self, value, service_id, name, seen=()):
        def replace(match):
            expression = match.group(1)
            if FUNCTION_RE.match(expression):
                return self.function_value(service_id, name, expression)
            head, dot, tail = expression.rpartition(".")
            if not dot:
                return self.variable(service_id, tail, seen) if service_id is not None else self.variable(None, tail, seen)
            if head == "shared":
                return self.variable(None, tail, seen)
            other = self.by_name.get(head)
            return self.variable(other, tail, seen) if other else ""
        return REFERENCE_RE.sub(replace, value)

    def function_value(self, service_id, name, expression):
        """A template function's value: generated on first render, then kept."""
        cache = self.context.data.setdefault("renderedFunctions", {})
        key = f"{self.environment['id']}:{service_id or 'shared'}:{name}:{expression}"
        if key not in cache:
            cache[key] = evaluate_function(self.context, expression) or ""
            self.context.changed()
        return cache[key]

    def user_variables(self, service_id, rendered, include_sealed):
        if service_id is None:
            variables = self.config.get("sharedVariables") or {}
        else:
            variables = ((self.config.get("services") or {}).get(service_id) or {}).get("variables") or {}
        out = {}
        for name, variable in sorted(variables.items()):
            if not isinstance(variable, dict) or variable.get("value") is None:
                continue
            if variable.get("isSealed") and not include_sealed:
                continue
            out[name] = self.variable(service_id, name) if rendered else str(variable["value"])
        return out


# ------------------------------------------------------------------ reads
def _scope(context, projectId, environmentId, serviceId):
    """(environment, service id or None); the service must have an instance in the environment."""
    environment = context.environment(environmentId)
    if environment["projectId"] != projectId:
        context.project(projectId)
        raise RailwayError("Environment not found")
    if serviceId is not None:
        service = context.service(serviceId)
        if service["projectId"] != projectId or serviceId not in (environment["config"].get("services") or {}):
            raise RailwayError("Service instance not found")
    return environment, serviceId


@resolves("Query", "variables")
def resolve_variables(_, info, environmentId, projectId, serviceId=None, unrendered=None, **_ignored):
    context = info.context
    environment, service_id = _scope(context, projectId, environmentId, serviceId)
    renderer = Renderer(context, environment)
    values = renderer.user_variables(service_id, rendered=not unrendered, include_sealed=False)
    if service_id is not None:
        values = dict(renderer.provided(service_id), **values)
    return values


@resolves("Query", "variablesForServiceDeployment")
def resolve_variables_for_service_deployment(_, info, environmentId, projectId, serviceId):
    context = info.context
    environment, service_id = _scope(context, projectId, environmentId, serviceId)
    renderer = Renderer(context, environment)
    return dict(renderer.provided(service_id), **renderer.user_variables(service_id, rendered=True, include_sealed=True))


@resolves("Environment", "variables")
def resolve_environment_variables(environment, info, **page):
    """Every user variable of the environment (shared, then per service), sealed ones included: names and
    flags only, never values. How a client learns that a sealed variable exists (config may leave it out)."""
    config = environment["config"]
    scopes = [(None, config.get("sharedVariables") or {})]
    scopes += [(sid, (svc or {}).get("variables") or {}) for sid, svc in sorted((config.get("services") or {}).items())]
    found = []
    for service_id, variables in scopes:
        for name, variable in sorted(variables.items()):
            if isinstance(variable, dict):
                found.append({"id": str(uuid.uuid5(SANDBOX_NAMESPACE, f"{environment['id']}:{service_id}:{name}")),
                              "name": name, "isSealed": bool(variable.get("isSealed")), "serviceId": service_id,
                              "environmentId": environment["id"], "createdAt": environment["createdAt"],
                              "updatedAt": environment["updatedAt"]})
    return connection(found, **page)


# ------------------------------------------------------------------ writes
def _commit(context, environment, patch, skip_deploys, message):
    config = patched_config(context, environment, patch)
    commit_config(context, environment, config, patch, skip_deploys)
    new_patch(context, environment, patch, "COMMITTED", message)
    return True


def _variables_patch(service_id, variables):
    return {"services": {service_id: {"variables": variables}}} if service_id else {"sharedVariables": variables}


def _current(environment, service_id):
    if service_id is None:
        return environment["config"].get("sharedVariables") or {}
    return environment["config"]["services"][service_id].get("variables") or {}


def _string(name, value):
    if isinstance(value, (dict, list)):
        raise RailwayError(f"Invalid value for variable {name}: expected a string")
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@resolves("Mutation", "variableUpsert")
def resolve_variable_upsert(_, info, input):
    context = info.context
    environment, service_id = _scope(context, input["projectId"], input["environmentId"], input.get("serviceId"))
    patch = _variables_patch(service_id, {input["name"]: {"value": input["value"]}})
    return _commit(context, environment, patch, input.get("skipDeploys"), f"variableUpsert {input['name']}")


@resolves("Mutation", "variableDelete")
def resolve_variable_delete(_, info, input):
    context = info.context
    environment, service_id = _scope(context, input["projectId"], input["environmentId"], input.get("serviceId"))
    if input["name"] not in _current(environment, service_id):
        raise RailwayError(f"Variable {input['name']} not found")
    return _commit(context, environment, _variables_patch(service_id, {input["name"]: None}), False,
                   f"variableDelete {input['name']}")


@resolves("Mutation", "variableCollectionUpsert")
def resolve_variable_collection_upsert(_, info, input):
    context = info.context
    environment, service_id = _scope(context, input["projectId"], input["environmentId"], input.get("serviceId"))
    if not isinstance(input["variables"], dict):
        raise RailwayError("Invalid variables: expected an object of names to values")
    variables = {name: {"value": _string(name, value)} for name, value in input["variables"].items()}
    if input.get("replace"):
        for name in _current(environment, service_id):
            variables.setdefault(name, None)
    patch = copy.deepcopy(_variables_patch(service_id, variables))
    return _commit(context, environment, patch, input.get("skipDeploys"), "variableCollectionUpsert")
