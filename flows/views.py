"""Gather what the read commands show: leaderboard rows, comparisons, explanations.

Sequencing only: reads from `warehouse`, chosen values from `scoring`, and the rules of
`scoring.compare` and `scoring.explain`. Everything is read from one publication, so a
command answers for one `as_of` instant and one methodology version.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from scoring.compare import (
    CategoryView,
    Comparison,
    ModelSide,
    PriceView,
    ValueView,
    compare,
)
from scoring.explain import Explanation, build_explanation
from scoring.values import select_chosen_values
from warehouse.errors import NotFoundError
from warehouse.publications import (
    select_category_rows,
    select_overall_rows,
    select_publication,
)
from warehouse.reads import (
    select_benchmark_rules,
    select_categories,
    select_facts_as_of,
    select_model_by_name,
    select_other_values,
    select_prices_as_of,
    select_provenance,
    select_runtime_as_of,
    select_unresolved_benchmarks,
)
from warehouse.reference import select_methodology_in_force

if TYPE_CHECKING:
    import duckdb

RUNTIME_METRICS = ("output_tokens_per_s", "ttft_s")


def require_publication(
    con: duckdb.DuckDBPyConnection, as_of: datetime | None
) -> dict[str, Any]:
    """The publication in force at `as_of` (latest when None), or a clear error."""
    publication = select_publication(con, as_of)
    if publication is None:
        when = f" at or before {as_of.isoformat()}" if as_of else ""
        raise NotFoundError(f"no publication{when}; run `leaderboard refresh` first")
    return publication


def leaderboard_rows(
    con: duckdb.DuckDBPyConnection,
    publication: dict[str, Any],
    lane: str,
    category_id: str | None,
) -> list[dict[str, Any]]:
    """Rows of the overall or one category's leaderboard, ranked first."""
    if category_id is None:
        return select_overall_rows(con, publication["publication_id"], lane)
    return select_category_rows(con, publication["publication_id"], lane, category_id)


def chosen_values(
    con: duckdb.DuckDBPyConnection,
    publication: dict[str, Any],
    lane: str,
    model_ids: list[str],
) -> list[dict[str, Any]]:
    """The values the publication used for these models, with rules and provenance."""
    chosen = select_chosen_values(
        con, publication["as_of"], publication["methodology_id"], model_ids
    ).to_pylist()
    rules = select_benchmark_rules(con, publication["methodology_id"])
    ids = [row["observation_id"] for row in chosen if row["lane"] == lane]
    provenance = select_provenance(con, ids)
    as_of_date = publication["as_of"].date()
    return [
        {
            **row,
            **provenance[row["observation_id"]],
            "name": rules[row["benchmark_id"]]["name"],
            "unit": rules[row["benchmark_id"]]["unit"],
            "max_age_days": rules[row["benchmark_id"]]["max_age_days"],
            "age_days": (as_of_date - row["age_date"]).days,
        }
        for row in chosen
        if row["lane"] == lane
    ]


def model_side(
    con: duckdb.DuckDBPyConnection,
    publication: dict[str, Any],
    lane: str,
    name: str,
    at: datetime | None = None,
) -> ModelSide:
    """One side of a comparison: scores from the publication, price and runtime as of
    `at` (the publication's instant when None), so stale prices read as unknown."""
    at = at or publication["as_of"]
    model = select_model_by_name(con, name)
    model_id = model["model_id"]
    overall = select_overall_rows(
        con, publication["publication_id"], lane, model_ids=[model_id]
    )
    categories = select_category_rows(
        con, publication["publication_id"], lane, model_ids=[model_id]
    )
    price = select_prices_as_of(con, at, [model_id]).get(model_id)
    values = chosen_values(con, publication, lane, [model_id])
    facts = select_facts_as_of(con, at, model_id)
    return ModelSide(
        model_id=model_id,
        name=model["name"],
        # The catalogue's facts first; the price catalogues' where it is silent.
        is_reasoning=_first(model["is_reasoning"], facts["is_reasoning"]),
        context_window_tokens=_first(
            model["context_window_tokens"], facts["context_window_tokens"]
        ),
        overall_score=overall[0]["score"] if overall else None,
        overall_rank=overall[0]["rank"] if overall else None,
        price=_price_view(price),
        categories={
            row["category_id"]: CategoryView(
                row["category_id"],
                row["score"],
                row["weighted_value_count"],
                row["weighted_benchmark_count"],
                row["is_eligible"],
            )
            for row in categories
        },
        values={
            v["benchmark_id"]: ValueView(
                v["benchmark_id"],
                v["name"],
                v["category_id"],
                v["value"],
                v["unit"],
                v["normalised"],
                v["is_counted_benchmark"] and v["is_fresh"],
                v["is_fresh"],
            )
            for v in values
        },
        runtime={
            **dict.fromkeys(RUNTIME_METRICS),
            **select_runtime_as_of(con, at, model_id),
        },
    )


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _price_view(price: dict[str, Any] | None) -> PriceView:
    if price is None:
        return PriceView("unknown", None, None)
    return PriceView(
        price["state"],
        price["input_usd_per_mtok"],
        price["output_usd_per_mtok"],
        price["source_id"],
    )


