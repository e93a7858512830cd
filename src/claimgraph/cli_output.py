"""What the commands share to print: the console, JSON for scripts, plurals and the ingest report
(`claimgraph ingest`, `claimgraph load` and the Spark engine print the same one)."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from claimgraph.ingest_run import IngestReport, Item

PIPE_WIDTH = 200


def console() -> Console:
    """Standard output as rich prints to it."""
    # no highlighting: numbers and paths in plain lines stay plain; soft wrap: long paths stay whole.
    # Into a pipe or file, tables get room to breathe (rich would assume 80 columns) unless $COLUMNS says.
    wide = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else PIPE_WIDTH
    return Console(highlight=False, soft_wrap=True, width=wide)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def dump_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def item_line(item: Item) -> str:
    """One skipped or failed input, escaped: its source and reason come from outside."""
    doc = f" ({escape(item.doc)})" if item.doc and item.doc not in item.source else ""
    return f"  {escape(item.source)}{doc}: {escape(item.reason)}"


def print_ingest_report(report: IngestReport) -> None:
    out = console()
    out.print(f"[bold]Ingested {report.handled} documents[/] into {escape(report.database)} "
              f"in {report.seconds:.1f} s")
    out.print(f"  new        {report.new}")
    out.print(f"  duplicate  {report.duplicate}")
    out.print(f"  skipped    {len(report.skipped)}")
    style = "bold red" if report.failed else "default"
    out.print(f"  [{style}]failed     {len(report.failed)}[/]")
    if report.skipped:
        out.print("[bold yellow]Skipped[/] (stored without extraction):")
        for item in report.skipped:
            out.print(item_line(item))
    if report.failed:
        out.print("[bold red]Failed[/] (not stored):")
        for item in report.failed:
            out.print(item_line(item))
    counts = report.store
    out.print(f"The store now holds {counts['documents']} documents ({counts['documents_ok']} ok, "
              f"{counts['documents_skipped']} skipped), {counts['entities']} entities and "
              f"{counts['claims']} claims.")
