"""Fetch attempts and source loads: what each run did with each source.

Every fetch is recorded whatever happened; source health (fresh, stale, expired) is
read from the last successful fetch against the source's max age.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from warehouse.db import fetch_row, select_rows

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """One fetch of one file of a source, as stored."""

    source_id: str
    url: str
    file_name: str | None
    started_at: datetime
    finished_at: datetime
    outcome: str
    status: int | None
    byte_count: int | None
    snapshot_sha256: str | None
    etag: str | None
    last_modified: str | None
    attempt_count: int
    error_class: str | None
    error_message: str | None
    is_retryable: bool | None


@dataclass(frozen=True, slots=True)
class SourceLoad:
    """What a run did with one source."""

    source_id: str
    loaded_at: datetime
    outcome: str  # loaded, unchanged, fetch_failed, parse_failed, skipped
    snapshot_sha256: str | None = None
    observation_count: int | None = None
    price_count: int | None = None
    unresolved_model_count: int | None = None
    parse_s: float | None = None
    message: str | None = None


def insert_fetch(con: duckdb.DuckDBPyConnection, record: FetchRecord) -> None:
    """Record one fetch; the id is derived from source, file and start time."""
    con.execute(
        "INSERT OR REPLACE INTO fetches VALUES (substr(sha256(? || '|' || coalesce(?, '') "
        "|| '|' || CAST(? AS TEXT)), 1, 32), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            record.source_id,
            record.file_name,
            record.started_at,
            record.source_id,
            record.url,
            record.file_name,
            record.started_at,
            record.finished_at,
            record.outcome,
            record.status,
            record.byte_count,
            record.snapshot_sha256,
            record.etag,
            record.last_modified,
            record.attempt_count,
            record.error_class,
            record.error_message,
            record.is_retryable,
        ],
    )


def insert_source_load(con: duckdb.DuckDBPyConnection, load: SourceLoad) -> None:
    """Record what a run did with a source (one row per source and run instant)."""
    con.execute(
        "INSERT OR REPLACE INTO source_loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load.source_id,
            load.loaded_at,
            load.outcome,
            load.snapshot_sha256,
            load.observation_count,
            load.price_count,
            load.unresolved_model_count,
            load.parse_s,
            load.message,
        ],
    )


def select_validators(
    con: duckdb.DuckDBPyConnection, source_id: str, url: str
) -> tuple[str | None, str | None, str | None]:
    """ETag, Last-Modified and snapshot sha256 of the last successful fetch of a URL."""
    row = fetch_row(
        con,
        "SELECT etag, last_modified, snapshot_sha256 FROM fetches "
        "WHERE source_id = ? AND url = ? AND outcome = 'ok' "
        "ORDER BY started_at DESC LIMIT 1",
        [source_id, url],
    )
    return row if row else (None, None, None)


def select_source_health(
    con: duckdb.DuckDBPyConnection, as_of: datetime
) -> list[dict[str, Any]]:
    """Per source: last attempt, last success, age against max age, last error."""
    return select_rows(
        con,
        """
        WITH attempts AS (
            SELECT source_id, max(started_at) AS last_attempt_at,
                   max(started_at) FILTER (WHERE outcome IN ('ok', 'not_modified'))
                       AS last_success_at,
                   arg_max(error_message, started_at) FILTER (WHERE outcome = 'failed')
                       AS last_error,
                   arg_max(outcome, started_at) AS last_outcome
            FROM fetches WHERE started_at <= $as_of GROUP BY source_id
        )
        SELECT s.source_id, s.name, s.kind, s.trust, s.max_age_days,
               a.last_attempt_at, a.last_success_at, a.last_outcome, a.last_error,
               date_diff('second', a.last_success_at, $as_of) / 86400.0 AS age_days,
               CASE WHEN a.last_success_at IS NULL THEN 'never'
                    WHEN date_diff('second', a.last_success_at, $as_of)
                         <= s.max_age_days * 86400 THEN 'fresh'
                    WHEN date_diff('second', a.last_success_at, $as_of)
                         <= 2 * s.max_age_days * 86400 THEN 'stale'
                    ELSE 'expired' END AS health
        FROM sources s LEFT JOIN attempts a USING (source_id)
        ORDER BY s.source_id
        """,
        {"as_of": as_of},
    )


def select_loaded_files(
    con: duckdb.DuckDBPyConnection, source_id: str, start: datetime, end: datetime
) -> list[tuple[datetime, list[tuple[str, str]]]]:
    """The snapshots a source loaded in [start, end], in order, with their files.

    Each entry is (loaded_at, [(file name, sha256), ...]) from the fetches of that run.
    """
    found = select_rows(
        con,
        """
        SELECT l.loaded_at, list((f.file_name, f.snapshot_sha256) ORDER BY f.file_name)
                                 AS files
        FROM source_loads l JOIN fetches f
          ON f.source_id = l.source_id AND f.started_at = l.loaded_at
         AND f.snapshot_sha256 IS NOT NULL
        WHERE l.source_id = $source AND l.outcome = 'loaded'
          AND l.loaded_at BETWEEN $start AND $end
        GROUP BY l.loaded_at ORDER BY l.loaded_at
        """,
        {"source": source_id, "start": start, "end": end},
    )
    return [
        (row["loaded_at"], [(name, sha256) for name, sha256 in row["files"]])
        for row in found
    ]


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """One HTTP attempt of a fetch, as stored."""

    attempt_number: int
    started_at: datetime
    finished_at: datetime
    status: int | None
    byte_count: int | None
    error_class: str | None
    error_message: str | None


def insert_attempts(
    con: duckdb.DuckDBPyConnection, record: FetchRecord, attempts: list[AttemptRow]
) -> None:
    """Record each attempt of a fetch; a rerun of the same fetch replaces them."""
    for a in attempts:
        con.execute(
            "INSERT OR REPLACE INTO fetch_attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                record.source_id,
                record.url,
                record.started_at,
                a.attempt_number,
                a.started_at,
                a.finished_at,
                a.status,
                a.byte_count,
                a.error_class,
                a.error_message,
            ],
        )
