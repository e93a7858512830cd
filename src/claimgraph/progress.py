"""A progress line on stderr for long runs: spinner, documents handled, rate, outcomes so far.

Shown only when stderr is a terminal, so logs and pipes stay clean.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

OUTCOMES = ("new", "duplicate", "skipped", "failed")


class RateColumn(ProgressColumn):
    """Documents per second since the start (rich's own estimate jumps about: spaCy works in batches)."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        if not elapsed or not task.completed:
            return Text("- docs/s", style="progress.data.speed")
        return Text(f"{task.completed / elapsed:.1f} docs/s", style="progress.data.speed")


def _outcomes(seen: Counter[str]) -> str:
    return "  ".join(f"{name} {seen[name]}" for name in OUTCOMES if seen[name])


@contextmanager
def ingest_progress(enabled: bool | None = None, label: str = "ingesting"
                    ) -> Iterator[Callable[[str | None, int], None]]:
    """A callback for run_ingest's (outcome, advance) reports; draws on stderr when `enabled`.

    `enabled` None: when stderr is a terminal.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda _outcome, _advance: None
        return
    console = Console(stderr=True)
    seen: Counter[str] = Counter()
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"), TextColumn("{task.completed} docs"),
               RateColumn(), TimeElapsedColumn(), TextColumn("{task.fields[outcomes]}"))
    # warnings (e.g. a batch the store had to write one by one) print above the bar, not through it
    handler = RichHandler(console=console, show_path=False, level=logging.WARNING)
    logger = logging.getLogger("claimgraph")
    logger.addHandler(handler)
    try:
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task(label, total=None, outcomes="")

            def advance(outcome: str | None, steps: int) -> None:
                if outcome is not None:
                    seen[outcome] += 1
                progress.update(task, advance=steps, outcomes=_outcomes(seen))

            yield advance
            progress.update(task, description="done")
    finally:
        logger.removeHandler(handler)
