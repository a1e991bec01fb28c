"""Parser for SWE-bench's `leaderboards.json`: several boards of agent systems.

One observation of `resolved` per (board, entry). `name` is usually system plus model;
the `Model:` tags give the model id. An entry tagged with several models (or none) is
kept without `raw_model_id`, with a warning for the several-models case, since its
value cannot be credited to one model. `folder` is kept as `raw_run_id`.
"""

from __future__ import annotations

from typing import Any

from ingest.errors import ParseError
from ingest.parsers.scores_common import finish, load_json, number_text, parse_date
from ingest.records import Observation, ParseResult

FORMAT = "swebench"

BENCHMARK_BY_BOARD = {
    "Verified": "SWE-bench Verified",
    "Lite": "SWE-bench Lite",
    "Test": "SWE-bench Full",
    "Multimodal": "SWE-bench Multimodal",
    "bash-only": "SWE-bench bash-only",
}


def parse(data: bytes) -> ParseResult:
    """One observation per entry of every board, `resolved` in percent."""
    boards = _load_boards(data)

    observations: list[Observation] = []
    warnings: list[str] = []
    for board in boards:
        benchmark = _benchmark(board, warnings)
        for entry in board.get("results") or []:
            observation = _observe(entry, benchmark, warnings)
            if observation is not None:
                observations.append(observation)
    return finish(FORMAT, observations, warnings)


def _load_boards(data: bytes) -> list[dict[str, Any]]:
    document = load_json(data, FORMAT)
    boards = document.get("leaderboards") if isinstance(document, dict) else None
    if not isinstance(boards, list) or not all(isinstance(b, dict) for b in boards):
        raise ParseError(
            f"could not parse {FORMAT!r} snapshot: expected an object with a "
            f"'leaderboards' list, saw {type(document).__name__}; check the source URL "
            "points at data/leaderboards.json"
        )
    return boards


def _benchmark(board: dict[str, Any], warnings: list[str]) -> str:
    name = str(board.get("name"))
    if name not in BENCHMARK_BY_BOARD:
        warnings.append(f"unknown board {name!r}; named 'SWE-bench {name}'")
    return BENCHMARK_BY_BOARD.get(name, f"SWE-bench {name}")


def _observe(
    entry: dict[str, Any], benchmark: str, warnings: list[str]
) -> Observation | None:
    name, folder, value = entry.get("name"), entry.get("folder"), entry.get("resolved")
    if not name or isinstance(value, bool) or not isinstance(value, int | float):
        warnings.append(
            f"skipped {benchmark} entry {folder!r}: name {name!r}, resolved {value!r}"
        )
        return None

    models = model_tags(entry)
    if len(models) > 1:
        warnings.append(
            f"{benchmark} entry {folder!r} ({name!r}) lists {len(models)} models; "
            "kept without raw_model_id"
        )
    return Observation(
        raw_model_name=str(name),
        raw_benchmark_name=benchmark,
        value=float(value),
        value_text=number_text(value),
        unit="percent",
        reported_date=parse_date(entry.get("date")),
        raw_model_id=models[0] if len(models) == 1 else None,
        raw_run_id=None if folder is None else str(folder),
    )


def model_tags(entry: dict[str, Any]) -> list[str]:
    """The model ids in an entry's `Model: <id>` tags, in order.

    >>> model_tags({"tags": ["Model: o3", "Org: NVIDIA", "Model: gpt-4.1"]})
    ['o3', 'gpt-4.1']
    """
    tags = entry.get("tags") or []
    prefix = "Model:"
    return [
        tag.removeprefix(prefix).strip()
        for tag in tags
        if isinstance(tag, str) and tag.startswith(prefix)
    ]
