# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fingerprint of a stack's last converge on this machine: what lets a no-op run skip the converge.

After a full converge that succeeded, playbooks/site.yml reads the stack's state again (stack_state) and stores a
fingerprint of {what the stack asks for, the credentials and run options in use, the state read}. The next run reads
the same state and compares: when nothing differs, nothing can have changed since, and the converge is skipped.

The parts hold secret values (variable values, credentials), so only salted, slow digests of them are stored:
one scrypt of the credentials and a random salt gives a key; each part is an HMAC of its canonical JSON under that
key. Guessing a value from the file needs the key, so the provider credentials themselves. A mismatch can then say
which part differs (the stack file, Railway's state, ...). The file is mode 0600 under the collection's cache
directory (`$RAILSTACK_CACHE_DIR`, else XDG), in converged/<sha256 of the project and environment names>.json;
besides the digests it holds the time and the summary lines a fast run prints (names and URLs only).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
from typing import Any

from ansible_collections.railstack.platform.plugins.module_utils._http import default_cache_dir

FORMAT_VERSION = 1
# scrypt's cost: about 50 ms and 16 MiB once per run (the parts are HMACs under its key)
SCRYPT = dict(n=2**14, r=8, p=1, dklen=32)
# the parts compared, in the order a mismatch is reported, with the reason each gives
PART_REASONS = (
    ("credentials", "a provider credential or API URL changed"),
    ("desired", "the stack changed (its file, an environment variable it reads, or the environments in the play)"),
    ("options", "the run options changed"),
    ("railway", "Railway's state changed"),
    ("stripe", "Stripe's state changed"),
    ("clerk", "Clerk's state changed"),
    ("dns", "the DNS records changed"),
)
NO_FINGERPRINT = "no converge of this stack is recorded on this machine"
PARTS = tuple(part for part, reason in PART_REASONS)


def canonical(value: Any) -> bytes:
    """One byte string per value: keys sorted, no whitespace, non-JSON values as text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=True).encode("ascii")


def fingerprint_path(project: str, environments: list[str], directory: str | None = None) -> str:
    """Where the fingerprint of this stack's environments is kept (a hash of the names: no name in the path)."""
    key = hashlib.sha256(canonical([project, sorted(environments)])).hexdigest()
    return os.path.join(directory or default_cache_dir(), "converged", key + ".json")


def digests(material: dict[str, Any], salt: bytes, collection_version: str) -> dict[str, str]:
    """{part: hex digest} of every part of material, keyed by scrypt(credentials, salt)."""
    key = hashlib.scrypt(
        canonical([FORMAT_VERSION, collection_version, material.get("credentials")]), salt=salt, **SCRYPT
    )
    return {
        part: hmac.new(key, canonical([FORMAT_VERSION, part, material.get(part)]), hashlib.sha256).hexdigest()
        for part in PARTS
    }


def record(path: str, material: dict[str, Any], collection_version: str, summary: list[str]) -> None:
    """Store the fingerprint of material (a new salt each time), atomically, mode 0600."""
    salt = secrets.token_bytes(16)
    data = dict(
        format=FORMAT_VERSION,
        collection_version=collection_version,
        salt=salt.hex(),
        digests=digests(material, salt, collection_version),
        time=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        summary=[str(line) for line in summary],
    )
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".converged-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=1, sort_keys=True)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def forget(path: str) -> bool:
    """Remove the stored fingerprint; whether there was one."""
    try:
        os.unlink(path)
        return True
    except FileNotFoundError:
        return False


def load(path: str) -> dict[str, Any] | None:
    """The stored fingerprint, or None when there is none or it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def compare(path: str, material: dict[str, Any], collection_version: str) -> tuple[bool, str, dict[str, Any] | None]:
    """(converged, the reason when not, the stored fingerprint): material against what this machine stored."""
    stored = load(path)
    if stored is None:
        return False, NO_FINGERPRINT, None
    if stored.get("format") != FORMAT_VERSION or stored.get("collection_version") != collection_version:
        return False, "the last converge was recorded by another version of the collection", stored
    try:
        salt = bytes.fromhex(str(stored.get("salt")))
    except ValueError:
        return False, "the recorded converge cannot be read", stored
    now = digests(material, salt, collection_version)
    before = stored.get("digests") or {}
    for part, reason in PART_REASONS:
        if not hmac.compare_digest(str(before.get(part, "")), now[part]):
            return False, reason, stored
    return True, "", stored
