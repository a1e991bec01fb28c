"""Build the RFC 5322 messages: the weekly digest and the double opt-in confirmation.

The digest's Message-ID comes from its outbox key, so a resent message is recognisably
the same one; it carries RFC 8058 one-click unsubscribe headers with a signed token.
The bytes returned are what is stored in the outbox and handed to SMTP.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from digest.chart import render_rank_chart
from digest.compose import Digest
from digest.records import Subscriber
from digest.render import render_confirmation, render_digest
from digest.settings import MailSettings
from digest.tokens import make_token

CHART_CID = "rank-chart"


def delivery_key(week: str, subscriber_id: str) -> str:
    """The outbox key of one subscriber's digest for one week.

    >>> delivery_key("2026-W49", "s1") == delivery_key("2026-W49", "s1")
    True
    """
    return hashlib.sha256(f"digest|{week}|{subscriber_id}".encode()).hexdigest()


def unsubscribe_links(settings: MailSettings, token: str) -> tuple[str, str]:
    """The https one-click link and the mailto fallback for one subscriber."""
    https = f"{settings.public_url}/digest/unsubscribe?token={token}"
    mailto = (
        f"mailto:unsubscribe@{settings.domain}?subject={quote('unsubscribe ' + token)}"
    )
    return https, mailto


def build_digest_message(
    digest: Digest, subscriber: Subscriber, settings: MailSettings, now: datetime
) -> EmailMessage:
    """The whole digest message: text, HTML, and the inline chart if there is one."""
    token = make_token(settings.secret, "unsubscribe", subscriber.subscriber_id, now)
    https, mailto = unsubscribe_links(settings, token)
    chart = render_rank_chart(digest.movements) if digest.movements else None
    rendered = render_digest(
        digest,
        subscriber,
        public_url=settings.public_url,
        unsubscribe_url=https,
        chart_src=f"cid:{CHART_CID}@{settings.domain}" if chart else None,
    )
    message = _headers(settings, subscriber.email, rendered.subject, now)
    key = delivery_key(digest.week, subscriber.subscriber_id)
    message["Message-ID"] = f"<digest-{digest.week}-{key[:24]}@{settings.domain}>"
    message["List-Id"] = f"Leaderboard weekly digest <digest.{settings.domain}>"
    message["List-Unsubscribe"] = f"<{https}>, <{mailto}>"
    # RFC 8058 section 3.1: a POST of this body to the https link unsubscribes.
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    if chart:
        html_part = message.get_payload()[1]
        html_part.add_related(
            chart,
            "image",
            "png",
            cid=f"<{CHART_CID}@{settings.domain}>",
            filename="rank-movements.png",
            disposition="inline",
        )
    return message


def build_confirmation_message(
    subscriber: Subscriber, settings: MailSettings, now: datetime
) -> EmailMessage:
    """The double opt-in message with a signed confirmation link."""
    token = make_token(settings.secret, "confirm", subscriber.subscriber_id, now)
    confirm_url = f"{settings.public_url}/digest/confirm?token={token}"
    message = _headers(
        settings, subscriber.email, "Confirm your leaderboard digest subscription", now
    )
    message["Message-ID"] = make_msgid("confirm", domain=settings.domain)
    message.set_content(render_confirmation(confirm_url, token))
    return message


def to_bytes(message: EmailMessage) -> bytes:
    """Wire format: CRLF line ends, long headers folded."""
    return message.as_bytes(policy=policy.SMTP)


def _headers(
    settings: MailSettings, recipient: str, subject: str, now: datetime
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    return message
