"""Backfill from stored history: daily publications, backfill events, reparse."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
from click.testing import CliRunner

from flows.cli import main
from flows.run import RefreshOptions, refresh_body

DAYS = ("2026-08-05", "2026-08-06", "2026-08-07")


def run(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def loaded(shared: Path, tmp: Path) -> Path:
    """Three days of one price source, loaded day by day, with no event detection."""
    db = tmp / "db.duckdb"
    for day in DAYS:
        mirror = tmp / day
        mirror.mkdir()
        shutil.copyfile(
            shared / f"otbear-llm-api-pricing/otbear-llm-pricing-{day}.json",
            mirror / "llm-api-pricing.json",
        )
        refresh_body(
            str(db),
            datetime.fromisoformat(f"{day}T06:00:00+00:00"),
            RefreshOptions(mirror=str(mirror), source_ids=("llm-api-pricing",)),
        )
    return db


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_backfill_marks_its_events_and_a_second_run_adds_nothing(
    shared_data, tmp_path
):
    db = loaded(shared_data, tmp_path)
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM change_events")
    first = json.loads(
        run(
            db, "backfill", "--from", "2026-08-01", "--to", "2026-08-08", "--json"
        ).stdout
    )

    second = json.loads(
        run(
            db, "backfill", "--from", "2026-08-01", "--to", "2026-08-08", "--json"
        ).stdout
    )

    assert first["day_count"] == 8 and first["computed_day_count"] == 3
    assert first["event_count"] > 0 and second["event_count"] == 0
    assert query(db, "SELECT DISTINCT is_backfill FROM change_events") == [(True,)]
    listed = json.loads(run(db, "events", "--no-backfill", "--json").stdout)
    assert listed == []


def test_backfill_events_equal_the_events_of_the_live_runs(shared_data, tmp_path):
    db = loaded(shared_data, tmp_path)
    live = query(
        db,
        "SELECT event_type, raw_name, before_text, after_text "
        "FROM change_events ORDER BY ALL",
    )
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM change_events")

    run(db, "backfill", "--from", "2026-08-01", "--to", "2026-08-08")

    assert (
        query(
            db,
            "SELECT event_type, raw_name, before_text, after_text "
            "FROM change_events ORDER BY ALL",
        )
        == live
    )


def test_reparse_rebuilds_history_from_the_stored_snapshots(shared_data, tmp_path):
    db = loaded(shared_data, tmp_path)
    truth = query(
        db,
        "SELECT raw_model_name, provider, input_usd_per_mtok, valid_from, "
        "valid_to FROM prices ORDER BY ALL",
    )
    with duckdb.connect(str(db)) as con:  # what an old parser bug would have stored
        con.execute(
            "UPDATE prices SET input_usd_per_mtok = input_usd_per_mtok * 10 "
            "WHERE source_id = 'llm-api-pricing'"
        )

    result = run(
        db,
        "backfill",
        "--from",
        "2026-08-05",
        "--to",
        "2026-08-07",
        "--reparse",
        "--json",
    )

    reparsed = json.loads(result.stdout)["reparsed"]
    assert [(r["source_id"], r["snapshot_count"]) for r in reparsed] == [
        ("llm-api-pricing", 3)
    ]
    assert (
        query(
            db,
            "SELECT raw_model_name, provider, input_usd_per_mtok, valid_from, "
            "valid_to FROM prices ORDER BY ALL",
        )
        == truth
    )
