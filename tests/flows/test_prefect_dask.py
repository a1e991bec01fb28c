"""Scale-out: a refresh whose fetch and parse run on a local Dask cluster, through a
real Prefect server, publishes what the direct refresh publishes; loading stays in the
one writer process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.run import RefreshOptions, refresh_body
from flows.serve import free_port, start_local_server
from tests.flows.mirror import build_mirror

pytest.importorskip("prefect_dask")
pytestmark = pytest.mark.prefect

REPO_ROOT = Path(__file__).resolve().parents[2]
AT = "2026-12-01T02:00:00Z"


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_refresh_on_a_local_dask_cluster_publishes_what_the_direct_one_does(
    tmp_path, shared_data
):
    mirror = build_mirror(shared_data, tmp_path / "mirror")
    server = start_local_server(tmp_path / "prefect", free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {
        "PREFECT_API_URL": server.api_url,
        "PREFECT_HOME": str(tmp_path / "prefect-client"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    dask_db = tmp_path / "dask" / "leaderboard.duckdb"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "flows.cli", "--db", str(dask_db), "refresh"]
            + ["--mirror", str(mirror), "--at", AT, "--dask", "local", "--json"],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            env=env,
            timeout=600,
        )
    finally:
        server.stop()
    direct_db = tmp_path / "direct" / "leaderboard.duckdb"

    refresh_body(
        str(direct_db),
        datetime.fromisoformat(AT.replace("Z", "+00:00")).astimezone(UTC),
        RefreshOptions(mirror=str(mirror)),
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert "Task run 'acquire lmarena'" in done.stderr
    sql = "SELECT publication_id, content_hash, model_count FROM publications"
    assert rows(dask_db, sql) == rows(direct_db, sql)
    counts = "SELECT source_id, outcome, observation_count FROM source_loads ORDER BY 1"
    assert rows(dask_db, counts) == rows(direct_db, counts)
