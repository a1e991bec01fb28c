"""The publication rules once more, in plain Python: a reference for the tests.

`scoring.values` and `scoring.publish` state the rules as set-based SQL tuned for
speed; this module states the same rules for reading, one small function per rule, and
the property tests check that both give the same rows on random warehouses. It must
stay pure (no database, no I/O) and is never used to publish.

A worked example: one model, two benchmarks of one category weighted 60/40.

>>> from scoring.methodology import parse_methodology
>>> demo = parse_methodology({
...     "methodology_id": "demo", "effective_from": "2025-01-01T00:00:00Z",
...     "categories": [{"category_id": "coding", "weight_pct": 100}],
...     "benchmarks": [
...         {"benchmark_id": "a", "category_id": "coding", "weight_pct": 60},
...         {"benchmark_id": "b", "category_id": "coding", "weight_pct": 40},
...     ],
...     "thresholds": {"overall_min_benchmark_count": 2,
...                    "overall_min_category_count": 1},
... }, source="demo", sha256="-")
>>> at = datetime(2025, 6, 1, tzinfo=UTC)
>>> def seen(benchmark_id, value, source_id="board", trust="third_party"):
...     return Candidate(f"{benchmark_id}-{source_id}", "m1", benchmark_id, source_id,
...                      trust, "provisional", value, date(2025, 5, 1), at, at, None)
>>> result = compute_reference_publication(
...     demo, [seen("a", 80.0), seen("b", 50.0), seen("b", 70.0, "lab", "official")], at)

The official 70 beats the third-party 50 on "b", so the score is (60 x 80 + 40 x 70)
/ 100 = 76:

>>> [(row.lane, row.score, row.value_count, row.is_eligible, row.rank)
...  for row in result.category_rows]
[('provisional', 76.0, 2, True, 1)]
>>> [(row.lane, row.score, row.is_ranked, row.rank) for row in result.overall_rows]
[('provisional', 76.0, True, 1)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from scoring.methodology import BenchmarkRule, Methodology

TRUST_RANKS = {"curated": 3, "official": 2}  # any other trust, or none, ranks 1
_NO_DATE = date(1, 1, 1)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One observation row with the trust of its source (None when unregistered)."""

    observation_id: str
    model_id: str | None
    benchmark_id: str | None
    source_id: str
    trust: str | None
    lane: str
    value: float
    reported_date: date | None
    retrieved_at: datetime
    valid_from: datetime
    valid_to: datetime | None


@dataclass(frozen=True, slots=True)
class ChosenValue:
    """The value that counts for one lane, model and benchmark: `select_chosen_values`."""

    lane: str
    model_id: str
    benchmark_id: str
    category_id: str
    weight_pct: float
    is_weighted: bool
    staleness: str
    observation_id: str
    value: float
    age_date: date
    is_fresh: bool
    normalised: float
    is_counted_benchmark: bool


@dataclass(frozen=True, slots=True)
class CategoryRow:
    lane: str
    model_id: str
    category_id: str
    score: float | None
    value_count: int
    weighted_value_count: int
    weighted_benchmark_count: int
    is_eligible: bool
    rank: int | None


@dataclass(frozen=True, slots=True)
class OverallRow:
    lane: str
    model_id: str
    score: float | None
    rank: int | None
    is_ranked: bool
    value_count: int
    category_count: int
    eligible_category_count: int
    confidence: str


@dataclass(frozen=True, slots=True)
class ReferencePublication:
    category_rows: tuple[CategoryRow, ...]
    overall_rows: tuple[OverallRow, ...]


def compute_reference_publication(
    methodology: Methodology, candidates: Iterable[Candidate], as_of: datetime
) -> ReferencePublication:
    """Category and overall rows, sorted as `compute_publication` sorts them."""
    chosen = choose_values(methodology, candidates, as_of)
    categories = score_categories(methodology, chosen)
    overall = score_overall(methodology, categories)
    return ReferencePublication(tuple(categories), tuple(overall))


