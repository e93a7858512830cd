"""`claimgraph ingest --engine spark`: check the options, start Spark, run, print the report.

Where the documents go:
- `--output parquet:PATH`: Parquet for `claimgraph load` (with `--db`, texts that store holds
  already are left out, unparsed);
- a PostgreSQL `--db`: every Spark task stores its own partition, in batches of --batch-size;
- a SQLite `--db`: SQLite takes one writer, so every core extracts and one task stores everything.
  On a cluster the executors cannot reach the file at all: SQLITE_WRITERS.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.ingest.urls import is_url
from claimgraph.ingest_run import IngestReport

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from claimgraph.spark.job import ExportReport, Request

PARQUET = "parquet:"


@dataclass(frozen=True)
class SparkIngest:
    """The ingest command's options, as the Spark engine reads them."""

    inputs: tuple[str, ...]
    db: str | None = None
    master: str | None = None
    output: str | None = None
    model: str | None = None
    max_bytes: int = 10_000_000
    allow_private: bool = False
    batch_size: int = 200
    workers: int = 1
    progress: bool | None = None

    def request(self, known_db: str | None) -> Request:
        from claimgraph.spark.job import Request

        return Request(self.inputs, model=self.model, max_bytes=self.max_bytes,
                       allow_private=self.allow_private, batch_size=self.batch_size, known_db=known_db)


def default_master() -> str:
    return f"local[{os.cpu_count() or 1}]"


def check(options: SparkIngest) -> None:
    """BAD_OPTION for what the Spark engine does not do."""
    urls = [item for item in options.inputs if is_url(item)]
    if urls:
        raise ClaimgraphError(Code.BAD_OPTION, f"--engine spark reads files and Hadoop URIs, not web pages "
                              f"({urls[0]}); ingest URLs and feeds without --engine spark")
    if options.workers != 1:
        raise ClaimgraphError(Code.BAD_OPTION, "--workers is for the local engine; with --engine spark "
                              "give --master local[N] (N cores) or a cluster's master URL")
    if options.output is not None and not parquet_path(options.output):
        raise ClaimgraphError(Code.BAD_OPTION, f"--output {options.output!r}: write it as parquet:PATH")


def parquet_path(output: str) -> str:
    return output.removeprefix(PARQUET) if output.startswith(PARQUET) else ""


def store_url(db: str | None) -> str:
    """The store's URL, SQLite paths made absolute: the workers need not share this process's folder."""
    from sqlalchemy.engine import make_url

    from claimgraph.store.engine import resolve_url

    url = make_url(resolve_url(db))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=os.path.abspath(url.database))
    return url.render_as_string(hide_password=False)


def run(options: SparkIngest, as_json: bool, spark: SparkSession | None = None) -> int:
    """Run the ingest, print its report, return the exit code (1 when some input failed).

    `spark`: a running session to use (and leave running); else one is started on --master and
    stopped at the end.
    """
    from claimgraph.spark.session import start_session

    check(options)
    master = str(spark.sparkContext.master) if spark is not None else options.master or default_master()
    output = parquet_path(options.output) if options.output else None
    target = None if output else store_url(options.db)
    if target is not None:
        refuse_shared_sqlite(target, master)
    progress = sys.stderr.isatty() if options.progress is None else options.progress
    session = spark or start_session(master, progress=progress)
    try:
        if output is not None:
            return exported(session, options, output, as_json)
        assert target is not None
        report = ingest(session, options, target)
    finally:
        if spark is None:
            session.stop()
    print_ingest(report, as_json)
    return 1 if report.failed else 0


def exported(spark: SparkSession, options: SparkIngest, path: str, as_json: bool) -> int:
    """--output parquet:PATH; with --db, the texts that store holds are left out, unparsed."""
    from claimgraph.spark.job import export_parquet

    report = export_parquet(spark, options.request(store_url(options.db) if options.db else None), path)
    print_export(report, as_json)
    return 1 if report.failed else 0


def ingest(spark: SparkSession, options: SparkIngest, target: str) -> IngestReport:
    """Into the store at `target`: by every task (PostgreSQL), or by one task alone (SQLite)."""
    from claimgraph.spark.job import write_store
    from claimgraph.store import open_store

    request = options.request(known_db=target)
    with open_store(target) as store:  # opened first: a bad URL or a newer schema stops us before Spark works
        return write_store(spark, request, target, store, one_writer=is_sqlite(target))


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def refuse_shared_sqlite(url: str, master: str) -> None:
    """SQLITE_WRITERS when Spark's workers could not reach the SQLite file (a cluster, or in memory)."""
    from claimgraph.spark.session import is_local

    if not is_sqlite(url):
        return
    if not is_local(master):
        raise ClaimgraphError(Code.SQLITE_WRITERS, f"a SQLite store takes one writer on one machine; the "
                              f"executors of {master} cannot write it: give a PostgreSQL --db, or "
                              "--output parquet:PATH and then `claimgraph load PATH --db FILE`")
    if url.rstrip("/") in ("sqlite:", "sqlite:///:memory:"):
        raise ClaimgraphError(Code.SQLITE_WRITERS, "an in-memory SQLite store cannot be shared with Spark's "
                              "workers; give a file")


# --- printing ------------------------------------------------------------------------------------------
def print_ingest(report: IngestReport, as_json: bool) -> None:
    # the ingest command's own printers: the same report whatever the engine
    from claimgraph.cli_output import dump_json, print_ingest_report

    if as_json:
        dump_json(report.to_json())
    else:
        print_ingest_report(report)


def print_export(report: ExportReport, as_json: bool) -> None:
    from rich.markup import escape

    from claimgraph.cli_output import console, dump_json, item_line

    if as_json:
        dump_json(report.to_json())
        return
    out = console()
    out.print(f"[bold]Exported {report.handled} documents[/] to {escape(report.path)} "
              f"in {report.seconds:.1f} s")
    out.print(f"  documents  {report.documents}")
    out.print(f"  duplicate  {report.duplicate}  (already stored)")
    out.print(f"  skipped    {len(report.skipped)}  (to be stored without extraction)")
    out.print(f"  [{'bold red' if report.failed else 'default'}]failed     {len(report.failed)}[/]")
    for title, items in (("[bold yellow]Skipped[/]:", report.skipped), ("[bold red]Failed[/]:",
                                                                        report.failed)):
        if items:
            out.print(title)
            for item in items:
                out.print(item_line(item))
    out.print(f"Store them with: claimgraph load {escape(report.path)} --db DB")
