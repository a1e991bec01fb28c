"""Parser for the Artificial Analysis models API (GET /api/v2/data/llms/models).

`{"status", "data": [{"name", "slug", "model_creator", "evaluations", "pricing",
"median_output_tokens_per_second", "median_time_to_first_token_seconds", ...}]}`.
Evaluations are fractions (0.657) stored as percent, except the `artificial_analysis_*`
indexes, already on a 0-100 scale (unit "index"); a non-index value above 1 is not a
fraction and is skipped. Prices are USD per million tokens, medians across providers.
A 0 speed, latency or price pair reads as "not measured" (unknown), not as free.
"""

from __future__ import annotations

import logging
from typing import Any

from ingest.errors import ParseError
from ingest.parsers.scores_common import load_json, number_text, parse_date
from ingest.records import (
    ModelFact,
    Observation,
    ParseResult,
    PriceQuote,
    RuntimeSample,
)

logger = logging.getLogger(__name__)

FORMAT = "artificial-analysis"

INDEX_PREFIX = "artificial_analysis_"
RUNTIME_FIELDS = {
    "median_output_tokens_per_second": "output_tokens_per_s",
    "median_time_to_first_token_seconds": "ttft_s",
}


def parse(data: bytes) -> ParseResult:
    """Evaluations, one price quote, runtime samples and facts per model."""
    models = _load_models(data)

    observations: list[Observation] = []
    quotes: list[PriceQuote] = []
    samples: list[RuntimeSample] = []
    facts: list[ModelFact] = []
    warnings: list[str] = []
    for model in models:
        name = model.get("name") if isinstance(model, dict) else None
        if not isinstance(name, str) or not name.strip():
            warnings.append(f"skipped a model without a name: {str(model)[:80]!r}")
            continue
        observations.extend(_observe(model, name, warnings))
        quotes.append(_quote(model, name))
        samples.extend(_samples(model, name))
        facts.append(_fact(model, name))
    return _finish(observations, quotes, samples, facts, warnings)


def _load_models(data: bytes) -> list[Any]:
    document = load_json(data, FORMAT)
    models = document.get("data") if isinstance(document, dict) else None
    if not isinstance(models, list):
        raise ParseError(
            f"could not parse {FORMAT!r} response: expected an object with a 'data' "
            f"list, saw {str(document)[:80]!r}; check the API key and endpoint"
        )
    return models


def _observe(
    model: dict[str, Any], name: str, warnings: list[str]
) -> list[Observation]:
    evaluations = model.get("evaluations") or {}
    slug = model.get("slug")
    observations = []
    for key, raw in evaluations.items():
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            continue
        is_index = key.startswith(INDEX_PREFIX)
        if not is_index and not 0 <= raw <= 1:
            warnings.append(f"skipped {name!r} {key!r}: {raw!r} is not a fraction")
            continue
        value, unit = (float(raw), "index") if is_index else (raw * 100, "percent")
        observations.append(
            Observation(
                raw_model_name=name,
                raw_benchmark_name=key,
                value=round(value, 10),
                value_text=number_text(raw),
                unit=unit,
                raw_model_id=slug if isinstance(slug, str) else None,
            )
        )
    return observations


def _quote(model: dict[str, Any], name: str) -> PriceQuote:
    pricing = model.get("pricing") or {}
    prices = [
        _number(pricing.get(key))
        for key in ("price_1m_input_tokens", "price_1m_output_tokens")
    ]
    if None in prices:
        return PriceQuote(name, "unknown")
    if prices == [0.0, 0.0]:
        # NOTE: the API writes 0 where no provider prices the model; free is a guess.
        return PriceQuote(name, "unknown")
    return PriceQuote(name, "priced", prices[0], prices[1])


def _samples(model: dict[str, Any], name: str) -> list[RuntimeSample]:
    samples = []
    for key, metric in RUNTIME_FIELDS.items():
        value = _number(model.get(key))
        if value is not None and value > 0:
            samples.append(RuntimeSample(name, metric, value))
    return samples


def _fact(model: dict[str, Any], name: str) -> ModelFact:
    creator = model.get("model_creator") or {}
    provider = creator.get("name") if isinstance(creator, dict) else None
    return ModelFact(
        raw_model_name=name,
        provider=provider if isinstance(provider, str) else None,
        release_date=parse_date(model.get("release_date")),
    )


def _finish(
    observations: list[Observation],
    quotes: list[PriceQuote],
    samples: list[RuntimeSample],
    facts: list[ModelFact],
    warnings: list[str],
) -> ParseResult:
    logger.info(
        "parsed format=%s observations=%d price_quotes=%d runtime_samples=%d",
        FORMAT,
        len(observations),
        len(quotes),
        len(samples),
    )
    return ParseResult(
        observations=tuple(observations),
        price_quotes=tuple(quotes),
        model_facts=tuple(facts),
        runtime_samples=tuple(samples),
        warnings=tuple(warnings),
    )


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
