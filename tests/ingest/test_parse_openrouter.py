"""The OpenRouter models-list parser.

`data/openrouter-models-sample.json` is hand-written in the documented shape of
`GET https://openrouter.ai/api/v1/models` (no OpenRouter response is in shared/data):
five models covering plain, reasoning, `:free`, open-weights and `-1` (variable) prices.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.parsers import openrouter
from ingest.records import ParseResult

SAMPLE = Path(__file__).parent / "data" / "openrouter-models-sample.json"


@pytest.fixture(scope="module")
def sample() -> ParseResult:
    return openrouter.parse(SAMPLE.read_bytes())


def quote_of(result: ParseResult, model_id: str):
    [quote] = [q for q in result.price_quotes if q.raw_model_name == model_id]
    return quote


def fact_of(result: ParseResult, model_id: str):
    [fact] = [f for f in result.model_facts if f.raw_model_name == model_id]
    return fact


def models_list(*pricings: dict) -> bytes:
    models = [{"id": f"acme/m{i}", "pricing": p} for i, p in enumerate(pricings)]
    return json.dumps({"data": models}).encode()


def test_parse_openrouter_yields_one_quote_and_one_fact_per_model(sample):
    assert len(sample.price_quotes) == 5
    assert len(sample.model_facts) == 5
    assert {quote.provider for quote in sample.price_quotes} == {"openrouter"}
    assert sample.warnings == ()


def test_parse_openrouter_converts_string_per_token_prices_exactly(sample):
    quote = quote_of(sample, "openai/gpt-4.1-nano")

    assert (quote.input_usd_per_mtok, quote.output_usd_per_mtok) == (0.1, 0.4)
    assert quote.state == "priced"
    assert quote_of(sample, "deepseek/deepseek-chat-v3-0324").input_usd_per_mtok == 0.28


def test_parse_openrouter_calls_a_free_variant_free(sample):
    quote = quote_of(sample, "meta-llama/llama-3.3-70b-instruct:free")

    assert quote.state == "free"
    assert (quote.input_usd_per_mtok, quote.output_usd_per_mtok) == (0.0, 0.0)


def test_parse_openrouter_calls_a_variable_price_unknown(sample):
    quote = quote_of(sample, "openrouter/auto")

    assert quote.state == "unknown"
    assert (quote.input_usd_per_mtok, quote.output_usd_per_mtok) == (None, None)


def test_parse_openrouter_reads_limits_reasoning_and_display_name(sample):
    nano = fact_of(sample, "openai/gpt-4.1-nano")
    o3 = fact_of(sample, "openai/o3")

    assert (nano.context_window_tokens, nano.max_output_tokens) == (1_047_576, 32_768)
    assert nano.display_name == "OpenAI: GPT-4.1 Nano"
    assert (nano.is_reasoning, o3.is_reasoning) == (False, True)
    assert fact_of(sample, "openrouter/auto").is_reasoning is None


def test_parse_openrouter_claims_open_weights_only_with_a_hugging_face_repo(sample):
    assert fact_of(sample, "deepseek/deepseek-chat-v3-0324").is_open_weights is True
    assert fact_of(sample, "openai/gpt-4.1-nano").is_open_weights is None
    assert fact_of(sample, "openrouter/auto").is_open_weights is None


def test_parse_openrouter_does_not_call_free_tokens_with_a_request_fee_free():
    data = models_list({"prompt": "0", "completion": "0", "request": "0.005"})

    result = openrouter.parse(data)

    assert result.price_quotes[0].state == "unknown"
    assert result.warnings == (
        "model 'acme/m0': tokens cost 0 but ['request'] do not; price unknown",
    )


def test_parse_openrouter_refuses_a_response_without_a_data_list():
    with pytest.raises(ParseError, match="field 'data' is None \\(NoneType\\)"):
        openrouter.parse(b'{"error": {"code": 401}}')


def test_parse_openrouter_refuses_bytes_that_are_not_json():
    with pytest.raises(ParseError, match="openrouter snapshot: the bytes are not JSON"):
        openrouter.parse(b"")


def test_parse_openrouter_names_the_model_with_a_price_that_is_not_a_number():
    data = models_list({"prompt": "NaN", "completion": "0.000001"})

    with pytest.raises(ParseError, match="model 'acme/m0' pricing 'prompt' is 'NaN'"):
        openrouter.parse(data)
