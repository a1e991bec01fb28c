"""Comparison in words: sentences whose strength follows the size of the gap.

Overall gaps of 10 points or more read "clearly ahead", 3 to 10 "ahead", under 3
"narrowly ahead", and equal scores "level". Prices compare only when both are known
and non-zero, so no ratio is ever taken against zero.
"""

from __future__ import annotations

from scoring.compare import Comparison, ModelSide
from scoring.formatting import format_price, format_score, format_tokens, format_value

CLEAR_GAP = 10.0
PLAIN_GAP = 3.0


def describe_gap(gap: float) -> str:
    """The phrase for an overall lead of `gap` points.

    >>> describe_gap(29.0), describe_gap(4.2), describe_gap(0.6), describe_gap(0.0)
    ('clearly ahead', 'ahead', 'narrowly ahead', 'level')
    """
    gap = abs(round(gap, 1))
    if gap >= CLEAR_GAP:
        return "clearly ahead"
    if gap >= PLAIN_GAP:
        return "ahead"
    return "narrowly ahead" if gap > 0 else "level"


def comparison_lines(comparison: Comparison) -> list[str]:
    """The comparison as short sentences, headline first."""
    a, b = comparison.a, comparison.b
    lines = [
        f"{a.name} {format_score(a.overall_score)} vs {b.name} "
        f"{format_score(b.overall_score)} (overall, {comparison.lane} lane)",
        f"{a.name} wins {comparison.wins(a)} of {comparison.category_count} categories; "
        f"{b.name} wins {comparison.wins(b)} of {comparison.category_count}.",
        _headline(comparison),
        *_advantages(comparison),
        _swing_line(comparison),
        f"Prices: {a.name} {_price(a)}; {b.name} {_price(b)}.{_price_ratio(a, b)}",
        f"Context window: {a.name} {format_tokens(a.context_window_tokens)}, "
        f"{b.name} {format_tokens(b.context_window_tokens)}.",
        f"Reasoning model: {a.name} {_yes_no(a.is_reasoning)}, "
        f"{b.name} {_yes_no(b.is_reasoning)}.",
        f"Runtime: {a.name} {_runtime(a)}; {b.name} {_runtime(b)}.",
    ]
    return [line for line in lines if line]


def _headline(comparison: Comparison) -> str:
    a, b = comparison.a, comparison.b
    if a.overall_score is None or b.overall_score is None:
        missing = [s.name for s in (a, b) if s.overall_score is None]
        return f"No overall comparison: {' and '.join(missing)} not scored overall."
    leader = comparison.leader
    if leader is None:
        return f"{a.name} and {b.name} are level overall at {format_score(a.overall_score)}."
    other = b if leader is a else a
    phrase = describe_gap(leader.overall_score - other.overall_score)
    return (
        f"{leader.name} is {phrase} overall, {format_score(leader.overall_score)} "
        f"to {format_score(other.overall_score)}."
    )


def _advantages(comparison: Comparison) -> list[str]:
    leader = comparison.leader or comparison.a
    other = comparison.b if leader is comparison.a else comparison.a
    lines = []
    best = comparison.sharpest(leader)
    if best is not None:
        lines.append(
            f"{leader.name}'s sharpest advantage is {best.category_name}, "
            f"{_duel_scores(best, leader is comparison.a)}{_basis(best)}."
        )
    back = comparison.sharpest(other)
    if back is not None:
        lines.append(
            f"{other.name} hits back in {back.category_name}, "
            f"{_duel_scores(back, other is comparison.a)}{_basis(back)}."
        )
    return lines


def _duel_scores(duel, side_is_a: bool) -> str:
    mine, theirs = (
        (duel.score_a, duel.score_b) if side_is_a else (duel.score_b, duel.score_a)
    )
    return f"{format_score(mine)} against {format_score(theirs)}"


def _basis(duel) -> str:
    if duel.shared_benchmark_count == 0:
        return " (no shared benchmark)"
    count = duel.shared_benchmark_count
    return f" ({count} shared benchmark{'s' if count > 1 else ''})"


def _swing_line(comparison: Comparison) -> str:
    swing = comparison.biggest_swing
    if swing is None:
        return "No benchmark in common, so no single swing to report."
    return (
        f"Biggest swing: {swing.benchmark_name}, {format_value(swing.value_a, swing.unit)} "
        f"against {format_value(swing.value_b, swing.unit)}."
    )


def _price(side: ModelSide) -> str:
    price = side.price
    text = format_price(
        price.state, price.input_usd_per_mtok, price.output_usd_per_mtok
    )
    if price.is_priced:
        text += f" (blend 3:1 {format_price_amount(price.blend(3, 1))})"
    return text


def format_price_amount(amount: float | None) -> str:
    return "unknown" if amount is None else f"${amount:.3f}".rstrip("0").rstrip(".")


def _price_ratio(a: ModelSide, b: ModelSide) -> str:
    blend_a, blend_b = a.price.blend(3, 1), b.price.blend(3, 1)
    if not blend_a or not blend_b or not a.price.is_priced or not b.price.is_priced:
        return ""
    cheaper, dearer = (a, b) if blend_a < blend_b else (b, a)
    ratio = max(blend_a, blend_b) / min(blend_a, blend_b)
    if ratio < 1.05:
        return " Both cost about the same on a 3:1 blend."
    return f" {cheaper.name} is {ratio:.1f}x cheaper than {dearer.name} on a 3:1 blend."


def _yes_no(flag: bool | None) -> str:
    return "unknown" if flag is None else ("yes" if flag else "no")


def _runtime(side: ModelSide) -> str:
    speed = side.runtime.get("output_tokens_per_s")
    ttft = side.runtime.get("ttft_s")
    speed_text = "N/A" if speed is None else f"{speed:.0f} tokens/s"
    ttft_text = "N/A" if ttft is None else f"{ttft:.2f} s"
    return f"throughput {speed_text}, time to first token {ttft_text}"
