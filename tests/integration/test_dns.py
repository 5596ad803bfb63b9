# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""dns_record and dns_records: ONE behaviour suite, run by real ansible-playbook against each provider's
emulator (Cloudflare and Namecheap in the railstack sandbox, Route53 in moto_server).

Every test takes `dnsp`, one of the three emulators (dns_helpers.py), and uses record names of its own,
so the tests need no reset and may run in any order.
"""
from __future__ import annotations

import itertools
import json
import subprocess

import pytest

from .dns_helpers import CloudflareEmulator, MotoServer, NamecheapEmulator, Route53Emulator
from .helpers.sandbox import OUTPUT, REPO_ROOT

pytest.importorskip("boto3")
_names = itertools.count(1)
CHECK = REPO_ROOT.parent / "shared" / "contracts" / "check.py"


@pytest.fixture(scope="session")
def moto():
    server = MotoServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def dns_start(sandbox):
    """Where this module's sandbox traffic starts (for the contract check of the Cloudflare part)."""
    return sandbox.traffic.mark()


@pytest.fixture(params=["cloudflare", "route53", "namecheap"])
def dnsp(request, sandbox, dns_start):  # pylint: disable=unused-argument
    if request.param == "cloudflare":
        return CloudflareEmulator(sandbox)
    if request.param == "namecheap":
        return NamecheapEmulator(sandbox)
    return Route53Emulator(request.getfixturevalue("moto"))


def unique(prefix="api"):
    return "%s-t%d" % (prefix, next(_names))


def playbook(module, **args):
    task = {"name": "dns", "railstack.platform.%s" % module: args}
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [task]}])


def play(run_playbook, dnsp, module="dns_record", check=False, diff=False, verbosity=0, **args):
    args = dict(provider=dnsp.name, zone=dnsp.zone, **args)
    return run_playbook(playbook(module, **args), check=check, diff=diff, verbosity=verbosity, env=dnsp.env)


def record(run_playbook, dnsp, name, values, rtype="CNAME", **kw):
    return play(run_playbook, dnsp, name=name, type=rtype, values=values, **kw)


# ------------------------------------------------------------------ the behaviour suite

def test_create_then_second_run_changes_nothing_and_writes_nothing(run_playbook, dnsp):
    name = unique()
    start = dnsp.mark()
    first = record(run_playbook, dnsp, name, ["abc.up.railway.app"]).assert_ok()
    assert first.changed == ["dns"], first
    assert dnsp.writes_since(start), "the first run wrote nothing"
    assert dnsp.values(name, "CNAME") == ["abc.up.railway.app"]
    result = first.task("dns")
    assert result["record"]["values"] == ["abc.up.railway.app"] and result["record"]["proxied"] is False

    start = dnsp.mark()
    second = record(run_playbook, dnsp, name + "." + dnsp.zone + ".", ["ABC.up.railway.app."]).assert_ok()
    assert second.changed == [] and second.recap["localhost"]["changed"] == 0
    assert dnsp.writes_since(start) == []
    assert second.task("dns")["api_requests"] >= 1


def test_txt_quoting_compares_equal(run_playbook, dnsp):
    name = unique("_railway-verify")
    record(run_playbook, dnsp, name, ["railway-verify=abc 123"], rtype="TXT").assert_ok()
    assert dnsp.values(name, "TXT") == ["railway-verify=abc 123"]
    start = dnsp.mark()
    again = record(run_playbook, dnsp, name, ['"railway-verify=abc 123"'], rtype="TXT").assert_ok()
    assert again.changed == [] and dnsp.writes_since(start) == []


def test_check_mode_sends_no_write_and_diff_shows_the_change(run_playbook, dnsp):
    name = unique()
    start = dnsp.mark()
    run = record(run_playbook, dnsp, name, ["abc.up.railway.app"], check=True, diff=True).assert_ok()
    assert run.changed == ["dns"]
    assert dnsp.writes_since(start) == []
    assert dnsp.values(name, "CNAME") == []
    assert "+" in run.stdout and "abc.up.railway.app" in run.stdout
    diff = run.task("dns")["diff"]
    assert diff["before"] == {} and list(diff["after"]) == ["%s.%s CNAME" % (name, dnsp.zone)]


