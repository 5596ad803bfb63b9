# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""AWS Route53 through boto3 (imported only when a task uses route53; the only user of boto3)."""

from __future__ import annotations

import re
import sys
from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.railstack.platform.plugins.module_utils._http import ApiError, PageGuard, Redactor
from ansible_collections.railstack.platform.plugins.module_utils._task import TaskFailed
from ansible_collections.railstack.platform.plugins.module_utils.dns import (
    Op,
    Record,
    lenient_value,
    simulate,
    txt_quoted,
)

_ESCAPE_RE = re.compile(r"\\(\d{3})")


def route53_argument_spec() -> dict[str, Any]:
    """AWS credentials and endpoint; documented in doc_fragments/dns.py."""
    return dict(
        aws_access_key_id=dict(type="str", no_log=True, fallback=(env_fallback, ["AWS_ACCESS_KEY_ID"])),
        aws_secret_access_key=dict(type="str", no_log=True, fallback=(env_fallback, ["AWS_SECRET_ACCESS_KEY"])),
        aws_session_token=dict(type="str", no_log=True, fallback=(env_fallback, ["AWS_SESSION_TOKEN"])),
        aws_profile=dict(type="str", fallback=(env_fallback, ["AWS_PROFILE"])),
        aws_endpoint_url=dict(type="str", fallback=(env_fallback, ["AWS_ENDPOINT_URL_ROUTE_53", "AWS_ENDPOINT_URL"])),
    )


def _name(text: str) -> str:
    """Route53's name (final dot, octal escapes such as \\052 for *) in the model's form."""
    return _ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 8)), text).rstrip(".").lower()


