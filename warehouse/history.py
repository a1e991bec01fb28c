"""Observations and prices stored as history, one loaded snapshot at a time.

A snapshot of a source is its complete state. Loading it compares it with the rows of
that source that are current: a new row is written only when a value appears or
changes, and a row stops being current (`valid_to`) when its value changes or goes.
An unchanged snapshot writes nothing. Ids are deterministic, so loading the same
snapshot twice stores it once.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from warehouse.db import fetch_row
from warehouse.errors import WarehouseError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HistoryTable:
    """How one history table is keyed and which columns make a row different."""

    table: str
    id_column: str
    key_columns: tuple[str, ...]
    compared_columns: tuple[str, ...]
    schema: pa.Schema


OBSERVATIONS = HistoryTable(
    table="observations",
    id_column="observation_id",
    key_columns=("raw_model_name", "raw_benchmark_name", "raw_run_id"),
    compared_columns=(
        "model_id",
        "benchmark_id",
        "value",
        "value_text",
        "unit",
        "reported_date",
        "citation_url",
        "lane",
    ),
    schema=pa.schema(
        [
            ("snapshot_sha256", pa.string()),
            ("raw_model_name", pa.string()),
            ("raw_benchmark_name", pa.string()),
            ("raw_run_id", pa.string()),
            ("model_id", pa.string()),
            ("benchmark_id", pa.string()),
            ("value", pa.float64()),
            ("value_text", pa.string()),
            ("unit", pa.string()),
            ("reported_date", pa.date32()),
            ("citation_url", pa.string()),
            ("lane", pa.string()),
        ]
    ),
)

PRICES = HistoryTable(
    table="prices",
    id_column="price_id",
    key_columns=("raw_model_name", "provider", "effective_from_date"),
    compared_columns=(
        "model_id",
        "state",
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        "citation_url",
        "effective_to_date",
    ),
    schema=pa.schema(
        [
            ("snapshot_sha256", pa.string()),
            ("raw_model_name", pa.string()),
            ("provider", pa.string()),
            ("model_id", pa.string()),
            ("state", pa.string()),
            ("input_usd_per_mtok", pa.float64()),
            ("output_usd_per_mtok", pa.float64()),
            ("citation_url", pa.string()),
            ("effective_from_date", pa.date32()),
            ("effective_to_date", pa.date32()),
        ]
    ),
)


MODEL_FACTS = HistoryTable(
    table="model_facts",
    id_column="model_fact_id",
    key_columns=("raw_model_name", "provider"),
    compared_columns=(
        "model_id",
        "context_window_tokens",
        "max_output_tokens",
        "is_reasoning",
        "is_open_weights",
        "release_date",
        "deprecation_date",
    ),
    schema=pa.schema(
        [
            ("snapshot_sha256", pa.string()),
            ("raw_model_name", pa.string()),
            ("provider", pa.string()),
            ("model_id", pa.string()),
            ("context_window_tokens", pa.int64()),
            ("max_output_tokens", pa.int64()),
            ("is_reasoning", pa.bool_()),
            ("is_open_weights", pa.bool_()),
            ("release_date", pa.date32()),
            ("deprecation_date", pa.date32()),
        ]
    ),
)


@dataclass(frozen=True, slots=True)
class HistoryChange:
    """What loading one snapshot did to a history table."""

    added: int
    changed: int
    withdrawn: int
    unchanged: int


def insert_snapshot(
    con: duckdb.DuckDBPyConnection,
    sha256: str,
    source_id: str,
    byte_count: int,
    retrieved_at: datetime,
    path: str | None = None,
) -> bool:
    """Index a snapshot; return False when these bytes were already stored."""
    found = fetch_row(con, "SELECT 1 FROM snapshots WHERE sha256 = ?", [sha256])
    if found:
        return False
    con.execute(
        "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)",
        [sha256, source_id, byte_count, retrieved_at, path],
    )
    return True


def select_snapshot_sha256s(con: duckdb.DuckDBPyConnection, source_id: str) -> set[str]:
    """The sha256 of every snapshot indexed for a source."""
    rows = con.execute(
        "SELECT sha256 FROM snapshots WHERE source_id = ?", [source_id]
    ).fetchall()
    return {row[0] for row in rows}


def load_history(
    con: duckdb.DuckDBPyConnection,
    spec: HistoryTable,
    rows: list[dict[str, object]],
    *,
    source_id: str,
    snapshot_sha256: str,
    retrieved_at: datetime,
) -> HistoryChange:
    """Apply one complete snapshot of `source_id` to a history table.

    Run it inside a transaction: on any error nothing of the snapshot is kept.
    """
    _refuse_out_of_order(con, spec, source_id, retrieved_at)
    rows = [{"snapshot_sha256": snapshot_sha256, **row} for row in rows]
    staged = pa.Table.from_pylist(rows, schema=spec.schema)
    con.register("staged_rows", staged)
    try:
        con.execute(
            _STAGE_SQL.format(
                keys=", ".join(spec.key_columns),
                order=", ".join(spec.compared_columns),
            )
        )
        counts = _diff_counts(con, spec, source_id)
        _close_rows(con, spec, source_id, retrieved_at)
        _insert_rows(con, spec, source_id, snapshot_sha256, retrieved_at)
    finally:
        # After a failed statement the transaction is aborted and these would raise
        # too, hiding the real error; the caller's rollback drops the temp tables.
        with contextlib.suppress(duckdb.Error):
            con.unregister("staged_rows")
            con.execute("DROP TABLE IF EXISTS staged")
            con.execute("DROP TABLE IF EXISTS changed_keys")
    logger.info(
        "loaded history table=%s source=%s added=%d changed=%d withdrawn=%d unchanged=%d",
        spec.table,
        source_id,
        counts.added,
        counts.changed,
        counts.withdrawn,
        counts.unchanged,
    )
    return counts


_STAGE_SQL = """
    CREATE OR REPLACE TEMP TABLE staged AS
    SELECT * FROM staged_rows
    QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY {order}) = 1
