"""Backfill: the daily publications and events of a date range, from stored history.

Only the days on which something could have changed are computed: a value, price or
fact appearing, changing or going; a value passing its max age; a methodology taking
effect; a fetch failing. Every other day's publication equals the day before, so it is
not stored again. Events found here are marked as backfill and never reach
subscribers as news; running the same backfill twice adds nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from flows.pipeline import publish, record_events
from warehouse.reads import select_change_days

if TYPE_CHECKING:
    import duckdb

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BackfillSummary:
    start: date
    end: date
    day_count: int
    computed_day_count: int
    publication_count: int
    event_count: int


def day_end(day: date) -> datetime:
    """The instant a day's publication stands for: the end of that UTC day."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def backfill(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    *,
    detected_at: datetime,
    progress: Callable[[date], None] | None = None,
) -> BackfillSummary:
    """Compute the publications and events of each day from `start` to `end`."""
    if end < start:
        raise ValueError(f"backfill range ends ({end}) before it starts ({start})")
    days = select_change_days(con, start, end)
    publications = events = 0
    for day in days:
        summary = publish(con, day_end(day))
        publications += int(summary.is_new)
        events += record_events(
            con,
            day_end(day),
            detected_at=detected_at,
            since=day_end(day - timedelta(days=1)),
            is_backfill=True,
        )
        if progress:
            progress(day)
    logger.info(
        "backfilled start=%s end=%s days=%d computed=%d publications=%d events=%d",
        start,
        end,
        (end - start).days + 1,
        len(days),
        publications,
        events,
    )
    return BackfillSummary(
        start, end, (end - start).days + 1, len(days), publications, events
    )
