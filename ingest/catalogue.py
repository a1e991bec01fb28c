"""The curated catalogue: models, first-party prices and cited manual values.

It ships with the project as two files, `catalogue/models.toml` and
`catalogue/values.csv`, and is read like any other source: raw bytes in, frozen records
out. Validation is complete before anything is returned, so a bad entry (unknown model
or benchmark, a value outside its benchmark's scale, a missing citation) is an error
naming the file and line, and nothing is half-loaded.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ingest.errors import CatalogueError
from ingest.names import name_key
from ingest.records import PRICE_STATES, Observation, PriceQuote

MODELS_FILE = "models.toml"
VALUES_FILE = "values.csv"
_VALUE_COLUMNS = ("model", "benchmark", "value", "reported_date", "citation_url")


@dataclass(frozen=True, slots=True)
class CatalogueModel:
    """A canonical model as the catalogue defines it."""

    model_id: str
    name: str
    organisation: str | None
    is_reasoning: bool | None
    is_open_weights: bool | None
    context_window_tokens: int | None
    release_date: date | None
    citation_url: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BenchmarkScale:
    """What the catalogue needs to know of a benchmark to check a value."""

    benchmark_id: str
    unit: str
    scale_min: float
    scale_max: float


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The parsed catalogue, with the raw bytes each part came from."""

    models: tuple[CatalogueModel, ...]
    price_quotes: tuple[PriceQuote, ...]
    observations: tuple[Observation, ...]
    models_bytes: bytes
    values_bytes: bytes


def bundled_catalogue_dir() -> Path:
    """The catalogue folder shipped inside the `ingest` package."""
    return Path(str(resources.files("ingest").joinpath("catalogue")))


def load_catalogue(folder: Path, benchmarks: Mapping[str, BenchmarkScale]) -> Catalogue:
    """Read and validate the catalogue in `folder`.

    Args:
        folder: holds `models.toml` and `values.csv`.
        benchmarks: benchmark name keys (see `name_key`) to their scales.
    """
    models_path, values_path = folder / MODELS_FILE, folder / VALUES_FILE
    models_bytes = _read(models_path)
    values_bytes = _read(values_path)
    models, quotes = parse_models(models_bytes, where=str(models_path))
    model_names = {name_key(key): m.name for m in models for key in _model_keys(m)}
    observations = parse_values(
        values_bytes, model_names, benchmarks, where=str(values_path)
    )
    return Catalogue(models, quotes, observations, models_bytes, values_bytes)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogueError(
            f"cannot read catalogue file {str(path)!r}: {exc}"
        ) from exc


def _model_keys(model: CatalogueModel) -> tuple[str, ...]:
    return (model.model_id, model.name, *model.aliases)


def parse_models(
    data: bytes, *, where: str
) -> tuple[tuple[CatalogueModel, ...], tuple[PriceQuote, ...]]:
    """Parse `models.toml` into models and their first-party price quotes."""
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"{where}: not valid TOML: {exc}; fix the syntax") from exc
    models, quotes, seen = [], [], {}
    for index, entry in enumerate(doc.get("models", []), start=1):
        here = f"{where}: model #{index} ({entry.get('model_id', '?')!r})"
        model = _model(entry, here)
        for alias in _model_keys(model):
            owner = seen.setdefault(name_key(alias), model.model_id)
            if owner != model.model_id:
                raise CatalogueError(
                    f"{here}: name or alias {alias!r} already belongs to {owner!r}; "
                    "an alias must name exactly one model"
                )
        models.append(model)
        if "price" in entry:
            quotes.append(_price(entry["price"], model, here))
    if not models:
        raise CatalogueError(f"{where}: no [[models]] entries; add at least one")
    return tuple(models), tuple(quotes)


def _model(entry: dict[str, Any], here: str) -> CatalogueModel:
    for key in ("model_id", "name", "citation_url"):
        if not entry.get(key):
            raise CatalogueError(f"{here}: missing {key!r}; every model needs it")
    context = entry.get("context_window_tokens")
    if context is not None and (not isinstance(context, int) or context <= 0):
        raise CatalogueError(
            f"{here}: context_window_tokens must be a positive integer"
        )
    return CatalogueModel(
        model_id=entry["model_id"],
        name=entry["name"],
        organisation=entry.get("organisation"),
        is_reasoning=entry.get("is_reasoning"),
        is_open_weights=entry.get("is_open_weights"),
        context_window_tokens=context,
        release_date=entry.get("release_date"),
        citation_url=entry["citation_url"],
        aliases=tuple(entry.get("aliases", ())),
    )


