# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The three DNS emulators behind one interface, for the one behaviour suite in test_dns.py.

  Cloudflare  the railstack sandbox (/client/v4), traffic from the sandbox's recording
  Namecheap   the railstack sandbox (/xml.response), same recording
  Route53     moto_server (PyPI `moto[server]`), started here on a free loopback port, with moto's own
              request recorder

Each adapter: zone, env (extra environment for ansible-playbook), secrets (values that must never be
printed), mark() / writes_since(mark), put_foreign(name, type, value), values(name, type), ttl(name, type),
and KNOWS_OURS (whether the provider can mark records as ours: only Cloudflare).
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import requests

from .helpers.sandbox import OUTPUT, REPO_ROOT

MOTO_RECORDING = OUTPUT / "moto-recording.jsonl"
AWS_SECRET = "moto-fake-secret-key-0123456789abcdef"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """`moto_server -H 127.0.0.1 -p PORT` with request recording; stopped by its own pid."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self, timeout=30):
        binary = REPO_ROOT / ".venv" / "bin" / "moto_server"
        OUTPUT.mkdir(parents=True, exist_ok=True)
        MOTO_RECORDING.write_text("", encoding="utf-8")
        env = dict(os.environ, MOTO_ENABLE_RECORDING="True", MOTO_RECORDER_FILEPATH=str(MOTO_RECORDING))
        log = open(OUTPUT / "moto_server.log", "w", encoding="utf-8")  # pylint: disable=consider-using-with
        try:
            self.proc = subprocess.Popen([str(binary), "-H", "127.0.0.1", "-p", str(self.port)], env=env,
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True, cwd=OUTPUT)
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=2).read()
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("moto_server did not start; see tests/output/moto_server.log")
                time.sleep(0.1)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


# ------------------------------------------------------------------ adapters

class CloudflareEmulator:
    name = "cloudflare"
    zone = "prela.app"
    KNOWS_OURS = True

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.env = {}
        self.secrets = [sandbox.env["CLOUDFLARE_API_TOKEN"]]
        self.base = sandbox.env["CLOUDFLARE_API_URL"]
        self.headers = {"Authorization": "Bearer " + sandbox.env["CLOUDFLARE_API_TOKEN"]}
        found = requests.get(self.base + "/zones", params={"name": self.zone}, headers=self.headers, timeout=10)
        self.zone_id = found.json()["result"][0]["id"]

    def mark(self):
        return self.sandbox.traffic.mark()

    def writes_since(self, mark):
        return [e for e in self.sandbox.traffic.since(mark).entries
                if e.get("api") == "cloudflare" and e["method"] != "GET"]

    def _records(self, name, rtype):
        answer = requests.get(f"{self.base}/zones/{self.zone_id}/dns_records", headers=self.headers, timeout=10,
                              params={"name.exact": f"{name}.{self.zone}", "type": rtype})
        return answer.json()["result"]

    def put_foreign(self, name, rtype, value):
        answer = requests.post(f"{self.base}/zones/{self.zone_id}/dns_records", headers=self.headers, timeout=10,
                               json={"type": rtype, "name": f"{name}.{self.zone}", "content": value, "ttl": 300})
        assert answer.status_code == 200, answer.text

    def values(self, name, rtype):
        return sorted(r["content"].strip('"') for r in self._records(name, rtype))

    def ttl(self, name, rtype):
        return [r["ttl"] for r in self._records(name, rtype)]


class NamecheapEmulator:
    name = "namecheap"
    zone = "prela.dev"
    KNOWS_OURS = False

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.env = {}
        self.secrets = [sandbox.env["NAMECHEAP_API_KEY"]]
        self.auth = {"ApiUser": sandbox.env["NAMECHEAP_API_USER"], "ApiKey": sandbox.env["NAMECHEAP_API_KEY"],
                     "UserName": sandbox.env["NAMECHEAP_API_USER"], "ClientIp": sandbox.env["NAMECHEAP_CLIENT_IP"]}
        self.url = sandbox.env["NAMECHEAP_API_URL"]

    def mark(self):
        return self.sandbox.traffic.mark()

    def writes_since(self, mark):
        return [e for e in self.sandbox.traffic.since(mark).entries if e.get("api") == "namecheap"
                and dict(e.get("form") or []).get("Command", "").lower() == "namecheap.domains.dns.sethosts"]

    def hosts(self):
        """(email_type, [host attributes])."""
        answer = requests.post(self.url, data=dict(self.auth, Command="namecheap.domains.dns.getHosts", SLD="prela",
                                                   TLD="dev"), timeout=10)
        result = next(e for e in ET.fromstring(answer.text).iter() if e.tag.endswith("DomainDNSGetHostsResult"))
        return result.get("EmailType"), [dict(h.attrib) for h in result]

    def put_foreign(self, name, rtype, value):
        email, hosts = self.hosts()
        data = dict(self.auth, Command="namecheap.domains.dns.setHosts", SLD="prela", TLD="dev", EmailType=email)
        hosts.append({"Name": name, "Type": rtype, "Address": value, "MXPref": "10", "TTL": "300"})
        for n, h in enumerate(hosts, 1):
            data.update({f"HostName{n}": h["Name"], f"RecordType{n}": h["Type"], f"Address{n}": h["Address"],
                         f"MXPref{n}": h["MXPref"], f"TTL{n}": h["TTL"]})
        answer = requests.post(self.url, data=data, timeout=10)
        assert 'Status="OK"' in answer.text, answer.text

    def _mine(self, name, rtype):
        return [h for h in self.hosts()[1] if h["Name"] == name and h["Type"] == rtype]

    def values(self, name, rtype):
        return sorted(h["Address"].rstrip(".") if rtype != "TXT" else h["Address"] for h in self._mine(name, rtype))

    def ttl(self, name, rtype):
        return [int(h["TTL"]) for h in self._mine(name, rtype)]


class Route53Emulator:
    name = "route53"
    zone = "prela.io"
    KNOWS_OURS = False

    def __init__(self, moto):
        import boto3  # pylint: disable=import-outside-toplevel
        self.moto = moto
        self.env = {"AWS_ACCESS_KEY_ID": "AKIAMOTOTESTING0000", "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
                    "AWS_ENDPOINT_URL_ROUTE_53": moto.url, "AWS_CONFIG_FILE": os.devnull,
                    "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
        self.secrets = [AWS_SECRET]
        self.api = boto3.client("route53", region_name="us-east-1", endpoint_url=moto.url,
                                aws_access_key_id="AKIAMOTOTESTING0000", aws_secret_access_key=AWS_SECRET)
        zones = self.api.list_hosted_zones_by_name(DNSName=self.zone)["HostedZones"]
        zones = [z for z in zones if z["Name"] == self.zone + "."]
        if zones:
            self.zone_id = zones[0]["Id"].split("/")[-1]
        else:
            created = self.api.create_hosted_zone(Name=self.zone, CallerReference=f"railstack-{time.time()}")
            self.zone_id = created["HostedZone"]["Id"].split("/")[-1]

    def _lines(self):
        return Path(MOTO_RECORDING).read_text(encoding="utf-8").splitlines()

    def mark(self):
        return len(self._lines())

    def writes_since(self, mark):
        entries = [json.loads(line) for line in self._lines()[mark:]]
        return [e for e in entries if e["method"] != "GET"]

    def _rrset(self, name, rtype):
        fqdn = f"{name}.{self.zone}."
        answer = self.api.list_resource_record_sets(HostedZoneId=self.zone_id, StartRecordName=fqdn,
                                                    StartRecordType=rtype, MaxItems="1")
        sets = [s for s in answer["ResourceRecordSets"] if s["Name"] == fqdn and s["Type"] == rtype]
        return sets[0] if sets else None

    def put_foreign(self, name, rtype, value):
        self.api.change_resource_record_sets(HostedZoneId=self.zone_id, ChangeBatch={"Changes": [{
            "Action": "UPSERT", "ResourceRecordSet": {"Name": f"{name}.{self.zone}.", "Type": rtype, "TTL": 300,
                                                      "ResourceRecords": [{"Value": value}]}}]})

    def values(self, name, rtype):
        rrset = self._rrset(name, rtype)
        return sorted(r["Value"].strip('"').rstrip(".") for r in (rrset or {}).get("ResourceRecords", []))

    def ttl(self, name, rtype):
        rrset = self._rrset(name, rtype)
        return [rrset["TTL"]] if rrset else []
