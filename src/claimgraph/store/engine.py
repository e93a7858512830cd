"""Engines and transactions: the only module that knows about connection settings (SQLite's pragmas,
PostgreSQL's driver). What writers that meet do about it is in contention.py.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
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


# Bare `postgresql://` (and the `postgres://` of many hosting services) would pick psycopg2, which is
# not installed: claimgraph talks to PostgreSQL through psycopg 3.
_PG_DRIVER = "postgresql+psycopg"
_PG_BARE = ("postgresql", "postgres")


def engine_url(url_or_path: str | None) -> URL | str:
    """resolve_url, with a bare PostgreSQL URL given the psycopg 3 driver."""
    resolved = resolve_url(url_or_path)
    try:
        parsed = make_url(resolved)
    except ArgumentError:
        return resolved  # make_engine reports it
    if parsed.drivername in _PG_BARE:
        return parsed.set(drivername=_PG_DRIVER)
    return resolved


def hidden(url: str) -> str:
    """A URL fit to print: its password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str) -> Engine:
    """An engine for a supported database, with the SQLite settings applied on every connection."""
    try:
        engine = create_engine(engine_url(url))
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(Code.BAD_OPTION, f"cannot use database URL {hidden(url)!r}: {exc}") from exc
    if engine.dialect.name not in SUPPORTED_DIALECTS:
        engine.dispose()
        raise StoreError(
            Code.BAD_OPTION,
            f"cannot use database URL {hidden(url)!r}: "
            f"claimgraph stores on {' or '.join(SUPPORTED_DIALECTS)}",
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
        _set_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _set_wal(cursor: Any) -> None:
    # Turning a new file to WAL needs it to itself, and SQLite answers "database is locked" at once,
    # without the busy timeout, while other processes open the same new file: wait as that would.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))


def _sqlite_on_begin(conn: Connection) -> None:
    # A writer takes the write lock up front: a deferred transaction that reads and then writes
    # fails at once with SQLITE_BUSY (no waiting) when another writer committed in between.
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# --- all dialects ----------------------------------------------------------------------------
def unstorable(value: str | None) -> bool:
    """Whether a looked-up value cannot equal anything stored: PostgreSQL's text holds no NUL
    character (and refuses one as a parameter), and no ingest stores one on SQLite either."""
    return value is not None and "\x00" in value


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
