# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""A scripted stand-in for Railway's GraphQL endpoint, below RailwayClient and above HTTP.

Each expected call is (operation name, answer). The answer is the `data` dict, an exception to
raise, or a callable taking the variables. Tests assert on exactly which operations were sent.
"""

from __future__ import annotations

import re

import pytest

from ansible_collections.railstack.platform.plugins.module_utils import railway, railway_config

OPERATION_RE = re.compile(r"^\s*(query|mutation)\s+(\w+)")


class Script:
    def __init__(self, steps):
        self.steps = list(steps)
        self.sent = []
        self.sent_documents = []
        self.slept = []

    def post(self, client, document, variables, safe):
        kind, name = OPERATION_RE.match(document).groups()
        assert (kind == "query") == safe, "%s %s sent with safe=%s" % (kind, name, safe)
        self.sent.append((kind, name, variables))
        self.sent_documents.append((document, variables))
        client.http.stats["requests"] = client.http.stats.get("requests", 0) + 1
        assert self.steps, "unexpected request %s %s(%r)" % (kind, name, variables)
        expected, answer = self.steps.pop(0)
        assert name == expected, "sent %s, expected %s" % (name, expected)
        if isinstance(answer, Exception):
            raise answer
        return answer(variables) if callable(answer) else answer

    @property
    def documents(self):
        return [document for document, dummy in self.sent_documents]

    @property
    def mutations(self):
        return [name for kind, name, dummy in self.sent if kind == "mutation"]

    def done(self):
        assert not self.steps, "expected requests not sent: %s" % [s[0] for s in self.steps]


@pytest.fixture
def railway_script(monkeypatch):
    holder = {}

    def install(*steps):
        script = Script(steps)
        holder["script"] = script

        def post(client, document, variables, safe):
            return script.post(client, document, variables, safe)

        monkeypatch.setattr(railway.RailwayClient, "_post", post)
        monkeypatch.setattr(railway_config, "sleep", script.slept.append)     # no real waiting for patches
        return script

    return install


# ------------------------------------------------------------------------- the requests of one commit

def unchanged(etag, unmerged=0, pending=()):
    """The concurrency check right before a commit: the environment as the task read it (or not)."""
    return ("environmentGuard", dict(environment=dict(configEtag=etag, unmergedChangesCount=unmerged),
                                     environmentPatches=dict(edges=[dict(node=dict(id=p, status="APPLYING")) for p in pending])))


def applied(patch_id, error=None, status="COMMITTED"):
    """One poll of environmentPatch(id): applied (or refused with `error`)."""
    return ("environmentPatch", dict(environmentPatch=dict(id=patch_id, status=status, lastAppliedError=error,
                                                           appliedAt=None if error else "2026-01-01T00:00:00.000Z")))


def committed(patch_id, etag, mutation="environmentPatchCommit"):
    """check, commit, one poll that finds the patch applied."""
    return [unchanged(etag), (mutation, {mutation: patch_id}), applied(patch_id)]


def staged_commit(patch_id, etag, unmerged=0):
    """check, stage (merge), commit staged, one poll."""
    return [unchanged(etag, unmerged), ("environmentStageChanges", dict(environmentStageChanges=dict(id=patch_id))),
            ("environmentPatchCommitStaged", dict(environmentPatchCommitStaged=patch_id)), applied(patch_id)]


def reread_then_commit(patch_id, environment):
    """After the task's own serviceCreate / volumeCreate: a fresh read of `environment` instead of the check."""
    return [("environmentConfig", dict(environment=environment)),
            ("environmentPatchCommit", dict(environmentPatchCommit=patch_id)), applied(patch_id)]
