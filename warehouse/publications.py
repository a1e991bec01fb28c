"""Store and read publications: immutable computed leaderboard states.

A publication is identified by its `as_of` instant and methodology version, so
computing the same one twice stores it once. Reads pick the latest publication at or
before an instant.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import duckdb

from scoring.publish import ComputedPublication
from warehouse.db import fetch_row, registered, select_rows

logger = logging.getLogger(__name__)


def publication_id_for(as_of: datetime, methodology_id: str) -> str:
    """A readable, deterministic id: the UTC instant and the methodology version."""
    return f"{as_of.strftime('%Y%m%dT%H%M%SZ')}-{methodology_id}"


def insert_publication(
    con: duckdb.DuckDBPyConnection, computed: ComputedPublication
) -> tuple[str, bool]:
    """Store a computed publication; return its id and whether it was new."""
    publication_id = publication_id_for(computed.as_of, computed.methodology_id)
    exists = fetch_row(
        con, "SELECT 1 FROM publications WHERE publication_id = ?", [publication_id]
    )
    if exists:
        return publication_id, False
    overall = computed.overall_scores
    categories = computed.category_scores
    with registered(con, "overall", overall), registered(con, "categories", categories):
        con.execute(
            "INSERT INTO publications SELECT ?, ?, ?, ?, "
            "(SELECT count(DISTINCT model_id) FROM overall), "
            "(SELECT count(*) FROM overall WHERE is_ranked AND lane = 'provisional'), now()",
            [
                publication_id,
                computed.as_of,
                computed.methodology_id,
                computed.content_hash,
            ],
        )
        con.execute(
            "INSERT INTO category_scores BY NAME SELECT ? AS publication_id, * FROM categories",
            [publication_id],
        )
        con.execute(
            "INSERT INTO overall_scores BY NAME SELECT ? AS publication_id, * FROM overall",
            [publication_id],
        )
    logger.info(
        "stored publication publication_id=%s models=%d",
        publication_id,
        overall.num_rows,
    )
    return publication_id, True


def select_publication(
    con: duckdb.DuckDBPyConnection, as_of: datetime | None = None
) -> dict[str, Any] | None:
    """The latest publication at or before `as_of` (the latest of all when None)."""
    rows = select_rows(
        con,
        "SELECT * FROM publications WHERE $as_of IS NULL OR as_of <= $as_of "
        "ORDER BY as_of DESC, computed_at DESC LIMIT 1",
        {"as_of": as_of},
    )
    return rows[0] if rows else None


def select_overall_rows(
    con: duckdb.DuckDBPyConnection,
    publication_id: str,
    lane: str,
    model_ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Overall rows of a publication (or of some models) with model names, ranked
    first, best first."""
    return select_rows(
        con,
        """
        SELECT o.*, m.name, m.organisation FROM overall_scores o
        JOIN models m USING (model_id)
        WHERE o.publication_id = $pub AND o.lane = $lane
          AND ($models IS NULL OR list_contains($models, o.model_id))
        ORDER BY o.rank NULLS LAST, o.score DESC NULLS LAST, m.name
        """,
        {"pub": publication_id, "lane": lane, "models": model_ids},
    )


def select_category_rows(
    con: duckdb.DuckDBPyConnection,
    publication_id: str,
    lane: str,
    category_id: str | None = None,
    model_ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Category rows of a publication, optionally for one category or some models."""
    return select_rows(
        con,
        """
        SELECT c.*, m.name FROM category_scores c JOIN models m USING (model_id)
        WHERE c.publication_id = $pub AND c.lane = $lane
          AND ($category IS NULL OR c.category_id = $category)
          AND ($models IS NULL OR list_contains($models, c.model_id))
        ORDER BY c.category_id, c.rank NULLS LAST, c.score DESC NULLS LAST, m.name
        """,
        {
            "pub": publication_id,
            "lane": lane,
            "category": category_id,
            "models": model_ids,
        },
    )
