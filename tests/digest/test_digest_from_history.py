"""Weekly digests built from replayed public history: the LMArena snapshots of
2024-08-07, 2024-11-22 and 2025-02-16 replayed under a methodology that weighs the
arena, then the digests of the weeks of the last two sent through real SMTP.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.digest_run import run_weekly_digest
from flows.run import refresh_body
from ingest.parsers import lmarena
from tests.digest.conftest import insert_subscriber
from tests.flows.test_leaderboard_replay import ARENA_DAYS, _with, replay, setup, track
from warehouse.db import open_database


@pytest.fixture
def replayed(tmp_path, shared_data):
    options = setup(tmp_path, "chat", "lmarena-text", "elo", 4000, 1000, 1500)
    db = tmp_path / "db.duckdb"
    start = datetime(2024, 8, 1, tzinfo=UTC)
    refresh_body(str(db), start, _with(options, include_sources=False))
    names = {
        o.raw_model_name
        for f in ARENA_DAYS.values()
        for o in lmarena.parse((shared_data / "lmarena" / f).read_bytes()).observations
    }
    track(db, names, start)
    for at, name in ARENA_DAYS.items():
        replay(
            db,
            tmp_path,
            options,
            "lmarena",
            {"lmarena-text.csv": shared_data / "lmarena" / name},
            at,
        )
    con = open_database(db)
    insert_subscriber(con, "ada@example.org", "eu_eea", "confirmed")
    con.close()
    return db


def test_two_weeks_of_replayed_history_send_two_digests_naming_the_new_leaders(
    replayed, settings, smtp
):
    now = datetime(2025, 3, 1, tzinfo=UTC)

    first = run_weekly_digest(replayed, "2024-W47", now=now, settings=settings)
    second = run_weekly_digest(replayed, "2025-W07", now=now, settings=settings)
    again = run_weekly_digest(replayed, "2024-W47", now=now, settings=settings)

    assert (first.sent_count, second.sent_count, again.sent_count) == (1, 1, 0)
    november, february = smtp.to("ada@example.org")
    assert "2024-W47" in november["Subject"] and "2025-W07" in february["Subject"]
    november_text = november.get_body(("plain",)).get_content()
    february_text = february.get_body(("plain",)).get_content()
    assert "Gemini-Exp-1121" in november_text
    assert "Gemini-2.0-Flash-Thinking-Exp-01-21" in february_text
    assert november["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
