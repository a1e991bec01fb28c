"""The simonw llm-prices parser, on real vendor files from shared/data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.parsers import llm_prices
from ingest.records import ParseResult


def parse_vendor(shared_data: Path, day: str, vendor: str) -> ParseResult:
    path = shared_data / "simonw-llm-prices" / f"simonw-llm-prices-{day}-{vendor}.json"
    return llm_prices.parse(path.read_bytes())


def test_parse_llm_prices_splits_deepseek_chat_into_two_periods(shared_data: Path):
    result = parse_vendor(shared_data, "2025-10-10", "deepseek")

    periods = sorted(
        (
            quote
            for quote in result.price_quotes
            if quote.raw_model_name == "deepseek-chat"
        ),
        key=lambda quote: quote.effective_from_date or date.min,
    )
    assert [(q.input_usd_per_mtok, q.output_usd_per_mtok) for q in periods] == [
        (0.14, 0.28),
        (0.27, 1.1),
    ]
    assert [(q.effective_from_date, q.effective_to_date) for q in periods] == [
        (None, date(2025, 2, 8)),
        (date(2025, 2, 8), None),
    ]
    assert {q.provider for q in periods} == {"deepseek"}


def test_parse_llm_prices_keeps_id_and_display_name_side_by_side(shared_data: Path):
    result = parse_vendor(shared_data, "2025-10-10", "openai")

    [fact] = [f for f in result.model_facts if f.raw_model_name == "gpt-4.1-nano"]
    assert fact.display_name == "GPT-4.1 Nano"
    assert fact.provider == "openai"
    [quote] = [q for q in result.price_quotes if q.raw_model_name == "gpt-4.1-nano"]
    assert (quote.input_usd_per_mtok, quote.output_usd_per_mtok) == (0.1, 0.4)
    assert (quote.effective_from_date, quote.effective_to_date) == (None, None)


def test_parse_llm_prices_keeps_non_ascii_tier_names(shared_data: Path):
    result = parse_vendor(shared_data, "2026-03-17", "google")

    names = {fact.raw_model_name: fact.display_name for fact in result.model_facts}
    assert names["gemini-2.5-pro"] == "Gemini 2.5 Pro ≤200k"
    assert names["gemini-2.5-pro-200k"] == "Gemini 2.5 Pro >200k"


@pytest.mark.parametrize(
    ("day", "vendor", "model_count", "quote_count"),
    [
        ("2025-10-10", "deepseek", 2, 3),
        ("2025-10-10", "openai", 19, 19),
        ("2026-03-17", "openai", 34, 34),
        ("2026-03-17", "minimax", 1, 1),
        ("2026-03-17", "moonshot-ai", 5, 5),
    ],
)
def test_parse_llm_prices_yields_one_fact_per_model_and_one_quote_per_period(
    shared_data: Path, day: str, vendor: str, model_count: int, quote_count: int
):
    result = parse_vendor(shared_data, day, vendor)

    assert len(result.model_facts) == model_count
    assert len(result.price_quotes) == quote_count
    assert {quote.state for quote in result.price_quotes} == {"priced"}


def test_parse_llm_prices_refuses_a_top_level_list():
    with pytest.raises(ParseError, match="llm_prices snapshot: the top level is"):
        llm_prices.parse(b'[{"vendor": "openai"}]')


def test_parse_llm_prices_refuses_bytes_that_are_not_json():
    with pytest.raises(ParseError, match="the bytes are not JSON"):
        llm_prices.parse(b"vendor: openai\n")


def test_parse_llm_prices_names_the_period_with_a_bad_date():
    data = b"""{"vendor": "acme", "models": [{"id": "m", "name": "M", "price_history":
        [{"input": 1, "output": 2, "from_date": "08/02/2025", "to_date": null}]}]}"""

    with pytest.raises(ParseError) as raised:
        llm_prices.parse(data)

    message = str(raised.value)
    assert "model 'm' price period #0 field 'from_date' is '08/02/2025'" in message
    assert "expected a YYYY-MM-DD date" in message
