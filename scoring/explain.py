"""Explain a model's scores: which values counted, with which weights, and why others
did not (display-only, benchmark stale, value too old, category below coverage,
benchmark name unresolved). The contributions add up to the overall score. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExplainedValue:
    benchmark_id: str
    benchmark_name: str
    category_id: str
    value: float
    unit: str
    normalised: float
    weight_pct: float  # in-category weight in the methodology
    share_pct: float | None  # weight renormalised over the values that counted
    status: str  # counted, display-only, benchmark stale, too old
    source_id: str
    snapshot_sha256: str
    citation_url: str | None
    others: tuple[str, ...] = ()  # values other sources give, passed over by the choice


@dataclass(frozen=True, slots=True)
class ExplainedCategory:
    category_id: str
    name: str
    weight_pct: float
    score: float | None
    weighted_value_count: int
    weighted_benchmark_count: int
    is_eligible: bool
    overall_share_pct: float | None  # category weight renormalised over eligible ones
    contribution: float | None  # points of the overall score
    reason: str | None  # why it does not count overall
    values: tuple[ExplainedValue, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    model_id: str
    name: str
    lane: str
    overall_score: float | None
    overall_rank: int | None
    is_ranked: bool
    value_count: int
    category_count: int
    confidence: str
    ranking_note: str
    categories: tuple[ExplainedCategory, ...]
    unresolved: tuple[str, ...]

    @property
    def contribution_total(self) -> float:
        return sum(c.contribution or 0.0 for c in self.categories)


def value_status(
    is_weighted: bool, staleness: str, is_fresh: bool, age_days: int, max_age_days: int
) -> str:
    """Why a value does or does not count toward its category score.

    >>> value_status(True, "current", True, 10, 730)
    'counted'
    >>> value_status(True, "current", False, 800, 730)
    'too old (800 days, max 730)'
    """
    if not is_fresh:
        return f"too old ({age_days} days, max {max_age_days})"
    if not is_weighted:
        return "display-only"
    if staleness != "current":
        return "benchmark stale"
    return "counted"


def shares(weights: dict[str, float]) -> dict[str, float]:
    """Weights renormalised to percentages over the keys present.

    Gemma 4 31B has GPQA, MMLU-Pro and HLE in Knowledge (weights 16, 18 and 23 of
    100), so they count 28.1%, 31.6% and 40.4%, and its Knowledge score is
    0.281 * 84.3 + 0.316 * 85.2 + 0.404 * 26.5 = 61.3:

    >>> s = shares({"gpqa": 16, "mmlu-pro": 18, "hle": 23})
    >>> {key: round(value, 1) for key, value in s.items()}
    {'gpqa': 28.1, 'mmlu-pro': 31.6, 'hle': 40.4}
    >>> round((s["gpqa"] * 84.3 + s["mmlu-pro"] * 85.2 + s["hle"] * 26.5) / 100, 1)
    61.3
    """
    total = sum(weights.values())
    return (
        {key: weight / total * 100 for key, weight in weights.items()} if total else {}
    )


def coverage_reason(
    view_eligible: bool, has_score: bool, counted: int, size: int, fraction: float
) -> str | None:
    """Why a category does not count toward the overall score, or None when it does.

    >>> coverage_reason(False, True, 1, 4, 0.5)
    'below coverage: 1 of 4 weighted benchmarks, needs 2'
    """
    if view_eligible:
        return None
    if not has_score:
        return "no weighted value counted"
    needed = -(-fraction * size // 1)
    return (
        f"below coverage: {counted} of {size} weighted benchmarks, needs {needed:.0f}"
    )


def build_explanation(
    model: dict,
    lane: str,
    overall: dict | None,
    category_rows: list[dict],
    categories: list[dict],
    values: list[dict],
    *,
    coverage_fraction: float,
    unresolved: tuple[str, ...] = (),
) -> Explanation:
    """Assemble the explanation from a publication's rows and the chosen values.

    `values` rows carry the chosen value with its rule (weight_pct, is_weighted,
    staleness, max_age_days, is_fresh, age_days) and provenance (source_id,
    snapshot_sha256, citation_url).
    """
    by_category = {row["category_id"]: row for row in category_rows}
    eligible = {cid: row for cid, row in by_category.items() if row["is_eligible"]}
    overall_shares = shares(
        {
            c["category_id"]: c["weight_pct"]
            for c in categories
            if c["category_id"] in eligible
        }
    )
    explained = tuple(
        _category(
            c,
            by_category.get(c["category_id"]),
            overall_shares,
            [v for v in values if v["category_id"] == c["category_id"]],
            coverage_fraction,
        )
        for c in categories
    )
    return Explanation(
        model_id=model["model_id"],
        name=model["name"],
        lane=lane,
        overall_score=overall["score"] if overall else None,
        overall_rank=overall["rank"] if overall else None,
        is_ranked=bool(overall and overall["is_ranked"]),
        value_count=overall["value_count"] if overall else 0,
        category_count=overall["category_count"] if overall else 0,
        confidence=overall["confidence"] if overall else "Low",
        ranking_note=_ranking_note(overall),
        categories=explained,
        unresolved=unresolved,
    )


def _category(
    category: dict,
    row: dict | None,
    overall_shares: dict[str, float],
    values: list[dict],
    fraction: float,
) -> ExplainedCategory:
    counted = {
        v["benchmark_id"]: v["weight_pct"] for v in values if _status(v) == "counted"
    }
    value_shares = shares(counted)
    share = overall_shares.get(category["category_id"])
    score = row["score"] if row else None
    return ExplainedCategory(
        category_id=category["category_id"],
        name=category["name"],
        weight_pct=category["weight_pct"],
        score=score,
        weighted_value_count=row["weighted_value_count"] if row else 0,
        weighted_benchmark_count=row["weighted_benchmark_count"] if row else 0,
        is_eligible=bool(row and row["is_eligible"]),
        overall_share_pct=share,
        contribution=None if share is None or score is None else share * score / 100,
        reason=None
        if row is None
        else coverage_reason(
            row["is_eligible"],
            score is not None,
            row["weighted_value_count"],
            row["weighted_benchmark_count"],
            fraction,
        ),
        values=tuple(
            _value(v, value_shares.get(v["benchmark_id"]))
            for v in sorted(values, key=lambda v: (-v["weight_pct"], v["name"]))
        ),
    )


def _status(v: dict) -> str:
    return value_status(
        v["is_weighted"],
        v["staleness"],
        v["is_fresh"],
        v["age_days"],
        v["max_age_days"],
    )


def _value(v: dict, share: float | None) -> ExplainedValue:
    return ExplainedValue(
        benchmark_id=v["benchmark_id"],
        benchmark_name=v["name"],
        category_id=v["category_id"],
        value=v["value"],
        unit=v["unit"],
        normalised=v["normalised"],
        weight_pct=v["weight_pct"],
        share_pct=share,
        status=_status(v),
        source_id=v["source_id"],
        snapshot_sha256=v["snapshot_sha256"],
        citation_url=v["citation_url"],
        others=tuple(v.get("others", ())),
    )


def _ranking_note(overall: dict | None) -> str:
    if overall is None:
        return "no value counts for this model"
    if overall["is_ranked"]:
        return f"ranked #{overall['rank']}"
    if overall["score"] is None:
        return "unranked: no category reaches coverage"
    return (
        f"unranked: values on {overall['value_count']} benchmarks across "
        f"{overall['category_count']} categories; the rank needs more"
    )
