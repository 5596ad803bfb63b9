"""Namecheap: the XML API at /xml.response (https://api.namecheap.com/xml.response), DNS host commands.

Commands: namecheap.domains.dns.getHosts and namecheap.domains.dns.setHosts, by GET or POST (form).
As at Namecheap: HTTP 200 even for errors (ApiResponse Status="ERROR", Errors/Error Number=...);
setHosts replaces the whole host list; MX hosts are kept only when EmailType is MX, and a setHosts
without EmailType resets the mail setting (NONE), dropping them; a domain whose name servers are not
Namecheap's (IsUsingOurDNS=false) lists no hosts and refuses setHosts (2030288). Host ids are new
after every setHosts. Parameter names are case-insensitive.

The account starts with SEED_DOMAINS. Error numbers are Namecheap's where documented; those marked
"unverified" are the closest documented family.
"""
import copy
import ipaddress
import re
from xml.sax.saxutils import escape, quoteattr

from ..provider import Provider
from ..wire import Response

RECORD_TYPES = ("A", "AAAA", "ALIAS", "CAA", "CNAME", "MX", "MXE", "NS", "TXT", "URL", "URL301", "FRAME")
EMAIL_TYPES = ("MXE", "MX", "FWD", "OX", "GMAIL", "NONE")
WHITELIST = ("127.0.0.1",)
_LABEL = re.compile(r"^(\*|[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)$")


def _host(name, rtype, address, mxpref="10", ttl="1800"):
    return {"Name": name, "Type": rtype, "Address": address, "MXPref": mxpref, "TTL": ttl}


SEED_DOMAINS = {
    # On Namecheap's DNS, with custom mail (EmailType MX) and a few hosts that are not ours.
    "prela.dev": {"is_using_our_dns": True, "email_type": "MX", "hosts": [
        _host("@", "A", "192.0.2.10"),
        _host("www", "CNAME", "parkingpage.namecheap.com."),
        _host("@", "MX", "mx1.mailhost.example.", "10"),
        _host("@", "TXT", "v=spf1 include:mailhost.example ~all", ttl="1799")]},
    # On Namecheap's DNS with email forwarding and a URL redirect record.
    "example.org": {"is_using_our_dns": True, "email_type": "FWD", "hosts": [
        _host("@", "URL301", "https://www.example.org/"),
        _host("www", "CNAME", "parkingpage.namecheap.com.")]},
    # Registered at Namecheap, DNS elsewhere (Cloudflare's name servers).
    "prela.app": {"is_using_our_dns": False, "email_type": "NONE", "hosts": []},
}


class NamecheapError(Exception):
    def __init__(self, number, message):
        super().__init__(message)
        self.number, self.message = number, message


def initial_state():
    domains = {}
    counter = 100
    for name, seed in SEED_DOMAINS.items():
        hosts = []
        for host in seed["hosts"]:
            counter += 1
            hosts.append(dict(host, HostId=str(counter)))
        domains[name] = {"name": name, "is_using_our_dns": seed["is_using_our_dns"],
                         "email_type": seed["email_type"], "hosts": hosts}
    return {"domains": domains, "next_host_id": counter + 1}


def envelope(command, status, body="", errors=()):
    error_xml = "".join(f"<Error Number={quoteattr(str(n))}>{escape(m)}</Error>" for n, m in errors)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<ApiResponse Status="{status}" xmlns="http://api.namecheap.com/xml.response">'
            f"<Errors>{error_xml}</Errors><Warnings />"
            f"<RequestedCommand>{escape(command.lower())}</RequestedCommand>{body}"
            "<Server>RAILSTACK-SANDBOX</Server><GMTTimeDifference>--5:00</GMTTimeDifference>"
            "<ExecutionTime>0.004</ExecutionTime></ApiResponse>")


def _xml(status_body):
    return Response.text(200, status_body, "text/xml; charset=utf-8")


