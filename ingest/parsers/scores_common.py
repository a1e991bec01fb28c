"""Helpers shared by the score parsers: decoding, JSON and CSV reading, number parsing.

Pure functions over bytes and text. Every structural failure becomes a `ParseError`
that names the format, the place and what was seen; row-level oddities come back as
warning strings so one bad row never sinks a whole snapshot.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ingest.errors import ParseError
from ingest.records import Observation, ParseResult

logger = logging.getLogger(__name__)

# MMMU writes "2025-4-30"; a time after the date is ignored.
DATE_PATTERN = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
MISSING_MARKERS = frozenset({"", "-", "N/A", "n/a", "NA", "null", "None"})


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row of a CSV snapshot, with the line it ends on for messages."""

    line: int
    cells: dict[str, str]


def decode_text(data: bytes, fmt: str) -> str:
    """The snapshot as text: UTF-8, a leading byte-order mark dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ParseError(
            f"could not decode {fmt!r} snapshot as UTF-8 at byte {error.start}: "
            f"saw {data[error.start : error.start + 8]!r}; check that the source "
            "still serves text in UTF-8"
        ) from error


def load_json(data: bytes, fmt: str) -> Any:
    """The snapshot parsed as JSON; a syntax error names its line and column."""
    text = decode_text(data, fmt)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(
            f"could not parse {fmt!r} snapshot: invalid JSON at line {error.lineno} "
            f"column {error.colno} ({error.msg}); the file is broken as published, "
            "keep the previous good snapshot and fetch again once the source is fixed"
        ) from error


def read_csv(
    data: bytes, fmt: str, required: Iterable[str]
) -> tuple[list[str], list[CsvRow], list[str]]:
    """Header, well-formed rows and warnings of a CSV snapshot.

    A row whose cell count differs from the header's is skipped with a warning: its
    cells cannot be matched to columns without guessing.
    """
    reader = csv.reader(io.StringIO(decode_text(data, fmt), newline=""))
    header = next(reader, None)
    if header is None:
        raise ParseError(f"could not parse {fmt!r} snapshot: the CSV is empty")
    check_columns(header, required, fmt)

    rows: list[CsvRow] = []
    warnings: list[str] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            warnings.append(
                f"skipped CSV line {reader.line_num}: {len(cells)} cells for "
                f"{len(header)} columns (first cell {cells[0]!r})"
            )
            continue
        rows.append(CsvRow(reader.line_num, dict(zip(header, cells, strict=True))))
    return header, rows, warnings


def check_columns(header: Sequence[str], required: Iterable[str], fmt: str) -> None:
    """Raise `ParseError` naming the first required column the header lacks."""
    for column in required:
        if column not in header:
            raise ParseError(
                f"could not parse {fmt!r} snapshot: column {column!r} is missing; "
                f"saw columns {list(header)!r}; the source changed its layout, "
                "update the parser"
            )


def parse_number(text: str) -> float | None:
    """The number in `text` ("77.47%" gives 77.47), None for a missing-value marker.

    Raises ValueError for text that is neither a finite number nor a marker.

    >>> parse_number(" 77.47% "), parse_number("N/A")
    (77.47, None)
    """
    stripped = text.strip().removesuffix("%").strip()
    if stripped in MISSING_MARKERS:
        return None
    value = float(stripped)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value


def number_text(value: object) -> str:
    """The text of a JSON or YAML scalar as the source gave it (5 stays "5")."""
    return value if isinstance(value, str) else str(value)


def parse_date(value: object) -> date | None:
    """A date from a YAML date or a `YYYY-MM-DD` string (unpadded too); else None.

    >>> parse_date("2025-4-30"), parse_date("2024-10-22T10:54:34"), parse_date("-")
    (datetime.date(2025, 4, 30), datetime.date(2024, 10, 22), None)
    """
    if isinstance(value, date):
        return value
    match = DATE_PATTERN.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def finish(
    fmt: str, observations: Iterable[Observation], warnings: Iterable[str]
) -> ParseResult:
    """Freeze the parsed observations and warnings and log the count summary."""
    result = ParseResult(observations=tuple(observations), warnings=tuple(warnings))
    logger.info(
        "parsed format=%s observations=%d warnings=%d",
        fmt,
        len(result.observations),
        len(result.warnings),
    )
    for warning in result.warnings:
        logger.debug("parse warning format=%s %s", fmt, warning)
    return result
