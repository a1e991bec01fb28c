"""Export warehouse tables as CSV, JSON (lines) or Parquet.

History tables can be exported as of an instant (the rows valid then); score tables
export one publication, the latest at or before the instant.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

logger = logging.getLogger(__name__)

FORMATS = ("csv", "json", "parquet")
_HISTORY = ("observations", "prices")
_SCORES = {"scores": "overall_scores", "category-scores": "category_scores"}
TABLES = (
    "models",
    "benchmarks",
    "observations",
    "prices",
    "publications",
    "scores",
    "category-scores",
    "sources",
    "snapshots",
    "unresolved-names",
)


def export_query(table: str, as_of: datetime | None) -> tuple[str, dict[str, Any]]:
    """The SELECT behind an export, with its parameters."""
    if table in _HISTORY:
        sql = f"SELECT * FROM {table}"
        if as_of is not None:
            sql += " WHERE valid_from <= $as_of AND (valid_to IS NULL OR valid_to > $as_of)"
            return sql + " ORDER BY ALL", {"as_of": as_of}
        return sql + " ORDER BY ALL", {}
    if table in _SCORES:
        return (
            f"SELECT * FROM {_SCORES[table]} WHERE publication_id = ("
            "SELECT publication_id FROM publications "
            "WHERE $as_of IS NULL OR as_of <= $as_of "
            "ORDER BY as_of DESC, computed_at DESC LIMIT 1) ORDER BY ALL",
            {"as_of": as_of},
        )
    if table in TABLES:
        return f"SELECT * FROM {table.replace('-', '_')} ORDER BY ALL", {}
    raise ValueError(f"unknown table {table!r}; use one of {', '.join(TABLES)}")


def export_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    fmt: str,
    output: Path,
    as_of: datetime | None = None,
) -> int:
    """Write one table to `output`; return the row count."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    sql, params = export_query(table, as_of)
    relation = con.sql(sql, params=params)
    count = con.sql(f"SELECT count(*) FROM ({sql})", params=params).fetchall()[0][0]
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        relation.write_csv(str(output))
    elif fmt == "parquet":
        relation.write_parquet(str(output), compression="zstd")
    else:
        _write_json_lines(relation.to_arrow_table().to_pylist(), output)
    logger.info("exported table=%s format=%s rows=%d", table, fmt, count)
    return count


def _write_json_lines(rows: list[dict[str, Any]], output: Path) -> None:
    temporary = output.with_name(output.name + ".partial")
    with temporary.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
    temporary.replace(output)
