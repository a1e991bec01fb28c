"""Parser for aider's leaderboard YAML: polyglot and the older code-editing benchmark.

A YAML list of runs keyed by `dirname` (kept as `raw_run_id`); `model` is a free-text
label and the `--model` in `command` is the API id. Architect/editor runs score a pair
of models, so they get no `raw_model_id`. YAML turns `pass_rate_2` into a number, so
`value_text` is that number's text ("35.6"), which may drop trailing zeros the file had.
"""

from __future__ import annotations

import shlex
from typing import Any

import yaml

from ingest.errors import ParseError
from ingest.parsers.scores_common import finish, number_text, parse_date
from ingest.records import Observation, ParseResult

FORMAT = "aider"

BENCHMARK_BY_SIZE = {225: "aider-polyglot", 133: "aider-edit"}

# libyaml's safe loader, when PyYAML was built with it, parses ~10x faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(data: bytes, benchmark: str | None = None) -> ParseResult:
    """One observation of `pass_rate_2` per run.

    Args:
        data: the YAML snapshot.
        benchmark: "aider-polyglot" or "aider-edit"; inferred from the exercise count
            (225 or 133) when None.
    """
    runs = _load_runs(data)
    name = benchmark or _infer_benchmark(runs)
    if name not in BENCHMARK_BY_SIZE.values():
        raise ValueError(f"benchmark {name!r} is not one of {BENCHMARK_BY_SIZE}")

    observations: list[Observation] = []
    warnings: list[str] = []
    for run in runs:
        observation = _observe(run, name, warnings)
        if observation is not None:
            observations.append(observation)
    return finish(FORMAT, observations, warnings)


def _load_runs(data: bytes) -> list[dict[str, Any]]:
    try:
        runs = yaml.load(data, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise ParseError(
            f"could not parse {FORMAT!r} snapshot: invalid YAML ({error}); "
            "keep the previous good snapshot"
        ) from error
    if not isinstance(runs, list) or not all(isinstance(run, dict) for run in runs):
        raise ParseError(
            f"could not parse {FORMAT!r} snapshot: expected a YAML list of runs, saw "
            f"{type(runs).__name__}; check the source URL points at a leaderboard file"
        )
    return runs


def _infer_benchmark(runs: list[dict[str, Any]]) -> str:
    sizes = [run.get("total_tests") or run.get("test_cases") for run in runs]
    size = max((s for s in sizes if isinstance(s, int)), default=None)
    if size not in BENCHMARK_BY_SIZE:
        raise ParseError(
            f"could not tell which aider benchmark this snapshot holds: largest "
            f"exercise count is {size!r}, expected one of {sorted(BENCHMARK_BY_SIZE)}; "
            "pass benchmark= explicitly"
        )
    return BENCHMARK_BY_SIZE[size]


def _observe(
    run: dict[str, Any], benchmark: str, warnings: list[str]
) -> Observation | None:
    dirname, label, value = run.get("dirname"), run.get("model"), run.get("pass_rate_2")
    if label is None or isinstance(value, bool) or not isinstance(value, int | float):
        warnings.append(
            f"skipped run {dirname!r}: model {label!r}, pass_rate_2 {value!r}"
        )
        return None

    model_id = _model_id(str(run.get("command", "")))
    if _is_pair(run, model_id):
        warnings.append(
            f"run {dirname!r} ({label!r}) scores an architect/editor pair; "
            "kept without raw_model_id"
        )
        model_id = None
    return Observation(
        raw_model_name=str(label),
        raw_benchmark_name=benchmark,
        value=float(value),
        value_text=number_text(value),
        unit="percent",
        reported_date=parse_date(run.get("date")),
        raw_model_id=model_id,
        raw_run_id=None if dirname is None else str(dirname),
    )


def _model_id(command: str) -> str | None:
    """The `--model X` (or `--model=X`) argument of an aider command line.

    >>> _model_id("aider --model openai/Qwen/Qwen2.5-Coder-32B # via hyperbolic")
    'openai/Qwen/Qwen2.5-Coder-32B'
    >>> _model_id("aider --opus") is None
    True
    """
    try:
        tokens = shlex.split(command, comments=True)
    except ValueError:
        return None
    for index, token in enumerate(tokens):
        if token.startswith("--model="):
            return token.removeprefix("--model=") or None
        if token == "--model" and index + 1 < len(tokens):
            return tokens[index + 1]
    return None


def _is_pair(run: dict[str, Any], model_id: str | None) -> bool:
    command = str(run.get("command", ""))
    editor = run.get("editor_model")
    return "--architect" in command or (editor is not None and editor != model_id)
