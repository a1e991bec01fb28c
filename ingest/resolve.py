"""Attach canonical ids to one source's parsed records.

Models resolve through the alias table (exact key, then the safe normalised variants
of `ingest.names`). Benchmarks resolve only through the source's own map in the
registry, so a source's variant of a benchmark never merges with ours by name alone.
Records without a citation get the source's URL, the page that states them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ingest.names import TRUSTED, ResolvedBatch, resolve_name
from ingest.records import (
    Observation,
    ParseResult,
    ResolvedFact,
    ResolvedObservation,
    ResolvedPrice,
)


def resolve_model(observation: Observation, aliases: Mapping[str, str]) -> str | None:
    """The model id of an observation by its name, then by its machine id."""
    found = resolve_name(observation.raw_model_name, aliases).resolved_id
    if found is None and observation.raw_model_id:
        found = resolve_name(observation.raw_model_id, aliases).resolved_id
    return found


def resolve_source(
    result: ParseResult,
    *,
    trust: str,
    model_aliases: Mapping[str, str],
    benchmark_map: Mapping[str, str],
    citation_url: str,
    snapshot_sha256: str,
) -> tuple[ResolvedBatch, tuple[ResolvedFact, ...]]:
    """Resolve one parsed file of a registered source."""
    observations, missing_models, missing_benchmarks = [], set(), set()
    for item in result.observations:
        if item.citation_url is None:
            item = replace(item, citation_url=citation_url)
        model = resolve_model(item, model_aliases)
        benchmark = benchmark_map.get(item.raw_benchmark_name)
        if model is None:
            missing_models.add(item.raw_model_name)
        if benchmark is None:
            missing_benchmarks.add(item.raw_benchmark_name)
        lane = "verified" if trust in TRUSTED else "provisional"
        observations.append(
            ResolvedObservation(item, model, benchmark, lane, snapshot_sha256)
        )
    prices = []
    for quote in result.price_quotes:
        model = resolve_name(quote.raw_model_name, model_aliases).resolved_id
        if model is None:
            missing_models.add(quote.raw_model_name)
        prices.append(ResolvedPrice(quote, model, snapshot_sha256))
    facts = tuple(
        ResolvedFact(
            fact,
            resolve_name(fact.raw_model_name, model_aliases).resolved_id,
            snapshot_sha256,
        )
        for fact in result.model_facts
    )
    batch = ResolvedBatch(
        tuple(observations),
        tuple(prices),
        tuple(sorted(missing_models)),
        tuple(sorted(missing_benchmarks)),
    )
    return batch, facts
