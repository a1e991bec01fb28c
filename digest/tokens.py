"""Signed link tokens for confirming and unsubscribing, HMAC-SHA256 with the secret.

A token names its purpose and subscriber and, where that makes sense, an expiry: a
confirmation link lasts a week, an unsubscribe link never expires (RFC 8058 links must
keep working from old messages). Nothing is stored; the signature is the proof.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import datetime, timedelta

from digest.errors import TokenError

PURPOSES = ("confirm", "unsubscribe")
TOKEN_TTL = {"confirm": timedelta(days=7), "unsubscribe": None}
_VERSION = "v1"


def make_token(secret: str, purpose: str, subscriber_id: str, now: datetime) -> str:
    """A URL-safe token for `purpose` and one subscriber, signed with `secret`."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    ttl = TOKEN_TTL[purpose]
    expires = int((now + ttl).timestamp()) if ttl else 0
    payload = f"{_VERSION}|{purpose}|{subscriber_id}|{expires}".encode()
    return f"{_encode(payload)}.{_encode(_sign(secret, payload))}"


def read_token(secret: str, token: str, purpose: str, now: datetime) -> str:
    """The subscriber id a valid token carries; TokenError for anything else."""
    payload = _verified_payload(secret, token.strip())
    version, token_purpose, subscriber_id, expires = payload.split("|")
    if version != _VERSION or token_purpose != purpose:
        raise TokenError(
            f"this token is for {token_purpose!r}, not {purpose!r}; use the "
            f"{purpose} link from the message"
        )
    if expires != "0" and int(expires) < now.timestamp():
        raise TokenError(
            f"this {purpose} token has expired; subscribe again to get a new link"
        )
    return subscriber_id


def _verified_payload(secret: str, token: str) -> str:
    head, _, signature = token.partition(".")
    try:
        payload = _decode(head)
        given = _decode(signature)
    except (binascii.Error, ValueError):
        raise TokenError(
            "the token is not well formed; copy the whole link from the message"
        ) from None
    # compare_digest takes the same time wherever the first differing byte is.
    if not signature or not hmac.compare_digest(given, _sign(secret, payload)):
        raise TokenError(
            "the token's signature does not match: it was altered, truncated or "
            "signed with another LEADERBOARD_SECRET"
        )
    text = payload.decode("utf-8")
    if text.count("|") != 3:
        raise TokenError("the token carries no subscriber; ask for a new link")
    return text


def _sign(secret: str, payload: bytes) -> bytes:
    key = hashlib.sha256(b"leaderboard-digest-token|" + secret.encode()).digest()
    return hmac.new(key, payload, hashlib.sha256).digest()


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
