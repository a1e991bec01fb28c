"""Edge cases of the publication rules, each checked in SQL and in the reference."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from scoring.methodology import Methodology, parse_methodology
from scoring.reference import Candidate, compute_reference_publication, shown_score
from tests.scoring.test_reference_agrees_with_sql import (
    AS_OF,
    TRUSTS,
    assert_same_rows,
    sql_rows,
    store,
)
from warehouse.db import open_database

DEMO = {
    "methodology_id": "demo",
    "effective_from": "2024-01-01T00:00:00Z",
    "categories": [
        {"category_id": "coding", "weight_pct": 60},
        {"category_id": "math", "weight_pct": 40},
    ],
    "benchmarks": [
        {"benchmark_id": "swe", "category_id": "coding", "weight_pct": 50},
        {"benchmark_id": "lcb", "category_id": "coding", "weight_pct": 50,
         "max_age_days": 30},
        {"benchmark_id": "math-500", "category_id": "math", "is_weighted": False},
        {"benchmark_id": "aime", "category_id": "math", "weight_pct": 100,
         "staleness": "stale"},
    ],
    "thresholds": {"overall_min_benchmark_count": 1, "overall_min_category_count": 1},
}  # fmt: skip


@pytest.fixture
def con(tmp_path):
    connection = open_database(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def demo() -> Methodology:
    return parse_methodology(DEMO, source="demo", sha256="demo")


def seen(model_id, benchmark_id, value, source_id="board", **changes) -> Candidate:
    fields = {
        "observation_id": f"{model_id}-{benchmark_id}-{source_id}",
        "model_id": model_id, "benchmark_id": benchmark_id, "source_id": source_id,
        "trust": TRUSTS.get(source_id), "lane": "provisional", "value": value,
        "reported_date": AS_OF.date() - timedelta(days=5), "retrieved_at": AS_OF,
        "valid_from": AS_OF, "valid_to": None,
    }  # fmt: skip
    return Candidate(**{**fields, **changes})


def publish_both(con, rows: list[Candidate]):
    """Score `rows` in SQL and in the reference; check they agree; return SQL's."""
    methodology = demo()
    store(con, methodology, rows)
    categories, overall = sql_rows(con, methodology)
    expected = compute_reference_publication(methodology, rows, AS_OF)
    assert_same_rows(categories, list(expected.category_rows))
    assert_same_rows(overall, list(expected.overall_rows))
    return categories, overall


def test_a_category_with_only_display_only_values_has_no_score(con):
    categories, overall = publish_both(con, [seen("m1", "math-500", 90.0)])

    assert [
        (c.category_id, c.score, c.value_count, c.is_eligible) for c in categories
    ] == [("math", None, 1, False)]
    assert [(o.score, o.is_ranked, o.category_count) for o in overall] == [
        (None, False, 1)
    ]


def test_a_stale_flagged_benchmark_counts_as_a_value_but_not_toward_the_score(con):
    categories, _ = publish_both(con, [seen("m1", "aime", 90.0)])

    assert [(c.score, c.value_count, c.weighted_value_count) for c in categories] == [
        (None, 1, 0)
    ]


def test_models_whose_scores_show_the_same_share_a_rank(con):
    rows = [seen("m1", "swe", 70.04), seen("m2", "swe", 70.0), seen("m3", "swe", 69.9),
            seen("m4", "swe", 80.0)]  # fmt: skip

    _, overall = publish_both(con, rows)

    assert {o.model_id: o.rank for o in overall} == {"m1": 2, "m2": 2, "m3": 4, "m4": 1}


def test_a_value_older_than_its_benchmark_max_age_stops_counting(con):
    limit = AS_OF.date() - timedelta(days=30)
    rows = [seen("m1", "lcb", 50.0, reported_date=limit),
            seen("m2", "lcb", 50.0, reported_date=limit - timedelta(days=1))]  # fmt: skip

    categories, overall = publish_both(con, rows)

    assert [c.model_id for c in categories] == ["m1"]
    assert [o.model_id for o in overall] == ["m1"]


def test_a_value_without_reported_date_ages_from_the_utc_day_it_appeared(con):
    appeared = AS_OF - timedelta(days=31, hours=-1)  # 30 days and 23 hours before
    rows = [seen("m1", "lcb", 50.0, reported_date=None, valid_from=appeared,
                 retrieved_at=AS_OF)]  # fmt: skip

    categories, _ = publish_both(con, rows)

    assert categories == []


@pytest.mark.parametrize(
    ("rivals", "winner"),
    [
        ({"lab": {"lane": "provisional"}, "board": {"lane": "verified"}}, "board"),
        ({"lab": {}, "catalogue": {}}, "catalogue"),
        ({"lab": {"reported_date": date(2025, 5, 1)}, "catalogue": {"reported_date": None}},
         "catalogue"),
        ({"board": {"reported_date": date(2025, 5, 2)},
          "mirror": {"reported_date": date(2025, 5, 1)}}, "board"),
        ({"board": {"retrieved_at": AS_OF - timedelta(days=1)}, "mirror": {}}, "mirror"),
        ({"board": {}, "mirror": {}}, "mirror"),
    ],
    ids=["verified", "trust", "trust-before-date", "reported", "retrieved", "source-id"],
)  # fmt: skip
def test_the_value_that_counts_follows_the_priority(con, rivals, winner):
    rows = [
        seen("m1", "swe", float(10 * index), source, **changes)
        for index, (source, changes) in enumerate(rivals.items(), start=1)
    ]
    expected = next(r.value for r in rows if r.source_id == winner)

    categories, _ = publish_both(con, rows)

    provisional = [c for c in categories if c.lane == "provisional"]
    assert [c.score for c in provisional] == [expected]


def test_shown_scores_round_like_duckdb():
    scores = [i / 40 for i in range(4001)] + [0.15, 2.675, 12.25, 70.05, 99.95]

    duckdb_rounded = [
        row[0]
        for row in duckdb.sql(
            "SELECT round(s, 1) FROM (SELECT unnest($scores) AS s, "
            "generate_subscripts($scores, 1) AS i) ORDER BY i",
            params={"scores": scores},
        ).fetchall()
    ]

    assert [shown_score(s) for s in scores] == duckdb_rounded
