"""Writers that get in each other's way: which errors mean "run the transaction again", running it
again, and the PostgreSQL locks that make writers queue instead of colliding.

SQLite has one writer at a time (engine.py begins every write with BEGIN IMMEDIATE), so there the
locks are no-ops and a retry only follows a busy timeout that ran out. PostgreSQL runs writers side by
side: each transaction that could meet another takes a transaction-level advisory lock first (a
document's hash, the schema, the link cache, curation), and one that still meets a deadlock, a
serialization failure or (where the caller says so) a unique key committed meanwhile is run again.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from claimgraph.errors import Code, StoreError

WRITE_ATTEMPTS = 6
# PostgreSQL's SQLSTATEs for "another transaction got in the way": serialization failure, deadlock.
_CONFLICT_STATES = frozenset({"40001", "40P01"})
_UNIQUE_VIOLATION = "23505"
# Namespaces of the advisory locks: (namespace, hash of a key) pairs.
DOCUMENT_LOCKS = 0x6367_0001  # a document's text hash
LINK_CACHE_LOCK = 0x6367_0002  # the link cache's rewrite
MIGRATION_LOCK = 0x6367_0003  # creating or migrating the schema
# An analyst's judgement rewrites stored rows and leaves rules every later write applies: it holds
# this lock alone; every document write holds it shared, so neither sees the other half done.
CURATION_LOCK = 0x6367_0004
CURATION_KEY = "judgements"
T = TypeVar("T")
log = logging.getLogger("claimgraph.store")


def is_conflict(exc: BaseException, *, unique: bool = False) -> bool:
    """Whether `exc` says another writer got in the way, so the same transaction may succeed if run
    again: a deadlock or serialization failure (PostgreSQL), a busy timeout that ran out (SQLite), and
    with `unique`, a unique key another writer committed first (the retry reads it and skips it)."""
    if not isinstance(exc, DBAPIError):
        return False
    state = getattr(exc.orig, "sqlstate", None)  # psycopg 3
    if state is not None:
        return state in _CONFLICT_STATES or (unique and state == _UNIQUE_VIOLATION)
    if isinstance(exc, IntegrityError):
        return False
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def retrying(work: Callable[[], T], what: str, *, unique: bool = False, attempts: int = WRITE_ATTEMPTS) -> T:
    """`work()` (one whole transaction), run again after a conflict with another writer, with a growing
    random pause; E207 when it still conflicts after `attempts` runs."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as exc:
            if not is_conflict(exc, unique=unique):
                raise
            reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__
            if attempt == attempts:
                raise StoreError(Code.STORE_CONFLICT,
                                 f"{what}: other writers got in the way {attempts} times ({reason}); "
                                 "try again") from exc
            log.info("%s: conflict with another writer (%s); trying again", what, reason)
            time.sleep(random.uniform(0, 0.02 * 2 ** attempt))  # jitter: writers that met do not meet again
    raise AssertionError("unreachable")


def lock_keys(conn: Connection, namespace: int, keys: list[str], *, shared: bool = False) -> None:
    """Take a transaction-level lock on each key, in the order given (sort it: one order for every
    writer cannot deadlock); `shared` ones only keep out the holders of the same lock unshared.
    PostgreSQL only: a SQLite writer holds the whole database already. Keys are hashed to 32 bits; two
    keys that collide only make their writers wait for each other."""
    if conn.dialect.name != "postgresql" or not keys:
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    conn.execute(text(f"SELECT {function}(CAST(:namespace AS integer), hashtext(key)) "
                      "FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS k(key, n) ORDER BY n"),
                 {"namespace": namespace, "keys": keys})
