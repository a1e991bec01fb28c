"""The `subscribers` and `digest` commands: consent and the weekly e-mail.

Bodies live in `flows.digest_run`; these commands parse options, call it, and print
counts for people or JSON for scripts. Addresses are printed only by `subscribers
list`, which exists to show them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from flows import render


def _cli():
    from flows import cli

    return cli


def _run(action, *args: Any, **kwargs: Any) -> Any:
    """`cli._run`: our errors, digest ones included, become one-line errors."""
    return _cli()._run(action, *args, **kwargs)


def _split(values: tuple[str, ...]) -> list[str]:
    """Repeated options and comma lists alike: `--events prices,models`."""
    return [part.strip() for value in values for part in value.split(",") if part]


@click.group()
def subscribers() -> None:
    """Manage digest subscribers: add, confirm, unsubscribe, list, forget."""


@subscribers.command("add")
@click.argument("email")
@click.option(
    "--country",
    required=True,
    help="ISO country code; only the region derived from it is stored.",
)
@click.option(
    "--categories",
    multiple=True,
    help="Only these category ids (repeatable or comma-separated); default all.",
)
@click.option(
    "--events",
    multiple=True,
    help="Only these sections (shifts, models, values, prices, stale) or event "
    "types (repeatable or comma-separated); default all.",
)
@click.pass_context
def add_command(
    ctx: click.Context,
    email: str,
    country: str,
    categories: tuple[str, ...],
    events: tuple[str, ...],
) -> None:
    """Subscribe EMAIL (pending) and send it a confirmation link."""
    from flows.digest_run import add_subscriber

    subscriber = _run(
        add_subscriber,
        ctx.obj["settings"].db_path,
        email,
        country,
        _split(categories),
        _split(events),
    )
    if subscriber.status == "pending":
        click.echo(
            f"subscriber {subscriber.subscriber_id} is pending "
            f"(region {subscriber.region}); a confirmation link was sent"
        )
    else:
        click.echo(
            f"subscriber {subscriber.subscriber_id} is already {subscriber.status}; "
            "preferences updated"
        )


@subscribers.command("confirm")
@click.argument("token")
@click.pass_context
def confirm_command(ctx: click.Context, token: str) -> None:
    """Confirm a subscription with the TOKEN from the confirmation message."""
    from flows.digest_run import change_subscription

    subscriber = _run(
        change_subscription, ctx.obj["settings"].db_path, token, "confirm"
    )
    click.echo(f"subscriber {subscriber.subscriber_id} is confirmed")


@subscribers.command("unsubscribe")
@click.argument("token")
@click.pass_context
def unsubscribe_command(ctx: click.Context, token: str) -> None:
    """Unsubscribe with the TOKEN from a digest's unsubscribe link."""
    from flows.digest_run import change_subscription

    subscriber = _run(
        change_subscription, ctx.obj["settings"].db_path, token, "unsubscribe"
    )
    click.echo(f"subscriber {subscriber.subscriber_id} is unsubscribed")


@subscribers.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List subscribers with their region, status and preferences."""
    from warehouse.digest_store import select_subscribers

    con = _cli()._open_for_read(ctx)
    rows = [_subscriber_row(s) for s in _run(select_subscribers, con)]
    con.close()
    console: Console = ctx.obj["console"]
    if as_json:
        render.print_json(console, rows)
        return
    table = Table(title=f"Subscribers: {len(rows)}", title_justify="left")
    for name in ("Id", "Address", "Region", "Status", "Categories", "Events"):
        table.add_column(name)
    for row in rows:
        table.add_row(
            row["subscriber_id"],
            row["email"],
            row["region"],
            row["status"],
            ", ".join(row["category_ids"]) or "all",
            ", ".join(row["event_types"]) or "all",
        )
    console.print(table)


def _subscriber_row(subscriber) -> dict[str, Any]:
    return {
        "subscriber_id": subscriber.subscriber_id,
        "email": subscriber.email,
        "region": subscriber.region,
        "status": subscriber.status,
        "category_ids": list(subscriber.category_ids),
        "event_types": list(subscriber.event_types),
        "created_at": subscriber.created_at,
        "confirmed_at": subscriber.confirmed_at,
    }


@subscribers.command("forget")
@click.argument("email")
@click.pass_context
def forget_command(ctx: click.Context, email: str) -> None:
    """Erase EMAIL and its delivery rows; run counts are kept."""
    from flows.digest_run import forget_subscriber

    deleted = _run(forget_subscriber, ctx.obj["settings"].db_path, email)
    click.echo(f"erased the address and {deleted} delivery rows")


@click.command()
@click.option("--week", help="ISO week such as 2026-W49; default the last full week.")
@click.option(
    "--preview",
    "preview_dir",
    type=click.Path(file_okay=False),
    help="Write one subscriber's .eml, .html and .txt here; send nothing.",
)
@click.option(
    "--quiet-note",
    is_flag=True,
    help="Send a short note even when nothing material changed.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON counts.")
@click.pass_context
def digest(
    ctx: click.Context,
    week: str | None,
    preview_dir: str | None,
    quiet_note: bool,
    as_json: bool,
) -> None:
    """Send the weekly digest: once per subscriber and week, whatever reruns."""
    from flows.digest_run import DigestOptions, run_weekly_digest

    options = DigestOptions(
        quiet_note=quiet_note,
        preview_dir=Path(preview_dir) if preview_dir else None,
    )
    report = _run(run_weekly_digest, ctx.obj["settings"].db_path, week, options=options)
    if as_json:
        render.print_json(ctx.obj["console"], report.as_dict())
    elif preview_dir:
        click.echo(_preview_line(report))
    else:
        click.echo(
            f"digest {report.week}: {report.sent_count} sent, "
            f"{report.skipped_consent_count} skipped for consent, "
            f"{report.already_sent_count} already sent, {report.failed_count} failed, "
            f"{report.skipped_empty_count} with nothing to send "
            f"({report.event_count} events this week)"
        )
    if report.failed_count:
        click.echo(
            f"error: {report.failed_count} messages were not sent; their reasons are "
            "in digest_deliveries.error and a rerun retries the transient ones",
            err=True,
        )
        ctx.exit(1)


def _preview_line(report) -> str:
    if not report.preview_paths:
        return f"digest {report.week}: nothing to preview (no material events)"
    return f"digest {report.week}: wrote " + ", ".join(report.preview_paths)
