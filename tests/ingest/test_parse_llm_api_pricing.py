"""The OTBear llm-api-pricing parsers, on real snapshots and the source's change log."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.parsers import llm_api_pricing
from ingest.parsers.llm_api_pricing import PublishedPriceChange
from ingest.records import ParseResult

NEWS_LOG = "otbear-news-log-asof-2026-08-08.jsonl"


def read_snapshot(shared_data: Path, day: str) -> ParseResult:
    path = shared_data / "otbear-llm-api-pricing" / f"otbear-llm-pricing-{day}.json"
    return llm_api_pricing.parse(path.read_bytes())


def read_news_log(shared_data: Path) -> tuple[PublishedPriceChange, ...]:
    path = shared_data / "otbear-llm-api-pricing" / NEWS_LOG
    return llm_api_pricing.parse_news_log(path.read_bytes())


def prices_by_key(result: ParseResult) -> dict:
    return {
        (quote.provider, quote.raw_model_name): (
            quote.input_usd_per_mtok,
            quote.output_usd_per_mtok,
        )
        for quote in result.price_quotes
    }


@pytest.mark.parametrize(
    ("day", "quote_count"),
    [("2026-08-01", 426), ("2026-08-06", 430), ("2026-08-07", 490)],
)
def test_parse_llm_api_pricing_quotes_every_provider_and_model(
    shared_data: Path, day: str, quote_count: int
):
    result = read_snapshot(shared_data, day)

    assert len(result.price_quotes) == quote_count
    assert {q.provider for q in result.price_quotes} == {
        "anthropic",
        "google",
        "openai",
        "openrouter",
    }


def test_parse_llm_api_pricing_keeps_ids_as_each_provider_writes_them(
    shared_data: Path,
):
    prices = prices_by_key(read_snapshot(shared_data, "2026-08-07"))

    assert prices["openai", "gpt-4.1-nano"] == (0.2, 0.8)
    assert prices["openrouter", "openai/gpt-4.1-nano"] == (0.1, 0.4)
    assert prices["openrouter", "openai/gpt-4.1-nano:batch"] == (0.05, 0.2)
    assert prices["anthropic", "claude-opus-4-5"] == (5.0, 25.0)


def test_parse_llm_api_pricing_calls_free_variants_free(shared_data: Path):
    result = read_snapshot(shared_data, "2026-08-06")

    [quote] = [
        q for q in result.price_quotes if q.raw_model_name == "openai/gpt-oss-20b:free"
    ]
    assert quote.state == "free"
    assert (quote.input_usd_per_mtok, quote.output_usd_per_mtok) == (0.0, 0.0)


def test_parse_llm_api_pricing_calls_openrouters_variable_price_unknown(
    shared_data: Path,
):
    # OpenRouter's "-1" per token arrives as -1000000 per million.
    result = read_snapshot(shared_data, "2026-08-06")

    [quote] = [q for q in result.price_quotes if q.raw_model_name == "openrouter/auto"]
    assert quote.state == "unknown"
    assert (quote.input_usd_per_mtok, quote.output_usd_per_mtok) == (None, None)


def test_parse_news_log_reads_all_94_events_of_seven_days(shared_data: Path):
    changes = read_news_log(shared_data)

    assert len(changes) == 94
    assert len({change.date for change in changes}) == 7
    assert Counter(change.type for change in changes) == {
        "price_change": 56,
        "new": 37,
        "removed": 1,
    }


def test_parse_news_log_fills_the_sides_each_event_type_states(shared_data: Path):
    changes = read_news_log(shared_data)

    assert changes[0] == PublishedPriceChange(
        date(2026, 8, 2),
        "price_change",
        "openrouter",
        "nvidia/nemotron-3-ultra-550b-a55b",
        input_before=0.5,
        input_after=0.6,
        output_before=2.2,
        output_after=3.6,
    )
    [removed] = [change for change in changes if change.type == "removed"]
    assert removed.model == "inclusionai/ling-3.0-flash:free"
    assert (removed.input_before, removed.input_after) == (0.0, None)
    new = next(change for change in changes if change.type == "new")
    assert (new.input_before, new.input_after, new.output_after) == (None, 0.09, 0.18)


def test_parse_news_log_leaves_a_price_that_did_not_move_as_none(shared_data: Path):
    changes = read_news_log(shared_data)

    [change] = [c for c in changes if c.model == "qwen/qwen3-next-80b-a3b-instruct"]
    assert (change.input_before, change.input_after) == (0.1, 0.09)
    assert (change.output_before, change.output_after) == (None, None)


def test_parse_news_log_of_2026_08_06_matches_the_diff_of_two_snapshots(
    shared_data: Path,
):
    before = prices_by_key(read_snapshot(shared_data, "2026-08-05"))
    after = prices_by_key(read_snapshot(shared_data, "2026-08-06"))
    logged = [c for c in read_news_log(shared_data) if c.date == date(2026, 8, 6)]

    diff = {("new", *key) for key in after.keys() - before.keys()}
    diff |= {("removed", *key) for key in before.keys() - after.keys()}
    diff |= {
        ("price_change", *key)
        for key in before.keys() & after.keys()
        if before[key] != after[key]
    }
    assert len(logged) == 26
    assert {(c.type, c.provider, c.model) for c in logged} == diff


def test_parse_llm_api_pricing_refuses_a_top_level_list():
    with pytest.raises(ParseError, match="the top level is \\[\\] \\(list\\)"):
        llm_api_pricing.parse(b"[]")


def test_parse_llm_api_pricing_names_the_model_with_a_text_price():
    data = b'{"openai": {"gpt-x": {"input": "1.0", "output": 2.0}}}'

    with pytest.raises(ParseError, match="model 'gpt-x' of provider 'openai' field"):
        llm_api_pricing.parse(data)


def test_parse_news_log_names_the_line_that_is_not_json():
    data = b'{"date": "2026-08-02", "events": []}\n{"date": "2026-08-03", "ev\n'

    with pytest.raises(ParseError, match="news log line 2: cannot parse"):
        llm_api_pricing.parse_news_log(data)


def test_parse_news_log_refuses_an_event_type_it_does_not_know():
    data = b'{"date": "2026-08-02", "events": [{"type": "renamed", "model": "m"}]}'

    with pytest.raises(ParseError, match="event type is 'renamed'"):
        llm_api_pricing.parse_news_log(data)
