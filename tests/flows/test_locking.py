"""One writer at a time, across real processes: a second refresh fails at once naming
the running one or queues with `--wait`; a killed run's lock is taken over; readers
retry, then say the warehouse is busy.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from werkzeug import Request, Response

from flows.locking import WriterBusyError, is_locked, read_holder, writer_lock

REPO_ROOT = Path(__file__).resolve().parents[2]
REFRESH_SCRIPT = """
import sys
from flows.run import RefreshOptions, refresh_body
refresh_body(sys.argv[1], options=RefreshOptions(registry_path=sys.argv[2]))
"""


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    return "127.0.0.1", 0


def cli(db: Path, *args: str) -> subprocess.Popen:
    """The `leaderboard` command as its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )


def wait_for_holder(db: Path, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        holder = read_holder(db)
        if holder is not None:
            return holder
        time.sleep(0.05)
    raise AssertionError("the first refresh never took the writer lock")


@pytest.fixture
def slow_source(httpserver, shared_data, tmp_path) -> tuple[Path, threading.Event]:
    """A registry of one source whose server answers only once `release` is set."""
    release = threading.Event()
    body = (shared_data / "litellm/litellm-prices-2025-09-01.json").read_bytes()

    def slow(request: Request) -> Response:
        release.wait(60)
        return Response(body)

    httpserver.expect_request("/slow.json").respond_with_handler(slow)
    registry = tmp_path / "sources.toml"
    registry.write_text(
        '[[sources]]\nsource_id = "slow"\nname = "slow"\nkind = "prices"\n'
        'trust = "third_party"\nformat = "litellm"\n'
        f'url = "{httpserver.url_for("/slow.json")}"\nmirror_file = "slow.json"\n'
    )
    yield registry, release
    release.set()


def test_a_second_refresh_fails_at_once_naming_the_running_one(slow_source, tmp_path):
    registry, release = slow_source
    db = tmp_path / "warehouse" / "leaderboard.duckdb"
    first = subprocess.Popen(
        [sys.executable, "-c", REFRESH_SCRIPT, str(db), str(registry)], cwd=REPO_ROOT
    )
    try:
        holder = wait_for_holder(db)

        second = cli(db, "refresh", "--catalogue-only")
        _, err = second.communicate(timeout=60)
    finally:
        release.set()
        first.wait(60)

    assert holder.pid == first.pid and holder.command == "refresh"
    assert second.returncode == 1
    assert err.count("\n") == 1
    assert err.startswith("error: the warehouse is busy: refresh (PID ")
    assert f"PID {first.pid}" in err and "--wait SECONDS" in err
    assert first.returncode == 0


def test_a_second_refresh_with_wait_runs_once_the_first_finishes(slow_source, tmp_path):
    registry, release = slow_source
    db = tmp_path / "warehouse" / "leaderboard.duckdb"
    first = subprocess.Popen(
        [sys.executable, "-c", REFRESH_SCRIPT, str(db), str(registry)], cwd=REPO_ROOT
    )
    wait_for_holder(db)

    second = cli(db, "refresh", "--catalogue-only", "--wait", "120", "--json")
    time.sleep(1.0)
    release.set()
    out, err = second.communicate(timeout=120)

    assert first.wait(60) == 0
    assert second.returncode == 0, err
    with duckdb.connect(str(db), read_only=True) as con:
        loads = con.execute("SELECT source_id, outcome FROM source_loads").fetchall()
        publications = con.execute("SELECT count(*) FROM publications").fetchall()
    assert loads == [("slow", "loaded")]
    assert publications[0][0] >= 1
    assert not is_locked(db)


def hold_lock(db: Path, command: str) -> subprocess.Popen:
    """Another process holding the writer lock until its stdin closes."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom flows.locking import writer_lock\n"
            "with writer_lock(sys.argv[1], sys.argv[2]):\n"
            "    print('locked', flush=True)\n    sys.stdin.read()\n",
            str(db),
            command,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path, caplog):
    db = tmp_path / "leaderboard.duckdb"
    holder = hold_lock(db, "backfill")
    assert is_locked(db)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)

    with writer_lock(db, "refresh"):
        current = read_holder(db)

    assert current.pid == os.getpid() and current.command == "refresh"
    assert f"dead run backfill (PID {holder.pid}" in caplog.text
    assert read_holder(db) is None


def test_the_writer_lock_is_reentrant_within_a_process(tmp_path):
    db = tmp_path / "leaderboard.duckdb"

    with writer_lock(db, "nightly_refresh"), writer_lock(db, "refresh"):
        holder = read_holder(db)

    assert holder.command == "nightly_refresh"
    assert not is_locked(db)


def test_a_busy_lock_after_waiting_says_how_long_it_waited(tmp_path):
    db = tmp_path / "leaderboard.duckdb"
    holder = hold_lock(db, "refresh")
    try:
        with pytest.raises(WriterBusyError) as caught, writer_lock(db, "backfill", 0.3):
            pass
    finally:
        holder.stdin.close()
        holder.wait(10)

    assert "after waiting 0.3 s" in str(caught.value)
    assert f"refresh (PID {holder.pid}" in str(caught.value)


def test_a_read_command_retries_then_says_the_warehouse_is_busy(refreshed_path):
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb\ncon = duckdb.connect(sys.argv[1])\n"
            "print('open', flush=True)\nsys.stdin.read()\n",
            str(refreshed_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "open"

        reader = cli(refreshed_path, "show")
        _, err = reader.communicate(timeout=60)
    finally:
        writer.stdin.close()
        writer.wait(10)

    assert reader.returncode == 1
    assert err.startswith("error: the warehouse") and "in use by another" in err
    assert err.count("\n") == 1
