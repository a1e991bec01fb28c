"""Store the chosen-value timeline that `scoring.values` derives from observations.

Kept current by every load: the pairs a load touched are recomputed and replaced in
the same transaction, so a publication never sees observations and choices apart.
"""

from __future__ import annotations

import logging
from datetime import datetime

import duckdb
import pyarrow as pa

from warehouse.db import fetch_row, registered

logger = logging.getLogger(__name__)


def select_touched_pairs(
    con: duckdb.DuckDBPyConnection, source_id: str, at: datetime
) -> pa.Table:
    """The (model, benchmark) pairs whose candidates a load of `source_id` at `at`
    opened or closed."""
    return con.sql(
        """
        SELECT DISTINCT model_id, benchmark_id FROM observations
        WHERE source_id = $source AND model_id IS NOT NULL AND benchmark_id IS NOT NULL
          AND (valid_from = $at OR valid_to = $at)
        """,
        params={"source": source_id, "at": at},
    ).to_arrow_table()


def replace_chosen_values(
    con: duckdb.DuckDBPyConnection, timeline: pa.Table, pairs: pa.Table | None
) -> None:
    """Replace the timeline of `pairs` (all of it when None) with `timeline`."""
    if pairs is None:
        con.execute("DELETE FROM chosen_values")
    else:
        with registered(con, "replaced_pairs", pairs):
            con.execute(
                "DELETE FROM chosen_values c WHERE EXISTS (SELECT 1 FROM replaced_pairs p "
                "WHERE p.model_id = c.model_id AND p.benchmark_id = c.benchmark_id)"
            )
    with registered(con, "new_timeline", timeline):
        con.execute("INSERT INTO chosen_values BY NAME SELECT * FROM new_timeline")
    logger.info("stored chosen values rows=%d", timeline.num_rows)


def is_chosen_missing(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether observations exist with no chosen-value timeline yet (an older file)."""
    return fetch_row(
        con,
        "SELECT (SELECT count(*) FROM chosen_values) = 0 AND EXISTS ("
        "SELECT 1 FROM observations WHERE model_id IS NOT NULL "
        "AND benchmark_id IS NOT NULL)",
    )[0]
