"""The `serve` command: the embedded scheduler of `flows.serve`."""

from __future__ import annotations

import click


@click.command()
@click.option(
    "--port",
    type=int,
    default=4200,
    show_default=True,
    help="Port of the local Prefect server it starts (unused with PREFECT_API_URL).",
)
@click.pass_context
def serve(ctx: click.Context, port: int) -> None:
    """Run the schedules: nightly refresh 02:00 UTC, digest Mondays 08:00 UTC.

    Starts a local Prefect server (SQLite under the data folder) unless
    PREFECT_API_URL names one, serves the nightly, weekly digest and backfill
    deployments, and prints the UI address. Ctrl-C stops everything it started.
    """
    from flows.serve import ServerStartError, serve_all

    settings = ctx.obj["settings"]
    try:
        serve_all(settings.home, settings.db_path, port, echo=click.echo)
    except ServerStartError as exc:
        from flows.cli import CommandError

        raise CommandError(str(exc)) from exc
