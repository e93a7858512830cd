"""`claimgraph export` and `claimgraph import`: the graph in the field's formats, and back from our own.

Registered on the main command in cli.py. Exit codes as there: 0 written, 2 for a usage error, an
unknown entity (E204), an output that cannot be written (E501) or a file `import` refuses (E502–E504).
See docs/exports.md for what each format holds.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO

import click

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.ontology import STATUSES

if TYPE_CHECKING:
    from claimgraph.export.registry import Format, Source

FORMAT_NAMES = ("stix", "ftm", "graphml", "gexf", "csv", "jsonl")
TABLES = ("entities", "links", "claims")

db_option = click.option(
    "--db", default=None, metavar="PATH|URL",
    help="database: a SQLite path or SQLAlchemy URL (default: $CLAIMGRAPH_DB, else ./claimgraph.db)",
)


@click.command()
@click.option("--format", "fmt", required=True, metavar="|".join(FORMAT_NAMES),
              help="stix (STIX 2.1 bundle), ftm (FollowTheMoney entities), graphml, gexf, csv (a zip of "
                   "three tables, or a folder), jsonl (lossless; `claimgraph import` reads it)")
@click.option("--entity", default=None, help="links with this actor (id, name or alias) at either end")
@click.option("--other", default=None, help="with --entity: only the links between the two actors")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="links of this status")
@click.option("--relation", default=None, help="a relation, or a family of data/analysis.yaml")
@click.option("--since", default=None, metavar="DATE", help="evidence published on or after this ISO date")
@click.option("-o", "--output", default="-", show_default=True, metavar="PATH",
              help="file to write ('-': standard output); for csv a folder, or a .zip; a .gz ending "
                   "compresses")
@click.option("--table", type=click.Choice(TABLES), default=None,
              help="csv only: write this one table instead of all three")
@db_option
def export(fmt: str, entity: str | None, other: str | None, status: str | None, relation: str | None,
           since: str | None, output: str, table: str | None, db: str | None) -> None:
    """Export the graph (or the part the filters keep) for STIX, FollowTheMoney, Gephi or spreadsheets."""
    from claimgraph.cli_links import since_value
    from claimgraph.export.registry import Source, get_format
    from claimgraph.export.selection import Filters
    from claimgraph.store import open_store

    chosen = get_format(fmt)
    if table is not None and fmt != "csv":
        raise ClaimgraphError(Code.BAD_OPTION, "--table is an option of --format csv")
    filters = Filters(entity=entity, other=other, relation=relation, status=status, since=since_value(since))
    with open_store(db) as store:
        source = Source(store, filters)
        where = _write(chosen, source, output, table)
        if "selection" in vars(source) or not filters.is_empty():  # counted when read anyway
            selected = source.selection
            click.echo(f"{len(selected.links)} links, {len(selected.claims)} claims, "
                       f"{len(selected.documents)} documents, {len(selected.entities)} entities", err=True)
    click.echo(f"wrote {where} ({chosen.name})", err=True)


def _write(chosen: Format, source: Source, output: str, table: str | None) -> str:
    if chosen.name == "csv" and (table is not None or _is_folder(output)):
        return _write_csv(source, output, table)
    if output == "-":
        _refuse_terminal(chosen)
        chosen.write(source, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return "standard output"
    with _atomic(Path(output)) as out:
        chosen.write(source, out)
    return output


def _write_csv(source: Source, output: str, table: str | None) -> str:
    from claimgraph.export import tables

    if table is not None:
        if output == "-":
            tables.write_table(source, table, sys.stdout.buffer)
            return "standard output"
        with _atomic(Path(output)) as out:
            tables.write_table(source, table, out)
        return output
    try:
        written = tables.write_folder(source, Path(output))
    except OSError as exc:
        raise ClaimgraphError(Code.EXPORT_FAILED,
                              f"cannot write into {output}: {exc.strerror or exc}") from None
    return ", ".join(str(path) for path in written)


def _is_folder(output: str) -> bool:
    path = Path(output)
    return output != "-" and (path.is_dir() or output.endswith(("/", os.sep)) or not path.suffix)


def _refuse_terminal(chosen: Format) -> None:
    if chosen.media_type.startswith("application/zip") and sys.stdout.isatty():
        raise ClaimgraphError(Code.BAD_OPTION,
                              f"{chosen.name} writes a zip archive: give -o FILE, or pipe it")


@contextmanager
def _atomic(path: Path) -> Iterator[BinaryIO]:
    """Write beside `path` and move into place when done, so a failed export leaves nothing half-written
    (and an earlier export at `path` whole)."""
    if path.is_dir():
        raise ClaimgraphError(Code.EXPORT_FAILED, f"{path} is a folder; give a file name")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise ClaimgraphError(Code.EXPORT_FAILED, f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as raw:
            if path.suffix == ".gz":
                # mtime 0: the same graph gives the same bytes
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
                    yield packed  # type: ignore[misc]
            else:
                yield raw
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.command(name="import")
@click.argument("file", metavar="FILE.jsonl")
@click.option("--json", "as_json", is_flag=True, help="print JSON for scripts instead of text")
@db_option
def import_(file: str, as_json: bool, db: str | None) -> None:
    """Import a `claimgraph export --format jsonl` file into an empty database.

    Rows keep their ids and the analyst judgements come along, so exporting again gives the same file.
    One transaction: a bad line (reported with its number) imports nothing. FILE may be gzipped, or '-'.
    """
    from claimgraph.export.jsonl import read_into
    from claimgraph.store import open_store

    with _open_input(file) as lines, open_store(db) as store:
        report = read_into(store, lines, "standard input" if file == "-" else file)
    if as_json:
        sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    told = ", ".join(f"{n} {kind}" for kind, n in report.counts.items())
    click.echo(f"imported {told or 'nothing'} into {report.target}")
    if report.filters:
        click.echo("note: a filtered export (" + ", ".join(f"{k} {v}" for k, v in report.filters.items())
                   + "): the database holds that part of the graph, without judgements")


@contextmanager
def _open_input(file: str) -> Iterator[IO[bytes]]:
    if file == "-":
        yield sys.stdin.buffer
        return
    try:
        raw = open(file, "rb")  # noqa: SIM115 (closed below, after the caller has read it)
    except OSError as exc:
        raise ClaimgraphError(Code.NOT_FOUND, f"cannot read {file}: {exc.strerror or exc}") from None
    try:
        with raw:
            packed = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            if packed:
                with gzip.GzipFile(fileobj=raw, mode="rb") as unpacked:
                    yield unpacked  # type: ignore[misc]
            else:
                yield raw
    except gzip.BadGzipFile as exc:
        raise ClaimgraphError(Code.BAD_IMPORT, f"{file}: a broken gzip file ({exc}); nothing was imported") \
            from None
