"""Hand messages to the SMTP relay with smtplib: the only module that talks SMTP.

One connection is opened lazily and reused. A 4xx reply or a dropped connection is
retried with exponential backoff; a 5xx reply for a recipient or message is permanent.
Logs name the delivery key and the reply code, never an address, body or password.
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import ssl
import time

from digest.errors import (
    MailSettingsError,
    PermanentDeliveryError,
    SmtpUnavailableError,
    TransientDeliveryError,
)
from digest.settings import SmtpSettings

logger = logging.getLogger(__name__)
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")


class Sender:
    """Sends bytes over one reused SMTP connection; use it as a context manager."""

    def __init__(
        self, settings: SmtpSettings, *, attempts: int = 4, backoff_s: float = 1.0
    ) -> None:
        self.settings = settings
        self.attempts = attempts
        self.backoff_s = backoff_s
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Say QUIT if the connection is still up, and forget it."""
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None

    def send(self, message: bytes, sender: str, recipient: str, key: str) -> None:
        """Deliver one message; TransientDeliveryError once retries are used up."""
        for attempt in range(1, self.attempts + 1):
            try:
                self._send_once(message, sender, recipient)
            except TransientDeliveryError as exc:
                logger.warning(
                    "smtp transient failure key=%.12s attempt=%d reply=%s",
                    key,
                    attempt,
                    exc.reply,
                )
                if attempt == self.attempts:
                    raise
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            else:
                logger.info("smtp accepted key=%.12s attempt=%d", key, attempt)
                return

    def _send_once(self, message: bytes, sender: str, recipient: str) -> None:
        try:
            smtp = self._connection()
            smtp.sendmail(sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _classified(code, text, "the server refused the recipient") from None
        except smtplib.SMTPResponseException as exc:
            # 421 means the server is closing the channel: reconnect next time.
            if exc.smtp_code < 400 or exc.smtp_code == 421:
                self._drop()
            if exc.smtp_code < 400:
                raise _dropped(exc) from None
            raise _classified(
                exc.smtp_code, exc.smtp_error, "the server refused the message"
            ) from None
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise _dropped(exc) from None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except (smtplib.SMTPException, OSError) as exc:
                reply = f"connection: {type(exc).__name__}"
                raise SmtpUnavailableError(
                    f"cannot reach the SMTP server {self.settings.host!r} port "
                    f"{self.settings.port} ({reply}); check LEADERBOARD_SMTP_HOST and "
                    "_PORT, or retry when it is back",
                    reply,
                ) from None
        return self._smtp

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host,
                s.port,
                timeout=s.timeout_s,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        if s.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if s.username:
            _login(smtp, s)
        logger.info(
            "smtp connected host=%s port=%d security=%s", s.host, s.port, s.security
        )
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
            self._smtp = None


def _login(smtp: smtplib.SMTP, settings: SmtpSettings) -> None:
    try:
        smtp.login(settings.username or "", settings.password or "")
    except smtplib.SMTPAuthenticationError as exc:
        # The reply is the server's; the password is never part of an error.
        raise MailSettingsError(
            f"the SMTP server {settings.host!r} refused the login "
            f"({exc.smtp_code}); check LEADERBOARD_SMTP_USERNAME and "
            "LEADERBOARD_SMTP_PASSWORD"
        ) from None


def _classified(code: int, text: bytes | str, what: str):
    reply = redact_reply(code, text)
    if 400 <= code < 500:
        return TransientDeliveryError(f"{what} for now: {reply}; retry later", reply)
    return PermanentDeliveryError(f"{what}: {reply}; retrying will not help", reply)


def _dropped(exc: Exception) -> TransientDeliveryError:
    reply = f"connection: {type(exc).__name__}"
    return TransientDeliveryError(f"the SMTP connection failed ({reply}); retry", reply)


def redact_reply(code: int, text: bytes | str) -> str:
    """A server reply with any e-mail address in it replaced, safe to log and store.

    >>> redact_reply(550, b"5.1.1 <bob@example.org>: no such user")
    '550 5.1.1 <address>: no such user'
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {_ADDRESS.sub('<address>', text)}".strip()
