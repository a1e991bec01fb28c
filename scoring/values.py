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

# The benchmarks of one methodology version with what scoring needs of each.
RULES_SQL = """
    SELECT mb.benchmark_id, mb.category_id, mb.weight_pct, mb.is_weighted,
           mb.staleness, mb.is_weighted AND mb.staleness = 'current'
               AS is_counted_benchmark,
           mb.max_age_days, mb.normalise_low AS low, mb.normalise_high AS high,
           coalesce(mb.direction, b.direction) = 'lower' AS is_lower
    FROM methodology_benchmarks mb JOIN benchmarks b USING (benchmark_id)
    WHERE mb.methodology_id = $methodology_id
"""

# Each source with observations, its trust rank and its place in source-id order.
# Sources missing from the registry rank as third party, as the priority says.
SOURCE_KEYS_SQL = """
    SELECT o.source_id,
           CASE s.trust WHEN 'curated' THEN 3 WHEN 'official' THEN 2 ELSE 1 END
               AS trust_rank,
           row_number() OVER (ORDER BY o.source_id) AS source_rank
    FROM (SELECT DISTINCT source_id FROM observations) o
    LEFT JOIN sources s USING (source_id)
"""

# NOTE: the priority is (lane, trust, reported date, retrieval, source id), compared in
# that order, packed into one HUGEINT: lane above trust above the reported day (shifted
# to be non-negative; a missing date ranks as 0001-01-01) in the top 35 bits, then the
# retrieval instant in microseconds (shifted likewise) in 64 bits, then the source's
# rank in source-id order in 20 bits. One integer compares the same as the five keys,
# and `arg_max` over it costs a third of a struct holding a string (measured in
# benchmarks/publication_bench.py). It assumes fewer than 2**20 distinct sources.
_PRIORITY = """
    ((CAST(CASE WHEN o.lane = 'verified' THEN 17179869184 ELSE 0 END
            + k.trust_rank * 4294967296
            + date_diff('day', DATE '1970-01-01',
                        coalesce(o.reported_date, DATE '0001-01-01'))
            + 2147483648 AS HUGEINT) * 18446744073709551616
      + (epoch_us(o.retrieved_at) + 9223372036854775808)) * 1048576
     + k.source_rank)
"""

# Every candidate row of the pairs in `touched_pairs` (all pairs when unfiltered).
CANDIDATES_SQL = f"""
    SELECT o.model_id, o.benchmark_id, o.observation_id, o.value,
           coalesce(o.reported_date, CAST(o.valid_from AS DATE)) AS age_date,
           o.lane = 'verified' AS is_verified, {_PRIORITY} AS priority,
           o.valid_from, o.valid_to
    FROM observations o JOIN source_keys k USING (source_id)
    WHERE o.model_id IS NOT NULL AND o.benchmark_id IS NOT NULL
      {{pair_filter}}
"""

# The chosen value of each pair and lane over time. The choice can change only where
# some candidate starts or stops being current, so it is made at each such instant
# and lasts until the pair's next one. Ties in priority go to the higher value (a
# source's best run or mode), then the larger observation id, so the choice is
# deterministic.
TIMELINE_SQL = f"""
    WITH source_keys AS ({SOURCE_KEYS_SQL}),
    candidates AS ({CANDIDATES_SQL}),
    points AS (
        SELECT model_id, benchmark_id, valid_from AS t FROM candidates
        UNION
        SELECT model_id, benchmark_id, valid_to FROM candidates
        WHERE valid_to IS NOT NULL
    ),
    spans AS (
        SELECT model_id, benchmark_id, t,
               lead(t) OVER (PARTITION BY model_id, benchmark_id ORDER BY t) AS t_next
        FROM points
    ),
    picked AS (
        SELECT l.lane, s.model_id, s.benchmark_id, s.t, s.t_next, c.observation_id,
               c.value, c.age_date
        FROM spans s
        JOIN candidates c
          ON c.model_id = s.model_id AND c.benchmark_id = s.benchmark_id
         AND c.valid_from <= s.t AND (c.valid_to IS NULL OR c.valid_to > s.t)
        JOIN (VALUES ('provisional'), ('verified')) l(lane)
          ON l.lane = 'provisional' OR c.is_verified
        QUALIFY row_number() OVER (
            PARTITION BY l.lane, s.model_id, s.benchmark_id, s.t
            ORDER BY c.priority DESC, c.value DESC, c.observation_id DESC) = 1
    )
    SELECT lane, model_id, benchmark_id, observation_id, value, age_date,
           t AS valid_from, t_next AS valid_to, lane = 'verified' AS is_verified,
           hash(model_id) AS model_key
    FROM picked
    ORDER BY model_id, benchmark_id, lane, valid_from
"""

_PAIR_FILTER = """AND EXISTS (SELECT 1 FROM touched_pairs p
                    WHERE p.model_id = o.model_id AND p.benchmark_id = o.benchmark_id)"""


def compute_chosen_timeline(
    con: duckdb.DuckDBPyConnection, pairs: pa.Table | None = None
) -> pa.Table:
    """The chosen-value timeline of the given (model_id, benchmark_id) pairs, or all.

    The warehouse stores it as `chosen_values`; publications read it.
    """
    if pairs is None:
        return con.sql(TIMELINE_SQL.replace("{pair_filter}", "")).to_arrow_table()
    con.register("touched_pairs", pairs)
    try:
        sql = TIMELINE_SQL.replace("{pair_filter}", _PAIR_FILTER)
        return con.sql(sql).to_arrow_table()
    finally:
        con.unregister("touched_pairs")


def normalised_sql(value: str) -> str:
    """The 0-100 score of `value` under the joined rule `r`, clipped."""
    return f"""greatest(0.0, least(100.0,
        CASE WHEN r.is_lower THEN r.high - {value}
             ELSE {value} - r.low END / (r.high - r.low) * 100.0))"""


def is_fresh_sql(age_date: str) -> str:
    """Whether a value dated `age_date` is within the rule's maximum age at $as_of."""
    return f"date_diff('day', {age_date}, CAST($as_of AS DATE)) <= r.max_age_days"


# One chosen value per (lane, model, benchmark) as of $as_of, with its rule, score
# and freshness: one row per pair read from the timeline, no choosing left to do.
CHOSEN_SQL = f"""
    WITH rules AS ({RULES_SQL})
    SELECT c.lane, c.model_id, c.benchmark_id, r.category_id, r.weight_pct,
           r.is_weighted, r.staleness, c.observation_id, c.value, c.age_date,
           {is_fresh_sql("c.age_date")} AS is_fresh,
           {normalised_sql("c.value")} AS normalised,
           r.is_counted_benchmark
    FROM chosen_values c JOIN rules r USING (benchmark_id)
    WHERE c.valid_from <= $as_of AND (c.valid_to IS NULL OR c.valid_to > $as_of)
      {{model_filter}}
"""


def select_chosen_values(
    con: duckdb.DuckDBPyConnection,
    as_of: datetime,
    methodology_id: str,
    model_ids: list[str] | None = None,
) -> pa.Table:
    """The chosen value per lane, model and benchmark, with normalised score and flags."""
    model_filter = "AND list_contains($model_ids, c.model_id)" if model_ids else ""
    sql = CHOSEN_SQL.replace("{model_filter}", model_filter)
    params: dict[str, object] = {"as_of": as_of, "methodology_id": methodology_id}
    if model_ids:
        params["model_ids"] = model_ids
    return con.sql(sql, params=params).to_arrow_table()
