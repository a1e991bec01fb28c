"""Typed loads into the history tables: one snapshot's observations, prices, model
facts and runtime samples, the queue of unmatched names, and rewinding a source.

Built on `warehouse.history.load_history`; run each inside the load's transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime

import duckdb
import pyarrow as pa

from ingest.records import (
    ResolvedFact,
    ResolvedObservation,
    ResolvedPrice,
    RuntimeSample,
)
from warehouse.db import fetch_row, registered
from warehouse.history import (
    MODEL_FACTS,
    OBSERVATIONS,
    PRICES,
    HistoryChange,
    load_history,
)

logger = logging.getLogger(__name__)


def load_observations(
    con: duckdb.DuckDBPyConnection,
    resolved: list[ResolvedObservation],
    *,
    source_id: str,
    snapshot_sha256: str,
    retrieved_at: datetime,
) -> HistoryChange:
    """Apply one snapshot's resolved observations as history."""
    rows = [
        {
            "raw_model_name": r.observation.raw_model_name,
            "raw_benchmark_name": r.observation.raw_benchmark_name,
            "raw_run_id": r.observation.raw_run_id,
            "model_id": r.model_id,
            "benchmark_id": r.benchmark_id,
            "value": r.observation.value,
            "value_text": r.observation.value_text,
            "unit": r.observation.unit,
            "reported_date": r.observation.reported_date,
            "citation_url": r.observation.citation_url,
            "lane": r.lane,
            **({"snapshot_sha256": r.snapshot_sha256} if r.snapshot_sha256 else {}),
        }
        for r in resolved
    ]
    return load_history(
        con,
        OBSERVATIONS,
        rows,
        source_id=source_id,
        snapshot_sha256=snapshot_sha256,
        retrieved_at=retrieved_at,
    )


def load_prices(
    con: duckdb.DuckDBPyConnection,
    resolved: list[ResolvedPrice],
    *,
    source_id: str,
    snapshot_sha256: str,
    retrieved_at: datetime,
) -> HistoryChange:
    """Apply one snapshot's resolved price quotes as history."""
    rows = [
        {
            "raw_model_name": r.quote.raw_model_name,
            "provider": r.quote.provider,
            "model_id": r.model_id,
            "state": r.quote.state,
            "input_usd_per_mtok": r.quote.input_usd_per_mtok,
            "output_usd_per_mtok": r.quote.output_usd_per_mtok,
            "citation_url": r.quote.citation_url,
            "effective_from_date": r.quote.effective_from_date,
            "effective_to_date": r.quote.effective_to_date,
            **({"snapshot_sha256": r.snapshot_sha256} if r.snapshot_sha256 else {}),
        }
        for r in resolved
    ]
    return load_history(
        con,
        PRICES,
        rows,
        source_id=source_id,
        snapshot_sha256=snapshot_sha256,
        retrieved_at=retrieved_at,
    )


def upsert_unresolved(
    con: duckdb.DuckDBPyConnection,
    source_id: str,
    name_kind: str,
    raw_names: tuple[str, ...],
    at: datetime,
) -> None:
    """Queue names that matched nothing, for an operator to review."""
    if not raw_names:
        return
    names = pa.table({"raw_name": list(raw_names)})
    with registered(con, "names", names):
        con.execute(
            """
            INSERT INTO unresolved_names
            (source_id, name_kind, raw_name, first_seen_at, last_seen_at, seen_count)
            SELECT $source_id, $kind, raw_name, $at, $at, 1 FROM names
            ON CONFLICT (source_id, name_kind, raw_name) DO UPDATE
            SET last_seen_at = excluded.last_seen_at,
                seen_count = unresolved_names.seen_count + 1
            """,
            {"source_id": source_id, "kind": name_kind, "at": at},
        )
    logger.info(
        "queued unresolved names source=%s kind=%s count=%d",
        source_id,
        name_kind,
        len(raw_names),
    )


def load_facts(
    con: duckdb.DuckDBPyConnection,
    resolved: list[ResolvedFact],
    *,
    source_id: str,
    snapshot_sha256: str,
    retrieved_at: datetime,
) -> HistoryChange:
    """Apply one snapshot's model facts (context windows, flags, dates) as history."""
    rows = [
        {
            "raw_model_name": r.fact.raw_model_name,
            "provider": r.fact.provider,
            "model_id": r.model_id,
            "context_window_tokens": r.fact.context_window_tokens,
            "max_output_tokens": r.fact.max_output_tokens,
            "is_reasoning": r.fact.is_reasoning,
            "is_open_weights": r.fact.is_open_weights,
            "release_date": r.fact.release_date,
            "deprecation_date": r.fact.deprecation_date,
            **({"snapshot_sha256": r.snapshot_sha256} if r.snapshot_sha256 else {}),
        }
        for r in resolved
    ]
    return load_history(
        con,
        MODEL_FACTS,
        rows,
        source_id=source_id,
        snapshot_sha256=snapshot_sha256,
        retrieved_at=retrieved_at,
    )


def insert_runtime_samples(
    con: duckdb.DuckDBPyConnection,
    samples: list[tuple[RuntimeSample, str | None]],
    *,
    source_id: str,
    snapshot_sha256: str,
    retrieved_at: datetime,
) -> int:
    """Store runtime samples (sample, resolved model id); a sample is stored once."""
    if not samples:
        return 0
    staged = pa.Table.from_pylist(
        [
            {
                "raw_model_name": s.raw_model_name,
                "model_id": model_id,
                "metric": s.metric,
                "value": s.value,
                "measured_date": s.measured_date,
                "citation_url": s.citation_url,
            }
            for s, model_id in samples
        ],
        schema=pa.schema(
            [
                ("raw_model_name", pa.string()),
                ("model_id", pa.string()),
                ("metric", pa.string()),
                ("value", pa.float64()),
                ("measured_date", pa.date32()),
                ("citation_url", pa.string()),
            ]
        ),
    )
    with registered(con, "staged_samples", staged):
        con.execute(
            """
            INSERT INTO runtime_samples BY NAME
            SELECT substr(sha256($source || '|' || raw_model_name || '|' || metric || '|'
                                 || $snapshot), 1, 32) AS runtime_sample_id,
                   $source AS source_id, $snapshot AS snapshot_sha256, raw_model_name,
                   model_id, metric, value, measured_date, $at AS retrieved_at,
                   citation_url
            FROM staged_samples
            ON CONFLICT DO NOTHING
            """,
            {"source": source_id, "snapshot": snapshot_sha256, "at": retrieved_at},
        )
    return staged.num_rows


def rewind_history(
    con: duckdb.DuckDBPyConnection, source_id: str, since: datetime
) -> int:
    """Undo what loads of `source_id` at or after `since` did, before they are replayed.

    Rows that appeared since then are deleted and rows closed since then are open
    again, so replaying the same snapshots in order rebuilds the same history. Run it
    in the transaction that replays them. Returns the rows deleted.
    """
    deleted = 0
    for spec in (OBSERVATIONS, PRICES, MODEL_FACTS):
        deleted += fetch_row(
            con,
            f"SELECT count(*) FROM {spec.table} WHERE source_id = ? AND valid_from >= ?",
            [source_id, since],
        )[0]
        con.execute(
            f"DELETE FROM {spec.table} WHERE source_id = ? AND valid_from >= ?",
            [source_id, since],
        )
        con.execute(
            f"UPDATE {spec.table} SET valid_to = NULL "
            "WHERE source_id = ? AND valid_to >= ?",
            [source_id, since],
        )
    return deleted
