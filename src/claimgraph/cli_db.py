"""`claimgraph db status|migrate|copy`: the database itself, on SQLite or PostgreSQL.

Registered on the main command in cli.py with `cli.add_command(db)`. Every other command creates or
migrates its database when it opens it; these say what is there (`status` changes nothing), migrate
on purpose (say, before several ingest processes start at once), and move a whole graph from one
database to another (`copy`, e.g. from a SQLite file to a PostgreSQL server). See docs/postgresql.md.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

db_option = click.option(
    "--db", default=None, metavar="PATH|URL",
    help="database: a SQLite path or SQLAlchemy URL, e.g. postgresql://user@host/claimgraph "
         "(default: $CLAIMGRAPH_DB, else ./claimgraph.db)",
)
json_option = click.option("--json", "as_json", is_flag=True, help="print JSON for scripts instead of text")


def _dump(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


@click.group()
def db() -> None:
    """The database: its status, its migrations, a copy to another one."""


@db.command()
@db_option
@json_option
def status(db: str | None, as_json: bool) -> None:
    """Where the database is, its schema version, its rows, and whether migrations are pending.

    Changes nothing: a database that does not exist yet is not created.
    """
    from claimgraph.store.admin import status as read_status

    found = read_status(db)
    if as_json:
        _dump(found.to_json())
        return
    click.echo(f"database  {found.url} ({found.backend})")
    if not found.exists:
        click.echo("          does not exist yet: `claimgraph db migrate` (or any command) creates it")
    version = "none (empty database)" if found.version is None else f"v{found.version}"
    click.echo(f"schema    {version}; this claimgraph writes v{found.current}")
    if found.pending:
        click.echo("pending   " + "\n          ".join(found.pending))
    else:
        click.echo("pending   none")
    if found.search:
        click.echo(f"search    {found.search}")
    for name, n in found.counts.items():
        click.echo(f"  {name:<20} {n:>10,}")


@db.command()
@db_option
@json_option
def migrate(db: str | None, as_json: bool) -> None:
    """Create the database, or bring it to this claimgraph's schema version.

    Every command does this when it opens a database; run it once before starting several writers.
    """
    from claimgraph.store.admin import migrate as run_migrate
    from claimgraph.store.engine import hidden, resolve_url

    before, after = run_migrate(db)
    where = hidden(resolve_url(db))
    if as_json:
        _dump({"database": where, "from": before, "to": after})
    elif before is None:
        click.echo(f"created {where} at schema v{after}")
    elif before == after:
        click.echo(f"{where} is at schema v{after}: nothing to migrate")
    else:
        click.echo(f"migrated {where} from schema v{before} to v{after}")


@db.command()
@click.argument("source", metavar="SRC")
@click.argument("target", metavar="DST")
@click.option("--replace", is_flag=True, help="delete everything DST holds first (else DST must be empty)")
@click.option("--batch", type=click.IntRange(min=1), default=5_000, show_default=True,
              help="rows read and written per batch")
@json_option
def copy(source: str, target: str, replace: bool, batch: int, as_json: bool) -> None:
    """Copy the whole graph from SRC to DST (paths or URLs), checking every table's row count.

    Both are brought to this claimgraph's schema first (DST is created if new). The copy is one
    transaction on DST: it lands whole or not at all.
    """
    from claimgraph.store.transfer import copy_store

    report = copy_store(source, target, replace=replace, batch=batch)
    if as_json:
        _dump(report.to_json())
        return
    click.echo(f"copied {report.source} -> {report.target}")
    for name, (src, dst) in report.counts.items():
        click.echo(f"  {name:<20} {src:>10,} -> {dst:>10,}  ok")
    rate = report.rows / report.seconds if report.seconds else 0.0
    click.echo(f"{report.rows:,} rows in {report.seconds:.1f} s ({rate:,.0f} rows/s); every count matches")