def _price(entry: dict[str, Any], model: CatalogueModel, here: str) -> PriceQuote:
    state = entry.get("state")
    if state not in PRICE_STATES:
        raise CatalogueError(
            f"{here}: price state {state!r}; use one of {PRICE_STATES}"
        )
    prices = [entry.get("input_usd_per_mtok"), entry.get("output_usd_per_mtok")]
    if state == "priced" and any(
        not isinstance(p, int | float) or isinstance(p, bool) or p < 0 for p in prices
    ):
        raise CatalogueError(
            f"{here}: a priced model needs input_usd_per_mtok and output_usd_per_mtok "
            f"as non-negative numbers, got {prices}"
        )
    if state == "free":
        prices = [0.0, 0.0]
    elif state != "priced":
        prices = [None, None]
    return PriceQuote(
        raw_model_name=model.name,
        state=state,
        input_usd_per_mtok=None if prices[0] is None else float(prices[0]),
        output_usd_per_mtok=None if prices[1] is None else float(prices[1]),
        provider=model.organisation,
        citation_url=entry.get("citation_url") or model.citation_url,
    )


def parse_values(
    data: bytes,
    model_names: Mapping[str, str],
    benchmarks: Mapping[str, BenchmarkScale],
    *,
    where: str,
) -> tuple[Observation, ...]:
    """Parse `values.csv`; every row must name a known model and benchmark."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{where}: not UTF-8 text: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _VALUE_COLUMNS:
        raise CatalogueError(
            f"{where}: line 1: columns are {reader.fieldnames}; expected {list(_VALUE_COLUMNS)}"
        )
    rows, seen = [], {}
    for row in reader:
        here = f"{where}: line {reader.line_num}"
        observation = _value_row(row, model_names, benchmarks, here)
        pair = (
            observation.raw_model_name,
            benchmarks[name_key(row["benchmark"])].benchmark_id,
        )
        if pair in seen:
            raise CatalogueError(
                f"{here}: duplicates {seen[pair]}; keep one value per pair"
            )
        seen[pair] = here.rsplit(": ", 1)[-1]
        rows.append(observation)
    return tuple(rows)


def _value_row(
    row: dict[str, str],
    model_names: Mapping[str, str],
    benchmarks: Mapping[str, BenchmarkScale],
    here: str,
) -> Observation:
    model = model_names.get(name_key(row["model"] or ""))
    if model is None:
        raise CatalogueError(
            f"{here}: unknown model {row['model']!r}; add it to models.toml"
        )
    scale = benchmarks.get(name_key(row["benchmark"] or ""))
    if scale is None:
        raise CatalogueError(
            f"{here}: unknown benchmark {row['benchmark']!r}; use a benchmark name "
            "or alias from the methodology"
        )
    value = _number(row["value"], here)
    if not scale.scale_min <= value <= scale.scale_max:
        raise CatalogueError(
            f"{here}: value {row['value']} for {row['benchmark']!r} is outside its scale "
            f"{scale.scale_min:g}..{scale.scale_max:g} {scale.unit}; check the number"
        )
    if not (row["citation_url"] or "").startswith(("https://", "http://")):
        raise CatalogueError(f"{here}: missing citation_url; every value must be cited")
    return Observation(
        raw_model_name=model,
        raw_benchmark_name=row["benchmark"],
        value=value,
        value_text=row["value"],
        unit=scale.unit,
        reported_date=_date(row["reported_date"], here),
        citation_url=row["citation_url"],
    )


def _number(text: str | None, here: str) -> float:
    try:
        return float(text or "")
    except ValueError:
        raise CatalogueError(f"{here}: value {text!r} is not a number") from None


def _date(text: str | None, here: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CatalogueError(
            f"{here}: reported_date {text!r} is not YYYY-MM-DD"
        ) from None
