"""Run the weekly digest and the subscriber steps as plain functions.

No Prefect here, so the CLI calls these directly and a flow can wrap them later. A run
has two steps: enqueue (compose, render and store one outbox row per subscriber and
week, and stamp the events, in one transaction) and drain (send what is still pending,
marking each row sent only after the SMTP server accepted it).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from digest.compose import compose_digest, expand_event_types
from digest.consent import (
    CONSENT_RULES,
    may_send,
    normalise_address,
    region_for_country,
    status_after,
)
from digest.deliver import Sender
from digest.errors import (
    DeliveryError,
    PermanentDeliveryError,
    SmtpUnavailableError,
    TransientDeliveryError,
)
from digest.message import (
    CHART_CID,
    build_confirmation_message,
    build_digest_message,
    delivery_key,
    to_bytes,
)
from digest.records import Delivery, Subscriber
from digest.settings import MailSettings, load_mail_settings, load_secret
from digest.tokens import read_token
from digest.weeks import parse_week, previous_week, week_bounds
from flows.locking import writer_lock
from warehouse import digest_store as store
from warehouse.db import open_database, transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DigestOptions:
    """How a run behaves beyond its week; the defaults are the Monday run's."""

    quiet_note: bool = False
    preview_dir: Path | None = None
    consent_rules: Mapping = field(default_factory=lambda: CONSENT_RULES)
    retry_backoff_s: float = 1.0
    max_attempt_count: int = 5
    on_sent: Callable[[str], None] | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class DigestReport:
    """What one run did; `failed_count` includes rows left pending for a later run."""

    week: str
    event_count: int = 0
    queued_count: int = 0
    sent_count: int = 0
    skipped_consent_count: int = 0
    skipped_empty_count: int = 0
    already_sent_count: int = 0
    failed_count: int = 0
    preview_paths: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self)


def run_weekly_digest(
    db_path: str | Path,
    week: str | None = None,
    *,
    now: datetime | None = None,
    settings: MailSettings | None = None,
    options: DigestOptions | None = None,
) -> DigestReport:
    """Compose, queue and send the digest of `week` (default: the last full week)."""
    now = now or datetime.now(UTC)
    week = parse_week(week) if week else previous_week(now)
    settings = settings or load_mail_settings()
    options = options or DigestOptions()
    if options.preview_dir is not None:
        con = open_database(db_path, busy_timeout_s=30.0)
        try:
            return _preview(con, week, settings, options, now)
        finally:
            con.close()
    # Sending writes the outbox: one writer at a time, like refresh and backfill.
    with writer_lock(db_path, "digest"):
        return _send(db_path, week, settings, options, now)


def _send(
    db_path: str | Path,
    week: str,
    settings: MailSettings,
    options: DigestOptions,
    now: datetime,
) -> DigestReport:
    con = open_database(db_path, busy_timeout_s=30.0)
    try:
        report = _enqueue(con, week, settings, options, now)
        sent, failed = _drain(con, week, settings, options)
        report = _with(report, sent_count=sent, failed_count=failed)
        with transaction(con):
            store.insert_digest_run(con, week, now, _counts(report))
    finally:
        con.close()
    fields = " ".join(f"{k}={v}" for k, v in _counts(report).items())
    logger.info("digest run week=%s %s", week, fields)
    return report


def _enqueue(
    con, week: str, settings: MailSettings, options: DigestOptions, now: datetime
) -> DigestReport:
    events = store.select_week_events(con, *week_bounds(week))
    states = store.select_delivery_states(con, week)
    rows, consent, empty = [], 0, 0
    for subscriber in store.select_subscribers(con):
        if subscriber.subscriber_id in states or subscriber.status == "unsubscribed":
            continue
        if not may_send(subscriber, options.consent_rules):
            consent += 1
            continue
        digest = compose_digest(
            week, events, subscriber, settings.public_url, quiet_note=options.quiet_note
        )
        if digest is None:
            empty += 1
            continue
        message = to_bytes(build_digest_message(digest, subscriber, settings, now))
        key = delivery_key(week, subscriber.subscriber_id)
        rows.append((key, subscriber.subscriber_id, week, message))
    with transaction(con):
        queued = store.insert_deliveries(con, rows, now)
        store.mark_events_digested(con, (e.event_id for e in events), now)
    already = sum(1 for status in states.values() if status == "sent")
    return DigestReport(week, len(events), queued, 0, consent, empty, already, 0)


def _drain(
    con, week: str, settings: MailSettings, options: DigestOptions
) -> tuple[int, int]:
    store.cancel_unwanted_deliveries(con, week)
    pending = store.select_pending_deliveries(con, week)
    sent = 0
    with Sender(settings.smtp, backoff_s=options.retry_backoff_s) as sender:
        for delivery in pending:
            store.record_delivery_attempt(con, delivery.delivery_key)
            try:
                sender.send(
                    delivery.message,
                    settings.envelope_from,
                    delivery.recipient,
                    delivery.delivery_key,
                )
            except (PermanentDeliveryError, TransientDeliveryError) as exc:
                _record_failure(con, delivery, exc, options.max_attempt_count)
                if isinstance(exc, SmtpUnavailableError):
                    # The rest would fail the same way; they stay pending.
                    logger.error("smtp unavailable, stopping reply=%s", exc.reply)
                    break
                continue
            # NOTE: a crash between the server's 250 and this commit sends the message
            # again on the next run; the Message-ID is the same, so receivers dedupe.
            store.mark_delivery_sent(con, delivery.delivery_key, datetime.now(UTC))
            sent += 1
            if options.on_sent is not None:
                options.on_sent(delivery.delivery_key)
    return sent, len(pending) - sent


