"""Tests for the SWE-bench, MMMU and MathVista static pages, on shared files."""

from __future__ import annotations

from collections import Counter
from datetime import date

from ingest.parsers import mathvista_html, mmmu_html, swebench, swebench_html


def read(shared_data, name):
    return (shared_data / "html" / name).read_bytes()


def test_swebench_html_reads_three_splits_of_the_october_2024_page(shared_data):
    result = swebench_html.parse(read(shared_data, "swebench-index-2024-10-22.html"))

    assert Counter(o.raw_benchmark_name for o in result.observations) == {
        "SWE-bench Full": 16,
        "SWE-bench Verified": 30,
        "SWE-bench Lite": 40,
    }
    first = result.observations[0]
    assert (first.raw_model_name, first.value, first.reported_date) == (
        "Honeycomb",
        22.06,
        date(2024, 8, 20),
    )


def test_swebench_html_reads_the_multimodal_split_added_in_2025(shared_data):
    result = swebench_html.parse(read(shared_data, "swebench-index-2025-03-17.html"))

    assert Counter(o.raw_benchmark_name for o in result.observations) == {
        "SWE-bench Full": 18,
        "SWE-bench Verified": 60,
        "SWE-bench Lite": 59,
        "SWE-bench Multimodal": 10,
    }


def test_swebench_html_names_match_the_json_once_emoji_are_stripped(shared_data):
    page = swebench_html.parse(read(shared_data, "swebench-index-2025-03-17.html"))
    json_file = shared_data / "swebench" / "swebench-leaderboards-2025-05-23.json"
    board = swebench.parse(json_file.read_bytes())

    verified = {
        o.raw_model_name
        for o in board.observations
        if o.raw_benchmark_name == "SWE-bench Verified"
    }
    names = [
        o.raw_model_name
        for o in page.observations
        if o.raw_benchmark_name == "SWE-bench Verified"
    ]
    assert len(names) == 60
    assert set(names) <= verified
    assert "OpenHands + CodeAct v2.1 (claude-3-5-sonnet-20241022)" in {
        o.raw_model_name for o in page.observations
    }


def test_mmmu_html_reads_both_tables_without_baselines(shared_data):
    result = mmmu_html.parse(read(shared_data, "mmmu-index-2024-06-05.html"))

    counts = Counter(o.raw_benchmark_name for o in result.observations)
    # 56 and 36 data rows, minus 5 and 2 baselines; "-" cells are skipped
    assert counts["MMMU validation Overall"] == 51
    assert counts["MMMU test Overall"] == 34
    assert counts["MMMU validation Art & Design"] == 46
    names = {o.raw_model_name for o in result.observations}
    assert not any(n.startswith(("Human Expert", "Random", "Frequent")) for n in names)


def test_mmmu_html_keeps_footnote_stars_and_reads_td_headers(shared_data):
    result = mmmu_html.parse(read(shared_data, "mmmu-index-2024-06-05.html"))

    first = result.observations[0]
    assert (first.raw_model_name, first.raw_benchmark_name, first.value) == (
        "GPT-4o*",
        "MMMU validation Overall",
        69.1,
    )
    assert first.reported_date == date(2024, 5, 27)


def test_mathvista_html_strips_medals_and_skips_baselines(shared_data):
    result = mathvista_html.parse(read(shared_data, "mathvista-index-2023-12-23.html"))

    # 23 data rows minus the human and random-chance baselines, 13 columns each
    assert len(result.observations) == 21 * 13
    overall = {
        o.raw_model_name: o.value
        for o in result.observations
        if o.raw_benchmark_name == "MathVista ALL"
    }
    assert overall["Gemini Ultra"] == 53.0
    assert "GPT-4V (Playground)" in overall
    assert "Human Performance*" not in overall
