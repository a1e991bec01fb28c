"""Tests for the LiveBench table and category parser, on the real shared files."""

from __future__ import annotations

import pytest

from ingest.errors import ParseError
from ingest.parsers import livebench

OPUS_BASE = "claude-4-1-opus-20250805-base"


def read(shared_data, name):
    return (shared_data / "livebench" / name).read_bytes()


def value_of(result, model, benchmark):
    matches = [
        o.value
        for o in result.observations
        if o.raw_model_name == model and o.raw_benchmark_name == benchmark
    ]
    assert len(matches) <= 1
    return matches[0] if matches else None


def test_parse_livebench_yields_tasks_categories_and_global_average(shared_data):
    result = livebench.parse(
        read(shared_data, "livebench-table-r2025-04-02-asof-2025-04-18.csv"),
        read(shared_data, "livebench-categories-r2025-04-02.json"),
    )

    # 63 models x (18 tasks + 6 categories + 1 global average)
    assert len(result.observations) == 63 * 25
    assert (
        value_of(result, "amazon.nova-lite-v1:0", "LiveBench LCB_generation") == 13.333
    )
    assert result.warnings == ()


def test_parse_livebench_without_categories_yields_only_task_values(shared_data):
    result = livebench.parse(
        read(shared_data, "livebench-table-r2026-01-08-asof-2026-01-14.csv")
    )

    assert len(result.observations) == 65 * 22
    assert {o.raw_benchmark_name for o in result.observations} >= {
        "LiveBench code_generation",
        "LiveBench integrals_with_game",
    }


def test_parse_livebench_sees_consecutive_events_appear_on_2026_01_19(shared_data):
    before = livebench.parse(
        read(shared_data, "livebench-table-r2026-01-08-asof-2026-01-14.csv")
    )
    after = livebench.parse(
        read(shared_data, "livebench-table-r2026-01-08-asof-2026-01-19.csv")
    )

    task = "LiveBench consecutive_events"
    assert not any(o.raw_benchmark_name == task for o in before.observations)
    assert sum(o.raw_benchmark_name == task for o in after.observations) == 65
    assert value_of(after, OPUS_BASE, task) == 2.223


def test_parse_livebench_data_analysis_average_moves_with_the_new_task(shared_data):
    before = livebench.parse(
        read(shared_data, "livebench-table-r2026-01-08-asof-2026-01-14.csv"),
        read(shared_data, "livebench-categories-r2026-01-08-asof-2026-01-08.json"),
    )
    after = livebench.parse(
        read(shared_data, "livebench-table-r2026-01-08-asof-2026-01-19.csv"),
        read(shared_data, "livebench-categories-r2026-01-08-asof-2026-01-19.json"),
    )

    # (37.827 + 96.078) / 2 before; (2.223 + 37.827 + 96.078) / 3 after.
    name = "LiveBench Data Analysis"
    assert value_of(before, OPUS_BASE, name) == pytest.approx(66.9525)
    assert value_of(after, OPUS_BASE, name) == pytest.approx(45.376)
    assert value_of(after, OPUS_BASE, "LiveBench Reasoning") == value_of(
        before, OPUS_BASE, "LiveBench Reasoning"
    )


def test_parse_livebench_computes_no_average_over_a_task_the_table_lacks(shared_data):
    result = livebench.parse(
        read(shared_data, "livebench-table-r2026-01-08-asof-2026-01-14.csv"),
        read(shared_data, "livebench-categories-r2026-01-08-asof-2026-01-19.json"),
    )

    names = {o.raw_benchmark_name for o in result.observations}
    assert "LiveBench Data Analysis" not in names
    assert "LiveBench Global Average" not in names
    assert "LiveBench Coding" in names
    assert "consecutive_events" in result.warnings[0]


def test_parse_livebench_skips_a_short_row_rather_than_misplace_its_cells(
    shared_data,
):
    result = livebench.parse(
        read(shared_data, "livebench-table-r2026-01-08-asof-2026-06-17.csv")
    )

    models = {o.raw_model_name for o in result.observations}
    assert len(models) == 125
    assert "nemotron-3-super-120b-a12b" not in models
    assert result.warnings == (
        "skipped CSV line 110: 21 cells for 24 columns "
        "(first cell 'nemotron-3-super-120b-a12b')",
    )


def test_parse_livebench_skips_empty_cells_and_the_averages_that_need_them():
    table = b"model,a,b,c\nm1,10.0,20.0,60.0\nm2,,30.0,90.0\n"
    categories = b'{"X": ["a", "b"], "Y": ["c"]}'

    result = livebench.parse(table, categories)

    assert value_of(result, "m1", "LiveBench X") == 15.0
    assert value_of(result, "m1", "LiveBench Global Average") == 37.5
    assert value_of(result, "m2", "LiveBench a") is None
    assert value_of(result, "m2", "LiveBench X") is None
    assert value_of(result, "m2", "LiveBench Y") == 90.0
    assert value_of(result, "m2", "LiveBench Global Average") is None


def test_parse_livebench_raises_parse_error_on_a_categories_file_of_the_wrong_shape():
    with pytest.raises(ParseError, match="category"):
        livebench.parse(b"model,a\nm,1\n", b'["a", "b"]')
