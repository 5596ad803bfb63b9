# -*- coding: utf-8 -*-
# Copyright (c) railstack.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PRIVATE to railstack.platform; may change at any time.
# Do not import this file from outside the collection.
"""The one HTTP core of railstack.platform.

Every provider client (Railway, Stripe, Clerk, Cloudflare) sends its requests through
``HttpClient``: timeouts, retries of requests that are safe to repeat, a client-side throttle
shared by every client of the same provider and host in the process, redaction of credentials
from every message, and one exception type, ``ApiError``.
"""

from __future__ import annotations

import datetime
import email.utils

try:
    import fcntl
except ImportError:  # not a POSIX controller: writes stay atomic, only concurrent merges may lose a send
    fcntl = None  # type: ignore[assignment]
import hashlib
import json as jsonlib
import math
import os
import random
import re
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any, NamedTuple, NoReturn, Union
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

try:
    import requests
    import requests.exceptions

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR: str | None = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()


COLLECTION_VERSION = "0.1.0"  # keep equal to galaxy.yml (a unit test checks it)
DEFAULT_USER_AGENT = "railstack.platform/%s (+https://github.com/railstack/platform)" % COLLECTION_VERSION

SECRET_MASK = "********"

# Methods a server must treat as repeatable (RFC 9110 idempotent methods, minus TRACE).
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))
# Methods that become repeatable when they carry an Idempotency-Key header.
KEYED_METHODS = frozenset(("POST", "PATCH"))
# Statuses retried for requests that are safe to repeat; 429 and 503 are retried for every request
# (the server refused before doing anything).
RETRY_STATUSES_SAFE = frozenset((429, 500, 502, 503, 504))
RETRY_STATUSES_UNSAFE = frozenset((429, 503))

SHORT_BODY_CHARS = 300
# Below this share of X-RateLimit-Limit left, requests are spread over the rest of the window.
LOW_BUDGET_SHARE = 0.1
# The longest message an error carries; a provider's longer text is cut (after redaction) and says so.
MAX_MESSAGE_CHARS = 2000
# The most pages one paginated read follows (at 100 objects a page, 10,000 objects).
MAX_PAGES = 100
# The largest answer read; a longer body is not read to its end (the largest real answers are a few MB).
MAX_BODY_BYTES = 32 * 1024 * 1024
BODY_CHUNK_BYTES = 64 * 1024


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


# A provider's error code: text (Stripe, Clerk, Railway) or a number (Cloudflare).
ErrorCode = Union[str, int]


class ApiError(Exception):
    """A provider call failed. ``message`` is already redacted and is what a task should show."""

    def __init__(
        self,
        message: str,
        provider: str | None = None,
        status: int | None = None,
        code: ErrorCode | None = None,
        details: Any = None,
        lost_response: bool = False,
        retry_after: float | None = None,
        method: str | None = None,
        path: str | None = None,
        rate_limit: dict[str, Any] | None = None,
    ) -> None:
        message = bounded_text(message)
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status = status
        self.code = code
        self.details = details
        self.lost_response = bool(lost_response)
        self.retry_after = retry_after
        self.method = method
        self.path = path
        # On a 429: what the provider last said about the budget, {"limit": N, "reset_at": epoch seconds}.
        self.rate_limit = rate_limit

    def __str__(self) -> str:
        return self.message

    def to_result(self) -> dict[str, Any]:
        """Keyword arguments for ``fail_json`` / a failed action result (no ``None`` entries)."""
        result = {
            "msg": self.message,
            "provider": self.provider,
            "status": self.status,
            "code": self.code,
            "lost_response": self.lost_response,
        }
        return dict((key, value) for key, value in result.items() if value is not None)


def bounded_text(text: Any, limit: int | None = None) -> Any:
    """``text`` in at most ``limit`` characters (MAX_MESSAGE_CHARS): its start and its end (where a message says
    which request failed and the fix), the middle replaced by how much was cut. Non-strings as they are."""
    limit = MAX_MESSAGE_CHARS if limit is None else limit
    if not isinstance(text, str) or len(text) <= limit:
        return text
    room = limit - len(" ... [%d characters cut] ... " % len(text))
    head, tail = room * 3 // 4, room - room * 3 // 4
    return "%s ... [%d characters cut] ... %s" % (text[:head], len(text) - head - tail, text[len(text) - tail :])


def describe_body(text: str | None) -> str:
    """What an answer's body is, in a few words, for an error message: 'an HTML page', 'an empty body', or a short
    excerpt."""
    stripped = (text or "").strip()
    if not stripped:
        return "an empty body"
    if stripped[:1] == "<" and re.match(r"<(!doctype\s+html|html|head|body)\b", stripped[:100], re.IGNORECASE):
        return "an HTML page"
    excerpt = " ".join(stripped[: SHORT_BODY_CHARS + 1].split())
    if len(stripped) > SHORT_BODY_CHARS:
        excerpt = "%s... (%d characters)" % (excerpt[:SHORT_BODY_CHARS], len(stripped))
    return excerpt


