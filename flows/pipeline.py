"""The refresh as plain steps: load reference data and the catalogue, then publish.

Each step calls `ingest`, `warehouse` and `scoring`; nothing here holds a rule. The
Prefect flows in `flows.tasks` wrap these functions, and one-shot commands call them
directly, so a refresh needs no Prefect server.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.catalogue import BenchmarkScale, Catalogue, load_catalogue
from ingest.names import name_key
from ingest.resolve import ResolvedBatch, resolve_catalogue
from scoring.event_detect import detect_events
from scoring.events import Window
from scoring.methodology import Methodology, bundled_methodology_paths, load_methodology
from scoring.publish import Thresholds, compute_publication
from scoring.values import compute_chosen_timeline
from warehouse.chosen import replace_chosen_values, select_touched_pairs
from warehouse.db import transaction
from warehouse.events import insert_event_run, insert_events, select_detected_until
from warehouse.history import HistoryChange, insert_snapshot
from warehouse.loads import load_observations, load_prices, upsert_unresolved
from warehouse.publications import insert_publication, select_publication
from warehouse.reference import (
    SourceRow,
    select_benchmark_aliases,
    select_methodology_in_force,
    select_model_aliases,
    upsert_methodology,
    upsert_models,
    upsert_sources,
)

if TYPE_CHECKING:
    import duckdb

logger = logging.getLogger(__name__)

CATALOGUE_SOURCES = (
    SourceRow(
        "catalogue-models",
        "Curated catalogue: models and prices",
        None,
        "catalogue-models",
        "prices",
        "curated",
        30,
        3650,
    ),
    SourceRow(
        "catalogue-values",
        "Curated catalogue: cited values",
        None,
        "catalogue-values",
        "scores",
        "curated",
        30,
        3650,
    ),
)


@dataclass(frozen=True, slots=True)
class LoadSummary:
    """What loading one snapshot changed."""

    source_id: str
    snapshot_sha256: str
    is_new_snapshot: bool
    changes: HistoryChange | None


@dataclass(frozen=True, slots=True)
class PublishSummary:
    """The publication a refresh produced, or the one it found unchanged."""

    publication_id: str | None
    is_new: bool
    methodology_id: str | None
    model_count: int
    ranked_count: int


def read_methodologies(paths: list[Path] | None = None) -> list[Methodology]:
    """Read and validate every methodology file (the bundled ones by default), oldest
    first."""
    return sorted(
        (load_methodology(path) for path in paths or bundled_methodology_paths()),
        key=lambda m: m.effective_from,
    )


def benchmark_scales(methodologies: list[Methodology]) -> dict[str, BenchmarkScale]:
    """Name keys of every benchmark (id, name, aliases) to its scale; newest wins."""
    scales: dict[str, BenchmarkScale] = {}
    for methodology in methodologies:
        for rule in methodology.benchmarks:
            scale = BenchmarkScale(
                rule.benchmark_id, rule.unit, rule.scale_min, rule.scale_max
            )
            for name in (rule.benchmark_id, rule.name, *rule.aliases):
                scales[name_key(name)] = scale
    return scales


def load_catalogue_into(
    con: duckdb.DuckDBPyConnection, catalogue: Catalogue, at: datetime
) -> list[LoadSummary]:
    """Load the curated catalogue as two sources, in one transaction."""
    with transaction(con):
        upsert_sources(con, CATALOGUE_SOURCES)
        upsert_models(con, catalogue.models, at)
        batch = resolve_catalogue(
            catalogue.observations,
            catalogue.price_quotes,
            model_aliases=select_model_aliases(con),
            benchmark_aliases=select_benchmark_aliases(con),
        )
        return [
            _load_snapshot(
                con, "catalogue-models", catalogue.models_bytes, batch, at, prices=True
            ),
            _load_snapshot(
                con, "catalogue-values", catalogue.values_bytes, batch, at, prices=False
            ),
        ]


def _load_snapshot(
    con: duckdb.DuckDBPyConnection,
    source_id: str,
    data: bytes,
    batch: ResolvedBatch,
    at: datetime,
    *,
    prices: bool,
) -> LoadSummary:
    sha256 = hashlib.sha256(data).hexdigest()
    if not insert_snapshot(con, sha256, source_id, len(data), at):
        logger.info("unchanged snapshot source=%s sha256=%.12s", source_id, sha256)
        return LoadSummary(source_id, sha256, False, None)
    common = {"source_id": source_id, "snapshot_sha256": sha256, "retrieved_at": at}
    if prices:
        changes = load_prices(con, list(batch.prices), **common)
    else:
        changes = load_observations(con, list(batch.observations), **common)
        update_chosen(con, source_id, at)
        upsert_unresolved(con, source_id, "benchmark", batch.unresolved_benchmarks, at)
    upsert_unresolved(con, source_id, "model", batch.unresolved_models, at)
    return LoadSummary(source_id, sha256, True, changes)


def publish(con: duckdb.DuckDBPyConnection, at: datetime) -> PublishSummary:
    """Score everything as of `at`; store a publication unless nothing changed."""
    methodology = select_methodology_in_force(con, at)
    if methodology is None:
        return PublishSummary(None, False, None, 0, 0)
    computed = compute_publication(
        con, at, methodology["methodology_id"], _thresholds(methodology)
    )
    latest = select_publication(con, at)
    if computed.overall_scores.num_rows == 0 and latest is None:
        return PublishSummary(None, False, computed.methodology_id, 0, 0)
    if (
        latest
        and latest["content_hash"] == computed.content_hash
        and (latest["methodology_id"] == computed.methodology_id)
    ):
        logger.info("publication unchanged publication_id=%s", latest["publication_id"])
        return PublishSummary(
            latest["publication_id"],
            False,
            latest["methodology_id"],
            latest["model_count"],
            latest["ranked_count"],
        )
    with transaction(con):
        publication_id, is_new = insert_publication(con, computed)
    stored = select_publication(con, at)
    return PublishSummary(
        publication_id,
        is_new,
        computed.methodology_id,
        stored["model_count"],
        stored["ranked_count"],
    )


def _thresholds(methodology: dict[str, object]) -> Thresholds:
    return Thresholds(
        category_min_coverage_fraction=float(
            methodology["category_min_coverage_fraction"]
        ),
        overall_min_benchmark_count=int(methodology["overall_min_benchmark_count"]),
        overall_min_category_count=int(methodology["overall_min_category_count"]),
    )


def load_reference(
    con: duckdb.DuckDBPyConnection,
    at: datetime,
    catalogue_dir: Path,
    methodology_paths: list[Path] | None = None,
) -> tuple[Catalogue, list[LoadSummary]]:
    """Load methodology versions and the curated catalogue.

    Every file is validated before anything is written, and each load is one
    transaction, so bad input leaves the stored state as it was.
    """
    methodologies = read_methodologies(methodology_paths)
    catalogue = load_catalogue(catalogue_dir, benchmark_scales(methodologies))
    with transaction(con):
        for methodology in methodologies:
            upsert_methodology(con, methodology)
    return catalogue, load_catalogue_into(con, catalogue, at)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def record_events(
    con: duckdb.DuckDBPyConnection,
    at: datetime,
    *,
    detected_at: datetime,
    since: datetime | None = None,
    is_backfill: bool = False,
) -> int:
    """Detect the changes in (since, at] and store them; return how many were new.

    A live run starts where the last live detection stopped, so a run that crashed
    before this step has its changes found by the next one.
    """
    prev = since or select_detected_until(con) or EPOCH
    if prev >= at:
        return 0
    before, after = select_publication(con, prev), select_publication(con, at)
    window = Window(
        prev,
        at,
        before["publication_id"] if before else None,
        after["publication_id"] if after else None,
        before["methodology_id"] if before else None,
        after["methodology_id"] if after else None,
    )
    events = detect_events(
        con, window, detected_at=detected_at, is_backfill=is_backfill
    )
    with transaction(con):
        added = insert_events(con, events)
        if not is_backfill:
            insert_event_run(con, at, detected_at, added, False)
    return added


def update_chosen(
    con: duckdb.DuckDBPyConnection,
    source_id: str | None = None,
    at: datetime | None = None,
) -> None:
    """Recompute the chosen values of the pairs a load touched (all when no source).

    Run it inside the load's transaction.
    """
    pairs = select_touched_pairs(con, source_id, at) if source_id else None
    if pairs is not None and pairs.num_rows == 0:
        return
    replace_chosen_values(con, compute_chosen_timeline(con, pairs), pairs)
