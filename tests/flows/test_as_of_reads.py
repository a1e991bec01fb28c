"""Every read command answers as of an instant: the publication and history in force
then, not the latest.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import main
from ingest.catalogue import bundled_catalogue_dir

BEFORE, AFTER = "2026-12-01T02:00:00Z", "2026-12-08T02:00:00Z"


def run(db: Path, *args: str):
    result = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def corrected(tmp_path) -> Path:
    """A warehouse where GPT-4.1 nano's GPQA was corrected from 50.3 to 60.3 on 12-08."""
    db = tmp_path / "db.duckdb"
    run(db, "refresh", "--catalogue-only", "--at", BEFORE)
    catalogue = tmp_path / "catalogue"
    shutil.copytree(bundled_catalogue_dir(), catalogue)
    values = catalogue / "values.csv"
    values.write_text(
        values.read_text().replace("GPT-4.1 nano,GPQA,50.3,", "GPT-4.1 nano,GPQA,60.3,")
    )
    run(db, "refresh", "--catalogue-only", "--catalogue", str(catalogue), "--at", AFTER)
    return db


def nano_knowledge(db: Path, tmp: Path, *as_of: str) -> float:
    output = tmp / f"scores{len(as_of)}.json"
    run(
        db,
        "export",
        "--table",
        "category-scores",
        "--format",
        "json",
        "-o",
        str(output),
        *as_of,
    )
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    return next(
        r["score"]
        for r in rows
        if r["model_id"] == "gpt-4.1-nano"
        and r["category_id"] == "knowledge"
        and r["lane"] == "provisional"
    )


def test_show_as_of_reads_the_publication_in_force_then(corrected, tmp_path):
    before = json.loads(run(corrected, "show", "--json", "--as-of", "2026-12-05"))
    after = json.loads(run(corrected, "show", "--json"))

    assert before["publication_id"].startswith("20261201T020000Z")
    assert after["publication_id"].startswith("20261208T020000Z")
    then = nano_knowledge(corrected, tmp_path, "--as-of", "2026-12-05")
    assert round(then, 1) == 50.7
    assert nano_knowledge(corrected, tmp_path) > then


def test_compare_and_explain_as_of_use_the_values_of_then(corrected):
    then = json.loads(
        run(
            corrected,
            "compare",
            "Gemma 4 31B",
            "GPT-4.1 nano",
            "--json",
            "--as-of",
            "2026-12-05",
        )
    )
    explained = json.loads(
        run(
            corrected,
            "explain",
            "GPT-4.1 nano",
            "--json",
            "--category",
            "knowledge",
            "--as-of",
            "2026-12-05",
        )
    )

    assert then["biggest_swing"]["values"]["GPT-4.1 nano"] == 50.3
    gpqa = next(
        v for v in explained["categories"][0]["values"] if v["benchmark"] == "GPQA"
    )
    assert gpqa["value"] == 50.3


def test_export_as_of_gives_the_history_rows_valid_then(corrected, tmp_path):
    before, after = tmp_path / "before.json", tmp_path / "after.json"

    run(
        corrected,
        "export",
        "--table",
        "observations",
        "--format",
        "json",
        "-o",
        str(before),
        "--as-of",
        "2026-12-05",
    )
    run(
        corrected,
        "export",
        "--table",
        "observations",
        "--format",
        "json",
        "-o",
        str(after),
    )

    def gpqa(path: Path) -> list[float]:
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        return [
            r["value"]
            for r in rows
            if r["raw_model_name"] == "GPT-4.1 nano"
            and r["raw_benchmark_name"] == "GPQA"
        ]

    assert gpqa(before) == [50.3]
    assert sorted(gpqa(after)) == [50.3, 60.3]  # the export without --as-of is history


def test_events_filter_by_type_and_materiality(corrected):
    corrections = json.loads(
        run(corrected, "events", "--json", "--type", "value_corrected")
    )
    major = json.loads(run(corrected, "events", "--json", "--min-materiality", "major"))

    assert [
        (e["model_id"], e["before_value"], e["after_value"]) for e in corrections
    ] == [("gpt-4.1-nano", 50.3, 60.3)]
    assert corrections[0]["materiality"] == "notable"
    assert all(e["materiality"] == "major" for e in major)
