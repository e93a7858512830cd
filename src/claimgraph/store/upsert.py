"""INSERT ... ON CONFLICT for the two engines the store supports.

Both SQLite and PostgreSQL spell it the same way, but SQLAlchemy builds it from each dialect's own
`insert()`; this is the one place that chooses between them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

SUPPORTED_DIALECTS = ("sqlite", "postgresql")

Row = Mapping[str, Any]
# Given the `excluded` pseudo-table (the row that was refused), the columns to update and how.
UpdateSet = Callable[[Any], Mapping[str, ColumnElement[Any]]]


def _dialect_insert(conn: Connection, table: Table) -> sqlite.Insert | postgresql.Insert:
    name = conn.dialect.name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"claimgraph stores on {' or '.join(SUPPORTED_DIALECTS)}, not {name}")


def insert_ignore(conn: Connection, table: Table, rows: Sequence[Row], keys: Sequence[str]) -> None:
    """Insert the rows (executemany), silently skipping those whose `keys` already exist."""
    if not rows:
        return
    stmt = _dialect_insert(conn, table).on_conflict_do_nothing(index_elements=list(keys))
    conn.execute(stmt, list(rows))


def upsert(
    conn: Connection, table: Table, rows: Sequence[Row], keys: Sequence[str], update: UpdateSet
) -> None:
    """Insert the rows; where `keys` already exist, apply `update(excluded)` to the stored row instead."""
    if not rows:
        return
    stmt = _dialect_insert(conn, table)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=dict(update(stmt.excluded)))
    conn.execute(stmt, list(rows))
