"""Change events: what moved between two instants, why, and how much it matters.

Families: source data (value new, corrected or withdrawn; price added, changed or
removed; context window changed), leaderboard (model added or dropped, rank moved, new
leader overall or in a category, category winner flipped between two models ranked in
both publications), freshness (a counted value went stale), methodology changed, and
source failing (three failed fetches in a row).

Materiality, documented thresholds:
- major: a new overall leader; a methodology change; a tracked model's price moving
  50% or more; a rank move into the top 3.
- notable: a new category leader or winner flip; a move into or out of the top 10, or
  by 3 places or more; a tracked model's price moving 10% or more; a tracked value
  corrected by a point or more; a model added in the top 10; a failing source.
- routine: everything else (values of untracked models, small moves, new values).

Each event has a key built from what changed (type, subject, before, after, instant),
never from when it was detected, so detecting the same change twice stores it once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from scoring import event_sql
from scoring.formatting import format_usd

TOP = 10
PRICE_NOTABLE = 0.10
PRICE_MAJOR = 0.50


@dataclass(frozen=True, slots=True)
class Window:
    """The two instants compared and the publications in force at each."""

    prev: datetime
    cur: datetime
    prev_publication_id: str | None
    cur_publication_id: str | None
    prev_methodology_id: str | None
    cur_methodology_id: str | None


def event_key(*parts: object) -> str:
    """A stable id from an event's defining parts.

    >>> event_key("rank_moved", "gpt-4.1", 3, 2) == event_key("rank_moved", "gpt-4.1", 3, 2)
    True
    """
    text = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def relative_change(before: float | None, after: float | None) -> float | None:
    """The relative change of a price, None when either side is missing or zero.

    >>> relative_change(10.0, 2.0)
    -0.8
    >>> relative_change(0.0, 1.0) is None
    True
    """
    if before is None or after is None or before == 0:
        return None
    return (after - before) / before


def price_materiality(is_tracked: bool, before: dict, after: dict) -> str:
    """Major at 50% or more on input or output, notable at 10%, for tracked models."""
    if not is_tracked:
        return "routine"
    changes = [
        relative_change(before.get(k), after.get(k))
        for k in ("input_usd_per_mtok", "output_usd_per_mtok")
    ]
    biggest = max((abs(c) for c in changes if c is not None), default=None)
    if biggest is None:
        return "notable" if before.get("state") != after.get("state") else "routine"
    if biggest >= PRICE_MAJOR:
        return "major"
    return "notable" if biggest >= PRICE_NOTABLE else "routine"


def rank_materiality(before: int | None, after: int | None) -> str:
    """Major into the top 3; notable across the top-10 line or by 3+ places.

    >>> rank_materiality(5, 2), rank_materiality(12, 9), rank_materiality(7, 6)
    ('major', 'notable', 'routine')
    """
    if after is not None and after <= 3 and (before is None or before > after):
        return "major"
    inside_before = before is not None and before <= TOP
    inside_after = after is not None and after <= TOP
    if inside_before != inside_after:
        return "notable"
    if before is not None and after is not None and abs(before - after) >= 3:
        return "notable"
    return "routine"


def rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]
) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def history_sql(
    table: str, keys: tuple[str, ...], columns: tuple[str, ...], id_column: str
) -> str:
    """The history-change query for one table."""
    return event_sql.HISTORY_CHANGES.format(
        table=table,
        keys=", ".join(keys),
        columns=", ".join(columns),
        id=id_column,
        key_select=", ".join(f"coalesce(a.{k}, b.{k}) AS {k}" for k in keys),
        key_join=" AND ".join(f"a.{k} IS NOT DISTINCT FROM b.{k}" for k in keys),
    )


def describe_price(values: dict | None) -> str:
    """A price state in words, for summaries.

    >>> describe_price({"state": "priced", "input_usd_per_mtok": 2.0,
    ...                 "output_usd_per_mtok": 8.0})
    '$2.00 / $8.00'
    """
    if not values:
        return "none"
    if values.get("state") != "priced":
        return str(values.get("state"))
    return (
        f"{format_usd(values['input_usd_per_mtok'])} / "
        f"{format_usd(values['output_usd_per_mtok'])}"
    )
