"""The genai-prices v1 parser, on real snapshots from shared/data/genai-prices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.parsers import genai_prices
from ingest.records import ParseResult


@pytest.fixture(scope="module")
def parse_snapshot(shared_data: Path) -> Callable[[str], ParseResult]:
    """Parse `genai-prices-v1-<day>.json` once per module, whatever the test."""

    @cache
    def parse(day: str) -> ParseResult:
        path = shared_data / "genai-prices" / f"genai-prices-v1-{day}.json"
        return genai_prices.parse(path.read_bytes())

    return parse


def quotes_for(result: ParseResult, provider: str, model: str) -> list:
    return [
        quote
        for quote in result.price_quotes
        if (quote.provider, quote.raw_model_name) == (provider, model)
    ]


def test_parse_genai_prices_quotes_every_model_of_every_provider(parse_snapshot):
    older = parse_snapshot("2025-07-31")
    newer = parse_snapshot("2025-12-31")

    # 854 and 1172 models (MANIFEST), plus one extra dated period for o3.
    assert len(older.price_quotes) == 855
    assert len(newer.price_quotes) == 1173
    assert len({quote.provider for quote in newer.price_quotes}) == 29
    assert newer.warnings == ()


def test_parse_genai_prices_reads_plain_per_mtok_prices(parse_snapshot):
    [quote] = quotes_for(parse_snapshot("2025-12-31"), "openai", "gpt-4.1-nano")

    assert (quote.input_usd_per_mtok, quote.output_usd_per_mtok) == (0.1, 0.4)
    assert quote.state == "priced"


def test_parse_genai_prices_takes_the_base_of_a_tiered_price(parse_snapshot):
    result = parse_snapshot("2025-12-31")

    [sonnet] = quotes_for(result, "anthropic", "claude-sonnet-4-5")
    assert (sonnet.input_usd_per_mtok, sonnet.output_usd_per_mtok) == (3.0, 15.0)
    [gemini] = quotes_for(result, "google", "gemini-2.5-pro")
    assert (gemini.input_usd_per_mtok, gemini.output_usd_per_mtok) == (1.25, 10.0)


def test_parse_genai_prices_dates_the_periods_around_a_scheduled_price_cut(
    parse_snapshot,
):
    old, new = quotes_for(parse_snapshot("2025-12-31"), "openai", "o3")

    assert (old.input_usd_per_mtok, old.output_usd_per_mtok) == (10.0, 40.0)
    assert (old.effective_from_date, old.effective_to_date) == (None, date(2025, 6, 10))
    assert (new.input_usd_per_mtok, new.output_usd_per_mtok) == (2.0, 8.0)
    assert (new.effective_from_date, new.effective_to_date) == (date(2025, 6, 10), None)


def test_parse_genai_prices_keeps_deepseeks_standard_rate_not_its_night_discount(
    parse_snapshot,
):
    # The unconditional block is the 8-hour off-peak price (0.135 / 0.55); the
    # 00:30-16:30 UTC window holds the standard price.
    [quote] = quotes_for(parse_snapshot("2025-12-31"), "deepseek", "deepseek-chat")

    assert (quote.input_usd_per_mtok, quote.output_usd_per_mtok) == (0.27, 1.1)
    assert quote.effective_from_date is None


def test_parse_genai_prices_calls_only_free_ids_with_no_prices_free(parse_snapshot):
    result = parse_snapshot("2025-12-31")

    [free] = quotes_for(result, "openrouter", "deepseek/deepseek-r1:free")
    assert (free.state, free.input_usd_per_mtok) == ("free", 0.0)
    [gone] = quotes_for(result, "cerebras", "qwen-3-coder-480b")
    assert (gone.state, gone.input_usd_per_mtok) == ("unknown", None)
    [embedding] = quotes_for(result, "openai", "text-embedding-3-small")
    assert (embedding.state, embedding.input_usd_per_mtok) == ("unknown", 0.02)


def test_parse_genai_prices_states_context_window_and_display_name(parse_snapshot):
    facts = parse_snapshot("2025-12-31").model_facts

    [sonnet] = [fact for fact in facts if fact.raw_model_name == "claude-sonnet-4-5"]
    assert sonnet.context_window_tokens == 1_000_000
    assert sonnet.display_name == "Claude Sonnet 4.5"
    assert sonnet.provider == "anthropic"
    assert len(facts) == 683


def test_parse_genai_prices_marks_a_deprecated_model_deprecated():
    data = b"""[{"id": "acme", "models": [{"id": "old-1", "deprecated": true,
        "prices": {"input_mtok": 1, "output_mtok": 2}}]}]"""

    [quote] = genai_prices.parse(data).price_quotes

    assert quote.state == "deprecated"
    assert (quote.input_usd_per_mtok, quote.output_usd_per_mtok) == (1.0, 2.0)


def test_parse_genai_prices_warns_about_a_constraint_it_does_not_know():
    data = b"""[{"id": "acme", "models": [{"id": "m", "prices": [
        {"prices": {"input_mtok": 1, "output_mtok": 2}},
        {"constraint": {"region": "eu"}, "prices": {"input_mtok": 3, "output_mtok": 4}}
    ]}]}]"""

    result = genai_prices.parse(data)

    assert [quote.input_usd_per_mtok for quote in result.price_quotes] == [1.0]
    assert result.warnings == (
        "skipped model 'm' of provider 'acme' price block #1: constraint ['region']",
    )


def test_parse_genai_prices_refuses_a_top_level_object():
    with pytest.raises(ParseError, match="the top level is {} \\(dict\\)"):
        genai_prices.parse(b"{}")


def test_parse_genai_prices_refuses_bytes_that_are_not_json():
    with pytest.raises(ParseError, match="genai_prices snapshot: the bytes are not"):
        genai_prices.parse(b"\xff\xfe not json")


def test_parse_genai_prices_names_the_model_whose_price_is_text():
    data = b'[{"id": "acme", "models": [{"id": "m", "prices": {"input_mtok": "1"}}]}]'

    with pytest.raises(ParseError, match="model 'm' of provider 'acme' price"):
        genai_prices.parse(data)
