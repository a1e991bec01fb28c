"""Parser for the static SWE-bench leaderboard page (index.html, until 2025-05).

One table per split inside `<div id="leaderboard-<split>">`; "Test" is shown as Full and
Multimodal appears only from early 2025. Model cells carry medal and status emoji and
much whitespace, which the table reader strips. Values are "% Resolved".
"""

from __future__ import annotations

from ingest.parsers.html_table import TableSpec, ValueColumn, parse_tables
from ingest.records import ParseResult

FORMAT = "swebench-html"

BENCHMARK_BY_SPLIT = {
    "Test": "SWE-bench Full",
    "Verified": "SWE-bench Verified",
    "Lite": "SWE-bench Lite",
    "Multimodal": "SWE-bench Multimodal",
}

SPECS = tuple(
    TableSpec(
        table=f"#leaderboard-{split}",
        model_column="Model",
        values=(ValueColumn("% Resolved", benchmark),),
        date_column="Date",
        is_optional=split != "Verified",
    )
    for split, benchmark in BENCHMARK_BY_SPLIT.items()
)


def parse(data: bytes) -> ParseResult:
    """One observation per row of every split's table."""
    return parse_tables(data, SPECS, FORMAT)
