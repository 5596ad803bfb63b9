# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Namecheap's XML API (domains.dns.getHosts / setHosts) over the shared HTTP core.

setHosts replaces a domain's whole host list, so every write is read -> edit -> write everything
back (EmailType included) -> read again to check that what was not ours is exactly as it was.
"""

from __future__ import annotations

import ipaddress
import xml.etree.ElementTree as ET
from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.railstack.platform.plugins.module_utils._http import (
    ApiError,
    HttpClient,
    HttpResponse,
    ProviderClient,
)
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.dns import Op, Record, lenient_value

# A host entry as setHosts takes it: (name, type, address, MX preference, TTL).
HostEntry = tuple[str, str, str, str, str]

NAMECHEAP_API_URL = "https://api.namecheap.com/xml.response"
REQUIRED = (
    ("namecheap_api_user", "NAMECHEAP_API_USER"),
    ("namecheap_api_key", "NAMECHEAP_API_KEY"),
    ("namecheap_client_ip", "NAMECHEAP_CLIENT_IP"),
)


def namecheap_argument_spec() -> dict[str, Any]:
    """Credentials and endpoint; documented in doc_fragments/dns.py."""
    return dict(
        namecheap_api_user=dict(type="str", fallback=(env_fallback, ["NAMECHEAP_API_USER"])),
        namecheap_api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["NAMECHEAP_API_KEY"])),
        namecheap_username=dict(type="str", fallback=(env_fallback, ["NAMECHEAP_USERNAME"])),
        namecheap_client_ip=dict(type="str", fallback=(env_fallback, ["NAMECHEAP_CLIENT_IP"])),
        namecheap_api_url=dict(type="str", default=NAMECHEAP_API_URL, fallback=(env_fallback, ["NAMECHEAP_API_URL"])),
    )


def parse(text: str) -> ET.Element | None:
    """The XML answer with namespaces dropped and tags and attribute names in lower case (the live API
    mixes <host>/<Host> and HostId/HostID), or None when it is not XML."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None
    for element in root.iter():
        element.tag = element.tag.rsplit("}", 1)[-1].lower()
        element.attrib = dict((key.lower(), value) for key, value in element.attrib.items())
    return root


def _errors(root: ET.Element) -> list[tuple[str | None, str]]:
    return [(e.get("number"), " ".join((e.text or "").split())) for e in root.iter("error")]


def _error(response: HttpResponse) -> tuple[str, str | None] | None:
    root = parse(response.text)
    errors = _errors(root) if root is not None else []
    if not errors:
        return None
    return "Namecheap: " + "; ".join("%s (error %s)" % (text, number) for number, text in errors), errors[0][0]


def _host_key(zone: str, name: str, rtype: str, address: str, mxpref: Any, ttl: Any) -> tuple[str, str, str, int]:
    """What two host entries are compared by when checking a write."""
    fq = zone if name in ("@", "") else "%s.%s" % (name.lower(), zone)
    value = "%s %s" % (mxpref, address) if rtype == "MX" else address
    return (fq, rtype, lenient_value(rtype, value), int(ttl or 1800))


