"""`claimgraph load PATH`: store the Parquet that `ingest --engine spark --output parquet:PATH` wrote.

Registered on the main command in cli.py with `cli.add_command(load)`. Needs pyarrow (the
`claimgraph[spark]` extra), not Spark: the export can be loaded on any machine that reaches the store.
"""

from __future__ import annotations

import sys

import click

from claimgraph.errors import ClaimgraphError, Code


@click.command()
@click.argument("path", metavar="PATH")
@click.option("--db", default=None, metavar="PATH|URL", help="database: a SQLite path or SQLAlchemy URL "
              "(default: $CLAIMGRAPH_DB, else ./claimgraph.db)")
@click.option("--batch-size", type=click.IntRange(min=1), default=200, show_default=True,
              help="documents per database transaction")
@click.option("--progress/--no-progress", default=None,
              help="progress bar on stderr (default: when stderr is a terminal)")
@click.option("--json", "as_json", is_flag=True, help="print JSON for scripts instead of a table")
def load(path: str, db: str | None, batch_size: int, progress: bool | None, as_json: bool) -> None:
    """Store documents extracted by `claimgraph ingest --engine spark --output parquet:PATH`.

    Prints the same report as `claimgraph ingest`; texts the store holds already count as duplicates,
    so loading the same export twice adds nothing. Copy detection runs after the load.
    """
    try:
        import pyarrow  # noqa: F401 - only to say what is missing before opening the store
    except ImportError as error:
        raise ClaimgraphError(Code.SPARK_MISSING, "claimgraph load reads Parquet with pyarrow: "
                              "pip install 'claimgraph[spark]'") from error
    # the ingest command's printers and progress bar, so both commands report alike
    from claimgraph.cli_output import dump_json, print_ingest_report
    from claimgraph.progress import ingest_progress
    from claimgraph.spark.load import load_parquet
    from claimgraph.store import open_store

    with open_store(db) as store, ingest_progress(progress, label="loading") as advance:
        report = load_parquet(path, store, batch_size=batch_size, progress=advance)
    if as_json:
        dump_json(report.to_json())
    else:
        print_ingest_report(report)
    sys.exit(1 if report.failed else 0)