def test_change_ttl_then_value(run_playbook, dnsp):
    name = unique()
    record(run_playbook, dnsp, name, ["abc.up.railway.app"]).assert_ok()
    start = dnsp.mark()
    changed = record(run_playbook, dnsp, name, ["abc.up.railway.app"], ttl=600, diff=True).assert_ok()
    assert changed.changed == ["dns"] and dnsp.writes_since(start)
    assert dnsp.ttl(name, "CNAME") == [600]
    assert changed.task("dns")["diff"]["after"]["%s.%s CNAME" % (name, dnsp.zone)]["ttl"] == 600

    start = dnsp.mark()
    moved = record(run_playbook, dnsp, name, ["new.up.railway.app"], ttl=600)
    if dnsp.KNOWS_OURS:
        # Cloudflare marks what we wrote: our own CNAME moves without force.
        moved.assert_ok()
        assert dnsp.values(name, "CNAME") == ["new.up.railway.app"]
    else:
        # Route53 and Namecheap cannot mark records: a value we are not given is not ours.
        assert not moved.ok and moved.failed == ["dns"]
        assert moved.task("dns")["msg"].startswith("values: %s.%s CNAME abc.up.railway.app" % (name, dnsp.zone))
        assert dnsp.writes_since(start) == []
        record(run_playbook, dnsp, name, ["new.up.railway.app"], ttl=600, force=True).assert_ok()
        assert dnsp.values(name, "CNAME") == ["new.up.railway.app"]


def test_records_not_ours_are_protected_unless_forced(run_playbook, dnsp):
    name = unique()
    dnsp.put_foreign(name, "A", "192.0.2.44")
    start = dnsp.mark()
    refused = record(run_playbook, dnsp, name, ["abc.up.railway.app"])
    assert not refused.ok
    msg = refused.task("dns")["msg"]
    assert msg.startswith("name: %s.%s already has an A record (192.0.2.44)" % (name, dnsp.zone)), msg
    assert dnsp.writes_since(start) == [] and dnsp.values(name, "A") == ["192.0.2.44"]

    forced = record(run_playbook, dnsp, name, ["abc.up.railway.app"], force=True).assert_ok()
    assert forced.changed == ["dns"]
    assert dnsp.values(name, "A") == [] and dnsp.values(name, "CNAME") == ["abc.up.railway.app"]

    other = unique()
    dnsp.put_foreign(other, "CNAME", "someone.example.net")
    start = dnsp.mark()
    refused = record(run_playbook, dnsp, other, ["abc.up.railway.app"])
    assert not refused.ok and "someone.example.net" in refused.task("dns")["msg"]
    assert dnsp.writes_since(start) == []


def test_delete_then_delete_again_is_a_no_op(run_playbook, dnsp):
    name = unique()
    record(run_playbook, dnsp, name, ["abc.up.railway.app"]).assert_ok()
    gone = record(run_playbook, dnsp, name, ["abc.up.railway.app"], state="absent").assert_ok()
    assert gone.changed == ["dns"] and dnsp.values(name, "CNAME") == []
    start = dnsp.mark()
    again = record(run_playbook, dnsp, name, ["abc.up.railway.app"], state="absent").assert_ok()
    assert again.changed == [] and dnsp.writes_since(start) == []


@pytest.mark.parametrize("args, field", [
    (dict(values=["not a host name!"]), "values"),
    (dict(ttl="soon"), "ttl"),
    (dict(name="x.elsewhere.example."), "name"),
    (dict(values=["a.example", "b.example"]), "values"),
])
def test_bad_input_fails_before_any_write_naming_the_field(run_playbook, dnsp, args, field):
    start = dnsp.mark()
    base = dict(name=unique(), type="CNAME", values=["abc.up.railway.app"])
    base.update(args)
    run = play(run_playbook, dnsp, **base)
    assert not run.ok and run.failed == ["dns"]
    assert run.task("dns")["msg"].startswith(field + ":"), run.task("dns")["msg"]
    assert dnsp.writes_since(start) == []


