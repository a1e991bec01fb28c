"""The `sources` and `names` commands: source health, and the review queue of
unmatched model names.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click
from rich.console import Console
from rich.table import Table

from flows import render


def _cli():
    from flows import cli

    return cli


@click.command()
@click.option("--as-of", "as_of_text", help="Health as of this instant (default now).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def sources(ctx: click.Context, as_of_text: str | None, as_json: bool) -> None:
    """List the registered sources with their health and mirror file names."""
    from flows.sources import select_specs
    from warehouse.fetches import select_source_health

    cli = _cli()
    as_of = cli.parse_instant(as_of_text) or datetime.now(UTC)
    specs = cli._run(select_specs, None)
    health = {}
    if ctx.obj["settings"].db_path.exists():
        con = cli._open_for_read(ctx)
        health = {row["source_id"]: row for row in select_source_health(con, as_of)}
    rows = [_source_row(spec, health.get(spec.source_id, {})) for spec in specs]
    console: Console = ctx.obj["console"]
    if as_json:
        render.print_json(console, rows)
        return
    table = Table(
        title=f"Sources as of {as_of:%Y-%m-%d %H:%M} UTC", title_justify="left"
    )
    for name in ("Source", "Kind", "Trust", "Health", "Last success", "Last error"):
        table.add_column(name)
    for row in rows:
        table.add_row(
            row["source_id"],
            row["kind"],
            row["trust"],
            row["health"],
            str(row["last_success_at"] or "—")[:16],
            (row["last_error"] or "")[:40],
        )
    console.print(table)


def _source_row(spec, health: dict) -> dict:
    return {
        "source_id": spec.source_id,
        "name": spec.name,
        "kind": spec.kind,
        "trust": spec.trust,
        "format": spec.format,
        "max_age_days": spec.max_age_days,
        "urls": [f.url for f in spec.files],
        "mirror_files": [
            f"{spec.source_id}/{f.name}" if spec.is_multi_file else f.name
            for f in spec.files
        ],
        "health": health.get("health", "never"),
        "last_attempt_at": health.get("last_attempt_at"),
        "last_success_at": health.get("last_success_at"),
        "age_days": health.get("age_days"),
        "last_error": health.get("last_error"),
    }


@click.group(invoke_without_command=True)
@click.option("--all", "include_ignored", is_flag=True, help="Include ignored names.")
@click.option("--top", type=int, default=50, show_default=True, help="Names to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def names(ctx: click.Context, include_ignored: bool, top: int, as_json: bool) -> None:
    """Review unmatched model names: list them, map, create or ignore."""
    if ctx.invoked_subcommand is not None:
        return
    from warehouse.names import select_queue

    con = _cli()._open_for_read(ctx)
    rows = select_queue(con, "model", include_ignored)
    console: Console = ctx.obj["console"]
    if as_json:
        render.print_json(console, rows[:top])
        return
    table = Table(title=f"Unmatched model names: {len(rows)}", title_justify="left")
    for name in ("Name", "Seen", "Sources"):
        table.add_column(name)
    for row in rows[:top]:
        table.add_row(
            row["raw_name"], str(row["seen_count"]), ", ".join(row["sources"])
        )
    console.print(table)


def _write(ctx: click.Context, action, *args) -> None:
    from warehouse.db import open_database, transaction

    cli = _cli()
    con = cli._run(open_database, ctx.obj["settings"].db_path, busy_timeout_s=5.0)
    with transaction(con):
        cli._run(action, con, *args, datetime.now(UTC))
    con.close()


@names.command("map")
@click.argument("raw_name")
@click.argument("model")
@click.pass_context
def map_command(ctx: click.Context, raw_name: str, model: str) -> None:
    """Map RAW_NAME to MODEL (a name, id or alias); the next refresh applies it."""
    from warehouse.names import map_name
    from warehouse.reads import select_model_by_name

    cli = _cli()
    con = cli._open_for_read(ctx)
    model_id = cli._run(select_model_by_name, con, model)["model_id"]
    con.close()
    _write(ctx, map_name, raw_name, model_id)
    click.echo(f"mapped {raw_name!r} to {model_id}")


@names.command("create")
@click.argument("raw_name")
@click.option("--id", "model_id", required=True, help="The new model's id (a slug).")
@click.option("--name", "display_name", required=True, help="Its display name.")
@click.option("--organisation", help="Who makes it.")
@click.pass_context
def create_command(
    ctx: click.Context,
    raw_name: str,
    model_id: str,
    display_name: str,
    organisation: str | None,
) -> None:
    """Create a model from RAW_NAME and map the name to it."""
    from warehouse.names import create_model

    _write(ctx, create_model, raw_name, model_id, display_name, organisation)
    click.echo(f"created {model_id} from {raw_name!r}")


@names.command("ignore")
@click.argument("raw_name")
@click.pass_context
def ignore_command(ctx: click.Context, raw_name: str) -> None:
    """Take RAW_NAME off the queue; it stays unresolved."""
    from warehouse.names import ignore_name

    _write(ctx, ignore_name, raw_name)
    click.echo(f"ignored {raw_name!r}")
