# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: railway
short_description: Railway projects, environments and services as inventory hosts and groups
version_added: 0.1.0
description:
  - Reads Railway projects with the query of M(railstack.platform.railway_info) (a whole project in one GraphQL
    query), and adds one host per environment and one host per service in each environment, with their settings,
    domains, latest deployment and public URL as host variables.
  - Every host has C(ansible_connection=local), since Railway services are reached through APIs, not SSH.
  - 'Host names: C(<project>.<environment>) for an environment, C(<project>.<environment>.<service>) for a service.
    A project whose name another project of the token also has is named C(<project>-<first 8 characters of its id>).'
  - 'Groups: C(railway_environments) and C(railway_services) (by kind); C(railway_project_<project>),
    C(railway_environment_<environment>) and C(railway_service_<service>) (by name, lowercased, characters other
    than letters, digits and C(_) replaced by C(_)).'
  - Variable values are never read; only their names are.
  - The configuration file name must end with C(railway.yml) or C(railway.yaml).
  - With O(project_token), only that token's project is read.
  - Prefer the environment variables to writing a token into the inventory file. In AWX, attach a credential of
    the Railway type that C(extensions/awx/credential_types.yml) defines to the inventory source; it sets them.
author:
  - railstack.platform developers (@railstack)
requirements:
  - requests
extends_documentation_fragment:
  - railstack.platform.railway.PLUGIN
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin.
    type: str
    required: true
    choices:
      - railstack.platform.railway
  projects:
    description:
      - The projects to read, by id or by name. When empty, every project the token can see.
      - Projects given only by id are read with one query each; otherwise every workspace is read with one query
        per page of 100 projects.
    type: list
    elements: str
    default: []
  workspace_id:
    description:
      - Workspace to look in. When not set, every workspace the token sees.
    type: str
  environments:
    description:
      - Only the environments with these names. When empty, every environment.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
---
# inventories/railway.yml: every project the token in RAILWAY_API_TOKEN sees
plugin: railstack.platform.railway

---
# inventories/prela.railway.yml: one project, its production and staging environments, grouped by builder,
# with each service's URL under a shorter name, cached for an hour
plugin: railstack.platform.railway
projects:
  - prela-backend
environments:
  - production
  - staging
compose:
  url: railway_public_url
keyed_groups:
  - key: railway_build.builder | default('none')
    prefix: builder
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /tmp/railway-inventory
cache_timeout: 3600
"""

import re

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import Cacheable

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.railway import RailwayClient, is_id, nodes
from ansible_collections.railstack.platform.plugins.plugin_utils._inventory import ConstructedHosts
from ansible_collections.railstack.platform.plugins.module_utils.railway_info import (
    INFO_FIELDS, project_info, read_project, read_workspace)

# Service settings copied into host variables, from each environment's config (registry passwords left out).
SETTINGS = ("source", "build", "deploy")
NOT_SETTINGS = {"deploy": ("registryCredentials",)}


def group_name(prefix, name):
    return prefix + re.sub(r"[^a-z0-9_]", "_", str(name).lower())


def public_url(service):
    """https:// plus the first custom domain, else the first Railway domain; None without a domain."""
    domains = service["custom_domains"] or service["service_domains"]
    return "https://%s" % domains[0] if domains else None


def service_settings(config, service_id):
    """source/build/deploy of a service in an environment's config, without secrets."""
    raw = ((config or {}).get("services") or {}).get(service_id) or {}
    settings = {}
    for section in SETTINGS:
        value = dict(raw.get(section) or {})
        for key in NOT_SETTINGS.get(section, ()):
            value.pop(key, None)
        settings[section] = value
    return settings


def shape(project):
    """A project read with INFO_FIELDS: railway_info's shape plus each service's settings and public URL."""
    info = project_info(project)
    configs = {env["id"]: env.get("config") for env in nodes(project.get("environments"))}
    for env in info["environments"]:
        for service in env["services"]:
            service["settings"] = service_settings(configs.get(env["id"]), service["id"])
            service["public_url"] = public_url(service)
    return info