class Route53Client:
    NAME = "Route53"
    AUTO_TTL = 300  # Route53 has no automatic TTL: `auto` is its console's default
    TTL_RANGE = (0, 2147483647)
    PROXIES = False
    # A retried change batch met its own first attempt (its DELETE no longer matches).
    REPLAY_CODES = ("InvalidChangeBatch",)

    def __init__(self, params: dict[str, Any]) -> None:
        try:
            import boto3  # pylint: disable=import-outside-toplevel
            from botocore.config import Config  # pylint: disable=import-outside-toplevel
            from botocore.exceptions import ProfileNotFound  # pylint: disable=import-outside-toplevel
        except ImportError:
            raise TaskFailed(
                "provider: route53 needs the Python library boto3 on the controller "
                "(pip install boto3); %s cannot import it." % sys.executable
            )
        self.redactor = Redactor([params.get("aws_secret_access_key"), params.get("aws_session_token")])
        self.stats: dict[str, float] = {"requests": 0}
        timeout = params.get("timeout") or 30
        try:
            session = boto3.session.Session(
                aws_access_key_id=params.get("aws_access_key_id"),
                aws_secret_access_key=params.get("aws_secret_access_key"),
                aws_session_token=params.get("aws_session_token"),
                profile_name=params.get("aws_profile"),
            )
        except ProfileNotFound as exc:
            raise TaskFailed("aws_profile: %s" % exc)
        self.api = session.client(
            "route53",
            region_name="us-east-1",
            endpoint_url=params.get("aws_endpoint_url") or None,
            verify=params.get("validate_certs", True),
            config=Config(
                connect_timeout=timeout, read_timeout=timeout, retries={"mode": "standard", "max_attempts": 5}
            ),
        )
        self.api.meta.events.register("before-send.route53", self._count)

    def _count(self, **kwargs: Any) -> None:  # pylint: disable=unused-argument
        self.stats["requests"] += 1

    def _call(self, operation: str, write: bool = False, **kwargs: Any) -> Any:
        from botocore import exceptions as bx  # pylint: disable=import-outside-toplevel

        try:
            return getattr(self.api, operation)(**kwargs)
        except bx.ClientError as exc:
            error = exc.response.get("Error") or {}
            raise ApiError(
                self.redactor.redact("Route53: %s (%s)" % (error.get("Message"), error.get("Code"))),
                provider="Route53",
                code=error.get("Code"),
                status=(exc.response.get("ResponseMetadata") or {}).get("HTTPStatusCode"),
            )
        except bx.NoCredentialsError:
            raise TaskFailed(
                "aws_access_key_id: no AWS credentials found; set aws_access_key_id and "
                "aws_secret_access_key, aws_profile, or the usual AWS environment variables."
            )
        except (bx.ReadTimeoutError, bx.ConnectionClosedError) as exc:
            raise ApiError(
                self.redactor.redact(
                    "could not get an answer from Route53 to %s: %s%s"
                    % (operation, exc, "; the change may have been applied" if write else "")
                ),
                provider="Route53",
                lost_response=write,
            )
        except bx.BotoCoreError as exc:
            raise ApiError(self.redactor.redact("Route53 %s: %s" % (operation, exc)), provider="Route53")

    # ------------------------------------------------------------------ reads

    def find_zone(self, name: str) -> dict[str, Any]:
        answer = self._call("list_hosted_zones_by_name", DNSName=name, MaxItems="100")
        found = [z for z in answer.get("HostedZones") or [] if _name(z["Name"]) == name]
        if not found:
            raise TaskFailed("zone: no Route53 hosted zone called %s is visible to these credentials." % name)
        if len(found) > 1:
            raise TaskFailed(
                "zone: %d Route53 hosted zones are called %s (%s); this module cannot tell which one is "
                "meant." % (len(found), name, ", ".join(z["Id"] for z in found))
            )
        return dict(id=found[0]["Id"].split("/")[-1], name=name)

    def read(self, zone: dict[str, Any], names: list[str]) -> list[Record]:
        """Every record set (all types) at `names`, one listing per name starting at it."""
        records: list[Record] = []
        for name in names:
            kwargs = dict(HostedZoneId=zone["id"], StartRecordName=name + ".", MaxItems="100")
            guard = PageGuard("Route53", "ListResourceRecordSets %s" % name)
            while True:
                answer = self._call("list_resource_record_sets", **kwargs)
                past = False
                for rrset in answer.get("ResourceRecordSets") or []:
                    if _name(rrset["Name"]) != name:
                        past = True
                        break
                    records.extend(self._records(name, rrset))
                if past or not answer.get("IsTruncated"):
                    break
                cursor = guard.advance(
                    (answer.get("NextRecordName"), answer.get("NextRecordType"), answer.get("NextRecordIdentifier"))
                    if answer.get("NextRecordName")
                    else None
                )
                kwargs.update(StartRecordName=cursor[0], StartRecordType=cursor[1])
                if answer.get("NextRecordIdentifier"):
                    kwargs["StartRecordIdentifier"] = answer["NextRecordIdentifier"]
        return records

    @staticmethod
    def _records(name: str, rrset: dict[str, Any]) -> list[Record]:
        rtype = rrset["Type"]
        if rrset.get("AliasTarget"):
            wires = ["ALIAS %s" % rrset["AliasTarget"].get("DNSName", "")]
        else:
            wires = [r["Value"] for r in rrset.get("ResourceRecords") or []]
        return [
            dict(
                name=name,
                type=rtype,
                value=lenient_value(rtype, wire),
                wire=wire,
                ttl=rrset.get("TTL"),
                proxied=False,
                owned=False,
                id=None,
                raw=rrset,
            )
            for wire in wires
        ]

    # ------------------------------------------------------------------ writes

    @staticmethod
    def _wire(rtype: str, value: str) -> str:
        return txt_quoted(value) if rtype == "TXT" else value

    def apply(self, zone: dict[str, Any], current: list[Record], ops: list[Op]) -> None:
        """One change batch (one transaction): each touched set is deleted as it is and created as it must be.

        DELETE carries the exact current values, so the batch fails whole if someone changed the set since it
        was read, instead of overwriting their change.
        """
        keys: list[tuple[str, str]] = []
        for o in ops:
            if (o["name"], o["type"]) not in keys:
                keys.append((o["name"], o["type"]))
        after_all = simulate(current, ops)
        deletes: list[dict[str, Any]] = []
        creates: list[dict[str, Any]] = []
        for name, rtype in keys:
            before = [r for r in current if (r["name"], r["type"]) == (name, rtype)]
            after = [r for r in after_all if (r["name"], r["type"]) == (name, rtype)]
            if before:
                deletes.append(dict(Action="DELETE", ResourceRecordSet=before[0]["raw"]))
            if after:
                ttls = [o["ttl"] for o in ops if (o["name"], o["type"]) == (name, rtype) and o["action"] != "delete"]
                ttl = ttls[0] if ttls else before[0]["ttl"]
                values = [r["wire"] if any(r is b for b in before) else self._wire(rtype, r["value"]) for r in after]
                creates.append(
                    dict(
                        Action="CREATE",
                        ResourceRecordSet=dict(
                            Name=name + ".", Type=rtype, TTL=ttl, ResourceRecords=[dict(Value=v) for v in values]
                        ),
                    )
                )
        self._call(
            "change_resource_record_sets",
            write=True,
            HostedZoneId=zone["id"],
            ChangeBatch=dict(Comment="railstack.platform", Changes=deletes + creates),
        )