def test_railway_and_clerk_records_land_in_one_write(run_playbook, dnsp):
    api = unique()
    records = [
        {"name": "%s.%s" % (api, dnsp.zone), "type": "CNAME", "values": ["prela-api.up.railway.app"], "ttl": "auto",
         "proxied": False},
        {"name": "_railway-verify.%s.%s" % (api, dnsp.zone), "type": "TXT", "values": ["railway-verify=9f2"],
         "ttl": "auto", "proxied": False},
    ] + [{"name": "%s-%s" % (label, api), "type": "CNAME", "values": [target], "ttl": "auto", "proxied": False}
         for label, target in (("clerk", "frontend-api.clerk.services"), ("accounts", "accounts.clerk.services"),
                               ("clkmail", "mail.n8q2r1.clerk.services"), ("clk._domainkey", "dkim1.n8q2r1.clerk.services"),
                               ("clk2._domainkey", "dkim2.n8q2r1.clerk.services"))]
    start = dnsp.mark()
    first = play(run_playbook, dnsp, module="dns_records", records=records).assert_ok()
    assert first.changed == ["dns"]
    assert len(dnsp.writes_since(start)) == 1, "not one batch: %s" % dnsp.writes_since(start)
    assert dnsp.values("clk2._domainkey-" + api, "CNAME") == ["dkim2.n8q2r1.clerk.services"]
    expected = [r["name"] if r["name"].endswith(dnsp.zone) else "%s.%s" % (r["name"], dnsp.zone) for r in records]
    assert [r["name"] for r in first.task("dns")["records"]] == expected
    start = dnsp.mark()
    second = play(run_playbook, dnsp, module="dns_records", records=records).assert_ok()
    assert second.changed == [] and dnsp.writes_since(start) == []


def test_no_credential_in_output_at_vvvv(run_playbook, dnsp):
    name = unique()
    run = record(run_playbook, dnsp, name, ["abc.up.railway.app"], verbosity=4, diff=True).assert_ok()
    failing = run_playbook(playbook("dns_record", provider=dnsp.name, zone="nope-unknown.example", name=name,
                                    type="CNAME", values=["abc.up.railway.app"]), verbosity=4, env=dnsp.env)
    assert not failing.ok and failing.task("dns")["msg"].startswith("zone:")
    for output in (run.stdout, run.stderr, failing.stdout, failing.stderr):
        for secret in dnsp.secrets:
            assert secret not in output


# ------------------------------------------------------------------ provider specifics

def test_namecheap_keeps_every_other_host_and_the_mail_setting(run_playbook, sandbox):
    dnsp = NamecheapEmulator(sandbox)
    email_before, hosts_before = dnsp.hosts()
    name = unique()
    record(run_playbook, dnsp, name, ["abc.up.railway.app"]).assert_ok()
    email_after, hosts_after = dnsp.hosts()

    def key(h):
        return (h["Name"], h["Type"], h["Address"], h["MXPref"], h["TTL"])
    assert email_after == email_before == "MX"
    assert sorted(map(key, hosts_before)) == sorted(key(h) for h in hosts_after if h["Name"] != name)
    assert any(h["Type"] == "MX" for h in hosts_after)


def test_namecheap_refuses_a_domain_on_other_name_servers(run_playbook, sandbox):
    dnsp = NamecheapEmulator(sandbox)
    start = dnsp.mark()
    run = run_playbook(playbook("dns_record", provider="namecheap", zone="prela.app", name="api", type="CNAME",
                                values=["abc.up.railway.app"]))
    assert not run.ok and run.task("dns")["msg"].startswith("zone: prela.app does not use Namecheap's DNS")
    assert dnsp.writes_since(start) == []


def test_cloudflare_proxied_and_dns_only(run_playbook, sandbox):
    dnsp = CloudflareEmulator(sandbox)
    name = unique()
    record(run_playbook, dnsp, name, ["abc.up.railway.app"], proxied=True).assert_ok()
    assert dnsp._records(name, "CNAME")[0]["proxied"] is True
    record(run_playbook, dnsp, name, ["abc.up.railway.app"]).assert_ok()
    assert dnsp._records(name, "CNAME")[0]["proxied"] is False


def test_zz_cloudflare_recording_passes_the_contract_check(sandbox, dns_start):
    """Last in the module: every Cloudflare request this module caused, against Cloudflare's published routes."""
    if not CHECK.exists():
        pytest.skip("no ../shared/contracts/check.py beside the repository")
    entries = [e for e in sandbox.traffic.since(dns_start).entries if e.get("api") == "cloudflare"]
    if not entries:
        pytest.skip("no Cloudflare test of this module ran (a -k selection): nothing to check")
    path = OUTPUT / "dns-cloudflare-traffic.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    proc = subprocess.run(["python3", str(CHECK), str(path)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 violations" in proc.stdout
