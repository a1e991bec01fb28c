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

# The benchmarks of one methodology version with what scoring needs of each.
RULES_SQL = """
    SELECT mb.benchmark_id, mb.category_id, mb.weight_pct, mb.is_weighted,
           mb.staleness, mb.is_weighted AND mb.staleness = 'current'
               AS is_counted_benchmark,
           mb.max_age_days, mb.normalise_low AS low, mb.normalise_high AS high,
           b.direction = 'lower' AS is_lower
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

# The candidate rows valid at $as_of, with the ordering key that picks one per pair.
CANDIDATES_SQL = f"""
    SELECT o.model_id, o.benchmark_id, o.observation_id, o.value,
           coalesce(o.reported_date, CAST(o.valid_from AS DATE)) AS age_date,
           o.lane = 'verified' AS is_verified, {_PRIORITY} AS priority
    FROM observations o JOIN source_keys k USING (source_id)
    WHERE o.model_id IS NOT NULL AND o.benchmark_id IS NOT NULL
      AND o.valid_from <= $as_of AND (o.valid_to IS NULL OR o.valid_to > $as_of)
      {{model_filter}}
"""


def picks_sql(fields: tuple[str, ...]) -> str:
    """One pick per (model, benchmark) and lane: `<lane>_<field>` for each field.

    The provisional lane takes any value, the verified lane only verified ones (NULL
    when there is none). NOTE: one `arg_max` per field over the same priority picks
    the same row for each, and is several times faster than one `arg_max` of a struct,
    which DuckDB compares through generic sort keys.
    """
    columns = []
    for field in fields:
        columns += [
            f"arg_max({field}, priority) AS provisional_{field}",
            f"arg_max({field}, priority) FILTER (WHERE is_verified) AS verified_{field}",
        ]
    return f"""
        SELECT model_id, benchmark_id, {", ".join(columns)},
               bool_or(is_verified) AS has_verified
        FROM ({CANDIDATES_SQL}) GROUP BY model_id, benchmark_id
    """


def normalised_sql(value: str) -> str:
    """The 0-100 score of `value` under the joined rule `r`, clipped."""
    return f"""greatest(0.0, least(100.0,
        CASE WHEN r.is_lower THEN r.high - {value}
             ELSE {value} - r.low END / (r.high - r.low) * 100.0))"""


def is_fresh_sql(age_date: str) -> str:
    """Whether a value dated `age_date` is within the rule's maximum age at $as_of."""
    return f"date_diff('day', {age_date}, CAST($as_of AS DATE)) <= r.max_age_days"


def _lane_sql(lane: str) -> str:
    return f"""
        SELECT '{lane}' AS lane, p.model_id, p.benchmark_id, r.category_id,
               r.weight_pct, r.is_weighted, r.staleness,
               p.{lane}_observation_id AS observation_id, p.{lane}_value AS value,
               p.{lane}_age_date AS age_date,
               {is_fresh_sql(f"p.{lane}_age_date")} AS is_fresh,
               {normalised_sql(f"p.{lane}_value")} AS normalised,
               r.is_counted_benchmark
        FROM picks p JOIN rules r USING (benchmark_id)"""


# One chosen value per (lane, model, benchmark), joined to its rule and normalised.
CHOSEN_SQL = f"""
    WITH rules AS ({RULES_SQL}), source_keys AS ({SOURCE_KEYS_SQL}),
    picks AS ({picks_sql(("observation_id", "value", "age_date"))})
    {_lane_sql("provisional")}
    UNION ALL
    {_lane_sql("verified")} WHERE p.has_verified
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
