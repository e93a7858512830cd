"""The database backends the store, analysis and API tests run on: fresh databases, and raw SQL that
reads them without the Store under test.

`Databases.new()` gives what `open_store()` takes: a SQLite path in a test's folder, or the URL of a
PostgreSQL database of the session's cluster (tests/pg.py) that no other test is using, already at the
current schema (from the pool of tests/pg_pool.py) unless `empty=True`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from claimgraph.store import open_store
from claimgraph.store.engine import engine_url
from pg_pool import Pool

ENV_VAR = "CLAIMGRAPH_TEST_BACKENDS"
ALL = ("sqlite", "postgresql")


def chosen() -> list[str]:
    """The backends to test: $CLAIMGRAPH_TEST_BACKENDS (comma-separated), else both."""
    value = os.environ.get(ENV_VAR, ",".join(ALL))
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = sorted(set(names) - set(ALL))
    if unknown or not names:
        raise ValueError(f"{ENV_VAR}={value!r}: choose among {', '.join(ALL)}")
    return names


class Databases:
    """Fresh databases of one backend for one test (or module); PostgreSQL ones given back (emptied)
    or dropped by close()."""

    def __init__(self, backend: str, folder: Path, pool: Pool | None) -> None:
        self.backend = backend
        self.folder = folder
        self.pool = pool
        self.taken: list[str] = []  # from the pool: given back
        self.made: list[str] = []  # empty ones: dropped

    def new(self, name: str = "graph", *, empty: bool = False) -> str:
        if self.pool is None:
            path = self.folder / f"{name}.db"
            if not empty:
                open_store(str(path)).close()
            return str(path)
        if empty:
            database = self.pool.cluster.create_database("template1")
            self.made.append(database)
        else:
            database = self.pool.take()
            self.taken.append(database)
        return self.pool.cluster.url(database)

    def close(self) -> None:
        if self.pool is not None:
            for database in self.taken:
                self.pool.give_back(database)
            for database in self.made:
                self.pool.cluster.drop_database(database)
        self.taken.clear()
        self.made.clear()


# --- raw SQL, independently of the Store ------------------------------------------------------------
def raw_engine(db: str | Path) -> Engine:
    return create_engine(engine_url(str(db)), poolclass=NullPool)


def _named(sql: str, params: Sequence[object]) -> tuple[str, dict[str, object]]:
    # The tests write sqlite3's "?" placeholders; SQLAlchemy's text() takes names on every backend.
    names = iter(range(len(params)))
    return re.sub(r"\?", lambda _: f":p{next(names)}", sql), {f"p{i}": v for i, v in enumerate(params)}


def raw(db: str | Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows of one query, read on a connection of its own."""
    statement, values = _named(sql, params)
    engine = raw_engine(db)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(statement), values)]
    finally:
        engine.dispose()


def execute(db: str | Path, *statements: str) -> None:
    """Run statements in one transaction of their own, as another process would."""
    engine = raw_engine(db)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()
