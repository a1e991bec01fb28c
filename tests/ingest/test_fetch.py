"""Fetch against real sockets on 127.0.0.1: pytest-httpserver, plus a raw socket server
for the one answer Werkzeug will not give (a body shorter than its Content-Length)."""

from __future__ import annotations

import email.utils
import hashlib
import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ingest.fetch import FetchPolicy, fetch
from ingest.http import USER_AGENT, HostLimiter

QUICK = FetchPolicy(
    connect_timeout_s=2.0,
    read_timeout_s=2.0,
    max_attempts=3,
    backoff_base_s=0.5,
    retry_after_max_s=60.0,
    max_bytes=1024,
)


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """Listen on 127.0.0.1 itself, not whatever `localhost` resolves to first."""
    return "127.0.0.1", 0


@pytest.fixture
def other_server() -> Iterator[HTTPServer]:
    """A second server: another port is another origin."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


class FakeClock:
    """A monotonic clock that moves only when something sleeps on it."""

    def __init__(self) -> None:
        self.now_s = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now_s

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now_s += seconds


def quick_fetch(url: str, sleeps: list[float] | None = None, **kwargs):
    """Fetch with short timeouts, no politeness wait and a sleep that only records."""
    kwargs.setdefault("policy", QUICK)
    return fetch(
        "test-source",
        url,
        limiter=HostLimiter(min_interval_s=0.0),
        sleep=(sleeps if sleeps is not None else []).append,
        **kwargs,
    )


def test_fetch_returns_the_body_its_sha256_and_etag_of_a_200(httpserver):
    body = b'{"models": []}'
    httpserver.expect_request(
        "/data.json", headers={"User-Agent": USER_AGENT}
    ).respond_with_data(
        body,
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT"},
        content_type="application/json",
    )

    outcome = quick_fetch(httpserver.url_for("/data.json"))

    assert outcome.outcome == "ok"
    assert (outcome.status, outcome.body, outcome.size_bytes) == (200, body, len(body))
    assert outcome.sha256 == hashlib.sha256(body).hexdigest()
    assert outcome.etag == '"v1"'
    assert outcome.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert outcome.content_type == "application/json"
    assert outcome.final_url == httpserver.url_for("/data.json")
    assert [(a.status, a.size_bytes) for a in outcome.attempts] == [(200, len(body))]
    assert outcome.error_class is None


def test_fetch_sends_validators_and_treats_a_304_as_not_modified(httpserver):
    validators = {
        "If-None-Match": '"v1"',
        "If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT",
    }
    httpserver.expect_request("/data.json", headers=validators).respond_with_data(
        "", status=304, headers={"ETag": '"v1"'}
    )

    outcome = quick_fetch(
        httpserver.url_for("/data.json"),
        etag='"v1"',
        last_modified="Wed, 21 Oct 2015 07:28:00 GMT",
    )

    assert outcome.outcome == "not_modified"
    assert outcome.status == 304
    assert outcome.body is None
    assert outcome.sha256 is None
    assert outcome.etag == '"v1"'
    assert outcome.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert len(outcome.attempts) == 1


def test_fetch_keeps_the_previous_validators_when_a_304_omits_them(httpserver):
    httpserver.expect_request("/data.json").respond_with_data("", status=304)

    outcome = quick_fetch(
        httpserver.url_for("/data.json"), etag='"v7"', last_modified="x"
    )

    assert (outcome.outcome, outcome.etag, outcome.last_modified) == (
        "not_modified",
        '"v7"',
        "x",
    )


def test_fetch_retries_two_503s_then_succeeds_and_records_every_attempt(httpserver):
    httpserver.expect_oneshot_request("/flaky").respond_with_data("busy", status=503)
    httpserver.expect_oneshot_request("/flaky").respond_with_data("busy", status=503)
    httpserver.expect_request("/flaky").respond_with_data("finally")
    sleeps: list[float] = []

    outcome = quick_fetch(httpserver.url_for("/flaky"), sleeps, jitter=lambda: 1.0)

    assert outcome.outcome == "ok"
    assert outcome.body == b"finally"
    assert [a.status for a in outcome.attempts] == [503, 503, 200]
    assert [a.error_class for a in outcome.attempts] == ["HTTPStatusError"] * 2 + [None]
    assert all(a.started_at <= a.finished_at for a in outcome.attempts)
    assert sleeps == [0.5, 1.0]


def test_fetch_gives_up_after_max_attempts_and_says_a_retry_can_help(httpserver):
    httpserver.expect_request("/down").respond_with_data("down", status=502)
    sleeps: list[float] = []

    outcome = quick_fetch(httpserver.url_for("/down"), sleeps)

    assert outcome.outcome == "failed"
    assert outcome.status == 502
    assert outcome.error_class == "HTTPStatusError"
    assert "answered 502" in outcome.error_message
    assert outcome.is_retryable is True
    assert len(outcome.attempts) == QUICK.max_attempts
    assert len(sleeps) == QUICK.max_attempts - 1


def test_fetch_waits_at_least_retry_after_seconds_on_a_429(httpserver):
    httpserver.expect_oneshot_request("/limited").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request("/limited").respond_with_data("ok")
    sleeps: list[float] = []

    outcome = quick_fetch(httpserver.url_for("/limited"), sleeps)

    assert outcome.outcome == "ok"
    assert [a.status for a in outcome.attempts] == [429, 200]
    assert len(sleeps) == 1
    assert sleeps[0] >= 7.0


def test_fetch_reads_a_retry_after_given_as_an_http_date(httpserver):
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    httpserver.expect_oneshot_request("/limited").respond_with_data(
        "", status=429, headers={"Retry-After": later}
    )
    httpserver.expect_request("/limited").respond_with_data("ok")
    sleeps: list[float] = []

    quick_fetch(httpserver.url_for("/limited"), sleeps)

    assert sleeps[0] >= 28.0


def test_fetch_caps_a_retry_after_that_asks_for_too_long(httpserver):
    httpserver.expect_oneshot_request("/limited").respond_with_data(
        "", status=429, headers={"Retry-After": "86400"}
    )
    httpserver.expect_request("/limited").respond_with_data("ok")
    sleeps: list[float] = []

    quick_fetch(httpserver.url_for("/limited"), sleeps)

    assert sleeps == [QUICK.retry_after_max_s]


def test_fetch_does_not_retry_a_404_and_marks_it_permanent(httpserver):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    sleeps: list[float] = []

    outcome = quick_fetch(httpserver.url_for("/gone"), sleeps)

    assert outcome.outcome == "failed"
    assert outcome.status == 404
    assert outcome.error_class == "HTTPStatusError"
    assert outcome.is_retryable is False
    assert len(outcome.attempts) == 1
    assert sleeps == []
    assert len(httpserver.log) == 1


def test_fetch_times_out_a_slow_response_as_a_retryable_failure(httpserver):
    def answer_late(request: Request) -> Response:
        time.sleep(0.5)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(answer_late)
    policy = FetchPolicy(read_timeout_s=0.2, max_attempts=1)

    outcome = quick_fetch(httpserver.url_for("/slow"), policy=policy)

    assert outcome.outcome == "failed"
    assert outcome.error_class == "ReadTimeout"
    assert outcome.is_retryable is True
    assert outcome.attempts[0].status is None


def test_fetch_reports_a_refused_connection_as_retryable():
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]

    outcome = quick_fetch(
        f"http://127.0.0.1:{port}/", policy=FetchPolicy(max_attempts=2)
    )

    assert outcome.outcome == "failed"
    assert outcome.error_class == "ConnectionError"
    assert outcome.is_retryable is True
    assert len(outcome.attempts) == 2


def test_fetch_treats_a_body_shorter_than_its_content_length_as_truncated(
    truncating_url,
):
    sleeps: list[float] = []

    outcome = quick_fetch(truncating_url, sleeps, policy=FetchPolicy(max_attempts=2))

    assert outcome.outcome == "failed"
    assert outcome.error_class == "TruncatedBody"
    assert "ended early" in outcome.error_message
    assert outcome.is_retryable is True
    assert [a.status for a in outcome.attempts] == [200, 200]
    assert outcome.body is None
    assert len(sleeps) == 1


def test_fetch_refuses_a_body_that_declares_more_than_the_size_cap(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"x" * 2048)

    outcome = quick_fetch(httpserver.url_for("/big"))

    assert outcome.outcome == "failed"
    assert outcome.error_class == "ResponseTooLarge"
    assert "too large" in outcome.error_message
    assert "1024 bytes" in outcome.error_message
    assert outcome.is_retryable is False
    assert len(outcome.attempts) == 1


def test_fetch_stops_streaming_a_body_that_grows_past_the_size_cap(httpserver):
    def endless(request: Request) -> Response:
        return Response(b"x" * 512 for _ in range(1000))

    httpserver.expect_request("/stream").respond_with_handler(endless)

    outcome = quick_fetch(httpserver.url_for("/stream"))

    assert outcome.error_class == "ResponseTooLarge"
    assert "1024 bytes" in outcome.error_message
    assert outcome.is_retryable is False
    assert 1024 < outcome.attempts[0].size_bytes < 512 * 1000


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/data.csv", "file:///etc/passwd", "http:///no-host", "data"],
)
def test_fetch_rejects_a_url_that_is_not_http_without_any_attempt(url):
    outcome = quick_fetch(url)

    assert outcome.outcome == "failed"
    assert outcome.error_class == "UnsupportedURL"
    assert outcome.is_retryable is False
    assert outcome.attempts == ()


def test_fetch_refuses_a_redirect_to_a_url_that_is_not_http(httpserver):
    httpserver.expect_request("/away").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )

    outcome = quick_fetch(httpserver.url_for("/away"))

    assert outcome.error_class == "UnsupportedURL"
    assert outcome.is_retryable is False


def test_fetch_follows_a_redirect_and_records_the_final_url(httpserver):
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("moved here")

    outcome = quick_fetch(httpserver.url_for("/old"))

    assert outcome.outcome == "ok"
    assert outcome.body == b"moved here"
    assert outcome.url == httpserver.url_for("/old")
    assert outcome.final_url == httpserver.url_for("/new")
    assert len(outcome.attempts) == 1


def test_fetch_stops_a_redirect_loop_after_the_bound(httpserver):
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"}
    )

    outcome = quick_fetch(
        httpserver.url_for("/loop"), policy=FetchPolicy(max_redirects=5)
    )

    assert outcome.outcome == "failed"
    assert outcome.error_class == "TooManyRedirects"
    assert outcome.is_retryable is False
    assert len(outcome.attempts) == 1
    assert len(httpserver.log) == 6


def test_fetch_does_not_send_extra_headers_after_a_redirect_to_another_origin(
    httpserver, other_server
):
    httpserver.expect_request(
        "/data", headers={"x-api-key": "hunter2"}
    ).respond_with_data(
        "", status=302, headers={"Location": other_server.url_for("/mirror")}
    )
    other_server.expect_request("/mirror").respond_with_data("mirrored")

    outcome = quick_fetch(httpserver.url_for("/data"), headers={"x-api-key": "hunter2"})

    assert outcome.body == b"mirrored"
    mirror_request, _ = other_server.log[0]
    assert "x-api-key" not in mirror_request.headers
    assert mirror_request.headers["User-Agent"] == USER_AGENT


def test_fetch_logs_each_attempt_without_query_strings_or_secrets(httpserver, caplog):
    httpserver.expect_oneshot_request("/data").respond_with_data("", status=503)
    httpserver.expect_request(
        "/data", query_string="api_key=s3cret", headers={"x-api-key": "hunter2"}
    ).respond_with_data("fine")
    caplog.set_level(logging.DEBUG, logger="ingest")

    outcome = quick_fetch(
        httpserver.url_for("/data?api_key=s3cret"), headers={"x-api-key": "hunter2"}
    )

    ours = [r for r in caplog.records if r.name.startswith("ingest")]
    text = "\n".join(r.getMessage() for r in ours)
    assert outcome.outcome == "ok"
    assert "s3cret" not in text
    assert "hunter2" not in text
    assert [r.levelname for r in ours] == ["DEBUG", "WARNING", "INFO"]
    assert (
        ours[-1]
        .getMessage()
        .startswith("fetched source=test-source status=200 bytes=4")
    )


def test_limiter_spaces_request_starts_on_one_host_by_the_minimum_interval():
    clock = FakeClock()
    limiter = HostLimiter(min_interval_s=0.5, clock=clock, sleep=clock.sleep)
    starts_s = []

    for _ in range(3):
        with limiter.slot("https://example.org/a"):
            starts_s.append(clock())

    assert starts_s == [100.0, 100.5, 101.0]
    assert all(wait_s >= 0.5 for wait_s in clock.sleeps)


def test_limiter_does_not_hold_back_another_host_or_a_request_already_late():
    clock = FakeClock()
    limiter = HostLimiter(min_interval_s=0.5, clock=clock, sleep=clock.sleep)

    with limiter.slot("https://example.org/a"):
        pass
    with limiter.slot("https://example.com/a"):
        pass
    clock.now_s += 2.0
    with limiter.slot("https://example.org/b"):
        pass

    assert clock.sleeps == []


def test_limiter_lets_no_more_than_max_concurrent_requests_into_one_host():
    limiter = HostLimiter(max_concurrent=2, min_interval_s=0.0)
    entered = threading.Semaphore(0)
    release = threading.Event()

    def hold_a_slot() -> None:
        with limiter.slot("https://example.org/a"):
            entered.release()
            release.wait(timeout=5)

    threads = [threading.Thread(target=hold_a_slot) for _ in range(3)]
    for thread in threads:
        thread.start()
    first_two_in = entered.acquire(timeout=5) and entered.acquire(timeout=5)
    third_in_early = entered.acquire(timeout=0.1)
    with limiter.slot("https://example.com/a"):
        other_host_in = True
    release.set()
    for thread in threads:
        thread.join(timeout=5)

    assert first_two_in
    assert not third_in_early
    assert other_host_in
    assert entered.acquire(timeout=5)
