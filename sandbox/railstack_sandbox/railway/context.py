# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""Who is calling (auth), and lookups that enforce what that caller may see."""
from dataclasses import dataclass

from . import realism
from .records import now

NOT_AUTHORIZED = "Not Authorized"
PROJECT_TOKEN_NOT_FOUND = "Project Token not found"


class RailwayError(Exception):
    """An error Railway reports in `errors[].message` (HTTP 200)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Caller:
    kind: str                   # "account" | "workspace" | "project_token" | "unknown_project_token" | "anonymous"
    project_id: str = None      # project tokens only
    environment_id: str = None
    token_id: str = None


def identify_caller(headers, data, account_token, workspace_token=None):
    """Project-Access-Token wins over Authorization, as in Railway's CLI (it sends one or the other).

    The workspace token is accepted only while the realism setting `workspace_tokens` is on.
    """
    project_token = headers.get("Project-Access-Token")
    if project_token is not None:
        for record in data["projectTokens"].values():
            if record["token"] == project_token.strip():
                return Caller("project_token", record["projectId"], record["environmentId"], record["id"])
        return Caller("unknown_project_token")
    scheme, _, value = (headers.get("Authorization") or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return Caller("anonymous")
    if value.strip() == account_token:
        return Caller("account")
    if workspace_token and value.strip() == workspace_token and realism.current(data)["workspace_tokens"]:
        return Caller("workspace")
    return Caller("anonymous")


def budget_key(caller):
    """Whose request budget a request counts against: each token has its own."""
    if caller.kind == "project_token":
        return f"project_token:{caller.token_id}"
    return caller.kind


class RailwayContext:
    """Per-request context handed to every resolver as `info.context`."""

    def __init__(self, store, caller):
        self.store = store
        self.data = store.section("railway")
        self.caller = caller

    # -------------------------------------------------------------- auth
    def require_caller(self):
        """Any valid credential (account, workspace or project token)."""
        if self.caller.kind == "unknown_project_token":
            raise RailwayError(PROJECT_TOKEN_NOT_FOUND)
        if self.caller.kind not in ("account", "workspace", "project_token"):
            raise RailwayError(NOT_AUTHORIZED)

    def require_account(self):
        """The account token or the workspace token (whose workspace is the sandbox's only one);
        project tokens may not do this."""
        self.require_caller()
        if self.caller.kind not in ("account", "workspace"):
            raise RailwayError(NOT_AUTHORIZED)

    def require_user(self):
        """The account token only: `me` is refused to workspace and project tokens (docs integrations/api.md)."""
        self.require_caller()
        if self.caller.kind != "account":
            raise RailwayError(NOT_AUTHORIZED)

    # -------------------------------------------------------------- realism (railway/realism.py)
    @property
    def realism(self):
        """The realism settings in force: {"plan": "hobby", "patch_apply_seconds": 1.0, ...}."""
        return realism.current(self.data)

    @property
    def plan(self):
        """The limits of the account's plan (realism.PLANS)."""
        return realism.plan_limits(self.data)

    def is_project_token(self):
        return self.caller.kind == "project_token"

    # -------------------------------------------------------------- lookups
    def project(self, project_id):
        self.require_caller()
        if self.is_project_token() and project_id != self.caller.project_id:
            raise RailwayError(NOT_AUTHORIZED)
        project = self.data["projects"].get(project_id)
        if project is None or project.get("deletedAt"):
            raise RailwayError("Project not found")
        return project

    def environment(self, environment_id):
        self.require_caller()
        if self.is_project_token() and environment_id != self.caller.environment_id:
            raise RailwayError(NOT_AUTHORIZED)
        environment = self.data["environments"].get(environment_id)
        if environment is None or environment.get("deletedAt"):
            raise RailwayError("Environment not found")
        return environment

    def service(self, service_id):
        self.require_caller()
        service = self.data["services"].get(service_id)
        if service is None or service.get("deletedAt"):
            raise RailwayError("Service not found")
        self.project(service["projectId"])
        return service

    def volume(self, volume_id):
        self.require_caller()
        volume = self.data["volumes"].get(volume_id)
        if volume is None or volume.get("deletedAt"):
            raise RailwayError("Volume not found")
        self.project(volume["projectId"])
        return volume

    def visible_environments(self, project_id, include_ephemeral=None):
        """Live environments of a project the caller may see, oldest first."""
        environments = [e for e in self.data["environments"].values()
                        if e["projectId"] == project_id and not e.get("deletedAt")]
        if self.is_project_token():
            environments = [e for e in environments if e["id"] == self.caller.environment_id]
        if include_ephemeral is not None:
            environments = [e for e in environments if e["isEphemeral"] == include_ephemeral]
        return environments

    # -------------------------------------------------------------- writes
    def new_id(self):
        return self.store.new_uuid()

    def now(self):
        return now()

    def changed(self):
        self.store.mark_changed()
