"""Compute one publication: category scores, overall scores, eligibility, ranks.

The rules (see README, "Methodology"): a category score is the weighted mean of a
model's fresh values on the category's counted benchmarks, weights renormalised over
those present. A model is eligible in a category with values on at least the
methodology's share (default half) of its counted benchmarks. The overall score is the
mean of the eligible category scores weighted by category weight, renormalised over
those categories; the overall rank needs values on at least 8 benchmarks (weighted or
display-only) across at least 2 categories. Ranks tie at the one decimal shown.

Set-based SQL: the values are grouped once by model and category; every count and gate
is derived from that small table. The SQL runs on a connection it is handed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from scoring.values import (
    RULES_SQL,
    SOURCE_KEYS_SQL,
    is_fresh_sql,
    normalised_sql,
    picks_sql,
)

_PICKS = picks_sql(("value", "age_date")).replace("{model_filter}", "")


def _lane_sums(lane: str) -> str:
    """Counts and weighted sums of one lane's fresh picks, per model and category."""
    fresh = f"is_{lane}_fresh"
    counted = f"{fresh} AND is_counted_benchmark"
    return f"""
        count(*) FILTER (WHERE {fresh}) AS {lane}_value_count,
        count(*) FILTER (WHERE {counted}) AS {lane}_weighted_value_count,
        sum(weight_pct * {lane}_normalised) FILTER (WHERE {counted})
            / nullif(sum(weight_pct) FILTER (WHERE {counted}), 0) AS {lane}_score"""


def _lane_rows(lane: str) -> str:
    return f"""
        SELECT '{lane}' AS lane, model_id, category_id, {lane}_score AS score,
               {lane}_value_count AS value_count,
               {lane}_weighted_value_count AS weighted_value_count
        FROM per_category WHERE {lane}_value_count > 0"""


# NOTE: both lanes come out of one pass: each (model, benchmark) pick row carries its
# provisional and verified choice side by side, and the grouping by model and category
# sums each lane under its own filter, so the picks are never duplicated per lane.
CATEGORY_SQL = f"""
    WITH rules AS ({RULES_SQL}), source_keys AS ({SOURCE_KEYS_SQL}),
    picks AS ({_PICKS}),
    scored AS (
        SELECT p.model_id, r.category_id, r.weight_pct, r.is_counted_benchmark,
               {is_fresh_sql("p.provisional_age_date")} AS is_provisional_fresh,
               {normalised_sql("p.provisional_value")} AS provisional_normalised,
               p.has_verified AND {is_fresh_sql("p.verified_age_date")}
                   AS is_verified_fresh,
               {normalised_sql("p.verified_value")} AS verified_normalised
        FROM picks p JOIN rules r USING (benchmark_id)
    ),
    per_category AS (
        SELECT model_id, category_id, {_lane_sums("provisional")}, {_lane_sums("verified")}
        FROM scored GROUP BY model_id, category_id
    ),
    sizes AS (
        SELECT category_id, count(*) FILTER (WHERE is_weighted AND staleness = 'current')
               AS weighted_benchmark_count
        FROM methodology_benchmarks WHERE methodology_id = $methodology_id
        GROUP BY category_id
    ),
    category_rows AS (
        {_lane_rows("provisional")}
        UNION ALL
        {_lane_rows("verified")}
    ),
    gated AS (
        SELECT c.lane, c.model_id, c.category_id, c.score,
               CAST(c.value_count AS INTEGER) AS value_count,
               CAST(c.weighted_value_count AS INTEGER) AS weighted_value_count,
               CAST(s.weighted_benchmark_count AS INTEGER) AS weighted_benchmark_count,
               c.weighted_value_count > 0
                   AND c.weighted_value_count
                       >= $coverage_fraction * s.weighted_benchmark_count
                   AS is_eligible
        FROM category_rows c JOIN sizes s USING (category_id)
    )
    SELECT *,
           CASE WHEN is_eligible THEN CAST(rank() OVER (
               PARTITION BY lane, category_id, is_eligible
               ORDER BY round(score, 1) DESC) AS INTEGER) END AS rank
    FROM gated
    ORDER BY lane, category_id, model_id
"""

