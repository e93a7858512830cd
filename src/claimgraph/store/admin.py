"""What `claimgraph db status|migrate` ask of a database: its version, counts and pending steps,
read without changing anything; and an explicit migration that says from which version to which.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import URL, Connection, func, inspect, make_url, select
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from claimgraph.errors import Code, StoreError
from claimgraph.store import migrations, schema
from claimgraph.store.engine import engine_url, hidden, make_engine, read_transaction, resolve_url


@dataclass
class Status:
    url: str  # password hidden
    backend: str
    exists: bool
    version: int | None  # None: no claimgraph schema yet
    current: int = migrations.CURRENT_VERSION
    pending: list[str] = field(default_factory=list)  # "vN: what the step does"
    counts: dict[str, int] = field(default_factory=dict)  # rows per table
    search: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"database": self.url, "backend": self.backend, "exists": self.exists,
                "schema_version": self.version, "current_version": self.current,
                "migrations_pending": self.pending, "counts": self.counts, "search": self.search}


def parse(url_or_path: str | None) -> URL:
    """The URL a --db value stands for (E401 when it is none)."""
    try:
        return make_url(engine_url(url_or_path))
    except ArgumentError as exc:
        shown = hidden(str(url_or_path))
        raise StoreError(Code.BAD_OPTION, f"cannot use database URL {shown!r}: {exc}") from exc


def sqlite_file(url_or_path: str | None) -> str | None:
    """The file a SQLite URL names; None for another backend or an in-memory database."""
    url = parse(url_or_path)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return str(url.database)


def status(url_or_path: str | None) -> Status:
    """The database's state, changing nothing (a missing SQLite file is not created)."""
    url = resolve_url(url_or_path)
    backend = parse(url).get_backend_name()
    path = sqlite_file(url)
    if path is not None and not os.path.exists(path):
        return Status(hidden(url), backend, exists=False, version=None,
                      pending=_pending(None))
    engine = make_engine(url)
    try:
        with read_transaction(engine) as conn:
            version = migrations.read_version(conn)
            found = Status(engine.url.render_as_string(hide_password=True), backend, True, version,
                           pending=_pending(version), counts=_counts(conn), search=_search(conn, version))
    except SQLAlchemyError as exc:
        raise StoreError(Code.STORE_WRITE, f"cannot read {hidden(url)}: {_first_line(exc)}") from exc
    finally:
        engine.dispose()
    return found


def migrate(url_or_path: str | None) -> tuple[int | None, int]:
    """Create or migrate the database: (the version before, None if new; the version now)."""
    from claimgraph.store import open_store

    before = status(url_or_path).version
    with open_store(url_or_path) as store:
        return before, store.schema_version()


def _pending(version: int | None) -> list[str]:
    if version is None:
        return [f"v{migrations.CURRENT_VERSION}: create every table"]
    return [f"v{step.version}: {step.description}"
            for step in migrations.MIGRATIONS if step.version > version]


def _counts(conn: Connection) -> dict[str, int]:
    present = set(inspect(conn).get_table_names())
    tables = [table for table in schema.metadata.sorted_tables if table.name in present]
    return {table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in tables}


def _search(conn: Connection, version: int | None) -> str:
    if version is None:
        return "none yet"
    if version < 5:
        return "none (schema older than v5)"
    if conn.dialect.name == "sqlite":
        return "FTS5, accents folded"
    if conn.dialect.name == "postgresql":
        from claimgraph.store.search_pg import folds_accents

        folded = "accents folded" if folds_accents(conn) else "accents not folded (no unaccent extension)"
        return f"tsvector + GIN, {folded}"
    return "LIKE scan"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
