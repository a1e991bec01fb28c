"""Parse one vendor file of Simon Willison's llm-prices (`data/<vendor>.json`).

`{"vendor", "models": [{"id", "name", "price_history": [...]}]}`, USD per million
tokens. Each history period becomes one quote dated by its `from_date` and `to_date`
(null means open-ended; a period's `to_date` is the next one's `from_date`). The
display `name` ("GPT-4.1 Nano") goes into a ModelFact beside the id. Pure.
"""

from __future__ import annotations

import logging

from ingest.parsers.prices_common import (
    build_quote,
    expect,
    load_json,
    parse_error,
    read_date,
    read_number,
    read_text,
)
from ingest.records import ModelFact, ParseResult, PriceQuote

FORMAT = "llm_prices"

logger = logging.getLogger(__name__)


def parse(data: bytes) -> ParseResult:
    """One quote per price period and one fact per model of a vendor file."""
    document = load_json(data, FORMAT)
    expect(document, dict, FORMAT, "the top level", "an object with vendor and models")
    vendor = read_text(document, "vendor", FORMAT, "the top level")
    models = expect(document.get("models"), list, FORMAT, "field 'models'", "a list")

    quotes: list[PriceQuote] = []
    facts: list[ModelFact] = []
    for index, model in enumerate(models):
        expect(model, dict, FORMAT, f"model #{index}", "an object")
        model_id = _read_id(model, f"model #{index}")
        where = f"model {model_id!r}"
        quotes.extend(_read_quotes(vendor, model, where))
        display_name = read_text(model, "name", FORMAT, where)
        facts.append(
            ModelFact(
                raw_model_name=model_id, provider=vendor, display_name=display_name
            )
        )

    logger.info(
        "parsed format=%s vendor=%s models=%d price_quotes=%d",
        FORMAT, vendor, len(facts), len(quotes),
    )  # fmt: skip
    return ParseResult(price_quotes=tuple(quotes), model_facts=tuple(facts))


def _read_id(model: dict, where: str) -> str:
    value = model.get("id")
    if not isinstance(value, str) or not value:
        raise parse_error(FORMAT, f"{where} field 'id'", value, "a non-empty string")
    return value


def _read_quotes(vendor: str | None, model: dict, where: str) -> list[PriceQuote]:
    """One effective-dated quote per `price_history` period."""
    history = model.get("price_history")
    expect(history, list, FORMAT, f"{where} field 'price_history'", "a list")

    quotes = []
    for index, period in enumerate(history):
        period_where = f"{where} price period #{index}"
        expect(period, dict, FORMAT, period_where, "an object")
        quote = build_quote(
            model["id"],
            vendor,
            read_number(period, "input", FORMAT, period_where),
            read_number(period, "output", FORMAT, period_where),
            effective_from_date=read_date(period, "from_date", FORMAT, period_where),
            effective_to_date=read_date(period, "to_date", FORMAT, period_where),
        )
        quotes.append(quote)
    return quotes
