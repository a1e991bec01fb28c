"""Render command results for people (rich tables) and scripts (JSON).

No rules here: numbers are formatted by `scoring.formatting`, sentences come from
`scoring.wording`.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from scoring.compare import Comparison
from scoring.explain import Explanation
from scoring.formatting import format_score, format_value
from scoring.wording import comparison_lines


def print_json(console: Console, payload: Any) -> None:
    """One JSON document on stdout, dates and instants as ISO strings."""
    console.print_json(json.dumps(payload, default=str, ensure_ascii=False))


def leaderboard_table(rows: list[dict[str, Any]], title: str, top: int | None) -> Table:
    table = Table(title=title, title_justify="left")
    for name, justify in (
        ("Rank", "right"),
        ("Model", "left"),
        ("Score", "right"),
        ("Coverage", "right"),
        ("Confidence", "left"),
    ):
        table.add_column(name, justify=justify, no_wrap=name != "Model")
    ranked = [row for row in rows if row.get("rank") is not None]
    for row in ranked[:top] if top else ranked:
        table.add_row(
            str(row["rank"]),
            row["name"],
            format_score(row["score"]),
            _coverage(row),
            row.get("confidence", ""),
        )
    return table


def _coverage(row: dict[str, Any]) -> str:
    if "weighted_benchmark_count" in row:
        return f"{row['weighted_value_count']} of {row['weighted_benchmark_count']}"
    return f"{row['value_count']} in {row['category_count']} cat."


def leaderboard_json(
    rows: list[dict[str, Any]],
    publication: dict[str, Any],
    lane: str,
    category: str | None,
    top: int | None,
) -> dict[str, Any]:
    ranked = [row for row in rows if row.get("rank") is not None]
    unranked = [row["name"] for row in rows if row.get("rank") is None]
    keep = (
        "rank",
        "name",
        "model_id",
        "score",
        "confidence",
        "value_count",
        "category_count",
        "weighted_value_count",
        "weighted_benchmark_count",
    )
    return {
        "publication_id": publication["publication_id"],
        "as_of": publication["as_of"],
        "methodology_id": publication["methodology_id"],
        "lane": lane,
        "category": category,
        "rows": [
            {
                key: (
                    round(row[key], 2)
                    if key == "score" and row[key] is not None
                    else row[key]
                )
                for key in keep
                if key in row
            }
            for row in (ranked[:top] if top else ranked)
        ],
        "unranked": unranked,
    }


def print_comparison(console: Console, comparison: Comparison) -> None:
    lines = comparison_lines(comparison)
    console.print(lines[0], style="bold", highlight=False)
    for line in lines[1:]:
        console.print(line, highlight=False)
    table = Table(title="Categories", title_justify="left")
    a, b = comparison.a, comparison.b
    for name in ("Category", a.name, b.name, "Winner", "Shared benchmarks"):
        table.add_column(name)
    names = {a.model_id: a.name, b.model_id: b.name}
    for duel in comparison.duels:
        basis = str(duel.shared_benchmark_count)
        if duel.winner and duel.shared_benchmark_count == 0:
            basis += " (win with no shared benchmark)"
        table.add_row(
            duel.category_name,
            f"{format_score(duel.score_a)} ({duel.coverage_a[0]} of {duel.coverage_a[1]})",
            f"{format_score(duel.score_b)} ({duel.coverage_b[0]} of {duel.coverage_b[1]})",
            names.get(duel.winner, "—") if duel.winner else "—",
            basis,
        )
    console.print(table)


def print_explanation(
    console: Console, explanation: Explanation, category_id: str | None
) -> None:
    e = explanation
    console.print(
        f"{e.name}: overall {format_score(e.overall_score)} ({e.lane} lane), "
        f"{e.ranking_note}; confidence {e.confidence} "
        f"({e.value_count} values across {e.category_count} categories)",
        highlight=False,
    )
    for category in e.categories:
        if category.values and category_id in (None, category.category_id):
            _print_category(console, category)
    if not category_id:
        console.print(
            f"Contributions add up to {format_score(e.contribution_total)} "
            f"(overall {format_score(e.overall_score)}).",
            highlight=False,
        )
    if e.unresolved:
        console.print("Left out, benchmark not mapped by its source:", highlight=False)
        for line in e.unresolved:
            console.print(f"  {line}", highlight=False)


def _print_category(console: Console, category) -> None:
    console.print(_category_heading(category), style="bold", highlight=False)
    table = Table(show_header=True)
    for name in (
        "Benchmark",
        "Value",
        "Score",
        "Weight",
        "Share",
        "Status",
        "Source",
    ):
        table.add_column(name)
    for v in category.values:
        table.add_row(
            v.benchmark_name,
            format_value(v.value, v.unit),
            format_score(v.normalised),
            f"{v.weight_pct:g}%",
            "—" if v.share_pct is None else f"{v.share_pct:.1f}%",
            v.status,
            f"{v.source_id} {v.snapshot_sha256[:12]}",
        )
    console.print(table)
    for v in category.values:
        if v.others:
            console.print(
                f"  {v.benchmark_name}, other sources: " + "; ".join(v.others),
                highlight=False,
            )


def _category_heading(c) -> str:
    text = (
        f"{c.name}: {format_score(c.score)} "
        f"({c.weighted_value_count} of {c.weighted_benchmark_count} weighted benchmarks)"
    )
    if c.contribution is not None:
        text += (
            f"; category weight {c.weight_pct:g}%, {c.overall_share_pct:.1f}% of "
            f"overall, contributes {c.contribution:.2f}"
        )
    elif c.reason:
        text += f"; not in overall: {c.reason}"
    return text


def explanation_json(e: Explanation) -> dict[str, Any]:
    return {
        "model": e.name,
        "model_id": e.model_id,
        "lane": e.lane,
        "overall": e.overall_score,
        "rank": e.overall_rank,
        "is_ranked": e.is_ranked,
        "ranking_note": e.ranking_note,
        "confidence": e.confidence,
        "value_count": e.value_count,
        "category_count": e.category_count,
        "contribution_total": e.contribution_total,
        "categories": [
            {
                "category_id": c.category_id,
                "name": c.name,
                "score": c.score,
                "weight_pct": c.weight_pct,
                "overall_share_pct": c.overall_share_pct,
                "contribution": c.contribution,
                "is_eligible": c.is_eligible,
                "weighted_value_count": c.weighted_value_count,
                "weighted_benchmark_count": c.weighted_benchmark_count,
                "reason": c.reason,
                "values": [
                    {
                        "benchmark": v.benchmark_name,
                        "value": v.value,
                        "unit": v.unit,
                        "normalised": v.normalised,
                        "weight_pct": v.weight_pct,
                        "share_pct": v.share_pct,
                        "status": v.status,
                        "source_id": v.source_id,
                        "snapshot_sha256": v.snapshot_sha256,
                        "citation_url": v.citation_url,
                        "others": list(v.others),
                    }
                    for v in c.values
                ],
            }
            for c in e.categories
        ],
        "unresolved": list(e.unresolved),
    }


def sources_line(results: list[dict[str, Any]]) -> str:
    """All sources of a refresh summed up in one line, failures named."""
    counts: dict[str, int] = {}
    for result in results:
        counts[result["outcome"]] = counts.get(result["outcome"], 0) + 1
    parts = [
        f"{count} {outcome.replace('_', ' ')}"
        for outcome, count in sorted(counts.items())
    ]
    failed = [r for r in results if r["outcome"] in ("fetch_failed", "parse_failed")]
    line = f"sources: {', '.join(parts)}"
    if failed:
        reason = (failed[0]["message"] or "").split(":")[0]
        line += f" ({', '.join(r['source_id'] for r in failed[:6])}"
        line += f"{', ...' if len(failed) > 6 else ''}; first error {reason})"
    return line
