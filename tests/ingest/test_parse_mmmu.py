"""Tests for the MMMU leaderboard_data.json parser, on the real shared files."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.errors import ParseError
from ingest.parsers import mmmu


def read(shared_data, name):
    return (shared_data / "mmmu" / name).read_bytes()


def test_parse_mmmu_rejects_the_malformed_file_naming_line_and_column(shared_data):
    data = read(shared_data, "mmmu-leaderboard-data-2024-11-20-MALFORMED.json")

    with pytest.raises(ParseError, match="line 1959 column 5") as raised:
        mmmu.parse(data)

    assert "previous good snapshot" in str(raised.value)


@pytest.mark.parametrize(
    ("name", "count", "models"),
    [
        ("mmmu-leaderboard-data-2024-12-29.json", 816, 107),
        ("mmmu-leaderboard-data-2025-08-05.json", 906, 169),
    ],
)
def test_parse_mmmu_yields_scores_of_every_entry_but_the_baselines(
    shared_data, name, count, models
):
    result = mmmu.parse(read(shared_data, name))

    # 112 and 174 entries, minus 3 human experts and 2 random baselines
    assert len(result.observations) == count
    assert len({o.raw_model_name for o in result.observations}) == models
    assert not any("Human Expert" in o.raw_model_name for o in result.observations)
    assert result.warnings == ()


def test_parse_mmmu_parses_string_scores_and_skips_dashes(shared_data):
    result = mmmu.parse(read(shared_data, "mmmu-leaderboard-data-2024-12-29.json"))

    names = {o.raw_benchmark_name for o in result.observations}
    assert {"MMMU validation overall", "MMMU test techEng", "MMMU pro vision"} <= names
    assert all(isinstance(o.value, float) for o in result.observations)
    assert "-" not in {o.value_text for o in result.observations}
    assert not any(
        o.raw_benchmark_name.endswith(" source") for o in result.observations
    )


def test_parse_mmmu_reads_the_entry_date_as_reported_date(shared_data):
    result = mmmu.parse(read(shared_data, "mmmu-leaderboard-data-2025-08-05.json"))

    dated = [o for o in result.observations if o.reported_date is not None]
    assert len(dated) == len(result.observations)
    assert min(o.reported_date for o in dated) == date(2023, 11, 27)


def test_parse_mmmu_raises_parse_error_without_leaderboard_data():
    with pytest.raises(ParseError, match="'leaderboardData' list"):
        mmmu.parse(b'{"rows": []}')
