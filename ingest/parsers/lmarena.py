"""Parser for the LMArena (Chatbot Arena) text leaderboard CSV.

One observation of `arena_score` (Elo-like, unit "elo") per row, benchmark "LMArena
Text". Ranks tie and `rank_stylectrl` exists only from late 2024; neither is needed,
so both layouts parse the same. Display names ("Claude 3.5 Sonnet (20241022)") are kept.
"""

from __future__ import annotations

from ingest.parsers.scores_common import CsvRow, finish, parse_number, read_csv
from ingest.records import Observation, ParseResult

FORMAT = "lmarena"

BENCHMARK = "LMArena Text"


def parse(data: bytes) -> ParseResult:
    """One observation per row with a numeric `arena_score`."""
    _, rows, warnings = read_csv(data, FORMAT, required=("model", "arena_score"))

    observations: list[Observation] = []
    for row in rows:
        observation = _observe(row, warnings)
        if observation is not None:
            observations.append(observation)
    return finish(FORMAT, observations, warnings)


def _observe(row: CsvRow, warnings: list[str]) -> Observation | None:
    name, text = row.cells["model"].strip(), row.cells["arena_score"].strip()
    try:
        value = parse_number(text)
    except ValueError:
        value = None
    if not name or value is None:
        warnings.append(
            f"skipped CSV line {row.line}: model {name!r}, arena_score {text!r}"
        )
        return None
    return Observation(
        raw_model_name=name,
        raw_benchmark_name=BENCHMARK,
        value=value,
        value_text=text,
        unit="elo",
    )
