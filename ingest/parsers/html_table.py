"""Declarative reader for leaderboard tables in static HTML pages.

A `TableSpec` says which table (index or CSS selector), which columns hold the model,
the values and the date (grid index or header text), how many header rows, the unit and
the benchmark names. Rowspans and colspans are expanded into a grid; commented-out
markup is not parsed into rows; rows made only of `<th>` are headers wherever they sit.
Cell text drops emoji and collapses whitespace. Pages are parsed with BeautifulSoup and
lxml, and their scripts are never run.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bs4 import BeautifulSoup, Tag

from ingest.errors import ParseError
from ingest.parsers.scores_common import decode_text, finish, parse_date, parse_number
from ingest.records import Observation, ParseResult

logger = logging.getLogger(__name__)

Column = int | str

# Zero-width joiner and variation selectors glue emoji together; they go with them.
EMOJI_GLUE = frozenset({"\u200d", "\ufe0e", "\ufe0f"})


@dataclass(frozen=True, slots=True)
class ValueColumn:
    """A column of values; `benchmark` None takes the name from `benchmark_column`."""

    column: Column
    benchmark: str | None = None


@dataclass(frozen=True, slots=True)
class TableSpec:
    """Where one table's values are and what they mean.

    Columns are indexes into the expanded grid (after rowspans and colspans) or a
    header cell's text, matched case-insensitively in any header row.
    """

    table: int | str
    model_column: Column
    values: tuple[ValueColumn, ...]
    date_column: Column | None = None
    header_rows: int = 1
    unit: str = "percent"
    benchmark_column: Column | None = None
    skip_model_pattern: str | None = None
    is_optional: bool = False

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError("a TableSpec needs at least one value column")
        unnamed = any(value.benchmark is None for value in self.values)
        if unnamed and self.benchmark_column is None:
            raise ValueError("a value column without benchmark needs benchmark_column")
        if self.header_rows < 0:
            raise ValueError(f"header_rows must be >= 0, not {self.header_rows}")


@dataclass(frozen=True, slots=True)
class _Row:
    cells: list[str]
    is_header: bool


def parse_tables(data: bytes, specs: Iterable[TableSpec], fmt: str) -> ParseResult:
    """Observations from every table that `specs` describe, in spec order."""
    soup = BeautifulSoup(decode_text(data, fmt), "lxml")

    observations: list[Observation] = []
    warnings: list[str] = []
    for spec in specs:
        table = _find_table(soup, spec, fmt)
        if table is not None:
            observations.extend(_read_table(table, spec, fmt, warnings))
    return finish(fmt, observations, warnings)


def _find_table(soup: BeautifulSoup, spec: TableSpec, fmt: str) -> Tag | None:
    if isinstance(spec.table, int):
        tables = soup.find_all("table")
        found = tables[spec.table] if -len(tables) <= spec.table < len(tables) else None
    else:
        found = soup.select_one(spec.table)
        if found is not None and found.name != "table":
            found = found.find("table")
    if found is None and not spec.is_optional:
        raise ParseError(
            f"could not parse {fmt!r} page: no table {spec.table!r} "
            f"({len(soup.find_all('table'))} tables on the page); the page layout "
            "changed, update the table spec"
        )
    return found


def _read_table(
    table: Tag, spec: TableSpec, fmt: str, warnings: list[str]
) -> list[Observation]:
    grid = _expand_rows(_own_rows(table))
    header = [row.cells for row in grid[: spec.header_rows]]
    model_at = _column_index(spec.model_column, header, fmt)
    date_at = _column_index(spec.date_column, header, fmt)
    bench_at = _column_index(spec.benchmark_column, header, fmt)
    value_at = [(_column_index(v.column, header, fmt), v) for v in spec.values]

    observations: list[Observation] = []
    for row in grid[spec.header_rows :]:
        model = _cell(row.cells, model_at)
        if row.is_header or not model or _is_skipped(model, spec):
            continue
        reported = parse_date(_cell(row.cells, date_at))
        for index, value_column in value_at:
            benchmark = value_column.benchmark or _cell(row.cells, bench_at)
            text = _cell(row.cells, index)
            observation = _observe(model, benchmark, text, reported, spec, warnings)
            if observation is not None:
                observations.append(observation)
    return observations


def _own_rows(table: Tag) -> list[Tag]:
    """The table's rows, not those of tables nested inside its cells."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _expand_rows(rows: Iterable[Tag]) -> list[_Row]:
    """Rows as text grids: a rowspan or colspan cell repeats in every slot it covers."""
    pending: dict[int, tuple[int, str]] = {}
    grid = []
    for tr in rows:
        cells = tr.find_all(["td", "th"], recursive=False)
        is_header = bool(cells) and all(cell.name == "th" for cell in cells)
        grid.append(_Row(_expand_row(cells, pending), is_header))
    return grid


def _expand_row(cells: list[Tag], pending: dict[int, tuple[int, str]]) -> list[str]:
    line: list[str] = []
    queue = list(cells)
    while queue or any(column >= len(line) for column in pending):
        column = len(line)
        if column in pending:
            rows_left, text = pending.pop(column)
            if rows_left > 1:
                pending[column] = (rows_left - 1, text)
            line.append(text)
            continue
        if not queue:
            line.append("")
            continue
        cell = queue.pop(0)
        text, down = cell_text(cell), _span(cell, "rowspan")
        for offset in range(_span(cell, "colspan")):
            if down > 1:
                pending[column + offset] = (down - 1, text)
            line.append(text)
    return line


def _span(cell: Tag, attribute: str) -> int:
    try:
        return max(1, int(str(cell.get(attribute, "1")).strip()))
    except ValueError:
        return 1


def cell_text(cell: Tag) -> str:
    """A cell's visible text without emoji, whitespace collapsed.

    >>> cell_text(BeautifulSoup("<td> 🥇 🤠 ✅ Tools +\\n Claude </td>", "lxml").td)
    'Tools + Claude'
    """
    text = "".join(
        char
        for char in cell.get_text(" ")
        if unicodedata.category(char) != "So" and char not in EMOJI_GLUE
    )
    return " ".join(text.split())


def _column_index(
    column: Column | None, header: list[list[str]], fmt: str
) -> int | None:
    if column is None or isinstance(column, int):
        return column
    wanted = column.casefold()
    for cells in reversed(header):
        for index, text in enumerate(cells):
            if text.casefold() == wanted:
                return index
    raise ParseError(
        f"could not parse {fmt!r} page: no header cell {column!r}; saw header rows "
        f"{header!r}; the table layout changed, update the table spec"
    )


def _cell(cells: list[str], index: int | None) -> str:
    return (
        cells[index] if index is not None and -len(cells) <= index < len(cells) else ""
    )


def _is_skipped(model: str, spec: TableSpec) -> bool:
    if spec.skip_model_pattern and re.search(spec.skip_model_pattern, model):
        logger.debug("skipped row model=%s", model)
        return True
    return False


def _observe(
    model: str,
    benchmark: str,
    text: str,
    reported: date | None,
    spec: TableSpec,
    warnings: list[str],
) -> Observation | None:
    try:
        value = parse_number(text)
    except ValueError:
        warnings.append(f"skipped {model!r} {benchmark!r}: {text!r} is not a number")
        return None
    if value is None or not benchmark:
        return None
    return Observation(model, benchmark, value, text, spec.unit, reported)
