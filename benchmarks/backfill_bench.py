"""A year of daily publications by backfill, against one publication, on the seeded
synthetic warehouse of `benchmarks/synthetic.py`.

Usage: python benchmarks/backfill_bench.py [--size small|large]
Prints the time of one publication (compute and store), of a 365-day backfill (the
days with changes computed, publications stored, events detected), and their ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import AS_OF, SIZES, fill_warehouse  # noqa: E402
from flows.backfill import backfill  # noqa: E402
from flows.pipeline import publish  # noqa: E402
from warehouse.db import open_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", choices=sorted(SIZES))
    size = SIZES[parser.parse_args().size]
    with tempfile.TemporaryDirectory() as folder:
        con = open_database(Path(folder) / "synthetic.duckdb")
        fill_warehouse(con, size)
        started = time.perf_counter()
        publish(con, AS_OF)
        one = time.perf_counter() - started
        end = AS_OF.date()
        start = end - timedelta(days=364)
        started = time.perf_counter()
        summary = backfill(con, start, end, detected_at=datetime.now(UTC))
        year = time.perf_counter() - started
    print(f"one publication   {one:8.3f} s")
    print(
        f"365-day backfill  {year:8.3f} s  ({summary.computed_day_count} days with "
        f"changes, {summary.publication_count} publications, {summary.event_count} "
        "events)"
    )
    print(f"ratio             {year / one:8.1f}x (target at most 10x)")


if __name__ == "__main__":
    main()
