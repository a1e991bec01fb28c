"""Tests for the AlpacaEval 2.0 leaderboard CSV parser, on the real shared files."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.errors import ParseError
from ingest.parsers import alpacaeval


def parse_file(shared_data, name):
    return alpacaeval.parse((shared_data / "alpacaeval" / name).read_bytes())


def test_parse_alpacaeval_reads_win_rate_before_length_control_existed(shared_data):
    result = parse_file(shared_data, "alpacaeval2-leaderboard-2024-03-06.csv")

    # 130 rows, 12 of them dev runs
    assert Counter(o.raw_benchmark_name for o in result.observations) == {
        "AlpacaEval 2.0": 118
    }


def test_parse_alpacaeval_adds_length_controlled_win_rate_once_it_exists(shared_data):
    result = parse_file(shared_data, "alpacaeval2-leaderboard-2024-08-16.csv")

    assert Counter(o.raw_benchmark_name for o in result.observations) == {
        "AlpacaEval 2.0": 191,
        "AlpacaEval 2.0 LC": 191,
    }
    first = result.observations[1]
    assert first.raw_model_name == "gemma-2-9b-it-WPO-HB"
    assert first.raw_benchmark_name == "AlpacaEval 2.0 LC"
    assert first.value_text == "76.72506842726064"


def test_parse_alpacaeval_reads_model_names_from_the_unnamed_first_column(
    shared_data,
):
    result = parse_file(shared_data, "alpacaeval2-leaderboard-2024-03-06.csv")

    names = {o.raw_model_name for o in result.observations}
    assert "gpt4_1106_preview" in names
    assert "gpt4_1106_preview_verbose" not in names  # a dev run


def test_parse_alpacaeval_refuses_a_named_first_column():
    with pytest.raises(ParseError, match="unnamed first column"):
        alpacaeval.parse(b"model,win_rate\nm,50.0\n")
