"""Consent: which region an address belongs to and what that region requires.

The country code is used once, to derive a region, and is never stored. The rules are
data (`CONSENT_RULES`); the default asks double opt-in everywhere, which satisfies the
strictest regime (EU/EEA and UK) and is good practice elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

from digest.errors import SubscriptionError
from digest.records import Subscriber

# The 27 EU members, then Iceland, Liechtenstein and Norway (EEA).
EU_EEA = frozenset(
    {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR"),
        *("HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK"),
        *("SI", "ES", "SE", "IS", "LI", "NO"),
    }
)
UK = frozenset({"GB", "UK", "GG", "JE", "IM"})
US = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM"})
REGIONS = ("eu_eea", "uk", "us", "other")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True, slots=True)
class ConsentRule:
    """What a region needs before a digest may be sent."""

    requires_confirmation: bool
    basis: str


CONSENT_RULES = MappingProxyType(
    {
        "eu_eea": ConsentRule(True, "GDPR art. 6(1)(a) and ePrivacy art. 13: consent"),
        "uk": ConsentRule(True, "UK GDPR and PECR reg. 22: consent"),
        "us": ConsentRule(True, "CAN-SPAM allows opt-out; double opt-in by choice"),
        "other": ConsentRule(True, "double opt-in by default"),
    }
)


def region_for_country(country_code: str) -> str:
    """The region whose consent rule applies to an ISO 3166-1 alpha-2 code.

    >>> region_for_country("de"), region_for_country("GB"), region_for_country("JP")
    ('eu_eea', 'uk', 'other')
    """
    code = country_code.strip().upper()
    if not _COUNTRY_CODE.match(code):
        raise SubscriptionError(
            f"country code {country_code!r} is not two letters; give an ISO 3166-1 "
            "code such as DE, GB or US"
        )
    if code in EU_EEA:
        return "eu_eea"
    if code in UK:
        return "uk"
    return "us" if code in US else "other"


def may_send(
    subscriber: Subscriber, rules: MappingProxyType | dict = CONSENT_RULES
) -> bool:
    """True when the subscriber's region rule allows sending them a digest now.

    An unknown region falls back to the rule for `other`; an unsubscribed address is
    never sent anything.
    """
    if subscriber.status == "unsubscribed":
        return False
    rule = rules.get(subscriber.region, rules["other"])
    if rule.requires_confirmation:
        return subscriber.status == "confirmed"
    return subscriber.status in ("pending", "confirmed")


def status_after(current: str, purpose: str) -> str:
    """The status a valid token moves a subscriber to.

    An unsubscribed address cannot be confirmed with an old link: it must subscribe
    again, which sends a fresh one.
    """
    if purpose == "unsubscribe":
        return "unsubscribed"
    if current == "unsubscribed":
        raise SubscriptionError(
            "this address has unsubscribed; subscribe again to get a new "
            "confirmation link"
        )
    return "confirmed"


def normalise_address(text: str) -> str:
    """An e-mail address trimmed, with its domain in lower case.

    >>> normalise_address("  Ada.Lovelace@Example.ORG ")
    'Ada.Lovelace@example.org'
    """
    address = text.strip()
    local, _, domain = address.rpartition("@")
    if (
        not local
        or "." not in domain
        or any(c.isspace() or c in "<>,;" for c in address)
    ):
        raise SubscriptionError(
            f"{text!r} is not an e-mail address; give one such as ada@example.org"
        )
    return f"{local}@{domain.lower()}"
