"""HTTP plumbing every fetch shares: session, per-host limiter, log hygiene, body reads.

The session names the project in its User-Agent and never retries on its own: retries
belong to `ingest.fetch`, which records each attempt. The limiter keeps us polite to
each host. Nothing here records outcomes, opens a database or imports Prefect.
"""

from __future__ import annotations

import email.utils
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from ingest.errors import FetchError, ResponseTooLarge, TruncatedBody, UnsupportedURL

USER_AGENT = "leaderboard-refresher/0.1 (+https://github.com/leaderboard-refresher)"

# (connect, read) in seconds; requests has no default timeout and would wait forever.
DEFAULT_TIMEOUT_S = (5.0, 30.0)

CHUNK_BYTES = 64 * 1024

SECRET_HEADER_WORDS = ("auth", "cookie", "key", "password", "secret", "token")

_QUERY = re.compile(r"\?[^\s'\"<>)]*")


class _TimeoutAdapter(HTTPAdapter):
    """An adapter that applies a default timeout to requests sent without one."""

    def __init__(self, timeout_s: tuple[float, float], pool_size: int) -> None:
        super().__init__(
            max_retries=0, pool_connections=pool_size, pool_maxsize=pool_size
        )
        self._timeout_s = timeout_s

    def send(self, request, timeout=None, **kwargs):  # type: ignore[override]
        if timeout is None:
            timeout = self._timeout_s
        return super().send(request, timeout=timeout, **kwargs)


def create_session(
    timeout_s: tuple[float, float] = DEFAULT_TIMEOUT_S, pool_size: int = 10
) -> requests.Session:
    """Create a session to share across one run's fetches.

    Args:
        timeout_s: (connect, read) timeout for any request sent without its own.
        pool_size: connections kept open per host.
    """
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    adapter = _TimeoutAdapter(timeout_s, pool_size)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def host_key(url: str) -> str:
    """The host a URL talks to, with its port when explicit: the limiter's key.

    >>> host_key("https://User:pw@Example.org:8443/a?b=1")
    'example.org:8443'
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def url_for_log(url: str) -> str:
    """A URL without credentials, query string or fragment, safe to log.

    >>> url_for_log("https://user:pw@example.org/data.json?api_key=s3cret#top")
    'https://example.org/data.json'
    """
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers with the value of anything that looks like a credential hidden.

    >>> redact_headers({"Accept": "text/html", "x-api-key": "s3cret"})
    {'Accept': 'text/html', 'x-api-key': '<redacted>'}
    """
    return {
        name: "<redacted>" if _is_secret(name) else value
        for name, value in headers.items()
    }


def redact_text(text: str) -> str:
    """Text, such as an exception message, with every URL query string hidden.

    >>> redact_text("Max retries exceeded with url: /v1/m?key=s3cret (Caused by x)")
    'Max retries exceeded with url: /v1/m?<redacted> (Caused by x)'
    """
    return _QUERY.sub("?<redacted>", text)


