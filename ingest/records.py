"""Records that parsers return and the warehouse loads.

Parsers turn a snapshot's bytes into these frozen records; they carry raw names exactly
as the source wrote them, so name resolution and the warehouse can keep both the raw
text and the resolved id. Nothing here touches the network or a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

PRICE_STATES = ("priced", "free", "unknown", "deprecated")


@dataclass(frozen=True, slots=True)
class Observation:
    """One parsed fact: a model had a value on a benchmark, as the source reports it.

    `raw_model_id` is a second, more machine-like name when the source has one (an API
    id in a command line, a `Model:` tag) and helps name resolution. `raw_run_id` is the
    source's own key for the run behind the value (aider `dirname`, SWE-bench `folder`),
    since one model name can head several runs in the same snapshot.
    """

    raw_model_name: str
    raw_benchmark_name: str
    value: float
    value_text: str
    unit: str
    reported_date: date | None = None
    citation_url: str | None = None
    raw_model_id: str | None = None
    raw_run_id: str | None = None


@dataclass(frozen=True, slots=True)
class PriceQuote:
    """A model's text-token price at one provider, in USD per million tokens."""

    raw_model_name: str
    state: str
    input_usd_per_mtok: float | None = None
    output_usd_per_mtok: float | None = None
    provider: str | None = None
    effective_from_date: date | None = None
    effective_to_date: date | None = None
    citation_url: str | None = None

    def __post_init__(self) -> None:
        if self.state not in PRICE_STATES:
            raise ValueError(f"price state {self.state!r} is not one of {PRICE_STATES}")


@dataclass(frozen=True, slots=True)
class ModelFact:
    """Descriptive facts about a model that a source states (None when it does not).

    `display_name` is the human label a source shows beside its id ("GPT-4.1 Nano"
    beside `gpt-4.1-nano`); name resolution can use it as a second alias.
    """

    raw_model_name: str
    provider: str | None = None
    context_window_tokens: int | None = None
    max_output_tokens: int | None = None
    is_reasoning: bool | None = None
    is_open_weights: bool | None = None
    release_date: date | None = None
    deprecation_date: date | None = None
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class RuntimeSample:
    """A measured runtime metric, e.g. `output_tokens_per_s` or `ttft_s`."""

    raw_model_name: str
    metric: str
    value: float
    measured_date: date | None = None
    citation_url: str | None = None


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Everything one snapshot yielded; parsers fill only the kinds they know."""

    observations: tuple[Observation, ...] = ()
    price_quotes: tuple[PriceQuote, ...] = ()
    model_facts: tuple[ModelFact, ...] = ()
    runtime_samples: tuple[RuntimeSample, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ResolvedObservation:
    """An observation with its canonical ids (None when unresolved) and its lane."""

    observation: Observation
    model_id: str | None
    benchmark_id: str | None
    lane: str
    snapshot_sha256: str | None = None  # the file it came from, for multi-file sources


@dataclass(frozen=True, slots=True)
class ResolvedPrice:
    """A price quote with its canonical model id (None when unresolved)."""

    quote: PriceQuote
    model_id: str | None
    snapshot_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class ResolvedFact:
    """A model fact with its canonical model id (None when unresolved)."""

    fact: ModelFact
    model_id: str | None
    snapshot_sha256: str | None = None
