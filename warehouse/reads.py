"""Reads for the commands: models by name, prices as of an instant, reference rows.

Names are matched case-insensitively through the alias table; an unknown name raises
`NotFoundError` listing close matches.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime
from typing import Any

import duckdb

from ingest.names import name_key, resolve_name
from warehouse.db import select_rows
from warehouse.errors import NotFoundError
from warehouse.reference import select_model_aliases


def select_model_by_name(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any]:
    """The model a name, id or alias refers to; NotFoundError with suggestions if none."""
    resolved = resolve_name(name, select_model_aliases(con)).resolved_id
    if resolved is None:
        raise NotFoundError(
            f"no model named {name!r}{_suggestions(con, name)}; "
            "`leaderboard show` lists the models"
        )
    return select_rows(con, "SELECT * FROM models WHERE model_id = ?", [resolved])[0]


def _suggestions(con: duckdb.DuckDBPyConnection, name: str) -> str:
    names = [row[0] for row in con.execute("SELECT name FROM models").fetchall()]
    by_key = {name_key(n): n for n in names}
    close = difflib.get_close_matches(name_key(name), list(by_key), n=3, cutoff=0.5)
    if not close:
        return ""
    return "; did you mean " + ", ".join(repr(by_key[key]) for key in close) + "?"


def select_categories(
    con: duckdb.DuckDBPyConnection, methodology_id: str
) -> list[dict[str, Any]]:
    """The methodology's categories, heaviest first."""
    return select_rows(
        con,
        "SELECT category_id, name, weight_pct FROM methodology_categories "
        "WHERE methodology_id = ? ORDER BY weight_pct DESC, category_id",
        [methodology_id],
    )


def select_category_id(
    con: duckdb.DuckDBPyConnection, methodology_id: str, name: str
) -> str:
    """A category id from its id or name, case-insensitively."""
    categories = select_categories(con, methodology_id)
    for row in categories:
        if name_key(name) in (name_key(row["category_id"]), name_key(row["name"])):
            return row["category_id"]
    known = ", ".join(row["category_id"] for row in categories)
    raise NotFoundError(f"no category named {name!r}; use one of: {known}")


def select_benchmark_rules(
    con: duckdb.DuckDBPyConnection, methodology_id: str
) -> dict[str, dict[str, Any]]:
    """Benchmark id to its name, unit and rule in one methodology version."""
    rows = select_rows(
        con,
        "SELECT mb.* EXCLUDE (direction), b.name, b.unit, "
        "coalesce(mb.direction, b.direction) AS direction FROM methodology_benchmarks mb "
        "JOIN benchmarks b USING (benchmark_id) WHERE mb.methodology_id = ?",
        [methodology_id],
    )
    return {row["benchmark_id"]: row for row in rows}


def select_prices_as_of(
    con: duckdb.DuckDBPyConnection, as_of: datetime, model_ids: list[str]
) -> dict[str, dict[str, Any]]:
    """One price per model as of `as_of`: curated first, then official, then newest.

    A price older than its source's max age is not returned, so it shows as unknown.
    """
    rows = select_rows(
        con,
        """
        SELECT p.model_id, p.state, p.input_usd_per_mtok, p.output_usd_per_mtok,
               p.source_id, p.snapshot_sha256, p.citation_url, p.valid_from
        FROM prices p LEFT JOIN sources s USING (source_id)
        WHERE list_contains($models, p.model_id)
          AND p.valid_from <= $as_of AND (p.valid_to IS NULL OR p.valid_to > $as_of)
          AND (p.effective_from_date IS NULL OR p.effective_from_date <= $as_of)
          AND (p.effective_to_date IS NULL OR p.effective_to_date > $as_of)
          -- A price counts while its source vouched for it within the source's max
          -- age: it changed then, or a fetch then still found it.
          AND (p.valid_from >= $as_of - to_days(s.max_age_days)
               OR EXISTS (SELECT 1 FROM fetches f
                          WHERE f.source_id = p.source_id
                            AND f.outcome IN ('ok', 'not_modified')
                            AND f.started_at <= $as_of
                            AND f.started_at >= $as_of - to_days(s.max_age_days)))
        QUALIFY row_number() OVER (
            PARTITION BY p.model_id
            ORDER BY CASE s.trust WHEN 'curated' THEN 3 WHEN 'official' THEN 2 ELSE 1 END
                     DESC, p.valid_from DESC, p.source_id, p.price_id) = 1
        """,
        {"models": model_ids, "as_of": as_of},
    )
    return {row["model_id"]: row for row in rows}


def select_unresolved_benchmarks(
    con: duckdb.DuckDBPyConnection, model_id: str, as_of: datetime
) -> list[dict[str, Any]]:
    """This model's values whose benchmark name matched nothing, as of `as_of`."""
    return select_rows(
        con,
        """
        SELECT source_id, raw_benchmark_name, value_text FROM observations
        WHERE model_id = $model AND benchmark_id IS NULL
          AND valid_from <= $as_of AND (valid_to IS NULL OR valid_to > $as_of)
        ORDER BY source_id, raw_benchmark_name
        """,
        {"model": model_id, "as_of": as_of},
    )


