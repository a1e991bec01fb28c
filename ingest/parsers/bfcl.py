"""Parser for the Berkeley Function Calling Leaderboard's `data_overall.csv`.

Every column whose cells are percent strings ("77.47%") is a benchmark, named
"BFCL <column>" ("BFCL Overall Acc", "BFCL Live Simple AST"); "N/A" cells are skipped.
Columns come and go between versions, so none is hard-coded beyond `Model` and `Overall
Acc`. Cost and latency columns are not percent and are not read.
"""

from __future__ import annotations

from ingest.parsers.scores_common import CsvRow, finish, parse_number, read_csv
from ingest.records import Observation, ParseResult

FORMAT = "bfcl"


def parse(data: bytes) -> ParseResult:
    """One observation per model and percent column."""
    header, rows, warnings = read_csv(data, FORMAT, required=("Model", "Overall Acc"))
    columns = [c for c in header if any(r.cells[c].strip().endswith("%") for r in rows)]

    observations: list[Observation] = []
    for row in rows:
        for column in columns:
            observation = _observe(row, column, warnings)
            if observation is not None:
                observations.append(observation)
    return finish(FORMAT, observations, warnings)


def _observe(row: CsvRow, column: str, warnings: list[str]) -> Observation | None:
    model, text = row.cells["Model"].strip(), row.cells[column].strip()
    try:
        value = parse_number(text) if text.endswith("%") or not text else None
    except ValueError:
        value = None
    if value is None:
        if text not in ("N/A", ""):
            warnings.append(f"skipped CSV line {row.line} {column!r}: {text!r}")
        return None
    return Observation(
        raw_model_name=model,
        raw_benchmark_name=f"BFCL {column}",
        value=value,
        value_text=text,
        unit="percent",
    )
