"""Parser for the AlpacaEval 2.0 leaderboard CSV (GPT-4 Turbo annotator).

The first column has an empty header and holds the model name (a pandas index).
`win_rate` becomes "AlpacaEval 2.0" and, once the column exists (March 2024),
`length_controlled_winrate` becomes "AlpacaEval 2.0 LC"; empty cells are skipped.
Rows in `dev` mode are the maintainers' development runs, hidden on the site; skipped.
"""

from __future__ import annotations

from ingest.errors import ParseError
from ingest.parsers.scores_common import CsvRow, finish, parse_number, read_csv
from ingest.records import Observation, ParseResult

FORMAT = "alpacaeval"

BENCHMARK_BY_COLUMN = {
    "win_rate": "AlpacaEval 2.0",
    "length_controlled_winrate": "AlpacaEval 2.0 LC",
}
SKIPPED_MODES = frozenset({"dev"})


def parse(data: bytes) -> ParseResult:
    """Win rate and, when present, length-controlled win rate per model."""
    header, rows, warnings = read_csv(data, FORMAT, required=("win_rate",))
    if header[0].strip():
        raise ParseError(
            f"could not parse {FORMAT!r} snapshot: expected an unnamed first column "
            f"holding model names, saw {header[0]!r}; update the parser for the layout"
        )
    name_column = header[0]
    columns = [column for column in BENCHMARK_BY_COLUMN if column in header]

    observations: list[Observation] = []
    for row in rows:
        if row.cells.get("mode", "").strip() in SKIPPED_MODES:
            continue
        for column in columns:
            observation = _observe(row, name_column, column, warnings)
            if observation is not None:
                observations.append(observation)
    return finish(FORMAT, observations, warnings)


def _observe(
    row: CsvRow, name_column: str, column: str, warnings: list[str]
) -> Observation | None:
    model, text = row.cells[name_column].strip(), row.cells[column].strip()
    try:
        value = parse_number(text)
    except ValueError:
        warnings.append(f"skipped CSV line {row.line} {column!r}: {text!r}")
        return None
    if not model or value is None:
        return None
    return Observation(model, BENCHMARK_BY_COLUMN[column], value, text, "percent")
