"""What one run changed, for people: a markdown report and the material events.

Plain functions over a run's summary and the warehouse, no Prefect: the flows turn the
report into a Prefect artifact and the material events into Prefect events, and tests
read both without a server.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warehouse.db import open_database
from warehouse.events import select_events
from warehouse.fetches import select_source_health

FAILED = ("fetch_failed", "parse_failed")
MATERIAL = ("notable", "major")
SUBJECTS = ("model_id", "source_id", "category_id", "benchmark_id")


@dataclass(frozen=True, slots=True)
class RunReport:
    """A refresh's outcome: sources, publication, this run's events, source health."""

    at: datetime
    sources: tuple[dict[str, Any], ...]
    publication: dict[str, Any]
    events: tuple[dict[str, Any], ...]
    health: tuple[dict[str, Any], ...]

    @property
    def failed_sources(self) -> list[str]:
        return [s["source_id"] for s in self.sources if s["outcome"] in FAILED]

    @property
    def material_events(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e["materiality"] in MATERIAL]

    def state_message(self) -> str:
        """One line for the run's final state: how many sources failed, and which."""
        failed = self.failed_sources
        line = (
            f"{len(self.sources) - len(failed)} of {len(self.sources)} sources ok, "
            f"{len(failed)} failed"
        )
        if failed:
            line += f" ({', '.join(failed)})"
        return (
            f"{line}; {len(self.events)} events, {len(self.material_events)} material"
        )


def collect_report(db_path: str, summary: dict[str, Any]) -> RunReport:
    """Read this run's events (detected at its instant) and the source health."""
    at = summary["at"]
    con = open_database(db_path, read_only=True, busy_timeout_s=30.0)
    try:
        events = [
            e
            for e in select_events(con, until=at, include_backfill=False)
            if e["detected_at"] == at
        ]
        health = select_source_health(con, at)
    finally:
        con.close()
    return RunReport(
        at,
        tuple(summary["sources"]),
        summary["publication"],
        tuple(events),
        tuple(health),
    )


def refresh_markdown(report: RunReport) -> str:
    """The artifact of a refresh: what changed, then the health of every source."""
    p = report.publication
    state = "new" if p["is_new"] else "unchanged"
    lines = [
        f"# Refresh as of {report.at:%Y-%m-%d %H:%M} UTC",
        "",
        f"**{report.state_message()}**",
        "",
        f"Publication `{p['publication_id']}` ({state}, methodology "
        f"`{p['methodology_id']}`): {p['model_count']} models, "
        f"{p['ranked_count']} ranked.",
        "",
        "## Sources",
        "",
        "| Source | Outcome | Observations | Prices | Unresolved models | Error |",
        "|---|---|---:|---:|---:|---|",
    ]
    for s in report.sources:
        lines.append(
            f"| {s['source_id']} | {s['outcome']} | {s['observation_count']} | "
            f"{s['price_count']} | {s['unresolved_model_count']} | "
            f"{_cell(s['message'])} |"
        )
    lines += ["", "## Events by type", "", *_event_lines(report.events)]
    lines += ["", "## Source health", "", *_health_lines(report.health)]
    return "\n".join(lines) + "\n"


def _event_lines(events: tuple[dict[str, Any], ...]) -> list[str]:
    if not events:
        return ["No change events."]
    counts = Counter((e["event_type"], e["materiality"]) for e in events)
    lines = ["| Event type | Materiality | Count |", "|---|---|---:|"]
    lines += [f"| {t} | {m} | {n} |" for (t, m), n in sorted(counts.items())]
    material = [e for e in events if e["materiality"] in MATERIAL]
    if material:
        lines += ["", "Material changes:", ""]
        lines += [f"- {_cell(e['summary'])}" for e in material[:50]]
        if len(material) > 50:
            lines.append(f"- and {len(material) - 50} more")
    return lines


def _health_lines(health: tuple[dict[str, Any], ...]) -> list[str]:
    lines = ["| Source | Health | Last success | Last error |", "|---|---|---|---|"]
    for h in health:
        success = h["last_success_at"]
        lines.append(
            f"| {h['source_id']} | {h['health']} | "
            f"{f'{success:%Y-%m-%d %H:%M}' if success else 'never'} | "
            f"{_cell(h['last_error'])} |"
        )
    return lines


def backfill_markdown(summary: dict[str, Any]) -> str:
    """The artifact of a backfill: days computed, publications and events added."""
    lines = [
        f"# Backfill {summary['start']} to {summary['end']}",
        "",
        f"{summary['day_count']} days, {summary['computed_day_count']} with changes, "
        f"{summary['publication_count']} new publications, "
        f"{summary['event_count']} new events (marked as backfill).",
    ]
    for r in summary.get("reparsed", []):
        lines.append(
            f"- reparsed {r['source_id']}: {r['snapshot_count']} snapshots, current "
            f"rows {r['current_rows_before']} -> {r['current_rows_after']}"
        )
    return "\n".join(lines) + "\n"


def digest_markdown(report: dict[str, Any]) -> str:
    """The artifact of a weekly digest run: its counts, and any preview files."""
    lines = [f"# Weekly digest {report['week']}", "", "| Count | Value |", "|---|---:|"]
    lines += [
        f"| {key} | {value} |"
        for key, value in report.items()
        if key.endswith("_count")
    ]
    lines += [f"- preview: `{path}`" for path in report.get("preview_paths", ())]
    return "\n".join(lines) + "\n"


def event_resource(
    event: dict[str, Any],
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A change event's subject as a Prefect resource, and its other ids as related."""
    present = [key for key in SUBJECTS if event.get(key)]
    if present:
        key = present[0]
        kind = key.removesuffix("_id")
        resource = {
            "prefect.resource.id": f"leaderboard.{kind}.{event[key]}",
            "prefect.resource.name": str(event[key]),
        }
    else:
        resource = {
            "prefect.resource.id": f"leaderboard.publication.{event['publication_id']}"
        }
    related = [
        {
            "prefect.resource.id": f"leaderboard.{key.removesuffix('_id')}.{event[key]}",
            "prefect.resource.role": key.removesuffix("_id"),
        }
        for key in present[1:]
    ]
    return resource, related


def event_payload(event: dict[str, Any]) -> dict[str, Any]:
    """What an automation may want from an event: no addresses, no bodies."""
    keys = (
        "event_id",
        "event_type",
        "materiality",
        "summary",
        "lane",
        "before_value",
        "after_value",
        "before_text",
        "after_text",
        "cause_kind",
        "cause_id",
        "publication_id",
    )
    return {key: event.get(key) for key in keys}


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")[:160]