class NamecheapProvider(Provider):
    name = "namecheap"
    base_path = "/xml.response"
    path_prefixes = ("/xml.response",)

    def initial_state(self, store):
        return initial_state()

    def handle(self, request, store):
        if request.method not in ("GET", "POST"):
            return Response.text(405, "Method Not Allowed", headers=[("Allow", "GET, POST")])
        params = {}
        for key, value in list(request.query) + list(request.form or []):
            params[key.lower()] = value
        command = params.get("command", "")
        try:
            self._authenticate(params)
            handler = COMMANDS.get(command.lower())
            if handler is None:
                raise NamecheapError(1011104, f"Parameter Command is invalid: {command}")   # number unverified
            return _xml(envelope(command, "OK", handler(store, params)))
        except NamecheapError as error:
            return _xml(envelope(command, "ERROR", errors=[(error.number, error.message)]))

    def _authenticate(self, params):
        for key, number, label in (("apiuser", 1010101, "APIUser"), ("apikey", 1010102, "APIKey"),
                                   ("username", 1010103, "UserName"), ("command", 1010104, "Command"),
                                   ("clientip", 1010105, "ClientIP")):
            if not params.get(key):
                raise NamecheapError(number, f"Parameter {label} is missing")
        if params["apiuser"] != self.credentials.namecheap_user or params["apikey"] != self.credentials.namecheap:
            raise NamecheapError(1011102, "API Key is invalid or API access has not been enabled")
        if params["username"] != params["apiuser"]:
            raise NamecheapError(1016103, "UserName is unauthorized for this ApiUser")   # number unverified
        try:
            ipaddress.IPv4Address(params["clientip"])
        except ValueError:
            raise NamecheapError(1011105, "Parameter ClientIP is invalid")
        if params["clientip"] not in WHITELIST:
            raise NamecheapError(1011150, f"Invalid request IP: {params['clientip']}")

    def fault_response(self, kind, request):
        if kind in ("429", "429_edge"):
            return Response.text(429, "Too Many Requests", headers=[("Retry-After", "1")] if kind == "429" else [])
        return Response.text(int(kind), f"<html><body><h1>{kind}</h1></body></html>", "text/html")


def _domain(store, params):
    for key, label in (("sld", "SLD"), ("tld", "TLD")):
        if not params.get(key):
            raise NamecheapError(2010324, f"Parameter {label} is missing")                  # number unverified
    name = f"{params['sld']}.{params['tld']}".lower()
    domain = store.section("namecheap")["domains"].get(name)
    if domain is None:
        raise NamecheapError(2019166, "Domain not found")
    return domain


def get_hosts(store, params):
    domain = _domain(store, params)
    hosts = domain["hosts"] if domain["is_using_our_dns"] else []
    rows = "".join(
        "<host HostId=%s Name=%s Type=%s Address=%s MXPref=%s TTL=%s AssociatedAppTitle=\"\" FriendlyName=\"\" "
        "IsActive=\"true\" IsDDNSEnabled=\"false\" />" % tuple(quoteattr(h[k]) for k in (
            "HostId", "Name", "Type", "Address", "MXPref", "TTL")) for h in hosts)
    result = (f"<DomainDNSGetHostsResult Domain={quoteattr(domain['name'])} EmailType={quoteattr(domain['email_type'])} "
              f"IsUsingOurDNS=\"{'true' if domain['is_using_our_dns'] else 'false'}\">{rows}</DomainDNSGetHostsResult>")
    return f'<CommandResponse Type="namecheap.domains.dns.getHosts">{result}</CommandResponse>'


def _valid_address(rtype, address):
    if rtype == "A":
        ipaddress.IPv4Address(address)
    elif rtype == "AAAA":
        ipaddress.IPv6Address(address)
    elif rtype in ("CNAME", "NS", "MX", "ALIAS"):
        host = address.rstrip(".")
        if not host or not all(_LABEL.match(label) for label in host.split(".")):
            raise ValueError(address)


