"""Records the digest package shares with the warehouse and the flows.

Frozen dataclasses only: what a subscriber chose, one change event as the digest reads
it, and one outbox row. No behaviour beyond small derived properties.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Subscriber:
    """One address and its consent state; empty preference tuples mean everything."""

    subscriber_id: str
    email: str
    region: str
    status: str
    category_ids: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    created_at: datetime | None = None
    confirmed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DigestEvent:
    """A change event as the digest needs it, with display names already joined."""

    event_id: str
    event_type: str
    materiality: str
    summary: str
    detected_at: datetime
    model_id: str | None = None
    model_name: str | None = None
    other_model_id: str | None = None
    other_model_name: str | None = None
    category_id: str | None = None
    category_name: str | None = None
    benchmark_id: str | None = None
    before_value: float | None = None
    after_value: float | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox row: the bytes for one subscriber and week, and how sending went."""

    delivery_key: str
    subscriber_id: str
    week: str
    status: str
    attempt_count: int
    message: bytes = field(repr=False, default=b"")
    recipient: str | None = field(repr=False, default=None)
