"""Opening the warehouse: migrations, time zone, and the one-writer rule."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from warehouse.db import _apply_one, apply_migrations, list_migrations, open_database
from warehouse.errors import MigrationError, WarehouseBusyError


def test_open_database_applies_every_migration_once(warehouse_path):
    open_database(warehouse_path).close()

    con = open_database(warehouse_path)
    versions = [
        row[0]
        for row in con.execute("SELECT version FROM schema_migrations").fetchall()
    ]
    assert versions == [version for version, _, _ in list_migrations()]
    assert apply_migrations(con) == []


def test_connections_run_in_utc(warehouse_path):
    con = open_database(warehouse_path)

    assert con.execute("SELECT current_setting('TimeZone')").fetchall()[0][0] == "UTC"


def test_a_failed_migration_leaves_the_previous_version_intact(warehouse_path):
    con = open_database(warehouse_path)

    with pytest.raises(MigrationError, match="999_broken.sql"):
        _apply_one(
            con,
            999,
            "999_broken.sql",
            "CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table;",
        )

    tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    assert "half_done" not in tables
    stored = con.execute("SELECT max(version) FROM schema_migrations").fetchall()
    assert stored[0][0] == list_migrations()[-1][0]


def test_a_second_writer_gets_a_clear_busy_error(warehouse_path):
    open_database(warehouse_path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(warehouse_path)!r})
            print("ready", flush=True)
            sys.stdin.readline()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"

        with pytest.raises(WarehouseBusyError, match="in use by another process"):
            open_database(warehouse_path, busy_timeout_s=0.5)
    finally:
        holder.communicate("stop\n", timeout=10)


def test_a_read_only_open_does_not_create_or_migrate(tmp_path):
    path = tmp_path / "missing.duckdb"

    with pytest.raises(duckdb.Error):
        open_database(path, read_only=True)

    assert not path.exists()


def test_a_read_only_open_of_an_old_schema_says_to_migrate(warehouse_path):
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse_path))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER, name TEXT, applied_at TIMESTAMPTZ)"
    )
    con.execute("INSERT INTO schema_migrations VALUES (1, '001_initial.sql', now())")
    con.close()

    with pytest.raises(
        MigrationError, match="at schema version 1.*run `leaderboard refresh`"
    ):
        open_database(warehouse_path, read_only=True)
