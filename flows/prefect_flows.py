"""Prefect flows: thin wrappers that sequence the plain steps of `flows.run`.

`nightly_refresh` takes the writer lock, loads reference data, fans acquisition out as
one Prefect task per source (retried by Prefect only when the source's failure is
transient), loads every batch through the one writer, publishes and detects events;
then it leaves a markdown artifact and, with a server, emits the material events.
`backfill` and `weekly_digest` wrap their plain bodies the same way. Nothing here holds
a rule, and none of it runs unless a Prefect server is configured or asked for.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.states import Completed

from flows import run_report
from flows.locking import writer_lock
from flows.run import RefreshOptions, backfill_body, refresh_body
from flows.settings import load_settings
from ingest.acquire import SourceBatch, acquire
from ingest.fetch import FetchPolicy
from ingest.registry import SourceSpec

DIGEST_WAIT_S = 1800.0


class SourceFailed(Exception):
    """A source's acquisition failed; `batch` says how, and whether to retry."""

    def __init__(self, batch: SourceBatch) -> None:
        super().__init__(f"source {batch.spec.source_id!r} failed: {batch.message}")
        self.batch = batch

    def __reduce__(self):
        return (SourceFailed, (self.batch,))

    @property
    def is_retryable(self) -> bool:
        """Whether a required file failed in a way a later attempt may not."""
        return self.batch.outcome == "fetch_failed" and any(
            read.outcome.is_retryable
            for read in self.batch.reads
            if read.data is None and not read.file.is_optional
        )


def _is_transient(task, task_run, state) -> bool:
    """Retry condition: only a `SourceFailed` that says a retry can help."""
    return isinstance(state.data, SourceFailed) and state.data.is_retryable


@task(
    task_run_name="acquire {spec.source_id}",
    retries=2,
    retry_delay_seconds=30,
    retry_condition_fn=_is_transient,
    cache_policy=NO_CACHE,
)
def acquire_source(
    spec: SourceSpec,
    inputs: dict,
    at: datetime,
    mirror: Path | None,
    policy: FetchPolicy | None,
) -> SourceBatch:
    """Fetch (or read from the mirror) and parse one source; no database."""
    batch = acquire(spec, at=at, mirror=mirror, policy=policy, **inputs)
    if batch.outcome in run_report.FAILED:
        raise SourceFailed(batch)
    return batch


def acquire_with_tasks(retry_delay_s: float):
    """An `AcquireAll` that submits one `acquire_source` task per source."""

    def acquire_all(specs, inputs, *, at, mirror, policy, tick) -> list[SourceBatch]:
        submit = acquire_source.with_options(retry_delay_seconds=retry_delay_s).submit
        futures = {
            submit(spec, inputs[spec.source_id], at, mirror, policy): spec
            for spec in specs
        }
        batches = {}
        for future in as_completed(list(futures)):
            spec = futures[future]
            batches[spec.source_id] = _batch_of(future, spec)
            tick(spec.source_id)
        return [batches[spec.source_id] for spec in specs]

    return acquire_all


def _batch_of(future, spec: SourceSpec) -> SourceBatch:
    """The batch a finished task returned, or the failed one it raised."""
    value = future.result(raise_on_failure=False)
    if isinstance(value, SourceBatch):
        return value
    if isinstance(value, SourceFailed):
        return value.batch
    return SourceBatch(
        spec, "fetch_failed", message=f"{type(value).__name__}: {value}"[:500]
    )


