# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""TCP proxies: the public host:port Railway gives a service instance's `networking.tcpProxies` entry.

A proxy exists while the committed config has `networking.tcpProxies."<applicationPort>"`; its
domain (`<word>.proxy.rlwy.net`) and proxy port are allocated the first time it is seen and kept.
It is provisioned asynchronously, as on Railway: for realism `tcp_proxy_seconds` after it was first
seen, `tcpProxies` leaves it out and RAILWAY_TCP_PROXY_DOMAIN / RAILWAY_TCP_PROXY_PORT render empty.

Tests can point a service's proxy at a real server (a local PostgreSQL, say) through the control
API: POST /_sandbox/railway/tcp-proxy {"serviceId" | "name", "host", "port"} — from then on
tcpProxies, RAILWAY_TCP_PROXY_DOMAIN / RAILWAY_TCP_PROXY_PORT and so DATABASE_PUBLIC_URL say host:port.
A name that no service has yet is kept and applies to the service once it is made. With realism
`database_ready` (default true) the override takes effect only once the instance has a deployment
that succeeded: before that the proxy says the override's host with a port that refuses connections
(a socket the sandbox keeps bound without listening), as a database still starting would.
"""
import hashlib
import socket
import time

from .context import RailwayError
from .control import ControlError, control
from .deployments import RUNNING, advance, instance_deployments
from .graphql_api import resolves

PROXY_HOSTS = ("roundhouse", "shuttle", "monorail", "junction", "caboose", "trolley", "viaduct", "interchange",
               "turntable", "switchback", "centerbeam", "maglev", "tramway", "ballast")


def _records(context):
    return context.data.setdefault("tcpProxies", {})


def _overrides(context):
    return context.data.setdefault("tcpProxyOverrides", {})


def proxies_of(context, environment, service_id):
    """The live proxy records of a service instance, made for ports the config has (kept once made)."""
    service = ((environment["config"].get("services") or {}).get(service_id)) or {}
    ports = sorted(((service.get("networking") or {}).get("tcpProxies") or {}).keys())
    records = _records(context)
    found = []
    for port in ports:
        key = f"{environment['id']}:{service_id}:{port}"
        record = records.get(key)
        if record is None:
            record_id = context.new_id()
            digest = hashlib.sha256(record_id.encode()).digest()
            timestamp = context.now()
            record = {"id": record_id, "environmentId": environment["id"], "serviceId": service_id,
                      "applicationPort": int(port), "proxyPort": 10000 + int.from_bytes(digest[:4], "big") % 50000,
                      "domain": f"{PROXY_HOSTS[digest[4] % len(PROXY_HOSTS)]}.proxy.rlwy.net",
                      "createdAt": timestamp, "updatedAt": timestamp, "deletedAt": None,
                      "_provisionedAt": time.time() + context.realism["tcp_proxy_seconds"]}
            records[key] = record
            context.changed()
        found.append(effective(context, record))
    stale = [k for k, r in records.items() if r["environmentId"] == environment["id"] and r["serviceId"] == service_id
             and str(r["applicationPort"]) not in ports]
    for key in stale:       # the entry left the config: the proxy is gone (a new one gets a new port)
        del records[key]
        context.changed()
    return found


def provisioned(record):
    """False while Railway is still provisioning the proxy (domain and port not known yet)."""
    return time.time() >= record.get("_provisionedAt", 0)


def effective(context, record):
    """A proxy record as callers see it: a test's override applied once the instance is ready."""
    if not provisioned(record):
        return dict(record, domain="", proxyPort=None)
    override = _override_for(context, record)
    if not override:
        return record
    if context.realism["database_ready"] and not _instance_ready(context, record):
        host, port = refusing_address(override["host"])
        return dict(record, domain=host, proxyPort=port)
    return dict(record, domain=override["host"], proxyPort=override["port"])


def _override_for(context, record):
    overrides = _overrides(context)
    found = overrides.get(f"{record['serviceId']}:{record['environmentId']}") or overrides.get(record["serviceId"])
    if found:
        return found
    service = context.data["services"].get(record["serviceId"]) or {}
    pending = overrides.get(f"name:{service.get('name')}")
    project = context.data["projects"].get(service.get("projectId")) or {}
    if pending and pending.get("projectName") in (None, project.get("name")):
        return pending
    return None


def _instance_ready(context, record):
    """The instance has a deployment that succeeded and still runs."""
    if advance(context.data):
        context.changed()
    return any(d["status"] in RUNNING for d in instance_deployments(context.data, record["environmentId"],
                                                                    record["serviceId"]))


_REFUSING = {}


def refusing_address(host):
    """(host, port) that refuses connections: a port of `host` (else of 127.0.0.1) that the sandbox keeps bound
    and never listens on."""
    if host not in _REFUSING:
        held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            held.bind((host, 0))
        except OSError:
            held.close()
            return refusing_address("127.0.0.1") if host != "127.0.0.1" else ("127.0.0.1", 9)
        _REFUSING[host] = held
    return host, _REFUSING[host].getsockname()[1]


@resolves("Query", "tcpProxies")
def resolve_tcp_proxies(_, info, environmentId, serviceId):
    """The instance's provisioned proxies (one still being provisioned is not listed yet)."""
    context = info.context
    environment = context.environment(environmentId)
    service = context.service(serviceId)
    if service["projectId"] != environment["projectId"]:
        raise RailwayError("Service not found")
    return [p for p in proxies_of(context, environment, serviceId) if p["proxyPort"] is not None]


@resolves("TCPProxy", "syncStatus")
def resolve_tcp_proxy_sync_status(record, info):
    return "ACTIVE"


@control("POST", "tcp-proxy")
def point_tcp_proxy(context, body):
    """{"serviceId" or "name" (+ "projectId" when names repeat), "environmentId"?, "host", "port"};
    host null removes it.

    {"name", "projectName"?, "pending": true} points the proxy of a service not made yet (the first
    service of that name, in a project of that name when given)."""
    if body.get("pending"):
        if not body.get("name") or body.get("serviceId") or body.get("environmentId"):
            raise ControlError("pending takes name (and projectName), not serviceId or environmentId")
        key = f"name:{body['name']}"
        service = {"id": None}
    else:
        service = _one_service(context, body)
        key = service["id"] + (f":{body['environmentId']}" if body.get("environmentId") else "")
    if body.get("host") is None:
        _overrides(context).pop(key, None)
        context.changed()
        return {"serviceId": service["id"], "environmentId": body.get("environmentId"), "override": None}
    port = body.get("port")
    if not isinstance(body["host"], str) or not body["host"] or not isinstance(port, int) or not 0 < port < 65536:
        raise ControlError("host must be a host name and port a port number")
    _overrides(context)[key] = {"host": body["host"], "port": port}
    if body.get("pending"):
        _overrides(context)[key]["projectName"] = body.get("projectName")
    context.changed()
    return {"serviceId": service["id"], "environmentId": body.get("environmentId"),
            "override": {"host": body["host"], "port": port}}


def _one_service(context, body):
    services = [s for s in context.data["services"].values() if not s.get("deletedAt")]
    if body.get("serviceId"):
        services = [s for s in services if s["id"] == body["serviceId"]]
    elif body.get("name"):
        services = [s for s in services if s["name"] == body["name"]
                    and (not body.get("projectId") or s["projectId"] == body["projectId"])]
    else:
        raise ControlError("give serviceId or name")
    if len(services) != 1:
        raise ControlError(f"{len(services)} services match; give serviceId (or projectId with name)")
    return services[0]
