"""Tests for the SWE-bench leaderboards.json parser, on the real shared files."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from ingest.errors import ParseError
from ingest.parsers import swebench


def parse_file(shared_data, name):
    return swebench.parse((shared_data / "swebench" / name).read_bytes())


def find(result, benchmark, folder):
    matches = [
        o
        for o in result.observations
        if o.raw_benchmark_name == benchmark and o.raw_run_id == folder
    ]
    assert len(matches) == 1
    return matches[0]


def test_parse_swebench_yields_one_observation_per_board_entry(shared_data):
    result = parse_file(shared_data, "swebench-leaderboards-2025-09-10.json")

    assert Counter(o.raw_benchmark_name for o in result.observations) == {
        "SWE-bench bash-only": 21,
        "SWE-bench Full": 22,
        "SWE-bench Verified": 133,
        "SWE-bench Lite": 80,
        "SWE-bench Multimodal": 21,
    }


def test_parse_swebench_reads_the_may_2025_file_before_bash_only_existed(shared_data):
    result = parse_file(shared_data, "swebench-leaderboards-2025-05-23.json")

    assert len(result.observations) == 183
    assert "SWE-bench bash-only" not in {
        o.raw_benchmark_name for o in result.observations
    }


def test_parse_swebench_takes_the_model_id_from_a_single_model_tag(shared_data):
    result = parse_file(shared_data, "swebench-leaderboards-2025-11-25.json")

    entry = find(
        result,
        "SWE-bench bash-only",
        "20251124_mini-v1.16.0_claude-opus-4-5-20251101",
    )
    assert entry.raw_model_name == "Claude 4.5 Opus medium (20251101)"
    assert entry.raw_model_id == "claude-opus-4-5-20251101"
    assert (entry.value, entry.value_text, entry.unit) == (74.4, "74.4", "percent")
    assert entry.reported_date == date(2025, 11, 24)


def test_parse_swebench_does_not_credit_a_multi_model_entry_to_one_model(shared_data):
    result = parse_file(shared_data, "swebench-leaderboards-2025-05-23.json")

    cortexa = find(result, "SWE-bench Verified", "20250516_cortexa_o3")
    assert cortexa.raw_model_id is None
    assert cortexa.value == 68.2
    assert any("20250516_cortexa_o3" in w and "12 models" in w for w in result.warnings)


def test_parse_swebench_shows_the_corrected_verified_value_of_sweagent_opus(
    shared_data,
):
    folder = "20240402_sweagent_claude3opus"

    before = parse_file(shared_data, "swebench-leaderboards-2025-05-23.json")
    after = parse_file(shared_data, "swebench-leaderboards-2025-09-10.json")

    assert find(before, "SWE-bench Verified", folder).value == 18.2
    assert find(after, "SWE-bench Verified", folder).value == 15.8
    assert find(after, "SWE-bench Full", folder).value == 10.51


def test_parse_swebench_keeps_same_named_entries_apart_by_folder(shared_data):
    result = parse_file(shared_data, "swebench-leaderboards-2025-05-23.json")

    devlo = [
        o
        for o in result.observations
        if o.raw_model_name == "devlo" and o.raw_benchmark_name == "SWE-bench Verified"
    ]
    assert len(devlo) == 2
    assert len({o.raw_run_id for o in devlo}) == 2


def test_parse_swebench_raises_parse_error_without_a_leaderboards_list():
    with pytest.raises(ParseError, match="'leaderboards' list"):
        swebench.parse(b'{"boards": []}')
