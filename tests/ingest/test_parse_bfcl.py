"""Tests for the Berkeley Function Calling Leaderboard CSV parser, on shared files."""

from __future__ import annotations

import pytest

from ingest.parsers import bfcl


def parse_file(shared_data, name):
    return bfcl.parse((shared_data / "bfcl" / name).read_bytes())


def benchmarks(result):
    return {o.raw_benchmark_name for o in result.observations}


@pytest.mark.parametrize(
    ("name", "count", "columns"),
    [
        ("bfcl-overall-2024-12-31.csv", 2047, 23),
        ("bfcl-overall-2025-04-30.csv", 2165, 18),
        ("bfcl-overall-2025-12-16.csv", 2725, 25),
    ],
)
def test_parse_bfcl_reads_every_percent_column_of_each_version(
    shared_data, name, count, columns
):
    result = parse_file(shared_data, name)

    assert len(result.observations) == count
    assert len(benchmarks(result)) == columns
    assert result.warnings == ()


def test_parse_bfcl_parses_percent_strings_and_keeps_the_mode_suffix(shared_data):
    result = parse_file(shared_data, "bfcl-overall-2025-12-16.csv")

    first = result.observations[0]
    assert first.raw_model_name == "Claude-Opus-4-5-20251101 (FC)"
    assert first.raw_benchmark_name == "BFCL Overall Acc"
    assert (first.value, first.value_text, first.unit) == (77.47, "77.47%", "percent")


def test_parse_bfcl_follows_columns_dropped_and_added_between_versions(shared_data):
    december_2024 = benchmarks(parse_file(shared_data, "bfcl-overall-2024-12-31.csv"))
    april_2025 = benchmarks(parse_file(shared_data, "bfcl-overall-2025-04-30.csv"))
    december_2025 = benchmarks(parse_file(shared_data, "bfcl-overall-2025-12-16.csv"))

    assert "BFCL Non-Live Exec Acc" in december_2024
    assert "BFCL Non-Live Exec Acc" not in april_2025
    assert "BFCL Web Search Acc" in december_2025
    assert "BFCL Memory Acc" in december_2025


def test_parse_bfcl_skips_na_cells_and_reads_no_cost_or_latency(shared_data):
    result = parse_file(shared_data, "bfcl-overall-2025-04-30.csv")

    grok = [
        o
        for o in result.observations
        if o.raw_model_name == "Grok-3-mini-beta (Prompt)"
    ]
    assert len(grok) == 5
    assert not any("Latency" in name or "Cost" in name for name in benchmarks(result))


def test_parse_bfcl_keeps_function_calling_and_prompt_modes_apart(shared_data):
    result = parse_file(shared_data, "bfcl-overall-2025-04-30.csv")

    overall = {
        o.raw_model_name: o.value
        for o in result.observations
        if o.raw_benchmark_name == "BFCL Overall Acc"
    }
    assert overall["GPT-4.1-nano-2025-04-14 (FC)"] == 52.98
    assert overall["GPT-4.1-nano-2025-04-14 (Prompt)"] == 49.41


def test_parse_bfcl_warns_on_a_cell_that_is_not_a_percent():
    data = b"Rank,Overall Acc,Model\n1,77.47%,a\n2,n/a-ish,b\n"

    result = bfcl.parse(data)

    assert [o.raw_model_name for o in result.observations] == ["a"]
    assert result.warnings == ("skipped CSV line 3 'Overall Acc': 'n/a-ish'",)
