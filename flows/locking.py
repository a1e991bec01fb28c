"""One writer at a time: a lock file beside the DuckDB file, naming who holds it.

DuckDB lets one process write a file and then refuses every other process, even
readers, with an error that only names a PID. Writers (refresh, backfill, digest) take
this lock first, so a second one waits a bounded time or fails at once with a line that
says which run holds the warehouse and since when. The lock is an OS file lock
(`flock`): the kernel drops it when its holder dies, so a killed run leaves a stale
file that the next writer simply takes over. It never deletes the file, since a waiter
may hold it open. Unix only.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warehouse.errors import WarehouseBusyError

logger = logging.getLogger(__name__)

POLL_S = 0.2
_held: dict[Path, int] = {}
_held_guard = threading.Lock()


class WriterBusyError(WarehouseBusyError):
    """Another run holds the writer lock; waiting longer (`--wait`) can help."""


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds, or last held, the writer lock."""

    pid: int
    command: str
    started_at: datetime

    def describe(self, now: datetime | None = None) -> str:
        age_s = ((now or datetime.now(UTC)) - self.started_at).total_seconds()
        return (
            f"{self.command} (PID {self.pid}, started "
            f"{self.started_at:%Y-%m-%d %H:%M:%S} UTC, {age_s:.0f} s ago)"
        )


def lock_path(db_path: str | Path) -> Path:
    """The lock file of a warehouse: `<file>.lock` in the same folder."""
    path = Path(db_path)
    return path.with_name(path.name + ".lock")


def read_holder(db_path: str | Path) -> LockHolder | None:
    """The run named in the lock file, or None when the file is empty or missing."""
    try:
        text = lock_path(db_path).read_text(encoding="utf-8")
    except OSError:
        return None
    return _parse(text)


def is_locked(db_path: str | Path) -> bool:
    """Whether a live process holds the writer lock now."""
    path = lock_path(db_path)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@contextmanager
def writer_lock(
    db_path: str | Path, command: str, wait_s: float = 0.0
) -> Iterator[None]:
    """Hold the writer lock of `db_path` for the block; re-entrant in one process.

    Raises:
        WriterBusyError: another live process still held it after `wait_s` seconds.
    """
    path = lock_path(db_path).resolve()
    with _held_guard:
        depth = _held.get(path, 0)
        _held[path] = depth + 1
    try:
        if depth:
            yield
            return
        fd = _acquire(path, command, wait_s)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
    finally:
        with _held_guard:
            _held[path] -= 1
            if not _held[path]:
                del _held[path]


def _acquire(path: Path, command: str, wait_s: float) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise WriterBusyError(_busy_message(path, wait_s)) from None
            time.sleep(min(POLL_S, max(deadline - time.monotonic(), 0.01)))
    stale = _parse(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
    if stale is not None:
        # NOTE: a holder that exits normally empties the file, so content here means
        # it died mid-run (killed, crashed); the kernel already released its lock.
        logger.warning("took over stale writer lock of dead run %s", stale.describe())
    holder = {
        "pid": os.getpid(),
        "command": command,
        "started_at": datetime.now(UTC).isoformat(),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(holder).encode("utf-8"), 0)
    logger.info("took writer lock command=%s path=%s", command, path)
    return fd


def _busy_message(path: Path, wait_s: float) -> str:
    holder = _parse(_read_text(path))
    who = holder.describe() if holder else "another process"
    waited = f" after waiting {wait_s:g} s" if wait_s else ""
    return (
        f"the warehouse is busy{waited}: {who} is writing to it; wait for it to "
        "finish, or pass --wait SECONDS to queue behind it"
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def _parse(text: str) -> LockHolder | None:
    try:
        data = json.loads(text)
        return LockHolder(
            int(data["pid"]),
            str(data["command"]),
            datetime.fromisoformat(data["started_at"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
