"""Replaying real shared history, one dated mirror after another, finds the changes
the publishers themselves announced.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.run import RefreshOptions, refresh_body
from ingest.parsers import litellm
from ingest.parsers.llm_api_pricing import parse_news_log

OTBEAR_DAYS = {
    # file date: upstream commit instant (the snapshot's time)
    "2026-08-01": "2026-08-01T08:20:47+00:00",
    "2026-08-02": "2026-08-02T06:44:47+00:00",
    "2026-08-03": "2026-08-03T07:45:23+00:00",
    "2026-08-04": "2026-08-04T06:40:02+00:00",
    "2026-08-05": "2026-08-05T06:41:11+00:00",
    "2026-08-06": "2026-08-06T06:44:35+00:00",
    "2026-08-07": "2026-08-07T05:49:49+00:00",
    "2026-08-08": "2026-08-08T06:36:36+00:00",
}
OUR_TYPE = {
    "price_change": "price_changed",
    "new": "price_added",
    "removed": "price_removed",
}


def replay(
    db: Path, tmp: Path, source_id: str, mirror_name: str, file: Path, at: datetime
) -> dict:
    mirror = tmp / f"mirror-{at:%Y%m%dT%H%M%S}"
    mirror.mkdir()
    shutil.copyfile(file, mirror / mirror_name)
    return refresh_body(
        str(db), at, RefreshOptions(mirror=str(mirror), source_ids=(source_id,))
    )


def events_at(db: Path, source_id: str, at: datetime) -> set[tuple[str, str, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute(
            "SELECT event_type, provider, raw_name FROM change_events "
            "WHERE source_id = ? AND detected_at = ?",
            [source_id, at],
        ).fetchall()
    return set(found)


def test_daily_price_snapshots_match_the_publishers_own_change_log(
    shared_data, tmp_path
):
    folder = shared_data / "otbear-llm-api-pricing"
    log = parse_news_log(
        (folder / "otbear-news-log-asof-2026-08-08.jsonl").read_bytes()
    )
    db = tmp_path / "db.duckdb"
    found = {}

    for day, instant in OTBEAR_DAYS.items():
        at = datetime.fromisoformat(instant)
        replay(
            db,
            tmp_path,
            "llm-api-pricing",
            "llm-api-pricing.json",
            folder / f"otbear-llm-pricing-{day}.json",
            at,
        )
        found[day] = events_at(db, "llm-api-pricing", at)

    assert found["2026-08-01"] == set()  # a source's first snapshot announces nothing
    for day in list(OTBEAR_DAYS)[1:]:
        published = {
            (OUR_TYPE[e.type], e.provider, e.model)
            for e in log
            if e.date.isoformat() == day
        }
        if day == "2026-08-07":
            # The scraper began listing batch prices that day and did not log them: a
            # format change at the source, not a market event (see the MANIFEST).
            extra = found[day] - published
            assert len(extra) == 28
            assert all(
                kind == "price_added" and name.endswith(":batch")
                for kind, _, name in extra
            )
            assert published <= found[day]
        else:
            assert found[day] == published, day


def test_a_price_cut_between_two_snapshots_is_a_price_event(shared_data, tmp_path):
    db = tmp_path / "db.duckdb"
    first, second = (
        datetime(2025, 5, 31, 22, 6, tzinfo=UTC),
        datetime(2025, 9, 1, 23, 7, tzinfo=UTC),
    )
    replay(
        db,
        tmp_path,
        "litellm",
        "litellm-prices.json",
        shared_data / "litellm/litellm-prices-2025-05-31.json",
        first,
    )

    replay(
        db,
        tmp_path,
        "litellm",
        "litellm-prices.json",
        shared_data / "litellm/litellm-prices-2025-09-01.json",
        second,
    )

    with duckdb.connect(str(db), read_only=True) as con:
        o3 = con.execute(
            "SELECT event_type, before_text, after_text, materiality, cause_snapshot_sha256 "
            "FROM change_events WHERE raw_name = 'o3' AND source_id = 'litellm'"
        ).fetchall()
    assert o3 == [
        ("price_changed", "$10.00 / $40.00", "$2.00 / $8.00", "routine", o3[0][4])
    ]
    assert len(o3[0][4]) == 64


def manifest_note(shared_data: Path) -> tuple[set[str], set[str]]:
    text = (shared_data / "MANIFEST.md").read_text()
    block = text[text.index("Update prices: 2025-12-02 04:15:08") :]
    added = re.search(r"^Added: (.*)$", block, re.M).group(1)
    modified = re.search(r"^Modified: (.*)$", block, re.M).group(1)

    def keys(line: str) -> set[str]:
        return {item.strip().rsplit("@", 1)[0] for item in line.split(",")}

    return keys(added), keys(modified)


def same_prices(before: Path, after: Path, key: str) -> bool:
    old, new = json.loads(before.read_text())[key], json.loads(after.read_text())[key]
    return all(
        math.isclose(old[field], new[field], rel_tol=1e-9)
        for field in ("input_cost_per_token", "output_cost_per_token")
    )


def test_consecutive_price_maps_give_exactly_the_publishers_changes(
    shared_data, tmp_path
):
    folder = shared_data / "litellm"
    before_file = folder / "litellm-prices-2025-12-02T0240Z.json"
    after_file = folder / "litellm-prices-2025-12-02T0415Z.json"
    db = tmp_path / "db.duckdb"
    first, second = (
        datetime(2025, 12, 2, 2, 40, tzinfo=UTC),
        datetime(2025, 12, 2, 4, 15, tzinfo=UTC),
    )
    replay(db, tmp_path, "litellm", "litellm-prices.json", before_file, first)

    replay(db, tmp_path, "litellm", "litellm-prices.json", after_file, second)

    # Compared at the level the leaderboard prices: chat models with text prices,
    # which are exactly the entries the parser turns into price quotes.
    priced_after = {
        q.raw_model_name for q in litellm.parse(after_file.read_bytes()).price_quotes
    }
    priced_before = {
        q.raw_model_name for q in litellm.parse(before_file.read_bytes()).price_quotes
    }
    added, modified = manifest_note(shared_data)
    found = events_at(db, "litellm", second)
    assert {
        name for kind, _, name in found if kind == "price_added"
    } == added & priced_after
    real_changes = {
        name
        for name in modified & priced_after & priced_before
        if not same_prices(before_file, after_file, name)
    }
    assert {name for kind, _, name in found if kind == "price_changed"} == real_changes
    # One modified entry differs only by float noise (2.99999e-06 against
    # 2.9999900000000002e-06): not a price change, so not an event.
    assert modified & priced_after - real_changes == {
        "databricks/databricks-meta-llama-3-70b-instruct"
    }
    assert not {kind for kind, _, _ in found} - {"price_added", "price_changed"}


@pytest.mark.parametrize("rerun", [1, 2])
def test_replaying_the_same_day_again_adds_no_event(shared_data, tmp_path, rerun):
    folder = shared_data / "otbear-llm-api-pricing"
    db = tmp_path / "db.duckdb"
    for day in ("2026-08-05", "2026-08-06"):
        replay(
            db,
            tmp_path,
            "llm-api-pricing",
            "llm-api-pricing.json",
            folder / f"otbear-llm-pricing-{day}.json",
            datetime.fromisoformat(OTBEAR_DAYS[day]),
        )
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM change_events").fetchall()

    for attempt in range(rerun):
        later = datetime(2026, 8, 6, 12 + attempt, tzinfo=UTC)
        replay(
            db,
            tmp_path,
            "llm-api-pricing",
            "llm-api-pricing.json",
            folder / "otbear-llm-pricing-2026-08-06.json",
            later,
        )

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM change_events").fetchall() == before
