"""Leaderboard events from two publications: models added or dropped, rank moves, new
leaders overall or in a category, and category winners flipped between two models
ranked in both. Part of `scoring.event_detect`; runs on a connection it is handed.
"""

from __future__ import annotations

import duckdb

from scoring import event_sql
from scoring.events import TOP, Window, rank_materiality, rows
from scoring.formatting import format_score

LANE = "provisional"  # leaderboard events follow the lane the site shows by default


def leaderboard_events(
    con: duckdb.DuckDBPyConnection, window: Window, causes: dict[str, dict]
) -> list[dict]:
    """Events between the publications in force at each end of the window.

    `causes` maps a model id to a data event of the same window that explains it.
    """
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