def _record_failure(
    con, delivery: Delivery, exc: DeliveryError, max_attempt_count: int
) -> None:
    is_final = not exc.retryable or delivery.attempt_count + 1 >= max_attempt_count
    store.mark_delivery_failed(con, delivery.delivery_key, exc.reply, is_final=is_final)


def _preview(
    con, week: str, settings: MailSettings, options: DigestOptions, now: datetime
) -> DigestReport:
    """Write one subscriber's message as .eml, .html and .txt; send or store nothing."""
    events = store.select_week_events(con, *week_bounds(week))
    candidates = [
        s for s in store.select_subscribers(con) if may_send(s, options.consent_rules)
    ]
    sample = Subscriber("preview", f"preview@{settings.domain}", "other", "confirmed")
    for subscriber in [*candidates, sample]:
        digest = compose_digest(
            week, events, subscriber, settings.public_url, quiet_note=options.quiet_note
        )
        if digest is not None:
            message = build_digest_message(digest, subscriber, settings, now)
            paths = write_preview(message, Path(options.preview_dir), week)
            return DigestReport(week, len(events), preview_paths=paths)
    return DigestReport(week, len(events), skipped_empty_count=1)


def write_preview(message, folder: Path, week: str) -> tuple[str, ...]:
    """The .eml as sent, the .txt part, and the .html with the chart inlined as data."""
    folder.mkdir(parents=True, exist_ok=True)
    html = message.get_body(("html",)).get_content()
    for part in message.walk():
        if part.get("Content-ID", "").startswith(f"<{CHART_CID}@"):
            data = base64.b64encode(part.get_content()).decode("ascii")
            cid = part["Content-ID"].strip("<>")
            html = html.replace(f"cid:{cid}", f"data:image/png;base64,{data}")
    paths = {
        "eml": folder / f"digest-{week}.eml",
        "html": folder / f"digest-{week}.html",
        "txt": folder / f"digest-{week}.txt",
    }
    paths["eml"].write_bytes(to_bytes(message))
    paths["html"].write_text(html, encoding="utf-8")
    paths["txt"].write_text(message.get_body(("plain",)).get_content(), "utf-8")
    return tuple(str(p) for p in paths.values())


def add_subscriber(
    db_path: str | Path,
    email: str,
    country_code: str,
    category_ids: Sequence[str] = (),
    event_kinds: Sequence[str] = (),
    *,
    now: datetime | None = None,
    settings: MailSettings | None = None,
) -> Subscriber:
    """Store an address as pending and send it a confirmation link (double opt-in).

    The country code only chooses the region; it is not stored.
    """
    now = now or datetime.now(UTC)
    settings = settings or load_mail_settings()
    address = normalise_address(email)
    region = region_for_country(country_code)
    categories = tuple(sorted({c.strip().lower() for c in category_ids if c.strip()}))
    events = expand_event_types(event_kinds)
    con = open_database(db_path, busy_timeout_s=30.0)
    try:
        with transaction(con):
            subscriber = store.upsert_subscriber(
                con, address, region, categories, events, now
            )
    finally:
        con.close()
    if subscriber.status == "pending":
        message = build_confirmation_message(subscriber, settings, now)
        with Sender(settings.smtp) as sender:
            sender.send(
                to_bytes(message),
                settings.envelope_from,
                subscriber.email,
                f"confirm-{subscriber.subscriber_id}",
            )
    return subscriber


def change_subscription(
    db_path: str | Path,
    token: str,
    purpose: str,
    *,
    now: datetime | None = None,
    secret: str | None = None,
) -> Subscriber:
    """Confirm (`purpose="confirm"`) or unsubscribe the subscriber a token names."""
    now = now or datetime.now(UTC)
    subscriber_id = read_token(secret or load_secret(), token, purpose, now)
    con = open_database(db_path, busy_timeout_s=30.0)
    try:
        with transaction(con):
            current = store.select_subscriber(con, subscriber_id).status
            status = status_after(current, purpose)
            return store.update_subscriber_status(con, subscriber_id, status, now)
    finally:
        con.close()


def forget_subscriber(db_path: str | Path, email: str) -> int:
    """Erase an address and its outbox rows; return how many outbox rows went."""
    con = open_database(db_path, busy_timeout_s=30.0)
    try:
        with transaction(con):
            return store.delete_subscriber(con, normalise_address(email))
    finally:
        con.close()


def _with(report: DigestReport, **changes: int) -> DigestReport:
    return DigestReport(**{**report.as_dict(), **changes})


def _counts(report: DigestReport) -> dict[str, int]:
    return {
        k: v
        for k, v in report.as_dict().items()
        if k.endswith("_count") and k != "queued_count"
    }
