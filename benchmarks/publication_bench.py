"""Measure one publication against pandas and against a one-scan floor.

    python benchmarks/publication_bench.py [--sizes small,large] [--json]

For each size a seeded synthetic warehouse is written to a temporary DuckDB file, then
in this one process, best of three: `compute_publication`, the same rules in pandas
(checked to give the same rows), one scan grouping the observations by model (the
floor), and one grouping them by model and benchmark (the floor of any exact choice of
value per pair). Peak RSS is the kernel's high-water mark, reset before each size.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks.pandas_reference import compute_pandas_publication, read_frames  # noqa: E402
from benchmarks.synthetic import AS_OF, SIZES, Size, fill_warehouse, thresholds_of  # noqa: E402
from scoring.publish import ComputedPublication, compute_publication  # noqa: E402
from warehouse.db import open_database  # noqa: E402

FLOOR_SQL = "SELECT model_id, count(*), sum(value) FROM observations GROUP BY model_id"
PAIR_FLOOR_SQL = """
    SELECT model_id, count(*), sum(value) FROM (
        SELECT model_id, benchmark_id, max(value) AS value FROM observations
        GROUP BY model_id, benchmark_id)
    GROUP BY model_id
"""


def best_of(runs: int, action: Callable[[], object]) -> tuple[float, object]:
    """The shortest wall time of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def reset_peak_rss() -> bool:
    """Reset the kernel's RSS high-water mark (Linux); False where it cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_bytes() -> int:
    """VmHWM of this process, or ru_maxrss where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def compare_with_pandas(
    computed: ComputedPublication, pandas_rows: tuple[pd.DataFrame, pd.DataFrame]
) -> list[str]:
    """Differences between the SQL and pandas rows; empty when they agree."""
    problems = []
    pairs = [
        (computed.category_scores, pandas_rows[0], ["lane", "category_id", "model_id"]),
        (computed.overall_scores, pandas_rows[1], ["lane", "model_id"]),
    ]
    for ours, theirs, keys in pairs:
        left = ours.to_pandas().sort_values(keys, ignore_index=True)
        right = theirs.sort_values(keys, ignore_index=True)
        if len(left) != len(right):
            problems.append(f"{keys[-1]} rows: sql={len(left)} pandas={len(right)}")
            continue
        for column in left.columns:
            problems += _column_problems(column, left[column], right[column])
    return problems


def _column_problems(column: str, ours: pd.Series, theirs: pd.Series) -> list[str]:
    if column == "score":
        same = (ours.isna() & theirs.isna()) | ((ours - theirs).abs() <= 1e-9)
    else:
        same = _comparable(ours) == _comparable(theirs)
    count = int((~same).sum())
    return [f"{column}: {count} rows differ"] if count else []


def _comparable(column: pd.Series) -> pd.Series:
    """Values as plain objects, every kind of missing as one marker."""
    return (
        column.astype(object).where(column.notna(), "<missing>").reset_index(drop=True)
    )


def measure(size: Size, runs: int = 3) -> dict[str, object]:
    """Fill a warehouse of `size`, time the four computations, compare the rows."""
    with tempfile.TemporaryDirectory() as folder:
        con = open_database(Path(folder) / "bench.duckdb")
        try:
            return _measure_on(con, size, runs)
        finally:
            con.close()


def _measure_on(
    con: duckdb.DuckDBPyConnection, size: Size, runs: int
) -> dict[str, object]:
    start = time.perf_counter()
    methodology = fill_warehouse(con, size)
    fill_s = time.perf_counter() - start
    thresholds = thresholds_of(methodology)
    observation_count = con.sql("SELECT count(*) FROM observations").fetchall()[0][0]

    reset_peak_rss()
    ours_s, computed = best_of(
        runs,
        lambda: compute_publication(con, AS_OF, methodology.methodology_id, thresholds),
    )
    ours_peak = peak_rss_bytes()
    floor_s, _ = best_of(runs, lambda: con.sql(FLOOR_SQL).to_arrow_table())
    pair_floor_s, _ = best_of(runs, lambda: con.sql(PAIR_FLOOR_SQL).to_arrow_table())
    frames = read_frames(con, methodology.methodology_id)
    pandas_s, pandas_rows = best_of(
        runs, lambda: compute_pandas_publication(frames, AS_OF, thresholds)
    )
    return {
        "size": size.name,
        "model_count": size.model_count,
        "benchmark_count": size.benchmark_count,
        "observation_count": observation_count,
        "category_row_count": computed.category_scores.num_rows,
        "fill_s": round(fill_s, 3),
        "ours_s": round(ours_s, 4),
        "pandas_s": round(pandas_s, 4),
        "floor_s": round(floor_s, 4),
        "pair_floor_s": round(pair_floor_s, 4),
        "pandas_over_ours": round(pandas_s / ours_s, 2),
        "ours_over_floor": round(ours_s / floor_s, 2),
        "ours_over_pair_floor": round(ours_s / pair_floor_s, 2),
        "ours_peak_rss_bytes": ours_peak,
        "process_peak_rss_bytes": peak_rss_bytes(),
        "differences": compare_with_pandas(computed, pandas_rows),
    }


def describe(result: dict[str, object]) -> str:
    gib = 1024**3
    return "\n".join(
        [
            f"{result['size']}: {result['model_count']:,} models x "
            f"{result['benchmark_count']:,} benchmarks, "
            f"{result['observation_count']:,} observations, "
            f"{result['category_row_count']:,} category rows (fill {result['fill_s']} s)",
            f"  ours (compute_publication) {result['ours_s']:.4f} s",
            f"  pandas (same rules)        {result['pandas_s']:.4f} s",
            f"  floor (one scan by model)  {result['floor_s']:.4f} s",
            f"  pair floor (by model and benchmark, then model) "
            f"{result['pair_floor_s']:.4f} s",
            f"  pandas/ours {result['pandas_over_ours']}x   "
            f"ours/floor {result['ours_over_floor']}x   "
            f"ours/pair floor {result['ours_over_pair_floor']}x",
            f"  peak RSS during ours {result['ours_peak_rss_bytes'] / gib:.2f} GiB, "
            f"process {result['process_peak_rss_bytes'] / gib:.2f} GiB",
            "  pandas agrees with ours"
            if not result["differences"]
            else f"  DIFFERENCES: {result['differences']}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,large", help="of: " + ",".join(SIZES))
    parser.add_argument("--json", action="store_true", help="print JSON, one list")
    args = parser.parse_args(argv)
    unknown = [name for name in args.sizes.split(",") if name not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; use some of {sorted(SIZES)}")

    results = []
    for name in args.sizes.split(","):
        results.append(measure(SIZES[name]))
        if not args.json:
            print(describe(results[-1]), flush=True)
    if args.json:
        print(json.dumps(results, indent=2))
    return (
        1
        if any(r["differences"] for r in results)
        or any(math.isnan(float(r["ours_s"])) for r in results)
        else 0
    )


if __name__ == "__main__":
    sys.exit(main())
