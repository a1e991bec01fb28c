"""Parse pydantic's genai-prices v1 database: a JSON array of providers and models.

Prices are USD per million tokens. A price is a number or a tiered object whose `base`
applies below the first threshold. `prices` may also be a list of blocks with a
`constraint`: start dates become effective-dated quotes (o3's 2025-06-10 cut), and of
time-of-day windows we keep the rate in force for most of the UTC day. Pure.
"""

from __future__ import annotations

import logging
from datetime import date

from ingest.parsers.prices_common import (
    build_quote,
    expect,
    is_number,
    load_json,
    parse_error,
    read_count,
    read_date,
    read_text,
)
from ingest.records import ModelFact, ParseResult, PriceQuote

FORMAT = "genai_prices"
MINUTES_PER_DAY = 24 * 60
TIME_KEYS = frozenset({"start_time", "end_time"})

logger = logging.getLogger(__name__)

# One effective-dated price block: (from date, to date, prices object).
Period = tuple[date | None, date | None, dict]


def parse(data: bytes) -> ParseResult:
    """Quotes and facts for every model of every provider in a v1 `data.json`."""
    document = load_json(data, FORMAT)
    providers = expect(document, list, FORMAT, "the top level", "a list of providers")

    quotes: list[PriceQuote] = []
    facts: list[ModelFact] = []
    warnings: list[str] = []
    for index, provider in enumerate(providers):
        expect(provider, dict, FORMAT, f"provider #{index}", "an object")
        provider_id = _read_id(provider, f"provider #{index}")
        for model in _read_models(provider, provider_id):
            where = f"model {model['id']!r} of provider {provider_id!r}"
            quotes.extend(_read_quotes(provider_id, model, where, warnings))
            facts.extend(_read_facts(provider_id, model, where))

    logger.info(
        "parsed format=%s providers=%d price_quotes=%d model_facts=%d warnings=%d",
        FORMAT, len(providers), len(quotes), len(facts), len(warnings),
    )  # fmt: skip
    return ParseResult(
        price_quotes=tuple(quotes), model_facts=tuple(facts), warnings=tuple(warnings)
    )


def _read_id(entry: dict, where: str) -> str:
    value = entry.get("id")
    if not isinstance(value, str) or not value:
        raise parse_error(FORMAT, f"{where} field 'id'", value, "a non-empty string")
    return value


def _read_models(provider: dict, provider_id: str) -> list[dict]:
    """The models of one provider, each checked to be an object with an id."""
    where = f"provider {provider_id!r}"
    models = expect(provider.get("models"), list, FORMAT, f"{where} models", "a list")
    for model in models:
        expect(model, dict, FORMAT, f"model of {where}", "an object")
        _read_id(model, f"model of {where}")
    return models


def _read_quotes(
    provider_id: str, model: dict, where: str, warnings: list[str]
) -> list[PriceQuote]:
    """One quote per effective-dated period of a model's prices."""
    periods = _read_periods(model.get("prices"), where, warnings)
    if not periods:
        warnings.append(f"no price applies all day to {where}")

    state = "deprecated" if model.get("deprecated") is True else None
    return [
        build_quote(
            model["id"],
            provider_id,
            *_read_text_prices(model["id"], prices, where),
            state=state,
            effective_from_date=from_date,
            effective_to_date=to_date,
        )
        for from_date, to_date, prices in periods
    ]


def _read_text_prices(
    model_id: str, prices: dict, where: str
) -> tuple[float | None, float | None]:
    """Input and output prices; None where the source lists none."""
    # NOTE: genai-prices charges nothing for a price it does not list; an empty
    # `prices` object is taken as free only where the id says so (`:free`).
    if prices == {} and model_id.endswith(":free"):
        return 0.0, 0.0
    input_usd = _read_price(prices, "input_mtok", where)
    return input_usd, _read_price(prices, "output_mtok", where)