def unexpected_answer(client: Any, method: str, path: str, problem: str, text: str | None = None) -> ApiError:
    """The ApiError for an answer that is not what the provider documents (redacted, naming the request)."""
    message = "%s answered %s %s with an answer it does not document: %s" % (client.provider, method, path, problem)
    if text is not None:
        message += "; the body was %s" % describe_body(text)
    message += ". Nothing was decided from it; check the provider's status and the API URL, then run the task again."
    return ApiError(
        client.redactor.redact(message), provider=client.provider, code="unexpected_answer", method=method, path=path
    )


class PageGuard:
    """Bounds a paginated read: at most ``limit`` pages (MAX_PAGES), each next page asked for by a cursor never
    seen before. ``advance(cursor)`` returns the cursor, or raises ApiError naming the provider and the read."""

    def __init__(self, provider: str, what: str, limit: int | None = None) -> None:
        self.provider = provider
        self.what = what
        self.limit = MAX_PAGES if limit is None else limit
        self.pages = 1
        self.seen: set[str] = set()

    def advance(self, cursor: Any) -> Any:
        if cursor is None or cursor == "":
            self._fail("it says more pages follow but gives no cursor to the next one")
        key = repr(cursor)
        if key in self.seen:
            self._fail("it gave the cursor %s twice" % bounded_text(key, 80))
        if self.pages >= self.limit:
            self._fail("it still says more pages follow after %d pages, the most this collection reads" % self.pages)
        self.seen.add(key)
        self.pages += 1
        return cursor

    def _fail(self, problem: str) -> NoReturn:
        raise ApiError(
            "%s: the read of %s stopped: %s. Nothing was decided from it; run the task again later, "
            "and report it if it persists." % (self.provider, self.what, problem),
            provider=self.provider,
            code="unbounded_pagination",
        )


# --------------------------------------------------------------------------------------------
# Redaction
# --------------------------------------------------------------------------------------------

