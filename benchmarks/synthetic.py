"""A seeded synthetic warehouse at realistic sparsity, for measuring publications.

Benchmarks are spread over the eight default categories with random weights, a few
display-only, stale-flagged, lower-is-better or Elo-like; each model has values on
5-30% of them, some from two sources, some with closed history rows, some too old to
count. Rows are bulk-loaded from Arrow tables; nothing here is used by the product.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa

from scoring.methodology import BenchmarkRule, Category, ConfidenceTier, Methodology
from scoring.publish import Thresholds
from scoring.values import compute_chosen_timeline
from warehouse.chosen import replace_chosen_values
from warehouse.reference import SourceRow, upsert_methodology, upsert_sources

AS_OF = datetime(2026, 1, 1, tzinfo=UTC)
_DAY_US = 86_400_000_000
_CATEGORY_WEIGHTS = {
    "agentic": 22.0, "coding": 20.0, "reasoning": 17.0, "multimodal": 12.0,
    "knowledge": 12.0, "multilingual": 7.0, "instruction_following": 5.0, "math": 5.0,
}  # fmt: skip
SOURCES = (
    SourceRow("curated", "Curated", None, "csv", "scores", "curated", 30, 3650),
    SourceRow("official", "Official", None, "json", "scores", "official", 7, 30),
    SourceRow("board-a", "Board A", None, "html", "scores", "third_party", 7, 30),
    SourceRow("board-b", "Board B", None, "html", "scores", "third_party", 7, 30),
)


@dataclass(frozen=True, slots=True)
class Size:
    name: str
    model_count: int
    benchmark_count: int


SIZES = {
    "tiny": Size("tiny", 50, 40),
    "small": Size("small", 2_000, 300),
    "large": Size("large", 20_000, 1_000),
}


def make_methodology(benchmark_count: int, rng: np.random.Generator) -> Methodology:
    """Categories with the default weights and `benchmark_count` random benchmarks."""
    category_ids = list(_CATEGORY_WEIGHTS)
    placed = np.concatenate(
        [np.arange(8), rng.integers(0, 8, max(0, benchmark_count - 8))]
    )[:benchmark_count]
    is_weighted = rng.random(benchmark_count) > 0.08
    is_weighted[:8] = True
    is_stale = (rng.random(benchmark_count) < 0.04) & is_weighted
    is_stale[:8] = False
    raw_weights = np.where(is_weighted, rng.uniform(1.0, 10.0, benchmark_count), 0.0)
    totals = np.bincount(placed, weights=raw_weights, minlength=8)
    weights = raw_weights / totals[placed] * 100.0
    kinds = rng.choice(3, benchmark_count, p=[0.85, 0.10, 0.05])
    rules = tuple(
        _rule(i, category_ids[placed[i]], float(weights[i]), bool(is_weighted[i]),
              bool(is_stale[i]), int(kinds[i]), int(rng.choice([365, 730])))
        for i in range(benchmark_count)
    )  # fmt: skip
    return Methodology(
        methodology_id="synthetic",
        effective_from=datetime(2023, 1, 1, tzinfo=UTC),
        description="Synthetic methodology for measurements.",
        category_min_coverage_fraction=0.5,
        overall_min_benchmark_count=8,
        overall_min_category_count=2,
        categories=tuple(Category(c, c, w) for c, w in _CATEGORY_WEIGHTS.items()),
        benchmarks=rules,
        confidence_tiers=(
            ConfidenceTier("High", 7, 20),
            ConfidenceTier("Good", 5, 12),
            ConfidenceTier("Moderate", 3, 8),
        ),
        definition_sha256=f"synthetic-{benchmark_count}",
    )


def _rule(
    index: int, category_id: str, weight: float, is_weighted: bool, is_stale: bool,
    kind: int, max_age_days: int,
) -> BenchmarkRule:  # fmt: skip
    unit, direction, scale, span = {
        0: ("percent", "higher", (0.0, 100.0), (0.0, 100.0)),
        1: ("percent", "lower", (0.0, 100.0), (0.0, 100.0)),
        2: ("elo", "higher", (0.0, 4000.0), (1000.0, 1500.0)),
    }[kind]
    return BenchmarkRule(
        benchmark_id=benchmark_id(index), name=f"Benchmark {index}",
        category_id=category_id, weight_pct=weight if is_weighted else 0.0,
        is_weighted=is_weighted, staleness="stale" if is_stale else "current",
        cadence_days=30, max_age_days=max_age_days, unit=unit, direction=direction,
        scale_min=scale[0], scale_max=scale[1], normalise_low=span[0],
        normalise_high=span[1], version=None, note=None, aliases=(),
    )  # fmt: skip


def benchmark_id(index: int) -> str:
    return f"b{index:04d}"


def thresholds_of(methodology: Methodology) -> Thresholds:
    return Thresholds(
        methodology.category_min_coverage_fraction,
        methodology.overall_min_benchmark_count,
        methodology.overall_min_category_count,
    )


def fill_warehouse(
    con: duckdb.DuckDBPyConnection, size: Size, seed: int = 7
) -> Methodology:
    """Store a synthetic methodology, the sources and the observations; return it."""
    rng = np.random.default_rng(seed)
    methodology = make_methodology(size.benchmark_count, rng)
    upsert_methodology(con, methodology)
    upsert_sources(con, SOURCES)

    pairs = _sample_pairs(size, rng)
    observations = _observation_rows(pairs, methodology, rng)
    con.register("synthetic_rows", observations)
    try:
        con.execute(_INSERT_SQL)
    finally:
        con.unregister("synthetic_rows")
    # What every load does: derive the chosen-value timeline from the observations.
    replace_chosen_values(con, compute_chosen_timeline(con), None)
    con.execute("CHECKPOINT")
    return methodology


def _sample_pairs(
    size: Size, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(model index, benchmark index) pairs: each model covers 5-30% of benchmarks."""
    density = rng.uniform(0.05, 0.30, size.model_count).astype(np.float32)
    models, benchmarks = [], []
    for start in range(0, size.model_count, 1_000):
        block = density[start : start + 1_000]
        draws = rng.random((len(block), size.benchmark_count), dtype=np.float32)
        rows, columns = np.nonzero(draws < block[:, None])
        models.append(rows.astype(np.int32) + start)
        benchmarks.append(columns.astype(np.int32))
    return np.concatenate(models), np.concatenate(benchmarks)


