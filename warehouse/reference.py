"""Reference data: methodology versions, benchmarks, models, aliases and sources.

Methodology versions are immutable once stored: loading the same version with a
different definition is refused, since it would silently rewrite past publications.
Models and sources are upserted from the catalogue and the source registry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from ingest.catalogue import CatalogueModel
from ingest.names import name_key
from scoring.methodology import Methodology
from warehouse.db import fetch_row, registered, select_rows
from warehouse.errors import WarehouseError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A source as the warehouse stores it."""

    source_id: str
    name: str
    url: str | None
    format: str
    kind: str
    trust: str
    cadence_days: int
    max_age_days: int


def upsert_methodology(
    con: duckdb.DuckDBPyConnection, methodology: Methodology
) -> bool:
    """Store a methodology version; return False when it was already stored as is."""
    stored = fetch_row(
        con,
        "SELECT definition_sha256 FROM methodologies WHERE methodology_id = ?",
        [methodology.methodology_id],
    )
    if stored and stored[0] == methodology.definition_sha256:
        return False
    if stored:
        raise WarehouseError(
            f"methodology {methodology.methodology_id!r} is already stored with another "
            "definition; past publications depend on it, so add a new version file "
            "with a later effective_from instead of editing this one"
        )
    _insert_methodology_rows(con, methodology)
    upsert_benchmarks(con, methodology)
    logger.info(
        "stored methodology methodology_id=%s benchmarks=%d",
        methodology.methodology_id,
        len(methodology.benchmarks),
    )
    return True


def _insert_methodology_rows(con: duckdb.DuckDBPyConnection, m: Methodology) -> None:
    con.execute(
        "INSERT INTO methodologies VALUES (?, ?, ?, ?, ?, ?, ?, now())",
        [
            m.methodology_id,
            m.effective_from,
            m.description,
            m.category_min_coverage_fraction,
            m.overall_min_benchmark_count,
            m.overall_min_category_count,
            m.definition_sha256,
        ],
    )
    categories = pa.Table.from_pylist(
        [
            {
                "methodology_id": m.methodology_id,
                "category_id": c.category_id,
                "name": c.name,
                "weight_pct": c.weight_pct,
            }
            for c in m.categories
        ]
    )
    with registered(con, "categories", categories):
        con.execute("INSERT INTO methodology_categories SELECT * FROM categories")
    rules = pa.Table.from_pylist([_rule_row(m.methodology_id, r) for r in m.benchmarks])
    with registered(con, "rules", rules):
        con.execute("INSERT INTO methodology_benchmarks BY NAME SELECT * FROM rules")
    tiers = pa.Table.from_pylist(
        [
            {
                "methodology_id": m.methodology_id,
                "tier": t.tier,
                "min_category_count": t.min_category_count,
                "min_benchmark_count": t.min_benchmark_count,
            }
            for t in m.confidence_tiers
        ],
        schema=pa.schema(
            [
                ("methodology_id", pa.string()),
                ("tier", pa.string()),
                ("min_category_count", pa.int64()),
                ("min_benchmark_count", pa.int64()),
            ]
        ),
    )
    with registered(con, "tiers", tiers):
        con.execute("INSERT INTO confidence_tiers SELECT * FROM tiers")


def _rule_row(methodology_id: str, rule) -> dict[str, object]:
    return {
        "methodology_id": methodology_id,
        "benchmark_id": rule.benchmark_id,
        "category_id": rule.category_id,
        "weight_pct": rule.weight_pct,
        "is_weighted": rule.is_weighted,
        "staleness": rule.staleness,
        "cadence_days": rule.cadence_days,
        "max_age_days": rule.max_age_days,
        "version": rule.version,
        "normalise_low": rule.normalise_low,
        "normalise_high": rule.normalise_high,
        "note": rule.note,
        "direction": rule.direction,
    }


