"""Settings read from the environment, with the embedded defaults.

`LEADERBOARD_HOME` names the data folder (default `./.leaderboard`); the DuckDB file
lives there as `leaderboard.duckdb` unless a command is given `--db PATH`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    db_path: Path


def load_settings(db: str | os.PathLike[str] | None = None) -> Settings:
    """Settings from the environment; `db` overrides the database path."""
    home = Path(os.environ.get("LEADERBOARD_HOME", ".leaderboard"))
    db_path = Path(db) if db else home / "leaderboard.duckdb"
    return Settings(home=home, db_path=db_path)
