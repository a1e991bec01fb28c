"""Deterministic name normalisation and resolution to canonical ids.

Sources spell one model many ways (`gpt-4.1-nano`, `openai/gpt-4.1-nano-2025-04-14`,
`GPT-4.1 nano`). `name_key` folds case and punctuation; `variant_keys` also strips
provider prefixes and date suffixes. Reasoning-effort and thinking suffixes are kept,
since they are different variants. An unmatched name is returned unresolved, never
guessed: precision before recall.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ingest.records import (
    Observation,
    PriceQuote,
    ResolvedObservation,
    ResolvedPrice,
)

_SEPARATORS = re.compile(r"[^0-9a-z.+]+")
_DATE_SUFFIX = re.compile(r"-(?:20\d{2}-?\d{2}-?\d{2}|\d{4}|\d{2}-\d{2})$")
_PROVIDER_PREFIXES = (
    "openrouter/",
    "azure/",
    "azure_ai/",
    "bedrock/",
    "vertex_ai/",
    "together_ai/",
    "fireworks_ai/",
    "groq/",
    "deepinfra/",
    "vercel_ai_gateway/",
    "databricks/",
    "openai/",
    "anthropic/",
    "google/",
    "gemini/",
    "meta-llama/",
    "mistralai/",
    "mistral/",
    "deepseek/",
    "deepseek-ai/",
    "x-ai/",
    "xai/",
    "qwen/",
    "cohere/",
)


def name_key(raw: str) -> str:
    """Fold case, spacing and punctuation into one comparable key.

    >>> name_key("GPT-4.1 nano"), name_key("  gpt_4.1-NANO ")
    ('gpt-4.1-nano', 'gpt-4.1-nano')
    """
    return _SEPARATORS.sub("-", raw.casefold()).strip("-")


def variant_keys(raw: str) -> list[str]:
    """Keys to try after the exact one: without provider prefixes, then without a date.

    >>> variant_keys("openai/gpt-4.1-nano-2025-04-14")
    ['gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano']
    """
    text = raw.casefold().strip()
    stripped = True
    while stripped:
        stripped = False
        for prefix in _PROVIDER_PREFIXES:
            if text.startswith(prefix):
                text, stripped = text[len(prefix) :], True
    keys = [name_key(text)]
    undated = _DATE_SUFFIX.sub("", keys[0])
    if undated != keys[0]:
        keys.append(undated)
    return [key for key in keys if key and key != name_key(raw)]


@dataclass(frozen=True, slots=True)
class Resolution:
    """How a raw name resolved: the id (or None) and which rule matched."""

    raw_name: str
    resolved_id: str | None
    match_kind: str | None  # exact, normalised, or None when unresolved


def resolve_name(raw: str, aliases: Mapping[str, str]) -> Resolution:
    """Resolve `raw` through `aliases` (alias key -> id): exact key, then variants."""
    exact = aliases.get(name_key(raw))
    if exact is not None:
        return Resolution(raw, exact, "exact")
    for key in variant_keys(raw):
        found = aliases.get(key)
        if found is not None:
            return Resolution(raw, found, "normalised")
    return Resolution(raw, None, None)


TRUSTED = ("official", "curated")


@dataclass(frozen=True, slots=True)
class ResolvedBatch:
    """A parsed batch with ids attached, and the names nothing matched."""

    observations: tuple[ResolvedObservation, ...]
    prices: tuple[ResolvedPrice, ...]
    unresolved_models: tuple[str, ...]
    unresolved_benchmarks: tuple[str, ...]


def resolve_batch(
    observations: tuple[Observation, ...],
    quotes: tuple[PriceQuote, ...],
    *,
    trust: str,
    model_aliases: Mapping[str, str],
    benchmark_aliases: Mapping[str, str],
) -> ResolvedBatch:
    """Attach model and benchmark ids and the lane to every record of one snapshot.

    The lane is `verified` when the value carries a citation and its source is trusted
    (official or curated), else `provisional`.
    """
    resolved, missing_models, missing_benchmarks = [], set(), set()
    for item in observations:
        model = _resolve_model(item, model_aliases)
        benchmark = resolve_name(item.raw_benchmark_name, benchmark_aliases).resolved_id
        if model is None:
            missing_models.add(item.raw_model_name)
        if benchmark is None:
            missing_benchmarks.add(item.raw_benchmark_name)
        lane = "verified" if item.citation_url and trust in TRUSTED else "provisional"
        resolved.append(ResolvedObservation(item, model, benchmark, lane))
    prices = []
    for quote in quotes:
        model = resolve_name(quote.raw_model_name, model_aliases).resolved_id
        if model is None:
            missing_models.add(quote.raw_model_name)
        prices.append(ResolvedPrice(quote, model))
    return ResolvedBatch(
        tuple(resolved),
        tuple(prices),
        tuple(sorted(missing_models)),
        tuple(sorted(missing_benchmarks)),
    )


def _resolve_model(item: Observation, aliases: Mapping[str, str]) -> str | None:
    found = resolve_name(item.raw_model_name, aliases).resolved_id
    if found is None and item.raw_model_id:
        found = resolve_name(item.raw_model_id, aliases).resolved_id
    return found
