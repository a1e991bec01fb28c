"""Observations stored as history: new rows only when a value appears, changes or goes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.records import Observation, ResolvedObservation
from warehouse.db import open_database, transaction
from warehouse.errors import WarehouseError
from warehouse.history import insert_snapshot
from warehouse.loads import load_observations

DAY1 = datetime(2026, 1, 1, tzinfo=UTC)
DAY2 = datetime(2026, 1, 2, tzinfo=UTC)


def rows(*values: tuple[str, float]) -> list[ResolvedObservation]:
    return [
        ResolvedObservation(
            Observation(model, "GPQA", value, str(value), "percent"),
            None,
            "gpqa",
            "provisional",
        )
        for model, value in values
    ]


def load(con, batch, at, sha="a" * 64):
    with transaction(con):
        return load_observations(
            con, batch, source_id="s", snapshot_sha256=sha, retrieved_at=at
        )


@pytest.fixture
def con(warehouse_path):
    return open_database(warehouse_path)


def test_loading_the_same_values_twice_stores_them_once(con):
    load(con, rows(("m1", 50.0), ("m2", 60.0)), DAY1)

    change = load(con, rows(("m1", 50.0), ("m2", 60.0)), DAY2)

    assert (change.added, change.changed, change.unchanged) == (0, 0, 2)
    assert con.execute("SELECT count(*) FROM observations").fetchall()[0][0] == 2


def test_a_changed_value_closes_the_old_row_and_opens_a_new_one(con):
    load(con, rows(("m1", 50.0)), DAY1)

    change = load(con, rows(("m1", 55.0)), DAY2)

    assert change.changed == 1
    history = con.execute(
        "SELECT value, valid_from, valid_to FROM observations ORDER BY valid_from"
    ).fetchall()
    assert history == [(50.0, DAY1, DAY2), (55.0, DAY2, None)]


def test_a_value_that_disappears_is_withdrawn_not_deleted(con):
    load(con, rows(("m1", 50.0), ("m2", 60.0)), DAY1)

    change = load(con, rows(("m1", 50.0)), DAY2)

    assert change.withdrawn == 1
    assert con.execute(
        "SELECT raw_model_name, valid_to FROM observations WHERE valid_to IS NOT NULL"
    ).fetchall() == [("m2", DAY2)]


def test_an_older_snapshot_after_a_newer_one_is_refused_and_changes_nothing(con):
    load(con, rows(("m1", 50.0)), DAY2)

    with pytest.raises(WarehouseError, match="replay dates in order"):
        load(con, rows(("m1", 40.0)), DAY1)

    assert con.execute("SELECT value FROM observations").fetchall() == [(50.0,)]


def test_a_snapshot_is_indexed_once_by_its_sha256(con):
    assert insert_snapshot(con, "b" * 64, "s", 10, DAY1) is True

    assert insert_snapshot(con, "b" * 64, "s", 10, DAY2) is False
