"""Render a digest as HTML (autoescaped Jinja2, inline CSS) and as plain text.

Every string from a source (model names, summaries) reaches the HTML only through
autoescaping, so markup in a name shows as text. The text part carries the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from digest.compose import Digest
from digest.records import Subscriber

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True, slots=True)
class RenderedDigest:
    """The two bodies of one message."""

    subject: str
    html: str
    text: str


@cache
def environment() -> jinja2.Environment:
    """Templates from `digest/templates`; `.html` autoescaped, undefined names fail."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def subject_for(digest: Digest) -> str:
    """`Leaderboard digest 2026-W49: <headline>`; header folding handles the length."""
    return f"Leaderboard digest {digest.week}: {digest.headline}"


def render_digest(
    digest: Digest,
    subscriber: Subscriber,
    *,
    public_url: str,
    unsubscribe_url: str,
    chart_src: str | None,
) -> RenderedDigest:
    """Both bodies; `chart_src` is the image address (`cid:` in a message) or None."""
    subject = subject_for(digest)
    context = {
        "digest": digest,
        "subject": subject,
        "public_url": public_url,
        "unsubscribe_url": unsubscribe_url,
        "preferences": describe_preferences(subscriber),
        "chart_src": chart_src,
    }
    html = environment().get_template("digest.html").render(context)
    text = environment().get_template("digest.txt").render(context)
    return RenderedDigest(subject, html, text)


def render_confirmation(confirm_url: str, token: str) -> str:
    """The plain-text body of the double opt-in message."""
    template = environment().get_template("confirm.txt")
    return template.render(confirm_url=confirm_url, token=token)


def describe_preferences(subscriber: Subscriber) -> str:
    """The filters a subscriber chose, in words; empty when they take everything.

    >>> describe_preferences(Subscriber("s", "a@b.c", "uk", "confirmed", ("coding",)))
    'categories: coding'
    """
    parts = []
    if subscriber.category_ids:
        parts.append("categories: " + ", ".join(subscriber.category_ids))
    if subscriber.event_types:
        parts.append("events: " + ", ".join(subscriber.event_types))
    return "; ".join(parts)
