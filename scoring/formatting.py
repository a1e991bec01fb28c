"""How numbers read on the leaderboard: scores, prices, context windows.

Pure formatting with no rules of its own. A free model reads "free" and a missing
price "unknown"; nothing is divided by zero, and no "Infinity" or "null" is printed.
"""

from __future__ import annotations


def format_score(score: float | None) -> str:
    """One decimal, without a trailing ".0"; "—" when there is no score.

    >>> format_score(80.0), format_score(61.26), format_score(None)
    ('80', '61.3', '—')
    """
    if score is None:
        return "—"
    text = f"{round(score, 1):.1f}"
    return text[:-2] if text.endswith(".0") else text


def format_value(value: float | None, unit: str) -> str:
    """A source value in its unit: "84.3%" for percentages, "1287" for Elo.

    >>> format_value(84.3, "percent"), format_value(1287.0, "elo")
    ('84.3%', '1287')
    """
    if value is None:
        return "—"
    return f"{format_score(value)}%" if unit == "percent" else format_score(value)


def format_usd(amount: float) -> str:
    """Dollars with two decimals, more when needed to show a small price.

    >>> format_usd(0.1), format_usd(0.075), format_usd(15)
    ('$0.10', '$0.075', '$15.00')
    """
    text = f"{amount:.2f}"
    if round(amount, 2) != round(amount, 6):
        text = f"{amount:.6f}".rstrip("0")
    return f"${text}"


def format_price(state: str, input_usd: float | None, output_usd: float | None) -> str:
    """A price per 1M tokens as people read it.

    >>> format_price("priced", 0.1, 0.4)
    '$0.10 / $0.40 per 1M tokens'
    >>> format_price("free", 0.0, 0.0), format_price("unknown", None, None)
    ('free', 'unknown')
    """
    if state == "priced" and input_usd is not None and output_usd is not None:
        return f"{format_usd(input_usd)} / {format_usd(output_usd)} per 1M tokens"
    if state == "deprecated":
        return "deprecated"
    return "free" if state == "free" else "unknown"


def format_tokens(count: int | None) -> str:
    """A context window: binary K for powers-of-two multiples, else decimal; M above.

    >>> format_tokens(262144), format_tokens(128000), format_tokens(1047576)
    ('256K', '128K', '1M')
    >>> format_tokens(None)
    'N/A'
    """
    if not count:
        return "N/A"
    if count >= 999_000:
        millions = count / (1 << 20) if count % 1000 else count / 1_000_000
        return f"{format_score(millions)}M"
    thousands = count / 1000 if count % 1000 == 0 else count / 1024
    return f"{format_score(thousands)}K"
