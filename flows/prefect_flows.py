"""Prefect flows: thin wrappers that sequence the plain steps of `flows.pipeline`.

`refresh_body` is the flow's code without the engine, used by one-shot commands when
no Prefect server is configured.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from prefect import flow

from flows.pipeline import refresh
from ingest.catalogue import bundled_catalogue_dir
from warehouse.db import open_database


def refresh_body(db_path: str, at: datetime | None = None) -> dict[str, Any]:
    """Open the warehouse, refresh from the catalogue, publish; return a summary."""
    at = at or datetime.now(UTC)
    con = open_database(db_path, busy_timeout_s=30.0)
    try:
        summary = refresh(con, at, bundled_catalogue_dir())
    finally:
        con.close()
    return dataclasses.asdict(summary)


@flow(name="nightly_refresh", log_prints=False)
def nightly_refresh(db_path: str, at: datetime | None = None) -> dict[str, Any]:
    """Refresh the leaderboard: load sources, score, store a publication."""
    return refresh_body(db_path, at)
