"""Parser for LiveBench's release table CSV and its category map JSON.

The table has a `model` column (LiveBench's own ids) and one 0-100 column per task;
empty cells are skipped, never read as zero. With the category map, it also yields each
category's mean of its tasks and the global mean of categories, as the site computes
them, but only for models with every input present: a partial mean would not be the
number the site shows. A row with the wrong cell count is skipped (cells cannot be
matched to tasks).
"""

from __future__ import annotations

from statistics import fmean

from ingest.errors import ParseError
from ingest.parsers.scores_common import (
    CsvRow,
    finish,
    load_json,
    parse_number,
    read_csv,
)
from ingest.records import Observation, ParseResult

FORMAT = "livebench"

GLOBAL_AVERAGE = "LiveBench Global Average"

# task -> (value, text as written) for one row
TaskValues = dict[str, tuple[float, str]]


def parse(table: bytes, categories: bytes | None = None) -> ParseResult:
    """Task values per model, plus category and global averages when `categories`."""
    header, rows, warnings = read_csv(table, FORMAT, required=("model",))
    tasks = [column for column in header if column != "model"]
    category_map = _load_categories(categories) if categories is not None else {}
    _warn_missing_tasks(category_map, tasks, warnings)

    observations: list[Observation] = []
    for row in rows:
        values = _task_values(row, tasks, warnings)
        observations.extend(_observe_tasks(row, values))
        observations.extend(_observe_averages(row, values, category_map))
    return finish(FORMAT, observations, warnings)


def _load_categories(data: bytes) -> dict[str, list[str]]:
    document = load_json(data, FORMAT)
    is_map = isinstance(document, dict) and all(
        isinstance(tasks, list) and all(isinstance(t, str) for t in tasks)
        for tasks in document.values()
    )
    if not is_map or not document:
        raise ParseError(
            f"could not parse {FORMAT!r} categories: expected an object of category "
            f"to task-name lists, saw {str(document)[:80]!r}; check the file is "
            "public/categories_<release>.json"
        )
    return document


def _warn_missing_tasks(
    category_map: dict[str, list[str]], tasks: list[str], warnings: list[str]
) -> None:
    for category, members in category_map.items():
        missing = [task for task in members if task not in tasks]
        if missing:
            warnings.append(
                f"category {category!r} lists tasks {missing!r} the table lacks; "
                f"no 'LiveBench {category}' or global averages"
            )


def _task_values(row: CsvRow, tasks: list[str], warnings: list[str]) -> TaskValues:
    values: TaskValues = {}
    for task in tasks:
        text = row.cells[task].strip()
        try:
            value = parse_number(text)
        except ValueError:
            warnings.append(f"skipped CSV line {row.line} task {task!r}: {text!r}")
            continue
        if value is not None:
            values[task] = (value, text)
    return values


def _observe_tasks(row: CsvRow, values: TaskValues) -> list[Observation]:
    model = row.cells["model"].strip()
    return [
        Observation(model, f"LiveBench {task}", value, text, "percent")
        for task, (value, text) in values.items()
    ]


def _observe_averages(
    row: CsvRow, values: TaskValues, category_map: dict[str, list[str]]
) -> list[Observation]:
    model = row.cells["model"].strip()
    averages: dict[str, float] = {}
    for category, members in category_map.items():
        if members and all(task in values for task in members):
            averages[category] = fmean(values[task][0] for task in members)
    if category_map and len(averages) == len(category_map):
        averages[GLOBAL_AVERAGE] = fmean(averages.values())
    return [_computed(model, name, value) for name, value in averages.items()]


def _computed(model: str, name: str, value: float) -> Observation:
    # NOTE: averages have no source text; value_text is the mean to 3 decimals, the
    # precision of the table's own cells.
    benchmark = name if name == GLOBAL_AVERAGE else f"LiveBench {name}"
    return Observation(model, benchmark, value, f"{value:.3f}", "percent")
