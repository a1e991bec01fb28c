"""Errors raised by the digest package, and whether a retry can help.

DigestError                   base; never raised itself
├── MailSettingsError         permanent: a LEADERBOARD_* mail setting is missing or
│                             wrong, or the SMTP server refused the login
├── TokenError                permanent: a link token is tampered, expired or for
│                             another purpose; ask for a new link
├── WeekError                 permanent: a week is not written like 2026-W49
├── SubscriptionError         permanent: an address or country code is not usable
└── DeliveryError             one message was not handed to the SMTP server
    ├── TransientDeliveryError    retryable: a 4xx reply or a dropped connection
    │   └── SmtpUnavailableError  retryable: the server cannot be reached at all
    └── PermanentDeliveryError    permanent: a 5xx reply for this recipient
"""

from __future__ import annotations


class DigestError(Exception):
    """Base class for every error of the digest package."""

    retryable = False


class MailSettingsError(DigestError):
    """A mail setting from the environment is missing or unusable."""


class TokenError(DigestError):
    """A signed link token did not verify."""


class WeekError(DigestError):
    """An ISO week name could not be read."""


class SubscriptionError(DigestError):
    """An e-mail address or a country code given to subscribe is not usable."""


class DeliveryError(DigestError):
    """The SMTP server did not accept a message.

    `reply` is the server's code and text (never the address or the password), kept
    in the outbox row so an operator can see why.
    """

    def __init__(self, message: str, reply: str) -> None:
        super().__init__(message)
        self.reply = reply


class TransientDeliveryError(DeliveryError):
    """A 4xx reply or a connection problem; the same message may go through later."""

    retryable = True


class SmtpUnavailableError(TransientDeliveryError):
    """No connection to the SMTP server: every other message would fail the same way."""


class PermanentDeliveryError(DeliveryError):
    """A 5xx reply: sending the same message to the same address again will fail."""
