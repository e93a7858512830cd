"""`claimgraph stories`: copies and the stories they form (analyse/copies.py).

Registered on the main command in cli.py with `cli.add_command(stories)`. Documents that no ingest
has analysed yet (stored by an older claimgraph) are analysed first, so the listing is complete.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

db_option = click.option(
    "--db", default=None, metavar="PATH|URL",
    help="database: a SQLite path or SQLAlchemy URL (default: $CLAIMGRAPH_DB, else ./claimgraph.db)",
)


def _line(doc: dict[str, Any]) -> str:
    return f"{doc['doc_key']}  {doc['outlet'] or '-'}  {doc['published'] or '-'}"


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="print JSON for scripts instead of text")
@click.option("--rebuild", is_flag=True, help="forget the stored analysis and redo it from every stored text")
def stories(db: str | None, as_json: bool, rebuild: bool) -> None:
    """Stories: each origin (the earliest document) with its syndicated and spun copies.

    Copies are found as documents are ingested; `--rebuild` recomputes every story from the stored
    documents. Documents with no copy are not listed.
    """
    from claimgraph.analyse.copies import CopyDetector, rebuild_copies
    from claimgraph.analyse.copies import stories as list_stories
    from claimgraph.store import open_store

    with open_store(db) as store:
        if rebuild:
            analysed = rebuild_copies(store)
        else:
            detector = CopyDetector(store)
            analysed = detector.add(detector.unanalysed())
        found = list_stories(store)
    if as_json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")
        return
    if rebuild or analysed:
        click.echo(f"analysed {analysed} document{'' if analysed == 1 else 's'}")
    if not found:
        click.echo("No copies found: every stored document is its own story.")
        return
    copies = sum(len(story["copies"]) for story in found)
    click.echo(f"{len(found)} stor{'y' if len(found) == 1 else 'ies'} with {copies} cop"
               f"{'y' if copies == 1 else 'ies'}")
    for story in found:
        click.echo("")
        click.echo(f"origin  {_line(story['origin'])}")
        for copy in story["copies"]:
            click.echo(f"  copy  {_line(copy)}  {copy['method']} {copy['similarity']:.2f}")
