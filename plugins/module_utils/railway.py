# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Railway's GraphQL API: credentials, the client, and lookups shared by the railway_* modules."""

from __future__ import annotations

import functools
import re
import time
from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.railstack.platform.plugins.module_utils._http import (
    ApiError,
    HttpClient,
    HttpResponse,
    PageGuard,
    ProviderClient,
    SharedRateState,
    unexpected_answer,
)
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed

RAILWAY_API_URL = "https://backboard.railway.com/graphql/v2"
# Railway's edge limits requests without a query string far more strictly (about 10 per second).
SOURCE = "railstack-platform"
# Railway's Hobby plan allows 10 requests a second: a burst of 3, then 6 a second, is at most 9 in any second;
# the next task (a new process) counts this one's requests of the last second against its own burst. This pace
# holds until an answer's X-RateLimit-Limit names the plan (PACE_OF_HOURLY_LIMIT). A faster one (a burst of 1,
# then 8 a second) drew more 429 answers from parallel forks for no measurable gain (docs/many-stacks.md).
THROTTLE_RPS = 6
THROTTLE_BURST = 3
# Railway's hourly request budgets (docs integrations/api.md), to name the plan in a rate-limit failure.
PLAN_OF_HOURLY_LIMIT = {100: "the Free and Trial plans'", 1000: "the Hobby plan's", 10000: "the Pro plan's"}
# The pace (requests a second, burst) each plan's per-second limit allows (docs integrations/api.md: Hobby 10/s,
# Pro 50/s), in the same shares as Hobby's (at most 9 tenths in any second, 6 tenths sustained), leaving room for
# parallel forks' timing; Free and Trial name no per-second limit: Hobby's pace.
PACE_OF_HOURLY_LIMIT = {100: (THROTTLE_RPS, THROTTLE_BURST), 1000: (THROTTLE_RPS, THROTTLE_BURST), 10000: (30, 15)}
PAGE_SIZE = 100
# What a GraphQL document selects: {response key: the sub-selection, or None for a leaf} (selection_of).
Selection = dict[str, Any]
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def railway_argument_spec() -> dict[str, Any]:
    """Credentials and endpoint of every railway_* module; documented in doc_fragments/railway.py."""
    return dict(
        api_token=dict(type="str", no_log=True, fallback=(env_fallback, ["RAILWAY_API_TOKEN"])),
        project_token=dict(type="str", no_log=True, fallback=(env_fallback, ["RAILWAY_TOKEN"])),
        api_url=dict(type="str", default=RAILWAY_API_URL, fallback=(env_fallback, ["RAILWAY_API_URL"])),
        validate_certs=dict(type="bool", default=True),
        timeout=dict(type="int", default=30),
    )


def railway_environment_spec() -> dict[str, Any]:
    """project, workspace_id and environment of a per-environment module; documented in doc_fragments/railway.py ENVIRONMENT."""
    return dict(
        project=dict(type="str", required=True),
        workspace_id=dict(type="str"),
        environment=dict(type="str", required=True),
    )


def is_id(value: Any) -> bool:
    return bool(value) and bool(UUID_RE.match(value))


def _graphql_error(response: HttpResponse) -> tuple[str, str | None] | None:
    body = response.json()
    if isinstance(body, dict) and body.get("errors"):
        return _errors_message(body["errors"])
    return None


def _errors_message(errors: list[Any]) -> tuple[str, str | None]:
    messages = []
    code = None
    for err in errors:
        if isinstance(err, dict):
            messages.append(str(err.get("message", err)))
            code = code or (err.get("extensions") or {}).get("code")
        else:
            messages.append(str(err))
    return "Railway: " + "; ".join(messages), code


