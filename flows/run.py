"""Run a refresh the embedded way or through a Prefect server.

With `PREFECT_API_URL` set the refresh runs as the `nightly_refresh` flow, so it shows
in that server's UI; without it the same flow code runs directly on the DuckDB file,
with no temporary Prefect server to start.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime
from pathlib import Path
from typing import Any


def run_refresh(db_path: Path, at: datetime) -> dict[str, Any]:
    """Refresh the warehouse at `db_path` as of `at`; return a JSON-ready summary."""
    if os.environ.get("PREFECT_API_URL"):
        from flows.prefect_flows import nightly_refresh

        return nightly_refresh(db_path=str(db_path), at=at)
    from flows.prefect_flows import refresh_body

    return refresh_body(str(db_path), at)


def summary_json(summary: Any) -> dict[str, Any]:
    """A refresh summary as plain data."""
    return dataclasses.asdict(summary)