@flow(name="nightly_refresh", log_prints=False)
def nightly_refresh(
    at: datetime | None = None,
    sources: list[str] | None = None,
    mirror: str | None = None,
    db_path: str | None = None,
    options: RefreshOptions | None = None,
) -> dict[str, Any]:
    """Refresh the leaderboard: catalogue and sources in, score, publish, detect."""
    logger = get_run_logger()
    db_path = db_path or str(load_settings().db_path)
    options = dataclasses.replace(
        options or RefreshOptions(),
        source_ids=tuple(sources) if sources else (options and options.source_ids),
        mirror=mirror or (options and options.mirror),
    )
    with writer_lock(db_path, "nightly_refresh", options.wait_s):
        summary = refresh_body(
            db_path,
            at or datetime.now(UTC),
            options,
            acquire_all=acquire_with_tasks(options.retry_delay_s),
        )
        report = run_report.collect_report(db_path, summary)
    create_markdown_artifact(
        key="nightly-refresh",
        markdown=run_report.refresh_markdown(report),
        description=report.state_message(),
    )
    emitted = emit_material_events(report)
    logger.info("refresh done %s emitted=%d", report.state_message(), emitted)
    return Completed(data=summary, message=report.state_message())


def emit_material_events(report: run_report.RunReport) -> int:
    """Mirror this run's material events to Prefect events; none without a server.

    The events live in DuckDB either way; these are for automations. With no server
    configured `emit_event` would wait seconds and fail, so nothing is sent.
    """
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        return 0
    from prefect.events import emit_event

    for event in report.material_events:
        resource, related = run_report.event_resource(event)
        emit_event(
            event=f"leaderboard.{event['event_type']}",
            resource=resource,
            related=related,
            occurred=event["effective_at"],
            payload=run_report.event_payload(event),
        )
    return len(report.material_events)


@flow(name="backfill", log_prints=False)
def backfill(
    start: date,
    end: date,
    reparse: bool = False,
    db_path: str | None = None,
    wait_s: float = 0.0,
) -> dict[str, Any]:
    """Recompute the daily publications and events of `start`..`end`."""
    db_path = db_path or str(load_settings().db_path)
    summary = backfill_body(db_path, start, end, reparse=reparse, wait_s=wait_s)
    markdown = run_report.backfill_markdown(summary)
    create_markdown_artifact(key="backfill", markdown=markdown)
    get_run_logger().info(
        "backfill done start=%s end=%s publications=%d events=%d",
        start,
        end,
        summary["publication_count"],
        summary["event_count"],
    )
    return summary


@flow(name="weekly_digest", log_prints=False)
def weekly_digest(
    week: str | None = None,
    db_path: str | None = None,
    preview_dir: str | None = None,
    wait_s: float = DIGEST_WAIT_S,
) -> dict[str, Any]:
    """Compose, queue and send the digest of `week` (default: the last full week)."""
    from flows import digest_run

    db_path = db_path or str(load_settings().db_path)
    options = digest_run.DigestOptions(
        preview_dir=Path(preview_dir) if preview_dir else None
    )
    with writer_lock(db_path, "weekly_digest", wait_s):
        report = digest_run.run_weekly_digest(db_path, week, options=options).as_dict()
    markdown = run_report.digest_markdown(report)
    create_markdown_artifact(key="weekly-digest", markdown=markdown)
    get_run_logger().info(
        "digest done week=%s sent=%d failed=%d",
        report["week"],
        report["sent_count"],
        report["failed_count"],
    )
    if report["failed_count"]:
        from prefect.states import Failed

        return Failed(
            data=report, message=f"{report['failed_count']} digest messages not sent"
        )
    return report


def run_nightly(
    db_path: str,
    at: datetime,
    options: RefreshOptions | None = None,
    *,
    dask: str | None = None,
) -> dict[str, Any]:
    """Run `nightly_refresh` now, on Dask workers when `dask` names a cluster."""
    refresh = nightly_refresh
    if dask:
        refresh = nightly_refresh.with_options(task_runner=dask_runner(dask))
    return refresh(at=at, db_path=db_path, options=options)


def dask_runner(address: str):
    """A Prefect Dask task runner on the cluster at `address`, or a local one.

    Only fetch and parse run there; batches come back to this process, which stays
    the one writer. Workers need the project installed and `PREFECT_API_URL` set.
    """
    from prefect_dask import DaskTaskRunner

    if address == "local":
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": 2,
                "threads_per_worker": 2,
                "processes": True,
                "dashboard_address": None,
            }
        )
    return DaskTaskRunner(address=address)