def rate_limit_message(exc: ApiError) -> str:
    """A 429 that outlasts the wait the client allows, in Railway's terms: until when, and the plan's budget."""
    limit = (exc.rate_limit or {}).get("limit")
    until = time.strftime("%H:%M UTC", time.gmtime(time.time() + (exc.retry_after or 0)))
    if limit:
        budget = "X-RateLimit-Limit %d/hour, %s" % (limit, PLAN_OF_HOURLY_LIMIT.get(limit, "this account's plan's"))
    else:
        budget = "no X-RateLimit-Limit given"
    return (
        "Railway's rate limit for this token is exhausted until %s (%s): %s. Bulk modules such as "
        "railway_services spend fewer requests (docs/railway.md, 'Request budgets')." % (until, budget, exc.message)
    )


_GRAPHQL_TOKEN_RE = re.compile(r'"(?:\\.|[^"\\])*"|\.\.\.|[_A-Za-z][_0-9A-Za-z]*|-?[0-9][0-9.eE+-]*|[{}():\[\]$!=@,]')
_OPERATION_RE = re.compile(r"^\s*(query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)")


def operation_name(document: str) -> str:
    """'query projects' / 'mutation serviceCreate': how an error names the request."""
    match = _OPERATION_RE.match(document)
    return "%s %s" % match.groups() if match else "GraphQL %s" % document.split("{", 1)[0].strip()


@functools.lru_cache(maxsize=256)
def selection_of(document: str) -> Selection:
    """The fields the document selects, as {response key: sub-selection or None}; fields under an inline fragment or
    a directive (which may be absent from the answer) are left out."""
    tokens = [t for t in _GRAPHQL_TOKEN_RE.findall(re.sub(r"#[^\n]*", "", document)) if t != ","]
    index, depth = 0, 0
    while tokens[index] != "{" or depth:  # the operation's selection set (skipping its variable definitions)
        depth += {"(": 1, ")": -1}.get(tokens[index], 0)
        index += 1
    return _selection_set(tokens, index)[0]


def _skip_parens(tokens: list[str], index: int) -> int:
    depth = 0
    while True:
        depth += {"(": 1, ")": -1}.get(tokens[index], 0)
        index += 1
        if not depth:
            return index


def _selection_set(tokens: list[str], index: int) -> tuple[Selection, int]:
    fields: Selection = {}
    optional = False
    index += 1  # "{"
    while tokens[index] != "}":
        optional = tokens[index] == "..."
        if optional:
            index += 1 if tokens[index + 1] == "{" else 3  # "... {" or "... on Type {"
            index = _selection_set(tokens, index)[1]
            continue
        key = tokens[index]
        index += 1
        if tokens[index] == ":":
            index += 2  # alias: field
        if tokens[index] == "(":
            index = _skip_parens(tokens, index)
        while tokens[index] == "@":
            optional = True
            index += 2
            if tokens[index] == "(":
                index = _skip_parens(tokens, index)
        sub = None
        if tokens[index] == "{":
            sub, index = _selection_set(tokens, index)
        if not optional:
            fields[key] = sub
    return fields, index + 1


def missing_in_answer(selection: Selection, value: Any, where: str = "") -> str | None:
    """What of `selection` the answer `value` lacks ('no field project.services'), or None. Null is allowed (a
    nullable field); an object must hold every selected field, a list must hold objects that do."""
    if value is None:
        return None
    if isinstance(value, list):
        for item in value:
            problem = missing_in_answer(selection, item, where)
            if problem:
                return problem
        return None
    if not isinstance(value, dict):
        return "%s is %s, not an object" % (where.rstrip(".") or "data", type(value).__name__)
    for key, sub in selection.items():
        if key not in value:
            return "no field %s%s" % (where, key)
        if key == "edges" and not isinstance(value[key], list):  # a Relay connection's edges are a list
            return "%s%s is %s, not a list" % (where, key, type(value[key]).__name__)
        if sub is not None:
            problem = missing_in_answer(sub, value[key], "%s%s." % (where, key))
            if problem:
                return problem
    return None


