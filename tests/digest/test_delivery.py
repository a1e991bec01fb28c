"""Weekly digests sent through a real SMTP server from a real DuckDB file."""

from __future__ import annotations

import re
from email import message_from_bytes
from html.parser import HTMLParser

from digest.settings import load_mail_settings
from flows.digest_run import DigestOptions, change_subscription, run_weekly_digest
from tests.digest.conftest import (
    NEXT_WEEK,
    PUBLIC_URL,
    RUN_AT,
    SCRIPT_NAME,
    SECRET,
    WEEK,
    free_port,
    mail_environ,
    query,
)

FAST = DigestOptions(retry_backoff_s=0.01)


def run(warehouse, settings, week=WEEK, options=FAST):
    return run_weekly_digest(
        warehouse, week, now=RUN_AT, settings=settings, options=options
    )


class TextCollector(HTMLParser):
    """The text a browser would show, and every tag it would build."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse_html(html: str) -> TextCollector:
    collector = TextCollector()
    collector.feed(html)
    return collector


def test_a_confirmed_subscriber_gets_one_digest_with_text_html_and_inline_chart(
    warehouse, settings, smtp
):
    run(warehouse, settings)

    [message] = smtp.to("ada@example.org")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    [chart] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    cid = chart["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html
    assert chart.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    assert message.get_body(("html",)).get_content_type() == "text/html"
    for summary in (
        "Gemma 4 31B is the new overall leader",
        "GPT-4.1 nano input price",
    ):
        assert summary in text
        assert summary in html
    assert f"{PUBLIC_URL}/compare/gemma-4-31b/gpt-4.1" in text
    assert f"{PUBLIC_URL}/models/gpt-4.1-nano" in html


def test_sections_come_in_order_with_leaderboard_shifts_first(
    warehouse, settings, smtp
):
    run(warehouse, settings)

    text = smtp.to("ada@example.org")[0].get_body(("plain",)).get_content()
    shifts = text.index("Leaderboard shifts")
    prices = text.index("Prices and context windows")
    assert shifts < text.index("GPT-4.1 nano left the top 10") < prices
    assert text.index("new overall leader") < text.index("Claude X now leads Coding")


def test_headers_name_the_week_and_carry_rfc_8058_one_click_unsubscribe(
    warehouse, settings, smtp
):
    run(warehouse, settings)

    message = smtp.to("ada@example.org")[0]
    assert message["Subject"].startswith(f"Leaderboard digest {WEEK}: Gemma 4 31B is")
    assert message["From"] == "Leaderboard <digest@leaderboard.example>"
    assert message["To"] == "ada@example.org"
    assert message["Date"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        message["List-Id"] == "Leaderboard weekly digest <digest.leaderboard.example>"
    )
    https, mailto = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    assert https.startswith(f"{PUBLIC_URL}/digest/unsubscribe?token=")
    assert mailto.startswith("mailto:unsubscribe@leaderboard.example?subject=")
    assert re.fullmatch(
        rf"<digest-{WEEK}-[0-9a-f]{{24}}@leaderboard\.example>",
        message["Message-ID"].strip(),
    )


def test_a_model_name_with_markup_shows_as_text_and_builds_no_script_tag(
    warehouse, settings, smtp
):
    run(warehouse, settings)

    html = smtp.to("ada@example.org")[0].get_body(("html",)).get_content()
    page = parse_html(html)
    assert "script" not in page.tags
    assert SCRIPT_NAME in "".join(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_backfill_routine_and_far_from_the_top_events_are_never_sent(
    warehouse, settings, smtp
):
    run(warehouse, settings)

    for message in smtp.to("ada@example.org"):
        body = message.get_body(("plain",)).get_content()
        assert "BACKFILL" not in body
        assert "new MMLU-Pro value" not in body
        assert "45th to 40th" not in body


def test_preferences_filter_by_event_type_and_by_category(warehouse, settings, smtp):
    run(warehouse, settings)

    [bob] = smtp.to("bob@example.com")
    bob_text = bob.get_body(("plain",)).get_content()
    assert "GPT-4.1 nano input price fell" in bob_text
    assert "Leaderboard shifts" not in bob_text
    assert not [p for p in bob.walk() if p.get_content_type() == "image/png"]
    assert bob["Subject"].endswith(
        ": GPT-4.1 nano input price fell 50%, $0.10 to $0.05 per 1M tokens (OpenRouter)"
    )
    dan_text = smtp.to("dan@example.org")[0].get_body(("plain",)).get_content()
    assert "new overall leader" in dan_text
    assert "now leads Coding" not in dan_text


def test_an_unconfirmed_subscriber_gets_nothing_and_is_counted(
    warehouse, settings, smtp
):
    report = run(warehouse, settings)

    assert smtp.to("cat@example.net") == []
    assert report.skipped_consent_count == 1
    assert report.sent_count == 3


def test_rerunning_a_week_sends_nothing_twice(warehouse, settings, smtp):
    first = run(warehouse, settings)

    second = run(warehouse, settings)

    assert (first.sent_count, second.sent_count) == (3, 0)
    assert second.already_sent_count == 3
    assert len(smtp.received) == 3
    stamped = query(
        warehouse,
        "SELECT count(*) FROM change_events WHERE digested_at IS "
        "NOT NULL AND NOT is_backfill AND detected_at < '2026-12-07'",
    )
    assert stamped == [(8,)]


def test_two_weeks_give_two_digests_with_their_own_message_ids(
    warehouse, settings, smtp
):
    run(warehouse, settings, WEEK)

    run(warehouse, settings, NEXT_WEEK)

    first, second = smtp.to("ada@example.org")
    assert NEXT_WEEK in second["Subject"]
    assert "Claude X was added" in second.get_body(("plain",)).get_content()
    assert first["Message-ID"] != second["Message-ID"]
    assert [m["Subject"].split(":")[0] for m in smtp.to("bob@example.com")] == [
        f"Leaderboard digest {WEEK}",
        f"Leaderboard digest {NEXT_WEEK}",
    ]


def test_message_id_is_derived_from_the_outbox_key_and_stored_with_the_bytes(
    warehouse, settings, smtp
):
    run(warehouse, settings)

    [(key, stored)] = query(
        warehouse,
        "SELECT delivery_key, message FROM digest_deliveries "
        "WHERE subscriber_id = 's-ada' AND status = 'sent'",
    )
    sent = smtp.to("ada@example.org")[0]
    assert sent["Message-ID"] == f"<digest-{WEEK}-{key[:24]}@leaderboard.example>"
    assert message_from_bytes(stored)["Message-ID"] == sent["Message-ID"]


def test_a_quiet_week_sends_nothing_unless_the_note_is_enabled(
    warehouse, settings, smtp
):
    silent = run(warehouse, settings, "2026-W51")

    noted = run(warehouse, settings, "2026-W51", DigestOptions(quiet_note=True))

    assert silent.sent_count == 0 and silent.skipped_empty_count == 3
    assert noted.sent_count == 3
    message = smtp.to("ada@example.org")[0]
    assert message["Subject"] == "Leaderboard digest 2026-W51: a quiet week"
    assert "Nothing material changed" in message.get_body(("plain",)).get_content()


def test_the_unsubscribe_token_in_the_header_stops_the_next_weeks_digest(
    warehouse, settings, smtp
):
    run(warehouse, settings, WEEK)
    header = smtp.to("ada@example.org")[0]["List-Unsubscribe"]
    token = re.search(r"token=([^>]+)>", header).group(1)

    change_subscription(warehouse, token, "unsubscribe", now=RUN_AT, secret=SECRET)
    report = run(warehouse, settings, NEXT_WEEK)

    assert len(smtp.to("ada@example.org")) == 1
    assert report.sent_count == 2


def test_a_transient_4xx_is_retried_and_the_message_arrives_once(
    warehouse, settings, smtp
):
    smtp.transient_data_failures = 2

    report = run(warehouse, settings)

    assert report.sent_count == 3 and report.failed_count == 0
    assert len(smtp.to("ada@example.org")) == 1
    attempts = query(warehouse, "SELECT sum(attempt_count) FROM digest_deliveries")
    assert attempts == [(3,)]


def test_a_permanent_5xx_is_recorded_and_the_others_still_get_theirs(
    warehouse, settings, smtp
):
    smtp.refused["bob@example.com"] = "550 5.1.1 <bob@example.com>: no such user"

    report = run(warehouse, settings)
    rerun = run(warehouse, settings)

    assert report.sent_count == 2 and report.failed_count == 1
    assert rerun.sent_count == 0 and rerun.failed_count == 0
    assert smtp.to("ada@example.org") and smtp.to("dan@example.org")
    [(status, error, attempts)] = query(
        warehouse,
        "SELECT status, error, attempt_count FROM digest_deliveries "
        "WHERE subscriber_id = 's-bob'",
    )
    assert (status, attempts) == ("failed", 1)
    assert error == "550 5.1.1 <address>: no such user"


def test_an_unreachable_server_leaves_rows_pending_for_the_next_run(
    warehouse, smtp_server, mail_env
):
    handler, port = smtp_server
    closed = load_mail_settings({**mail_env, "LEADERBOARD_SMTP_PORT": str(free_port())})

    down = run(warehouse, closed, options=DigestOptions(retry_backoff_s=0.0))
    up = run(warehouse, load_mail_settings(mail_environ(port)))

    assert (down.sent_count, down.failed_count) == (0, 3)
    assert up.sent_count == 3
    assert len(handler.received) == 3
