"""The SQL that finds changes between two instants, set-based, one query per family.

Each query returns candidate rows with the same columns; `scoring.events` turns them
into events (materiality, summary, key). `$prev` and `$cur` bound the window
(`$prev` < change instant <= `$cur`); `$prev_pub` and `$cur_pub` are the publications
in force at each end (NULL when there is none).
"""

from __future__ import annotations

# A history row is opened in the window (valid_from) or closed in it (valid_to). For
# one key, the first row closed gives the value before and the last row opened the
# value after: both present is a change, only "after" an addition, only "before" a
# removal. A source's first load announces nothing: it had no rows before.
HISTORY_CHANGES = """
    WITH touched AS (
        SELECT {keys}, {columns}, {id} AS row_id, snapshot_sha256, valid_from, valid_to,
               source_id
        FROM {table}
        WHERE (valid_from > $prev AND valid_from <= $cur)
           OR (valid_to > $prev AND valid_to <= $cur)
    ),
    before AS (
        SELECT {keys}, source_id, arg_min(struct_pack({columns}), valid_from) AS v
        FROM touched WHERE valid_to > $prev AND valid_to <= $cur
          AND valid_from <= $prev
        GROUP BY ALL
    ),
    after AS (
        SELECT {keys}, source_id,
               arg_max(struct_pack({columns}, row_id, snapshot_sha256, valid_from),
                       valid_from) AS v
        FROM touched WHERE valid_from > $prev AND valid_from <= $cur
          AND (valid_to IS NULL OR valid_to > $cur)
        GROUP BY ALL
    ),
    seen_sources AS (
        SELECT DISTINCT source_id FROM {table} WHERE valid_from <= $prev
    )
    SELECT coalesce(a.source_id, b.source_id) AS source_id,
           {key_select}, b.v AS before, a.v AS after
    FROM after a FULL JOIN before b
      ON a.source_id = b.source_id AND {key_join}
    WHERE coalesce(a.source_id, b.source_id) IN (SELECT source_id FROM seen_sources)
"""

OVERALL_DIFF = """
    WITH prev AS (SELECT * FROM overall_scores
                  WHERE publication_id = $prev_pub AND lane = $lane),
         cur AS (SELECT * FROM overall_scores
                 WHERE publication_id = $cur_pub AND lane = $lane)
    SELECT coalesce(c.model_id, p.model_id) AS model_id,
           p.model_id IS NOT NULL AS was_present, c.model_id IS NOT NULL AS is_present,
           p.rank AS before_rank, c.rank AS after_rank,
           p.score AS before_score, c.score AS after_score
    FROM cur c FULL JOIN prev p USING (model_id)
"""

CATEGORY_LEADERS = """
    SELECT publication_id, category_id, model_id FROM category_scores
    WHERE publication_id IN ($prev_pub, $cur_pub) AND lane = $lane AND rank = 1
"""

CATEGORY_ELIGIBLE = """
    SELECT publication_id, category_id, model_id FROM category_scores
    WHERE publication_id IN ($prev_pub, $cur_pub) AND lane = $lane AND is_eligible
"""

# A counted value goes stale when its age passes its benchmark's max age inside the
# window; the value itself did not change.
STALE_VALUES = """
    SELECT o.model_id, o.benchmark_id, o.observation_id, o.snapshot_sha256,
           o.source_id, o.value,
           coalesce(o.reported_date, CAST(o.valid_from AS DATE))
               + to_days(mb.max_age_days) AS stale_at
    FROM observations o
    JOIN methodology_benchmarks mb
      ON mb.benchmark_id = o.benchmark_id AND mb.methodology_id = $methodology_id
    WHERE o.model_id IS NOT NULL AND mb.is_weighted
      AND o.valid_from <= $cur AND (o.valid_to IS NULL OR o.valid_to > $cur)
      AND coalesce(o.reported_date, CAST(o.valid_from AS DATE))
          + to_days(mb.max_age_days) > $prev
      AND coalesce(o.reported_date, CAST(o.valid_from AS DATE))
          + to_days(mb.max_age_days) <= $cur
      AND coalesce(o.reported_date, CAST(o.valid_from AS DATE))
          + to_days(mb.max_age_days) > o.valid_from
"""

# A source is failing when its last three fetches up to $cur all failed and the third
# failure in a row fell inside the window (so it is announced once).
FAILING_SOURCES = """
    WITH ranked AS (
        SELECT source_id, started_at, outcome, error_class,
               row_number() OVER (PARTITION BY source_id ORDER BY started_at DESC)
                   AS recency
        FROM (SELECT source_id, started_at, bool_and(outcome = 'failed') AS failed,
                     CASE WHEN bool_and(outcome = 'failed') THEN 'failed' ELSE 'ok' END
                         AS outcome,
                     any_value(error_class) AS error_class
              FROM fetches WHERE started_at <= $cur GROUP BY source_id, started_at)
    )
    SELECT source_id, max(started_at) AS failing_at,
           arg_max(error_class, started_at) AS error_class
    FROM ranked WHERE recency <= 4
    GROUP BY source_id
    HAVING count(*) FILTER (WHERE recency <= 3 AND outcome = 'failed') = 3
       AND coalesce(bool_or(recency = 4 AND outcome = 'failed'), false) = false
       AND max(started_at) > $prev
"""
