"""Mail settings read from the environment, checked once before anything is sent.

`LEADERBOARD_SMTP_HOST`, `_PORT`, `_USERNAME`, `_PASSWORD`, `_SECURITY` (starttls, tls
or none), `LEADERBOARD_MAIL_FROM`, `LEADERBOARD_PUBLIC_URL` and `LEADERBOARD_SECRET`.
The password and the secret are kept out of `repr` so they never reach a log.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import urlsplit

from digest.errors import MailSettingsError

SECURITY_MODES = ("starttls", "tls", "none")
_DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """How to reach the SMTP relay."""

    host: str
    port: int
    security: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_s: float = 30.0


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Everything needed to build and send digest messages."""

    smtp: SmtpSettings
    mail_from: str
    public_url: str
    secret: str = field(repr=False)

    @property
    def domain(self) -> str:
        """The sending domain, used in Message-ID, List-Id and the mailto address."""
        return self.envelope_from.rpartition("@")[2].lower()

    @property
    def envelope_from(self) -> str:
        """The bare address of `mail_from`, for the SMTP envelope."""
        return parseaddr(self.mail_from)[1]


def load_mail_settings(environ: Mapping[str, str] | None = None) -> MailSettings:
    """Read and check the mail settings; MailSettingsError names what is wrong."""
    env = os.environ if environ is None else environ
    security = env.get("LEADERBOARD_SMTP_SECURITY", "starttls").lower()
    if security not in SECURITY_MODES:
        raise MailSettingsError(
            f"LEADERBOARD_SMTP_SECURITY is {security!r}; use starttls, tls or none"
        )
    smtp = SmtpSettings(
        host=_required(env, "LEADERBOARD_SMTP_HOST"),
        port=_port(env.get("LEADERBOARD_SMTP_PORT"), security),
        security=security,
        username=env.get("LEADERBOARD_SMTP_USERNAME") or None,
        password=env.get("LEADERBOARD_SMTP_PASSWORD") or None,
    )
    return MailSettings(
        smtp=smtp,
        mail_from=_mail_from(_required(env, "LEADERBOARD_MAIL_FROM")),
        public_url=_public_url(_required(env, "LEADERBOARD_PUBLIC_URL")),
        secret=_secret(_required(env, "LEADERBOARD_SECRET")),
    )


def load_secret(environ: Mapping[str, str] | None = None) -> str:
    """Only the token secret: enough to confirm or unsubscribe without SMTP."""
    env = os.environ if environ is None else environ
    return _secret(_required(env, "LEADERBOARD_SECRET"))


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise MailSettingsError(f"{name} is not set; set it in the environment")
    return value


def _port(text: str | None, security: str) -> int:
    if not text:
        return _DEFAULT_PORTS[security]
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise MailSettingsError(f"LEADERBOARD_SMTP_PORT is {text!r}; use 1 to 65535")
    return int(text)


def _mail_from(text: str) -> str:
    name, address = parseaddr(text)
    if "@" not in address:
        raise MailSettingsError(
            f"LEADERBOARD_MAIL_FROM is {text!r}; use an address such as "
            "'Leaderboard <digest@example.org>'"
        )
    user, _, domain = address.partition("@")
    return str(Address(name or "", user, domain))


def _public_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise MailSettingsError(
            f"LEADERBOARD_PUBLIC_URL is {text!r}; use the site's https address"
        )
    return text.rstrip("/")


def _secret(text: str) -> str:
    if len(text) < 16:
        raise MailSettingsError(
            "LEADERBOARD_SECRET is shorter than 16 characters; use a long random value"
        )
    return text
