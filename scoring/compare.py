"""Head-to-head comparison of two models from one publication.

A model counts in a category of a comparison when it has a category score there (at
least one weighted value that counted). A category is won only when both models have a
score and they differ at the one decimal shown; a category where one side has no score
is nobody's win. Each category also reports how many counted benchmarks the two share,
so a win with no shared benchmark can be marked as such. Pure: inputs are records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scoring.formatting import format_price


@dataclass(frozen=True, slots=True)
class ValueView:
    """One chosen value of a model, as the publication used it."""

    benchmark_id: str
    benchmark_name: str
    category_id: str
    value: float
    unit: str
    normalised: float
    is_counted: bool  # counted toward the weighted category score
    is_fresh: bool


@dataclass(frozen=True, slots=True)
class CategoryView:
    category_id: str
    score: float | None
    weighted_value_count: int
    weighted_benchmark_count: int
    is_eligible: bool


@dataclass(frozen=True, slots=True)
class PriceView:
    state: str
    input_usd_per_mtok: float | None
    output_usd_per_mtok: float | None
    source_id: str | None = None

    @property
    def is_priced(self) -> bool:
        return (
            self.state == "priced"
            and self.input_usd_per_mtok is not None
            and self.output_usd_per_mtok is not None
        )

    def blend(self, input_parts: int, output_parts: int) -> float | None:
        """The price of a mix of input and output tokens, per 1M tokens.

        >>> PriceView("priced", 0.1, 0.4).blend(3, 1)
        0.175
        >>> PriceView("free", 0.0, 0.0).blend(1, 1), PriceView("unknown", None, None).blend(1, 1)
        (0.0, None)
        """
        if self.state == "free":
            return 0.0
        if not self.is_priced:
            return None
        total = (
            self.input_usd_per_mtok * input_parts
            + self.output_usd_per_mtok * output_parts
        )
        return round(total / (input_parts + output_parts), 9)


@dataclass(frozen=True, slots=True)
class ModelSide:
    """Everything the comparison needs to know about one model."""

    model_id: str
    name: str
    is_reasoning: bool | None
    context_window_tokens: int | None
    overall_score: float | None
    overall_rank: int | None
    price: PriceView
    categories: dict[str, CategoryView]
    values: dict[str, ValueView]
    runtime: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CategoryDuel:
    category_id: str
    category_name: str
    score_a: float | None
    score_b: float | None
    winner: str | None  # model_id
    shared_benchmark_count: int
    coverage_a: tuple[int, int]  # (weighted values, weighted benchmarks)
    coverage_b: tuple[int, int]

    @property
    def gap(self) -> float | None:
        """Score of side A minus side B, at the one decimal shown."""
        if self.score_a is None or self.score_b is None:
            return None
        return round(self.score_a, 1) - round(self.score_b, 1)


@dataclass(frozen=True, slots=True)
class Swing:
    benchmark_id: str
    benchmark_name: str
    unit: str
    value_a: float
    value_b: float
    gap: float  # normalised points, A minus B


@dataclass(frozen=True, slots=True)
class Comparison:
    a: ModelSide
    b: ModelSide
    lane: str
    duels: tuple[CategoryDuel, ...]
    biggest_swing: Swing | None

    @property
    def category_count(self) -> int:
        return len(self.duels)

    def wins(self, side: ModelSide) -> int:
        return sum(1 for duel in self.duels if duel.winner == side.model_id)

    @property
    def leader(self) -> ModelSide | None:
        """The side ahead overall; by category wins when an overall score is missing."""
        a, b = self.a.overall_score, self.b.overall_score
        if a is not None and b is not None and round(a, 1) != round(b, 1):
            return self.a if a > b else self.b
        if self.wins(self.a) != self.wins(self.b):
            return self.a if self.wins(self.a) > self.wins(self.b) else self.b
        return None

    def sharpest(self, side: ModelSide) -> CategoryDuel | None:
        """The won category where `side` has the largest lead, if any."""
        sign = 1 if side is self.a else -1
        won = [d for d in self.duels if d.winner == side.model_id and d.gap is not None]
        return max(won, key=lambda d: (sign * d.gap, d.category_id), default=None)


def compare(
    a: ModelSide, b: ModelSide, categories: list[tuple[str, str, int]], lane: str
) -> Comparison:
    """Compare two models over the methodology's categories, in order.

    `categories` holds (id, name, count of weighted benchmarks) per category.
    """
    duels = tuple(
        _duel(a, b, category_id, name, size) for category_id, name, size in categories
    )
    return Comparison(a, b, lane, duels, _biggest_swing(a, b))


def _duel(
    a: ModelSide, b: ModelSide, category_id: str, name: str, size: int
) -> CategoryDuel:
    view_a, view_b = a.categories.get(category_id), b.categories.get(category_id)
    score_a = view_a.score if view_a else None
    score_b = view_b.score if view_b else None
    winner = None
    if (
        score_a is not None
        and score_b is not None
        and round(score_a, 1) != round(score_b, 1)
    ):
        winner = a.model_id if score_a > score_b else b.model_id
    shared = {
        bid
        for bid, v in a.values.items()
        if v.category_id == category_id and v.is_counted
    } & {
        bid
        for bid, v in b.values.items()
        if v.category_id == category_id and v.is_counted
    }
    return CategoryDuel(
        category_id,
        name,
        score_a,
        score_b,
        winner,
        len(shared),
        _coverage(view_a, size),
        _coverage(view_b, size),
    )


def _coverage(view: CategoryView | None, size: int) -> tuple[int, int]:
    return (view.weighted_value_count if view else 0, size)


def _biggest_swing(a: ModelSide, b: ModelSide) -> Swing | None:
    shared = sorted(
        bid
        for bid in a.values.keys() & b.values.keys()
        if a.values[bid].is_fresh and b.values[bid].is_fresh
    )
    swings = [
        Swing(
            bid,
            a.values[bid].benchmark_name,
            a.values[bid].unit,
            a.values[bid].value,
            b.values[bid].value,
            a.values[bid].normalised - b.values[bid].normalised,
        )
        for bid in shared
    ]
    return max(swings, key=lambda s: abs(s.gap), default=None)


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as one JSON-ready object, keyed by canonical model names."""
    a, b = comparison.a, comparison.b
    names = {a.model_id: a.name, b.model_id: b.name}
    swing = comparison.biggest_swing
    return {
        "models": [a.name, b.name],
        "lane": comparison.lane,
        "overall": {s.name: _round(s.overall_score) for s in (a, b)},
        "overall_rank": {s.name: s.overall_rank for s in (a, b)},
        "category_wins": {s.name: comparison.wins(s) for s in (a, b)},
        "category_count": comparison.category_count,
        "categories": [
            {
                "category": d.category_name,
                "category_id": d.category_id,
                "scores": {a.name: _round(d.score_a), b.name: _round(d.score_b)},
                "winner": names.get(d.winner) if d.winner else None,
                "shared_benchmark_count": d.shared_benchmark_count,
                "coverage": {
                    a.name: {"values": d.coverage_a[0], "benchmarks": d.coverage_a[1]},
                    b.name: {"values": d.coverage_b[0], "benchmarks": d.coverage_b[1]},
                },
            }
            for d in comparison.duels
        ],
        "biggest_swing": None
        if swing is None
        else {
            "benchmark": swing.benchmark_name,
            "unit": swing.unit,
            "values": {a.name: swing.value_a, b.name: swing.value_b},
        },
        "prices": {s.name: _price_json(s.price) for s in (a, b)},
        "context_window_tokens": {s.name: s.context_window_tokens for s in (a, b)},
        "is_reasoning": {s.name: s.is_reasoning for s in (a, b)},
        "runtime": {s.name: dict(s.runtime) for s in (a, b)},
    }


def _price_json(price: PriceView) -> dict[str, Any]:
    return {
        "state": price.state,
        "input_usd_per_mtok": price.input_usd_per_mtok,
        "output_usd_per_mtok": price.output_usd_per_mtok,
        "blend_1_1_usd_per_mtok": price.blend(1, 1),
        "blend_3_1_usd_per_mtok": price.blend(3, 1),
        "display": format_price(
            price.state, price.input_usd_per_mtok, price.output_usd_per_mtok
        ),
    }


def _round(score: float | None) -> float | None:
    return None if score is None else round(score, 1)
