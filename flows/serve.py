"""The embedded scheduler: a local Prefect server as a child, three deployments served.

With no `PREFECT_API_URL`, `prefect server start` runs as a child process (SQLite
under `<LEADERBOARD_HOME>/prefect`), and once `/api/health` answers, this process
serves `nightly_refresh` (02:00 UTC), `weekly_digest` (Mondays 08:00 UTC) and
`backfill` (on demand). With `PREFECT_API_URL` set, that server is used instead. Ctrl-C
or SIGTERM stops serving first, then the server it started.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 180.0
NIGHTLY_CRON = "0 2 * * *"
DIGEST_CRON = "0 8 * * 1"
SCHEDULED_WAIT_S = 1800.0


class ServerStartError(RuntimeError):
    """The local Prefect server did not become healthy; its log says why."""


@dataclass(frozen=True, slots=True)
class LocalServer:
    """A `prefect server start` child process and where its API answers."""

    process: subprocess.Popen
    api_url: str
    log_path: Path

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")

    def stop(self, timeout_s: float = 20.0) -> None:
        """SIGTERM the server's process group, then SIGKILL what is left."""
        if self.process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_local_server(
    prefect_home: Path, port: int, timeout_s: float = STARTUP_TIMEOUT_S
) -> LocalServer:
    """Start `prefect server start` on 127.0.0.1:`port` and wait until it is healthy."""
    prefect_home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    log_path = prefect_home / "server.log"
    command = [sys.executable, "-m", "prefect", "server", "start"]
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # our own group: stop() reaches its children
        )
    server = LocalServer(process, f"http://127.0.0.1:{port}/api", log_path)
    try:
        wait_healthy(server, timeout_s)
    except BaseException:
        server.stop()
        raise
    return server


def wait_healthy(server: LocalServer, timeout_s: float) -> None:
    """Poll `/api/health` until it answers 200, the process dies, or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerStartError(
                f"prefect server exited with code {server.process.returncode}; "
                f"see {str(server.log_path)!r}"
            )
        try:
            with urllib.request.urlopen(f"{server.api_url}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise ServerStartError(
        f"prefect server did not answer {server.api_url}/health within "
        f"{timeout_s:.0f} s; see {str(server.log_path)!r}"
    )


def build_deployments(db_path: Path) -> list:
    """The three deployments, bound to the warehouse at `db_path`."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.prefect_flows import backfill, nightly_refresh, weekly_digest

    common = {"entrypoint_type": EntrypointType.MODULE_PATH, "tags": ["leaderboard"]}
    db = str(db_path.resolve())
    return [
        nightly_refresh.to_deployment(
            name="nightly",
            schedules=[Cron(NIGHTLY_CRON, timezone="UTC")],
            parameters={"db_path": db, "options": {"wait_s": SCHEDULED_WAIT_S}},
            **common,
        ),
        weekly_digest.to_deployment(
            name="weekly",
            schedules=[Cron(DIGEST_CRON, timezone="UTC")],
            parameters={"db_path": db},
            **common,
        ),
        backfill.to_deployment(name="manual", parameters={"db_path": db}, **common),
    ]


def serve_all(
    home: Path, db_path: Path, port: int, echo: Callable[[str], None] = print
) -> None:
    """Serve the deployments until Ctrl-C or SIGTERM; start a server if none is set."""
    signal.signal(signal.SIGTERM, _interrupt)  # the runner installs its own later
    server = None
    try:
        if not os.environ.get("PREFECT_API_URL"):
            prefect_home = (home / "prefect").resolve()
            echo(f"starting a local Prefect server (data in {prefect_home})")
            server = start_local_server(prefect_home, port)
            os.environ["PREFECT_API_URL"] = server.api_url
            os.environ["PREFECT_HOME"] = str(prefect_home)
        api_url = os.environ["PREFECT_API_URL"]
        echo(f"Prefect UI: {api_url.removesuffix('/api')}")
        _serve(db_path, api_url, echo)
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            echo("stopping the local Prefect server")
            server.stop()


def _serve(db_path: Path, api_url: str, echo: Callable[[str], None]) -> None:
    from prefect import serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}):
        deployments = build_deployments(db_path)
        echo(
            f"serving nightly_refresh/nightly ({NIGHTLY_CRON} UTC), "
            f"weekly_digest/weekly ({DIGEST_CRON} UTC), backfill/manual (on demand) "
            f"for {db_path}; Ctrl-C stops"
        )
        serve(*deployments, print_starting_message=False)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
