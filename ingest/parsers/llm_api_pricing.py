"""Parse OTBear/llm-api-pricing: daily `llm_pricing.json` snapshots and its change log.

A snapshot is `{provider: {model_id: {"input", "output"}}}` in USD per million text
tokens; `openrouter` slugs come with `:free` and (from 2026-08-07) `:batch` variants,
and OpenRouter's `-1` "variable price" shows up as -1000000. The change log is the
source's own record of changes: ground truth for our change detection tests. Pure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from ingest.errors import ParseError
from ingest.parsers.prices_common import (
    build_quote,
    expect,
    is_number,
    load_json,
    parse_error,
    read_date,
    read_number,
)
from ingest.records import ParseResult, PriceQuote

FORMAT = "llm_api_pricing"
CHANGE_TYPES = ("price_change", "new", "removed")

# The price before and after an event, USD per million tokens; None when not stated.
Sides = tuple[float | None, float | None]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PublishedPriceChange:
    """One event of the source's change log; a side it does not state is None.

    `price_change` fills before and after of the prices that moved, `new` only the
    after side, `removed` only the before side (its `last_input`, `last_output`).
    """

    date: date
    type: str
    provider: str
    model: str
    input_before: float | None = None
    input_after: float | None = None
    output_before: float | None = None
    output_after: float | None = None


def parse(data: bytes) -> ParseResult:
    """One quote per provider and model id of an `llm_pricing.json` snapshot."""
    document = load_json(data, FORMAT)
    providers = expect(
        document, dict, FORMAT, "the top level", "an object of providers"
    )

    quotes: list[PriceQuote] = []
    for provider, models in providers.items():
        where = f"provider {provider!r}"
        expect(models, dict, FORMAT, where, "an object of model ids")
        for model_id, prices in models.items():
            model_where = f"model {model_id!r} of {where}"
            expect(prices, dict, FORMAT, model_where, "an object with input and output")
            input_usd = read_number(prices, "input", FORMAT, model_where)
            output_usd = read_number(prices, "output", FORMAT, model_where)
            quotes.append(build_quote(model_id, provider, input_usd, output_usd))

    logger.info(
        "parsed format=%s providers=%d price_quotes=%d",
        FORMAT, len(providers), len(quotes),
    )  # fmt: skip
    return ParseResult(price_quotes=tuple(quotes))


def parse_news_log(data: bytes) -> tuple[PublishedPriceChange, ...]:
    """Every event of the change log, in file order (one JSON line per day)."""
    changes: list[PublishedPriceChange] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"news log line {number}"
        try:
            day_log = load_json(line, FORMAT)
        except ParseError as error:
            raise ParseError(f"{where}: {error}") from error
        expect(day_log, dict, FORMAT, where, "an object with date and events")
        day = read_date(day_log, "date", FORMAT, where)
        if day is None:
            raise parse_error(FORMAT, f"{where} field 'date'", None, "a date")
        events = expect(
            day_log.get("events"), list, FORMAT, f"{where} events", "a list"
        )
        changes.extend(_read_change(day, event, where) for event in events)

    logger.info("parsed format=%s news_log_events=%d", FORMAT, len(changes))
    return tuple(changes)


def _read_change(day: date, event: object, where: str) -> PublishedPriceChange:
    """One log event; its prices depend on its type (see PublishedPriceChange)."""
    expect(event, dict, FORMAT, f"{where} event", "an object")
    kind = event.get("type")
    if kind not in CHANGE_TYPES:
        raise parse_error(FORMAT, f"{where} event type", kind, f"one of {CHANGE_TYPES}")
    model = _read_name(event, "model", f"{where} event")
    where = f"{where} event for {model!r}"

    input_sides, output_sides = _read_sides(kind, event, where)
    return PublishedPriceChange(
        date=day,
        type=kind,
        provider=_read_name(event, "provider", where),
        model=model,
        input_before=input_sides[0],
        input_after=input_sides[1],
        output_before=output_sides[0],
        output_after=output_sides[1],
    )


def _read_sides(kind: str, event: dict, where: str) -> tuple[Sides, Sides]:
    """Before and after of the input price, then of the output price."""
    if kind == "price_change":
        input_sides = _read_old_new(event, "input", where)
        return input_sides, _read_old_new(event, "output", where)
    if kind == "new":
        after = [_read_float(event, key, where) for key in ("input", "output")]
        return (None, after[0]), (None, after[1])
    before = [_read_float(event, key, where) for key in ("last_input", "last_output")]
    return (before[0], None), (before[1], None)


def _read_name(event: dict, key: str, where: str) -> str:
    value = event.get(key)
    if not isinstance(value, str) or not value:
        raise parse_error(FORMAT, f"{where} field {key!r}", value, "a non-empty string")
    return value


def _read_float(event: dict, key: str, where: str) -> float | None:
    value = read_number(event, key, FORMAT, where)
    return None if value is None else float(value)


def _read_old_new(event: dict, key: str, where: str) -> Sides:
    """The `{"old", "new", "pct"}` of one price; (None, None) when it did not move."""
    change = event.get(key)
    if change is None:
        return None, None
    expect(change, dict, FORMAT, f"{where} field {key!r}", "an object with old and new")
    old = change.get("old")
    new = change.get("new")
    if not (is_number(old) and is_number(new)):
        raise parse_error(
            FORMAT, f"{where} field {key!r}", change, "numbers old and new"
        )
    return float(old), float(new)