class NamecheapClient(ProviderClient):
    NAME = "Namecheap"
    AUTO_TTL = 1799  # what Namecheap's dashboard calls "Automatic"
    TTL_RANGE = (60, 60000)
    PROXIES = False

    def __init__(self, params: dict[str, Any]) -> None:
        for option, env in REQUIRED:
            if not params.get(option):
                raise TaskFailed("%s: required with provider namecheap (or set %s)." % (option, env))
        try:
            ipaddress.IPv4Address(params["namecheap_client_ip"])
        except ValueError:
            raise TaskFailed(
                "namecheap_client_ip: %r is not an IPv4 address; give the whitelisted IPv4 address "
                "the calls come from." % params["namecheap_client_ip"]
            )
        user = params["namecheap_api_user"]
        self.auth = [
            ("ApiUser", user),
            ("ApiKey", params["namecheap_api_key"]),
            ("UserName", params.get("namecheap_username") or user),
            ("ClientIp", params["namecheap_client_ip"]),
        ]
        self.http = HttpClient(
            "Namecheap",
            params.get("namecheap_api_url") or NAMECHEAP_API_URL,
            headers={"Accept": "application/xml"},
            secrets=[params["namecheap_api_key"]],
            timeout=params.get("timeout") or 30,
            validate_certs=params.get("validate_certs", True),
            error_parser=_error,
        )

    def _call(self, command: str, args: list[tuple[str, Any]], safe: bool) -> ET.Element:
        """POST (form) so the key is never in a URL; HTTP 200 carries errors too (Status="ERROR")."""
        response = self.http.request("POST", "", form=self.auth + [("Command", command)] + args, safe=safe)
        root = parse(response.text)
        if root is None or root.tag != "apiresponse":
            raise ApiError(
                "Namecheap answered %s with a body that is not an ApiResponse" % command,
                provider="Namecheap",
                status=response.status,
            )
        if (root.get("status") or "").upper() != "OK":
            errors = _errors(root) or [(None, "no error given")]
            raise ApiError(
                self.http.redactor.redact(
                    "Namecheap: " + "; ".join("%s (error %s)" % (text, number) for number, text in errors)
                ),
                provider="Namecheap",
                status=response.status,
                code=errors[0][0],
            )
        return root

    # ------------------------------------------------------------------ reads

    def find_zone(self, name: str) -> dict[str, Any]:
        """The domain's whole host list and mail setting (one getHosts)."""
        sld, tld = name.split(".", 1)
        try:
            root = self._call("namecheap.domains.dns.getHosts", [("SLD", sld), ("TLD", tld)], safe=True)
        except ApiError as exc:
            if exc.code in ("2019166", "2016166"):
                raise TaskFailed(
                    "zone: %s is not a domain of this Namecheap account (%s); give the registered "
                    "domain." % (name, exc.message)
                )
            raise
        result = root.find(".//domaindnsgethostsresult")
        if result is None:
            raise ApiError("Namecheap answered getHosts without a DomainDNSGetHostsResult", provider="Namecheap")
        if (result.get("isusingourdns") or "").lower() != "true":
            raise TaskFailed(
                "zone: %s does not use Namecheap's DNS (IsUsingOurDNS=false), so records set there would "
                "not be served; manage them at the DNS provider its name servers point to." % name
            )
        hosts = [dict(h.attrib) for h in result if h.tag == "host"]
        return dict(name=name, sld=sld, tld=tld, email_type=result.get("emailtype"), hosts=hosts)

    def read(self, zone: dict[str, Any], names: list[str]) -> list[Record]:
        wanted = set(names)
        records = []
        for host in zone["hosts"]:
            fq, rtype, value, ttl = _host_key(
                zone["name"],
                host.get("name", "@"),
                host.get("type"),
                host.get("address", ""),
                host.get("mxpref", "10"),
                host.get("ttl"),
            )
            if fq in wanted:
                records.append(
                    dict(
                        name=fq,
                        type=rtype,
                        value=value,
                        ttl=ttl,
                        proxied=False,
                        owned=False,
                        id=host.get("hostid"),
                        raw=host,
                    )
                )
        return records

    # ------------------------------------------------------------------ writes

    @staticmethod
    def _entry(zone: dict[str, Any], op: Op) -> HostEntry:
        name = "@" if op["name"] == zone["name"] else op["name"][: -len(zone["name"]) - 1]
        value, mxpref = op["value"], "10"
        if op["type"] == "MX":
            mxpref, value = value.split()
        if op["type"] in ("CNAME", "NS", "MX"):
            value += "."
        return (name, op["type"], value, mxpref, str(op["ttl"]))

    def apply(self, zone: dict[str, Any], current: list[Record], ops: list[Op]) -> None:
        if (
            any(o["type"] == "MX" and o["action"] != "delete" for o in ops)
            and (zone["email_type"] or "").upper() != "MX"
        ):
            raise TaskFailed(
                "type: Namecheap keeps MX records only when the domain's mail setting is Custom MX "
                "(EmailType MX); %s has %s." % (zone["name"], zone["email_type"])
            )
        changed = dict((id(o["record"]["raw"]), o) for o in ops if o["record"] is not None)
        hosts = []
        for host in zone["hosts"]:
            o = changed.get(id(host))
            if o is None:
                hosts.append(
                    (
                        host.get("name", "@"),
                        host.get("type"),
                        host.get("address", ""),
                        host.get("mxpref", "10"),
                        host.get("ttl", "1800"),
                    )
                )
            elif o["action"] == "update":
                hosts.append(self._entry(zone, o))
        hosts += [self._entry(zone, o) for o in ops if o["action"] == "create"]
        args = [("SLD", zone["sld"]), ("TLD", zone["tld"])]
        if zone["email_type"]:
            args.append(("EmailType", zone["email_type"]))
        for n, (name, rtype, address, mxpref, ttl) in enumerate(hosts, 1):
            args += [
                ("HostName%d" % n, name),
                ("RecordType%d" % n, rtype),
                ("Address%d" % n, address),
                ("MXPref%d" % n, mxpref),
                ("TTL%d" % n, ttl),
            ]
        root = self._call("namecheap.domains.dns.setHosts", args, safe=False)
        result = root.find(".//domaindnssethostsresult")
        if result is None or (result.get("issuccess") or "").lower() != "true":
            raise ApiError(
                "Namecheap answered setHosts for %s without IsSuccess=true" % zone["name"], provider="Namecheap"
            )
        fresh = self.find_zone(zone["name"])
        self._verify(zone, fresh, hosts)
        zone.update(fresh)

    @staticmethod
    def _verify(zone: dict[str, Any], fresh: dict[str, Any], written: list[HostEntry]) -> None:
        expected = sorted(_host_key(zone["name"], *h) for h in written)
        held = sorted(
            _host_key(
                zone["name"],
                h.get("name", "@"),
                h.get("type"),
                h.get("address", ""),
                h.get("mxpref", "10"),
                h.get("ttl"),
            )
            for h in fresh["hosts"]
        )
        problems: list[str] = []
        if fresh["email_type"] != zone["email_type"]:
            problems.append("EmailType is %s, was %s" % (fresh["email_type"], zone["email_type"]))
        missing = [k for k in expected if k not in held]
        unexpected = [k for k in held if k not in expected]
        if missing:
            problems.append("missing %s" % ", ".join("%s %s %s" % k[:3] for k in missing))
        if unexpected:
            problems.append("not written but present %s" % ", ".join("%s %s %s" % k[:3] for k in unexpected))
        if problems:
            raise TaskFailed(
                "zone: after setHosts, Namecheap holds something other than what was written for %s "
                "(another writer at the same time?): %s." % (zone["name"], "; ".join(problems))
            )
