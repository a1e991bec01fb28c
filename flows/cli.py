"""The `leaderboard` command: one verb per job, rich output for people, --json for
scripts, a one-line error and exit code 1 on failure (2 for usage errors).
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from flows import render
from flows.settings import load_settings

logger = logging.getLogger(__name__)
LANES = ("provisional", "verified")


class CommandError(click.ClickException):
    """A failure reported as one line on stderr with exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.message}", err=True)


def parse_instant(text: str | None) -> datetime | None:
    """An ISO 8601 date or instant, read as UTC when it has no zone.

    >>> parse_instant("2025-09-01")
    datetime.datetime(2025, 9, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 date or instant"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _errors() -> tuple[type[Exception], ...]:
    from digest.errors import DigestError
    from ingest.errors import IngestError
    from scoring.errors import ScoringError
    from warehouse.errors import WarehouseError

    return (DigestError, IngestError, ScoringError, WarehouseError)


def _run(action, *args: Any, **kwargs: Any) -> Any:
    """Run a command body, turning our errors into one-line CLI errors."""
    try:
        return action(*args, **kwargs)
    except _errors() as exc:
        raise CommandError(str(exc)) from exc


def _open_for_read(ctx: click.Context):
    from warehouse.db import open_database
    from warehouse.errors import WarehouseBusyError

    path = ctx.obj["settings"].db_path
    if not Path(path).exists():
        raise CommandError(
            f"no warehouse at {str(path)!r}; run `leaderboard refresh` first"
        )
    try:
        return open_database(path, read_only=True, busy_timeout_s=5.0)
    except WarehouseBusyError as exc:
        raise CommandError(f"{exc}{_writer_named(path)}") from exc
    except _errors() as exc:
        raise CommandError(str(exc)) from exc


def _writer_named(path: Path) -> str:
    """Who is writing, from the writer lock, when a refresh or backfill holds it."""
    from flows.locking import is_locked, read_holder

    holder = read_holder(path) if is_locked(path) else None
    return f"; the writer is {holder.describe()}" if holder else ""


def _read_context(ctx: click.Context, as_of_text: str | None, category: str | None):
    """The read connection, the publication in force, and the category id asked for."""
    from flows.views import require_publication
    from warehouse.reads import select_category_id

    con = _open_for_read(ctx)
    publication = _run(require_publication, con, parse_instant(as_of_text))
    category_id = None
    if category:
        category_id = _run(
            select_category_id, con, publication["methodology_id"], category
        )
    return con, publication, category_id


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False), help="DuckDB file to use.")
@click.option(
    "-v", "--verbose", count=True, help="Log INFO (-v) or DEBUG (-vv) to stderr."
)
@click.pass_context
def main(ctx: click.Context, db: str | None, verbose: int) -> None:
    """Leaderboard refresher: sourced values, dated methodology, scores, comparisons."""
    level = {0: logging.ERROR, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s"
    )
    ctx.obj = {"settings": load_settings(db), "console": Console()}


@main.command()
@click.option(
    "--at", "at_text", help="Run as if the clock read this instant (ISO 8601)."
)
@click.option(
    "--mirror",
    type=click.Path(file_okay=False, exists=True),
    help="Read every source from this folder of saved files, not the network.",
)
@click.option(
    "--source",
    "source_ids",
    multiple=True,
    help="Refresh only this source (repeatable); see `leaderboard sources`.",
)
@click.option(
    "--catalogue-only",
    is_flag=True,
    help="Load only the curated catalogue; read no source.",
)
@click.option(
    "--catalogue",
    "catalogue_dir",
    type=click.Path(file_okay=False),
    help="Read the curated catalogue from this folder, not the bundled one.",
)
@click.option(
    "--methodology-dir",
    type=click.Path(file_okay=False),
    help="Read methodology versions (*.toml) from this folder.",
)
@click.option("--top", type=int, default=10, show_default=True, help="Rows to print.")
@click.option(
    "--wait",
    "wait_s",
    type=click.FloatRange(min=0),
    default=0,
    help="Seconds to wait for another refresh or backfill to finish; default fail.",
)
@click.option(
    "--dask",
    metavar="ADDRESS|local",
    help="Fetch and parse on this Dask cluster (needs PREFECT_API_URL and the dask "
    "extra); loading stays in this process.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.pass_context
def refresh(
    ctx: click.Context,
    at_text: str | None,
    mirror: str | None,
    source_ids: tuple[str, ...],
    catalogue_only: bool,
    catalogue_dir: str | None,
    methodology_dir: str | None,
    top: int,
    wait_s: float,
    dask: str | None,
    as_json: bool,
) -> None:
    """Load the catalogue and sources, score, and store a publication."""
    from flows.progress import stage_progress
    from flows.run import RefreshOptions, run_refresh

    _check_dask(dask)
    at = parse_instant(at_text) or datetime.now(UTC)
    options = RefreshOptions(
        catalogue_dir=catalogue_dir,
        methodology_dir=methodology_dir,
        mirror=mirror,
        source_ids=source_ids or None,
        include_sources=not catalogue_only,
        wait_s=wait_s,
    )
    with stage_progress() as progress:
        summary = _run(
            run_refresh,
            ctx.obj["settings"].db_path,
            at,
            options,
            dask=dask,
            progress=progress,
        )
    console: Console = ctx.obj["console"]
    if as_json:
        render.print_json(console, summary)
        return
    if summary["sources"]:
        console.print(render.sources_line(summary["sources"]), highlight=False)
    publication = summary["publication"]
    state = "new" if publication["is_new"] else "unchanged"
    console.print(
        f"publication {publication['publication_id']} ({state}): "
        f"{publication['model_count']} models, {publication['ranked_count']} ranked",
        highlight=False,
    )
    ctx.invoke(show, top=top)


def _check_dask(address: str | None) -> None:
    """`--dask` needs the optional extra and a real Prefect server for the workers."""
    import importlib.util

    if address is None:
        return
    if importlib.util.find_spec("prefect_dask") is None:
        raise CommandError(
            "--dask needs prefect-dask; install it with "
            "pip install 'leaderboard-refresher[dask]'"
        )
    if not os.environ.get("PREFECT_API_URL"):
        raise CommandError(
            "--dask needs a Prefect server the workers can reach; set "
            "PREFECT_API_URL (for example to the one `leaderboard serve` prints)"
        )


@main.command()
@click.option("--category", help="A category id or name; overall when omitted.")
@click.option(
    "--lane", type=click.Choice(LANES), default="provisional", show_default=True
)
@click.option("--top", type=int, help="Show only the first N ranked models.")
@click.option(
    "--as-of", "as_of_text", help="Show the publication in force at this instant."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(
    ctx: click.Context,
    category: str | None = None,
    lane: str = "provisional",
    top: int | None = None,
    as_of_text: str | None = None,
    as_json: bool = False,
) -> None:
    """Print the overall or one category's leaderboard."""
    from flows.views import leaderboard_rows

    con, publication, category_id = _read_context(ctx, as_of_text, category)
    rows = leaderboard_rows(con, publication, lane, category_id)
    console: Console = ctx.obj["console"]
    if as_json:
        render.print_json(
            console, render.leaderboard_json(rows, publication, lane, category_id, top)
        )
        return
    title = (
        f"{category_id or 'Overall'} leaderboard, {lane} lane, as of "
        f"{publication['as_of']:%Y-%m-%d %H:%M} UTC ({publication['methodology_id']})"
    )
    console.print(render.leaderboard_table(rows, title, top))


