"""The LiteLLM price map parser, on real snapshots from shared/data/litellm."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.parsers import litellm
from ingest.records import ParseResult


@pytest.fixture(scope="module")
def parse_snapshot(shared_data: Path) -> Callable[[str], ParseResult]:
    """Parse `litellm-prices-<stamp>.json` once per module, whatever the test."""

    @cache
    def parse(stamp: str) -> ParseResult:
        path = shared_data / "litellm" / f"litellm-prices-{stamp}.json"
        return litellm.parse(path.read_bytes())

    return parse


def quotes_by_name(result: ParseResult) -> dict:
    return {quote.raw_model_name: quote for quote in result.price_quotes}


def facts_by_name(result: ParseResult) -> dict:
    return {fact.raw_model_name: fact for fact in result.model_facts}


def test_parse_litellm_reads_o3_before_and_after_its_price_cut(parse_snapshot):
    before = quotes_by_name(parse_snapshot("2025-05-31"))["o3"]
    after = quotes_by_name(parse_snapshot("2025-09-01"))["o3"]

    assert (before.input_usd_per_mtok, before.output_usd_per_mtok) == (10.0, 40.0)
    assert (after.input_usd_per_mtok, after.output_usd_per_mtok) == (2.0, 8.0)
    assert after.state == "priced"
    assert after.provider == "openai"


def test_parse_litellm_converts_per_token_prices_without_float_noise(parse_snapshot):
    quote = quotes_by_name(parse_snapshot("2025-05-31"))["gpt-4.1-nano"]

    # 1e-07 * 1e6 would be 0.09999999999999999
    assert quote.input_usd_per_mtok == 0.1
    assert quote.output_usd_per_mtok == 0.4


@pytest.mark.parametrize(
    ("stamp", "quote_count"),
    [
        ("2025-02-28", 593),  # of 633 chat entries (MANIFEST)
        ("2025-05-31", 760),  # of 837
        ("2025-09-01", 1165),  # of 1246
        ("2025-12-02T0240Z", 1340),  # of 1426
        ("2025-12-02T0415Z", 1365),  # of 1451
        ("2026-03-01", 1894),  # of 2006
    ],
)
def test_parse_litellm_quotes_each_chat_entry_priced_per_token(
    parse_snapshot, stamp: str, quote_count: int
):
    result = parse_snapshot(stamp)

    # Keys are unique, so no quote is counted twice.
    assert len(quotes_by_name(result)) == len(result.price_quotes) == quote_count


def test_parse_litellm_skips_sample_spec_last_updated_and_other_modes(parse_snapshot):
    result = parse_snapshot("2026-03-01")

    names = quotes_by_name(result).keys() | facts_by_name(result).keys()
    assert "sample_spec" not in names
    assert "last_updated" not in names
    assert "text-embedding-3-small" not in names
    assert result.warnings == ()


def test_parse_litellm_leaves_out_chat_entries_billed_per_second(parse_snapshot):
    result = parse_snapshot("2026-03-01")

    key = "bedrock/*/1-month-commitment/cohere.command-text-v14"
    assert key not in quotes_by_name(result)
    assert facts_by_name(result)[key].context_window_tokens == 4096


def test_parse_litellm_calls_a_model_free_only_when_both_prices_are_zero(
    parse_snapshot,
):
    quotes = quotes_by_name(parse_snapshot("2026-03-01"))

    assert quotes["gemini/gemini-2.0-flash-exp"].state == "free"
    assert quotes["gemini/gemini-2.0-flash-exp"].input_usd_per_mtok == 0.0
    assert quotes["perplexity/sonar-medium-online"].state == "priced"
    assert quotes["perplexity/sonar-medium-online"].input_usd_per_mtok == 0.0
    assert quotes["perplexity/sonar-medium-online"].output_usd_per_mtok == 1.8


def test_parse_litellm_calls_a_half_missing_price_unknown(parse_snapshot):
    quote = quotes_by_name(parse_snapshot("2026-03-01"))["twelvelabs.pegasus-1-2-v1:0"]

    assert quote.state == "unknown"
    assert quote.input_usd_per_mtok is None
    assert quote.output_usd_per_mtok == 7.5


def test_parse_litellm_prices_deprecated_entries_and_states_the_date(parse_snapshot):
    result = parse_snapshot("2026-03-01")

    key = "azure/eu/gpt-4o-2024-08-06"
    assert quotes_by_name(result)[key].state == "priced"
    assert quotes_by_name(result)[key].input_usd_per_mtok == 2.75
    assert facts_by_name(result)[key].deprecation_date == date(2026, 2, 27)


def test_parse_litellm_reads_context_window_output_limit_and_reasoning(parse_snapshot):
    facts = facts_by_name(parse_snapshot("2026-03-01"))

    o3 = facts["o3"]
    assert (o3.context_window_tokens, o3.max_output_tokens) == (200_000, 100_000)
    assert o3.is_reasoning is True
    assert o3.provider == "openai"
    assert facts["gpt-4.1-nano"].is_reasoning is None


def test_parse_litellm_turns_float_token_limits_into_ints(parse_snapshot):
    fact = facts_by_name(parse_snapshot("2026-03-01"))["xai/grok-4-1-fast"]

    assert fact.context_window_tokens == 2_000_000
    assert type(fact.context_window_tokens) is int


def test_parse_litellm_never_takes_legacy_max_tokens_as_the_context_window(
    parse_snapshot,
):
    facts = facts_by_name(parse_snapshot("2026-03-01"))

    # max_tokens is o3's output limit here, and claude-3-haiku's context elsewhere.
    assert facts.get("gradient_ai/openai-o3") is None
    assert facts["gemini/gemini-gemma-2-27b-it"].context_window_tokens is None
    assert facts["gemini/gemini-gemma-2-27b-it"].max_output_tokens == 8192


def test_parse_litellm_refuses_bytes_that_are_not_json():
    with pytest.raises(ParseError, match="litellm snapshot: the bytes are not JSON"):
        litellm.parse(b"<html>502 Bad Gateway</html>")


def test_parse_litellm_refuses_a_top_level_list():
    with pytest.raises(ParseError, match="the top level is \\[\\] \\(list\\)"):
        litellm.parse(b"[]")


def test_parse_litellm_names_the_entry_and_field_of_a_text_price():
    data = b'{"m1": {"mode": "chat", "input_cost_per_token": "cheap"}}'

    with pytest.raises(ParseError) as raised:
        litellm.parse(data)

    message = str(raised.value)
    assert "entry 'm1' field 'input_cost_per_token' is 'cheap' (str)" in message
    assert "update ingest/parsers/litellm.py" in message


def test_parse_litellm_warns_about_an_unexpected_entry_that_is_not_an_object():
    data = b'{"last_updated": "2026-03-01", "odd": 3, "sample_spec": {"mode": "x"}}'

    result = litellm.parse(data)

    assert result.warnings == ("skipped entry 'odd': a int",)
    assert result.price_quotes == ()