def nodes(connection: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The nodes of a Relay connection."""
    return [edge["node"] for edge in (connection or {}).get("edges", [])]


class RailwayClient(ProviderClient):
    """GraphQL over the shared HTTP core. Queries are retried when safe; mutations never are."""

    def __init__(self, params: dict[str, Any]) -> None:
        project_token = params.get("project_token")
        api_token = params.get("api_token")
        if not project_token and not api_token:
            raise TaskFailed(
                "No Railway credential: set api_token (or RAILWAY_API_TOKEN) or project_token (or RAILWAY_TOKEN)."
            )
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if project_token:
            headers["Project-Access-Token"] = project_token
        else:
            headers["Authorization"] = "Bearer %s" % api_token
        self.uses_project_token = bool(project_token)
        url = params.get("api_url") or RAILWAY_API_URL
        self._params = [] if "source=" in url else [("source", SOURCE)]
        self.http = HttpClient(
            "Railway",
            url,
            headers=headers,
            secrets=[t for t in (project_token, api_token) if t],
            timeout=params.get("timeout") or 30,
            validate_certs=params.get("validate_certs", True),
            throttle_rps=THROTTLE_RPS,
            throttle_burst=THROTTLE_BURST,
            pace_of_limit=PACE_OF_HOURLY_LIMIT,
            error_parser=_graphql_error,
            rate_state=SharedRateState.for_credential("Railway", url, project_token or api_token),
        )
        self.mutations = 0
        self._workspaces: list[dict[str, Any]] | None = None

    def _post(self, document: str, variables: dict[str, Any] | None, safe: bool) -> dict[str, Any]:
        try:
            response = self.http.request(
                "POST", "", params=self._params, json=dict(query=document, variables=variables or {}), safe=safe
            )
        except ApiError as exc:
            if exc.code == "rate_limited" and exc.retry_after:
                exc.message = rate_limit_message(exc)
                exc.args = (exc.message,)
            raise
        body = response.json()
        operation = operation_name(document)
        if not isinstance(body, dict):
            raise unexpected_answer(self.http, "POST", operation, "not a GraphQL JSON object", response.text)
        if body.get("errors"):
            errors = body["errors"] if isinstance(body["errors"], list) else [body["errors"]]
            message, code = _errors_message(errors)
            if not safe:
                message += (
                    " (%s; it may have been applied in part: run the task again, it reads what Railway has"
                    " first)" % operation
                )
            else:
                message += " (%s)" % operation
            raise ApiError(
                self.http.redactor.redact(message),
                provider="Railway",
                status=response.status,
                code=code,
                details=self.http.redactor.redact(errors),
                method="POST",
                path=operation,
            )
        problem = (
            missing_in_answer(selection_of(document), body.get("data"), "")
            if isinstance(body.get("data"), dict)
            else "no data object"
        )
        # Every root field the collection asks for is non-null in Railway's schema: null comes only with errors.
        problem = problem or next(
            ("%s is null without an error" % key for key in selection_of(document) if body["data"][key] is None), None
        )
        if problem:
            raise unexpected_answer(self.http, "POST", operation, problem, response.text)
        return body["data"]

    def query(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._post(document, variables, safe=True)

    def mutate(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        self.mutations += 1
        return self._post(document, variables, safe=False)

    # ------------------------------------------------------------------ lookups

    def workspaces(self) -> list[dict[str, Any]]:
        """The workspaces the token may work in (read once per task): all of an account token's, the one of a
        workspace token. `apiToken` answers both; `me` is refused to workspace tokens."""
        if self._workspaces is None:
            self._workspaces = self.query("query workspaces { apiToken { workspaces { id name } } }")["apiToken"][
                "workspaces"
            ]
        return self._workspaces

    def token_scope(self) -> dict[str, Any]:
        """The project and environment a project token is bound to."""
        return self.query("query projectTokenScope { projectToken { projectId environmentId } }")["projectToken"]

    def list_projects(self, workspace_id: str | None, fields: str = "id name") -> list[dict[str, Any]]:
        """Every project of a workspace (all pages)."""
        document = (
            "query projects($workspaceId: String, $first: Int, $after: String) {"
            " projects(workspaceId: $workspaceId, first: $first, after: $after) {"
            " edges { node { %s } } pageInfo { hasNextPage endCursor } } }" % fields
        )
        found: list[dict[str, Any]] = []
        after = None
        guard = PageGuard("Railway", "query projects")
        while True:
            page = self.query(document, dict(workspaceId=workspace_id, first=PAGE_SIZE, after=after))["projects"]
            found.extend(nodes(page))
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = guard.advance(page["pageInfo"]["endCursor"])

    def get_project(self, project_id: str, fields: str) -> dict[str, Any]:
        return self.query("query project($id: String!) { project(id: $id) { %s } }" % fields, dict(id=project_id))[
            "project"
        ]

    def find_projects(
        self, name: str, workspace_id: str | None = None, fields: str = "id name"
    ) -> list[dict[str, Any]]:
        """Projects called `name` that the token can see, read in bulk with `fields`."""
        if self.uses_project_token:
            scope = self.token_scope()
            project = self.get_project(scope["projectId"], fields)
            return [project] if project["name"] == name else []
        if workspace_id:
            workspace_ids = [workspace_id]
        else:
            workspace_ids = [w["id"] for w in self.workspaces()]
        found: list[dict[str, Any]] = []
        for ws in workspace_ids:
            found.extend(p for p in self.list_projects(ws, fields) if p["name"] == name)
        return found

    def resolve_project(
        self, project: str, workspace_id: str | None = None, fields: str = "id name", required: bool = True
    ) -> dict[str, Any] | None:
        """A project given by id or by name (unique in what the token sees), read with `fields`."""
        if is_id(project):
            try:
                return self.get_project(project, fields)
            except ApiError as exc:
                if "not found" in exc.message.lower() and not required:
                    return None
                raise
        matches = self.find_projects(project, workspace_id, fields)
        if len(matches) > 1:
            raise TaskFailed(
                "project: %d Railway projects are called %r (%s); give the project's id instead."
                % (len(matches), project, ", ".join(p["id"] for p in matches))
            )
        if not matches:
            if required:
                raise TaskFailed(
                    "project: no Railway project called %r is visible to this token%s."
                    % (project, " in workspace %s" % workspace_id if workspace_id else "")
                )
            return None
        return matches[0]


def pick_environment(project: dict[str, Any], environment: str | None) -> dict[str, Any] | None:
    """An environment of a project read with its environments, by id or by name; None if absent."""
    for env in nodes(project.get("environments")):
        if env["id"] == environment or env["name"] == environment:
            return env
    return None


def pick_service(project: dict[str, Any], service: str | None) -> dict[str, Any] | None:
    """A service of a project read with its services, by id or by name; None if absent."""
    for svc in nodes(project.get("services")):
        if svc["id"] == service or svc["name"] == service:
            return svc
    return None


def _names(connection: dict[str, Any] | None) -> str:
    return ", ".join(sorted(n["name"] for n in nodes(connection))) or "none"


INSTANCE_PROJECT_FIELDS = (
    "id name workspaceId environments(first: 100) { edges { node { id name } } }"
    " services(first: 100) { edges { node { id name } } }"
)


def resolve_instance(
    client: RailwayClient, params: dict[str, Any], required: bool = True
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any] | None]:
    """(project, environment, service) named by params' project, environment and service (names or ids).

    One query for the project with its environments and services. A missing part fails naming the
    option and what exists; with required=False (check mode, where an earlier task would create it)
    the missing parts are None instead.
    """
    project = client.resolve_project(
        params["project"], params.get("workspace_id"), INSTANCE_PROJECT_FIELDS, required=required
    )
    if project is None:
        return None, None, None
    environment = pick_environment(project, params["environment"])
    if environment is None and required:
        raise TaskFailed(
            "environment: project %r has no environment %r (it has: %s)."
            % (project["name"], params["environment"], _names(project.get("environments")))
        )
    service = pick_service(project, params["service"])
    if service is None and required:
        raise TaskFailed(
            "service: project %r has no service %r (it has: %s)."
            % (project["name"], params["service"], _names(project.get("services")))
        )
    return project, environment, service
