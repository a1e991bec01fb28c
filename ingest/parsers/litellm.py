"""Parse LiteLLM's model price and context-window map into price quotes and facts.

One JSON object keyed by LiteLLM route ids (`gpt-4.1-nano`, `azure/gpt-4.1-nano`, ...),
prices in USD per token, sometimes int `0`, sometimes missing. Only `mode: chat` entries
priced per token become quotes; `sample_spec` (a documentation row) and the mirror's
`last_updated` string are not models. Pure: no network, no database, no clock.
"""

from __future__ import annotations

import logging

from ingest.parsers.prices_common import (
    build_quote,
    expect,
    load_json,
    per_token_to_per_mtok,
    read_count,
    read_date,
    read_number,
    read_text,
)
from ingest.records import ModelFact, ParseResult, PriceQuote

FORMAT = "litellm"
NOT_MODELS = frozenset({"sample_spec", "last_updated"})

logger = logging.getLogger(__name__)


def parse(data: bytes) -> ParseResult:
    """Quotes and facts for every chat entry of a LiteLLM price map snapshot."""
    document = load_json(data, FORMAT)
    entries = expect(document, dict, FORMAT, "the top level", "an object of models")

    quotes: list[PriceQuote] = []
    facts: list[ModelFact] = []
    warnings: list[str] = []
    for key, entry in entries.items():
        if key in NOT_MODELS:
            continue
        if not isinstance(entry, dict):
            warnings.append(f"skipped entry {key!r}: a {type(entry).__name__}")
        elif entry.get("mode") == "chat":
            quotes.extend(_read_quote(key, entry))
            facts.extend(_read_fact(key, entry))

    logger.info(
        "parsed format=%s entries=%d price_quotes=%d model_facts=%d warnings=%d",
        FORMAT, len(entries), len(quotes), len(facts), len(warnings),
    )  # fmt: skip
    return ParseResult(
        price_quotes=tuple(quotes), model_facts=tuple(facts), warnings=tuple(warnings)
    )


def _read_quote(key: str, entry: dict) -> list[PriceQuote]:
    """The text-token price of one chat entry; none when it is not billed per token."""
    where = f"entry {key!r}"
    prices = [
        _read_price(entry, field, where)
        for field in ("input_cost_per_token", "output_cost_per_token")
    ]
    if prices == [None, None]:
        return []

    provider = read_text(entry, "litellm_provider", FORMAT, where)
    return [build_quote(key, provider, *prices)]


def _read_price(entry: dict, field: str, where: str) -> float | None:
    value = read_number(entry, field, FORMAT, where)
    return None if value is None else per_token_to_per_mtok(value)


def _read_fact(key: str, entry: dict) -> list[ModelFact]:
    """Context window, output limit, reasoning flag and deprecation of one entry."""
    where = f"entry {key!r}"
    # NOTE: legacy `max_tokens` is not read: on entries without `max_input_tokens` it
    # is as often the output limit (`gradient_ai/openai-o3`: 100000, o3's output
    # limit) as the context window (`openrouter/anthropic/claude-3-haiku`: 200000),
    # and a wrong context window is worse than a missing one.
    context_window = read_count(entry, "max_input_tokens", FORMAT, where)
    max_output = read_count(entry, "max_output_tokens", FORMAT, where)
    is_reasoning = entry.get("supports_reasoning")
    if is_reasoning is not None:
        expect(is_reasoning, bool, FORMAT, f"{where} supports_reasoning", "a boolean")
    deprecation_date = read_date(entry, "deprecation_date", FORMAT, where)

    facts = (context_window, max_output, is_reasoning, deprecation_date)
    if all(fact is None for fact in facts):
        return []
    fact = ModelFact(
        raw_model_name=key,
        provider=read_text(entry, "litellm_provider", FORMAT, where),
        context_window_tokens=context_window,
        max_output_tokens=max_output,
        is_reasoning=is_reasoning,
        deprecation_date=deprecation_date,
    )
    return [fact]
