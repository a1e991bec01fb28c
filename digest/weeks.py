"""ISO weeks as the digest names them (`2026-W49`) and the UTC instants they span.

A week runs from Monday 00:00 UTC to the next Monday 00:00 UTC; an event belongs to the
week its `detected_at` falls in.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from digest.errors import WeekError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(text: str) -> str:
    """The canonical name of an ISO week, checked.

    >>> parse_week("2026-w49")
    '2026-W49'
    """
    match = _WEEK.match(text.strip().upper())
    if not match:
        raise WeekError(f"week {text!r} is not written like 2026-W49")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        raise WeekError(
            f"week {text!r} does not exist: {year} has no week {number}"
        ) from None
    return f"{year}-W{number:02d}"


def week_bounds(week: str) -> tuple[datetime, datetime]:
    """Monday 00:00 UTC of the week and of the week after.

    >>> [d.isoformat() for d in week_bounds("2026-W01")]
    ['2025-12-29T00:00:00+00:00', '2026-01-05T00:00:00+00:00']
    """
    year, number = (int(part) for part in parse_week(week).split("-W"))
    start = datetime.combine(date.fromisocalendar(year, number, 1), time(), UTC)
    return start, start + timedelta(days=7)


def week_of(instant: datetime) -> str:
    """The ISO week an instant falls in, read in UTC."""
    year, number, _ = instant.astimezone(UTC).isocalendar()
    return f"{year}-W{number:02d}"


def previous_week(now: datetime) -> str:
    """The last complete week before `now`: what a Monday run reports on.

    >>> previous_week(datetime(2026, 12, 7, 8, tzinfo=UTC))
    '2026-W49'
    """
    return week_of(now - timedelta(days=7))