def priority(candidate: Candidate) -> tuple:
    """The sort key of the value that counts: the largest wins.

    Verified first, then trust (curated, official, third party), the newer reported
    date (a missing one is oldest), the newer retrieval, the larger source id, then
    the higher value (a source's best run or mode) and the larger observation id.
    """
    return (
        candidate.lane == "verified",
        TRUST_RANKS.get(candidate.trust or "", 1),
        candidate.reported_date or _NO_DATE,
        candidate.retrieved_at,
        candidate.source_id,
        candidate.value,
        candidate.observation_id,
    )


def is_valid_at(candidate: Candidate, as_of: datetime) -> bool:
    """Whether the row was current at `as_of` and names a model and a benchmark."""
    return (
        candidate.model_id is not None
        and candidate.benchmark_id is not None
        and candidate.valid_from <= as_of
        and (candidate.valid_to is None or candidate.valid_to > as_of)
    )


def choose_values(
    methodology: Methodology, candidates: Iterable[Candidate], as_of: datetime
) -> list[ChosenValue]:
    """One value per lane, model and benchmark of the methodology, by `priority`.

    The provisional lane takes the best of all candidates (so a verified one wins
    there too); the verified lane the best verified one, when there is one.
    """
    rules = {rule.benchmark_id: rule for rule in methodology.benchmarks}
    pairs: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        if is_valid_at(candidate, as_of) and candidate.benchmark_id in rules:
            pairs[candidate.model_id, candidate.benchmark_id].append(candidate)

    chosen = []
    for (_, benchmark_id), found in sorted(pairs.items()):
        rule = rules[benchmark_id]
        chosen.append(_chosen("provisional", max(found, key=priority), rule, as_of))
        verified = [c for c in found if c.lane == "verified"]
        if verified:
            chosen.append(_chosen("verified", max(verified, key=priority), rule, as_of))
    return chosen


def _chosen(
    lane: str, candidate: Candidate, rule: BenchmarkRule, as_of: datetime
) -> ChosenValue:
    age = age_date(candidate)
    return ChosenValue(
        lane=lane,
        model_id=candidate.model_id,
        benchmark_id=rule.benchmark_id,
        category_id=rule.category_id,
        weight_pct=rule.weight_pct,
        is_weighted=rule.is_weighted,
        staleness=rule.staleness,
        observation_id=candidate.observation_id,
        value=candidate.value,
        age_date=age,
        is_fresh=is_fresh(age, rule.max_age_days, as_of),
        normalised=rule.normalise(candidate.value),
        is_counted_benchmark=rule.counts,
    )


def age_date(candidate: Candidate) -> date:
    """The date a value's age counts from: reported, else the UTC day it appeared."""
    return candidate.reported_date or candidate.valid_from.astimezone(UTC).date()


def is_fresh(age: date, max_age_days: int, as_of: datetime) -> bool:
    """Whether a value dated `age` still counts on the UTC day of `as_of`.

    >>> at = datetime(2025, 6, 1, 23, tzinfo=UTC)
    >>> is_fresh(date(2025, 5, 2), 30, at), is_fresh(date(2025, 5, 1), 30, at)
    (True, False)
    """
    return (as_of.astimezone(UTC).date() - age).days <= max_age_days