def _read_price(prices: dict, key: str, where: str) -> float | None:
    """A plain number, or the `base` of a tiered price (the rate below every tier)."""
    value = prices.get(key)
    if isinstance(value, dict) and is_number(value.get("base")):
        return float(value["base"])
    if value is None or is_number(value):
        return value
    raise parse_error(
        FORMAT, f"{where} price {key!r}", value, "a number or {base, tiers}"
    )


def _read_periods(prices: object, where: str, warnings: list[str]) -> list[Period]:
    """Split a model's prices into effective-dated periods, oldest first."""
    if isinstance(prices, dict):
        return [(None, None, prices)]
    blocks = expect(prices, list, FORMAT, f"{where} prices", "an object or a list")

    daily: list[dict] = []
    dated: list[tuple[date, dict]] = []
    for index, block in enumerate(blocks):
        block_where = f"{where} price block #{index}"
        expect(block, dict, FORMAT, block_where, "an object")
        constraint = block.get("constraint") or {}
        expect(constraint, dict, FORMAT, f"{block_where} constraint", "an object")
        start = read_date(constraint, "start_date", FORMAT, block_where)
        if start is not None:
            dated.append((start, _read_block_prices(block, block_where)))
        elif set(constraint) <= TIME_KEYS:
            daily.append(block)
        else:
            warnings.append(f"skipped {block_where}: constraint {sorted(constraint)}")
    return _chain_periods(_choose_daily_rate(daily, where), dated)


def _read_block_prices(block: dict, where: str) -> dict:
    return expect(block.get("prices"), dict, FORMAT, f"{where} prices", "an object")


def _chain_periods(base: dict | None, dated: list[tuple[date, dict]]) -> list[Period]:
    """The undated rate until the first start date, then each dated rate in turn."""
    dated = sorted(dated, key=lambda item: item[0])
    starts: list[date | None] = [None, *(start for start, _ in dated)]
    rates: list[dict | None] = [base, *(rate for _, rate in dated)]
    ends: list[date | None] = [*starts[1:], None]
    return [
        (start, end, rate)
        for start, end, rate in zip(starts, ends, rates, strict=True)
        if rate is not None
    ]


def _choose_daily_rate(blocks: list[dict], where: str) -> dict | None:
    """The rate that applies for most of the UTC day among time-of-day blocks.

    DeepSeek's off-peak discount is listed as the unconditional block and its
    standard rate as a 16-hour window (see the provider's `price_comments`), so a
    window longer than half a day wins over the unconditional block.
    """
    unconditional = None
    for index, block in enumerate(blocks):
        block_where = f"{where} price block #{index}"
        constraint = block.get("constraint") or {}
        if not constraint:
            unconditional = unconditional or (block, block_where)
        elif 2 * _window_minutes(constraint, block_where) > MINUTES_PER_DAY:
            return _read_block_prices(block, block_where)
    return None if unconditional is None else _read_block_prices(*unconditional)


def _window_minutes(constraint: dict, where: str) -> int:
    """Length of a `start_time`..`end_time` window such as 00:30:00Z..16:30:00Z."""
    start = _minute_of_day(constraint, "start_time", where)
    end = _minute_of_day(constraint, "end_time", where)
    return (end - start) % MINUTES_PER_DAY


def _minute_of_day(constraint: dict, key: str, where: str) -> int:
    text = read_text(constraint, key, FORMAT, where) or ""
    hours, _, rest = text.partition(":")
    minutes = rest[:2]
    if not (hours.isdigit() and minutes.isdigit()):
        raise parse_error(FORMAT, f"{where} {key}", text, "a time like '16:30:00Z'")
    return int(hours) * 60 + int(minutes)


def _read_facts(provider_id: str, model: dict, where: str) -> list[ModelFact]:
    """The context window and display name of a model, when the source gives them."""
    context_window = read_count(model, "context_window", FORMAT, where)
    display_name = read_text(model, "name", FORMAT, where)
    if context_window is None and display_name is None:
        return []
    return [
        ModelFact(
            raw_model_name=model["id"],
            provider=provider_id,
            context_window_tokens=context_window,
            display_name=display_name,
        )
    ]
