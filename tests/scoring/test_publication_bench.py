"""The benchmark's pandas yardstick computes the same publication as the SQL."""

from __future__ import annotations

from benchmarks.pandas_reference import compute_pandas_publication, read_frames
from benchmarks.publication_bench import compare_with_pandas
from benchmarks.synthetic import AS_OF, Size, fill_warehouse, thresholds_of
from scoring.publish import compute_publication
from warehouse.db import open_database


def test_pandas_and_sql_agree_on_a_tiny_synthetic_warehouse(tmp_path):
    con = open_database(tmp_path / "bench.duckdb")
    methodology = fill_warehouse(con, Size("test", 50, 40), seed=11)
    thresholds = thresholds_of(methodology)

    computed = compute_publication(con, AS_OF, methodology.methodology_id, thresholds)
    pandas_rows = compute_pandas_publication(
        read_frames(con, methodology.methodology_id), AS_OF, thresholds
    )

    assert computed.category_scores.num_rows > 100
    assert computed.overall_scores.num_rows > 50
    assert compare_with_pandas(computed, pandas_rows) == []
