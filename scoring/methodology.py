"""Methodology definitions: categories, weights, flags and thresholds as dated data.

A methodology is read from a TOML file into frozen records and validated in full before
anything is stored: category weights must add up to 100%, each category's weighted
benchmarks must add up to 100%, and every benchmark must name a known category. Pure:
no database and no network.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from scoring.errors import MethodologyError

_WEIGHT_TOLERANCE = 1e-6
_DEFAULTS: dict[str, Any] = {
    "unit": "percent",
    "direction": "higher",
    "scale_min": 0.0,
    "scale_max": 100.0,
    "is_weighted": True,
    "staleness": "current",
    "cadence_days": 30,
    "max_age_days": 730,
    "version": None,
    "note": None,
    "aliases": (),
}


@dataclass(frozen=True, slots=True)
class Category:
    category_id: str
    name: str
    weight_pct: float


@dataclass(frozen=True, slots=True)
class BenchmarkRule:
    """One benchmark's place in a methodology and how its values become 0-100."""

    benchmark_id: str
    name: str
    category_id: str
    weight_pct: float
    is_weighted: bool
    staleness: str
    cadence_days: int
    max_age_days: int
    unit: str
    direction: str
    scale_min: float
    scale_max: float
    normalise_low: float
    normalise_high: float
    version: str | None
    note: str | None
    aliases: tuple[str, ...]

    @property
    def counts(self) -> bool:
        """Whether values of this benchmark can count toward weighted scores."""
        return self.is_weighted and self.staleness == "current"

    def normalise(self, value: float) -> float:
        """Map a value onto 0-100, inverted when lower is better, clipped.

        >>> rule = BenchmarkRule("arena", "Arena", "x", 0, False, "current", 30, 730,
        ...     "elo", "higher", 0, 4000, 1000, 1500, None, None, ())
        >>> rule.normalise(1250), rule.normalise(1600), rule.normalise(900)
        (50.0, 100.0, 0.0)
        """
        span = self.normalise_high - self.normalise_low
        if self.direction == "lower":
            score = (self.normalise_high - value) / span * 100.0
        else:
            score = (value - self.normalise_low) / span * 100.0
        return min(100.0, max(0.0, score))


@dataclass(frozen=True, slots=True)
class ConfidenceTier:
    tier: str
    min_category_count: int
    min_benchmark_count: int


@dataclass(frozen=True, slots=True)
class Methodology:
    """A dated, versioned set of weights, flags and thresholds."""

    methodology_id: str
    effective_from: datetime
    description: str
    category_min_coverage_fraction: float
    overall_min_benchmark_count: int
    overall_min_category_count: int
    categories: tuple[Category, ...]
    benchmarks: tuple[BenchmarkRule, ...]
    confidence_tiers: tuple[ConfidenceTier, ...]
    definition_sha256: str

    def benchmark(self, benchmark_id: str) -> BenchmarkRule:
        for rule in self.benchmarks:
            if rule.benchmark_id == benchmark_id:
                return rule
        raise KeyError(benchmark_id)

    def confidence(self, category_count: int, benchmark_count: int) -> str:
        """The strictest tier (largest benchmark minimum) the coverage meets, else "Low".

        The same rule as the publication SQL, whatever order the file lists tiers in.
        """
        met = [
            tier
            for tier in self.confidence_tiers
            if category_count >= tier.min_category_count
            and benchmark_count >= tier.min_benchmark_count
        ]
        return max(met, key=lambda t: t.min_benchmark_count).tier if met else "Low"


def bundled_methodology_paths() -> list[Path]:
    """The methodology files shipped with the project, oldest first."""
    folder = resources.files("scoring").joinpath("methodologies")
    return sorted(
        Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".toml")
    )


def load_methodology(path: Path) -> Methodology:
    """Read and validate one methodology file; raise MethodologyError naming the entry."""
    raw = path.read_bytes()
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MethodologyError(
            f"{path}: not valid TOML: {exc}; fix the syntax"
        ) from exc
    return parse_methodology(
        doc, source=str(path), sha256=hashlib.sha256(raw).hexdigest()
    )


def parse_methodology(doc: dict[str, Any], *, source: str, sha256: str) -> Methodology:
    """Build a Methodology from a parsed TOML document and validate it."""
    where = source
    thresholds = doc.get("thresholds", {})
    categories = tuple(_category(entry, where) for entry in doc.get("categories", []))
    known = {category.category_id for category in categories}
    benchmarks = tuple(
        _benchmark(entry, known, where) for entry in doc.get("benchmarks", [])
    )
    methodology = Methodology(
        methodology_id=_required(doc, "methodology_id", where),
        effective_from=_instant(_required(doc, "effective_from", where), where),
        description=doc.get("description", ""),
        category_min_coverage_fraction=float(
            thresholds.get("category_min_coverage_fraction", 0.5)
        ),
        overall_min_benchmark_count=int(
            thresholds.get("overall_min_benchmark_count", 8)
        ),
        overall_min_category_count=int(thresholds.get("overall_min_category_count", 2)),
        categories=categories,
        benchmarks=benchmarks,
        confidence_tiers=tuple(
            ConfidenceTier(
                t["tier"], int(t["min_category_count"]), int(t["min_benchmark_count"])
            )
            for t in doc.get("confidence_tiers", [])
        ),
        definition_sha256=sha256,
    )
    validate(methodology, where)
    return methodology