def upsert_benchmarks(con: duckdb.DuckDBPyConnection, methodology: Methodology) -> None:
    """Upsert benchmark definitions and their aliases (name, id and declared aliases)."""
    rows = pa.Table.from_pylist(
        [
            {
                "benchmark_id": r.benchmark_id,
                "name": r.name,
                "unit": r.unit,
                "direction": r.direction,
                "scale_min": r.scale_min,
                "scale_max": r.scale_max,
            }
            for r in methodology.benchmarks
        ]
    )
    with registered(con, "rows", rows):
        con.execute("INSERT OR REPLACE INTO benchmarks SELECT * FROM rows")
    aliases = _alias_rows(
        (r.benchmark_id, (r.benchmark_id, r.name, *r.aliases))
        for r in methodology.benchmarks
    )
    alias_rows = pa.Table.from_pylist(
        [{"alias_key": k, "alias": a, "benchmark_id": i} for k, a, i in aliases]
    )
    with registered(con, "alias_rows", alias_rows):
        con.execute("INSERT OR REPLACE INTO benchmark_aliases SELECT * FROM alias_rows")


def _alias_rows(
    entries: Iterable[tuple[str, Iterable[str]]],
) -> list[tuple[str, str, str]]:
    rows: dict[str, tuple[str, str, str]] = {}
    for owner_id, names in entries:
        for alias in names:
            rows.setdefault(name_key(alias), (name_key(alias), alias, owner_id))
    return list(rows.values())


def upsert_models(
    con: duckdb.DuckDBPyConnection, models: Iterable[CatalogueModel], at: datetime
) -> int:
    """Upsert catalogue models and their manual aliases; return how many models."""
    models = list(models)
    rows = pa.Table.from_pylist(
        [
            {
                "model_id": m.model_id,
                "name": m.name,
                "organisation": m.organisation,
                "is_reasoning": m.is_reasoning,
                "is_open_weights": m.is_open_weights,
                "context_window_tokens": m.context_window_tokens,
                "release_date": m.release_date,
                "citation_url": m.citation_url,
                "created_at": at,
            }
            for m in models
        ],
        schema=_MODEL_SCHEMA,
    )
    with registered(con, "rows", rows):
        con.execute(
            "INSERT INTO models SELECT * FROM rows ON CONFLICT (model_id) DO UPDATE SET "
            "name = excluded.name, organisation = excluded.organisation, "
            "is_reasoning = excluded.is_reasoning, is_open_weights = excluded.is_open_weights, "
            "context_window_tokens = excluded.context_window_tokens, "
            "release_date = excluded.release_date, citation_url = excluded.citation_url"
        )
    aliases = _alias_rows(
        (m.model_id, (m.model_id, m.name, *m.aliases)) for m in models
    )
    alias_rows = pa.Table.from_pylist(
        [
            {
                "alias_key": k,
                "alias": a,
                "model_id": i,
                "alias_kind": "manual",
                "created_at": at,
            }
            for k, a, i in aliases
        ]
    )
    with registered(con, "alias_rows", alias_rows):
        con.execute(
            "INSERT INTO model_aliases SELECT * FROM alias_rows ON CONFLICT (alias_key) DO UPDATE "
            "SET alias = excluded.alias, model_id = excluded.model_id"
        )
    return len(models)


_MODEL_SCHEMA = pa.schema(
    [
        ("model_id", pa.string()),
        ("name", pa.string()),
        ("organisation", pa.string()),
        ("is_reasoning", pa.bool_()),
        ("is_open_weights", pa.bool_()),
        ("context_window_tokens", pa.int64()),
        ("release_date", pa.date32()),
        ("citation_url", pa.string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
    ]
)


def upsert_sources(
    con: duckdb.DuckDBPyConnection, sources: Iterable[SourceRow]
) -> None:
    """Insert or update source definitions from the registry."""
    for s in sources:
        con.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                s.source_id,
                s.name,
                s.url,
                s.format,
                s.kind,
                s.trust,
                s.cadence_days,
                s.max_age_days,
            ],
        )


def select_model_aliases(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Alias key to model id, for name resolution."""
    return dict(con.execute("SELECT alias_key, model_id FROM model_aliases").fetchall())


def select_benchmark_aliases(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Alias key to benchmark id, for name resolution."""
    return dict(
        con.execute("SELECT alias_key, benchmark_id FROM benchmark_aliases").fetchall()
    )


def select_methodology_in_force(
    con: duckdb.DuckDBPyConnection, as_of: datetime
) -> Mapping[str, object] | None:
    """The methodology version whose effective_from is the latest not after `as_of`."""
    rows = select_rows(
        con,
        "SELECT * FROM methodologies WHERE effective_from <= ? "
        "ORDER BY effective_from DESC LIMIT 1",
        [as_of],
    )
    return rows[0] if rows else None
