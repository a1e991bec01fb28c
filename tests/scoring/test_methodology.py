"""Methodology files: validation errors name the file and entry; versions are dated."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.run import RefreshOptions, refresh_body
from scoring.errors import MethodologyError
from scoring.methodology import bundled_methodology_paths, load_methodology
from warehouse.db import open_database
from warehouse.publications import select_publication

V1 = bundled_methodology_paths()[0]


def edited_copy(tmp_path: Path, old: str, new: str, name: str = "v1.toml") -> Path:
    folder = tmp_path / "methodologies"
    folder.mkdir(exist_ok=True)
    text = V1.read_text()
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1))
    return folder / name


def test_the_bundled_methodology_has_eight_categories_weighing_100_percent():
    methodology = load_methodology(V1)

    assert len(methodology.categories) == 8
    assert sum(c.weight_pct for c in methodology.categories) == 100
    assert methodology.benchmark("mmlu").is_weighted is False
    assert methodology.benchmark("bbh").is_weighted is False


def test_category_weights_that_do_not_add_up_name_the_file(tmp_path):
    path = edited_copy(tmp_path, "weight_pct = 22", "weight_pct = 25")

    with pytest.raises(
        MethodologyError, match=r"v1\.toml: category weights add up to 103%"
    ):
        load_methodology(path)


def test_benchmark_weights_that_do_not_add_up_name_the_category(tmp_path):
    path = edited_copy(tmp_path, "weight_pct = 16", "weight_pct = 10")

    with pytest.raises(
        MethodologyError, match="weights of category 'knowledge' add up to 94%"
    ):
        load_methodology(path)


def test_an_unknown_category_names_the_benchmark(tmp_path):
    path = edited_copy(
        tmp_path,
        'category_id = "math"\nweight_pct = 40',
        'category_id = "maths"\nweight_pct = 40',
    )

    with pytest.raises(
        MethodologyError, match="benchmark 'aime-2025': unknown category 'maths'"
    ):
        load_methodology(path)


def test_a_bad_methodology_leaves_the_warehouse_as_it_was(refreshed_path, tmp_path):
    bad = edited_copy(tmp_path, "weight_pct = 22", "weight_pct = 25")

    with pytest.raises(MethodologyError):
        refresh_body(
            str(refreshed_path),
            datetime(2026, 12, 2, tzinfo=UTC),
            RefreshOptions(methodology_dir=str(bad.parent), include_sources=False),
        )

    con = open_database(refreshed_path, read_only=True)
    assert con.execute("SELECT count(*) FROM publications").fetchall()[0][0] == 1


def test_a_later_methodology_version_changes_future_publications_only(
    warehouse_path, tmp_path
):
    folder = tmp_path / "methodologies"
    folder.mkdir()
    shutil.copy(V1, folder / "v1.toml")
    v2 = edited_copy(
        tmp_path, 'methodology_id = "v1"', 'methodology_id = "v2"', "v2.toml"
    )
    text = v2.read_text().replace(
        'effective_from = "2023-01-01T00:00:00Z"',
        'effective_from = "2026-06-01T00:00:00Z"',
    )
    v2.write_text(
        text.replace("weight_pct = 22", "weight_pct = 12", 1).replace(
            "weight_pct = 20", "weight_pct = 30", 1
        )
    )
    before, after = datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)

    refresh_body(
        str(warehouse_path),
        before,
        RefreshOptions(methodology_dir=str(folder), include_sources=False),
    )
    refresh_body(
        str(warehouse_path),
        after,
        RefreshOptions(methodology_dir=str(folder), include_sources=False),
    )

    con = open_database(warehouse_path, read_only=True)
    assert select_publication(con, before)["methodology_id"] == "v1"
    assert select_publication(con, after)["methodology_id"] == "v2"
    old, new = (
        con.execute(
            "SELECT score FROM overall_scores o JOIN publications p USING (publication_id) "
            "WHERE p.methodology_id = ? AND o.model_id = 'gpt-5.4' AND o.lane = 'provisional'",
            [version],
        ).fetchall()[0][0]
        for version in ("v1", "v2")
    )
    assert old != new


def test_editing_a_stored_methodology_version_is_refused(refreshed_path, tmp_path):
    edited = edited_copy(tmp_path, 'description = "', 'description = "Edited. ')

    with pytest.raises(Exception, match="already stored with another definition"):
        refresh_body(
            str(refreshed_path),
            datetime(2026, 12, 2, tzinfo=UTC),
            RefreshOptions(methodology_dir=str(edited.parent), include_sources=False),
        )
