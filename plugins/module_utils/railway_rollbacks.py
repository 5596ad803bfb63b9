# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to railstack.platform; may change at any time.
"""After a rollback: deploy a service again with the environment config's variables.

A Railway rollback runs an older deployment's image and variables without rewriting the config, so a later
config writer (railway_services, railway_service, railway_variables) deploys the service again when its
latest deployment is a running rollback. Library code: resources import it; it imports no resource.
"""

from __future__ import annotations


DEPLOY_SAME_COMMIT = ("mutation serviceInstanceDeployV2($environmentId: String!, $serviceId: String!) {"
                      " serviceInstanceDeployV2(environmentId: $environmentId, serviceId: $serviceId) }")
ROLLED_BACK_STATUSES = ("QUEUED", "WAITING", "INITIALIZING", "BUILDING", "DEPLOYING", "SUCCESS", "SLEEPING")


def running_rollback(state, service_id):
    """The service's latest deployment when it is a rollback that runs (or starts): older variables than the config."""
    latest = state.latest_deployments.get(service_id) or {}
    meta = latest.get("meta") or {}
    return latest if meta.get("reason") == "rollback" and latest.get("status") in ROLLED_BACK_STATUSES else None


def reapply_after_rollback(ctx, client, state, service_id, name, deployed, skip_deploys):
    """Deploy a service again (same commit, the config's variables) when a rollback left it on older variables.

    `state` is the config engine's read (EnvironmentState: each instance's latest deployment comes with it);
    `deployed`: this run's config commit deploys the service anyway. Returns the new deployment's id (True in
    check mode), or None when nothing was sent."""
    rollback = running_rollback(state, service_id)
    if rollback is None:
        return None
    target = (rollback.get("meta") or {}).get("rollbackTargetDeploymentId") or "rolled back to"
    where = "service %s runs rollback deployment %s with the variables of deployment %s, not the environment's " \
            "config" % (name, rollback["id"], target)
    if deployed:
        ctx.warn("%s; this run's config change deploys it with the config's variables." % where)
        return None
    if skip_deploys:
        ctx.warn("%s; skip_deploys is set, so it is not deployed again: deploy it to re-apply the config." % where)
        return None
    ctx.warn("%s; deploying it again (same commit) with the config's variables." % where)
    if ctx.check_mode:
        return True
    return client.mutate(DEPLOY_SAME_COMMIT, dict(environmentId=state.environment["id"],
                                                  serviceId=service_id))["serviceInstanceDeployV2"]
