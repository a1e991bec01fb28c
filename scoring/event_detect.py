"""Detect every change event between two instants (see `scoring.events` for the rules).

Set-based: one query per family over the history tables and the two publications; the
few candidate rows are then worded and weighed here. Runs on a connection it is handed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from scoring import event_sql
from scoring.events import (
    Window,
    describe_price,
    event_key,
    history_sql,
    price_materiality,
    rows,
)
from scoring.formatting import format_score, format_tokens
from scoring.leaderboard_events import leaderboard_events

OBSERVATION_KEYS = ("raw_model_name", "raw_benchmark_name", "raw_run_id")
OBSERVATION_COLUMNS = (
    "model_id",
    "benchmark_id",
    "value",
    "value_text",
    "reported_date",
)
PRICE_KEYS = ("raw_model_name", "provider", "effective_from_date")
PRICE_COLUMNS = ("model_id", "state", "input_usd_per_mtok", "output_usd_per_mtok")
FACT_KEYS = ("raw_model_name", "provider")
FACT_COLUMNS = ("model_id", "context_window_tokens")


def detect_events(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    *,
    detected_at: datetime,
    is_backfill: bool,
) -> list[dict[str, Any]]:
    """Every event in (window.prev, window.cur], ready to store."""
    params = {"prev": window.prev, "cur": window.cur}
    data = [
        *_value_events(con, params),
        *_price_events(con, params),
        *_fact_events(con, params),
    ]
    causes = {e["model_id"]: e for e in data if e.get("model_id")}
    found = [
        *data,
        *leaderboard_events(con, window, causes),
        *_stale_events(con, window, params),
        *_methodology_events(window),
        *_source_events(con, params),
    ]
    return [_finish(e, window, detected_at, is_backfill) for e in found]


def _finish(
    event: dict[str, Any], window: Window, detected_at: datetime, is_backfill: bool
) -> dict[str, Any]:
    if event.get("effective_at") is None:
        event["effective_at"] = window.cur
    event["event_id"] = event_key(
        event["event_type"],
        event.get("model_id"),
        event.get("other_model_id"),
        event.get("benchmark_id"),
        event.get("category_id"),
        event.get("source_id"),
        event.get("raw_name"),
        event.get("provider"),
        event.get("lane"),
        event.get("before_text"),
        event.get("after_text"),
        event["effective_at"],
    )
    event.update(
        detected_at=detected_at,
        is_backfill=is_backfill,
        publication_id=window.cur_publication_id,
        previous_publication_id=window.prev_publication_id,
    )
    return event


def _value_events(con: duckdb.DuckDBPyConnection, params: dict) -> list[dict]:
    sql = history_sql(
        "observations", OBSERVATION_KEYS, OBSERVATION_COLUMNS, "observation_id"
    )
    events = []
    for row in rows(con, sql, params):
        before, after = row["before"], row["after"]
        current = after or before
        if not current["model_id"] or not current["benchmark_id"]:
            continue  # values of untracked names or unmapped benchmarks are not news
        if before and after and before["value"] == after["value"]:
            continue
        events.append(_value_event(row, before, after))
    return events


def _value_event(row: dict, before: dict | None, after: dict | None) -> dict:
    current = after or before
    kind = (
        "value_corrected"
        if before and after
        else "value_new"
        if after
        else "value_withdrawn"
    )
    delta = after["value"] - before["value"] if before and after else None
    change = {
        "value_new": "new value",
        "value_withdrawn": "value withdrawn",
        "value_corrected": "value corrected",
    }[kind]
    text = (
        f"{current['benchmark_id']} for {current['model_id']}: {change}"
        f"{'' if before is None else ' from ' + format_score(before['value'])}"
        f"{'' if after is None else ' to ' + format_score(after['value'])}"
        f" (source {row['source_id']})"
    )
    return {
        "event_type": kind,
        "model_id": current["model_id"],
        "benchmark_id": current["benchmark_id"],
        "source_id": row["source_id"],
        "raw_name": row["raw_model_name"],
        "before_value": before["value"] if before else None,
        "after_value": after["value"] if after else None,
        "before_text": before["value_text"] if before else None,
        "after_text": after["value_text"] if after else None,
        "cause_kind": "observation",
        "cause_id": after["row_id"] if after else None,
        "cause_snapshot_sha256": after["snapshot_sha256"] if after else None,
        "materiality": (
            "notable" if delta is not None and abs(delta) >= 1 else "routine"
        ),
        "summary": text,
        "effective_at": after["valid_from"] if after else None,
    }


def _price_events(con: duckdb.DuckDBPyConnection, params: dict) -> list[dict]:
    sql = history_sql("prices", PRICE_KEYS, PRICE_COLUMNS, "price_id")
    events = []
    for row in rows(con, sql, params):
        before, after = row["before"], row["after"]
        if before and after and all(before[k] == after[k] for k in PRICE_COLUMNS[1:]):
            continue
        events.append(_price_event(row, before, after))
    return events


def _price_event(row: dict, before: dict | None, after: dict | None) -> dict:
    kind = (
        "price_changed"
        if before and after
        else "price_added"
        if after
        else "price_removed"
    )
    model = (after or before)["model_id"]
    name = model or row["raw_model_name"]
    text = (
        f"price of {name} at {row['provider'] or row['source_id']}: "
        f"{describe_price(before)} to {describe_price(after)}"
    )
    return {
        "event_type": kind,
        "model_id": model,
        "source_id": row["source_id"],
        "raw_name": row["raw_model_name"],
        "provider": row["provider"],
        "before_value": (before or {}).get("input_usd_per_mtok"),
        "after_value": (after or {}).get("input_usd_per_mtok"),
        "before_text": describe_price(before) if before else None,
        "after_text": describe_price(after) if after else None,
        "cause_kind": "price",
        "cause_id": after["row_id"] if after else None,
        "cause_snapshot_sha256": after["snapshot_sha256"] if after else None,
        "materiality": price_materiality(model is not None, before or {}, after or {}),
        "summary": text,
        "effective_at": after["valid_from"] if after else None,
    }


def _fact_events(con: duckdb.DuckDBPyConnection, params: dict) -> list[dict]:
    sql = history_sql("model_facts", FACT_KEYS, FACT_COLUMNS, "model_fact_id")
    events = []
    for row in rows(con, sql, params):
        before, after = row["before"], row["after"]
        if not (before and after) or not after["model_id"]:
            continue  # only a change to a tracked model's context window is news
        old, new = before["context_window_tokens"], after["context_window_tokens"]
        if old == new or old is None or new is None:
            continue
        events.append(
            {
                "event_type": "context_window_changed",
                "model_id": after["model_id"],
                "source_id": row["source_id"],
                "raw_name": row["raw_model_name"],
                "provider": row["provider"],
                "before_value": old,
                "after_value": new,
                "before_text": format_tokens(old),
                "after_text": format_tokens(new),
                "cause_kind": "model_fact",
                "cause_id": after["row_id"],
                "cause_snapshot_sha256": after["snapshot_sha256"],
                "materiality": "routine",
                "summary": (
                    f"context window of {after['model_id']} at {row['provider']}: "
                    f"{format_tokens(old)} to {format_tokens(new)}"
                ),
                "effective_at": after["valid_from"],
            }
        )
    return events


def _stale_events(
    con: duckdb.DuckDBPyConnection, window: Window, params: dict
) -> list[dict]:
    if not window.cur_methodology_id:
        return []
    found = rows(
        con,
        event_sql.STALE_VALUES,
        {**params, "methodology_id": window.cur_methodology_id},
    )
    return [
        {
            "event_type": "benchmark_stale",
            "model_id": r["model_id"],
            "benchmark_id": r["benchmark_id"],
            "source_id": r["source_id"],
            "before_value": r["value"],
            "cause_kind": "freshness",
            "cause_id": r["observation_id"],
            "cause_snapshot_sha256": r["snapshot_sha256"],
            "materiality": "routine",
            "effective_at": r["stale_at"],
            "summary": f"{r['benchmark_id']} value of {r['model_id']} is now too old "
            "to count",
        }
        for r in found
    ]


def _methodology_events(window: Window) -> list[dict]:
    before, after = window.prev_methodology_id, window.cur_methodology_id
    if before is None or after is None or before == after:
        return []
    return [
        {
            "event_type": "methodology_changed",
            "before_text": before,
            "after_text": after,
            "cause_kind": "methodology",
            "cause_id": after,
            "materiality": "major",
            "summary": f"methodology {after} replaces {before}",
        }
    ]


def _source_events(con: duckdb.DuckDBPyConnection, params: dict) -> list[dict]:
    return [
        {
            "event_type": "source_failing",
            "source_id": r["source_id"],
            "after_text": r["error_class"],
            "cause_kind": "fetch",
            "cause_id": None,
            "materiality": "notable",
            "effective_at": r["failing_at"],
            "summary": f"source {r['source_id']} failed three fetches in a row "
            f"({r['error_class']})",
        }
        for r in rows(con, event_sql.FAILING_SOURCES, params)
    ]
