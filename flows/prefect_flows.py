"""Prefect flows: thin wrappers around the plain steps in `flows.run` and
`flows.pipeline`, so the same code runs with or without the engine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow

from flows.run import refresh_body


@flow(name="nightly_refresh", log_prints=False)
def nightly_refresh(
    db_path: str,
    at: datetime | None = None,
    catalogue_dir: str | None = None,
    methodology_dir: str | None = None,
) -> dict[str, Any]:
    """Refresh the leaderboard: load sources, score, store a publication."""
    return refresh_body(db_path, at, catalogue_dir, methodology_dir)
