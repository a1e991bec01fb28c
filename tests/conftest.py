"""Fixtures shared by every test package: where the public sample data lives."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
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


@pytest.fixture
def truncating_url() -> Iterator[str]:
    """A server that declares 100 bytes, sends 10, and closes the connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
                    b"Connection: close\r\n\r\n0123456789"
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/short"
    stop.set()
    thread.join()
    listener.close()
