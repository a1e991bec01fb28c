"""The `events` and `backfill` commands: change events as detected, and daily
publications recomputed from stored history.
"""

from __future__ import annotations

from datetime import date

import click
from rich.console import Console
from rich.table import Table

from flows import render

MATERIALITY = ("routine", "notable", "major")


def _cli():
    from flows import cli

    return cli


@click.command()
@click.option("--since", "since_text", help="Only events effective at or after this.")
@click.option("--until", "until_text", help="Only events effective at or before this.")
@click.option(
    "--type",
    "event_types",
    multiple=True,
    help="Only this event type "
    "(repeatable), e.g. price_changed, rank_moved, new_leader.",
)
@click.option(
    "--min-materiality",
    type=click.Choice(MATERIALITY),
    default="routine",
    show_default=True,
)
@click.option(
    "--no-backfill", is_flag=True, help="Leave out events found by backfills."
)
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def events(
    ctx: click.Context,
    since_text: str | None,
    until_text: str | None,
    event_types: tuple[str, ...],
    min_materiality: str,
    no_backfill: bool,
    limit: int,
    as_json: bool,
) -> None:
    """List change events, newest first, each with its cause."""
    from warehouse.events import select_events

    cli = _cli()
    con = cli._open_for_read(ctx)
    found = select_events(
        con,
        since=cli.parse_instant(since_text),
        until=cli.parse_instant(until_text),
        event_types=event_types,
        min_materiality=min_materiality,
        include_backfill=not no_backfill,
        limit=limit,
    )
    console: Console = ctx.obj["console"]
    if as_json:
        render.print_json(console, found)
        return
    table = Table(title=f"Events: {len(found)}", title_justify="left")
    for name in ("Effective", "Type", "Materiality", "What", "Cause"):
        table.add_column(name)
    for event in found:
        cause = event["cause_kind"]
        if event["cause_snapshot_sha256"]:
            cause += f" {event['cause_snapshot_sha256'][:12]}"
        table.add_row(
            f"{event['effective_at']:%Y-%m-%d %H:%M}",
            event["event_type"],
            event["materiality"],
            event["summary"],
            cause,
        )
    console.print(table)


@click.command()
@click.option("--from", "start_text", required=True, help="First day (YYYY-MM-DD).")
@click.option("--to", "end_text", required=True, help="Last day (YYYY-MM-DD).")
@click.option(
    "--reparse",
    is_flag=True,
    help="First re-parse the stored snapshots of "
    "the range with today's parsers and rebuild the sources' history.",
)
@click.option(
    "--wait",
    "wait_s",
    type=click.FloatRange(min=0),
    default=0,
    help="Seconds to wait for another refresh or backfill to finish; default fail.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.pass_context
def backfill(
    ctx: click.Context,
    start_text: str,
    end_text: str,
    reparse: bool,
    wait_s: float,
    as_json: bool,
) -> None:
    """Compute the daily publications and events of a date range from stored history."""
    from flows.progress import stage_progress
    from flows.run import run_backfill

    cli = _cli()
    start, end = _day(start_text, "--from"), _day(end_text, "--to")
    try:
        with stage_progress() as progress:
            result = cli._run(
                run_backfill,
                ctx.obj["settings"].db_path,
                start,
                end,
                reparse=reparse,
                wait_s=wait_s,
                progress=progress,
            )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    console: Console = ctx.obj["console"]
    if as_json:
        render.print_json(console, result)
        return
    for r in result["reparsed"]:
        console.print(
            f"reparsed {r['source_id']}: {r['snapshot_count']} snapshots, current "
            f"rows {r['current_rows_before']} -> {r['current_rows_after']}"
            + (f" ({r['message']})" if r["message"] else ""),
            highlight=False,
        )
    console.print(
        f"backfilled {result['start']} to {result['end']}: {result['day_count']} "
        f"days, {result['computed_day_count']} with changes, "
        f"{result['publication_count']} new publications, {result['event_count']} "
        "new events (marked as backfill)",
        highlight=False,
    )


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None
