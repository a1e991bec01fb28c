"""Parse OpenRouter's public models list (`GET https://openrouter.ai/api/v1/models`).

`{"data": [{"id", "name", "context_length", "pricing", "top_provider", ...}]}`. Prices
are decimal strings in USD per token: `"0"` on `:free` ids, `"-1"` for variable
pricing (routers such as `openrouter/auto`). Every price is what OpenRouter itself
charges, so the provider is `openrouter` and the raw name is the slug. Pure.
"""

from __future__ import annotations

import logging

from ingest.parsers.prices_common import (
    build_quote,
    expect,
    is_number,
    load_json,
    parse_error,
    per_token_to_per_mtok,
    read_count,
    read_text,
)
from ingest.records import ModelFact, ParseResult, PriceQuote

FORMAT = "openrouter"
PROVIDER = "openrouter"
# Charges beside the per-token prices; any of them makes "0"/"0" tokens not free.
OTHER_FEES = ("request", "image", "audio", "web_search", "internal_reasoning")

logger = logging.getLogger(__name__)


def parse(data: bytes) -> ParseResult:
    """One quote and one fact per model of a models-list response."""
    document = load_json(data, FORMAT)
    expect(document, dict, FORMAT, "the top level", "an object with a data list")
    models = expect(document.get("data"), list, FORMAT, "field 'data'", "a list")

    quotes: list[PriceQuote] = []
    facts: list[ModelFact] = []
    warnings: list[str] = []
    for index, model in enumerate(models):
        expect(model, dict, FORMAT, f"model #{index}", "an object")
        model_id = model.get("id")
        if not isinstance(model_id, str) or not model_id:
            raise parse_error(FORMAT, f"model #{index} field 'id'", model_id, "a slug")
        where = f"model {model_id!r}"
        quotes.append(_read_quote(model_id, model, where, warnings))
        facts.append(_read_fact(model_id, model, where))

    logger.info(
        "parsed format=%s models=%d price_quotes=%d warnings=%d",
        FORMAT, len(models), len(quotes), len(warnings),
    )  # fmt: skip
    return ParseResult(
        price_quotes=tuple(quotes), model_facts=tuple(facts), warnings=tuple(warnings)
    )


def _read_quote(
    model_id: str, model: dict, where: str, warnings: list[str]
) -> PriceQuote:
    pricing = expect(
        model.get("pricing"), dict, FORMAT, f"{where} pricing", "an object"
    )
    input_usd = _read_per_token(pricing, "prompt", where)
    output_usd = _read_per_token(pricing, "completion", where)
    quote = build_quote(model_id, PROVIDER, input_usd, output_usd)

    charged = [fee for fee in OTHER_FEES if _read_per_token(pricing, fee, where)]
    if quote.state == "free" and charged:
        warnings.append(f"{where}: tokens cost 0 but {charged} do not; price unknown")
        return build_quote(model_id, PROVIDER, None, None)
    return quote


def _read_per_token(pricing: dict, key: str, where: str) -> float | None:
    """A USD-per-token price (string or number) in USD per million tokens."""
    value = pricing.get(key)
    if value is None:
        return None
    if isinstance(value, str) or is_number(value):
        try:
            return per_token_to_per_mtok(value)
        except ValueError:
            pass
    raise parse_error(FORMAT, f"{where} pricing {key!r}", value, "a decimal string")


def _read_fact(model_id: str, model: dict, where: str) -> ModelFact:
    """Context window, output limit, reasoning and open-weights flags, display name.

    NOTE: `created` is when OpenRouter listed the model, not its release, so it is
    not reported as a release date.
    """
    top_provider = model.get("top_provider") or {}
    expect(top_provider, dict, FORMAT, f"{where} top_provider", "an object")
    parameters = model.get("supported_parameters")
    if parameters is not None:
        expect(parameters, list, FORMAT, f"{where} supported_parameters", "a list")
    # A Hugging Face repo means published weights; its absence proves nothing.
    hugging_face_id = read_text(model, "hugging_face_id", FORMAT, where)

    return ModelFact(
        raw_model_name=model_id,
        provider=PROVIDER,
        context_window_tokens=read_count(model, "context_length", FORMAT, where),
        max_output_tokens=read_count(
            top_provider, "max_completion_tokens", FORMAT, f"{where} top_provider"
        ),
        is_reasoning=None if parameters is None else "reasoning" in parameters,
        is_open_weights=True if hugging_face_id else None,
        display_name=read_text(model, "name", FORMAT, where),
    )
