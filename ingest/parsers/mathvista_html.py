"""Parser for the static MathVista leaderboard page (index.html, 2023).

`<table id="results">` with columns # | Model | Method | Source | Date | ALL | FQA | ...
| STA: the overall score and the task and skill categories. Medal emoji sit inside
names and are stripped; the human and random-chance baselines are skipped. Benchmarks
are "MathVista ALL", "MathVista FQA", and so on.
"""

from __future__ import annotations

from ingest.parsers.html_table import TableSpec, ValueColumn, parse_tables
from ingest.records import ParseResult

FORMAT = "mathvista-html"

FIELDS = (
    "ALL",
    *("FQA", "GPS", "MWP", "TQA", "VQA"),
    *("ALG", "ARI", "GEO", "LOG", "NUM", "SCI", "STA"),
)

SPECS = (
    TableSpec(
        table="#results",
        model_column="Model",
        values=tuple(ValueColumn(field, f"MathVista {field}") for field in FIELDS),
        date_column="Date",
        skip_model_pattern=r"^(Human Performance|Random Chance)\b",
    ),
)


def parse(data: bytes) -> ParseResult:
    """One observation per model and score column."""
    return parse_tables(data, SPECS, FORMAT)
