"""The Prefect flows end to end under Prefect's test harness, on real DuckDB files:
a mirror refresh, a transient source retried by Prefect, a permanent one isolated,
backfill and digest runs, their artifacts, and the writer lock across processes.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from werkzeug import Request, Response

from flows.run import RefreshOptions, refresh_body
from ingest.fetch import FetchPolicy
from tests.flows.mirror import build_mirror

pytestmark = pytest.mark.prefect

REPO_ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 12, 1, 2, tzinfo=UTC)
ONE_TRY = FetchPolicy(
    connect_timeout_s=2.0, read_timeout_s=2.0, max_attempts=1, backoff_base_s=0.01
)


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    return "127.0.0.1", 0


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def artifacts(flow_run_id) -> dict[str, str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return {a.key: a.data for a in found}


def task_runs(flow_run_id) -> dict[str, tuple[str, int]]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        found = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return {t.name: (t.state.type.value, t.run_count) for t in found}


@pytest.fixture(scope="module")
def nightly(prefect_harness, tmp_path_factory, shared_data):
    """One `nightly_refresh` flow run on a mirror of the shared data."""
    from flows.prefect_flows import nightly_refresh

    root = tmp_path_factory.mktemp("nightly")
    mirror = build_mirror(shared_data, root / "mirror")
    db = root / "warehouse" / "leaderboard.duckdb"
    state = nightly_refresh(
        at=AT, mirror=str(mirror), db_path=str(db), return_state=True
    )
    return db, mirror, state


def test_nightly_refresh_loads_every_source_and_completes(nightly):
    db, _, state = nightly

    summary = state.result()

    assert state.is_completed()
    outcomes = {r["source_id"]: r["outcome"] for r in summary["sources"]}
    assert outcomes.pop("artificial-analysis") == "skipped"
    assert set(outcomes.values()) == {"loaded"}
    assert state.message.startswith(f"{len(outcomes) + 1} of {len(outcomes) + 1}")
    assert "0 failed" in state.message
    assert rows(db, "SELECT count(*) FROM observations")[0][0] > 1000


def test_nightly_refresh_publishes_what_the_direct_refresh_publishes(nightly, tmp_path):
    db, mirror, _ = nightly
    direct = tmp_path / "direct.duckdb"

    refresh_body(str(direct), AT, RefreshOptions(mirror=str(mirror)))

    sql = "SELECT publication_id, content_hash, model_count FROM publications"
    assert rows(direct, sql) == rows(db, sql)
    events = "SELECT event_type, count(*) FROM change_events GROUP BY ALL ORDER BY 1"
    assert rows(direct, events) == rows(db, events)


def test_nightly_refresh_runs_one_task_per_source(nightly):
    _, _, state = nightly

    names = task_runs(state.state_details.flow_run_id)

    assert "acquire lmarena" in names
    assert all(name.startswith("acquire ") for name in names)
    assert len(names) == len(state.result()["sources"])


def test_nightly_refresh_leaves_an_artifact_of_what_changed(nightly):
    _, _, state = nightly

    markdown = artifacts(state.state_details.flow_run_id)["nightly-refresh"]

    publication = state.result()["publication"]["publication_id"]
    assert f"Publication `{publication}` (new" in markdown
    assert "| lmarena | loaded |" in markdown
    assert "## Events by type" in markdown
    assert "## Source health" in markdown and "| aider-polyglot | fresh |" in markdown


@pytest.fixture
def flaky_registry(httpserver, shared_data, tmp_path) -> tuple[Path, dict[str, int]]:
    """Two sources: `flaky` answers 503 once and then 200; `gone` answers 404."""
    calls = {"flaky": 0, "gone": 0}
    body = (shared_data / "litellm/litellm-prices-2025-09-01.json").read_bytes()

    def flaky(request: Request) -> Response:
        calls["flaky"] += 1
        if calls["flaky"] == 1:
            return Response("busy", status=503)
        return Response(body)

    def gone(request: Request) -> Response:
        calls["gone"] += 1
        return Response("no such file", status=404)

    httpserver.expect_request("/flaky.json").respond_with_handler(flaky)
    httpserver.expect_request("/gone.json").respond_with_handler(gone)
    entries = [
        f'[[sources]]\nsource_id = "{sid}"\nname = "{sid}"\nkind = "prices"\n'
        f'trust = "third_party"\nformat = "litellm"\n'
        f'url = "{httpserver.url_for(f"/{sid}.json")}"\nmirror_file = "{sid}.json"\n'
        for sid in calls
    ]
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(entries))
    return path, calls


def test_a_transient_failure_is_retried_and_a_permanent_one_isolated(
    prefect_harness, flaky_registry, tmp_path
):
    from flows.prefect_flows import nightly_refresh

    registry, calls = flaky_registry
    db = tmp_path / "warehouse" / "leaderboard.duckdb"
    options = RefreshOptions(
        registry_path=str(registry), fetch_policy=ONE_TRY, retry_delay_s=0
    )

    state = nightly_refresh(at=AT, db_path=str(db), options=options, return_state=True)

    assert state.is_completed()
    assert "1 of 2 sources ok, 1 failed (gone)" in state.message
    outcomes = {r["source_id"]: r["outcome"] for r in state.result()["sources"]}
    assert outcomes == {"flaky": "loaded", "gone": "fetch_failed"}
    assert calls == {"flaky": 2, "gone": 1}
    runs = task_runs(state.state_details.flow_run_id)
    assert runs["acquire flaky"] == ("COMPLETED", 2)
    assert runs["acquire gone"] == ("FAILED", 1)
    recorded = rows(db, "SELECT source_id, outcome, status FROM fetches ORDER BY 1")
    assert recorded == [("flaky", "ok", 200), ("gone", "failed", 404)]
    assert rows(db, "SELECT count(*) FROM prices WHERE source_id = 'flaky'")[0][0]


def test_backfill_flow_recomputes_days_and_leaves_an_artifact(nightly):
    from flows.prefect_flows import backfill

    db, _, _ = nightly

    state = backfill(
        date(2026, 11, 28), date(2026, 12, 2), db_path=str(db), return_state=True
    )

    summary = state.result()
    assert state.is_completed()
    assert summary["day_count"] == 5
    markdown = artifacts(state.state_details.flow_run_id)["backfill"]
    assert "# Backfill 2026-11-28 to 2026-12-02" in markdown


def test_weekly_digest_flow_previews_and_leaves_an_artifact(
    nightly, tmp_path, monkeypatch
):
    from flows.prefect_flows import weekly_digest

    db, _, _ = nightly
    monkeypatch.setenv("LEADERBOARD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEADERBOARD_MAIL_FROM", "Leaderboard <digest@example.org>")
    monkeypatch.setenv("LEADERBOARD_PUBLIC_URL", "https://leaderboard.example.org")
    monkeypatch.setenv("LEADERBOARD_SECRET", "s" * 32)

    state = weekly_digest(
        week="2026-W49",
        db_path=str(db),
        preview_dir=str(tmp_path / "preview"),
        return_state=True,
    )

    report = state.result()
    assert state.is_completed()
    assert report["week"] == "2026-W49" and report["sent_count"] == 0
    markdown = artifacts(state.state_details.flow_run_id)["weekly-digest"]
    assert "# Weekly digest 2026-W49" in markdown


def test_a_refresh_flow_fails_at_once_while_another_process_writes(
    prefect_harness, tmp_path
):
    from flows.prefect_flows import nightly_refresh

    db = tmp_path / "warehouse" / "leaderboard.duckdb"
    holder = hold_writer_lock(db)
    try:
        state = nightly_refresh(
            at=AT,
            db_path=str(db),
            options=RefreshOptions(include_sources=False),
            return_state=True,
        )
    finally:
        holder.stdin.close()
        holder.wait(10)

    assert state.is_failed()
    assert f"PID {holder.pid}" in state.message
    assert not db.exists()


def hold_writer_lock(db: Path) -> subprocess.Popen:
    """Another process holding the writer lock until its stdin closes."""
    script = (
        "import sys\nfrom flows.locking import writer_lock\n"
        "with writer_lock(sys.argv[1], 'refresh'):\n"
        "    print('locked', flush=True)\n    sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_changed_source_shows_its_events_and_emits_the_material_ones(
    nightly, shared_data, tmp_path
):
    from flows.prefect_flows import nightly_refresh

    db, mirror, _ = nightly
    later = build_mirror(
        shared_data,
        tmp_path / "mirror",
        {"lmarena-text.csv": "lmarena/lmarena-text-2024-11-22.csv"},
    )
    at = datetime(2026, 12, 2, 2, tzinfo=UTC)

    state = nightly_refresh(
        at=at,
        sources=["lmarena"],
        mirror=str(later),
        db_path=str(db),
        return_state=True,
    )

    markdown = artifacts(state.state_details.flow_run_id)["nightly-refresh"]
    stored = rows(
        db,
        "SELECT event_type, materiality FROM change_events "
        f"WHERE detected_at = '{at.isoformat()}' AND NOT is_backfill",
    )
    material = [t for t, m in stored if m in ("notable", "major")]
    assert stored and material
    for event_type in {t for t, _ in stored}:
        assert f"| {event_type} |" in markdown
    emitted = prefect_events(len(material))
    assert sorted(e.event for e in emitted) == sorted(
        f"leaderboard.{t}" for t in material
    )
    assert all(e.resource.id.startswith("leaderboard.model.") for e in emitted)


def prefect_events(expected: int, timeout_s: float = 30.0) -> list:
    """Events named `leaderboard.*` on the server, once `expected` have arrived."""
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all()
    window = EventOccurredFilter(
        since=datetime(2000, 1, 1, tzinfo=UTC), until=datetime(2100, 1, 1, tzinfo=UTC)
    )
    event_filter = EventFilter(
        event=EventNameFilter(prefix=["leaderboard."]), occurred=window
    )
    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while True:
            found = client.read_events(filter=event_filter, limit=50).events
            if len(found) >= expected or time.monotonic() > deadline:
                return found
            time.sleep(0.5)
