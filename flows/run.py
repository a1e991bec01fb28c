"""Run a refresh the embedded way or through a Prefect server.

With `PREFECT_API_URL` set the refresh runs as the `nightly_refresh` flow, so it shows
in that server's UI; without it the same flow code runs directly on the DuckDB file,
with no temporary Prefect server to start (and Prefect is not even imported).
"""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.pipeline import load_reference, publish, record_events
from flows.sources import refresh_sources, select_specs
from ingest.catalogue import bundled_catalogue_dir
from ingest.fetch import FetchPolicy
from warehouse.db import open_database, transaction
from warehouse.names import apply_aliases
from warehouse.snapshot_store import store_snapshot


@dataclasses.dataclass(frozen=True, slots=True)
class RefreshOptions:
    """What a refresh reads: the catalogue always, sources unless told otherwise."""

    catalogue_dir: str | None = None
    methodology_dir: str | None = None
    mirror: str | None = None
    source_ids: tuple[str, ...] | None = None
    include_sources: bool = True
    registry_path: str | None = None
    fetch_policy: FetchPolicy | None = None


def snapshot_root(db_path: str | Path) -> Path:
    """Snapshots live beside the DuckDB file, in `snapshots/`."""
    return Path(db_path).parent / "snapshots"


def refresh_body(
    db_path: str, at: datetime | None = None, options: RefreshOptions | None = None
) -> dict[str, Any]:
    """Open the warehouse, load the catalogue and sources, publish; return a summary."""
    at = at or datetime.now(UTC)
    options = options or RefreshOptions()
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
    specs = (
        select_specs(options.source_ids, options.registry_path)
        if options.include_sources
        else []
    )
    con = open_database(db_path, busy_timeout_s=30.0)
    try:
        catalogue, loads = load_reference(con, at, catalogue_dir, methodologies)
        with transaction(con):
            apply_aliases(con)
        _checkpoint("reference")
        for data in (catalogue.models_bytes, catalogue.values_bytes):
            store_snapshot(snapshot_root(db_path), data)
        sources = refresh_sources(
            con,
            specs,
            at=at,
            snapshot_root=snapshot_root(db_path),
            mirror=Path(options.mirror) if options.mirror else None,
            policy=options.fetch_policy,
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


def _checkpoint(step: str) -> None:
    """Fault injection for crash tests: die right after `step` when asked to.

    `LEADERBOARD_CRASH_AFTER=<step>` ends the process at once, with no cleanup, the
    way a killed run would; every step must leave a state the next run completes.
    """
    if os.environ.get("LEADERBOARD_CRASH_AFTER") == step:
        os._exit(70)


def run_refresh(
    db_path: Path, at: datetime, options: RefreshOptions | None = None
) -> dict[str, Any]:
    """Refresh the warehouse at `db_path` as of `at`; return a JSON-ready summary."""
    if os.environ.get("PREFECT_API_URL"):
        from flows.prefect_flows import nightly_refresh

        return nightly_refresh(db_path=str(db_path), at=at, options=options)
    return refresh_body(str(db_path), at, options)
