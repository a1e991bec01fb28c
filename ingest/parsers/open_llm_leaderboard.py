"""Parser for the Hugging Face Open LLM Leaderboard v2 CSV and its arena join.

Two layouts: the v2 table (`model`, `ifeval_raw`, ... as fractions rounded to 2 places)
and the merged arena x HF table (`model_name`, `evaluations_<b>_value` as full
fractions). Both yield the six raw evaluations in percent per HF repo id, named as the
leaderboard's headers spell them; the arena half of the join is left to LMArena. A repo
listed twice (several precisions, or several arena names) keeps its first row.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingest.errors import ParseError
from ingest.parsers.scores_common import CsvRow, finish, parse_number, read_csv
from ingest.records import Observation, ParseResult

FORMAT = "open-llm-leaderboard"

BENCHMARKS = ("IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO")

# Per layout: the model column, then the value column of each benchmark above in order.
V2_LAYOUT = (
    "model",
    ("ifeval_raw", "bbh_raw", "math_lvl_5_raw", "gpqa_raw", "musr_raw", "mmlupro_raw"),
)
MERGED_LAYOUT = (
    "model_name",
    tuple(
        f"evaluations_{key}_value"
        for key in ("ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro")
    ),
)


def parse(data: bytes) -> ParseResult:
    """The six raw evaluations, in percent, per HF repo id."""
    header, rows, warnings = read_csv(data, FORMAT, required=())
    model_column, value_columns = _layout(header)

    observations: list[Observation] = []
    for row in _first_rows(rows, model_column, warnings):
        model = row.cells[model_column].strip()
        for benchmark, column in zip(BENCHMARKS, value_columns, strict=True):
            observation = _observe(model, benchmark, row, column, warnings)
            if observation is not None:
                observations.append(observation)
    return finish(FORMAT, observations, warnings)


def _layout(header: list[str]) -> tuple[str, tuple[str, ...]]:
    for model_column, value_columns in (V2_LAYOUT, MERGED_LAYOUT):
        if all(column in header for column in (model_column, *value_columns)):
            return model_column, value_columns
    raise ParseError(
        f"could not parse {FORMAT!r} snapshot: neither the v2 layout ('model', "
        "'ifeval_raw', ...) nor the merged one ('model_name', "
        f"'evaluations_ifeval_value', ...); saw columns {header[:8]!r}...; "
        "update the parser for the new layout"
    )


def _first_rows(
    rows: list[CsvRow], model_column: str, warnings: list[str]
) -> Iterator[CsvRow]:
    seen: dict[str, int] = {}
    for row in rows:
        model = row.cells[model_column].strip()
        if model in seen:
            warnings.append(
                f"skipped CSV line {row.line}: {model!r} already read from line "
                f"{seen[model]}"
            )
            continue
        seen[model] = row.line
        yield row


def _observe(
    model: str, benchmark: str, row: CsvRow, column: str, warnings: list[str]
) -> Observation | None:
    text = row.cells[column].strip()
    try:
        fraction = parse_number(text)
    except ValueError:
        warnings.append(f"skipped CSV line {row.line} {column!r}: {text!r}")
        return None
    if not model or fraction is None:
        return None
    # NOTE: the CSV holds fractions (0.82); the value is stored in percent, the text
    # as written.
    return Observation(
        raw_model_name=model,
        raw_benchmark_name=benchmark,
        value=round(fraction * 100, 10),
        value_text=text,
        unit="percent",
        raw_model_id=model,
    )
