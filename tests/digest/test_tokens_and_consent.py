"""Signed link tokens, consent rules per region, and the week arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from digest.compose import compose_digest, is_news
from digest.consent import (
    CONSENT_RULES,
    ConsentRule,
    may_send,
    normalise_address,
    region_for_country,
)
from digest.errors import SubscriptionError, TokenError, WeekError
from digest.records import DigestEvent, Subscriber
from digest.tokens import make_token, read_token
from digest.weeks import parse_week, week_bounds

SECRET = "a-long-enough-test-secret"
NOW = datetime(2026, 12, 7, 8, tzinfo=UTC)


def test_a_confirm_token_names_its_subscriber():
    token = make_token(SECRET, "confirm", "s-ada", NOW)

    assert read_token(SECRET, token, "confirm", NOW + timedelta(days=6)) == "s-ada"


@pytest.mark.parametrize("position", [0, 5, -3])
def test_a_tampered_token_is_a_clear_error(position):
    token = make_token(SECRET, "unsubscribe", "s-ada", NOW)
    flipped = "A" if token[position] != "A" else "B"
    index = position % len(token)
    tampered = token[:index] + flipped + token[index + 1 :]

    with pytest.raises(TokenError, match="altered|not well formed|no subscriber"):
        read_token(SECRET, tampered, "unsubscribe", NOW)


def test_a_token_signed_with_another_secret_is_refused():
    token = make_token("another-secret-entirely", "unsubscribe", "s-ada", NOW)

    with pytest.raises(TokenError, match="another LEADERBOARD_SECRET"):
        read_token(SECRET, token, "unsubscribe", NOW)


def test_a_confirm_token_cannot_unsubscribe_and_an_unsubscribe_token_cannot_confirm():
    confirm = make_token(SECRET, "confirm", "s-ada", NOW)
    unsubscribe = make_token(SECRET, "unsubscribe", "s-ada", NOW)

    with pytest.raises(TokenError, match="for 'confirm', not 'unsubscribe'"):
        read_token(SECRET, confirm, "unsubscribe", NOW)
    with pytest.raises(TokenError, match="for 'unsubscribe', not 'confirm'"):
        read_token(SECRET, unsubscribe, "confirm", NOW)


def test_a_confirm_token_expires_after_a_week_but_an_unsubscribe_token_never_does():
    confirm = make_token(SECRET, "confirm", "s-ada", NOW)
    unsubscribe = make_token(SECRET, "unsubscribe", "s-ada", NOW)
    much_later = NOW + timedelta(days=400)

    with pytest.raises(TokenError, match="expired"):
        read_token(SECRET, confirm, "confirm", NOW + timedelta(days=8))
    assert read_token(SECRET, unsubscribe, "unsubscribe", much_later) == "s-ada"


def test_garbage_is_not_a_token():
    with pytest.raises(TokenError, match="not well formed|altered"):
        read_token(SECRET, "not a token at all ü", "confirm", NOW)


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("DE", "eu_eea"),
        ("no", "eu_eea"),
        ("GB", "uk"),
        ("US", "us"),
        ("PR", "us"),
        ("JP", "other"),
        ("BR", "other"),
    ],
)
def test_the_region_is_derived_from_the_country_code(country, region):
    assert region_for_country(country) == region


def test_a_malformed_country_code_is_refused():
    with pytest.raises(SubscriptionError, match="ISO 3166-1"):
        region_for_country("Germany")


def test_double_opt_in_is_required_everywhere_by_default():
    for region in CONSENT_RULES:
        pending = Subscriber("s", "a@b.org", region, "pending")
        confirmed = Subscriber("s", "a@b.org", region, "confirmed")
        assert not may_send(pending) and may_send(confirmed)


def test_the_rules_are_data_so_a_region_can_be_set_to_single_opt_in():
    rules = {**CONSENT_RULES, "us": ConsentRule(False, "single opt-in")}

    assert may_send(Subscriber("s", "a@b.org", "us", "pending"), rules)
    assert not may_send(Subscriber("s", "a@b.org", "eu_eea", "pending"), rules)
    assert not may_send(Subscriber("s", "a@b.org", "us", "unsubscribed"), rules)


def test_an_address_without_a_domain_is_refused():
    with pytest.raises(SubscriptionError, match="not an e-mail address"):
        normalise_address("ada-at-example")


def test_weeks_are_checked_and_span_monday_to_monday_in_utc():
    start, end = week_bounds("2026-W49")

    assert (start.isoformat(), end.isoformat()) == (
        "2026-11-30T00:00:00+00:00",
        "2026-12-07T00:00:00+00:00",
    )
    with pytest.raises(WeekError, match="has no week 54"):
        parse_week("2026-W54")


def event(event_type, materiality="notable", before=None, after=None, category=None):
    return DigestEvent(
        event_type,
        event_type,
        materiality,
        f"{event_type} happened",
        NOW,
        model_id="m",
        model_name="M",
        category_id=category,
        before_value=before,
        after_value=after,
    )


def test_rank_moves_count_only_when_they_touch_the_top_ten():
    assert is_news(event("rank_moved", before=12, after=9))
    assert is_news(event("rank_moved", before=8, after=14))
    assert not is_news(event("rank_moved", before=45, after=40))
    assert not is_news(event("value_new", "routine"))
    assert not is_news(event("source_failing"))


def test_sections_follow_the_fixed_order_whatever_order_events_arrive_in():
    events = [
        event("benchmark_stale"),
        event("price_changed"),
        event("value_corrected"),
        event("model_added"),
        event("category_winner_flipped", category="coding"),
    ]
    reader = Subscriber("s", "a@b.org", "uk", "confirmed")

    digest = compose_digest("2026-W49", events, reader, "https://x.example")

    assert [s.section_id for s in digest.sections] == [
        "shifts",
        "models",
        "values",
        "prices",
        "stale",
    ]
    assert digest.headline == "category_winner_flipped happened"
