"""The curated catalogue: every value cited, and bad entries named by file and line."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.pipeline import benchmark_scales
from flows.run import RefreshOptions, refresh_body
from ingest.catalogue import bundled_catalogue_dir, load_catalogue
from ingest.errors import CatalogueError
from scoring.methodology import bundled_methodology_paths, load_methodology
from warehouse.db import open_database

SCALES = benchmark_scales([load_methodology(p) for p in bundled_methodology_paths()])


def catalogue_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    shutil.copytree(bundled_catalogue_dir(), folder)
    return folder


def append_value(folder: Path, line: str) -> int:
    path = folder / "values.csv"
    text = path.read_text()
    path.write_text(text + line + "\n")
    return len(text.splitlines()) + 1


def test_the_bundled_catalogue_cites_every_value_and_holds_the_pair():
    catalogue = load_catalogue(bundled_catalogue_dir(), SCALES)

    assert len(catalogue.models) >= 16
    assert all(o.citation_url.startswith("https://") for o in catalogue.observations)
    nano = [o for o in catalogue.observations if o.raw_model_name == "GPT-4.1 nano"]
    assert {o.raw_benchmark_name: o.value for o in nano}["GPQA"] == 50.3
    prices = {q.raw_model_name: q for q in catalogue.price_quotes}
    assert prices["Gemma 4 31B"].state == "free"
    assert (
        prices["GPT-4.1 nano"].input_usd_per_mtok,
        prices["GPT-4.1 nano"].output_usd_per_mtok,
    ) == (0.1, 0.4)


def test_a_value_outside_its_scale_names_the_file_and_line(tmp_path):
    folder = catalogue_copy(tmp_path)
    line = append_value(folder, "Gemma 4 31B,AIME 2025,140,,https://example.org/x")

    with pytest.raises(
        CatalogueError, match=rf"values\.csv: line {line}: value 140 .* outside"
    ):
        load_catalogue(folder, SCALES)


def test_an_unknown_benchmark_names_the_line(tmp_path):
    folder = catalogue_copy(tmp_path)
    line = append_value(folder, "Gemma 4 31B,Vibes Bench,50,,https://example.org/x")

    with pytest.raises(
        CatalogueError, match=rf"line {line}: unknown benchmark 'Vibes Bench'"
    ):
        load_catalogue(folder, SCALES)


def test_an_unknown_model_names_the_line(tmp_path):
    folder = catalogue_copy(tmp_path)
    line = append_value(folder, "Mystery 9000,GPQA,50,,https://example.org/x")

    with pytest.raises(
        CatalogueError, match=rf"line {line}: unknown model 'Mystery 9000'"
    ):
        load_catalogue(folder, SCALES)


def test_a_value_without_a_citation_is_refused(tmp_path):
    folder = catalogue_copy(tmp_path)
    append_value(folder, "Gemma 4 31B,AIME 2025,50,,")

    with pytest.raises(CatalogueError, match="missing citation_url"):
        load_catalogue(folder, SCALES)


def test_an_alias_claimed_by_two_models_is_refused(tmp_path):
    folder = catalogue_copy(tmp_path)
    path = folder / "models.toml"
    path.write_text(
        path.read_text().replace(
            '"gemma-4-31b-it",', '"gemma-4-31b-it", "openai/gpt-4.1-nano",', 1
        )
    )

    with pytest.raises(CatalogueError, match="'openai/gpt-4.1-nano' already belongs"):
        load_catalogue(folder, SCALES)


def test_a_bad_catalogue_leaves_stored_data_untouched(refreshed_path, tmp_path):
    folder = catalogue_copy(tmp_path)
    append_value(folder, "Gemma 4 31B,GPQA,101,,https://example.org/x")
    con = open_database(refreshed_path, read_only=True)
    before = con.execute("SELECT count(*), sum(value) FROM observations").fetchall()
    con.close()

    with pytest.raises(CatalogueError):
        refresh_body(
            str(refreshed_path),
            datetime(2026, 12, 2, tzinfo=UTC),
            RefreshOptions(catalogue_dir=str(folder), include_sources=False),
        )

    con = open_database(refreshed_path, read_only=True)
    assert (
        con.execute("SELECT count(*), sum(value) FROM observations").fetchall()
        == before
    )
    assert con.execute("SELECT count(*) FROM publications").fetchall()[0][0] == 1


def test_a_corrected_catalogue_value_becomes_history(refreshed_path, tmp_path):
    folder = catalogue_copy(tmp_path)
    path = folder / "values.csv"
    path.write_text(
        path.read_text().replace("GPT-4.1 nano,GPQA,50.3,", "GPT-4.1 nano,GPQA,52.0,")
    )

    refresh_body(
        str(refreshed_path),
        datetime(2026, 12, 2, tzinfo=UTC),
        RefreshOptions(catalogue_dir=str(folder), include_sources=False),
    )

    con = open_database(refreshed_path, read_only=True)
    history = con.execute(
        "SELECT value, valid_to IS NULL FROM observations WHERE raw_model_name = "
        "'GPT-4.1 nano' AND raw_benchmark_name = 'GPQA' ORDER BY valid_from"
    ).fetchall()
    assert history == [(50.3, False), (52.0, True)]
    assert con.execute("SELECT count(*) FROM publications").fetchall()[0][0] == 2
