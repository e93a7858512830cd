"""`claimgraph brief ENTITY`: an extractive briefing on one actor, as Markdown or one HTML file."""

from __future__ import annotations

import re
import sys

import click

from claimgraph.errors import ClaimgraphError, Code

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not _DATE.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a date like 2024-01-31")
    return value


@click.command()
@click.argument("entity")
@click.option("--since", default=None, metavar="DATE", callback=_since,
              help="only evidence published on or after this date (YYYY-MM-DD)")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="write the briefing to this file instead of stdout")
@click.option("--db", default=None, metavar="PATH|URL",
              help="database: a SQLite path or SQLAlchemy URL "
                   "(default: $CLAIMGRAPH_DB, else ./claimgraph.db)")
def brief(entity: str, since: str | None, fmt: str, output: str | None, db: str | None) -> None:
    """A briefing on ENTITY (an id, name or alias): synopsis, key takeaways with their strongest
    evidence quoted and cited, contested links, a timeline of claims and the sources used.

    Extractive and deterministic: every quoted sentence is stored evidence, every other sentence is
    computed from counts and names.
    """
    from claimgraph.analyse.brief import RENDERERS, build_briefing
    from claimgraph.store import open_store

    with open_store(db) as store:
        briefing = build_briefing(store, entity, since=since)
    text = RENDERERS[fmt](briefing)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise ClaimgraphError(Code.BAD_OPTION, f"cannot write {output}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {output}", err=True)