def select_runtime_as_of(
    con: duckdb.DuckDBPyConnection, as_of: datetime, model_id: str
) -> dict[str, float]:
    """The newest runtime value per metric retrieved within its source's max age."""
    rows = select_rows(
        con,
        """
        SELECT r.metric, arg_max(r.value, r.retrieved_at) AS value
        FROM runtime_samples r JOIN sources s USING (source_id)
        WHERE r.model_id = $model AND r.retrieved_at <= $as_of
          AND r.retrieved_at > $as_of - to_days(s.max_age_days)
        GROUP BY r.metric
        """,
        {"model": model_id, "as_of": as_of},
    )
    return {row["metric"]: row["value"] for row in rows}


def select_other_values(
    con: duckdb.DuckDBPyConnection,
    as_of: datetime,
    model_id: str,
    chosen_ids: list[str],
) -> dict[str, list[dict[str, Any]]]:
    """Per benchmark, the values other sources give that the choice passed over."""
    rows = select_rows(
        con,
        """
        SELECT benchmark_id, source_id, value, raw_model_name FROM observations
        WHERE model_id = $model AND benchmark_id IS NOT NULL
          AND valid_from <= $as_of AND (valid_to IS NULL OR valid_to > $as_of)
          AND NOT list_contains($chosen, observation_id)
        ORDER BY benchmark_id, source_id, value DESC
        """,
        {"model": model_id, "as_of": as_of, "chosen": chosen_ids},
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["benchmark_id"], []).append(row)
    return found


_CHANGE_DAYS_SQL = """
    WITH instants AS (
        SELECT valid_from AS instant FROM observations
        UNION ALL SELECT valid_to FROM observations WHERE valid_to IS NOT NULL
        UNION ALL SELECT valid_from FROM prices
        UNION ALL SELECT valid_to FROM prices WHERE valid_to IS NOT NULL
        UNION ALL SELECT valid_from FROM model_facts
        UNION ALL SELECT valid_to FROM model_facts WHERE valid_to IS NOT NULL
        UNION ALL SELECT effective_from FROM methodologies
        UNION ALL SELECT started_at FROM fetches WHERE outcome = 'failed'
        UNION ALL
        SELECT CAST(coalesce(o.reported_date, CAST(o.valid_from AS DATE))
                    + to_days(mb.max_age_days) AS TIMESTAMPTZ)
        FROM observations o JOIN methodology_benchmarks mb USING (benchmark_id)
        WHERE coalesce(o.reported_date, CAST(o.valid_from AS DATE))
              + to_days(mb.max_age_days) > o.valid_from
    )
    SELECT DISTINCT CAST(instant AS DATE) AS day FROM instants
    WHERE instant IS NOT NULL AND CAST(instant AS DATE) BETWEEN $start AND $end
    ORDER BY day
"""


def select_change_days(
    con: duckdb.DuckDBPyConnection, start: date, end: date
) -> list[date]:
    """Days in [start, end] on which a value, price, fact, freshness, methodology or
    fetch outcome could have changed a publication or produced an event."""
    rows = select_rows(con, _CHANGE_DAYS_SQL, {"start": start, "end": end})
    return [row["day"] for row in rows]


def select_current_row_count(con: duckdb.DuckDBPyConnection, source_id: str) -> int:
    """How many observations and prices of a source are current."""
    rows = select_rows(
        con,
        "SELECT (SELECT count(*) FROM observations WHERE source_id = $s "
        "AND valid_to IS NULL) + (SELECT count(*) FROM prices WHERE source_id = $s "
        "AND valid_to IS NULL) AS n",
        {"s": source_id},
    )
    return rows[0]["n"]


def select_facts_as_of(
    con: duckdb.DuckDBPyConnection, as_of: datetime, model_id: str
) -> dict[str, Any]:
    """What the price catalogues say of a model as of `as_of`, by majority.

    Providers state different limits for one model (a cloud may cap the context), so
    each fact is the value most sources give, ties going to the larger.
    """
    rows = select_rows(
        con,
        """
        SELECT
            (SELECT context_window_tokens FROM current_facts
             WHERE context_window_tokens IS NOT NULL
             GROUP BY context_window_tokens
             ORDER BY count(*) DESC, context_window_tokens DESC LIMIT 1)
                AS context_window_tokens,
            (SELECT is_reasoning FROM current_facts WHERE is_reasoning IS NOT NULL
             GROUP BY is_reasoning ORDER BY count(*) DESC, is_reasoning DESC LIMIT 1)
                AS is_reasoning
        FROM (SELECT 1)
        """.replace(
            "current_facts",
            "(SELECT * FROM model_facts WHERE model_id = $model AND valid_from <= $as_of "
            "AND (valid_to IS NULL OR valid_to > $as_of))",
        ),
        {"model": model_id, "as_of": as_of},
    )
    return rows[0]


def select_provenance(
    con: duckdb.DuckDBPyConnection, observation_ids: list[str]
) -> dict[str, dict[str, Any]]:
    """Source, snapshot and citation of each observation, by id."""
    rows = select_rows(
        con,
        "SELECT observation_id, source_id, snapshot_sha256, citation_url "
        "FROM observations WHERE list_contains($ids, observation_id)",
        {"ids": observation_ids},
    )
    return {row["observation_id"]: row for row in rows}