@main.command()
@click.argument("model_a")
@click.argument("model_b")
@click.option(
    "--lane", type=click.Choice(LANES), default="provisional", show_default=True
)
@click.option(
    "--as-of", "as_of_text", help="Compare in the publication at this instant."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def compare(
    ctx: click.Context,
    model_a: str,
    model_b: str,
    lane: str,
    as_of_text: str | None,
    as_json: bool,
) -> None:
    """Compare two models head to head."""
    from flows.views import comparison, require_publication
    from scoring.compare import comparison_json

    con = _open_for_read(ctx)
    as_of = parse_instant(as_of_text)
    publication = _run(require_publication, con, as_of)
    result = _run(
        comparison, con, publication, lane, model_a, model_b, as_of or datetime.now(UTC)
    )
    console: Console = ctx.obj["console"]
    if as_json:
        payload = comparison_json(result)
        payload["publication_id"] = publication["publication_id"]
        render.print_json(console, payload)
    else:
        render.print_comparison(console, result)


@main.command()
@click.argument("model")
@click.option("--category", help="Explain one category only.")
@click.option(
    "--lane", type=click.Choice(LANES), default="provisional", show_default=True
)
@click.option("--as-of", "as_of_text", help="Explain the publication at this instant.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def explain(
    ctx: click.Context,
    model: str,
    category: str | None,
    lane: str,
    as_of_text: str | None,
    as_json: bool,
) -> None:
    """Explain a model's scores: values, weights, and what was left out and why."""
    from flows.views import explanation

    con, publication, category_id = _read_context(ctx, as_of_text, category)
    result = _run(explanation, con, publication, lane, model)
    console: Console = ctx.obj["console"]
    if as_json:
        payload = render.explanation_json(result)
        if category_id:
            payload["categories"] = [
                c for c in payload["categories"] if c["category_id"] == category_id
            ]
        render.print_json(console, payload)
    else:
        render.print_explanation(console, result, category_id)


@main.command()
@click.option(
    "--table",
    "table",
    required=True,
    help="models, observations, prices, "
    "publications, scores, category-scores, benchmarks, sources, snapshots, "
    "unresolved-names.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("csv", "json", "parquet")),
    default="csv",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="File to write; default <table>.<format> in the current folder.",
)
@click.option(
    "--as-of",
    "as_of_text",
    help="History rows valid, or the publication in force, at this instant.",
)
@click.pass_context
def export(
    ctx: click.Context, table: str, fmt: str, output: str | None, as_of_text: str | None
) -> None:
    """Export a table as CSV, JSON lines or Parquet."""
    from warehouse.export import TABLES, export_table

    if table not in TABLES:
        raise click.BadParameter(
            f"{table!r}; use one of {', '.join(TABLES)}", param_hint="--table"
        )
    con = _open_for_read(ctx)
    path = Path(output or f"{table}.{fmt}")
    count = _run(export_table, con, table, fmt, path, parse_instant(as_of_text))
    click.echo(f"wrote {count} rows to {path}")


def _register_more() -> None:
    from flows.cli_digest import digest, subscribers
    from flows.cli_sources import names, sources

    main.add_command(sources)
    main.add_command(names)
    main.add_command(subscribers)
    main.add_command(digest)
    from flows.cli_history import backfill, events

    main.add_command(events)
    main.add_command(backfill)
    from flows.cli_serve import serve

    main.add_command(serve)


_register_more()


def entry() -> None:
    """Console entry point with Prefect kept quiet and offline."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    main()


if __name__ == "__main__":
    entry()
