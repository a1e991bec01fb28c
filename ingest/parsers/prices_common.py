"""Helpers shared by the price parsers: reading JSON, checking shapes, units, states.

Every price parser reports a bad snapshot through `parse_error`, so messages read the
same whatever the source: what failed, where, what was seen, what to do. Pure
functions only: no network, no database, no clock.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from ingest.errors import ParseError
from ingest.records import PriceQuote

SEEN_MAX_CHARS = 60
SIGNIFICANT_DIGITS = 12

T = TypeVar("T")


def parse_error(fmt: str, where: str, seen: object, expected: str) -> ParseError:
    """Build the error for a value that is not what the `fmt` parser expects."""
    shown = repr(seen)
    if len(shown) > SEEN_MAX_CHARS:
        shown = shown[: SEEN_MAX_CHARS - 3] + "..."
    return ParseError(
        f"cannot parse {fmt} snapshot: {where} is {shown} ({type(seen).__name__}), "
        f"expected {expected}; check that the source still serves the {fmt} format "
        f"and update ingest/parsers/{fmt}.py if it changed"
    )


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def load_json(data: bytes, fmt: str) -> object:
    """Decode a JSON snapshot; NaN and Infinity are refused, as strict JSON does."""
    try:
        return json.loads(data, parse_constant=_reject_constant)
    except ValueError as error:
        raise ParseError(
            f"cannot parse {fmt} snapshot: the bytes are not JSON ({error}); "
            f"they start with {bytes(data[:40])!r}; check that the source URL still "
            "serves JSON and not an error page"
        ) from error


def expect(value: object, kind: type[T], fmt: str, where: str, expected: str) -> T:
    """Return `value` when it is a `kind`, else raise a ParseError naming `where`."""
    if not isinstance(value, kind):
        raise parse_error(fmt, where, value, expected)
    return value


def is_number(value: object) -> bool:
    """True for JSON numbers; False for booleans, which Python counts as ints."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def read_number(entry: dict, key: str, fmt: str, where: str) -> int | float | None:
    """The number under `key`, or None when the key is missing or null."""
    value = entry.get(key)
    if value is None or is_number(value):
        return value
    raise parse_error(fmt, f"{where} field {key!r}", value, "a number or null")


def read_count(entry: dict, key: str, fmt: str, where: str) -> int | None:
    """A whole number of tokens; floats such as `2000000.0` become ints."""
    value = read_number(entry, key, fmt, where)
    if value is None:
        return None
    if value != int(value):
        raise parse_error(fmt, f"{where} field {key!r}", value, "a whole number")
    return int(value)


def read_text(entry: dict, key: str, fmt: str, where: str) -> str | None:
    """The string under `key`, or None when the key is missing or null."""
    value = entry.get(key)
    if value is None or isinstance(value, str):
        return value
    raise parse_error(fmt, f"{where} field {key!r}", value, "a string or null")


def read_date(entry: dict, key: str, fmt: str, where: str) -> date | None:
    """An ISO `YYYY-MM-DD` date under `key`, or None when missing or null."""
    text = read_text(entry, key, fmt, where)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        expected = "a YYYY-MM-DD date"
        raise parse_error(fmt, f"{where} field {key!r}", text, expected) from None


def per_token_to_per_mtok(value: int | float | str) -> float:
    """Convert USD per token to USD per million tokens without float noise.

    The decimal point of the value's shortest text is shifted, so `1e-07` gives
    exactly `0.1` where `1e-07 * 1e6` gives `0.09999999999999999`; the result is then
    rounded to 12 significant digits, which also drops the noise some sources carry
    in their own numbers (LiteLLM stores `2.9999900000000002e-06`).

    >>> per_token_to_per_mtok(1e-07)
    0.1
    >>> per_token_to_per_mtok(2.9999900000000002e-06)
    2.99999
    >>> per_token_to_per_mtok("0.0000004")
    0.4
    """
    try:
        shifted = Decimal(str(value)).scaleb(6)
    except InvalidOperation:
        shifted = Decimal("NaN")
    if not shifted.is_finite():
        raise ValueError(f"{value!r} is not a finite decimal number")
    return float(format(shifted, f".{SIGNIFICANT_DIGITS}g"))


def price_state(input_usd: float | None, output_usd: float | None) -> str:
    """Priced, free (both prices stated as zero) or unknown (either one missing).

    >>> price_state(0.0, 0.0), price_state(0.0, None), price_state(0.0, 1.5)
    ('free', 'unknown', 'priced')
    """
    if input_usd is None or output_usd is None:
        return "unknown"
    if input_usd == 0 and output_usd == 0:
        return "free"
    return "priced"


def build_quote(
    raw_model_name: str,
    provider: str | None,
    input_usd_per_mtok: float | None,
    output_usd_per_mtok: float | None,
    *,
    state: str | None = None,
    effective_from_date: date | None = None,
    effective_to_date: date | None = None,
) -> PriceQuote:
    """A quote whose state follows from its two prices unless `state` is given.

    NOTE: a negative price is a sentinel, never a real price (OpenRouter publishes
    `-1` for "variable pricing"), so it becomes a missing price.
    """
    prices = [
        None if value is None or value < 0 else float(value)
        for value in (input_usd_per_mtok, output_usd_per_mtok)
    ]
    return PriceQuote(
        raw_model_name=raw_model_name,
        state=state or price_state(*prices),
        input_usd_per_mtok=prices[0],
        output_usd_per_mtok=prices[1],
        provider=provider,
        effective_from_date=effective_from_date,
        effective_to_date=effective_to_date,
    )