class InventoryModule(ConstructedHosts, Cacheable):

    NAME = "railstack.platform.railway"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(("railway.yml", "railway.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        projects = None
        if use_cache:
            try:
                projects = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if projects is None:
            projects = self._read_projects()
        if update_cache:
            self._cache[cache_key] = projects
        self._populate(projects)

    # ------------------------------------------------------------------ reading

    def _read_projects(self):
        params = {name: self.get_option(name) for name in ("api_token", "project_token", "api_url", "validate_certs", "timeout")}
        wanted, workspace_id = self.get_option("projects"), self.get_option("workspace_id")
        try:
            client = RailwayClient(params)
            if client.uses_project_token:
                raw = [client.get_project(client.token_scope()["projectId"], INFO_FIELDS)]
                names = [p for p in wanted if p not in (raw[0]["id"], raw[0]["name"])]
                if names:
                    raise TaskFailed("projects: this project token is for project %r only, not %s." % (
                        raw[0]["name"], ", ".join(repr(n) for n in names)))
            elif wanted and all(is_id(p) for p in wanted):
                raw = [read_project(client, p, rules=False)[0] for p in wanted]
            else:
                workspace_ids = [workspace_id] if workspace_id else [w["id"] for w in client.workspaces()]
                raw = [p for ws in workspace_ids for p in read_workspace(client, ws, rules=False)[0]]
                if wanted:
                    raw = self._pick(raw, wanted, workspace_id)
        except TaskFailed as exc:
            raise AnsibleParserError("railstack.platform.railway inventory: %s" % exc.msg) from None
        except ApiError as exc:
            raise AnsibleError("railstack.platform.railway inventory: %s" % exc.message) from None
        return [shape(project) for project in raw]

    @staticmethod
    def _pick(projects, wanted, workspace_id):
        """The projects named in `wanted` (ids or names, each matching exactly one project)."""
        picked = []
        for name in wanted:
            found = [p for p in projects if name in (p["id"], p["name"])]
            if len(found) > 1:
                raise TaskFailed("projects: %d Railway projects are called %r (%s); give the project's id instead." % (
                    len(found), name, ", ".join(p["id"] for p in found)))
            if not found:
                raise TaskFailed("projects: no Railway project called %r is visible to this token%s." % (
                    name, " in workspace %s" % workspace_id if workspace_id else ""))
            picked.extend(found)
        return picked

    # ------------------------------------------------------------------ populating

    def _populate(self, projects):
        counts = {}
        for project in projects:
            counts[project["name"]] = counts.get(project["name"], 0) + 1
        only = set(self.get_option("environments") or ())
        for kind in ("railway_environments", "railway_services"):
            self.inventory.add_group(kind)
        for project in projects:
            label = project["name"] if counts[project["name"]] == 1 else "%s-%s" % (project["name"], project["id"][:8])
            project_vars = dict(ansible_connection="local", railway_project_id=project["id"],
                                railway_project_name=project["name"], railway_workspace_id=project["workspace_id"])
            for env in project["environments"]:
                if only and env["name"] not in only:
                    continue
                env_vars = dict(project_vars, railway_environment_id=env["id"], railway_environment_name=env["name"])
                groups = [group_name("railway_project_", project["name"]), group_name("railway_environment_", env["name"])]
                self._add("%s.%s" % (label, env["name"]), ["railway_environments"] + groups, dict(
                    env_vars, railway_kind="environment", railway_is_ephemeral=env["is_ephemeral"],
                    railway_shared_variables=env["shared_variables"], railway_volumes=env["volumes"],
                    railway_services=[s["name"] for s in env["services"]],
                    railway_public_urls={s["name"]: s["public_url"] for s in env["services"] if s["public_url"]}))
                for service in env["services"]:
                    self._add("%s.%s.%s" % (label, env["name"], service["name"]),
                              ["railway_services", group_name("railway_service_", service["name"])] + groups, dict(
                                  env_vars, railway_kind="service", railway_service_id=service["id"],
                                  railway_service_name=service["name"], railway_public_url=service["public_url"],
                                  railway_service_domains=service["service_domains"],
                                  railway_custom_domains=service["custom_domains"],
                                  railway_tcp_proxy_ports=service["tcp_proxy_ports"],
                                  railway_variables=service["variables"], railway_volume_mounts=service["volume_mounts"],
                                  railway_domains=service.get("domains", []),
                                  railway_latest_deployment=service.get("latest_deployment"),
                                  **{"railway_%s" % k: v for k, v in service["settings"].items()}))
