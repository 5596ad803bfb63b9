"""The Railway section of the state store, and small helpers to make its records."""
import uuid
from datetime import datetime, timezone

SANDBOX_NAMESPACE = uuid.UUID("6d1f3c52-2b7e-4d55-9a4e-5a4db0c0ffee")
WORKSPACE_ID = str(uuid.uuid5(SANDBOX_NAMESPACE, "railway-workspace"))
USER_ID = str(uuid.uuid5(SANDBOX_NAMESPACE, "railway-user"))
START_TIME = "2026-01-01T00:00:00.000Z"


def initial_state():
    """An empty Railway account: one user, one workspace, nothing else."""
    return {
        "user": {"id": USER_ID, "email": "sandbox@railstack.invalid", "name": "Sandbox User"},
        "workspace": {"id": WORKSPACE_ID, "name": "Sandbox Workspace", "createdAt": START_TIME, "updatedAt": START_TIME},
        "projects": {},          # id -> project
        "environments": {},      # id -> environment, with its committed `config` and `configEtag`
        "services": {},          # id -> service (project level)
        "volumes": {},           # id -> volume (project level)
        "projectTokens": {},     # id -> token record, with the secret `token`
        "patches": {},           # id -> EnvironmentPatch (staged and committed)
        "configRevision": 0,     # bumped on every committed config write (feeds configEtag)
    }


def now():
    """Railway's DateTime format: UTC with milliseconds, e.g. 2026-01-01T00:00:00.000Z."""
    moment = datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def live(records):
    """Records not deleted, in creation order."""
    return [r for r in records.values() if not r.get("deletedAt")]
