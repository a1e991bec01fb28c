"""The review queue of unmatched names: list, map, create, ignore; the next refresh
applies each decision to values already stored.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from flows.cli import main


def run(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


@pytest.fixture
def queued(shared_data, tmp_path) -> Path:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    shutil.copyfile(
        shared_data / "lmarena/lmarena-text-2025-02-16.csv", mirror / "lmarena-text.csv"
    )
    db = tmp_path / "leaderboard.duckdb"
    result = run(
        db,
        "refresh",
        "--mirror",
        str(mirror),
        "--source",
        "lmarena",
        "--at",
        "2026-12-01T02:00:00Z",
    )
    assert result.exit_code == 0, result.output
    return db


def lmarena_model(db: Path, raw: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT model_id FROM observations WHERE source_id = 'lmarena' "
            "AND raw_model_name = ?",
            [raw],
        ).fetchall()


def test_names_lists_the_queue_with_sources_and_counts(queued):
    result = run(queued, "names", "--json")

    rows = json.loads(result.stdout)
    by_name = {row["raw_name"]: row for row in rows}
    assert by_name["Claude 3 Opus"]["sources"] == ["lmarena"]
    assert by_name["Claude 3 Opus"]["seen_count"] == 1


def test_mapping_a_name_resolves_stored_values_on_the_next_refresh(queued):
    run(
        queued,
        "names",
        "create",
        "Deepseek-v2.5",
        "--id",
        "deepseek-v2.5",
        "--name",
        "DeepSeek V2.5",
        "--organisation",
        "DeepSeek",
    )
    assert lmarena_model(queued, "Deepseek-v2.5-1210") == [(None,)]

    mapped = run(queued, "names", "map", "Deepseek-v2.5-1210", "DeepSeek V2.5")
    run(queued, "refresh", "--catalogue-only", "--at", "2026-12-02T02:00:00Z")

    assert mapped.exit_code == 0
    assert lmarena_model(queued, "Deepseek-v2.5-1210") == [("deepseek-v2.5",)]
    listed = json.loads(run(queued, "names", "--json", "--top", "1000").stdout)
    assert "Deepseek-v2.5-1210" not in {row["raw_name"] for row in listed}


def test_creating_a_model_from_a_name_makes_it_count(queued):
    result = run(
        queued,
        "names",
        "create",
        "Claude 3 Opus",
        "--id",
        "claude-3-opus",
        "--name",
        "Claude 3 Opus",
        "--organisation",
        "Anthropic",
    )
    run(queued, "refresh", "--catalogue-only", "--at", "2026-12-02T02:00:00Z")

    assert result.exit_code == 0
    assert lmarena_model(queued, "Claude 3 Opus") == [("claude-3-opus",)]


def test_ignoring_a_name_takes_it_off_the_queue(queued):
    result = run(queued, "names", "ignore", "Claude 3 Opus")

    assert result.exit_code == 0
    listed = json.loads(run(queued, "names", "--json", "--top", "1000").stdout)
    assert "Claude 3 Opus" not in {row["raw_name"] for row in listed}
    assert lmarena_model(queued, "Claude 3 Opus") == [(None,)]


def test_mapping_to_an_unknown_model_is_a_clear_error(queued):
    result = run(queued, "names", "map", "Claude 3 Opus", "Claude 9")

    assert result.exit_code == 1
    assert "no model named 'Claude 9'" in result.stderr
