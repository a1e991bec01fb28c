"""Fetch one source URL over HTTP and describe what happened, whatever happened.

`fetch` never raises for a network or server failure: it returns a `FetchOutcome` that
records every attempt, so the caller can store the fetch either way. It sends a
conditional GET, retries transient failures with backoff and jitter, caps the body
size, follows a bounded number of redirects, and is polite per host (`ingest.http`).
It must not open a database, write snapshots or import Prefect.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import requests

from ingest.errors import FetchError, HTTPStatusError, TooManyRedirects
from ingest.http import (
    DEFAULT_TIMEOUT_S,
    HostLimiter,
    check_url,
    create_session,
    is_retryable,
    is_same_origin,
    parse_retry_after,
    read_body,
    redact_headers,
    redact_text,
    redirect_target,
    url_for_log,
)

logger = logging.getLogger(__name__)

OUTCOMES = ("ok", "not_modified", "failed")

# Shared by every fetch that is not handed its own limiter, so that politeness holds
# across all the threads of one process.
DEFAULT_LIMITER = HostLimiter()


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How patient and how strict one fetch is; the defaults suit public web pages."""

    connect_timeout_s: float = DEFAULT_TIMEOUT_S[0]
    read_timeout_s: float = DEFAULT_TIMEOUT_S[1]
    max_attempts: int = 4
    backoff_base_s: float = 1.0
    backoff_max_s: float = 30.0
    retry_after_max_s: float = 120.0
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One HTTP attempt within a fetch, including any redirects it followed."""

    started_at: datetime
    finished_at: datetime
    status: int | None
    error_class: str | None
    error_message: str | None
    size_bytes: int


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """What one fetch of one source URL got, successful or not.

    `outcome` is "ok" (new bytes in `body`), "not_modified" (a 304: no `body`, and
    `etag`/`last_modified` carry forward) or "failed" (`error_class`, `error_message`
    and `is_retryable` say why, and whether a later run may succeed). `status` and
    `final_url` come from the last response seen, when there was one.
    """

    source_id: str
    url: str
    outcome: str
    attempts: tuple[AttemptRecord, ...]
    started_at: datetime
    elapsed_s: float
    final_url: str | None = None
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    body: bytes | None = field(default=None, repr=False)
    sha256: str | None = None
    error_class: str | None = None
    error_message: str | None = None
    is_retryable: bool = False

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"fetch outcome {self.outcome!r} is not one of {OUTCOMES}")

    @property
    def size_bytes(self) -> int:
        return len(self.body) if self.body is not None else 0


@dataclass(frozen=True, slots=True)
class _Request:
    """Everything each attempt of one fetch needs, bundled once."""

    source_id: str
    url: str
    headers: Mapping[str, str]
    extra_headers: Mapping[str, str]
    policy: FetchPolicy
    session: requests.Session
    limiter: HostLimiter


@dataclass(frozen=True, slots=True)
class _Reply:
    """What one attempt got back from its last hop, or the error that ended it."""

    url: str | None
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    sha256: str | None = None
    received_bytes: int = 0
    error: Exception | None = None


def fetch(
    source_id: str,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    headers: Mapping[str, str] | None = None,
    session: requests.Session | None = None,
    policy: FetchPolicy | None = None,
    limiter: HostLimiter | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    jitter: Callable[[], float] = random.random,
) -> FetchOutcome:
    """Fetch one URL, retrying transient failures, and describe what happened.

    Args:
        source_id: the source's slug, for the outcome and the logs.
        url: an http or https URL; anything else fails with no attempt made.
        etag: the ETag of the last good snapshot, sent as If-None-Match.
        last_modified: its Last-Modified, sent as If-Modified-Since.
        headers: extra request headers (e.g. an API key); sent only to the URL's own
            origin, never after a redirect elsewhere, and never logged.
        session: a shared session from `create_session`; a private one otherwise.
        policy: timeouts, retries, size cap and redirect bound; defaults otherwise.
        limiter: per-host politeness; `DEFAULT_LIMITER` otherwise.
        sleep: waits between attempts (tests pass a recorder).
        clock: seconds since the epoch, for attempt times and `elapsed_s`.
        jitter: a number in [0, 1) that spreads backoff waits.
    """
    started_s = clock()
    request = _Request(
        source_id=source_id,
        url=url,
        headers=_conditional_headers(etag, last_modified),
        extra_headers=dict(headers or {}),
        policy=policy or FetchPolicy(),
        session=session if session is not None else create_session(),
        limiter=limiter or DEFAULT_LIMITER,
    )

    try:
        attempts, reply = _attempt_until_done(request, sleep, clock, jitter)
    finally:
        if session is None:
            request.session.close()

    previous = (etag, last_modified)
    return _outcome(request, attempts, reply, previous, started_s, clock() - started_s)


def backoff_s(
    attempt_number: int, policy: FetchPolicy, jitter: float, retry_after_s: float | None
) -> float:
    """The wait before the next attempt: exponential, half of it jittered.

    A Retry-After from the server raises the wait, up to `policy.retry_after_max_s`.

    >>> policy = FetchPolicy(backoff_base_s=1.0, backoff_max_s=30.0)
    >>> [backoff_s(n, policy, 1.0, None) for n in (1, 2, 3)]
    [1.0, 2.0, 4.0]
    >>> backoff_s(1, policy, 0.0, None), backoff_s(1, policy, 0.0, 900.0)
    (0.5, 120.0)
    """
    ceiling_s = min(
        policy.backoff_max_s, policy.backoff_base_s * 2 ** (attempt_number - 1)
    )
    wait_s = ceiling_s / 2 + ceiling_s / 2 * jitter
    if retry_after_s is not None:
        wait_s = max(wait_s, min(retry_after_s, policy.retry_after_max_s))
    return wait_s


def _attempt_until_done(
    request: _Request,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    jitter: Callable[[], float],
) -> tuple[list[AttemptRecord], _Reply]:
    logger.debug(
        "fetch request source=%s url=%s headers=%s",
        request.source_id,
        url_for_log(request.url),
        redact_headers({**request.headers, **request.extra_headers}),
    )
    try:
        check_url(request.url)
    except FetchError as exc:
        _log_failure(request, 0, _Reply(url=None, error=exc), 0.0)
        return [], _Reply(url=None, error=exc)

    attempts: list[AttemptRecord] = []
    for number in range(1, request.policy.max_attempts + 1):
        record, reply = _attempt(request, number, clock)
        attempts.append(record)
        if reply.error is None or not is_retryable(reply.error):
            break
        if number < request.policy.max_attempts:
            retry_after_s = parse_retry_after(reply.headers.get("Retry-After"), clock())
            sleep(backoff_s(number, request.policy, jitter(), retry_after_s))
    return attempts, reply


def _attempt(
    request: _Request, number: int, clock: Callable[[], float]
) -> tuple[AttemptRecord, _Reply]:
    started_s = clock()
    try:
        reply = _check_status(_get(request))
    except (requests.exceptions.RequestException, FetchError) as exc:
        reply = _Reply(url=None, error=exc)
    finished_s = clock()

    record = AttemptRecord(
        started_at=_utc(started_s),
        finished_at=_utc(finished_s),
        status=reply.status,
        error_class=type(reply.error).__name__ if reply.error else None,
        error_message=_describe(reply.error),
        size_bytes=reply.received_bytes,
    )
    if reply.error is None:
        _log_success(request, reply, finished_s - started_s)
    else:
        _log_failure(request, number, reply, finished_s - started_s)
    return record, reply


def _get(request: _Request) -> _Reply:
    """Send the GET, following at most `max_redirects` redirects by hand.

    By hand, so that each hop goes through the limiter, a redirect to another scheme
    is refused, and the caller's extra headers never follow a redirect to another
    origin (requests would strip only Authorization there, not e.g. x-api-key).
    """
    url, policy = request.url, request.policy
    for _ in range(policy.max_redirects + 1):
        headers = dict(request.headers)
        if is_same_origin(url, request.url):
            headers.update(request.extra_headers)
        with (
            request.limiter.slot(url),
            request.session.get(
                url,
                headers=headers,
                timeout=(policy.connect_timeout_s, policy.read_timeout_s),
                stream=True,
                allow_redirects=False,
            ) as response,
        ):
            if not response.is_redirect:
                return _read_response(response, url, policy.max_bytes)
            url = redirect_target(url, response.headers["Location"])
    raise TooManyRedirects(
        f"{url_for_log(request.url)!r} redirected more than {policy.max_redirects} "
        "times, likely a loop; fix the source's URL"
    )


def _read_response(response: requests.Response, url: str, max_bytes: int) -> _Reply:
    reply = _Reply(url=url, status=response.status_code, headers=response.headers)
    if not 200 <= response.status_code < 300:
        return reply

    body = bytearray()
    try:
        read_body(response, url, max_bytes, body)
    except FetchError as exc:
        return replace(reply, received_bytes=len(body), error=exc)
    sha256 = hashlib.sha256(body).hexdigest()
    return replace(reply, body=bytes(body), sha256=sha256, received_bytes=len(body))


def _check_status(reply: _Reply) -> _Reply:
    if reply.error is not None or reply.status == 304 or 200 <= reply.status < 300:
        return reply
    if reply.status == 429:
        advice = "the host is rate limiting us; a later attempt may succeed"
    elif reply.status >= 500:
        advice = "the server is failing; a later attempt may succeed"
    else:
        advice = "check the source's URL and access rules, a retry will not help"
    message = f"{url_for_log(reply.url)!r} answered {reply.status}; {advice}"
    return replace(reply, error=HTTPStatusError(message, status=reply.status))


def _outcome(
    request: _Request,
    attempts: list[AttemptRecord],
    reply: _Reply,
    previous: tuple[str | None, str | None],
    started_s: float,
    elapsed_s: float,
) -> FetchOutcome:
    common = {
        "source_id": request.source_id,
        "url": request.url,
        "attempts": tuple(attempts),
        "started_at": _utc(started_s),
        "elapsed_s": elapsed_s,
        "final_url": reply.url,
        "status": reply.status,
        "content_type": reply.headers.get("Content-Type"),
    }
    if reply.error is not None:
        return _failed(common, reply.error)

    etag, last_modified = reply.headers.get("ETag"), reply.headers.get("Last-Modified")
    if reply.status == 304:
        # RFC 9110 section 15.4.5: a 304 may omit validators; the old ones still hold.
        return FetchOutcome(
            **common,
            outcome="not_modified",
            etag=etag or previous[0],
            last_modified=last_modified or previous[1],
        )
    return FetchOutcome(
        **common,
        outcome="ok",
        etag=etag,
        last_modified=last_modified,
        body=reply.body,
        sha256=reply.sha256,
    )


def _failed(common: dict, error: Exception) -> FetchOutcome:
    return FetchOutcome(
        **common,
        outcome="failed",
        error_class=type(error).__name__,
        error_message=_describe(error),
        is_retryable=is_retryable(error),
    )


def _log_success(request: _Request, reply: _Reply, elapsed_s: float) -> None:
    logger.info(
        "fetched source=%s status=%d bytes=%d sha256=%.12s elapsed_s=%.2f url=%s",
        request.source_id,
        reply.status,
        reply.received_bytes,
        reply.sha256 or "-",
        elapsed_s,
        url_for_log(reply.url),
    )


def _log_failure(
    request: _Request, number: int, reply: _Reply, elapsed_s: float
) -> None:
    # NOTE: WARNING, not ERROR: the caller decides whether a failed fetch ends the run.
    logger.warning(
        "fetch failed source=%s attempt=%d status=%s error_class=%s is_retryable=%s "
        "elapsed_s=%.2f url=%s",
        request.source_id,
        number,
        reply.status,
        type(reply.error).__name__,
        is_retryable(reply.error),
        elapsed_s,
        url_for_log(reply.url or request.url),
    )


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _describe(error: Exception | None) -> str | None:
    """An error's message with query strings hidden, short enough to store."""
    if error is None:
        return None
    return redact_text(str(error))[:500]


def _utc(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)
