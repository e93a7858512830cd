"""Engines and transactions: the only module that knows about SQLite connection settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from claimgraph.errors import Code, StoreError
from claimgraph.store.upsert import SUPPORTED_DIALECTS

DEFAULT_PATH = "claimgraph.db"
ENV_VAR = "CLAIMGRAPH_DB"
BUSY_TIMEOUT_MS = 10_000
# A connection execution option: this connection is about to write.
_WRITE = "claimgraph_write"


def resolve_url(url_or_path: str | None) -> str:
    """None -> $CLAIMGRAPH_DB -> ./claimgraph.db; a bare path -> sqlite:///path; URLs as they are."""
    target = url_or_path or os.environ.get(ENV_VAR) or DEFAULT_PATH
    if "://" in target:
        return target
    return "sqlite:///" + os.path.expanduser(target)


def make_engine(url: str) -> Engine:
    """An engine for a supported database, with the SQLite settings applied on every connection."""
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(Code.BAD_OPTION, f"cannot use database URL {url!r}: {exc}") from exc
    if engine.dialect.name not in SUPPORTED_DIALECTS:
        engine.dispose()
        raise StoreError(
            Code.BAD_OPTION,
            f"cannot use database URL {url!r}: claimgraph stores on {' or '.join(SUPPORTED_DIALECTS)}",
        )
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


# --- SQLite dialect branch -------------------------------------------------------------------
def _configure_sqlite(engine: Engine) -> None:
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 opens transactions itself, and not before DDL; taking that job over (the
    # recipe in SQLAlchemy's SQLite docs) makes migrations transactional and lets writers use
    # BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # WAL lets readers (the CLI's queries) run while an ingest writes; NORMAL is safe under WAL.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # A writer takes the write lock up front: a deferred transaction that reads and then writes
    # fails at once with SQLITE_BUSY (no waiting) when another writer committed in between.
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# --- all dialects ----------------------------------------------------------------------------
@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back if it raises."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """One read transaction: a consistent snapshot for queries that run several statements."""
    with engine.connect() as conn, conn.begin():
        yield conn
