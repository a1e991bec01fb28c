"""A refresh killed between any two of its steps leaves a warehouse that the next run
completes: the same data, publications and events as a run that never crashed, and no
event stored twice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

DAY1 = "2026-08-05T06:41:11Z"
DAY2 = "2026-08-06T06:44:35Z"
LATER = "2026-08-06T09:00:00Z"


def mirror_for(shared: Path, tmp: Path, day: str) -> Path:
    folder = tmp / f"mirror-{day}"
    folder.mkdir()
    shutil.copyfile(
        shared / f"otbear-llm-api-pricing/otbear-llm-pricing-{day}.json",
        folder / "llm-api-pricing.json",
    )
    return folder


def refresh(db: Path, mirror: Path, at: str, crash_after: str | None = None) -> int:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("LEADERBOARD_CRASH_AFTER", None)
    if crash_after:
        env["LEADERBOARD_CRASH_AFTER"] = crash_after
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "--db",
            str(db),
            "refresh",
            "--mirror",
            str(mirror),
            "--source",
            "llm-api-pricing",
            "--at",
            at,
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    return done.returncode


def state(db: Path) -> dict[str, object]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            "events": sorted(
                con.execute(
                    "SELECT event_type, provider, raw_name, before_text, after_text "
                    "FROM change_events"
                ).fetchall()
            ),
            "current_prices": con.execute(
                "SELECT count(*) FROM prices WHERE valid_to IS NULL"
            ).fetchall(),
            "price_rows": con.execute("SELECT count(*) FROM prices").fetchall(),
            "ranked": con.execute(
                "SELECT count(*) FROM overall_scores o JOIN publications p "
                "USING (publication_id) WHERE p.as_of = (SELECT max(as_of) FROM "
                "publications)"
            ).fetchall(),
        }


@pytest.fixture(scope="module")
def clean(shared_data, tmp_path_factory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("clean")
    db = tmp / "db.duckdb"
    assert refresh(db, mirror_for(shared_data, tmp, "2026-08-05"), DAY1) == 0
    assert refresh(db, mirror_for(shared_data, tmp, "2026-08-06"), DAY2) == 0
    return state(db)


@pytest.mark.parametrize("step", ["reference", "sources", "publish", "events"])
def test_a_run_killed_after_a_step_is_completed_by_the_next_run(
    shared_data, tmp_path, clean, step
):
    db = tmp_path / "db.duckdb"
    assert refresh(db, mirror_for(shared_data, tmp_path, "2026-08-05"), DAY1) == 0
    day2 = mirror_for(shared_data, tmp_path, "2026-08-06")

    assert refresh(db, day2, DAY2, crash_after=step) == 70
    assert refresh(db, day2, LATER) == 0

    recovered = state(db)
    assert recovered == clean
    assert len(recovered["events"]) == 26  # the publisher's log for 2026-08-06