OVERALL_SQL = """
    WITH weights AS (
        SELECT category_id, weight_pct FROM methodology_categories
        WHERE methodology_id = $methodology_id
    ),
    per_model AS (
        SELECT c.lane, c.model_id,
               CAST(sum(c.value_count) AS INTEGER) AS value_count,
               CAST(count(*) AS INTEGER) AS category_count,
               CAST(count(*) FILTER (WHERE c.is_eligible) AS INTEGER)
                   AS eligible_category_count,
               sum(w.weight_pct * c.score) FILTER (WHERE c.is_eligible)
                   / nullif(sum(w.weight_pct) FILTER (WHERE c.is_eligible), 0) AS score
        FROM category_rows c JOIN weights w USING (category_id)
        GROUP BY c.lane, c.model_id
    ),
    gated AS (
        SELECT *, score IS NOT NULL
                  AND value_count >= $min_benchmark_count
                  AND category_count >= $min_category_count AS is_ranked
        FROM per_model
    )
    SELECT lane, model_id, score,
           CASE WHEN is_ranked THEN CAST(rank() OVER (
               PARTITION BY lane, is_ranked ORDER BY round(score, 1) DESC)
               AS INTEGER) END AS rank,
           is_ranked, value_count, category_count, eligible_category_count,
           coalesce((
               SELECT arg_max(t.tier, t.min_benchmark_count) FROM confidence_tiers t
               WHERE t.methodology_id = $methodology_id
                 AND g.category_count >= t.min_category_count
                 AND g.value_count >= t.min_benchmark_count
           ), 'Low') AS confidence
    FROM gated g
    ORDER BY lane, model_id
"""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The gates of a methodology version, read from the warehouse."""

    category_min_coverage_fraction: float
    overall_min_benchmark_count: int
    overall_min_category_count: int


@dataclass(frozen=True, slots=True)
class ComputedPublication:
    """The rows of one publication before it is stored."""

    as_of: datetime
    methodology_id: str
    category_scores: pa.Table
    overall_scores: pa.Table
    content_hash: str


def compute_publication(
    con: duckdb.DuckDBPyConnection,
    as_of: datetime,
    methodology_id: str,
    thresholds: Thresholds,
) -> ComputedPublication:
    """Score every model in both lanes as of `as_of` under one methodology version."""
    params = {"as_of": as_of, "methodology_id": methodology_id}
    category_rows = con.sql(
        CATEGORY_SQL,
        params={
            **params,
            "coverage_fraction": thresholds.category_min_coverage_fraction,
        },
    ).to_arrow_table()

    con.register("category_rows", category_rows)
    try:
        overall = con.sql(
            OVERALL_SQL,
            params={
                "methodology_id": methodology_id,
                "min_benchmark_count": thresholds.overall_min_benchmark_count,
                "min_category_count": thresholds.overall_min_category_count,
            },
        ).to_arrow_table()
        content_hash = _content_hash(con, category_rows, overall)
    finally:
        con.unregister("category_rows")
    return ComputedPublication(
        as_of=as_of,
        methodology_id=methodology_id,
        category_scores=category_rows,
        overall_scores=overall,
        content_hash=content_hash,
    )


def _content_hash(
    con: duckdb.DuckDBPyConnection, category_scores: pa.Table, overall_scores: pa.Table
) -> str:
    """An order-free hash of the rows (scores rounded to 6 decimals).

    Two publications with the same hash hold the same rows; it decides whether a
    refresh changed anything, never stands in for a cryptographic digest.
    """
    con.register("hash_categories", category_scores)
    con.register("hash_overall", overall_scores)
    try:
        row = con.execute(
            """
            SELECT (SELECT bit_xor(hash(lane, model_id, category_id, round(score, 6),
                                        value_count, weighted_value_count, is_eligible,
                                        rank)) FROM hash_categories),
                   (SELECT bit_xor(hash(lane, model_id, round(score, 6), rank,
                                        is_ranked, value_count, category_count,
                                        confidence)) FROM hash_overall)
            """
        ).fetchall()[0]
    finally:
        con.unregister("hash_categories")
        con.unregister("hash_overall")
    return f"{row[0] or 0:016x}{row[1] or 0:016x}"
