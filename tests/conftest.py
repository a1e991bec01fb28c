"""Fixtures shared by every test package: where the public sample data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """The shared public data folder: `$LEADERBOARD_SHARED_DATA` or `../shared/data`."""
    configured = os.environ.get("LEADERBOARD_SHARED_DATA")
    path = Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"
    if not (path / "MANIFEST.md").is_file():
        raise RuntimeError(
            f"shared data not found at {path}; clone the project beside shared/ "
            "or set LEADERBOARD_SHARED_DATA to the folder holding MANIFEST.md"
        )
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to the real public data files described in shared/data/MANIFEST.md."""
    return shared_data_dir()


FIXED_AT = "2026-12-01T02:00:00+00:00"


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    """A fresh DuckDB file path under the test's temporary folder."""
    return tmp_path / "warehouse" / "leaderboard.duckdb"


@pytest.fixture
def refreshed_path(warehouse_path: Path) -> Path:
    """A warehouse refreshed once from the bundled catalogue at a fixed instant."""
    from datetime import datetime

    from flows.run import RefreshOptions, refresh_body

    refresh_body(
        str(warehouse_path),
        datetime.fromisoformat(FIXED_AT),
        RefreshOptions(include_sources=False),
    )
    return warehouse_path
