"""Precision and recall of automatic model-name merging on hand-labelled real pairs.

`data/name_pairs.csv` holds pairs of raw names that the parsers read from the files in
shared/data, each labelled by hand: `same` when both name one model (a `:free` or
`:batch` offer, an evaluation mode like "(FC)", or a provider route is still the same
model), `different` for size, effort, thinking, snapshot, version and fine-tune
variants. Pairs a person could not settle were left out. Precision comes first.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.names import same_model

PAIRS_FILE = Path(__file__).parent / "data" / "name_pairs.csv"
MIN_PRECISION = 0.99
MIN_RECALL = 0.90


@dataclass(frozen=True, slots=True)
class NamePair:
    """One labelled pair of raw model names from two sources."""

    source_a: str
    name_a: str
    source_b: str
    name_b: str
    label: str
    note: str


@pytest.fixture(scope="module")
def pairs() -> list[NamePair]:
    with PAIRS_FILE.open(encoding="utf-8", newline="") as handle:
        return [NamePair(**row) for row in csv.DictReader(handle)]


def test_labelled_name_pairs_are_many_valid_and_distinct(pairs):
    labels = Counter(pair.label for pair in pairs)
    keys = Counter(frozenset({pair.name_a, pair.name_b}) for pair in pairs)

    assert len(pairs) >= 300
    assert set(labels) == {"same", "different"}
    assert min(labels.values()) >= 100
    assert [key for key, count in keys.items() if count > 1] == []
    assert all(pair.name_a != pair.name_b for pair in pairs)


def test_automatic_merging_keeps_precision_and_recall_on_labelled_pairs(pairs):
    false_merges, missed = [], []
    true_merges = 0
    for pair in pairs:
        merged = same_model(pair.name_a, pair.name_b)
        if merged and pair.label == "same":
            true_merges += 1
        elif merged:
            false_merges.append((pair.name_a, pair.name_b))
        elif pair.label == "same":
            missed.append((pair.name_a, pair.name_b))

    precision = true_merges / max(true_merges + len(false_merges), 1)
    recall = true_merges / (true_merges + len(missed))
    report = (
        f"precision={precision:.3f} recall={recall:.3f} pairs={len(pairs)} "
        f"false_merges={false_merges} missed={missed}"
    )
    print(report)
    assert precision >= MIN_PRECISION, report
    assert recall >= MIN_RECALL, report