def _observation_rows(
    pairs: tuple[np.ndarray, np.ndarray],
    methodology: Methodology,
    rng: np.random.Generator,
) -> pa.Table:
    """One current row per pair, plus second sources, closed history and orphans."""
    models, benchmarks = pairs
    count = len(models)
    second = rng.random(count) < 0.08
    history = rng.random(count) < 0.05
    model = np.concatenate([models, models[second], models[history]])
    bench = np.concatenate([benchmarks, benchmarks[second], benchmarks[history]])
    source = rng.choice(len(SOURCES), count, p=[0.1, 0.3, 0.3, 0.3])
    source = np.concatenate(
        [source, (source[second] + 1) % len(SOURCES), source[history]]
    )
    total = len(model)

    as_of_us = int(AS_OF.timestamp() * 1_000_000)
    retrieved = as_of_us - rng.integers(1, 60, total) * _DAY_US
    closed = np.zeros(total, dtype=bool)
    closed[count + int(second.sum()) :] = True
    valid_from = np.where(closed, retrieved - 90 * _DAY_US, retrieved)
    reported_days = (as_of_us // _DAY_US) - rng.integers(0, 900, total)
    return pa.table(
        {
            "row_id": np.arange(total, dtype=np.int64),
            "model_index": model,
            "benchmark_index": bench,
            "source_index": source.astype(np.int8),
            "value": _values(bench, methodology, rng),
            "is_verified": rng.random(total) < 0.4,
            "reported_date": pa.array(
                reported_days.astype(np.int32),
                pa.date32(),
                mask=rng.random(total) < 0.1,
            ),
            "retrieved_at": _instants(valid_from),
            "valid_from": _instants(valid_from),
            "valid_to": pa.array(retrieved, pa.timestamp("us", tz="UTC"), mask=~closed),
            "is_unresolved": rng.random(total) < 0.005,
        }
    )


def _values(
    bench: np.ndarray, methodology: Methodology, rng: np.random.Generator
) -> np.ndarray:
    low = np.array([r.normalise_low for r in methodology.benchmarks])
    high = np.array([r.normalise_high for r in methodology.benchmarks])
    span = high[bench] - low[bench]
    return low[bench] + rng.uniform(-0.05, 1.05, len(bench)) * span


def _instants(micros: np.ndarray) -> pa.Array:
    return pa.array(micros, pa.timestamp("us", tz="UTC"))


_INSERT_SQL = f"""
    INSERT INTO observations BY NAME
    SELECT 'o' || row_id AS observation_id,
           list_extract({[s.source_id for s in SOURCES]}, source_index + 1) AS source_id,
           'sha' || source_index AS snapshot_sha256,
           'model ' || model_index AS raw_model_name,
           'benchmark ' || benchmark_index AS raw_benchmark_name,
           CASE WHEN NOT is_unresolved THEN 'm' || lpad(model_index::VARCHAR, 5, '0')
           END AS model_id,
           'b' || lpad(benchmark_index::VARCHAR, 4, '0') AS benchmark_id,
           value, CAST(value AS VARCHAR) AS value_text, 'percent' AS unit,
           reported_date, retrieved_at, NULL AS citation_url,
           CASE WHEN is_verified THEN 'verified' ELSE 'provisional' END AS lane,
           valid_from, valid_to
    FROM synthetic_rows
"""
