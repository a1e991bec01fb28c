"""Store and read change events, and how far detection has got.

Events are inserted with their deterministic ids and `ON CONFLICT DO NOTHING`, so a
rerun after a crash, or a backfill over days already seen, adds nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.db import fetch_row, registered, select_rows

logger = logging.getLogger(__name__)

_COLUMNS = (
    ("event_id", pa.string()),
    ("event_type", pa.string()),
    ("model_id", pa.string()),
    ("other_model_id", pa.string()),
    ("benchmark_id", pa.string()),
    ("category_id", pa.string()),
    ("source_id", pa.string()),
    ("raw_name", pa.string()),
    ("provider", pa.string()),
    ("lane", pa.string()),
    ("before_value", pa.float64()),
    ("after_value", pa.float64()),
    ("before_text", pa.string()),
    ("after_text", pa.string()),
    ("cause_kind", pa.string()),
    ("cause_id", pa.string()),
    ("cause_snapshot_sha256", pa.string()),
    ("materiality", pa.string()),
    ("summary", pa.string()),
    ("effective_at", pa.timestamp("us", tz="UTC")),
    ("detected_at", pa.timestamp("us", tz="UTC")),
    ("publication_id", pa.string()),
    ("previous_publication_id", pa.string()),
    ("is_backfill", pa.bool_()),
)
MATERIALITY = ("routine", "notable", "major")


def insert_events(con: duckdb.DuckDBPyConnection, events: list[dict[str, Any]]) -> int:
    """Store events not stored before; return how many were new."""
    if not events:
        return 0
    schema = pa.schema(list(_COLUMNS))
    table = pa.Table.from_pylist(
        [{name: event.get(name) for name in schema.names} for event in events],
        schema=schema,
    )
    before = fetch_row(con, "SELECT count(*) FROM change_events")[0]
    with registered(con, "staged_events", table):
        con.execute(
            "INSERT INTO change_events BY NAME SELECT * FROM staged_events "
            "ON CONFLICT (event_id) DO NOTHING"
        )
    added = fetch_row(con, "SELECT count(*) FROM change_events")[0] - before
    logger.info("stored events new=%d seen=%d", added, len(events) - added)
    return added


def select_detected_until(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The instant live detection has reached, or None before the first run."""
    return fetch_row(con, "SELECT max(until_at) FROM event_runs WHERE NOT is_backfill")[
        0
    ]


def insert_event_run(
    con: duckdb.DuckDBPyConnection,
    until: datetime,
    detected_at: datetime,
    count: int,
    is_backfill: bool,
) -> None:
    """Record that detection covered everything up to `until`."""
    con.execute(
        "INSERT OR REPLACE INTO event_runs VALUES (?, ?, ?, ?)",
        [until, detected_at, count, is_backfill],
    )


def select_events(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    event_types: tuple[str, ...] = (),
    min_materiality: str = "routine",
    include_backfill: bool = True,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Events by effective instant, newest first, filtered."""
    levels = list(MATERIALITY[MATERIALITY.index(min_materiality) :])
    sql = """
        SELECT * FROM change_events
        WHERE ($since IS NULL OR effective_at >= $since)
          AND ($until IS NULL OR effective_at <= $until)
          AND (len($types) = 0 OR list_contains($types, event_type))
          AND list_contains($levels, materiality)
          AND ($backfill OR NOT is_backfill)
        ORDER BY effective_at DESC, event_type, event_id
    """
    if limit:
        sql += f" LIMIT {int(limit)}"
    return select_rows(
        con,
        sql,
        {
            "since": since,
            "until": until,
            "types": list(event_types),
            "levels": levels,
            "backfill": include_backfill,
        },
    )
