"""Compose one subscriber's digest from the week's change events.

Sections come in a fixed order, leaderboard shifts first, and are data (`SECTIONS`).
Only material events (notable or major) are news; a subscriber's preferences narrow
them further. Composing is pure: no database, no SMTP, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from digest.errors import SubscriptionError
from digest.records import DigestEvent, Subscriber


@dataclass(frozen=True, slots=True)
class Section:
    """A group of event types shown under one heading."""

    section_id: str
    title: str
    event_types: tuple[str, ...]


SECTIONS = (
    Section(
        "shifts",
        "Leaderboard shifts",
        ("new_leader", "rank_moved", "category_winner_flipped"),
    ),
    Section("models", "New models", ("model_added",)),
    Section(
        "values",
        "Scores and corrections",
        ("value_new", "value_corrected", "value_withdrawn"),
    ),
    Section(
        "prices",
        "Prices and context windows",
        ("price_changed", "price_added", "price_removed", "context_window_changed"),
    ),
    Section("stale", "Benchmarks gone stale", ("benchmark_stale",)),
)
EVENT_TYPES = tuple(t for section in SECTIONS for t in section.event_types)
MATERIAL = frozenset({"notable", "major"})
TOP = 10
CHART_LIMIT = 6


@dataclass(frozen=True, slots=True)
class DigestLine:
    """One event as a reader sees it: what changed, and where to read more."""

    event_type: str
    text: str
    link_url: str | None
    link_label: str
    is_major: bool


@dataclass(frozen=True, slots=True)
class DigestSection:
    section_id: str
    title: str
    lines: tuple[DigestLine, ...]


@dataclass(frozen=True, slots=True)
class RankMovement:
    """A model's overall rank before and after, for the chart."""

    model_name: str
    before_rank: int
    after_rank: int


@dataclass(frozen=True, slots=True)
class Digest:
    """Everything one message says; empty `sections` is a quiet-week note."""

    week: str
    headline: str
    sections: tuple[DigestSection, ...]
    movements: tuple[RankMovement, ...]

    @property
    def is_quiet(self) -> bool:
        return not self.sections


def is_news(event: DigestEvent) -> bool:
    """True for a material event of a type the digest reports.

    NOTE: a rank move counts only when it touches the top 10 (into, out of or inside
    it); a notable move from 45th to 40th is not news for readers.
    """
    if event.event_type not in EVENT_TYPES or event.materiality not in MATERIAL:
        return False
    if event.event_type == "rank_moved":
        ranks = (event.before_value, event.after_value)
        return any(rank is not None and rank <= TOP for rank in ranks)
    return True


def wants(subscriber: Subscriber, event: DigestEvent) -> bool:
    """True when the subscriber's preferences let the event through.

    An event with no category (overall moves, prices) passes a category filter.
    """
    if subscriber.event_types and event.event_type not in subscriber.event_types:
        return False
    if subscriber.category_ids and event.category_id is not None:
        return event.category_id in subscriber.category_ids
    return True


def compose_digest(
    week: str,
    events: Sequence[DigestEvent],
    subscriber: Subscriber,
    public_url: str,
    *,
    quiet_note: bool = False,
) -> Digest | None:
    """The subscriber's digest for `week`, or None when there is nothing to send."""
    chosen = [e for e in events if is_news(e) and wants(subscriber, e)]
    sections = tuple(
        DigestSection(s.section_id, s.title, _lines(s, chosen, public_url))
        for s in SECTIONS
        if any(e.event_type in s.event_types for e in chosen)
    )
    if not sections and not quiet_note:
        return None
    headline = sections[0].lines[0].text if sections else "a quiet week"
    return Digest(week, _shorten(headline), sections, _movements(chosen))


def _lines(
    section: Section, events: list[DigestEvent], public_url: str
) -> tuple[DigestLine, ...]:
    ordered = sorted(
        (e for e in events if e.event_type in section.event_types),
        key=lambda e: (
            section.event_types.index(e.event_type),
            e.materiality != "major",
            e.detected_at,
            e.event_id,
        ),
    )
    return tuple(_line(e, public_url) for e in ordered)


def _line(event: DigestEvent, public_url: str) -> DigestLine:
    url, label = link_for(event, public_url)
    return DigestLine(
        event.event_type, event.summary, url, label, event.materiality == "major"
    )


def link_for(event: DigestEvent, public_url: str) -> tuple[str | None, str]:
    """The page that explains an event: a comparison when two models are involved.

    >>> e = DigestEvent("e1", "new_leader", "major", "s", None, "a/b", "A", "c", "C")
    >>> link_for(e, "https://lb.example")
    ('https://lb.example/compare/a%2Fb/c', 'A vs C')
    """
    if event.model_id and event.other_model_id:
        path = f"compare/{_slug(event.model_id)}/{_slug(event.other_model_id)}"
        name = event.model_name or event.model_id
        other = event.other_model_name or event.other_model_id
        return f"{public_url}/{path}", f"{name} vs {other}"
    if event.model_id:
        name = event.model_name or event.model_id
        return f"{public_url}/models/{_slug(event.model_id)}", name
    if event.benchmark_id:
        return (
            f"{public_url}/benchmarks/{_slug(event.benchmark_id)}",
            event.benchmark_id,
        )
    return None, ""


def _slug(identifier: str) -> str:
    return quote(identifier, safe="")


def _movements(events: list[DigestEvent]) -> tuple[RankMovement, ...]:
    moves = [
        RankMovement(
            e.model_name or e.model_id or "?", int(e.before_value), int(e.after_value)
        )
        for e in events
        if e.event_type == "rank_moved"
        and e.category_id is None
        and e.before_value is not None
        and e.after_value is not None
    ]
    moves.sort(key=lambda m: (-abs(m.before_rank - m.after_rank), m.model_name))
    return tuple(moves[:CHART_LIMIT])


def _shorten(text: str, limit: int = 80) -> str:
    """One line of at most `limit` characters.

    >>> _shorten("a " * 50, 10)
    'a a a a a…'
    """
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def expand_event_types(names: Sequence[str]) -> tuple[str, ...]:
    """Event types from a mix of section ids and event types, in report order.

    >>> expand_event_types(["prices", "new_leader"])[:2]
    ('new_leader', 'price_changed')
    """
    wanted = set()
    for name in (n.strip().lower() for n in names):
        section = next((s for s in SECTIONS if s.section_id == name), None)
        if section:
            wanted.update(section.event_types)
        elif name in EVENT_TYPES:
            wanted.add(name)
        else:
            choices = ", ".join(s.section_id for s in SECTIONS)
            raise SubscriptionError(
                f"unknown event kind {name!r}; use a section ({choices}) or an "
                f"event type ({', '.join(EVENT_TYPES)})"
            )
    return tuple(t for t in EVENT_TYPES if t in wanted)
