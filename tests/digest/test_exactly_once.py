"""A digest run killed half way, then run again, delivers every message exactly once.

The first run is a real separate process that dies (`os._exit`, no cleanup, no
commit of anything in flight) right after its second message was accepted and marked.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

from flows.digest_run import DigestOptions, run_weekly_digest
from tests.conftest import REPO_ROOT
from tests.digest.conftest import RUN_AT, WEEK, insert_subscriber, query
from warehouse.db import open_database

KILLED_EXIT_CODE = 17
CRASHING_RUN = """
import os, sys
from datetime import datetime
from flows.digest_run import DigestOptions, run_weekly_digest

db_path, week, now, crash_after = sys.argv[1:5]
accepted = []

def die_after_k(delivery_key):
    accepted.append(delivery_key)
    if len(accepted) == int(crash_after):
        os._exit(17)

run_weekly_digest(
    db_path, week, now=datetime.fromisoformat(now),
    options=DigestOptions(on_sent=die_after_k, retry_backoff_s=0.01),
)
"""


def add_confirmed_subscribers(path, count: int) -> None:
    con = open_database(path)
    for n in range(count):
        insert_subscriber(con, f"reader{n}@example.org", "eu_eea", "confirmed")
    con.close()


def test_a_run_killed_after_two_of_seven_messages_is_finished_by_the_rerun_once_each(
    warehouse, mail_env, settings, smtp
):
    add_confirmed_subscribers(warehouse, 4)
    env = {**os.environ, **mail_env, "PYTHONPATH": str(REPO_ROOT)}

    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            CRASHING_RUN,
            str(warehouse),
            WEEK,
            RUN_AT.isoformat(),
            "2",
        ],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    after_crash = len(smtp.received)
    report = run_weekly_digest(
        warehouse,
        WEEK,
        now=RUN_AT,
        settings=settings,
        options=DigestOptions(retry_backoff_s=0.01),
    )

    assert killed.returncode == KILLED_EXIT_CODE, killed.stderr
    assert after_crash == 2
    assert report.already_sent_count == 2 and report.sent_count == 5
    recipients = Counter(r.rcpt_tos[0] for r in smtp.received)
    assert len(recipients) == 7 and set(recipients.values()) == {1}
    message_ids = Counter(r.message["Message-ID"] for r in smtp.received)
    assert set(message_ids.values()) == {1}
    assert query(
        warehouse, "SELECT status, count(*) FROM digest_deliveries GROUP BY status"
    ) == [("sent", 7)]


def test_a_second_run_of_a_killed_week_does_not_enqueue_new_rows(
    warehouse, mail_env, settings, smtp
):
    env = {**os.environ, **mail_env, "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run(
        [
            sys.executable,
            "-c",
            CRASHING_RUN,
            str(warehouse),
            WEEK,
            RUN_AT.isoformat(),
            "1",
        ],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )

    report = run_weekly_digest(
        warehouse,
        WEEK,
        now=RUN_AT,
        settings=settings,
        options=DigestOptions(retry_backoff_s=0.01),
    )

    assert report.queued_count == 0
    assert query(warehouse, "SELECT count(*) FROM digest_deliveries") == [(3,)]
    assert len(smtp.received) == 3
