"""Subscribers, the digest outbox and the week's change events, in DuckDB.

All the SQL the weekly digest needs. The outbox has one row per subscriber and ISO
week (its key is unique), written with the message bytes before anything is sent, so a
rerun or a resumed run sends only rows still `pending`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import duckdb

from digest.records import Delivery, DigestEvent, Subscriber
from warehouse.db import select_rows
from warehouse.errors import NotFoundError

logger = logging.getLogger(__name__)
_SUBSCRIBER_COLUMNS = (
    "subscriber_id, email, region, status, category_ids, event_types, created_at, "
    "confirmed_at"
)


def _subscriber(row: dict[str, Any]) -> Subscriber:
    return Subscriber(
        subscriber_id=row["subscriber_id"],
        email=row["email"],
        region=row["region"],
        status=row["status"],
        category_ids=tuple(row["category_ids"]),
        event_types=tuple(row["event_types"]),
        created_at=row["created_at"],
        confirmed_at=row["confirmed_at"],
    )


def upsert_subscriber(
    con: duckdb.DuckDBPyConnection,
    email: str,
    region: str,
    category_ids: Sequence[str],
    event_types: Sequence[str],
    at: datetime,
) -> Subscriber:
    """Store an address with its preferences; a new or unsubscribed one is pending.

    Adding a known address again updates its region and preferences and keeps a
    confirmed subscription confirmed.
    """
    con.execute(
        """
        INSERT INTO subscribers VALUES ($id, $email, $region, $categories, $events,
                                        'pending', $at, NULL, NULL, $at)
        ON CONFLICT (email) DO UPDATE SET
            region = excluded.region, category_ids = excluded.category_ids,
            event_types = excluded.event_types, updated_at = excluded.updated_at,
            status = CASE WHEN subscribers.status = 'unsubscribed' THEN 'pending'
                          ELSE subscribers.status END
        """,
        {
            "id": secrets.token_hex(8),
            "email": email,
            "region": region,
            "categories": list(category_ids),
            "events": list(event_types),
            "at": at,
        },
    )
    subscriber = select_subscriber_by_email(con, email)
    logger.info(
        "stored subscriber subscriber_id=%s region=%s status=%s",
        subscriber.subscriber_id,
        region,
        subscriber.status,
    )
    return subscriber


def select_subscribers(con: duckdb.DuckDBPyConnection) -> list[Subscriber]:
    """Every subscriber, oldest first."""
    rows = select_rows(
        con,
        f"SELECT {_SUBSCRIBER_COLUMNS} FROM subscribers "
        "ORDER BY created_at, subscriber_id",
    )
    return [_subscriber(row) for row in rows]


def select_subscriber(con: duckdb.DuckDBPyConnection, subscriber_id: str) -> Subscriber:
    """One subscriber by id; NotFoundError when it was erased or never existed."""
    rows = select_rows(
        con,
        f"SELECT {_SUBSCRIBER_COLUMNS} FROM subscribers WHERE subscriber_id = ?",
        [subscriber_id],
    )
    if not rows:
        raise NotFoundError(
            "no subscriber for this token; the address was erased or never subscribed"
        )
    return _subscriber(rows[0])


def select_subscriber_by_email(
    con: duckdb.DuckDBPyConnection, email: str
) -> Subscriber:
    """One subscriber by address, compared without regard to case."""
    rows = select_rows(
        con,
        f"SELECT {_SUBSCRIBER_COLUMNS} FROM subscribers WHERE lower(email) = lower(?)",
        [email],
    )
    if not rows:
        raise NotFoundError(
            "no subscriber with that address; `leaderboard subscribers list` shows them"
        )
    return _subscriber(rows[0])


def update_subscriber_status(
    con: duckdb.DuckDBPyConnection, subscriber_id: str, status: str, at: datetime
) -> Subscriber:
    """Set a subscriber's status to confirmed or unsubscribed, stamping when."""
    select_subscriber(con, subscriber_id)
    stamp = {"confirmed": "confirmed_at", "unsubscribed": "unsubscribed_at"}[status]
    con.execute(
        f"UPDATE subscribers SET status = $status, {stamp} = $at, updated_at = $at "
        "WHERE subscriber_id = $id",
        {"status": status, "at": at, "id": subscriber_id},
    )
    logger.info("updated subscriber subscriber_id=%s status=%s", subscriber_id, status)
    return select_subscriber(con, subscriber_id)


def delete_subscriber(con: duckdb.DuckDBPyConnection, email: str) -> int:
    """Erase an address and its outbox rows; return how many rows went with it.

    `digest_runs` keeps its counts: they name no one.
    """
    subscriber = select_subscriber_by_email(con, email)
    deleted = con.execute(
        "DELETE FROM digest_deliveries WHERE subscriber_id = ?",
        [subscriber.subscriber_id],
    ).fetchall()[0][0]
    con.execute(
        "DELETE FROM subscribers WHERE subscriber_id = ?", [subscriber.subscriber_id]
    )
    logger.info(
        "erased subscriber subscriber_id=%s delivery_count=%d",
        subscriber.subscriber_id,
        deleted,
    )
    return deleted


