"""Parser for the MMMU site's `leaderboard_data.json`.

`{"leaderboardData": [{"info": {name, date, type, ...}, "validation": {...}, "test":
{...}, "pro": {...}}]}` with scores as strings ("88.6") and "-" for missing. Each score
becomes "MMMU <split> <field>" ("MMMU validation overall", "MMMU pro vision"). Human
expert and random baselines are not models and are skipped; a split's `source` field
("author") is provenance, not a score. Invalid JSON raises `ParseError` with line and
column (the 2024-11-20 upstream file has a trailing comma).
"""

from __future__ import annotations

import logging
from typing import Any

from ingest.errors import ParseError
from ingest.parsers.scores_common import (
    finish,
    load_json,
    number_text,
    parse_date,
    parse_number,
)
from ingest.records import Observation, ParseResult

logger = logging.getLogger(__name__)

FORMAT = "mmmu"

SPLITS = ("validation", "test", "pro")
BASELINE_TYPES = frozenset({"human_expert", "random_frequent"})
NON_SCORE_FIELDS = frozenset({"source"})


def parse(data: bytes) -> ParseResult:
    """One observation per model, split and score field."""
    entries = _load_entries(data)

    observations: list[Observation] = []
    warnings: list[str] = []
    for index, entry in enumerate(entries):
        info = entry.get("info") if isinstance(entry, dict) else None
        if not isinstance(info, dict) or not info.get("name"):
            warnings.append(f"skipped leaderboardData[{index}]: no info.name")
            continue
        if info.get("type") in BASELINE_TYPES:
            logger.debug("skipped baseline name=%s", info["name"])
            continue
        observations.extend(_observe(entry, info, warnings))
    return finish(FORMAT, observations, warnings)


def _load_entries(data: bytes) -> list[Any]:
    document = load_json(data, FORMAT)
    entries = document.get("leaderboardData") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ParseError(
            f"could not parse {FORMAT!r} snapshot: expected an object with a "
            f"'leaderboardData' list, saw {type(document).__name__}; check the source "
            "is leaderboard_data.json"
        )
    return entries


def _observe(
    entry: dict[str, Any], info: dict[str, Any], warnings: list[str]
) -> list[Observation]:
    name, reported = str(info["name"]), parse_date(info.get("date"))
    observations = []
    for split in SPLITS:
        scores = entry.get(split) or {}
        for field, raw in scores.items() if isinstance(scores, dict) else ():
            if field in NON_SCORE_FIELDS:
                continue
            text = number_text(raw).strip()
            try:
                value = parse_number(text)
            except ValueError:
                warnings.append(f"skipped {name!r} {split}.{field}: {raw!r}")
                continue
            if value is not None:
                benchmark = f"MMMU {split} {field}"
                observations.append(
                    Observation(name, benchmark, value, text, "percent", reported)
                )
    return observations
