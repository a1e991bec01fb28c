"""Refreshing the registered sources from a local mirror of the shared public data."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from flows.cli import main
from flows.run import RefreshOptions, refresh_body
from ingest.registry import load_registry
from tests.flows.mirror import build_mirror

AT = datetime(2026, 12, 1, 2, tzinfo=UTC)


def rows(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory, shared_data) -> tuple[Path, Path, dict]:
    """A warehouse refreshed once from a mirror of the newest shared file per source."""
    root = tmp_path_factory.mktemp("mirrored")
    mirror = build_mirror(shared_data, root / "mirror")
    db = root / "warehouse" / "leaderboard.duckdb"
    summary = refresh_body(str(db), AT, RefreshOptions(mirror=str(mirror)))
    return db, mirror, summary


def test_a_mirror_refresh_loads_every_registered_source(mirrored):
    _, _, summary = mirrored

    outcomes = {r["source_id"]: r["outcome"] for r in summary["sources"]}
    assert set(outcomes) == {spec.source_id for spec in load_registry()}
    # The runtime source needs an API key or a mirrored file; the shared data has none.
    assert outcomes.pop("artificial-analysis") == "skipped"
    assert set(outcomes.values()) == {"loaded"}


def test_a_mirror_refresh_stores_each_snapshot_once_by_sha256(mirrored):
    db, _, _ = mirrored

    stored = rows(db, "SELECT sha256, path IS NULL FROM snapshots")
    snapshot_files = list((db.parent / "snapshots").rglob("*.gz"))
    assert len(stored) == len({sha for sha, _ in stored})
    assert {p.name.removesuffix(".gz") for p in snapshot_files} >= {
        s for s, _ in stored
    }


def test_rerunning_the_same_mirror_changes_no_data(mirrored, tmp_path):
    db, mirror, _ = mirrored
    copy = tmp_path / "again.duckdb"
    shutil.copyfile(db, copy)
    shutil.copytree(db.parent / "snapshots", tmp_path / "snapshots")
    tables = ("observations", "prices", "model_facts", "publications", "snapshots")
    before = {t: rows(copy, f"SELECT count(*) FROM {t}")[0][0] for t in tables}

    summary = refresh_body(
        str(copy),
        datetime(2026, 12, 2, 2, tzinfo=UTC),
        RefreshOptions(mirror=str(mirror)),
    )

    assert {r["outcome"] for r in summary["sources"]} == {"unchanged", "skipped"}
    assert {t: rows(copy, f"SELECT count(*) FROM {t}")[0][0] for t in tables} == before
    assert summary["publication"]["is_new"] is False


def test_source_values_resolve_to_catalogue_models_and_our_benchmarks(mirrored):
    db, _, _ = mirrored

    found = rows(
        db,
        """
        SELECT model_id, benchmark_id, value FROM observations
        WHERE source_id = 'aider-polyglot' AND raw_model_name = 'gpt-4.1-nano'""",
    )

    assert found == [("gpt-4.1-nano", "aider-polyglot", 8.9)]


def test_a_source_variant_of_a_benchmark_is_not_merged_with_ours(mirrored):
    db, _, _ = mirrored

    mapped = rows(
        db,
        """
        SELECT DISTINCT benchmark_id FROM observations
        WHERE source_id = 'open-llm-leaderboard'""",
    )

    assert mapped == [(None,)]


def test_unmatched_names_are_queued_with_their_sources(mirrored):
    db, _, _ = mirrored

    queued = rows(
        db,
        """
        SELECT source_id, seen_count FROM unresolved_names
        WHERE name_kind = 'model' AND raw_name = 'Claude 3 Opus'""",
    )

    assert queued and all(count >= 1 for _, count in queued)
    assert rows(db, "SELECT count(*) FROM unresolved_names")[0][0] > 500


def test_export_of_observations_carries_provenance(mirrored, tmp_path):
    db, _, _ = mirrored
    output = tmp_path / "observations.json"

    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(db),
            "export",
            "--table",
            "observations",
            "--format",
            "json",
            "-o",
            str(output),
        ],
    )

    assert result.exit_code == 0
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    row = next(r for r in lines if r["source_id"] == "lmarena")
    for key in (
        "raw_model_name",
        "raw_benchmark_name",
        "model_id",
        "benchmark_id",
        "snapshot_sha256",
        "retrieved_at",
        "lane",
    ):
        assert key in row
    assert len(row["snapshot_sha256"]) == 64


def test_sources_command_lists_health_and_mirror_file_names(mirrored):
    db, _, _ = mirrored

    result = CliRunner().invoke(
        main, ["--db", str(db), "sources", "--json", "--as-of", "2026-12-01T03:00:00Z"]
    )

    assert result.exit_code == 0
    by_id = {row["source_id"]: row for row in json.loads(result.stdout)}
    assert by_id["litellm"]["health"] == "fresh"
    assert by_id["litellm"]["mirror_files"] == ["litellm-prices.json"]
    assert "livebench/table.csv" in by_id["livebench"]["mirror_files"]


def test_a_missing_mirror_file_fails_that_source_and_keeps_its_data(mirrored, tmp_path):
    db, mirror, _ = mirrored
    copy = tmp_path / "db.duckdb"
    shutil.copyfile(db, copy)
    partial = tmp_path / "mirror"
    shutil.copytree(mirror, partial)
    (partial / "lmarena-text.csv").unlink()
    before = rows(
        copy,
        "SELECT count(*) FROM observations "
        "WHERE source_id = 'lmarena' AND valid_to IS NULL",
    )

    summary = refresh_body(
        str(copy),
        datetime(2026, 12, 3, tzinfo=UTC),
        RefreshOptions(mirror=str(partial), source_ids=("lmarena", "bfcl")),
    )

    outcomes = {
        r["source_id"]: (r["outcome"], r["message"]) for r in summary["sources"]
    }
    assert outcomes["lmarena"][0] == "fetch_failed"
    assert "MissingMirrorFile" in outcomes["lmarena"][1]
    assert outcomes["bfcl"][0] == "unchanged"
    assert (
        rows(
            copy,
            "SELECT count(*) FROM observations "
            "WHERE source_id = 'lmarena' AND valid_to IS NULL",
        )
        == before
    )
    assert rows(
        copy,
        "SELECT outcome, error_class FROM fetches WHERE source_id = 'lmarena' "
        "ORDER BY started_at DESC LIMIT 1",
    ) == [("failed", "MissingMirrorFile")]


def test_a_malformed_file_is_a_parse_failure_and_the_run_goes_on(shared_data, tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    shutil.copyfile(
        shared_data / "mmmu/mmmu-leaderboard-data-2024-11-20-MALFORMED.json",
        mirror / "mmmu-leaderboard.json",
    )
    shutil.copyfile(
        shared_data / "lmarena/lmarena-text-2025-02-16.csv", mirror / "lmarena-text.csv"
    )

    summary = refresh_body(
        str(tmp_path / "db.duckdb"),
        AT,
        RefreshOptions(mirror=str(mirror), source_ids=("mmmu", "lmarena")),
    )

    outcomes = {r["source_id"]: r for r in summary["sources"]}
    assert outcomes["mmmu"]["outcome"] == "parse_failed"
    assert "line 1959 column 5" in outcomes["mmmu"]["message"]
    assert outcomes["lmarena"]["outcome"] == "loaded"


def test_an_unknown_source_id_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(tmp_path / "x.duckdb"),
            "refresh",
            "--source",
            "nope",
            "--mirror",
            str(tmp_path),
        ],
    )

    assert result.exit_code == 1
    assert "unknown source 'nope'" in result.stderr
