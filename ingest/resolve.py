"""Attach canonical ids to one source's parsed records.

Models resolve through the alias table (exact key, then the safe normalised variants
of `ingest.names`). Benchmarks resolve only through the source's own map in the
registry, so a source's variant of a benchmark never merges with ours by name alone.
Records without a citation get the source's URL, the page that states them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ingest.names import resolve_name
from ingest.records import (
    Observation,
    ParseResult,
    PriceQuote,
    ResolvedFact,
    ResolvedObservation,
    ResolvedPrice,
)

# Sources whose cited values go to the verified lane.
TRUSTED = ("official", "curated")


@dataclass(frozen=True, slots=True)
class ResolvedBatch:
    """A parsed batch with ids attached, and the names nothing matched."""

    observations: tuple[ResolvedObservation, ...]
    prices: tuple[ResolvedPrice, ...]
    unresolved_models: tuple[str, ...]
    unresolved_benchmarks: tuple[str, ...]


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
    citation_url: str | None,
    snapshot_sha256: str | None,
) -> tuple[ResolvedBatch, tuple[ResolvedFact, ...]]:
    """Resolve one parsed file of a registered source.

    With `snapshot_sha256` None the records take the snapshot their load names.
    """
    observations, missing_models, missing_benchmarks = [], set(), set()
    for item in result.observations:
        if item.citation_url is None and citation_url:
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


def resolve_catalogue(
    observations: tuple[Observation, ...],
    quotes: tuple[PriceQuote, ...],
    *,
    model_aliases: Mapping[str, str],
    benchmark_aliases: Mapping[str, str],
) -> ResolvedBatch:
    """Resolve the curated catalogue, whose benchmark names are ours (or aliases)."""
    benchmark_map = {
        item.raw_benchmark_name: found
        for item in observations
        if (
            found := resolve_name(
                item.raw_benchmark_name, benchmark_aliases
            ).resolved_id
        )
    }
    batch, _ = resolve_source(
        ParseResult(observations=observations, price_quotes=quotes),
        trust="curated",
        model_aliases=model_aliases,
        benchmark_map=benchmark_map,
        citation_url=None,
        snapshot_sha256=None,
    )
    return batch
