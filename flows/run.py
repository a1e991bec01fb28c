"""Run a refresh or a backfill the embedded way or through a Prefect server.

With `PREFECT_API_URL` set a command runs as its Prefect flow, so it shows in that
server's UI; without it the same steps run directly on the DuckDB file, with no
temporary Prefect server to start (and Prefect is not even imported). Either way the
writer lock is taken first, sources are acquired in parallel by `acquire_all` (threads
here, Prefect tasks in the flow) and loaded one by one through the single connection.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows.locking import writer_lock
from flows.pipeline import load_reference, publish, record_events, update_chosen
from flows.progress import Reporter, Tick
from flows.sources import (
    WORKERS,
    SourceResult,
    acquire_inputs,
    load_batch,
    select_specs,
    source_row,
)
from ingest.acquire import SourceBatch, acquire
from ingest.catalogue import bundled_catalogue_dir
from ingest.fetch import FetchPolicy
from ingest.registry import SourceSpec
from warehouse.chosen import is_chosen_missing
from warehouse.db import open_database, transaction
from warehouse.names import apply_aliases
from warehouse.reference import upsert_sources
from warehouse.snapshot_store import store_snapshot

if TYPE_CHECKING:
    import duckdb

# acquire_all(specs, inputs by source id, at=, mirror=, policy=, tick=) -> batches,
# in the order of `specs`; it must not touch the database.
AcquireAll = Callable[..., list[SourceBatch]]


@dataclasses.dataclass(frozen=True, slots=True)
class RefreshOptions:
    """What a refresh reads: the catalogue always, sources unless told otherwise.

    `wait_s` is how long to queue behind another writer; `retry_delay_s` is the pause
    before the Prefect flow retries a source that failed transiently.
    """

    catalogue_dir: str | None = None
    methodology_dir: str | None = None
    mirror: str | None = None
    source_ids: tuple[str, ...] | None = None
    include_sources: bool = True
    registry_path: str | None = None
    fetch_policy: FetchPolicy | None = None
    wait_s: float = 0.0
    retry_delay_s: float = 30.0


def snapshot_root(db_path: str | Path) -> Path:
    """Snapshots live beside the DuckDB file, in `snapshots/`."""
    return Path(db_path).parent / "snapshots"


def refresh_body(
    db_path: str,
    at: datetime | None = None,
    options: RefreshOptions | None = None,
    *,
    acquire_all: AcquireAll | None = None,
    progress: Reporter | None = None,
) -> dict[str, Any]:
    """Open the warehouse, load the catalogue and sources, publish; return a summary."""
    at = at or datetime.now(UTC)
    options = options or RefreshOptions()
    specs = (
        select_specs(options.source_ids, options.registry_path)
        if options.include_sources
        else []
    )
    with writer_lock(db_path, "refresh", options.wait_s):
        con = open_database(db_path, busy_timeout_s=30.0)
        try:
            loads = _load_reference(con, db_path, at, options)
            sources = load_sources(
                con,
                specs,
                at,
                snapshot_root(db_path),
                options,
                acquire_all or acquire_in_threads,
                progress or Reporter(),
            )
            _checkpoint("sources")
            publication = publish(con, at)
            _checkpoint("publish")
            event_count = record_events(con, at, detected_at=at)
            _checkpoint("events")
        finally:
            con.close()
    return {
        "at": at,
        "catalogue": [dataclasses.asdict(load) for load in loads],
        "sources": [dataclasses.asdict(result) for result in sources],
        "publication": dataclasses.asdict(publication),
        "event_count": event_count,
    }


def _load_reference(
    con: duckdb.DuckDBPyConnection, db_path: str, at: datetime, options: RefreshOptions
) -> list:
    catalogue_dir = (
        Path(options.catalogue_dir)
        if options.catalogue_dir
        else bundled_catalogue_dir()
    )
    methodologies = (
        sorted(Path(options.methodology_dir).glob("*.toml"))
        if options.methodology_dir
        else None
    )
    catalogue, loads = load_reference(con, at, catalogue_dir, methodologies)
    with transaction(con):
        if apply_aliases(con) or is_chosen_missing(con):
            update_chosen(con)
    _checkpoint("reference")
    for data in (catalogue.models_bytes, catalogue.values_bytes):
        store_snapshot(snapshot_root(db_path), data)
    return loads


def load_sources(
    con: duckdb.DuckDBPyConnection,
    specs: list[SourceSpec],
    at: datetime,
    root: Path,
    options: RefreshOptions,
    acquire_all: AcquireAll,
    progress: Reporter,
) -> list[SourceResult]:
    """Acquire every source through `acquire_all`, then load each through `con`."""
    with transaction(con):
        upsert_sources(con, [source_row(spec) for spec in specs])
    inputs = {spec.source_id: acquire_inputs(con, spec, root) for spec in specs}
    batches = acquire_all(
        specs,
        inputs,
        at=at,
        mirror=Path(options.mirror) if options.mirror else None,
        policy=options.fetch_policy,
        tick=progress.stage("fetch and parse", len(specs)) if specs else None,
    )
    tick = progress.stage("load", len(batches)) if batches else None
    results = []
    for batch in batches:
        results.append(load_batch(con, batch, at, root))
        tick(batch.spec.source_id)
    return results


def acquire_in_threads(
    specs: list[SourceSpec],
    inputs: dict[str, dict],
    *,
    at: datetime,
    mirror: Path | None,
    policy: FetchPolicy | None,
    tick: Tick | None,
) -> list[SourceBatch]:
    """Acquire the sources on a thread pool, sharing which hosts did not resolve."""
    down_hosts: set[str] = set()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {
            pool.submit(
                acquire,
                spec,
                at=at,
                mirror=mirror,
                down_hosts=down_hosts,
                policy=policy,
                **inputs[spec.source_id],
            ): spec.source_id
            for spec in specs
        }
        batches = {}
        for future in as_completed(futures):
            batches[futures[future]] = future.result()
            tick(futures[future])
    return [batches[spec.source_id] for spec in specs]


def backfill_body(
    db_path: str,
    start: date,
    end: date,
    *,
    reparse: bool = False,
    wait_s: float = 0.0,
    progress: Reporter | None = None,
) -> dict[str, Any]:
    """Re-parse stored snapshots if asked, then backfill `start`..`end`; a summary."""
    from flows.backfill import backfill, day_end
    from flows.reparse import reparse_sources

    progress = progress or Reporter()
    with writer_lock(db_path, "backfill", wait_s):
        con = open_database(db_path, busy_timeout_s=30.0)
        try:
            reparsed = []
            if reparse:
                reparsed = reparse_sources(
                    con,
                    select_specs(None),
                    day_end(start) - timedelta(days=1),
                    day_end(end),
                    snapshot_root(db_path),
                )
            tick = progress.stage("days", (end - start).days + 1)
            summary = backfill(
                con,
                start,
                end,
                detected_at=datetime.now(UTC),
                progress=lambda day: tick(str(day), (day - start).days + 1),
            )
        finally:
            con.close()
    return {
        **dataclasses.asdict(summary),
        "reparsed": [dataclasses.asdict(r) for r in reparsed],
    }


def _checkpoint(step: str) -> None:
    """Fault injection for crash tests: die right after `step` when asked to.

    `LEADERBOARD_CRASH_AFTER=<step>` ends the process at once, with no cleanup, the
    way a killed run would; every step must leave a state the next run completes.
    """
    if os.environ.get("LEADERBOARD_CRASH_AFTER") == step:
        os._exit(70)


def uses_engine() -> bool:
    """Whether commands run through a Prefect server: `PREFECT_API_URL` is set."""
    return bool(os.environ.get("PREFECT_API_URL"))


def run_refresh(
    db_path: Path,
    at: datetime,
    options: RefreshOptions | None = None,
    *,
    dask: str | None = None,
    progress: Reporter | None = None,
) -> dict[str, Any]:
    """Refresh the warehouse at `db_path` as of `at`; return a JSON-ready summary."""
    if uses_engine() or dask:
        from flows.prefect_flows import run_nightly

        return run_nightly(str(db_path), at, options, dask=dask)
    return refresh_body(str(db_path), at, options, progress=progress)


def run_backfill(
    db_path: Path,
    start: date,
    end: date,
    *,
    reparse: bool = False,
    wait_s: float = 0.0,
    progress: Reporter | None = None,
) -> dict[str, Any]:
    """Backfill directly, or as the `backfill` flow when a server is configured."""
    if uses_engine():
        from flows.prefect_flows import backfill

        return backfill(start, end, reparse, db_path=str(db_path), wait_s=wait_s)
    return backfill_body(
        str(db_path), start, end, reparse=reparse, wait_s=wait_s, progress=progress
    )
