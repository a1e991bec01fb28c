"""The week's biggest rank movements as a small PNG, drawn with matplotlib.

560 px wide so it fits the 600 px message body; the HTML scales it down on a phone.
Model names are drawn as plain text: mathtext is off, so a `$` in a name is a dollar.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from digest.compose import RankMovement

WIDTH_PX = 560
UP = "#1a7f37"
DOWN = "#cf222e"


def render_rank_chart(movements: Sequence[RankMovement]) -> bytes:
    """PNG bytes of a horizontal bar per model: places gained (right) or lost (left)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rows = list(reversed(movements))
    gains = [m.before_rank - m.after_rank for m in rows]
    height_in = 0.9 + 0.42 * len(rows)
    with matplotlib.rc_context({"text.parse_math": False, "font.size": 9}):
        figure = Figure(figsize=(WIDTH_PX / 100, height_in), dpi=100)
        axes = figure.subplots()
        positions = range(len(rows))
        axes.barh(positions, gains, color=[UP if g > 0 else DOWN for g in gains])
        axes.set_yticks(list(positions), [_label(m) for m in rows])
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.axvline(0, color="#57606a", linewidth=0.8)
        axes.set_xlabel("places gained in the overall rank this week")
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        # No timestamp or software tag, so the same movements give the same bytes.
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _label(movement: RankMovement) -> str:
    name = movement.model_name
    short = name if len(name) <= 28 else name[:27] + "…"
    return f"{short}  {movement.before_rank}→{movement.after_rank}"