def comparison(
    con: duckdb.DuckDBPyConnection,
    publication: dict[str, Any],
    lane: str,
    name_a: str,
    name_b: str,
    at: datetime | None = None,
) -> Comparison:
    """Compare two models named by name, id or alias, prices as of `at`."""
    a = model_side(con, publication, lane, name_a, at)
    b = model_side(con, publication, lane, name_b, at)
    if a.model_id == b.model_id:
        raise NotFoundError(
            f"{name_a!r} and {name_b!r} are the same model ({a.name}); name two models"
        )
    rules = select_benchmark_rules(con, publication["methodology_id"]).values()
    categories = [
        (
            row["category_id"],
            row["name"],
            sum(
                1
                for rule in rules
                if rule["category_id"] == row["category_id"]
                and rule["is_weighted"]
                and rule["staleness"] == "current"
            ),
        )
        for row in select_categories(con, publication["methodology_id"])
    ]
    return compare(a, b, categories, lane)


def _with_others(
    con: duckdb.DuckDBPyConnection,
    publication: dict[str, Any],
    model_id: str,
    values: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Attach the values other sources give for the same benchmark, as text."""
    others = select_other_values(
        con, publication["as_of"], model_id, [v["observation_id"] for v in values]
    )
    return [
        {
            **v,
            "others": [
                f"{o['source_id']}: {o['value']:g} ({o['raw_model_name']})"
                for o in others.get(v["benchmark_id"], [])
            ],
        }
        for v in values
    ]


def _unresolved_summary(rows: list[dict[str, Any]], shown: int = 4) -> tuple[str, ...]:
    """Per source, the benchmark names no rule maps, a few by name and a count."""
    by_source: dict[str, list[str]] = {}
    for row in rows:
        names = by_source.setdefault(row["source_id"], [])
        if row["raw_benchmark_name"] not in names:
            names.append(row["raw_benchmark_name"])
    return tuple(
        f"{source}: {', '.join(names[:shown])}"
        + (f" (+{len(names) - shown} more)" if len(names) > shown else "")
        for source, names in sorted(by_source.items())
    )


def explanation(
    con: duckdb.DuckDBPyConnection, publication: dict[str, Any], lane: str, name: str
) -> Explanation:
    """Explain one model's scores in a publication."""
    model = select_model_by_name(con, name)
    model_id = model["model_id"]
    overall = select_overall_rows(
        con, publication["publication_id"], lane, model_ids=[model_id]
    )
    methodology = select_methodology_in_force(con, publication["as_of"])
    unresolved = _unresolved_summary(
        select_unresolved_benchmarks(con, model_id, publication["as_of"])
    )
    return build_explanation(
        model,
        lane,
        overall[0] if overall else None,
        select_category_rows(
            con, publication["publication_id"], lane, model_ids=[model_id]
        ),
        select_categories(con, publication["methodology_id"]),
        _with_others(
            con,
            publication,
            model_id,
            chosen_values(con, publication, lane, [model_id]),
        ),
        coverage_fraction=methodology["category_min_coverage_fraction"],
        unresolved=unresolved,
    )