def weighted_mean(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Mean of (weight, score) pairs with weights renormalised; None without weight.

    >>> weighted_mean([(30.0, 90.0), (20.0, 40.0)])  # (30 x 90 + 20 x 40) / 50
    70.0
    >>> weighted_mean([]) is None, weighted_mean([(0.0, 50.0)]) is None
    (True, True)
    """
    total = sum(weight for weight, _ in pairs)
    if total == 0:
        return None
    return sum(weight * score for weight, score in pairs) / total


def score_categories(
    methodology: Methodology, chosen: Iterable[ChosenValue]
) -> list[CategoryRow]:
    """One row per lane, model and category with at least one fresh value."""
    sizes: dict[str, int] = defaultdict(int)
    for rule in methodology.benchmarks:
        sizes[rule.category_id] += rule.counts
    groups: dict[tuple[str, str, str], list[ChosenValue]] = defaultdict(list)
    for value in chosen:
        if value.is_fresh:
            groups[value.lane, value.category_id, value.model_id].append(value)

    unranked = []
    for (lane, category_id, model_id), values in sorted(groups.items()):
        counted = [v for v in values if v.is_counted_benchmark]
        size = sizes[category_id]
        unranked.append(
            CategoryRow(
                lane=lane,
                model_id=model_id,
                category_id=category_id,
                score=weighted_mean([(v.weight_pct, v.normalised) for v in counted]),
                value_count=len(values),
                weighted_value_count=len(counted),
                weighted_benchmark_count=size,
                is_eligible=bool(counted)
                and len(counted) >= methodology.category_min_coverage_fraction * size,
                rank=None,
            )
        )
    return _with_ranks(unranked, lambda row: (row.lane, row.category_id), "is_eligible")


def score_overall(
    methodology: Methodology, category_rows: Iterable[CategoryRow]
) -> list[OverallRow]:
    """One row per lane and model with category rows, gated, ranked and tiered."""
    weights = {c.category_id: c.weight_pct for c in methodology.categories}
    per_model: dict[tuple[str, str], list[CategoryRow]] = defaultdict(list)
    for row in category_rows:
        per_model[row.lane, row.model_id].append(row)

    unranked = []
    for (lane, model_id), rows in sorted(per_model.items()):
        eligible = [row for row in rows if row.is_eligible]
        score = _overall_score([(weights[r.category_id], r.score) for r in eligible])
        value_count = sum(row.value_count for row in rows)
        unranked.append(
            OverallRow(
                lane=lane,
                model_id=model_id,
                score=score,
                rank=None,
                is_ranked=score is not None
                and value_count >= methodology.overall_min_benchmark_count
                and len(rows) >= methodology.overall_min_category_count,
                value_count=value_count,
                category_count=len(rows),
                eligible_category_count=len(eligible),
                confidence=confidence(methodology, len(rows), value_count),
            )
        )
    return _with_ranks(unranked, lambda row: (row.lane,), "is_ranked")


def _overall_score(pairs: list[tuple[float, float | None]]) -> float | None:
    """Category-weighted mean of eligible scores.

    NOTE: as in SQL, an eligible category without a score (possible only when its
    present weighted benchmarks all weigh 0) adds its weight but no score.
    """
    scored = [(weight, score) for weight, score in pairs if score is not None]
    total = sum(weight for weight, _ in pairs)
    if not scored or total == 0:
        return None
    return sum(weight * score for weight, score in scored) / total


def confidence(methodology: Methodology, category_count: int, value_count: int) -> str:
    """The met tier with the largest benchmark minimum, else "Low".

    NOTE: this follows the SQL; `Methodology.confidence` takes the first met tier in
    file order instead, which agrees only when tiers are listed strictest first.
    """
    met = [
        tier
        for tier in methodology.confidence_tiers
        if category_count >= tier.min_category_count
        and value_count >= tier.min_benchmark_count
    ]
    if not met:
        return "Low"
    return max(met, key=lambda tier: tier.min_benchmark_count).tier


def shown_score(score: float | None) -> float | None:
    """The score as shown, to one decimal, exact halves away from zero (as DuckDB).

    >>> shown_score(12.25), shown_score(0.15), shown_score(None)
    (12.3, 0.1, None)

    0.15 is stored as 0.1499999..., so it rounds down; 12.25 is exact and rounds up.
    """
    if score is None:
        return None
    return float(Decimal(score).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def competition_ranks(scores: Sequence[float | None]) -> list[int]:
    """Ranks "1, 2, 2, 4" on the shown scores, best first, missing scores last.

    >>> competition_ranks([70.04, 81.0, 70.0, 69.9, None])
    [2, 1, 2, 4, 5]
    """
    keys = [_rank_key(score) for score in scores]
    return [1 + sum(other > key for other in keys) for key in keys]


def _rank_key(score: float | None) -> tuple[bool, float]:
    shown = shown_score(score)
    return (shown is not None, shown if shown is not None else 0.0)


def _with_ranks(rows: list, partition, flag: str) -> list:
    """Rows with `rank` set among the flagged rows of their partition."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        if getattr(row, flag):
            groups[partition(row)].append(index)
    ranked = list(rows)
    for indexes in groups.values():
        ranks = competition_ranks([rows[i].score for i in indexes])
        for index, rank in zip(indexes, ranks, strict=True):
            ranked[index] = replace(rows[index], rank=rank)
    return ranked
