"""`leaderboard serve` as a real process: it starts a local Prefect server, serves the
three deployments with their cron schedules, and stops everything on SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from flows.serve import free_port

pytestmark = pytest.mark.prefect

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 300.0


def read_deployments(api_url: str) -> list[dict] | None:
    request = urllib.request.Request(
        f"{api_url}/deployments/filter",
        data=b"{}",
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError):
        return None


def wait_for_deployments(api_url: str, process: subprocess.Popen) -> list[dict]:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, "leaderboard serve exited early"
        found = read_deployments(api_url)
        if found and len(found) == 3:
            return found
        time.sleep(1.0)
    raise AssertionError(f"no three deployments at {api_url} in time")


def test_serve_starts_a_server_and_serves_the_three_schedules(tmp_path):
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"LEADERBOARD_HOME": str(tmp_path / "home")}
    serve = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        deployments = wait_for_deployments(api_url, serve)

        serve.send_signal(signal.SIGTERM)
        out, _ = serve.communicate(timeout=120)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(10)

    schedules = {
        d["name"]: [
            (s["schedule"]["cron"], s["schedule"]["timezone"]) for s in d["schedules"]
        ]
        for d in deployments
    }
    assert schedules == {
        "nightly": [("0 2 * * *", "UTC")],
        "weekly": [("0 8 * * 1", "UTC")],
        "manual": [],
    }
    entrypoints = {d["name"]: d["entrypoint"] for d in deployments}
    assert entrypoints["nightly"] == "flows.prefect_flows.nightly_refresh"
    assert f"Prefect UI: http://127.0.0.1:{port}" in out
    assert (tmp_path / "home" / "prefect" / "prefect.db").exists()
    assert serve.returncode == 0
    assert read_deployments(api_url) is None, "the server outlived serve"
