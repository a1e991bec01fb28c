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
    TOP,
    Window,
    describe_price,
    event_key,
    history_sql,
    price_materiality,
    rank_materiality,
    rows,
)
from scoring.formatting import format_score, format_tokens

LANE = "provisional"  # leaderboard events follow the lane the site shows by default

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
        *_leaderboard_events(con, window, causes),
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


def _leaderboard_events(
    con: duckdb.DuckDBPyConnection, window: Window, causes: dict[str, dict]
) -> list[dict]:
    if not window.cur_publication_id or not window.prev_publication_id:
        return []
    if window.cur_publication_id == window.prev_publication_id:
        return []
    params = {
        "prev_pub": window.prev_publication_id,
        "cur_pub": window.cur_publication_id,
        "lane": LANE,
    }
    diff = rows(con, event_sql.OVERALL_DIFF, params)
    events = [e for row in diff for e in _overall_events(row, causes)]
    events += _leader_event(diff, causes)
    events += _category_events(con, params, window, causes)
    return events


def _cause(model_id: str | None, causes: dict[str, dict]) -> dict:
    found = causes.get(model_id or "")
    if found:
        return {
            "cause_kind": found["cause_kind"],
            "cause_id": found["cause_id"],
            "cause_snapshot_sha256": found["cause_snapshot_sha256"],
        }
    return {"cause_kind": "scores", "cause_id": None, "cause_snapshot_sha256": None}


def _overall_events(row: dict, causes: dict[str, dict]) -> list[dict]:
    model = row["model_id"]
    base = {"model_id": model, "lane": LANE, **_cause(model, causes)}
    if not row["was_present"]:
        top = row["after_rank"] is not None and row["after_rank"] <= TOP
        return [
            {
                **base,
                "event_type": "model_added",
                "after_value": row["after_score"],
                "after_text": _rank_text(row["after_rank"]),
                "materiality": "notable" if top else "routine",
                "summary": f"{model} added to the leaderboard, "
                f"{_rank_text(row['after_rank'])}",
            }
        ]
    if not row["is_present"]:
        top = row["before_rank"] is not None and row["before_rank"] <= TOP
        return [
            {
                **base,
                "event_type": "model_dropped",
                "before_value": row["before_score"],
                "before_text": _rank_text(row["before_rank"]),
                "materiality": "notable" if top else "routine",
                "summary": f"{model} dropped from the leaderboard",
            }
        ]
    if row["before_rank"] == row["after_rank"]:
        return []
    return [
        {
            **base,
            "event_type": "rank_moved",
            "before_value": row["before_rank"],
            "after_value": row["after_rank"],
            "before_text": _rank_text(row["before_rank"]),
            "after_text": _rank_text(row["after_rank"]),
            "materiality": rank_materiality(row["before_rank"], row["after_rank"]),
            "summary": (
                f"{model} moved from {_rank_text(row['before_rank'])} to "
                f"{_rank_text(row['after_rank'])} overall "
                f"(score {format_score(row['before_score'])} to "
                f"{format_score(row['after_score'])})"
            ),
        }
    ]


def _rank_text(rank: int | None) -> str:
    return "unranked" if rank is None else f"#{rank}"


def _leader_event(diff: list[dict], causes: dict[str, dict]) -> list[dict]:
    old = sorted(r["model_id"] for r in diff if r["before_rank"] == 1)
    new = sorted(r["model_id"] for r in diff if r["after_rank"] == 1)
    if not new or old == new or set(new) & set(old):
        return []
    return [
        {
            "event_type": "new_leader",
            "model_id": new[0],
            "other_model_id": old[0] if old else None,
            "lane": LANE,
            "before_text": old[0] if old else None,
            "after_text": new[0],
            "materiality": "major",
            **_cause(new[0], causes),
            "summary": f"{new[0]} leads overall{', ahead of ' + old[0] if old else ''}",
        }
    ]


def _category_events(
    con: duckdb.DuckDBPyConnection,
    params: dict,
    window: Window,
    causes: dict[str, dict],
) -> list[dict]:
    leaders: dict[tuple[str, str], list[str]] = {}
    for row in rows(con, event_sql.CATEGORY_LEADERS, params):
        leaders.setdefault((row["publication_id"], row["category_id"]), []).append(
            row["model_id"]
        )
    eligible = {
        (r["publication_id"], r["category_id"], r["model_id"])
        for r in rows(con, event_sql.CATEGORY_ELIGIBLE, params)
    }
    categories = {category for _, category in leaders}
    events = []
    for category in sorted(categories):
        old = sorted(leaders.get((window.prev_publication_id, category), []))
        new = sorted(leaders.get((window.cur_publication_id, category), []))
        if not new or set(new) & set(old):
            continue
        flip = bool(old) and all(
            (pub, category, model) in eligible
            for pub in (window.prev_publication_id, window.cur_publication_id)
            for model in (old[0], new[0])
        )
        events.append(
            {
                "event_type": "category_winner_flipped" if flip else "new_leader",
                "model_id": new[0],
                "other_model_id": old[0] if old else None,
                "category_id": category,
                "lane": LANE,
                "before_text": old[0] if old else None,
                "after_text": new[0],
                "materiality": "notable",
                **_cause(new[0], causes),
                "summary": f"{new[0]} leads {category}"
                f"{', ahead of ' + old[0] if old else ''}",
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
