"""The `subscribers` and `digest` commands end to end: real DuckDB file, real SMTP."""

from __future__ import annotations

import json
import re
from email import message_from_bytes, policy

import click
from click.testing import CliRunner

from flows.cli import main
from flows.cli_digest import digest, subscribers
from tests.digest.conftest import WEEK, query


def run(db, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def token_from(message, purpose: str) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(rf"subscribers {purpose} (\S+)", body).group(1)


def test_add_confirm_and_unsubscribe_go_through_signed_tokens(tmp_path, mail_env, smtp):
    db = tmp_path / "lb.duckdb"

    added = run(
        db,
        "subscribers",
        "add",
        "Eve@Example.ORG",
        "--country",
        "fr",
        "--categories",
        "coding,math",
        "--events",
        "shifts",
        "--events",
        "prices",
    )
    [confirmation] = smtp.to("Eve@example.org")
    confirmed = run(db, "subscribers", "confirm", token_from(confirmation, "confirm"))
    listed = json.loads(run(db, "subscribers", "list", "--json")[1])

    assert added[0] == 0 and "pending (region eu_eea)" in added[1]
    assert "Confirm your leaderboard digest subscription" in confirmation["Subject"]
    assert confirmed[0] == 0 and "is confirmed" in confirmed[1]
    [row] = listed
    assert (row["email"], row["region"], row["status"]) == (
        "Eve@example.org",
        "eu_eea",
        "confirmed",
    )
    assert row["category_ids"] == ["coding", "math"]
    assert (
        "price_changed" in row["event_types"]
        and "model_added" not in row["event_types"]
    )
    assert "country" not in json.dumps(row).lower()
    assert query(
        db,
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = 'subscribers' AND column_name ILIKE '%country%'",
    ) == [(0,)]


def test_a_tampered_token_is_a_one_line_error_with_exit_code_1(
    tmp_path, mail_env, smtp
):
    db = tmp_path / "lb.duckdb"
    run(db, "subscribers", "add", "eve@example.org", "--country", "US")
    token = token_from(smtp.to("eve@example.org")[0], "confirm")

    code, out, err = run(db, "subscribers", "confirm", token[:-2] + "xx")

    assert code == 1
    assert err.startswith("error: ") and err.count("\n") == 1
    assert "signature does not match" in err
    assert query(db, "SELECT status FROM subscribers") == [("pending",)]


def test_digest_prints_counts_and_a_rerun_reports_them_as_already_sent(
    warehouse, mail_env, smtp
):
    first = run(warehouse, "digest", "--week", WEEK)

    code, out, _ = run(warehouse, "digest", "--week", WEEK, "--json")

    assert first[0] == 0
    assert "3 sent, 1 skipped for consent, 0 already sent, 0 failed" in first[1]
    counts = json.loads(out)
    assert code == 0
    assert (counts["sent_count"], counts["already_sent_count"]) == (0, 3)
    assert counts["skipped_consent_count"] == 1
    assert len(smtp.received) == 3


def test_preview_writes_eml_html_and_text_and_sends_nothing(
    warehouse, mail_env, smtp, tmp_path
):
    folder = tmp_path / "preview"

    code, out, _ = run(warehouse, "digest", "--week", WEEK, "--preview", str(folder))

    assert code == 0, out
    assert smtp.received == []
    assert query(warehouse, "SELECT count(*) FROM digest_deliveries") == [(0,)]
    eml = message_from_bytes(
        (folder / f"digest-{WEEK}.eml").read_bytes(), policy=policy.default
    )
    html = (folder / f"digest-{WEEK}.html").read_text()
    assert eml["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert 'src="data:image/png;base64,' in html
    assert "Leaderboard shifts" in (folder / f"digest-{WEEK}.txt").read_text()


def test_forget_erases_the_address_and_its_deliveries_but_keeps_run_counts(
    warehouse, mail_env, smtp
):
    run(warehouse, "digest", "--week", WEEK)

    code, out, _ = run(warehouse, "subscribers", "forget", "ada@example.org")

    assert code == 0 and "1 delivery rows" in out
    assert query(
        warehouse, "SELECT count(*) FROM subscribers WHERE email = 'ada@example.org'"
    ) == [(0,)]
    assert query(
        warehouse,
        "SELECT count(*) FROM digest_deliveries WHERE subscriber_id = 's-ada'",
    ) == [(0,)]
    assert query(warehouse, "SELECT sum(sent_count) FROM digest_runs") == [(3,)]


def test_a_permanent_failure_makes_digest_exit_1_after_sending_the_rest(
    warehouse, mail_env, smtp
):
    smtp.refused["dan@example.org"] = "550 5.1.1 mailbox unavailable"

    code, out, err = run(warehouse, "digest", "--week", WEEK)

    assert code == 1
    assert "2 sent" in out and "1 failed" in out
    assert "1 messages were not sent" in err


def test_missing_mail_settings_are_a_one_line_error(warehouse, mail_env, monkeypatch):
    monkeypatch.delenv("LEADERBOARD_SMTP_HOST")

    code, _, err = run(warehouse, "digest", "--week", WEEK)

    assert code == 1
    assert err == "error: LEADERBOARD_SMTP_HOST is not set; set it in the environment\n"


def test_a_malformed_week_is_a_one_line_error(warehouse, mail_env):
    code, _, err = run(warehouse, "digest", "--week", "last week")

    assert code == 1
    assert "is not written like 2026-W49" in err


def test_the_password_never_appears_in_output_or_logs(
    warehouse, mail_env, monkeypatch, smtp, caplog
):
    monkeypatch.setenv("LEADERBOARD_SMTP_USERNAME", "digest-sender")
    monkeypatch.setenv("LEADERBOARD_SMTP_PASSWORD", "hunter2-very-secret")
    caplog.set_level("DEBUG")

    result = CliRunner().invoke(
        main, ["--db", str(warehouse), "-vv", "digest", "--week", WEEK]
    )

    assert "hunter2" not in result.stdout + result.stderr + caplog.text
    assert "ada@example.org" not in caplog.text
    assert result.exit_code == 1


def test_every_digest_command_has_help_text():
    commands = [digest, *subscribers.commands.values()]

    for command in commands:
        assert isinstance(command, click.Command)
        assert command.help and command.help.strip(), command.name
