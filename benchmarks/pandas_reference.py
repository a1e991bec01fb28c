"""The publication rules as vectorised pandas, a yardstick for the SQL.

What a careful pandas version costs: the same choice of value per pair (sorting only
the pairs with more than one candidate), freshness, normalisation, category and overall
scores, gates, ranks and confidence. Used by benchmarks/publication_bench.py and its
test; never by the product. Frames are read once, outside any timing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scoring.publish import Thresholds

_NO_DATE_DAYS = -719_162  # 0001-01-01, where a missing reported date ranks
_DAY_US = 86_400_000_000
PAIR = ["model_id", "benchmark_id"]
PRIORITY = [*PAIR, "is_verified", "trust_rank", "reported_days", "retrieved_us",
            "source_rank"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Frames:
    observations: pd.DataFrame
    rules: pd.DataFrame
    category_weights: pd.Series
    tiers: pd.DataFrame


def read_frames(con: duckdb.DuckDBPyConnection, methodology_id: str) -> Frames:
    """Observations with their source's trust, and the methodology's tables."""
    table = con.sql(
        """
        SELECT o.model_id, o.benchmark_id, o.source_id, o.lane = 'verified' AS is_verified,
               CASE s.trust WHEN 'curated' THEN 3 WHEN 'official' THEN 2 ELSE 1 END
                   AS trust_rank,
               o.value, o.reported_date, o.retrieved_at, o.valid_from, o.valid_to
        FROM observations o LEFT JOIN sources s USING (source_id)
        """
    ).to_arrow_table()
    rules = con.sql(
        "SELECT mb.benchmark_id, category_id, weight_pct, "
        "is_weighted AND staleness = 'current' AS is_counted, max_age_days, "
        "normalise_low AS low, normalise_high AS high, mb.direction = 'lower' AS is_lower "
        "FROM methodology_benchmarks mb JOIN benchmarks USING (benchmark_id) "
        "WHERE methodology_id = ?",
        params=[methodology_id],
    ).df()
    weights = con.sql(
        "SELECT category_id, weight_pct FROM methodology_categories "
        "WHERE methodology_id = ?",
        params=[methodology_id],
    ).df()
    tiers = con.sql(
        "SELECT tier, min_category_count, min_benchmark_count FROM confidence_tiers "
        "WHERE methodology_id = ? ORDER BY min_benchmark_count",
        params=[methodology_id],
    ).df()
    return Frames(
        _observation_frame(table),
        rules.set_index("benchmark_id"),
        weights.set_index("category_id")["weight_pct"],
        tiers,
    )


def _observation_frame(table: pa.Table) -> pd.DataFrame:
    """Ids as categoricals; dates and instants as integer days and microseconds."""
    reported = pc.cast(table["reported_date"], pa.int32())
    return pd.DataFrame(
        {
            "model_id": table["model_id"].dictionary_encode().to_pandas(),
            "benchmark_id": table["benchmark_id"].dictionary_encode().to_pandas(),
            "source_id": table["source_id"].dictionary_encode().to_pandas(),
            "is_verified": table["is_verified"].to_numpy(),
            "trust_rank": table["trust_rank"].to_numpy(),
            "value": table["value"].to_numpy(),
            "reported_days": pc.fill_null(reported, _NO_DATE_DAYS).to_numpy(),
            "has_reported": pc.is_valid(reported).to_numpy(),
            "retrieved_us": _micros(table["retrieved_at"]),
            "valid_from_us": _micros(table["valid_from"]),
            "valid_to_us": pc.fill_null(
                pc.cast(table["valid_to"], pa.int64()), np.iinfo(np.int64).max
            ).to_numpy(),
        }
    )


def _micros(column: pa.ChunkedArray) -> np.ndarray:
    return pc.cast(column, pa.int64()).to_numpy()


def compute_pandas_publication(
    frames: Frames, as_of: datetime, thresholds: Thresholds
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Category and overall rows with the columns of `compute_publication`."""
    chosen = _chosen(frames, as_of)
    categories = _categories(chosen, frames.rules, thresholds)
    overall = _overall(categories, frames, thresholds)
    return categories, overall


def _candidates(frames: Frames, as_of: datetime) -> pd.DataFrame:
    obs = frames.observations
    as_of_us = int(as_of.timestamp() * 1_000_000)
    valid = (
        obs["model_id"].notna().to_numpy()
        & obs["benchmark_id"].isin(frames.rules.index).to_numpy()
        & (obs["valid_from_us"].to_numpy() <= as_of_us)
        & (obs["valid_to_us"].to_numpy() > as_of_us)
    )
    candidates = obs[valid].copy()
    candidates["source_rank"] = candidates["source_id"].cat.codes.to_numpy()
    if not candidates["source_id"].cat.categories.is_monotonic_increasing:
        order = candidates["source_id"].cat.categories.argsort().argsort()
        candidates["source_rank"] = order[candidates["source_rank"].to_numpy()]
    return candidates


def _best_per_pair(candidates: pd.DataFrame) -> pd.DataFrame:
    """The highest-priority row of each (model, benchmark); only duplicates are sorted."""
    duplicated = candidates.duplicated(PAIR, keep=False).to_numpy()
    best = (
        candidates[duplicated].sort_values(PRIORITY).drop_duplicates(PAIR, keep="last")
    )
    return pd.concat([candidates[~duplicated], best], ignore_index=True)


