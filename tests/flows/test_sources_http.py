"""Refreshing sources over HTTP from a real server on 127.0.0.1 that fails the way
servers fail: every outcome is recorded, and one source's failure stops no other.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from werkzeug import Request, Response

from flows.run import RefreshOptions, refresh_body
from ingest.fetch import FetchPolicy

POLICY = FetchPolicy(
    connect_timeout_s=2.0,
    read_timeout_s=0.3,
    max_attempts=2,
    backoff_base_s=0.01,
    backoff_max_s=0.05,
    retry_after_max_s=1.0,
    max_bytes=2_000_000,
)
DAY1 = datetime(2026, 12, 1, 2, tzinfo=UTC)
DAY2 = datetime(2026, 12, 2, 2, tzinfo=UTC)
SOURCES = {
    # source id: (format, shared file, path on the server)
    "prices-ok": ("litellm", "litellm/litellm-prices-2025-09-01.json", "/litellm.json"),
    "scores-429": ("lmarena", "lmarena/lmarena-text-2025-02-16.csv", "/arena.csv"),
    "broken-500": ("bfcl", "bfcl/bfcl-overall-2025-12-16.csv", "/bfcl.csv"),
    "slow": ("evalplus", "evalplus/evalplus-results-2024-06-18.json", "/evalplus.json"),
    "huge": ("swebench", "swebench/swebench-leaderboards-2025-11-25.json", "/swe.json"),
}


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    return "127.0.0.1", 0


def registry(path: Path, urls: dict[str, str], formats: dict[str, str]) -> Path:
    entries = [
        f'[[sources]]\nsource_id = "{sid}"\nname = "{sid}"\nkind = "scores"\n'
        f'trust = "third_party"\nformat = "{formats[sid]}"\nurl = "{url}"\n'
        f'mirror_file = "{sid}.dat"\n'
        for sid, url in urls.items()
    ]
    path.write_text("\n".join(entries))
    return path


def serve_shared_files(httpserver, shared: Path) -> None:
    calls = {"scores-429": 0}
    ok = (shared / SOURCES["prices-ok"][1]).read_bytes()

    def prices(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(ok, headers={"ETag": '"v1"'})

    def rate_limited(request: Request) -> Response:
        calls["scores-429"] += 1
        if calls["scores-429"] == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response((shared / SOURCES["scores-429"][1]).read_bytes())

    def late(request: Request) -> Response:
        time.sleep(0.6)
        return Response(b"{}")

    httpserver.expect_request("/litellm.json").respond_with_handler(prices)
    httpserver.expect_request("/arena.csv").respond_with_handler(rate_limited)
    httpserver.expect_request("/bfcl.csv").respond_with_data("boom", status=500)
    httpserver.expect_request("/evalplus.json").respond_with_handler(late)
    httpserver.expect_request("/swe.json").respond_with_data(
        (shared / SOURCES["huge"][1]).read_bytes()
    )


@pytest.fixture
def http_refresh(httpserver, shared_data, tmp_path, truncating_url):
    serve_shared_files(httpserver, shared_data)
    urls = {sid: httpserver.url_for(path) for sid, (_, _, path) in SOURCES.items()}
    urls["truncated"] = truncating_url
    formats = {sid: fmt for sid, (fmt, _, _) in SOURCES.items()} | {"truncated": "mmmu"}
    options = RefreshOptions(
        registry_path=str(registry(tmp_path / "sources.toml", urls, formats)),
        fetch_policy=POLICY,
    )
    db = tmp_path / "warehouse" / "leaderboard.duckdb"
    return db, options


def fetches(db: Path, at: datetime) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute(
            "SELECT source_id, outcome, status, attempt_count, error_class, is_retryable "
            "FROM fetches WHERE started_at = ?",
            [at],
        ).fetchall()
    return {row[0]: row[1:] for row in found}


def test_every_http_outcome_is_recorded_and_good_sources_still_load(http_refresh):
    db, options = http_refresh

    summary = refresh_body(str(db), DAY1, options)

    outcomes = {r["source_id"]: r["outcome"] for r in summary["sources"]}
    assert outcomes == {
        "prices-ok": "loaded",
        "scores-429": "loaded",
        "broken-500": "fetch_failed",
        "slow": "fetch_failed",
        "huge": "fetch_failed",
        "truncated": "fetch_failed",
    }
    recorded = fetches(db, DAY1)
    assert recorded["prices-ok"] == ("ok", 200, 1, None, False)
    assert recorded["scores-429"] == ("ok", 200, 2, None, False)
    assert recorded["broken-500"] == ("failed", 500, 2, "HTTPStatusError", True)
    assert recorded["slow"][0] == "failed" and recorded["slow"][3] == "ReadTimeout"
    assert recorded["slow"][4] is True
    assert recorded["huge"][0] == "failed" and recorded["huge"][3] == "ResponseTooLarge"
    assert recorded["huge"][4] is False
    assert recorded["truncated"][3] == "TruncatedBody"
    with duckdb.connect(str(db), read_only=True) as con:
        attempts = con.execute(
            "SELECT attempt_number, status, error_class FROM fetch_attempts "
            "WHERE source_id = 'scores-429' ORDER BY attempt_number"
        ).fetchall()
    assert attempts == [(1, 429, "HTTPStatusError"), (2, 200, None)]


def test_a_second_run_gets_a_304_and_skips_parse_and_load(http_refresh):
    db, options = http_refresh
    refresh_body(str(db), DAY1, options)

    summary = refresh_body(str(db), DAY2, options)

    outcomes = {r["source_id"]: r["outcome"] for r in summary["sources"]}
    assert outcomes["prices-ok"] == "unchanged"
    assert fetches(db, DAY2)["prices-ok"][:2] == ("not_modified", 304)
    with duckdb.connect(str(db), read_only=True) as con:
        current = con.execute(
            "SELECT count(*) FROM prices WHERE source_id = 'prices-ok' AND valid_to IS NULL"
        ).fetchall()[0][0]
    assert current == 1165