def validate(methodology: Methodology, where: str) -> None:
    """Check weights and references; raise MethodologyError on the first problem."""
    if not methodology.categories:
        raise MethodologyError(
            f"{where}: no categories; declare at least one [[categories]]"
        )
    _check_sum(
        [c.weight_pct for c in methodology.categories], f"{where}: category weights"
    )
    ids = [rule.benchmark_id for rule in methodology.benchmarks]
    duplicates = sorted({bid for bid in ids if ids.count(bid) > 1})
    if duplicates:
        raise MethodologyError(f"{where}: benchmark ids declared twice: {duplicates}")
    for category in methodology.categories:
        weights = [
            rule.weight_pct
            for rule in methodology.benchmarks
            if rule.category_id == category.category_id and rule.is_weighted
        ]
        if weights:
            _check_sum(
                weights, f"{where}: weights of category {category.category_id!r}"
            )
    fraction = methodology.category_min_coverage_fraction
    if not 0 < fraction <= 1:
        raise MethodologyError(
            f"{where}: category_min_coverage_fraction is {fraction}; use a value in (0, 1]"
        )


def _check_sum(weights: list[float], what: str) -> None:
    total = sum(weights)
    if abs(total - 100.0) > _WEIGHT_TOLERANCE:
        raise MethodologyError(
            f"{what} add up to {total:g}%, not 100%; correct the weight_pct values"
        )


def _category(entry: dict[str, Any], where: str) -> Category:
    category_id = _required(entry, "category_id", where)
    weight = _number(entry, "weight_pct", f"{where}: category {category_id!r}")
    return Category(category_id, entry.get("name", category_id), weight)


def _benchmark(entry: dict[str, Any], known: set[str], where: str) -> BenchmarkRule:
    benchmark_id = _required(entry, "benchmark_id", where)
    here = f"{where}: benchmark {benchmark_id!r}"
    fields = {**_DEFAULTS, **entry}
    category_id = _required(entry, "category_id", here)
    if category_id not in known:
        raise MethodologyError(
            f"{here}: unknown category {category_id!r}; use one of {sorted(known)}"
        )
    _check_choice(fields["direction"], ("higher", "lower"), "direction", here)
    _check_choice(fields["staleness"], ("current", "stale"), "staleness", here)
    is_weighted = bool(fields["is_weighted"])
    weight = _number(entry, "weight_pct", here) if is_weighted else 0.0
    if is_weighted and weight == 0:
        raise MethodologyError(
            f"{here}: a weighted benchmark needs a weight_pct above 0; "
            "set is_weighted = false to show it without weight"
        )
    low = float(fields.get("normalise_low", fields["scale_min"]))
    high = float(fields.get("normalise_high", fields["scale_max"]))
    if high <= low:
        raise MethodologyError(f"{here}: normalise_high must exceed normalise_low")
    return BenchmarkRule(
        benchmark_id=benchmark_id,
        name=fields.get("name", benchmark_id),
        category_id=category_id,
        weight_pct=weight,
        is_weighted=is_weighted,
        staleness=fields["staleness"],
        cadence_days=int(fields["cadence_days"]),
        max_age_days=int(fields["max_age_days"]),
        unit=fields["unit"],
        direction=fields["direction"],
        scale_min=float(fields["scale_min"]),
        scale_max=float(fields["scale_max"]),
        normalise_low=low,
        normalise_high=high,
        version=fields["version"],
        note=fields["note"],
        aliases=tuple(fields["aliases"]),
    )


def _required(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in ("", None):
        raise MethodologyError(f"{where}: missing {key!r}; add it")
    return entry[key]


def _number(entry: dict[str, Any], key: str, where: str) -> float:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MethodologyError(f"{where}: {key!r} must be a number, got {value!r}")
    if value < 0:
        raise MethodologyError(f"{where}: {key!r} must not be negative, got {value!r}")
    return float(value)


def _check_choice(value: Any, choices: tuple[str, ...], key: str, where: str) -> None:
    if value not in choices:
        raise MethodologyError(f"{where}: {key!r} is {value!r}; use one of {choices}")


def _instant(value: Any, where: str) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise MethodologyError(
                f"{where}: effective_from {value!r} is not an ISO 8601 instant"
            ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
