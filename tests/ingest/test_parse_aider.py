"""Tests for the aider leaderboard YAML parser, on the real shared files."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.errors import ParseError
from ingest.parsers import aider


def parse_file(shared_data, name, **kwargs):
    return aider.parse((shared_data / "aider" / name).read_bytes(), **kwargs)


def by_run(result):
    return {o.raw_run_id: o for o in result.observations}


@pytest.mark.parametrize(
    ("name", "count", "benchmark"),
    [
        ("aider-polyglot-leaderboard-2025-01-31.yml", 21, "aider-polyglot"),
        ("aider-polyglot-leaderboard-2025-04-20.yml", 47, "aider-polyglot"),
        ("aider-polyglot-leaderboard-2025-08-25.yml", 67, "aider-polyglot"),
        ("aider-edit-leaderboard-2024-10-22.yml", 71, "aider-edit"),
    ],
)
def test_parse_aider_yields_one_observation_per_run_and_infers_the_benchmark(
    shared_data, name, count, benchmark
):
    result = parse_file(shared_data, name)

    assert len(result.observations) == count
    assert {o.raw_benchmark_name for o in result.observations} == {benchmark}


def test_parse_aider_reads_pass_rate_2_date_and_the_model_id_from_the_command(
    shared_data,
):
    result = parse_file(shared_data, "aider-polyglot-leaderboard-2025-08-25.yml")

    run = by_run(result)["2025-02-25-20-23-07--gemini-pro"]
    assert run.raw_model_name == "Gemini 2.0 Pro exp-02-05"
    assert run.raw_model_id == "gemini/gemini-2.0-pro-exp-02-05"
    assert (run.value, run.value_text, run.unit) == (35.6, "35.6", "percent")
    assert run.reported_date == date(2025, 2, 25)


def test_parse_aider_keeps_runs_apart_when_two_share_a_label(shared_data):
    result = parse_file(shared_data, "aider-polyglot-leaderboard-2025-08-25.yml")

    qwen = [
        o
        for o in result.observations
        if o.raw_model_name == "Qwen2.5-Coder-32B-Instruct"
    ]
    assert sorted(o.value for o in qwen) == [8.0, 16.4]
    assert len({o.raw_run_id for o in qwen}) == 2


def test_parse_aider_gives_architect_editor_pairs_no_model_id_and_warns(shared_data):
    result = parse_file(shared_data, "aider-polyglot-leaderboard-2025-01-31.yml")

    pair = by_run(result)["2025-01-23-19-14-48--r1-architect-sonnet"]
    assert pair.raw_model_name == "DeepSeek R1 + claude-3-5-sonnet-20241022"
    assert pair.raw_model_id is None
    assert any("r1-architect-sonnet" in warning for warning in result.warnings)


def test_parse_aider_shows_the_deepseek_v3_label_renamed_under_the_same_dirname(
    shared_data,
):
    dirname = "2024-12-25-13-31-51--deepseekv3preview-diff2"

    before = by_run(
        parse_file(shared_data, "aider-polyglot-leaderboard-2025-01-31.yml")
    )
    after = by_run(parse_file(shared_data, "aider-polyglot-leaderboard-2025-04-20.yml"))

    assert before[dirname].raw_model_name == "DeepSeek Chat V3"
    assert after[dirname].raw_model_name == "DeepSeek Chat V3 (prev)"
    assert before[dirname].value == after[dirname].value == 48.4


def test_parse_aider_shows_the_two_runs_removed_by_august_2025(shared_data):
    april = by_run(parse_file(shared_data, "aider-polyglot-leaderboard-2025-04-20.yml"))
    august = by_run(
        parse_file(shared_data, "aider-polyglot-leaderboard-2025-08-25.yml")
    )

    assert sorted(april.keys() - august.keys()) == [
        "2025-04-16-21-20-55--o3-high-diff-temp0-exsys",
        "2025-04-17-01-20-35--o3-mini-high-diff-arch",
    ]


def test_parse_aider_uses_the_benchmark_the_caller_names(shared_data):
    result = parse_file(
        shared_data, "aider-edit-leaderboard-2024-10-22.yml", benchmark="aider-edit"
    )

    assert result.observations[0].raw_benchmark_name == "aider-edit"


def test_parse_aider_leaves_shortcut_commands_without_a_model_id(shared_data):
    result = parse_file(shared_data, "aider-edit-leaderboard-2024-10-22.yml")

    opus = by_run(result)["2024-05-01-20-05-59--direct-opus-filenames-outside-fence"]
    assert opus.raw_model_name == "claude-3-opus-20240229"
    assert opus.raw_model_id is None


def test_parse_aider_refuses_a_file_whose_benchmark_it_cannot_tell():
    data = b"- dirname: x\n  model: m\n  test_cases: 40\n  pass_rate_2: 10.0\n"

    with pytest.raises(ParseError, match="pass benchmark="):
        aider.parse(data)


def test_parse_aider_raises_parse_error_on_invalid_yaml():
    with pytest.raises(ParseError, match="invalid YAML"):
        aider.parse(b"- dirname: [unclosed\n")


def test_parse_aider_skips_a_run_without_pass_rate_2_with_a_warning():
    data = b"- dirname: a\n  model: m\n  pass_rate_2: null\n  test_cases: 225\n"

    result = aider.parse(data, benchmark="aider-polyglot")

    assert result.observations == ()
    assert "skipped run 'a'" in result.warnings[0]
