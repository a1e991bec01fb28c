"""The `leaderboard` command end to end on a real DuckDB file, in process."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from flows.cli import main


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def count(db: Path, table: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_refresh_prints_the_leaderboard_with_gemma_and_nano(warehouse_path):
    code, out, _ = run(
        warehouse_path, "refresh", "--catalogue-only", "--at", "2026-12-01T02:00:00Z"
    )

    assert code == 0
    assert "(new)" in out
    assert "Gemma 4 31B" in out and "GPT-4.1 nano" in out


def test_refresh_twice_changes_nothing(warehouse_path):
    run(warehouse_path, "refresh", "--catalogue-only", "--at", "2026-12-01T02:00:00Z")
    before = {
        t: count(warehouse_path, t)
        for t in (
            "observations",
            "prices",
            "publications",
            "category_scores",
            "snapshots",
        )
    }

    code, out, _ = run(
        warehouse_path, "refresh", "--catalogue-only", "--at", "2026-12-02T02:00:00Z"
    )

    assert code == 0
    assert "(unchanged)" in out
    after = {t: count(warehouse_path, t) for t in before}
    assert after == before


def test_compare_gemma_and_nano_shows_the_published_figures(refreshed_path):
    code, out, _ = run(refreshed_path, "compare", "Gemma 4 31B", "GPT-4.1 nano")

    assert code == 0
    text = " ".join(out.split())
    assert "Gemma 4 31B wins 3 of 8 categories; GPT-4.1 nano wins 1 of 8." in text
    assert "sharpest advantage is Coding, 80 against 18 (no shared benchmark)" in text
    assert "GPT-4.1 nano hits back in Reasoning, 74.1 against 66.4" in text
    assert "Biggest swing: GPQA, 84.3% against 50.3%." in text
    assert "Gemma 4 31B free; GPT-4.1 nano $0.10 / $0.40 per 1M tokens" in text
    assert "Context window: Gemma 4 31B 256K, GPT-4.1 nano 1M." in text
    assert "Infinity" not in text and "null" not in text
    assert "throughput N/A, time to first token N/A" in text


def test_compare_json_has_category_scores_winners_and_prices(refreshed_path):
    code, out, _ = run(
        refreshed_path, "compare", "gemma 4 31b", "gpt-4.1-nano", "--json"
    )

    assert code == 0
    payload = json.loads(out)
    gemma, nano = "Gemma 4 31B", "GPT-4.1 nano"
    assert payload["models"] == [gemma, nano]
    assert payload["category_wins"] == {gemma: 3, nano: 1}
    by_id = {c["category_id"]: c for c in payload["categories"]}
    expected = {
        "coding": (80.0, 18.0, gemma, 0),
        "multimodal": (76.9, 59.3, gemma, 1),
        "reasoning": (66.4, 74.1, nano, 1),
        "knowledge": (61.3, 50.7, gemma, 1),
    }
    for category_id, (a, b, winner, shared) in expected.items():
        entry = by_id[category_id]
        assert entry["scores"] == {gemma: a, nano: b}
        assert entry["winner"] == winner
        assert entry["shared_benchmark_count"] == shared
    for category_id in ("agentic", "instruction_following", "math", "multilingual"):
        assert by_id[category_id]["winner"] is None
    assert payload["biggest_swing"] == {
        "benchmark": "GPQA",
        "unit": "percent",
        "values": {gemma: 84.3, nano: 50.3},
    }
    assert payload["prices"][gemma]["state"] == "free"
    assert payload["prices"][nano]["state"] == "priced"
    assert payload["prices"][nano]["input_usd_per_mtok"] == 0.1
    assert payload["prices"][nano]["output_usd_per_mtok"] == 0.4
    assert set(payload["overall"]) == {gemma, nano}


def test_compare_with_an_unknown_model_is_a_one_line_error_with_close_matches(
    refreshed_path,
):
    code, out, err = run(refreshed_path, "compare", "Gemma 4 31", "GPT-4.1 nano")

    assert code == 1
    assert err.count("\n") == 1
    assert "no model named 'Gemma 4 31'" in err
    assert "'Gemma 4 31B'" in err


def test_a_command_before_any_refresh_says_what_to_do(warehouse_path):
    code, _, err = run(warehouse_path, "show")

    assert code == 1
    assert "run `leaderboard refresh` first" in err


def test_show_json_ranks_with_the_overall_gate(refreshed_path):
    code, out, _ = run(refreshed_path, "show", "--json")

    assert code == 0
    payload = json.loads(out)
    ranks = [row["rank"] for row in payload["rows"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert all(
        row["value_count"] >= 8 and row["category_count"] >= 2
        for row in payload["rows"]
    )
    assert payload["unranked"]


def test_show_top_and_category_and_lane_filter_the_rows(refreshed_path):
    _, out, _ = run(
        refreshed_path,
        "show",
        "--json",
        "--top",
        "3",
        "--category",
        "Knowledge",
        "--lane",
        "verified",
    )

    payload = json.loads(out)
    assert payload["category"] == "knowledge" and payload["lane"] == "verified"
    assert len(payload["rows"]) == 3
    assert all(
        r["weighted_value_count"] * 2 >= r["weighted_benchmark_count"]
        for r in payload["rows"]
    )


def test_show_with_an_unknown_category_lists_the_known_ones(refreshed_path):
    code, _, err = run(refreshed_path, "show", "--category", "poetry")

    assert code == 1
    assert "no category named 'poetry'" in err and "knowledge" in err


def test_explain_contributions_add_up_to_the_overall_score(refreshed_path):
    code, out, _ = run(refreshed_path, "explain", "GPT-4.1 nano", "--json")

    assert code == 0
    payload = json.loads(out)
    assert payload["contribution_total"] == pytest.approx(payload["overall"])
    coding = next(c for c in payload["categories"] if c["category_id"] == "coding")
    assert coding["reason"].startswith("below coverage: 1 of 4")
    knowledge = next(
        c for c in payload["categories"] if c["category_id"] == "knowledge"
    )
    statuses = {v["benchmark"]: v["status"] for v in knowledge["values"]}
    assert statuses["MMLU"] == "display-only"
    assert statuses["GPQA"] == "counted"
    assert all(len(v["snapshot_sha256"]) == 64 for v in knowledge["values"])


def test_explain_one_category_prints_its_values(refreshed_path):
    code, out, _ = run(
        refreshed_path, "explain", "Gemma 4 31B", "--category", "knowledge"
    )

    assert code == 0
    assert "HLE w/o tools" in out and "display-only" in out
    assert "Coding" not in out


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
@pytest.mark.parametrize(
    "table", ["models", "observations", "prices", "publications", "scores"]
)
def test_export_writes_every_table_in_every_format(
    refreshed_path, tmp_path, table, fmt
):
    output = tmp_path / f"{table}.{fmt}"

    code, out, _ = run(
        refreshed_path,
        "export",
        "--table",
        table,
        "--format",
        fmt,
        "--output",
        str(output),
    )

    assert code == 0
    rows = int(out.split()[1])
    assert rows > 0
    if fmt == "parquet":
        assert pq.read_table(output).num_rows == rows
    elif fmt == "json":
        assert len(output.read_text().splitlines()) == rows
    else:
        assert len(output.read_text().splitlines()) == rows + 1


def test_export_of_an_unknown_table_is_a_usage_error(refreshed_path):
    code, _, err = run(refreshed_path, "export", "--table", "secrets")

    assert code == 2
    assert "secrets" in err


@pytest.mark.parametrize("command", ["refresh", "show", "compare", "explain", "export"])
def test_every_command_has_help_text(command):
    result = CliRunner().invoke(main, [command, "--help"])

    assert result.exit_code == 0
    summary = main.commands[command].get_short_help_str()
    assert summary and len(summary) > 10


def test_a_price_past_its_sources_max_age_shows_as_unknown(warehouse_path):
    run(warehouse_path, "refresh", "--catalogue-only", "--at", "2026-12-01T02:00:00Z")
    # The catalogue vouches for its prices for ten years; eleven years on they lapse.
    run(warehouse_path, "refresh", "--catalogue-only", "--at", "2037-12-01T02:00:00Z")

    code, out, _ = run(
        warehouse_path,
        "compare",
        "Gemma 4 31B",
        "GPT-4.1 nano",
        "--json",
        "--as-of",
        "2037-12-01T03:00:00Z",
    )

    assert code == 0
    prices = json.loads(out)["prices"]
    assert prices["GPT-4.1 nano"]["state"] == "unknown"
    assert prices["GPT-4.1 nano"]["input_usd_per_mtok"] is None
