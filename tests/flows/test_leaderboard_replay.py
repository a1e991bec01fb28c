"""Replaying real leaderboard sequences (LMArena, LiveBench) under a methodology that
weighs them: rank moves and new leaders are found, and changed cells are reported as
corrections, not as new values.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.run import RefreshOptions, refresh_body
from ingest.catalogue import bundled_catalogue_dir
from ingest.names import name_key, resolve_name
from ingest.parsers import livebench, lmarena
from scoring.methodology import bundled_methodology_paths
from warehouse.db import open_database, transaction
from warehouse.names import create_model
from warehouse.reference import select_model_aliases

TEST_METHODOLOGY = """
methodology_id = "replay-{name}"
effective_from = "2024-01-01T00:00:00Z"

[thresholds]
overall_min_benchmark_count = 1
overall_min_category_count = 1

[[categories]]
category_id = "{name}"
name = "{name}"
weight_pct = 100

[[benchmarks]]
benchmark_id = "{benchmark}"
name = "{benchmark}"
category_id = "{name}"
weight_pct = 100
unit = "{unit}"
scale_min = 0
scale_max = {scale_max}
normalise_low = {low}
normalise_high = {high}
max_age_days = 3650
"""


def setup(
    tmp_path: Path,
    name: str,
    benchmark: str,
    unit: str,
    scale_max: int,
    low: int,
    high: int,
) -> RefreshOptions:
    methodologies = tmp_path / "methodologies"
    methodologies.mkdir()
    shutil.copy(bundled_methodology_paths()[0], methodologies / "v1.toml")
    (methodologies / "replay.toml").write_text(
        TEST_METHODOLOGY.format(
            name=name,
            benchmark=benchmark,
            unit=unit,
            scale_max=scale_max,
            low=low,
            high=high,
        )
    )
    catalogue = tmp_path / "catalogue"
    shutil.copytree(bundled_catalogue_dir(), catalogue)
    values = catalogue / "values.csv"
    values.write_text(
        "".join(
            line
            for line in values.read_text().splitlines(True)
            if "LMArena" not in line
        )
    )
    return RefreshOptions(
        methodology_dir=str(methodologies), catalogue_dir=str(catalogue)
    )


def track(db: Path, raw_names: set[str], at: datetime) -> None:
    """Do what an operator does from the names queue: create a model per name."""
    con = open_database(db)
    with transaction(con):
        aliases = select_model_aliases(con)
        for raw in sorted(raw_names):
            if resolve_name(raw, aliases).resolved_id is None:
                create_model(con, raw, name_key(raw), raw, None, at)
                aliases[name_key(raw)] = name_key(raw)
    con.close()


def replay(
    db: Path,
    tmp: Path,
    options: RefreshOptions,
    source_id: str,
    files: dict[str, Path],
    at: datetime,
) -> dict:
    mirror = tmp / f"mirror-{at:%Y%m%d}"
    for name, path in files.items():
        (mirror / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, mirror / name)
    return refresh_body(
        str(db), at, _with(options, mirror=str(mirror), source_ids=(source_id,))
    )


def _with(options: RefreshOptions, **changes) -> RefreshOptions:
    from dataclasses import replace

    return replace(options, **changes)


def events(db: Path, at: datetime) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT event_type, model_id, other_model_id, before_value, after_value, "
            "category_id, raw_name FROM change_events WHERE detected_at = ? ORDER BY ALL",
            [at],
        ).fetchall()


ARENA_DAYS = {
    datetime(2024, 8, 7, 11, 16, tzinfo=UTC): "lmarena-text-2024-08-07.csv",
    datetime(2024, 11, 22, 11, 19, tzinfo=UTC): "lmarena-text-2024-11-22.csv",
    datetime(2025, 2, 16, 11, 17, tzinfo=UTC): "lmarena-text-2025-02-16.csv",
}


@pytest.fixture(scope="module")
def arena_replay(tmp_path_factory, shared_data):
    tmp = tmp_path_factory.mktemp("arena")
    options = setup(tmp, "chat", "lmarena-text", "elo", 4000, 1000, 1500)
    db = tmp / "db.duckdb"
    parsed = {
        at: lmarena.parse((shared_data / "lmarena" / f).read_bytes())
        for at, f in ARENA_DAYS.items()
    }
    refresh_body(
        str(db), datetime(2024, 8, 1, tzinfo=UTC), _with(options, include_sources=False)
    )
    track(
        db,
        {o.raw_model_name for p in parsed.values() for o in p.observations},
        datetime(2024, 8, 1, tzinfo=UTC),
    )
    for at, name in ARENA_DAYS.items():
        replay(
            db,
            tmp,
            options,
            "lmarena",
            {"lmarena-text.csv": shared_data / "lmarena" / name},
            at,
        )
    return db, parsed


def leader(parsed) -> str:
    best = max(parsed.observations, key=lambda o: o.value)
    return name_key(best.raw_model_name)


def test_each_new_arena_leader_is_a_new_leader_event(arena_replay):
    db, parsed = arena_replay
    days = list(ARENA_DAYS)

    for previous, current in zip(days, days[1:], strict=False):
        leaders = [e for e in events(db, current) if e[0] == "new_leader"]

        expected = ("new_leader", leader(parsed[current]), leader(parsed[previous]))
        # Overall (no category) and in the one weighted category, "chat".
        assert sorted((e[:3] + e[5:6] for e in leaders), key=str) == sorted(
            [(*expected, None), (*expected, "chat")], key=str
        )


def test_changed_arena_scores_are_corrections_not_new_values(arena_replay):
    db, parsed = arena_replay
    first, second = list(ARENA_DAYS)[:2]
    before = {o.raw_model_name: o.value for o in parsed[first].observations}
    after = {o.raw_model_name: o.value for o in parsed[second].observations}
    changed = {n for n in before.keys() & after.keys() if before[n] != after[n]}
    added = after.keys() - before.keys()

    found = events(db, second)

    assert {e[6] for e in found if e[0] == "value_corrected"} == changed
    assert {e[6] for e in found if e[0] == "value_new"} == added


def test_rank_moves_agree_with_the_stored_publications(arena_replay):
    db, _ = arena_replay
    second = list(ARENA_DAYS)[1]

    moves = [e for e in events(db, second) if e[0] == "rank_moved"]

    assert len(moves) > 20
    with duckdb.connect(str(db), read_only=True) as con:
        for _, model, _, before, after, _, _ in moves:
            ranks = con.execute(
                "SELECT p.as_of, o.rank FROM overall_scores o JOIN publications p "
                "USING (publication_id) WHERE o.model_id = ? AND o.lane = 'provisional' "
                "AND p.as_of <= ? ORDER BY p.as_of DESC LIMIT 2",
                [model, second],
            ).fetchall()
            assert [r for _, r in ranks] == [after, before]


def test_livebench_cells_changed_within_a_release_are_corrections(
    shared_data, tmp_path
):
    options = setup(tmp_path, "livebench", "livebench", "percent", 100, 0, 100)
    db = tmp_path / "db.duckdb"
    folder = shared_data / "livebench"
    days = {
        datetime(2026, 1, 14, 20, tzinfo=UTC): (
            "livebench-table-r2026-01-08-asof-2026-01-14.csv",
            "livebench-categories-r2026-01-08-asof-2026-01-08.json",
        ),
        datetime(2026, 1, 19, 5, tzinfo=UTC): (
            "livebench-table-r2026-01-08-asof-2026-01-19.csv",
            "livebench-categories-r2026-01-08-asof-2026-01-19.json",
        ),
    }
    parsed = {
        at: livebench.parse((folder / t).read_bytes(), (folder / c).read_bytes())
        for at, (t, c) in days.items()
    }
    refresh_body(
        str(db), datetime(2026, 1, 1, tzinfo=UTC), _with(options, include_sources=False)
    )
    track(
        db,
        {o.raw_model_name for p in parsed.values() for o in p.observations},
        datetime(2026, 1, 1, tzinfo=UTC),
    )

    for at, (table, categories) in days.items():
        replay(
            db,
            tmp_path,
            options,
            "livebench",
            {
                "livebench/table.csv": folder / table,
                "livebench/categories.json": folder / categories,
            },
            at,
        )

    first, second = list(days)
    average = "LiveBench Global Average"
    before = {
        o.raw_model_name: o.value
        for o in parsed[first].observations
        if o.raw_benchmark_name == average
    }
    after = {
        o.raw_model_name: o.value
        for o in parsed[second].observations
        if o.raw_benchmark_name == average
    }
    changed = {n for n in before.keys() & after.keys() if before[n] != after[n]}
    found = events(db, second)
    assert changed
    assert {e[6] for e in found if e[0] == "value_corrected"} == changed
    assert not [e for e in found if e[0] == "value_new"]
