"""Progress of long commands: a bar per stage on a terminal, log lines otherwise.

A stage is a named count (sources acquired, sources loaded, days backfilled); the code
that does the work only calls the `tick` it was handed, and never knows which of the
two it is talking to.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

Tick = Callable[..., None]


class Reporter:
    """Log one line per step at INFO; the default when no terminal is watching."""

    def stage(self, name: str, total: int | None) -> Tick:
        done = 0

        def tick(item: str = "", completed: int | None = None) -> None:
            nonlocal done
            done = completed if completed is not None else done + 1
            logger.info(
                "progress stage=%s done=%d total=%s %s", name, done, total, item
            )

        return tick


class BarReporter(Reporter):
    """One rich progress bar per stage, on stderr."""

    def __init__(self, bars) -> None:
        self._bars = bars

    def stage(self, name: str, total: int | None) -> Tick:
        task_id = self._bars.add_task(name, total=total)

        def tick(item: str = "", completed: int | None = None) -> None:
            if completed is None:
                self._bars.advance(task_id)
            else:
                self._bars.update(task_id, completed=completed)
            self._bars.update(task_id, description=f"{name} {item}".strip())

        return tick


@contextmanager
def stage_progress(enabled: bool | None = None) -> Iterator[Reporter]:
    """Bars when stderr is a terminal (or `enabled`), log lines otherwise."""
    if not (sys.stderr.isatty() if enabled is None else enabled):
        yield Reporter()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (
        TextColumn("{task.description:<32}"),
        BarColumn(),
        MofNCompleteColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bars:
        yield BarReporter(bars)
