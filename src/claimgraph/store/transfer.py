"""Copying a whole graph from one database to another (`claimgraph db copy SRC DST`), e.g. from a
SQLite file to PostgreSQL when a team outgrows one laptop.

Both ends are opened as stores (so both are at the current schema version, the target created if
new). Every table is copied, parents before children, in batches read from one consistent snapshot
of the source and written in one transaction on the target: the copy lands whole or not at all. The
rows keep their ids, so PostgreSQL's sequences are moved past them afterwards. The full-text index
follows by itself (FTS5 triggers, GIN indexes on expressions). Then every table's rows are counted
on both sides.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Engine, Integer, Table, delete, func, insert, select, text

from claimgraph.errors import Code, StoreError
from claimgraph.store import schema
from claimgraph.store.database import Store
from claimgraph.store.engine import hidden, resolve_url, write_transaction

BATCH = 5_000
Progress = Callable[[str, int], None]  # (table, rows copied so far)


@dataclass
class CopyReport:
    source: str
    target: str
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> (source rows, target rows)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(source for source, _ in self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "rows": self.rows,
                "seconds": round(self.seconds, 3),
                "tables": {name: {"source": s, "target": t} for name, (s, t) in self.counts.items()}}


def copy_store(source: str | None, target: str, *, replace: bool = False, batch: int = BATCH,
               progress: Progress | None = None) -> CopyReport:
    """Copy every row of `source` into `target` (empty, or emptied first with `replace`)."""
    if _same(source, target):
        raise StoreError(Code.SAME_DATABASE, "the source and the destination are the same database")
    started = time.perf_counter()
    with Store(resolve_url(source)) as src, Store(resolve_url(target)) as dst:
        report = CopyReport(src.url, dst.url)
        with _snapshot(src.engine) as reading, write_transaction(dst.engine) as writing:
            _make_room(writing, dst.url, replace)
            for table in _tables():
                counted = _count(reading, table)
                copied = _copy_table(reading, writing, table, batch, progress)
                if copied != counted:  # rolls the whole copy back
                    raise StoreError(Code.COPY_MISMATCH, f"{table.name}: {counted} rows in {src.url}, "
                                                         f"{copied} read from it")
                report.counts[table.name] = (counted, 0)
            reset_sequences(writing)
        _check(dst.engine, report)
    report.seconds = time.perf_counter() - started
    return report


def _same(source: str | None, target: str) -> bool:
    from claimgraph.store.admin import sqlite_file

    files = sqlite_file(source), sqlite_file(target)
    if files[0] is not None and files[1] is not None:
        return os.path.realpath(files[0]) == os.path.realpath(files[1])
    return hidden(resolve_url(source)) == hidden(resolve_url(target))


def _count(conn: Connection, table: Table) -> int:
    query = select(func.count()).select_from(table)
    if table is schema.meta:  # each side keeps its own schema version
        query = query.where(table.c.key != schema.SCHEMA_VERSION_KEY)
    return int(conn.execute(query).scalar_one())


def _tables() -> list[Table]:
    """Every table, parents first (`meta` too: the link cache's state and the like, not the version)."""
    return list(schema.metadata.sorted_tables)


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction that sees the source as it was when the copy began, while others write."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def _make_room(conn: Connection, where: str, replace: bool) -> None:
    holding = [table.name for table in _tables() if table is not schema.meta
               and conn.execute(select(func.count()).select_from(select(table).limit(1).subquery())).scalar()]
    if not holding:
        conn.execute(delete(schema.meta).where(schema.meta.c.key != schema.SCHEMA_VERSION_KEY))
        return
    if not replace:
        raise StoreError(Code.COPY_TARGET_NOT_EMPTY,
                         f"{where} already holds a graph (rows in {', '.join(holding)}): copy into an "
                         "empty database, or pass --replace to delete everything in it first")
    for table in reversed(_tables()):  # children first
        where_clause = table.c.key != schema.SCHEMA_VERSION_KEY if table is schema.meta else None
        conn.execute(delete(table).where(where_clause) if where_clause is not None else delete(table))


def _copy_table(reading: Connection, writing: Connection, table: Table, batch: int,
                progress: Progress | None) -> int:
    query = select(table)
    if table is schema.meta:  # the target keeps its own version (the same: both are current)
        query = query.where(table.c.key != schema.SCHEMA_VERSION_KEY)
    query = query.order_by(*table.primary_key.columns)
    fix = _fixups(table)
    copied = 0
    result = reading.execution_options(stream_results=True, yield_per=batch).execute(query)
    for rows in result.mappings().partitions(batch):
        writing.execute(insert(table), [fix(dict(row)) for row in rows])
        copied += len(rows)
        if progress is not None:
            progress(table.name, copied)
    return copied


def _fixups(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """What a row needs to read the same on the other side: SQLite hands back its UTC timestamps
    naive, and PostgreSQL would read a naive value in the session's time zone."""
    stamps = [column.name for column in table.columns if isinstance(column.type, DateTime)]

    def fix(row: dict[str, Any]) -> dict[str, Any]:
        for name in stamps:
            value = row[name]
            if isinstance(value, datetime) and value.tzinfo is None:
                row[name] = value.replace(tzinfo=UTC)
        return row
    return fix


def reset_sequences(conn: Connection) -> None:
    """Move each PostgreSQL sequence past the ids copied in, so the next insert gets a free id."""
    if conn.dialect.name != "postgresql":
        return
    for table in _tables():
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, Integer) and key[0].autoincrement is not False:
            sequence = conn.execute(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                    {"table": table.name, "column": key[0].name}).scalar()
            if sequence:
                conn.execute(text(f"SELECT setval(:sequence, coalesce((SELECT max({key[0].name}) "
                                  f"FROM {table.name}), 0) + 1, false)"), {"sequence": sequence})


def _check(engine: Engine, report: CopyReport) -> None:
    with engine.connect() as conn:
        for name, (source, _) in report.counts.items():
            report.counts[name] = (source, _count(conn, schema.metadata.tables[name]))
    wrong = {name: counts for name, counts in report.counts.items() if counts[0] != counts[1]}
    if wrong:
        told = ", ".join(f"{name} {s} -> {t}" for name, (s, t) in wrong.items())
        raise StoreError(Code.COPY_MISMATCH, f"the copy into {report.target} does not hold every row: {told}")
