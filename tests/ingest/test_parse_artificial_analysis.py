"""Tests for the Artificial Analysis models API parser.

The fixture is hand-made in the documented response shape (no real API response is in
shared/data, and the API needs a key); its numbers are illustrative, not real values.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.parsers import artificial_analysis

SAMPLE = Path(__file__).parent / "data" / "artificial-analysis-models-sample.json"


@pytest.fixture(scope="module")
def result():
    return artificial_analysis.parse(SAMPLE.read_bytes())


def test_parse_artificial_analysis_turns_fractions_into_percent(result):
    nano = {
        o.raw_benchmark_name: o
        for o in result.observations
        if o.raw_model_name == "GPT-4.1 nano"
    }

    assert len(nano) == 10
    assert (nano["mmlu_pro"].value, nano["mmlu_pro"].value_text) == (65.7, "0.657")
    assert nano["mmlu_pro"].unit == "percent"
    assert nano["mmlu_pro"].raw_model_id == "gpt-4-1-nano"


def test_parse_artificial_analysis_keeps_indexes_on_their_own_scale(result):
    index = next(
        o
        for o in result.observations
        if o.raw_benchmark_name == "artificial_analysis_intelligence_index"
    )

    assert (index.raw_model_name, index.value, index.unit) == (
        "GPT-4.1 nano",
        29.6,
        "index",
    )


def test_parse_artificial_analysis_skips_nulls_and_values_that_are_not_fractions(
    result,
):
    names = {(o.raw_model_name, o.raw_benchmark_name) for o in result.observations}

    assert ("Claude 4.5 Opus (Reasoning)", "hle") not in names
    assert ("Quasar Alpha", "gpqa") not in names
    assert result.warnings == ("skipped 'Quasar Alpha' 'gpqa': 48.2 is not a fraction",)
    assert len(result.observations) == 16


def test_parse_artificial_analysis_quotes_prices_and_unknown_for_zero_or_null(result):
    quotes = {q.raw_model_name: q for q in result.price_quotes}

    assert quotes["Claude 4.5 Opus (Reasoning)"].state == "priced"
    assert quotes["Claude 4.5 Opus (Reasoning)"].input_usd_per_mtok == 5.0
    assert quotes["Claude 4.5 Opus (Reasoning)"].output_usd_per_mtok == 25.0
    assert quotes["Gemma 3 4B"].state == "unknown"
    assert quotes["Quasar Alpha"].state == "unknown"


def test_parse_artificial_analysis_samples_speed_and_latency_when_measured(result):
    samples = {(s.raw_model_name, s.metric): s.value for s in result.runtime_samples}

    assert samples == {
        ("GPT-4.1 nano", "output_tokens_per_s"): 140.2,
        ("GPT-4.1 nano", "ttft_s"): 0.31,
        ("Claude 4.5 Opus (Reasoning)", "output_tokens_per_s"): 55.8,
        ("Claude 4.5 Opus (Reasoning)", "ttft_s"): 1.92,
    }


def test_parse_artificial_analysis_records_creator_and_release_date(result):
    facts = {f.raw_model_name: f for f in result.model_facts}

    assert facts["GPT-4.1 nano"].provider == "OpenAI"
    assert facts["GPT-4.1 nano"].release_date == date(2025, 4, 14)
    assert facts["Gemma 3 4B"].release_date is None


def test_parse_artificial_analysis_raises_parse_error_on_an_error_response():
    with pytest.raises(ParseError, match="'data' list"):
        artificial_analysis.parse(b'{"status": 401, "error": "invalid api key"}')
