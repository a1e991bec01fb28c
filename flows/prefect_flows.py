"""Prefect flows: thin wrappers around the plain steps in `flows.run` and
`flows.pipeline`, so the same code runs with or without the engine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow

from flows.run import RefreshOptions, refresh_body


@flow(name="nightly_refresh", log_prints=False)
def nightly_refresh(
    db_path: str, at: datetime | None = None, options: RefreshOptions | None = None
) -> dict[str, Any]:
    """Refresh the leaderboard: load the catalogue and sources, score, publish."""
    return refresh_body(db_path, at, options)
