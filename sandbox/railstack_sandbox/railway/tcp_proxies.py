# pylint: disable=disallowed-name  # "_" is an unused argument here (a resolver's parent, a route's match)
"""TCP proxies: the public host:port Railway gives a service instance's `networking.tcpProxies` entry.

A proxy exists while the committed config has `networking.tcpProxies."<applicationPort>"`; its
domain (`<word>.proxy.rlwy.net`) and proxy port are allocated the first time it is seen and kept.
Tests can point a service's proxy at a real server (a local PostgreSQL, say) through the control
API: POST /_sandbox/railway/tcp-proxy {"serviceId" | "name", "host", "port"} — from then on
tcpProxies, RAILWAY_TCP_PROXY_DOMAIN / RAILWAY_TCP_PROXY_PORT and so DATABASE_PUBLIC_URL say host:port.
"""
import hashlib

from .context import RailwayError
from .control import ControlError, control
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
                      "createdAt": timestamp, "updatedAt": timestamp, "deletedAt": None}
            records[key] = record
            context.changed()
        found.append(effective(context, record))
    stale = [k for k, r in records.items() if r["environmentId"] == environment["id"] and r["serviceId"] == service_id
             and str(r["applicationPort"]) not in ports]
    for key in stale:       # the entry left the config: the proxy is gone (a new one gets a new port)
        del records[key]
        context.changed()
    return found


def effective(context, record):
    """A proxy record with a test's host:port override applied."""
    overrides = _overrides(context)
    override = overrides.get(f"{record['serviceId']}:{record['environmentId']}") or overrides.get(record["serviceId"])
    if override:
        return dict(record, domain=override["host"], proxyPort=override["port"])
    return record


@resolves("Query", "tcpProxies")
def resolve_tcp_proxies(_, info, environmentId, serviceId):
    context = info.context
    environment = context.environment(environmentId)
    service = context.service(serviceId)
    if service["projectId"] != environment["projectId"]:
        raise RailwayError("Service not found")
    return proxies_of(context, environment, serviceId)


@resolves("TCPProxy", "syncStatus")
def resolve_tcp_proxy_sync_status(record, info):
    return "ACTIVE"


@control("POST", "tcp-proxy")
def point_tcp_proxy(context, body):
    """{"serviceId" or "name" (+ "projectId" when names repeat), "environmentId"?, "host", "port"}; host null removes it."""
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
    service = services[0]
    key = service["id"] + (f":{body['environmentId']}" if body.get("environmentId") else "")
    if body.get("host") is None:
        _overrides(context).pop(key, None)
        context.changed()
        return {"serviceId": service["id"], "environmentId": body.get("environmentId"), "override": None}
    port = body.get("port")
    if not isinstance(body["host"], str) or not body["host"] or not isinstance(port, int) or not 0 < port < 65536:
        raise ControlError("host must be a host name and port a port number")
    _overrides(context)[key] = {"host": body["host"], "port": port}
    context.changed()
    return {"serviceId": service["id"], "environmentId": body.get("environmentId"),
            "override": {"host": body["host"], "port": port}}
