"""Refresh the registered sources: acquire in parallel, load through one writer.

Acquiring (fetch or mirror read, then parse) runs on worker threads and never touches
DuckDB; this module then records every fetch, stores new snapshots, resolves names and
loads each source's batch in its own transaction. A source that fails is recorded and
skipped; what it delivered before stays current.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from flows.pipeline import update_chosen
from ingest.acquire import FileRead, SourceBatch, Validators
from ingest.formats import FORMATS
from ingest.names import resolve_name
from ingest.records import ResolvedFact
from ingest.registry import SourceSpec, load_registry
from ingest.resolve import ResolvedBatch, resolve_source
from warehouse.db import transaction
from warehouse.fetches import (
    AttemptRow,
    FetchRecord,
    SourceLoad,
    insert_attempts,
    insert_fetch,
    insert_source_load,
    select_validators,
)
from warehouse.history import insert_snapshot, select_snapshot_sha256s
from warehouse.loads import (
    insert_runtime_samples,
    load_facts,
    load_observations,
    load_prices,
    upsert_unresolved,
)
from warehouse.reference import SourceRow, select_model_aliases
from warehouse.snapshot_store import read_snapshot, store_snapshot

if TYPE_CHECKING:
    import duckdb

logger = logging.getLogger(__name__)
WORKERS = 8


@dataclass(frozen=True, slots=True)
class SourceResult:
    """One source's outcome in a refresh, for summaries and the CLI."""

    source_id: str
    outcome: str
    message: str | None
    observation_count: int
    price_count: int
    unresolved_model_count: int
    parse_s: float


def select_specs(
    source_ids: tuple[str, ...] | None, registry_path: str | None = None
) -> list[SourceSpec]:
    """The registered sources, or the named ones (an unknown id is an error)."""
    path = Path(registry_path) if registry_path else None
    specs = load_registry(path, formats=FORMATS)
    if not source_ids:
        return specs
    known = {spec.source_id: spec for spec in specs}
    unknown = [sid for sid in source_ids if sid not in known]
    if unknown:
        from ingest.registry import RegistryError

        raise RegistryError(
            f"unknown source {unknown[0]!r}; registered: {', '.join(sorted(known))}"
        )
    return [known[sid] for sid in source_ids]


def source_row(spec: SourceSpec) -> SourceRow:
    """A registry entry as the warehouse stores it."""
    return SourceRow(
        spec.source_id,
        spec.name,
        spec.files[0].url,
        spec.format,
        spec.kind,
        spec.trust,
        spec.cadence_days,
        spec.max_age_days,
    )


def acquire_inputs(
    con: duckdb.DuckDBPyConnection, spec: SourceSpec, root: Path
) -> dict:
    """What `ingest.acquire.acquire` needs to know from the warehouse for one source."""
    validators = {}
    stored = {}
    for file in spec.files:
        etag, last_modified, sha256 = select_validators(con, spec.source_id, file.url)
        validators[file.url] = Validators(etag, last_modified, sha256)
        if sha256 and (etag or last_modified):
            try:
                stored[sha256] = read_snapshot(root, sha256)
            except (OSError, ValueError):
                validators[file.url] = Validators()  # fetch afresh, unconditionally
    known = select_snapshot_sha256s(con, spec.source_id)
    return {"validators": validators, "known_sha256": known, "stored": stored}


def load_batch(
    con: duckdb.DuckDBPyConnection, batch: SourceBatch, at: datetime, root: Path
) -> SourceResult:
    """Record the fetches of one acquired source and load it, in one transaction."""
    spec = batch.spec
    with transaction(con):
        for read in batch.reads:
            _record_fetch(con, read, at, root)
        counts = (0, 0, 0)
        if batch.outcome == "parsed":
            counts = load_parsed(con, batch, at)
        outcome = "loaded" if batch.outcome == "parsed" else batch.outcome
        insert_source_load(
            con,
            SourceLoad(
                spec.source_id,
                at,
                outcome,
                _main_sha(batch),
                counts[0],
                counts[1],
                counts[2],
                batch.parse_s,
                batch.message,
            ),
        )
    _log(spec.source_id, outcome, batch.message)
    return SourceResult(spec.source_id, outcome, batch.message, *counts, batch.parse_s)


