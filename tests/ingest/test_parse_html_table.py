"""Tests for the declarative HTML table reader, on small hand-written pages."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.errors import ParseError
from ingest.parsers.html_table import TableSpec, ValueColumn, parse_tables

PAGE = b"""
<html><body>
<table id="other"><tr><td>not this one</td></tr></table>
<div id="board">
<table>
  <tr><th colspan="2">Entry</th><th>Scores</th><th></th></tr>
  <tr><th>Model</th><th>Date</th><th>Score</th><th>Split</th></tr>
  <tr><td>\xf0\x9f\xa5\x87  Alpha\n  One</td><td>2024-01-02</td><td>50.5%</td>
      <td rowspan="2">val</td></tr>
  <!-- <tr><td>Ghost</td><td>2024-01-01</td><td>99.0</td><td>val</td></tr> -->
  <tr><td>Beta</td><td>2024-02-03</td><td>-</td></tr>
  <tr><th>Model</th><th>Date</th><th>Score</th><th>Split</th></tr>
  <tr><td rowspan="2">Gamma</td><td>2024-03-04</td><td>40</td><td>test</td></tr>
  <tr><td>2024-03-05</td><td>41</td><td>val</td></tr>
  <tr><td>Human baseline</td><td>2024-01-01</td><td>90</td><td>val</td></tr>
  <tr><td>Delta</td><td>soon</td><td>n/a?</td><td>val</td></tr>
</table>
</div>
</body></html>
"""

SPEC = TableSpec(
    table="#board",
    model_column="Model",
    values=(ValueColumn("Score"),),
    date_column="Date",
    header_rows=2,
    benchmark_column="Split",
    skip_model_pattern=r"^Human",
)


def rows(result):
    return [
        (o.raw_model_name, o.raw_benchmark_name, o.value, o.reported_date)
        for o in result.observations
    ]


def test_html_table_reads_rows_through_rowspans_comments_and_repeated_headers():
    result = parse_tables(PAGE, [SPEC], "test-page")

    assert rows(result) == [
        ("Alpha One", "val", 50.5, date(2024, 1, 2)),
        ("Gamma", "test", 40.0, date(2024, 3, 4)),
        ("Gamma", "val", 41.0, date(2024, 3, 5)),
    ]


def test_html_table_does_not_count_commented_out_rows():
    result = parse_tables(PAGE, [SPEC], "test-page")

    assert "Ghost" not in {o.raw_model_name for o in result.observations}


def test_html_table_warns_on_a_value_that_is_not_a_number():
    result = parse_tables(PAGE, [SPEC], "test-page")

    assert result.warnings == ("skipped 'Delta' 'val': 'n/a?' is not a number",)


def test_html_table_selects_a_table_by_index_and_columns_by_position():
    spec = TableSpec(
        table=1, model_column=0, values=(ValueColumn(2, "B"),), header_rows=2
    )

    result = parse_tables(PAGE, [spec], "test-page")

    assert [o.raw_model_name for o in result.observations][:2] == ["Alpha One", "Gamma"]
    assert result.observations[0].value_text == "50.5%"


def test_html_table_raises_parse_error_for_a_missing_table_or_header():
    missing_table = TableSpec(
        table="#nowhere", model_column=0, values=(ValueColumn(1, "B"),)
    )
    missing_header = TableSpec(
        table="#board", model_column="Name", values=(ValueColumn(1, "B"),)
    )

    with pytest.raises(ParseError, match="no table '#nowhere'"):
        parse_tables(PAGE, [missing_table], "test-page")
    with pytest.raises(ParseError, match="no header cell 'Name'"):
        parse_tables(PAGE, [missing_header], "test-page")


def test_html_table_skips_an_optional_table_that_is_absent():
    optional = TableSpec(
        table="#nowhere",
        model_column=0,
        values=(ValueColumn(1, "B"),),
        is_optional=True,
    )

    result = parse_tables(PAGE, [optional, SPEC], "test-page")

    assert len(result.observations) == 3


def test_html_table_spec_needs_a_benchmark_for_every_value_column():
    with pytest.raises(ValueError, match="benchmark_column"):
        TableSpec(table=0, model_column=0, values=(ValueColumn(1),))