def _chosen(frames: Frames, as_of: datetime) -> pd.DataFrame:
    candidates = _candidates(frames, as_of)
    lanes = [
        _best_per_pair(candidates).assign(lane="provisional"),
        _best_per_pair(candidates[candidates["is_verified"].to_numpy()]).assign(
            lane="verified"
        ),
    ]
    chosen = pd.concat(lanes, ignore_index=True)
    chosen = chosen.join(frames.rules, on="benchmark_id")

    as_of_day = int(as_of.timestamp() * 1_000_000) // _DAY_US
    age = np.where(
        chosen["has_reported"],
        chosen["reported_days"],
        chosen["valid_from_us"] // _DAY_US,
    )
    chosen = chosen[(as_of_day - age) <= chosen["max_age_days"].to_numpy()]
    raw = np.where(
        chosen["is_lower"],
        chosen["high"] - chosen["value"],
        chosen["value"] - chosen["low"],
    )
    normalised = np.clip(raw / (chosen["high"] - chosen["low"]) * 100.0, 0.0, 100.0)
    counted = chosen["is_counted"].to_numpy()
    return pd.DataFrame(
        {
            "lane": chosen["lane"].to_numpy(),
            "model_id": chosen["model_id"].astype(str).to_numpy(),
            "category_id": chosen["category_id"].to_numpy(),
            "is_counted": counted,
            "weight": np.where(counted, chosen["weight_pct"], 0.0),
            "weighted_score": np.where(counted, chosen["weight_pct"] * normalised, 0.0),
        }
    )


def _categories(
    chosen: pd.DataFrame, rules: pd.DataFrame, thresholds: Thresholds
) -> pd.DataFrame:
    grouped = chosen.groupby(["lane", "model_id", "category_id"], sort=False)
    rows = grouped.agg(
        value_count=("is_counted", "size"),
        weighted_value_count=("is_counted", "sum"),
        weight=("weight", "sum"),
        weighted_score=("weighted_score", "sum"),
    ).reset_index()
    sizes = rules.groupby("category_id")["is_counted"].sum()
    rows["score"] = (rows["weighted_score"] / rows["weight"]).where(
        rows["weighted_value_count"] > 0
    )
    rows["weighted_benchmark_count"] = rows["category_id"].map(sizes).astype("int32")
    rows["is_eligible"] = (rows["weighted_value_count"] > 0) & (
        rows["weighted_value_count"]
        >= thresholds.category_min_coverage_fraction * rows["weighted_benchmark_count"]
    )
    rows["rank"] = _ranks(rows, ["lane", "category_id"], "is_eligible")
    columns = [
        *("lane", "model_id", "category_id", "score", "value_count"),
        *("weighted_value_count", "weighted_benchmark_count", "is_eligible", "rank"),
    ]
    return rows[columns].sort_values(
        ["lane", "category_id", "model_id"], ignore_index=True
    )


def _ranks(rows: pd.DataFrame, partition: list[str], flag: str) -> pd.Series:
    """Competition ranks on the score shown to one decimal, among flagged rows.

    NOTE: floor(x * 10 + 0.5) matches DuckDB's round except within an ulp of a half,
    which random synthetic values do not reach.
    """
    flagged = rows[rows[flag]]
    shown = np.floor(flagged["score"] * 10.0 + 0.5)
    ranks = shown.groupby([flagged[c] for c in partition]).rank(
        method="min", ascending=False
    )
    return ranks.reindex(rows.index).astype("Int32")


def _overall(
    categories: pd.DataFrame, frames: Frames, thresholds: Thresholds
) -> pd.DataFrame:
    eligible = categories["is_eligible"] & categories["score"].notna()
    weight = categories["category_id"].map(frames.category_weights)
    parts = pd.DataFrame(
        {
            "lane": categories["lane"],
            "model_id": categories["model_id"],
            "value_count": categories["value_count"],
            "is_eligible": categories["is_eligible"],
            "weight": weight.where(categories["is_eligible"], 0.0),
            "weighted_score": (weight * categories["score"]).where(eligible, 0.0),
            "has_score": eligible,
        }
    )
    rows = (
        parts.groupby(["lane", "model_id"], sort=True)
        .agg(
            value_count=("value_count", "sum"),
            category_count=("value_count", "size"),
            eligible_category_count=("is_eligible", "sum"),
            weight=("weight", "sum"),
            weighted_score=("weighted_score", "sum"),
            has_score=("has_score", "any"),
        )
        .reset_index()
    )
    rows["score"] = (rows["weighted_score"] / rows["weight"]).where(rows["has_score"])
    rows["is_ranked"] = (
        rows["score"].notna()
        & (rows["value_count"] >= thresholds.overall_min_benchmark_count)
        & (rows["category_count"] >= thresholds.overall_min_category_count)
    )
    rows["rank"] = _ranks(rows, ["lane"], "is_ranked")
    rows["confidence"] = "Low"
    for tier in frames.tiers.itertuples():
        met = (rows["category_count"] >= tier.min_category_count) & (
            rows["value_count"] >= tier.min_benchmark_count
        )
        rows.loc[met, "confidence"] = tier.tier
    columns = ["lane", "model_id", "score", "rank", "is_ranked", "value_count",
               "category_count", "eligible_category_count", "confidence"]  # fmt: skip
    return rows[columns]
