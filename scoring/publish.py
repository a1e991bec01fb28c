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

from scoring.values import RULES_SQL, is_fresh_sql, normalised_sql

# NOTE: the choice of one value per pair is already made (the `chosen_values`
# timeline), so the values are scanned once and grouped once by lane, model and
# category; every count and gate comes from that small table.
CATEGORY_SQL = f"""
    WITH rules AS (
        SELECT *, CAST(dense_rank() OVER (ORDER BY category_id) AS USMALLINT)
                      AS category_key
        FROM ({RULES_SQL})
    ),
    scored AS (
        SELECT c.is_verified, c.model_key, c.model_id, r.category_key, r.category_id,
               r.weight_pct, r.is_counted_benchmark,
               {normalised_sql("c.value")} AS normalised
        FROM chosen_values c JOIN rules r USING (benchmark_id)
        WHERE c.valid_from <= $as_of AND (c.valid_to IS NULL OR c.valid_to > $as_of)
          AND {is_fresh_sql("c.age_date")}
    ),
    -- NOTE: grouped by integer keys (lane flag, hash of the model id, category rank):
    -- four times faster than by the three strings. A 64-bit hash collision between
    -- two model ids would merge them; at a million models its odds are about 3e-8.
    category_rows AS (
        SELECT CASE WHEN is_verified THEN 'verified' ELSE 'provisional' END AS lane,
               any_value(model_id) AS model_id, any_value(category_id) AS category_id,
               count(*) AS value_count,
               count(*) FILTER (WHERE is_counted_benchmark) AS weighted_value_count,
               sum(weight_pct * normalised) FILTER (WHERE is_counted_benchmark)
                   / nullif(sum(weight_pct) FILTER (WHERE is_counted_benchmark), 0)
                   AS score
        FROM scored GROUP BY is_verified, model_key, category_key
    ),
    sizes AS (
        SELECT category_id, count(*) FILTER (WHERE is_weighted AND staleness = 'current')
               AS weighted_benchmark_count
        FROM methodology_benchmarks WHERE methodology_id = $methodology_id
        GROUP BY category_id
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
    SELECT * FROM gated
"""

# NOTE: ranked in a second statement over the small category table: in one statement
# DuckDB materialises the shared CTE with every scored value (measured 4x slower at
# 20,000 models), and ranking only the eligible rows, joined back, halves the window.
RANK_SQL = """
    SELECT g.*, CAST(r.rank AS INTEGER) AS rank
    FROM unranked_categories g LEFT JOIN (
        SELECT lane, category_id, model_id,
               rank() OVER (PARTITION BY lane, category_id
                            ORDER BY round(score, 1) DESC) AS rank
        FROM unranked_categories WHERE is_eligible
    ) r USING (lane, category_id, model_id)
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
    unranked = con.sql(
        CATEGORY_SQL,
        params={
            **params,
            "coverage_fraction": thresholds.category_min_coverage_fraction,
        },
    ).to_arrow_table()
    con.register("unranked_categories", unranked)
    try:
        category_rows = con.sql(RANK_SQL).to_arrow_table()
    finally:
        con.unregister("unranked_categories")

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
