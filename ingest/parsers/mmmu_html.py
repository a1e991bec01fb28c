"""Parser for the static MMMU leaderboard page (index.html, early-to-mid 2024).

`#table1` is the validation set and `#table2` the test set. Header cells are `<td>`
(the model column reads "Reset", a sort button); names may end in a footnote "*",
kept as written. Human experts and random or frequent-choice baselines are skipped.
Benchmarks are named like the JSON parser's: "MMMU validation Art & Design".
"""

from __future__ import annotations

from ingest.parsers.html_table import TableSpec, ValueColumn, parse_tables
from ingest.records import ParseResult

FORMAT = "mmmu-html"

FIELDS = (
    "Overall",
    "Art & Design",
    "Business",
    "Science",
    "Health & Medicine",
    "Human. & Social Sci.",
    "Tech & Eng.",
)
BASELINES = r"^(Human Expert|Random Choice|Frequent Choice)\b"

SPECS = tuple(
    TableSpec(
        table=selector,
        model_column=0,
        values=tuple(ValueColumn(field, f"MMMU {split} {field}") for field in FIELDS),
        date_column="Date",
        skip_model_pattern=BASELINES,
        is_optional=split == "test",
    )
    for selector, split in (("#table1", "validation"), ("#table2", "test"))
)


def parse(data: bytes) -> ParseResult:
    """One observation per model and score column of both tables."""
    return parse_tables(data, SPECS, FORMAT)
