"""A real SMTP server on loopback, mail settings pointing at it, and a warehouse with a
realistic fortnight of change events.

The server is aiosmtpd: it records every accepted message and can be told to refuse a
recipient for good (5xx) or to answer the next DATA commands with a 4xx.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from digest.settings import MailSettings, load_mail_settings
from warehouse.db import open_database

SECRET = "test-secret-0123456789abcdef"
PUBLIC_URL = "https://leaderboard.example"
WEEK = "2026-W49"
NEXT_WEEK = "2026-W50"
RUN_AT = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
SCRIPT_NAME = "<script>alert(1)</script>"


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class RecordingHandler:
    """Accepts everything unless told otherwise; keeps what it accepted."""

    received: list[Received] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    transient_data_failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.transient_data_failures > 0:
                self.transient_data_failures -= 1
                return "451 4.3.0 mailbox busy, try again later"
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            )
        return "250 2.0.0 queued"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages delivered to one address, in arrival order."""
        return [r.message for r in self.received if address in r.rcpt_tos]


def free_port() -> int:
    # aiosmtpd cannot take port 0 (its readiness probe connects to port 0), so find a
    # free port first: https://github.com/aio-libs/aiosmtpd/issues/388
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[RecordingHandler, int]]:
    """A running SMTP server on 127.0.0.1: (handler, port)."""
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def smtp(smtp_server) -> RecordingHandler:
    return smtp_server[0]


def mail_environ(port: int) -> dict[str, str]:
    return {
        "LEADERBOARD_SMTP_HOST": "127.0.0.1",
        "LEADERBOARD_SMTP_PORT": str(port),
        "LEADERBOARD_SMTP_SECURITY": "none",
        "LEADERBOARD_MAIL_FROM": "Leaderboard <digest@leaderboard.example>",
        "LEADERBOARD_PUBLIC_URL": PUBLIC_URL,
        "LEADERBOARD_SECRET": SECRET,
    }


@pytest.fixture
def mail_env(smtp_server, monkeypatch) -> dict[str, str]:
    """The LEADERBOARD_* mail variables, set in the environment too."""
    environ = mail_environ(smtp_server[1])
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return environ


@pytest.fixture
def settings(mail_env) -> MailSettings:
    return load_mail_settings(mail_env)


MODELS = [
    ("gemma-4-31b", "Gemma 4 31B"),
    ("gpt-4.1", "GPT-4.1"),
    ("gpt-4.1-nano", "GPT-4.1 nano"),
    ("evil-model", SCRIPT_NAME),
    ("claude-x", "Claude X"),
    ("tiny-model", "Tiny Model"),
]

