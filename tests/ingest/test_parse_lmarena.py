"""Tests for the LMArena text leaderboard CSV parser, on the real shared files."""

from __future__ import annotations

import csv
import io

import pytest

from ingest.errors import ParseError
from ingest.parsers import lmarena


def read(shared_data, name):
    return (shared_data / "lmarena" / name).read_bytes()


def values(result):
    return {o.raw_model_name: o.value for o in result.observations}


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("lmarena-text-2024-08-07.csv", 127),
        ("lmarena-text-2024-11-22.csv", 162),
        ("lmarena-text-2025-02-16.csv", 168),
    ],
)
def test_parse_lmarena_reads_files_with_and_without_rank_stylectrl(
    shared_data, name, count
):
    result = lmarena.parse(read(shared_data, name))

    assert len(result.observations) == count
    assert result.warnings == ()
    assert {(o.raw_benchmark_name, o.unit) for o in result.observations} == {
        ("LMArena Text", "elo")
    }


def test_parse_lmarena_shows_claude_3_5_sonnet_renamed_once_october_arrived(
    shared_data,
):
    august = values(lmarena.parse(read(shared_data, "lmarena-text-2024-08-07.csv")))
    november = values(lmarena.parse(read(shared_data, "lmarena-text-2024-11-22.csv")))

    assert august["Claude 3.5 Sonnet"] == 1271
    assert "Claude 3.5 Sonnet" not in november
    assert november["Claude 3.5 Sonnet (20240620)"] == 1268
    assert november["Claude 3.5 Sonnet (20241022)"] == 1282


def test_parse_lmarena_keeps_every_model_that_shares_a_tied_rank(shared_data):
    data = read(shared_data, "lmarena-text-2024-11-22.csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    first = [row["model"] for row in rows if row["rank"] == "1"]

    result = values(lmarena.parse(data))

    assert first == ["Gemini-Exp-1121", "ChatGPT-4o-latest (2024-11-20)"]
    assert result["Gemini-Exp-1121"] == 1365
    assert result["ChatGPT-4o-latest (2024-11-20)"] == 1360


def test_parse_lmarena_keeps_the_score_text_as_written(shared_data):
    result = lmarena.parse(read(shared_data, "lmarena-text-2025-02-16.csv"))

    first = result.observations[0]
    assert (first.raw_model_name, first.value_text) == (
        "Gemini-2.0-Flash-Thinking-Exp-01-21",
        "1384",
    )


def test_parse_lmarena_raises_parse_error_when_arena_score_is_missing():
    with pytest.raises(ParseError, match="'arena_score' is missing"):
        lmarena.parse(b"rank,model,elo\n1,m,1200\n")
