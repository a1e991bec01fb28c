"""Open the DuckDB warehouse and keep its schema current.

The only module that opens connections. Every connection runs in UTC, and the numbered
files in `migrations/` are applied in order, each with its version row in one
transaction, so a failed migration leaves the previous version intact.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from warehouse.errors import MigrationError, WarehouseBusyError

logger = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_LOCK_HINTS = ("Could not set lock", "Conflicting lock", "database is locked")


def list_migrations() -> list[tuple[int, str, str]]:
    """Return (version, file name, SQL text) for every bundled migration, in order."""
    found = []
    for entry in resources.files("warehouse.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found)


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every pending migration; return the versions applied now."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    done = {
        row[0]
        for row in con.execute("SELECT version FROM schema_migrations").fetchall()
    }
    applied = []
    for version, name, sql in list_migrations():
        if version in done:
            continue
        _apply_one(con, version, name, sql)
        applied.append(version)
    return applied


def _apply_one(
    con: duckdb.DuckDBPyConnection, version: int, name: str, sql: str
) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(sql)
        con.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?)",
            [version, name, datetime.now(UTC)],
        )
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise MigrationError(
            f"migration {name!r} failed: {exc}; the database stays at the previous "
            "version; fix the migration file and open the database again"
        ) from exc
    logger.info("applied migration version=%d name=%s", version, name)


def open_database(
    path: Path | str, *, read_only: bool = False, busy_timeout_s: float = 0.0
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file, in UTC, migrating it unless `read_only`.

    DuckDB lets one process write a file, and while it does no other process can open
    it at all; `busy_timeout_s` is how long to keep retrying before giving up with a
    `WarehouseBusyError`.
    """
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect_with_retry(path, read_only, busy_timeout_s)
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        apply_migrations(con)
    else:
        _require_current_schema(con, path)
    return con


def _require_current_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """A read-only connection cannot migrate: say so instead of failing on a table."""
    try:
        stored = con.execute("SELECT max(version) FROM schema_migrations").fetchall()[
            0
        ][0]
    except duckdb.CatalogException:
        stored = None
    latest = list_migrations()[-1][0]
    if stored is None or stored < latest:
        con.close()
        raise MigrationError(
            f"the warehouse {str(path)!r} is at schema version {stored or 0}, this "
            f"version of the program needs {latest}; run `leaderboard refresh` (or any "
            "writing command) once to migrate it"
        )


def _connect_with_retry(
    path: Path, read_only: bool, busy_timeout_s: float
) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + busy_timeout_s
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not any(hint in str(exc) for hint in _LOCK_HINTS):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"the warehouse {str(path)!r} is in use by another process "
                    f"({_holder(exc)}); wait for it to finish and try again"
                ) from exc
            time.sleep(0.2)


def _holder(exc: Exception) -> str:
    match = re.search(r"\(PID (\d+)\)", str(exc))
    return f"PID {match.group(1)}" if match else "unknown process"


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction: all of it is stored, or none of it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def fetch_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: object = None
) -> tuple | None:
    """The first row of a query, or None; the result is always read to its end.

    DuckDB refuses further work on a connection whose last result was not read to the
    end, so a bare `fetchone()` would leave it unusable.
    """
    rows = con.execute(sql, params).fetchall()
    return rows[0] if rows else None


@contextmanager
def registered(
    con: duckdb.DuckDBPyConnection, name: str, table: object
) -> Iterator[str]:
    """Expose an Arrow table to SQL under `name` for the length of the block."""
    con.register(name, table)
    try:
        yield name
    finally:
        # In an aborted transaction this raises too and would hide the real error.
        with suppress(duckdb.Error):
            con.unregister(name)


def select_rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: object = None
) -> list[dict[str, object]]:
    """Run a query and return its rows as dicts, read to the end."""
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