# Dict keys (and header names) whose values are credentials.
SENSITIVE_KEY_RE = re.compile(
    r"passw(?:or)?d|passwd|secret|token|api[-_]?key|authori[sz]ation|cookie|credential|private[-_]?key",
    re.IGNORECASE,
)
# Strings that look like credentials wherever they appear.
SECRET_PATTERNS = (
    (re.compile(r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{4,}"), SECRET_MASK),
    (re.compile(r"\bwhsec_[0-9A-Za-z+/=_-]{4,}"), SECRET_MASK),
    (re.compile(r"\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE), r"\1\2" + SECRET_MASK),
)
# ... unless the key names something about the credential rather than the credential itself.
NOT_SENSITIVE_KEY_RE = re.compile(
    r"(?i:id|ids|name|names|count|type|_at)$|[a-z]At$"
)  # tokenId, secret_name, tokenExpiresAt
MIN_SECRET_LENGTH = 4


def is_sensitive_key(key: Any) -> bool:
    """True for dict keys / header names whose values are credentials (``api_key``, ``Authorization``...)."""
    return (
        isinstance(key, str) and SENSITIVE_KEY_RE.search(key) is not None and NOT_SENSITIVE_KEY_RE.search(key) is None
    )


class Redactor:
    """Replaces every registered secret, and anything shaped like a credential, by ``SECRET_MASK``."""

    def __init__(self, secrets: Iterable[Any] | None = ()) -> None:
        self._secrets: set[str] = set()
        self._ordered: tuple[str, ...] = ()
        for value in secrets or ():
            self.add(value)

    def add(self, value: Any) -> None:
        """Register a secret. ``None``, empty and very short (< 4 characters) values are ignored."""
        if value is None:
            return
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if not isinstance(value, str):
            value = str(value)
        value = value.strip()
        if len(value) < MIN_SECRET_LENGTH:
            return
        # The value may also appear percent-encoded (in a URL or a form body).
        for variant in (value, quote(value, safe=""), quote_plus(value, safe="")):
            self._secrets.add(variant)
        self._ordered = tuple(sorted(self._secrets, key=len, reverse=True))

    def __contains__(self, value: object) -> bool:
        return value in self._secrets

    def redact(self, obj: Any) -> Any:
        """Return ``obj`` with secrets masked: str/bytes/dict/list/tuple, recursively; other values as they are.

        The string values (and strings in list values) of sensitive keys are masked whole; a dict value of such a
        key is redacted by its own keys. Numbers, booleans and None are never masked.
        """
        return self._redact(obj, False)

    def _redact(self, obj: Any, sensitive: bool) -> Any:
        if isinstance(obj, str):
            return SECRET_MASK if (sensitive and obj) else self._redact_text(obj)
        if isinstance(obj, bytes):
            if sensitive and obj:
                return SECRET_MASK.encode("ascii")
            return self._redact_text(obj.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
        if isinstance(obj, Mapping):
            redacted: dict[Any, Any] = {}
            for key, value in obj.items():
                new_key = self._redact_text(key) if isinstance(key, str) else key
                redacted[new_key] = self._redact(value, is_sensitive_key(key))
            return redacted
        if isinstance(obj, list):
            return [self._redact(item, sensitive) for item in obj]
        if isinstance(obj, tuple):
            return tuple(self._redact(item, sensitive) for item in obj)
        return obj

    def _redact_text(self, text: str) -> str:
        for secret in self._ordered:
            if secret in text:
                text = text.replace(secret, SECRET_MASK)
        for pattern, replacement in SECRET_PATTERNS:
            text = pattern.sub(replacement, text)
        return text


# --------------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------------


class CaseInsensitiveHeaders(MutableMapping[str, Any]):
    """Header mapping with case-insensitive keys that remembers the original spelling."""

    def __init__(self, data: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None) -> None:
        self._store: dict[str, tuple[str, Any]] = {}
        if data:
            items = data.items() if isinstance(data, Mapping) else data
            for key, value in items:
                self[key] = value

    def __setitem__(self, key: str, value: Any) -> None:
        self._store[key.lower()] = (key, value)

    def __getitem__(self, key: str) -> Any:
        return self._store[key.lower()][1]

    def __delitem__(self, key: str) -> None:
        del self._store[key.lower()]

    def __iter__(self) -> Iterator[str]:
        return (original for original, value in self._store.values())

    def __len__(self) -> int:
        return len(self._store)

    def __repr__(self) -> str:
        return "%s(%r)" % (self.__class__.__name__, dict(self.items()))


_NO_JSON = object()


class HttpResponse:
    """A received answer: ``status``, ``headers`` (case-insensitive), ``text``; ``json()`` parses it."""

    def __init__(
        self,
        status: int | str,
        headers: Any = None,
        text: str | None = "",
        method: str | None = None,
        url: str | None = None,
        content: bytes | None = None,
    ) -> None:
        self.status = int(status)
        self.headers = CaseInsensitiveHeaders(headers)
        self.text = text if text is not None else ""
        self.content = content if content is not None else self.text.encode("utf-8")
        self.method = method
        self.url = url
        self._json: Any = _NO_JSON

    @classmethod
    def from_requests(cls, response: Any, method: str | None = None, content: bytes | None = None) -> HttpResponse:
        content = (response.content if content is None else content) or b""
        encoding = response.encoding or "utf-8"
        try:
            text = content.decode(encoding, "replace")
        except LookupError:
            text = content.decode("utf-8", "replace")
        return cls(response.status_code, response.headers, text, method=method, url=response.url, content=content)

    def json(self) -> Any:
        """The parsed body (cached); ``None`` when the body is empty or not JSON."""
        if self._json is _NO_JSON:
            try:
                self._json = jsonlib.loads(self.text) if self.text.strip() else None
            except ValueError:
                self._json = None
        return self._json

    def __repr__(self) -> str:
        return "<HttpResponse %s %s %s>" % (self.status, self.method or "", self.url or "")


# --------------------------------------------------------------------------------------------
# Throttle shared by every client of one provider and host in this process
# --------------------------------------------------------------------------------------------

# What a client waits with: a monotonic clock (seconds) and a sleep, both replaced in unit tests.
Clock = Callable[[], float]
Sleep = Callable[[float], Any]


class _Limiter:
    """A token bucket (``throttle_rps`` requests a second after a burst of ``throttle_burst``) plus a
    'do not send before' time set by the server."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.id = "%016x" % random.getrandbits(64)  # tells its own requests from others' in shared state
        self.tokens: float | None = None
        self.refilled = 0.0  # when tokens was last brought up to date (clock seconds; set with tokens)
        self.blocked_until: float | None = None

    def acquire(self, rps: float | None, burst: float | None, max_wait: float, clock: Clock, sleep: Sleep) -> float:
        """Wait until the next request may go; return the seconds waited. Holds the lock while waiting."""
        with self.lock:
            now = clock()
            target = now
            if rps:
                capacity = max(1.0, float(burst or 1))
                if self.tokens is None:
                    self.tokens, self.refilled = capacity, now
                tokens = min(capacity, self.tokens + max(0.0, now - self.refilled) * rps)
                self.tokens, self.refilled = tokens, now
                if tokens < 1.0:
                    target = now + (1.0 - tokens) / rps
            if self.blocked_until is not None:
                target = max(target, self.blocked_until)
            wait = min(target - now, max_wait)
            if wait > 0:
                sleep(wait)
            else:
                wait = 0.0
            self.blocked_until = None
            if rps:
                # The wait refilled the bucket even when the injected clock did not move.
                self.tokens = min(capacity, tokens + wait * rps) - 1.0
                self.refilled = max(clock(), now + wait)
            return wait

    def spend(self, count: int, rps: float | None, burst: float | None, clock: Clock) -> None:
        """Count ``count`` requests another process just sent against this bucket."""
        with self.lock:
            if rps and count:
                capacity = max(1.0, float(burst or 1))
                if self.tokens is None:
                    self.tokens, self.refilled = capacity, clock()
                self.tokens -= count

    def blocked_for(self, clock: Clock) -> float:
        """Seconds until the server allows the next request (0 when it does now)."""
        with self.lock:
            if self.blocked_until is None:
                return 0.0
            return max(0.0, self.blocked_until - clock())

    def block(self, seconds: float, clock: Clock) -> None:
        """No request of this provider and host goes before ``seconds`` from now."""
        with self.lock:
            until = clock() + max(0.0, seconds)
            if self.blocked_until is None or until > self.blocked_until:
                self.blocked_until = until


_LIMITERS: dict[str, _Limiter] = {}
_LIMITERS_LOCK = threading.Lock()


def _limiter_for(key: str) -> _Limiter:
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None:
            limiter = _LIMITERS[key] = _Limiter()
        return limiter


def reset_limiters() -> None:
    """Forget every throttle and rate-limit state of this process (for tests)."""
    with _LIMITERS_LOCK:
        _LIMITERS.clear()


# --------------------------------------------------------------------------------------------
# Rate-limit state shared by the tasks of a run (each Ansible task runs in a process of its own)
# --------------------------------------------------------------------------------------------


def default_cache_dir() -> str:
    """Where controller-side state lives: $RAILSTACK_CACHE_DIR, else $XDG_CACHE_HOME/railstack-platform,
    else ~/.cache/railstack-platform."""
    if os.environ.get("RAILSTACK_CACHE_DIR"):
        return os.environ["RAILSTACK_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "railstack-platform")


class SharedRateState:
    """What a provider last said about one credential's request budget: a small JSON file per API URL and
    credential fingerprint (a hash; never the credential), read before each request.

    A task that is inside a window another task (an earlier one, or a parallel fork) was refused in then waits,
    or fails at once, instead of sending; every client counts the other processes' requests of the last second
    against its throttle, each once, so parallel forks together stay under a per-second limit. Writes merge with
    what the other processes wrote (under a lock on the directory) and are atomic (a temporary file renamed over
    the old one), so concurrent forks never read half a file. A state that cannot be read or written is ignored.
    """

    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def for_credential(
        cls, provider: str, url: str, credential: str | None, directory: str | None = None
    ) -> SharedRateState:
        fingerprint = hashlib.sha256(("%s\n%s\n%s" % (provider, url, credential)).encode("utf-8")).hexdigest()
        return cls(os.path.join(directory or default_cache_dir(), "ratelimit-%s.json" % fingerprint[:32]))

    def read(self) -> dict[str, Any]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = jsonlib.load(handle)
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def merge(self, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """Replace the state by ``change(state as read)``, holding a lock, so that forks writing at the same time
        each keep what the others wrote (their requests of the last second)."""
        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            lock = os.open(directory, os.O_RDONLY)  # the directory is the lock: no file of its own
        except OSError:
            return
        try:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            self.write(change(self.read()))
        except OSError:
            return
        finally:
            os.close(lock)

    def write(self, data: dict[str, Any]) -> None:
        directory = os.path.dirname(self.path)
        tmp = None
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".ratelimit-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                jsonlib.dump(data, handle)
            os.replace(tmp, self.path)
        except OSError:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)


# --------------------------------------------------------------------------------------------
# Header parsing helpers
# --------------------------------------------------------------------------------------------


def _parse_http_date(value: str) -> float | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is None:
        try:
            parsed = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp()


def _seconds_from_header(value: Any, epoch_allowed: bool) -> float | None:
    """Seconds to wait from a Retry-After / X-RateLimit-Reset value: delta seconds, epoch seconds or a date."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        stamp = _parse_http_date(value)
        if stamp is None:
            return None
        return max(0.0, stamp - time.time())
    if not math.isfinite(number):
        return None
    if epoch_allowed and number > 1e12:  # epoch milliseconds
        return max(0.0, number / 1000.0 - time.time())
    if epoch_allowed and number > 1e9:  # epoch seconds
        return max(0.0, number - time.time())
    return max(0.0, number)


def retry_after_seconds(headers: Mapping[str, Any]) -> float | None:
    """Seconds the server asks to wait: ``Retry-After-Ms``, ``Retry-After``, else ``X-RateLimit-Reset``; or None."""
    value = headers.get("Retry-After-Ms")
    if value is not None:
        seconds = _seconds_from_header(value, False)
        if seconds is not None:
            return seconds / 1000.0
    seconds = _seconds_from_header(headers.get("Retry-After"), False)
    if seconds is not None:
        return seconds
    return _seconds_from_header(headers.get("X-RateLimit-Reset"), True)


def _format_duration(seconds: float) -> str:
    if seconds < 90:
        return "%g s" % round(seconds, 1)
    if seconds < 5400:
        return "%d min (%d s)" % (round(seconds / 60.0), round(seconds))
    return "%.1f h (%d s)" % (seconds / 3600.0, round(seconds))


def _plural_retries(count: int) -> str:
    return "(after %d %s)" % (count, "retry" if count == 1 else "retries")


# --------------------------------------------------------------------------------------------
# Connection failures: before or after the request was sent?
# --------------------------------------------------------------------------------------------

# Exception class names (anywhere in the cause chain) meaning no byte of the request left this host.
_NOT_SENT_CLASS_NAMES = frozenset(
    (
        "NewConnectionError",
        "NameResolutionError",
        "ConnectTimeoutError",
        "ConnectionRefusedError",
        "gaierror",
    )
)
_CONNECTION_PREFIX_RE = re.compile(r"^(?:<[^>]*>|[A-Za-z]*Connection(?:Pool)?\([^)]*\)): ")


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception it wraps (args, ``reason``, ``__cause__``, ``__context__``), outermost first."""
    seen = set()
    pending = [exc]
    chain = []
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        chain.append(current)
        nested = [getattr(current, "reason", None), current.__cause__, current.__context__]
        nested.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
        pending.extend(item for item in nested if isinstance(item, BaseException))
    return chain


def _chain_has(chain: list[BaseException], names: Iterable[str]) -> bool:
    for item in chain:
        for klass in type(item).__mro__:
            if klass.__name__ in names:
                return True
    return False


def _innermost_reason(chain: list[BaseException]) -> str:
    """A short human reason for a connection failure, e.g. '[Errno 111] Connection refused'."""
    for item in reversed(chain):
        if type(item).__name__ in ("MaxRetryError",):
            continue
        text = (
            str(item.args[-1]) if len(getattr(item, "args", ())) > 1 and isinstance(item.args[-1], str) else str(item)
        )
        text = _CONNECTION_PREFIX_RE.sub("", text).strip()
        if text:
            return text
    return str(chain[0])


# --------------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------------


def _form_value(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _pairs(data: Any) -> list[tuple[str, str]]:
    """A dict or a list of pairs as a list of (key, str) pairs, order kept.

    List values of a dict become repeated keys; ``None`` values are left out; booleans become true/false.
    """
    if data is None:
        return []
    items = data.items() if isinstance(data, Mapping) else data
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) and isinstance(data, Mapping) else [value]
        pairs.extend((key, _form_value(item)) for item in values if item is not None)
    return pairs


class _Prepared(NamedTuple):
    """One request as it goes on the wire (HttpClient._prepare)."""

    method: str
    url: str
    url_path: str
    headers: CaseInsensitiveHeaders
    params: list[tuple[str, str]]
    body: bytes | None


def _new_session(provider: str) -> Any:
    """A requests Session; fails naming the provider when requests cannot be imported."""
    if not HAS_REQUESTS:
        raise ApiError(
            "the Python library 'requests' is required to talk to %s but cannot be imported by %s (%s)"
            % (provider, sys.executable, ((REQUESTS_IMPORT_ERROR or "").strip().splitlines() or ["ImportError"])[-1]),
            provider=provider,
        )
    return requests.Session()


class HttpClient:
    """One client per provider and task. See ``request``."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        *,
        headers: Mapping[str, Any] | None = None,
        secrets: Iterable[Any] = (),
        timeout: float = 30,
        validate_certs: bool = True,
        max_retries: int = 4,
        throttle_rps: float | None = None,
        throttle_burst: float = 1,
        backoff_base: float = 1.0,
        backoff_max: float = 30.0,
        max_retry_wait: float = 120.0,
        error_parser: Callable[[HttpResponse], tuple[str | None, ErrorCode | None] | None] | None = None,
        user_agent: str | None = None,
        sleep: Sleep | None = None,
        session: Any = None,
        clock: Clock | None = None,
        rate_state: SharedRateState | None = None,
        pace_of_limit: Mapping[int, tuple[float, float]] | None = None,
    ) -> None:
        self.provider = provider
        self.base_url = base_url
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.max_retries = max(0, int(max_retries))
        self.throttle_rps = throttle_rps
        self.throttle_burst = throttle_burst
        # X-RateLimit-Limit -> (throttle_rps, throttle_burst): the pace the provider's plan of that limit allows
        self.pace_of_limit = dict(pace_of_limit or {})
        self.rate_state = rate_state
        self.rate_limit: dict[str, Any] = {}  # the provider's last X-RateLimit-Limit and reset time (epoch seconds)
        self._others_counted_until = 0.0  # epoch seconds: others' sends up to this time are counted already
        self._blocked_until = 0.0  # epoch seconds; shared with the next tasks through rate_state
        self._recent_sends: list[float] = []  # epoch seconds of this client's requests of the last second
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_wait = max_retry_wait
        self.error_parser = error_parser
        self.sleep = sleep or time.sleep
        self.clock = clock or time.monotonic
        self.redactor = Redactor(secrets)
        self.stats: dict[str, float] = {"requests": 0, "retries": 0, "throttled_seconds": 0.0}
        self.headers = CaseInsensitiveHeaders(
            {"Accept": "application/json", "User-Agent": user_agent or DEFAULT_USER_AGENT}
        )
        self.headers.update(headers or {})
        self._register_sensitive_headers(self.headers)
        base = urlsplit(base_url)
        self._base = base
        for key, value in parse_qsl(base.query, keep_blank_values=True):
            if is_sensitive_key(key):
                self.redactor.add(value)
        self._limiter = _limiter_for("%s|%s" % (provider, (base.netloc or "").lower()))
        self.session = session if session is not None else _new_session(provider)

    # -- public -------------------------------------------------------------------------------

    def close(self) -> None:
        close = getattr(self.session, "close", None)
        if close is not None:
            close()

    def request(
        self,
        method: str,
        path: str = "",
        *,
        params: Any = None,
        json: Any = None,
        form: Any = None,
        headers: Mapping[str, Any] | None = None,
        safe: bool | None = None,
        allow_status: Iterable[int] = (),
    ) -> HttpResponse:
        """Send one request (retrying when allowed) and return the ``HttpResponse``; raise ``ApiError`` on failure.

        Returns 2xx answers and answers whose status is in ``allow_status``. ``safe`` says whether the request may
        be sent again after it may have reached the server; by default GET/HEAD/OPTIONS/PUT/DELETE are safe, and
        POST/PATCH are safe only with an ``Idempotency-Key`` header.
        """
        method = method.upper()
        if json is not None and form is not None:
            raise ValueError("pass either json or form, not both")
        prepared = self._prepare(method, path, params, json, form, headers)
        if safe is None:
            safe = method in IDEMPOTENT_METHODS or (method in KEYED_METHODS and "Idempotency-Key" in prepared.headers)
        allowed = frozenset(allow_status or ())
        retries = 0
        while True:
            response, wait = self._attempt(prepared, safe, allowed, retries)
            if response is not None:
                return response
            self._pause(wait)
            retries += 1
            self.stats["retries"] += 1

    # -- internals ----------------------------------------------------------------------------

    def _prepare(
        self, method: str, path: str, params: Any, json: Any, form: Any, headers: Mapping[str, Any] | None
    ) -> _Prepared:
        """The request as it goes on the wire: URL, headers (their secrets registered), query pairs and body."""
        url, url_path = self._url(path)
        send_headers = CaseInsensitiveHeaders(self.headers.items())
        send_headers.update(headers or {})
        self._register_sensitive_headers(send_headers)
        param_pairs = _pairs(params)
        for key, value in param_pairs:
            if is_sensitive_key(str(key)):
                self.redactor.add(value)
        body = None
        if json is not None:
            body = jsonlib.dumps(json, separators=(",", ":")).encode("utf-8")
            send_headers.setdefault("Content-Type", "application/json")
        elif form is not None:
            body = urlencode(_pairs(form)).encode("ascii")
            send_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return _Prepared(method, url, url_path, send_headers, param_pairs, body)

    def _attempt(
        self, prepared: _Prepared, safe: bool, allow_status: frozenset[int], retries: int
    ) -> tuple[HttpResponse | None, float]:
        """Send ``prepared`` once: (the answer, 0) when it is final, (None, seconds to wait) before a retry; raises
        ``ApiError`` when the request failed for good."""
        self._wait_for_turn(prepared.method, prepared.url_path)
        self.stats["requests"] += 1
        try:
            raw = self.session.request(
                prepared.method,
                prepared.url,
                params=prepared.params or None,
                data=prepared.body,
                headers=dict(prepared.headers.items()),
                timeout=(self.timeout, self.timeout),
                verify=self.validate_certs,
                allow_redirects=False,
                stream=True,
            )
            content = self._read_body(raw, prepared.method, prepared.url_path)
        except Exception as exc:  # requests' exceptions; classified below
            if not (HAS_REQUESTS and isinstance(exc, requests.exceptions.RequestException)):
                raise
            return None, self._wait_after_failure(exc, prepared, safe, retries)
        response = HttpResponse.from_requests(raw, method=prepared.method, content=content)
        self._note_rate_limit(response, prepared.method, prepared.url_path)
        if 200 <= response.status < 300 or response.status in allow_status:
            return response, 0.0
        retry_statuses = RETRY_STATUSES_SAFE if safe else RETRY_STATUSES_UNSAFE
        if response.status in retry_statuses and retries < self.max_retries:
            return None, self._wait_after_refusal(response, prepared, retries)
        raise self._response_error(response, prepared.method, prepared.url_path, retries)

    def _wait_after_failure(self, exc: Exception, prepared: _Prepared, safe: bool, retries: int) -> float:
        """Seconds to wait before sending again after a connection failure; raises when it must not be sent again."""
        method, url_path = prepared.method, prepared.url_path
        sent, reason, retryable = self._classify_failure(exc)
        if sent and not safe:
            raise self._error(
                "the connection closed before %s answered %s %s; the request may have been applied (%s)"
                % (self.provider, method, url_path, reason),
                method=method,
                path=url_path,
                lost_response=True,
            )
        if not retryable or retries >= self.max_retries:
            message = "could not get an answer from %s to %s %s: %s" % (self.provider, method, url_path, reason)
            if retries:
                message += " " + _plural_retries(retries)
            raise self._error(message, method=method, path=url_path)
        return self._backoff(retries)

    def _wait_after_refusal(self, response: HttpResponse, prepared: _Prepared, retries: int) -> float:
        """Seconds to wait before sending again after a retryable status (429, 5xx); raises when the server asks
        for longer than max_retry_wait. A 429 closes the provider host for every client (in _wait_for_turn), so
        the wait it returns is 0."""
        if response.status == 429:
            asked = retry_after_seconds(response.headers)
        else:
            asked = _seconds_from_header(response.headers.get("Retry-After"), False)
        if asked is not None and asked > self.max_retry_wait:
            if response.status == 429:
                self._share_block(asked)
            raise self._too_long(response, prepared.method, prepared.url_path, asked)
        wait = asked if asked is not None else self._backoff(retries)
        if response.status == 429:
            self._limiter.block(wait, self.clock)
            self._share_block(wait)
            return 0.0
        return wait

    def _url(self, path: str) -> tuple[str, str]:
        """(full URL, URL path for messages): base_url's path joined with ``path``; both query strings kept."""
        base = self._base
        extra = urlsplit(path or "")
        full_path = base.path
        if extra.path:
            full_path = base.path.rstrip("/") + "/" + extra.path.lstrip("/")
        query = "&".join(part for part in (base.query, extra.query) if part)
        return urlunsplit((base.scheme, base.netloc, full_path, query, "")), full_path or "/"

    def _read_body(self, raw: Any, method: str, url_path: str) -> bytes:
        """The answer's body, read in chunks up to MAX_BODY_BYTES and for at most 4 x timeout seconds; a longer or
        slower one fails naming the request (the connection is closed, not read to its end)."""
        iter_content = getattr(raw, "iter_content", None)
        if iter_content is None:  # a test double that already holds its body
            return raw.content
        chunks, size, deadline = [], 0, self.clock() + 4 * self.timeout
        for chunk in iter_content(BODY_CHUNK_BYTES):
            size += len(chunk)
            chunks.append(chunk)
            problem = None
            if size > MAX_BODY_BYTES:
                problem = "a body larger than %d MB" % (MAX_BODY_BYTES // (1024 * 1024))
            elif self.clock() > deadline:
                problem = "a body still arriving after %g s" % (4 * self.timeout)
            if problem:
                raw.close()
                raise self._error(
                    "%s answered %s %s with %s; it was not read further (HTTP %s)"
                    % (self.provider, method, url_path, problem, raw.status_code),
                    method=method,
                    path=url_path,
                    status=raw.status_code,
                )
        return b"".join(chunks)

    def _register_sensitive_headers(self, headers: Mapping[str, Any]) -> None:
        for name, value in headers.items():
            if value is None or not is_sensitive_key(name):
                continue
            value = str(value)
            self.redactor.add(value)
            scheme, space, credential = value.partition(" ")
            if space and scheme.lower() in ("bearer", "basic", "token", "bot"):
                self.redactor.add(credential)

    def _wait_for_turn(self, method: str, url_path: str) -> None:
        """Wait for the throttle and any window the provider closed; fail without sending when that is longer
        than max_retry_wait."""
        self._read_shared_state()
        blocked = self._limiter.blocked_for(self.clock)
        if blocked > self.max_retry_wait:
            raise self._exhausted(blocked, method, url_path)
        waited = self._limiter.acquire(
            self.throttle_rps, self.throttle_burst, self.max_retry_wait, self.clock, self.sleep
        )
        self.stats["throttled_seconds"] += waited
        if self.rate_state is not None:
            now = time.time()
            self._recent_sends = [t for t in self._recent_sends if now - t < 1.0] + [now]
            self._save_shared_state()  # before sending: the other forks count it while it is under way

    def _read_shared_state(self) -> None:
        """Before each request: a window another task (or a parallel fork) learned is closed (HTTP 429, or
        X-RateLimit-Remaining 0) holds for this one, and the requests other processes sent in the last second,
        each counted once, count against the throttle."""
        if self.rate_state is None:
            return
        state = self.rate_state.read()
        now = time.time()
        try:
            blocked = float(state.get("blocked_until") or 0) - now
            recent = [
                float(t)
                for t, sender in state.get("recent") or ()
                if sender != self._limiter.id and now - float(t) < 1.0
            ]
        except (TypeError, ValueError):
            return
        self._follow_plan(state.get("limit"))
        new = [t for t in recent if t > self._others_counted_until]
        self._others_counted_until = max([self._others_counted_until] + new)
        self._limiter.spend(len(new), self.throttle_rps, self.throttle_burst, self.clock)
        if blocked > 0 and now + blocked > self._blocked_until:
            self._blocked_until = now + blocked
            self._limiter.block(blocked, self.clock)
            self.rate_limit = dict((key, state[key]) for key in ("limit", "reset_at") if key in state)

    def _share_block(self, seconds: float) -> None:
        """Tell the next tasks that no request of this credential goes for ``seconds``."""
        if seconds > 0:
            self._blocked_until = max(self._blocked_until, time.time() + seconds)
            self._save_shared_state()

    def _save_shared_state(self) -> None:
        if self.rate_state is not None:
            self.rate_state.merge(self._merged_state)

    def _merged_state(self, state: dict[str, Any]) -> dict[str, Any]:
        """The shared state with this client's budget knowledge and sends, keeping the other processes' sends of
        the last second and the latest closed window."""
        sender, now = self._limiter.id, time.time()
        try:
            others = [[float(t), who] for t, who in state.get("recent") or () if who != sender and now - float(t) < 1.0]
            blocked = max(self._blocked_until, float(state.get("blocked_until") or 0))
        except (TypeError, ValueError):
            others, blocked = [], self._blocked_until
        return dict(self.rate_limit, blocked_until=blocked, recent=others + [[t, sender] for t in self._recent_sends])

    def _exhausted(self, seconds: float, method: str, url_path: str) -> ApiError:
        message = (
            "%s's rate limit for this credential is used up for %s more (learned from an earlier answer), "
            "longer than this client waits (max_retry_wait %s); no request was sent; try again later"
            % (self.provider, _format_duration(seconds), _format_duration(self.max_retry_wait))
        )
        return ApiError(
            self.redactor.redact(message),
            provider=self.provider,
            status=429,
            code="rate_limited",
            retry_after=seconds,
            method=method,
            path=url_path,
            rate_limit=dict(self.rate_limit),
        )

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.sleep(seconds)
            self.stats["throttled_seconds"] += seconds

    def _backoff(self, retries: int) -> float:
        ceiling = min(self.backoff_max, self.backoff_base * (2**retries))
        return ceiling * random.uniform(0.5, 1.0)

    def _note_rate_limit(self, response: HttpResponse, method: str, url_path: str) -> None:
        """Remember X-RateLimit-Limit/Reset. X-RateLimit-Remaining: 0 -> the next request (of any client of this
        host, and of the next tasks) waits for the reset, or fails without sending when that is too long. Below
        LOW_BUDGET_SHARE of the limit left, the requests left are spread over the rest of the window."""
        self._remember_budget(response.headers)
        self._save_shared_state()
        try:
            remaining = float(response.headers["X-RateLimit-Remaining"])
        except (KeyError, TypeError, ValueError):
            return
        reset = _seconds_from_header(response.headers.get("X-RateLimit-Reset"), True)
        if response.status == 429 or not reset:
            return
        if remaining <= 0:
            wait = reset
        elif remaining < LOW_BUDGET_SHARE * self.rate_limit.get("limit", 0):
            wait = min(reset / (remaining + 1), self.max_retry_wait)
        else:
            return
        self._limiter.block(wait, self.clock)
        self._share_block(wait)

    def _remember_budget(self, headers: Mapping[str, Any]) -> None:
        try:
            limit = int(headers["X-RateLimit-Limit"])
        except (KeyError, TypeError, ValueError):
            return
        reset = _seconds_from_header(headers.get("X-RateLimit-Reset"), True)
        self.rate_limit = dict(limit=limit, reset_at=time.time() + reset if reset is not None else None)
        self._follow_plan(limit)

    def _follow_plan(self, limit: Any) -> None:
        """Pace requests as the plan whose X-RateLimit-Limit is ``limit`` allows (pace_of_limit); an unknown
        limit keeps the pace the client was made with."""
        pace = self.pace_of_limit.get(limit) if isinstance(limit, int) else None
        if pace is not None:
            self.throttle_rps, self.throttle_burst = pace

    def _classify_failure(self, exc: Exception) -> tuple[bool, str, bool]:
        """(maybe sent, short reason, worth retrying) for a requests exception."""
        exceptions = requests.exceptions
        chain = _exception_chain(exc)
        if isinstance(exc, exceptions.ConnectTimeout):
            return False, "could not connect within %g s" % self.timeout, True
        if isinstance(exc, exceptions.ReadTimeout):
            return True, "no answer within %g s" % self.timeout, True
        if isinstance(exc, exceptions.SSLError):
            reason = "TLS error: %s" % _innermost_reason(chain)
            if "CERTIFICATE_VERIFY_FAILED" in str(exc) or _chain_has(chain, ("SSLCertVerificationError",)):
                return False, reason, False
            return False, reason, True
        if isinstance(exc, exceptions.ConnectionError):
            if _chain_has(chain, _NOT_SENT_CLASS_NAMES):
                return False, _innermost_reason(chain), True
            return True, _innermost_reason(chain), True
        if isinstance(exc, (exceptions.ChunkedEncodingError, exceptions.ContentDecodingError)):
            return True, "the answer was cut off: %s" % _innermost_reason(chain), True
        return False, str(exc), False

    def _error(self, message: str, **kwargs: Any) -> ApiError:
        return ApiError(self.redactor.redact(message), provider=self.provider, **kwargs)

    def _too_long(self, response: HttpResponse, method: str, url_path: str, asked: float) -> ApiError:
        if response.status == 429:
            what = "%s rate-limited %s %s and asks to wait %s" % (
                self.provider,
                method,
                url_path,
                _format_duration(asked),
            )
        else:
            what = "%s is unavailable (HTTP %d) for %s %s and asks to retry in %s" % (
                self.provider,
                response.status,
                method,
                url_path,
                _format_duration(asked),
            )
        message = "%s, longer than this client waits (max_retry_wait %s); try again later" % (
            what,
            _format_duration(self.max_retry_wait),
        )
        error = self._response_error(response, method, url_path, 0)
        error.message = self.redactor.redact(message)
        error.args = (error.message,)
        error.retry_after = asked
        if response.status == 429:
            error.code = "rate_limited"
            error.rate_limit = dict(self.rate_limit)
        return error

    def _response_error(self, response: HttpResponse, method: str, url_path: str, retries: int) -> ApiError:
        parsed = None
        if self.error_parser is not None:
            try:
                parsed = self.error_parser(response)
            except Exception:  # a parser that trips on an odd body must not hide the real error
                parsed = None
        message = code = None
        if parsed:
            message, code = parsed
        if not message:
            message = "%s answered HTTP %d to %s %s" % (self.provider, response.status, method, url_path)
            short = " ".join(response.text.split())
            if 300 <= response.status < 400 and response.headers.get("Location"):
                short = ("redirect to %s %s" % (response.headers["Location"], short)).strip()
            if short:
                if len(short) > SHORT_BODY_CHARS:
                    short = short[:SHORT_BODY_CHARS] + "..."
                message += ": " + short
        if retries:
            message = "%s %s" % (message, _plural_retries(retries))
        body = response.json()
        details = self.redactor.redact(body) if isinstance(body, (dict, list)) else None
        return ApiError(
            self.redactor.redact(str(message)),
            provider=self.provider,
            status=response.status,
            code=self.redactor.redact(code) if code is not None else None,
            details=details,
            retry_after=retry_after_seconds(response.headers) if response.status in (429, 503) else None,
            method=method,
            path=url_path,
        )


class ProviderClient:
    """Base of every provider client: it holds one HttpClient as `http`; the task reads its stats and redactor."""

    http: HttpClient

    @property
    def stats(self) -> dict[str, float]:
        return self.http.stats

    @property
    def redactor(self) -> Redactor:
        return self.http.redactor
