"""Parser for EvalPlus's `results.json`: pass@1 on HumanEval(+) and MBPP(+).

An object keyed by display name ("GPT-3.5-Turbo (Nov 2023)", "Zephyr β-7B"). Two
layouts: `pass@1` with `humaneval`, `humaneval+`, `mbpp`, `mbpp+` (from mid 2024) and
the older `pass@1_base` / `pass@1_plus`, each with `humaneval` and `mbpp`. Both map to
"HumanEval", "HumanEval+", "MBPP", "MBPP+"; null values are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ingest.errors import ParseError
from ingest.parsers.scores_common import finish, load_json, number_text
from ingest.records import Observation, ParseResult

FORMAT = "evalplus"

# (block, key) -> benchmark, for both layouts.
BENCHMARKS = {
    ("pass@1", "humaneval"): "HumanEval",
    ("pass@1", "humaneval+"): "HumanEval+",
    ("pass@1", "mbpp"): "MBPP",
    ("pass@1", "mbpp+"): "MBPP+",
    ("pass@1_base", "humaneval"): "HumanEval",
    ("pass@1_plus", "humaneval"): "HumanEval+",
    ("pass@1_base", "mbpp"): "MBPP",
    ("pass@1_plus", "mbpp"): "MBPP+",
}


def parse(data: bytes) -> ParseResult:
    """One observation per model and non-null pass@1 value."""
    entries = load_json(data, FORMAT)
    if not isinstance(entries, dict):
        raise ParseError(
            f"could not parse {FORMAT!r} snapshot: expected an object keyed by model "
            f"name, saw {type(entries).__name__}; check the source is results.json"
        )

    observations: list[Observation] = []
    warnings: list[str] = []
    for name, entry in entries.items():
        for benchmark, value in _values(entry):
            if isinstance(value, bool) or not isinstance(value, int | float):
                warnings.append(f"skipped {name!r} {benchmark!r}: {value!r}")
                continue
            observations.append(
                Observation(
                    name, benchmark, float(value), number_text(value), "percent"
                )
            )
    return finish(FORMAT, observations, warnings)


def _values(entry: Any) -> Iterator[tuple[str, Any]]:
    if not isinstance(entry, dict):
        return
    for (block, key), benchmark in BENCHMARKS.items():
        scores = entry.get(block)
        if isinstance(scores, dict) and scores.get(key) is not None:
            yield benchmark, scores[key]
