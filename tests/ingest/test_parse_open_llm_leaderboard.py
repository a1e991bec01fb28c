"""Tests for the Open LLM Leaderboard v2 and merged CSV parser, on the shared files."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.errors import ParseError
from ingest.parsers import open_llm_leaderboard

BENCHMARKS = {"IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO"}


def read(shared_data, name):
    return (shared_data / "open-llm-leaderboard" / name).read_bytes()


def values(result, model):
    return {
        o.raw_benchmark_name: (o.value, o.value_text)
        for o in result.observations
        if o.raw_model_name == model
    }


def test_parse_open_llm_leaderboard_yields_six_raw_evaluations_per_repo(shared_data):
    result = open_llm_leaderboard.parse(
        read(shared_data, "open-llm-leaderboard-v2-2024-10-02.csv")
    )

    # 1,283 rows, 1,254 distinct repos (29 listed again at another precision)
    assert Counter(o.raw_benchmark_name for o in result.observations) == {
        name: 1254 for name in BENCHMARKS
    }
    assert len(result.warnings) == 29


def test_parse_open_llm_leaderboard_stores_fractions_as_percent(shared_data):
    result = open_llm_leaderboard.parse(
        read(shared_data, "open-llm-leaderboard-v2-2024-10-02.csv")
    )

    calme = values(result, "dfurman/CalmeRys-78B-Orpo-v0.1")
    assert calme["IFEval"] == (82.0, "0.82")
    assert calme["MMLU-PRO"] == (70.0, "0.7")
    assert {o.unit for o in result.observations} == {"percent"}


def test_parse_open_llm_leaderboard_keeps_the_first_row_of_a_repeated_repo(
    shared_data,
):
    result = open_llm_leaderboard.parse(
        read(shared_data, "open-llm-leaderboard-v2-2024-10-02.csv")
    )

    assert "skipped CSV line 56: 'Sao10K/L3-70B-Euryale-v2.1'" in result.warnings[0]
    assert len(values(result, "Sao10K/L3-70B-Euryale-v2.1")) == 6


def test_parse_open_llm_leaderboard_reads_the_merged_arena_join(shared_data):
    result = open_llm_leaderboard.parse(
        read(shared_data, "arena-x-open-llm-merged-2025-03-21.csv")
    )

    # 62 rows, 58 distinct repos; the aya-expanse-8b key maps to two repos
    assert len(result.observations) == 58 * 6
    aya = values(result, "CohereForAI/aya-expanse-32b")
    assert aya["MATH Lvl 5"][1] == "0.153323262839879"
    assert aya["MATH Lvl 5"][0] == pytest.approx(15.3323262839879)
    assert values(result, "jebish7/aya-expanse-8b")


def test_parse_open_llm_leaderboard_refuses_an_unknown_layout():
    with pytest.raises(ParseError, match="neither the v2 layout"):
        open_llm_leaderboard.parse(b"model,score\nm,1\n")
