"""The values that count in a publication: one per model and benchmark, as of an instant.

Observations are history; as of `as_of` each (model, benchmark) pair may have values
from several sources. The one that counts is chosen by lane (verified first), source
trust (curated, official, third party), the newer reported date, the newer retrieval,
then the source id, so the choice is deterministic. Each chosen value carries its
normalised 0-100 score and whether it is fresh. SQL only; connections come from callers.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

LANES = ("verified", "provisional")

# The candidate rows valid at $as_of, with the ordering key that picks one per pair.
CANDIDATES_SQL = """
    SELECT o.model_id, o.benchmark_id, o.observation_id,
           o.lane = 'verified' AS is_verified,
           struct_pack(
               lane_rank := CASE o.lane WHEN 'verified' THEN 1 ELSE 0 END,
               trust_rank := CASE s.trust WHEN 'curated' THEN 3
                                          WHEN 'official' THEN 2 ELSE 1 END,
               reported := coalesce(o.reported_date, DATE '0001-01-01'),
               retrieved := o.retrieved_at,
               source := o.source_id
           ) AS priority,
           struct_pack(
               observation_id := o.observation_id,
               value := o.value,
               age_date := coalesce(o.reported_date, CAST(o.valid_from AS DATE))
           ) AS pick
    FROM observations o
    LEFT JOIN sources s USING (source_id)
    WHERE o.model_id IS NOT NULL AND o.benchmark_id IS NOT NULL
      AND o.valid_from <= $as_of AND (o.valid_to IS NULL OR o.valid_to > $as_of)
      {model_filter}
"""

# One chosen value per (lane, model, benchmark), joined to its rule and normalised.
CHOSEN_SQL = f"""
    WITH rules AS (
        SELECT mb.benchmark_id, mb.category_id, mb.weight_pct,
               mb.is_weighted, mb.staleness,
               mb.is_weighted AND mb.staleness = 'current' AS is_counted_benchmark,
               mb.max_age_days, mb.normalise_low AS low, mb.normalise_high AS high,
               b.direction = 'lower' AS is_lower
        FROM methodology_benchmarks mb JOIN benchmarks b USING (benchmark_id)
        WHERE mb.methodology_id = $methodology_id
    ),
    chosen AS (
        SELECT model_id, benchmark_id,
               arg_max(pick, priority) AS provisional,
               arg_max(pick, priority) FILTER (WHERE is_verified) AS verified
        FROM ({CANDIDATES_SQL}) GROUP BY model_id, benchmark_id
    ),
    lanes AS (
        SELECT 'provisional' AS lane, model_id, benchmark_id, provisional AS pick
        FROM chosen
        UNION ALL
        SELECT 'verified', model_id, benchmark_id, verified FROM chosen
        WHERE verified IS NOT NULL
    )
    SELECT l.lane, l.model_id, l.benchmark_id, r.category_id, r.weight_pct,
           r.is_weighted, r.staleness, l.pick.observation_id AS observation_id,
           l.pick.value AS value, l.pick.age_date AS age_date,
           date_diff('day', l.pick.age_date, CAST($as_of AS DATE)) <= r.max_age_days
               AS is_fresh,
           greatest(0.0, least(100.0,
               CASE WHEN r.is_lower THEN r.high - l.pick.value
                    ELSE l.pick.value - r.low END / (r.high - r.low) * 100.0
           )) AS normalised,
           r.is_counted_benchmark
    FROM lanes l JOIN rules r USING (benchmark_id)
"""


def select_chosen_values(
    con: duckdb.DuckDBPyConnection,
    as_of: datetime,
    methodology_id: str,
    model_ids: list[str] | None = None,
) -> pa.Table:
    """The chosen value per lane, model and benchmark, with normalised score and flags."""
    model_filter = "AND o.model_id IN (SELECT unnest($model_ids))" if model_ids else ""
    sql = CHOSEN_SQL.replace("{model_filter}", model_filter)
    params: dict[str, object] = {"as_of": as_of, "methodology_id": methodology_id}
    if model_ids:
        params["model_ids"] = model_ids
    return con.sql(sql, params=params).to_arrow_table()