def check_url(url: str) -> None:
    """Raise `UnsupportedURL` unless the URL is http or https with a host."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # e.g. a malformed IPv6 host
        hostname = None
    if not hostname or parts.scheme not in ("http", "https"):
        raise UnsupportedURL(
            f"URL {url_for_log(url)!r} is not an http(s) URL with a host; "
            "fix the source's URL in the registry"
        )


def redirect_target(url: str, location: str) -> str:
    """The absolute URL a Location header points to, checked like any other URL."""
    try:
        target = urljoin(url, location)
    except ValueError as exc:
        raise UnsupportedURL(
            f"{url_for_log(url)!r} redirected to an unreadable Location; "
            "fix the source's URL"
        ) from exc
    check_url(target)
    return target


def is_same_origin(url: str, other_url: str) -> bool:
    """Whether two URLs share scheme, host and port (RFC 6454).

    >>> is_same_origin("https://a.org/x", "https://a.org:443/y")
    False
    """
    first, second = urlsplit(url), urlsplit(other_url)
    return (first.scheme, first.hostname, first.port) == (
        second.scheme,
        second.hostname,
        second.port,
    )


def parse_retry_after(value: str | None, now_s: float) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date.

    Returns None when the header is absent or unreadable (RFC 9110 section 10.2.3).

    >>> parse_retry_after("7", now_s=0.0)
    7.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now_s=1445412470.0)
    10.0
    >>> parse_retry_after("soon", now_s=0.0) is None
    True
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now_s)


def read_body(
    response: requests.Response, url: str, max_bytes: int, into: bytearray
) -> None:
    """Stream a response body into `into`, stopping once it passes `max_bytes`.

    Raises `ResponseTooLarge` or `TruncatedBody`; `into` then holds what arrived
    in whole chunks (urllib3 drops the partial chunk of a short read).
    The cap applies to decoded bytes, so a small gzip bomb cannot get past it.
    """
    declared = _content_length(response)
    if declared is not None and declared > max_bytes:
        raise _too_large(url, max_bytes, f"it declares {declared} bytes")

    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            into += chunk
            if len(into) > max_bytes:
                raise _too_large(url, max_bytes, f"{len(into)} bytes had arrived")
    except (
        requests.exceptions.ChunkedEncodingError,
        requests.exceptions.ConnectionError,
    ) as exc:
        raise _truncated(url, redact_text(str(exc))) from exc

    # NOTE: urllib3 already raises on a short body; this covers a server that closes
    # early without urllib3 noticing. A compressed body decodes to another length.
    if declared is not None and len(into) < declared and not _is_encoded(response):
        raise _truncated(url, f"{len(into)} of {declared} declared bytes arrived")


def is_retryable(error: Exception) -> bool:
    """Whether a later attempt can succeed where this error ended one."""
    if isinstance(error, FetchError):
        return error.retryable
    if isinstance(error, requests.exceptions.SSLError):
        return False  # a certificate problem does not fix itself within a run
    if _is_name_resolution_failure(error):
        return False  # offline or a wrong host: retrying in this run only wastes time
    transient = (
        requests.exceptions.ConnectionError,
        requests.exceptions.Timeout,
        requests.exceptions.ChunkedEncodingError,
    )
    return isinstance(error, transient)


def _is_name_resolution_failure(error: Exception) -> bool:
    """Whether a connection failed because the host name did not resolve."""
    seen: Exception | None = error
    while seen is not None:
        if type(seen).__name__ == "NameResolutionError":
            return True
        text = str(seen)
        if "Failed to resolve" in text or "Name or service not known" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _content_length(response: requests.Response) -> int | None:
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _is_encoded(response: requests.Response) -> bool:
    return response.headers.get("Content-Encoding", "identity") != "identity"


def _too_large(url: str, max_bytes: int, seen: str) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"{url_for_log(url)!r} is too large: {seen}, over the size cap of {max_bytes} "
        "bytes; raise the source's max_bytes if the file really is that large"
    )


def _truncated(url: str, cause: str) -> TruncatedBody:
    return TruncatedBody(
        f"the body of {url_for_log(url)!r} ended early ({cause}); "
        "a later attempt may get all of it"
    )


def _is_secret(header_name: str) -> bool:
    name = header_name.lower()
    return any(word in name for word in SECRET_HEADER_WORDS)


class HostLimiter:
    """Per-host politeness: a cap on concurrent requests and a gap between starts.

    Thread-safe. Each host gets its own semaphore; the next start time per host is
    reserved under one lock and waited for outside it, so a thread that waits for one
    host never holds up another host.
    """

    def __init__(
        self,
        max_concurrent: int = 2,
        min_interval_s: float = 0.5,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent must be at least 1, not {max_concurrent}")
        if min_interval_s < 0:
            raise ValueError(f"min_interval_s must not be negative: {min_interval_s}")
        self.max_concurrent = max_concurrent
        self.min_interval_s = min_interval_s
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._semaphores: dict[str, threading.BoundedSemaphore] = {}
        self._next_start_s: dict[str, float] = {}

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold one of the host's request slots for the length of the block."""
        host = host_key(url)
        with self._semaphore(host):
            self._wait_turn(host)
            yield

    def _semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            if host not in self._semaphores:
                self._semaphores[host] = threading.BoundedSemaphore(self.max_concurrent)
            return self._semaphores[host]

    def _wait_turn(self, host: str) -> None:
        with self._lock:
            now_s = self._clock()
            start_s = max(now_s, self._next_start_s.get(host, now_s))
            self._next_start_s[host] = start_s + self.min_interval_s

        if start_s > now_s:
            self._sleep(start_s - now_s)
