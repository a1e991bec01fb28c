"""The review queue of unmatched names, and an operator's decisions on it.

A decision maps a raw name to a model (adding a manual alias), creates a model from it,
or ignores it. `apply_aliases` then resolves stored rows that were loaded before the
alias existed, so the next publication counts them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from ingest.names import name_key, resolve_name
from warehouse.db import registered, select_rows
from warehouse.errors import NotFoundError
from warehouse.reference import select_model_aliases

logger = logging.getLogger(__name__)
_RESOLVED_TABLES = ("observations", "prices", "model_facts")


def select_queue(
    con: duckdb.DuckDBPyConnection, kind: str = "model", include_ignored: bool = False
) -> list[dict[str, Any]]:
    """Queued names with the sources that use them and how often, most seen first."""
    return select_rows(
        con,
        """
        SELECT raw_name, list(source_id ORDER BY source_id) AS sources,
               sum(seen_count) AS seen_count, min(first_seen_at) AS first_seen_at,
               max(last_seen_at) AS last_seen_at, bool_or(is_ignored) AS is_ignored
        FROM unresolved_names
        WHERE name_kind = $kind AND ($all OR NOT coalesce(is_ignored, false))
          AND NOT EXISTS (SELECT 1 FROM name_decisions d
                          WHERE d.name_kind = $kind AND d.raw_name = unresolved_names.raw_name
                            AND d.decision = 'map')
        GROUP BY raw_name ORDER BY seen_count DESC, raw_name
        """,
        {"kind": kind, "all": include_ignored},
    )


def map_name(
    con: duckdb.DuckDBPyConnection, raw_name: str, model_id: str, at: datetime
) -> None:
    """Make `raw_name` a manual alias of an existing model."""
    if not select_rows(con, "SELECT 1 FROM models WHERE model_id = ?", [model_id]):
        raise NotFoundError(
            f"no model with id {model_id!r}; `leaderboard show` lists them"
        )
    con.execute(
        "INSERT INTO model_aliases VALUES (?, ?, ?, 'manual', ?) "
        "ON CONFLICT (alias_key) DO UPDATE SET model_id = excluded.model_id, "
        "alias_kind = 'manual'",
        [name_key(raw_name), raw_name, model_id, at],
    )
    _decide(con, raw_name, "map", model_id, at)


def create_model(
    con: duckdb.DuckDBPyConnection,
    raw_name: str,
    model_id: str,
    name: str,
    organisation: str | None,
    at: datetime,
) -> None:
    """Create a canonical model from a queued name and map the name to it."""
    if select_rows(con, "SELECT 1 FROM models WHERE model_id = ?", [model_id]):
        raise NotFoundError(f"a model with id {model_id!r} exists already; map to it")
    con.execute(
        "INSERT INTO models (model_id, name, organisation, created_at) VALUES (?, ?, ?, ?)",
        [model_id, name, organisation, at],
    )
    map_name(con, raw_name, model_id, at)


def ignore_name(con: duckdb.DuckDBPyConnection, raw_name: str, at: datetime) -> None:
    """Take a name off the queue; it stays unresolved and never counts."""
    found = select_rows(
        con,
        "SELECT 1 FROM unresolved_names WHERE raw_name = ? AND name_kind = 'model'",
        [raw_name],
    )
    if not found:
        raise NotFoundError(
            f"{raw_name!r} is not in the queue; `leaderboard names` lists it"
        )
    con.execute(
        "UPDATE unresolved_names SET is_ignored = true "
        "WHERE raw_name = ? AND name_kind = 'model'",
        [raw_name],
    )
    _decide(con, raw_name, "ignore", None, at)


def _decide(
    con: duckdb.DuckDBPyConnection,
    raw_name: str,
    decision: str,
    target_id: str | None,
    at: datetime,
) -> None:
    con.execute(
        "INSERT OR REPLACE INTO name_decisions VALUES ('model', ?, ?, ?, ?)",
        [raw_name, decision, target_id, at],
    )
    logger.info("decided name decision=%s target=%s", decision, target_id)


def apply_aliases(con: duckdb.DuckDBPyConnection) -> int:
    """Resolve stored rows whose model name now matches an alias; return how many."""
    aliases = select_model_aliases(con)
    raw_names = {
        row[0]
        for table in _RESOLVED_TABLES
        for row in con.execute(
            f"SELECT DISTINCT raw_model_name FROM {table} WHERE model_id IS NULL"
        ).fetchall()
    }
    pairs = [(raw, resolve_name(raw, aliases).resolved_id) for raw in sorted(raw_names)]
    found = pa.table(
        {
            "raw_model_name": [raw for raw, model in pairs if model],
            "model_id": [model for _, model in pairs if model],
        }
    )
    if found.num_rows == 0:
        return 0
    with registered(con, "found_aliases", found):
        for table in _RESOLVED_TABLES:
            con.execute(
                f"UPDATE {table} t SET model_id = f.model_id FROM found_aliases f "
                "WHERE t.model_id IS NULL AND t.raw_model_name = f.raw_model_name"
            )
    logger.info("resolved stored names count=%d", found.num_rows)
    return found.num_rows