def select_week_events(
    con: duckdb.DuckDBPyConnection, start: datetime, end: datetime
) -> list[DigestEvent]:
    """Events detected in [start, end), backfill excluded, with display names.

    A benchmark event takes its category from the newest methodology that has it.
    """
    rows = select_rows(
        con,
        """
        WITH benchmark_categories AS (
            SELECT benchmark_id, arg_max(category_id, effective_from) AS category_id
            FROM methodology_benchmarks JOIN methodologies USING (methodology_id)
            GROUP BY benchmark_id
        ), category_names AS (
            SELECT category_id, arg_max(name, effective_from) AS name
            FROM methodology_categories JOIN methodologies USING (methodology_id)
            GROUP BY category_id
        )
        SELECT e.event_id, e.event_type, e.materiality, e.summary, e.detected_at,
               e.model_id, coalesce(m.name, e.raw_name, e.model_id) AS model_name,
               e.other_model_id, coalesce(o.name, e.other_model_id) AS other_model_name,
               coalesce(e.category_id, b.category_id) AS category_id,
               c.name AS category_name, e.benchmark_id, e.before_value, e.after_value
        FROM change_events e
        LEFT JOIN models m ON m.model_id = e.model_id
        LEFT JOIN models o ON o.model_id = e.other_model_id
        LEFT JOIN benchmark_categories b ON b.benchmark_id = e.benchmark_id
        LEFT JOIN category_names c
          ON c.category_id = coalesce(e.category_id, b.category_id)
        WHERE e.detected_at >= $start AND e.detected_at < $end AND NOT e.is_backfill
        ORDER BY e.detected_at, e.event_id
        """,
        {"start": start, "end": end},
    )
    return [DigestEvent(**row) for row in rows]


def mark_events_digested(
    con: duckdb.DuckDBPyConnection, event_ids: Iterable[str], at: datetime
) -> int:
    """Stamp `digested_at` on events not stamped yet; return how many were."""
    ids = list(event_ids)
    if not ids:
        return 0
    return con.execute(
        "UPDATE change_events SET digested_at = ? "
        "WHERE digested_at IS NULL AND list_contains(?, event_id)",
        [at, ids],
    ).fetchall()[0][0]


def select_delivery_states(con: duckdb.DuckDBPyConnection, week: str) -> dict[str, str]:
    """Subscriber id to outbox status, for the week's rows already written."""
    rows = con.execute(
        "SELECT subscriber_id, status FROM digest_deliveries WHERE week = ?", [week]
    ).fetchall()
    return dict(rows)


def insert_deliveries(
    con: duckdb.DuckDBPyConnection,
    rows: Sequence[tuple[str, str, str, bytes]],
    at: datetime,
) -> int:
    """Queue (key, subscriber_id, week, message) rows; an existing key is kept as is."""
    inserted = 0
    for key, subscriber_id, week, message in rows:
        inserted += con.execute(
            "INSERT INTO digest_deliveries (delivery_key, subscriber_id, week, "
            "message, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?) "
            "ON CONFLICT DO NOTHING",
            [key, subscriber_id, week, message, at],
        ).fetchall()[0][0]
    logger.info("queued deliveries count=%d", inserted)
    return inserted


def cancel_unwanted_deliveries(con: duckdb.DuckDBPyConnection, week: str) -> int:
    """Cancel queued rows of subscribers who unsubscribed after they were queued."""
    return con.execute(
        """
        UPDATE digest_deliveries SET status = 'cancelled'
        WHERE week = ? AND status = 'pending' AND subscriber_id IN
              (SELECT subscriber_id FROM subscribers WHERE status = 'unsubscribed')
        """,
        [week],
    ).fetchall()[0][0]


def select_pending_deliveries(
    con: duckdb.DuckDBPyConnection, week: str
) -> list[Delivery]:
    """The week's rows still to send, with their recipient, in a stable order."""
    rows = select_rows(
        con,
        """
        SELECT d.delivery_key, d.subscriber_id, d.week, d.status, d.attempt_count,
               d.message, s.email AS recipient
        FROM digest_deliveries d JOIN subscribers s USING (subscriber_id)
        WHERE d.week = ? AND d.status = 'pending'
        ORDER BY d.created_at, d.delivery_key
        """,
        [week],
    )
    return [Delivery(**row) for row in rows]


def record_delivery_attempt(con: duckdb.DuckDBPyConnection, key: str) -> None:
    """Count an attempt before the message goes out, so a crash still counts it."""
    con.execute(
        "UPDATE digest_deliveries SET attempt_count = attempt_count + 1 "
        "WHERE delivery_key = ?",
        [key],
    )


def mark_delivery_sent(con: duckdb.DuckDBPyConnection, key: str, at: datetime) -> None:
    """The server accepted the message: it will never be sent again."""
    con.execute(
        "UPDATE digest_deliveries SET status = 'sent', sent_at = ?, error = NULL "
        "WHERE delivery_key = ?",
        [at, key],
    )


def mark_delivery_failed(
    con: duckdb.DuckDBPyConnection, key: str, error: str, *, is_final: bool
) -> None:
    """Record why a send failed; a final failure is not retried by later runs."""
    con.execute(
        "UPDATE digest_deliveries SET error = ?, "
        "status = CASE WHEN ? THEN 'failed' ELSE status END WHERE delivery_key = ?",
        [error, is_final, key],
    )


def insert_digest_run(
    con: duckdb.DuckDBPyConnection, week: str, started_at: datetime, counts: dict
) -> None:
    """Keep one run's counts; they name no subscriber, so erasure leaves them."""
    con.execute(
        """
        INSERT INTO digest_runs VALUES ($run_id, $week, $started_at, $event_count,
            $sent_count, $skipped_consent_count, $skipped_empty_count,
            $already_sent_count, $failed_count)
        """,
        {
            "run_id": secrets.token_hex(8),
            "week": week,
            "started_at": started_at,
            **counts,
        },
    )


def select_subscriber_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How many subscribers are in each status."""
    rows = con.execute(
        "SELECT status, count(*) FROM subscribers GROUP BY status ORDER BY status"
    ).fetchall()
    return dict(rows)
