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

from flows.pipeline import refresh
from ingest.catalogue import bundled_catalogue_dir
from warehouse.db import open_database


def refresh_body(
    db_path: str,
    at: datetime | None = None,
    catalogue_dir: str | None = None,
    methodology_dir: str | None = None,
) -> dict[str, Any]:
    """Open the warehouse, refresh from the catalogue, publish; return a summary."""
    at = at or datetime.now(UTC)
    catalogue = Path(catalogue_dir) if catalogue_dir else bundled_catalogue_dir()
    methodologies = (
        sorted(Path(methodology_dir).glob("*.toml")) if methodology_dir else None
    )
    con = open_database(db_path, busy_timeout_s=30.0)
    try:
        summary = refresh(con, at, catalogue, methodologies)
    finally:
        con.close()
    return dataclasses.asdict(summary)


def run_refresh(
    db_path: Path,
    at: datetime,
    catalogue_dir: str | None = None,
    methodology_dir: str | None = None,
) -> dict[str, Any]:
    """Refresh the warehouse at `db_path` as of `at`; return a JSON-ready summary."""
    arguments = {
        "db_path": str(db_path),
        "at": at,
        "catalogue_dir": catalogue_dir,
        "methodology_dir": methodology_dir,
    }
    if os.environ.get("PREFECT_API_URL"):
        from flows.prefect_flows import nightly_refresh

        return nightly_refresh(**arguments)
    return refresh_body(**arguments)
