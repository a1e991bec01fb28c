"""Tests for the EvalPlus results.json parser, on the real shared files."""

from __future__ import annotations

from collections import Counter

import pytest

from ingest.errors import ParseError
from ingest.parsers import evalplus


def parse_file(shared_data, name):
    return evalplus.parse((shared_data / "evalplus" / name).read_bytes())


def values(result, model):
    return {
        o.raw_benchmark_name: o.value
        for o in result.observations
        if o.raw_model_name == model
    }


def test_parse_evalplus_reads_the_older_base_and_plus_layout(shared_data):
    result = parse_file(shared_data, "evalplus-results-2024-04-04.json")

    assert Counter(o.raw_benchmark_name for o in result.observations) == {
        "HumanEval": 88,
        "HumanEval+": 88,
        "MBPP": 65,
        "MBPP+": 65,
    }


def test_parse_evalplus_reads_the_newer_layout_and_skips_null_values(shared_data):
    result = parse_file(shared_data, "evalplus-results-2024-06-18.json")

    assert len(result.observations) == 372
    assert values(result, "Code-13B") == {"HumanEval": 56.1, "HumanEval+": 52.4}


def test_parse_evalplus_keeps_non_ascii_and_dated_names_as_written(shared_data):
    result = parse_file(shared_data, "evalplus-results-2024-06-18.json")

    assert values(result, "GPT-3.5-Turbo (Nov 2023)") == {
        "HumanEval": 76.8,
        "HumanEval+": 70.7,
        "MBPP": 82.5,
        "MBPP+": 69.7,
    }
    assert "Zephyr β-7B" in {o.raw_model_name for o in result.observations}


def test_parse_evalplus_shows_zephyr_mbpp_corrected_between_versions(shared_data):
    april = values(
        parse_file(shared_data, "evalplus-results-2024-04-04.json"), "Zephyr β-7B"
    )
    june = values(
        parse_file(shared_data, "evalplus-results-2024-06-18.json"), "Zephyr β-7B"
    )

    assert (april["MBPP"], june["MBPP"]) == (41.1, 42.1)
    assert (april["MBPP+"], june["MBPP+"]) == (34.3, 34.7)
    assert april["HumanEval"] == june["HumanEval"] == 30.0


def test_parse_evalplus_raises_parse_error_on_a_list():
    with pytest.raises(ParseError, match="keyed by model name"):
        evalplus.parse(b"[]")