# (event_id, type, model, other model, category, before, after, materiality, summary,
#  detected day in Nov/Dec 2026, is_backfill)
EVENTS = [
    (
        "e-leader",
        "new_leader",
        "gemma-4-31b",
        "gpt-4.1",
        None,
        66.2,
        68.0,
        "major",
        "Gemma 4 31B is the new overall leader at 68.0, ahead of GPT-4.1 at 66.2, "
        "after its SWE-bench Verified value rose to 72%",
        (12, 1),
        False,
    ),
    (
        "e-rank-gemma",
        "rank_moved",
        "gemma-4-31b",
        None,
        None,
        2,
        1,
        "major",
        "Gemma 4 31B rose from 2nd to 1st overall (SWE-bench Verified 64% to 72%)",
        (12, 1),
        False,
    ),
    (
        "e-rank-evil",
        "rank_moved",
        "evil-model",
        None,
        None,
        12,
        8,
        "notable",
        f"{SCRIPT_NAME} moved into the top 10, 12th to 8th, after a new GPQA value",
        (12, 2),
        False,
    ),
    (
        "e-rank-nano",
        "rank_moved",
        "gpt-4.1-nano",
        None,
        None,
        9,
        13,
        "notable",
        "GPT-4.1 nano left the top 10, 9th to 13th, as two models passed it",
        (12, 3),
        False,
    ),
    (
        "e-rank-far",
        "rank_moved",
        "tiny-model",
        None,
        None,
        45,
        40,
        "notable",
        "Tiny Model rose from 45th to 40th overall",
        (12, 3),
        False,
    ),
    (
        "e-flip",
        "category_winner_flipped",
        "claude-x",
        "gpt-4.1",
        "coding",
        1,
        1,
        "notable",
        "Claude X now leads Coding, taking it from GPT-4.1 (SWE-bench 70.1%)",
        (12, 4),
        False,
    ),
    (
        "e-price",
        "price_changed",
        "gpt-4.1-nano",
        None,
        None,
        0.10,
        0.05,
        "major",
        "GPT-4.1 nano input price fell 50%, $0.10 to $0.05 per 1M tokens (OpenRouter)",
        (12, 5),
        False,
    ),
    (
        "e-routine",
        "value_new",
        "tiny-model",
        None,
        None,
        None,
        31.0,
        "routine",
        "Tiny Model has a new MMLU-Pro value of 31%",
        (12, 5),
        False,
    ),
    (
        "e-backfill",
        "new_leader",
        "gpt-4.1",
        "claude-x",
        None,
        60.0,
        61.0,
        "major",
        "BACKFILL GPT-4.1 was the overall leader in March 2025",
        (12, 2),
        True,
    ),
    (
        "e-next-model",
        "model_added",
        "claude-x",
        None,
        None,
        None,
        None,
        "notable",
        "Claude X was added and ranks 4th overall",
        (12, 8),
        False,
    ),
    (
        "e-next-price",
        "price_changed",
        "gemma-4-31b",
        None,
        None,
        0.20,
        0.10,
        "major",
        "Gemma 4 31B output price halved, $0.20 to $0.10 per 1M tokens (provider page)",
        (12, 9),
        False,
    ),
]


def insert_events(con, events=EVENTS) -> None:
    """Insert change events the way event detection stores them."""
    for (
        event_id,
        event_type,
        model_id,
        other,
        category,
        before,
        after,
        materiality,
        summary,
        (month, day),
        is_backfill,
    ) in events:
        detected = datetime(2026, month, day, 3, 0, tzinfo=UTC)
        con.execute(
            """
            INSERT INTO change_events (event_id, event_type, model_id, other_model_id,
                category_id, before_value, after_value, cause_kind, materiality,
                summary, effective_at, detected_at, is_backfill)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'observation', ?, ?, ?, ?, ?)
            """,
            [
                event_id,
                event_type,
                model_id,
                other,
                category,
                before,
                after,
                materiality,
                summary,
                detected,
                detected,
                is_backfill,
            ],
        )


def insert_subscriber(
    con, email: str, region: str, status: str, *, categories=(), events=()
) -> str:
    """A subscriber row as `subscribers add` and `confirm` leave it."""
    subscriber_id = "s-" + email.split("@")[0]
    con.execute(
        "INSERT INTO subscribers VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
        [
            subscriber_id,
            email,
            region,
            list(categories),
            list(events),
            status,
            RUN_AT,
            RUN_AT if status == "confirmed" else None,
            RUN_AT,
        ],
    )
    return subscriber_id


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A DuckDB file with models, a fortnight of events and four subscribers."""
    path = tmp_path / "leaderboard.duckdb"
    con = open_database(path)
    for model_id, name in MODELS:
        con.execute(
            "INSERT INTO models (model_id, name, created_at) VALUES (?, ?, ?)",
            [model_id, name, RUN_AT],
        )
    insert_events(con)
    insert_subscriber(con, "ada@example.org", "eu_eea", "confirmed")
    insert_subscriber(
        con, "bob@example.com", "us", "confirmed", events=["price_changed"]
    )
    insert_subscriber(con, "cat@example.net", "uk", "pending")
    insert_subscriber(con, "dan@example.org", "other", "confirmed", categories=["math"])
    con.close()
    return path


def query(path: Path, sql: str, params=None) -> list[tuple]:
    con = open_database(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()