"""


def _refuse_out_of_order(
    con: duckdb.DuckDBPyConnection, spec: HistoryTable, source_id: str, at: datetime
) -> None:
    latest = fetch_row(
        con,
        f"SELECT max(valid_from) FROM {spec.table} WHERE source_id = ?",
        [source_id],
    )[0]
    if latest is not None and latest > at:
        raise WarehouseError(
            f"source {source_id!r} already has history up to {latest.isoformat()}; a "
            f"snapshot retrieved at {at.isoformat()} is older and cannot be loaded "
            "as current; replay dates in order"
        )


def _join_condition(spec: HistoryTable, left: str = "c", right: str = "s") -> str:
    return " AND ".join(
        f"{left}.{k} IS NOT DISTINCT FROM {right}.{k}" for k in spec.key_columns
    )


def _differs(spec: HistoryTable) -> str:
    return " OR ".join(f"c.{k} IS DISTINCT FROM s.{k}" for k in spec.compared_columns)


def _diff_counts(
    con: duckdb.DuckDBPyConnection, spec: HistoryTable, source_id: str
) -> HistoryChange:
    keys = ", ".join(f"s.{k}" for k in spec.key_columns)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE changed_keys AS
        SELECT {keys}, c.{spec.id_column} IS NULL AS is_new
        FROM staged s
        LEFT JOIN (SELECT * FROM {spec.table}
                   WHERE source_id = $source_id AND valid_to IS NULL) c
          ON {_join_condition(spec)}
        WHERE c.{spec.id_column} IS NULL OR {_differs(spec)}
        """,
        {"source_id": source_id},
    )
    added, changed = fetch_row(
        con,
        "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new) "
        "FROM changed_keys",
    )
    withdrawn = fetch_row(
        con,
        f"""
        SELECT count(*) FROM {spec.table} c
        WHERE c.source_id = ? AND c.valid_to IS NULL
          AND NOT EXISTS (SELECT 1 FROM staged s WHERE {_join_condition(spec)})
        """,
        [source_id],
    )[0]
    total = fetch_row(con, "SELECT count(*) FROM staged")[0]
    return HistoryChange(added, changed, withdrawn, total - added - changed)


def _close_rows(
    con: duckdb.DuckDBPyConnection, spec: HistoryTable, source_id: str, at: datetime
) -> None:
    con.execute(
        f"""
        UPDATE {spec.table} AS c SET valid_to = $at
        WHERE c.source_id = $source_id AND c.valid_to IS NULL AND (
            NOT EXISTS (SELECT 1 FROM staged s WHERE {_join_condition(spec)})
            OR EXISTS (SELECT 1 FROM changed_keys s WHERE {_join_condition(spec)})
        )
        """,
        {"at": at, "source_id": source_id},
    )


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    spec: HistoryTable,
    source_id: str,
    snapshot_sha256: str,
    at: datetime,
) -> None:
    columns = [*spec.key_columns, *spec.compared_columns]
    key_text = " || '|' || ".join(
        f"coalesce(CAST(s.{k} AS TEXT), '')" for k in spec.key_columns
    )
    con.execute(
        f"""
        INSERT INTO {spec.table} BY NAME
        SELECT substr(sha256($source_id || '|' || {key_text} || '|' || CAST($at AS TEXT)),
                      1, 32) AS {spec.id_column},
               $source_id AS source_id, s.snapshot_sha256,
               {", ".join(f"s.{c}" for c in columns)},
               $at AS retrieved_at, $at AS valid_from, NULL AS valid_to
        FROM staged s
        SEMI JOIN changed_keys k ON {_join_condition(spec, "k", "s")}
        """,
        {"source_id": source_id, "at": at},
    )