def _log(source_id: str, outcome: str, message: str | None) -> None:
    if outcome in ("fetch_failed", "parse_failed"):
        logger.warning(
            "source failed source=%s outcome=%s error=%s", source_id, outcome, message
        )
    else:
        logger.info("source done source=%s outcome=%s", source_id, outcome)


def _main_sha(batch: SourceBatch) -> str | None:
    if batch.parsed:
        return batch.parsed[0].sha256
    present = [r.outcome.sha256 for r in batch.reads if r.outcome.sha256]
    return present[0] if present else None


def _record_fetch(
    con: duckdb.DuckDBPyConnection, read: FileRead, at: datetime, root: Path
) -> None:
    o = read.outcome
    if read.data is not None and o.outcome == "ok":
        store_snapshot(root, read.data)
    record = FetchRecord(
        source_id=o.source_id,
        url=read.file.url,
        file_name=read.file.name,
        started_at=at,
        finished_at=at + timedelta(seconds=o.elapsed_s),
        outcome=o.outcome,
        status=o.status,
        byte_count=len(read.data)
        if read.data is not None and o.outcome == "ok"
        else None,
        snapshot_sha256=o.sha256,
        etag=o.etag,
        last_modified=o.last_modified,
        attempt_count=len(o.attempts),
        error_class=o.error_class,
        error_message=o.error_message,
        is_retryable=o.is_retryable,
    )
    insert_fetch(con, record)
    insert_attempts(
        con,
        record,
        [
            AttemptRow(
                n,
                a.started_at,
                a.finished_at,
                a.status,
                a.size_bytes,
                a.error_class,
                a.error_message,
            )
            for n, a in enumerate(o.attempts, start=1)
        ],
    )


def load_parsed(
    con: duckdb.DuckDBPyConnection, batch: SourceBatch, at: datetime
) -> tuple[int, int, int]:
    spec = batch.spec
    aliases = select_model_aliases(con)
    resolved = [
        _resolve(spec, parsed.result, parsed.sha256, aliases) for parsed in batch.parsed
    ]
    for read in batch.reads:
        if read.data is not None and read.outcome.sha256:
            insert_snapshot(
                con, read.outcome.sha256, spec.source_id, len(read.data), at
            )
    common = {
        "source_id": spec.source_id,
        "snapshot_sha256": batch.parsed[0].sha256,
        "retrieved_at": at,
    }
    observations = [o for r, _ in resolved for o in r.observations]
    prices = [p for r, _ in resolved for p in r.prices]
    facts = [f for _, fs in resolved for f in fs]
    load_observations(con, observations, **common)
    update_chosen(con, spec.source_id, at)
    load_prices(con, prices, **common)
    load_facts(con, facts, **common)
    samples = [
        (sample, resolve_name(sample.raw_model_name, aliases).resolved_id)
        for parsed in batch.parsed
        for sample in parsed.result.runtime_samples
    ]
    insert_runtime_samples(con, samples, **common)
    models = tuple(sorted({m for r, _ in resolved for m in r.unresolved_models}))
    benchmarks = tuple(
        sorted({b for r, _ in resolved for b in r.unresolved_benchmarks})
    )
    upsert_unresolved(con, spec.source_id, "model", models, at)
    upsert_unresolved(con, spec.source_id, "benchmark", benchmarks, at)
    return len(observations), len(prices), len(models)


def _resolve(
    spec: SourceSpec, result, sha256: str, aliases: dict[str, str]
) -> tuple[ResolvedBatch, tuple[ResolvedFact, ...]]:
    return resolve_source(
        result,
        trust=spec.trust,
        model_aliases=aliases,
        benchmark_map=spec.benchmarks,
        citation_url=spec.files[0].url,
        snapshot_sha256=sha256,
    )