def set_hosts(store, params):
    domain = _domain(store, params)
    if not domain["is_using_our_dns"]:
        raise NamecheapError(2030288, "Cannot complete this command as this domain is not using proper DNS servers")
    email_type = params.get("emailtype", "NONE").upper()
    if email_type not in EMAIL_TYPES:
        raise NamecheapError(2011280, f"Parameter EmailType is invalid: {params['emailtype']}")  # number unverified
    indices = sorted(int(k[len("hostname"):]) for k in params if re.fullmatch(r"hostname\d+", k))
    hosts = []
    for n in indices:
        host = {}
        for key, label in (("hostname", "HostName"), ("recordtype", "RecordType"), ("address", "Address")):
            value = params.get(f"{key}{n}")
            if value is None or value == "":
                raise NamecheapError(2010324, f"Parameter {label}{n} is missing")          # number unverified
            host[label] = value
        name, rtype, address = host["HostName"], host["RecordType"].upper(), host["Address"]
        if rtype not in RECORD_TYPES:
            raise NamecheapError(2011280, f"Parameter RecordType{n} is invalid: {host['RecordType']}")
        if name != "@" and not all(_LABEL.match(label) for label in name.split(".")):
            raise NamecheapError(2011280, f"Parameter HostName{n} is invalid: {name}")
        try:
            _valid_address(rtype, address)
        except ValueError:
            raise NamecheapError(2011280, f"Parameter Address{n} is invalid for a {rtype} record: {address}")
        ttl = params.get(f"ttl{n}") or "1800"
        mxpref = params.get(f"mxpref{n}") or "10"
        if not ttl.isdigit() or not 60 <= int(ttl) <= 60000:
            raise NamecheapError(2011280, f"Parameter TTL{n} is invalid: {ttl} (60..60000)")
        if not mxpref.isdigit():
            raise NamecheapError(2011280, f"Parameter MXPref{n} is invalid: {mxpref}")
        if rtype == "MX" and email_type != "MX":
            continue    # Namecheap keeps MX hosts only under custom MX mail settings
        hosts.append({"Name": name.lower() if name != "@" else "@", "Type": rtype, "Address": address,
                      "MXPref": str(int(mxpref)), "TTL": str(int(ttl))})
    section = store.section("namecheap")
    for host in hosts:
        host["HostId"] = str(section["next_host_id"])
        section["next_host_id"] += 1
    domain["hosts"] = hosts
    domain["email_type"] = email_type
    store.mark_changed()
    return ('<CommandResponse Type="namecheap.domains.dns.setHosts">'
            f'<DomainDNSSetHostsResult Domain={quoteattr(domain["name"])} IsSuccess="true"><Warnings />'
            "</DomainDNSSetHostsResult></CommandResponse>")


COMMANDS = {"namecheap.domains.dns.gethosts": get_hosts, "namecheap.domains.dns.sethosts": set_hosts}


def _compared(rtype, value):
    if rtype in ("CNAME", "NS", "MX", "ALIAS"):
        return value.lower().rstrip(".")
    if rtype == "TXT" and value.startswith('"') and value.endswith('"'):
        return value[1:-1]
    return value


def domain_holds_record(store, domain, name, rtype, value):
    """Does Namecheap domain `domain` (on Namecheap DNS) hold `name` (relative or complete) / `rtype` / `value`?"""
    domain = domain.lower().rstrip(".")
    name = name.lower().rstrip(".")
    fqdn = domain if name in ("", "@") else (name if name == domain or name.endswith("." + domain)
                                             else f"{name}.{domain}")
    return _compared(rtype, str(value)) in resolve(store, fqdn, rtype)


def _serving(store, fqdn):
    for domain in store.section("namecheap")["domains"].values():
        if domain["is_using_our_dns"] and (fqdn == domain["name"] or fqdn.endswith("." + domain["name"])):
            return domain
    return None


def serves(store, fqdn):
    """Is `fqdn` in a domain on Namecheap's DNS?"""
    return _serving(store, fqdn.lower().rstrip(".")) is not None


def resolve(store, fqdn, rtype):
    """The values Namecheap's DNS serves for `fqdn`/`rtype` (MX as 'PREF HOST'); [] when no domain serves it."""
    fqdn = fqdn.lower().rstrip(".")
    domain = _serving(store, fqdn)
    if domain is None:
        return []
    host = "@" if fqdn == domain["name"] else fqdn[: -len(domain["name"]) - 1]
    return sorted((f"{h['MXPref']} " if rtype == "MX" else "") + _compared(rtype, h["Address"])
                  for h in copy.deepcopy(domain["hosts"]) if h["Name"] == host and h["Type"] == rtype)
