"""Schema versioning: `meta.schema_version` and the ordered steps that bring a database up to date.

Adding a version: append a `Migration` whose `apply` alters a database of the previous version
(it runs inside the migration's transaction), and change `schema.py` to the new shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from claimgraph.errors import Code, StoreError
from claimgraph.store import schema
from claimgraph.store.contention import MIGRATION_LOCK, lock_keys
from claimgraph.store.engine import read_transaction, write_transaction

log = logging.getLogger("claimgraph.store")


@dataclass(frozen=True)
class Migration:
    version: int  # the version a database has once this step has run
    description: str
    apply: Callable[[Connection], None]
    # A step that makes what `schema.metadata` cannot describe (FTS5 tables, triggers) runs on a new
    # database too, after the tables are created.
    on_create: bool = False


def _create_v1(conn: Connection) -> None:
    # Only the v1 tables: v2 added tables and altered none, so today's definitions of these are
    # still their v1 shapes. When a later version alters one, freeze its v1 definition here.
    schema.metadata.create_all(conn, tables=list(schema.V1_TABLES), checkfirst=True)


def _add_curation(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=list(schema.V2_TABLES), checkfirst=True)


def _add_analysis(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=list(schema.V3_TABLES), checkfirst=True)
    for index in schema.V3_INDEXES:
        index.create(conn, checkfirst=True)


def _add_link_cache(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=list(schema.V4_TABLES), checkfirst=True)


def _add_search(conn: Connection) -> None:
    from claimgraph.store.search import create_index

    create_index(conn)
    for index in schema.V5_INDEXES:
        index.create(conn, checkfirst=True)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "create documents, entities, aliases, mentions, claims", _create_v1),
    Migration(2, "add judgements, redirects, blocked_aliases, alias_assignments, row_moves",
              _add_curation),
    Migration(3, "add document_copies, document_signatures and link indexes", _add_analysis),
    Migration(4, "add link_cache", _add_link_cache),
    Migration(5, "add the full-text index of documents and claim evidence, and indexes for the web pages",
              _add_search, on_create=True),
)
CURRENT_VERSION = MIGRATIONS[-1].version


def _where(conn: Connection) -> str:
    return conn.engine.url.render_as_string(hide_password=True)


def _not_ours(conn: Connection, why: str) -> StoreError:
    return StoreError(
        Code.SCHEMA_UNKNOWN,
        f"{_where(conn)} is not a claimgraph database ({why}): use another --db path, "
        "or move that file away",
    )


def _too_new(found: int, known: int) -> StoreError:
    return StoreError(
        Code.SCHEMA_TOO_NEW,
        f"this database was written by a newer claimgraph (schema v{found}, "
        f"this version knows v{known}): upgrade claimgraph",
    )


def read_version(conn: Connection) -> int | None:
    """The database's schema version; None for an empty database; raises for a foreign one."""
    tables = set(inspect(conn).get_table_names())
    if not tables:
        return None
    if schema.meta.name not in tables:
        raise _not_ours(conn, f"it has tables {', '.join(sorted(tables))} but no schema version")
    try:
        value = conn.execute(
            select(schema.meta.c.value).where(schema.meta.c.key == schema.SCHEMA_VERSION_KEY)
        ).scalar_one_or_none()
    except SQLAlchemyError as exc:
        raise _not_ours(conn, "its meta table has another shape") from exc
    if value is None:
        # A meta table alone is a database whose creation stopped before anything else: version 0.
        if tables == {schema.meta.name}:
            return 0
        raise _not_ours(conn, "its meta table holds no schema version")
    try:
        return int(value)
    except ValueError as exc:
        raise _not_ours(conn, f"its schema version {value!r} is not a number") from exc


def _set_version(conn: Connection, version: int) -> None:
    table = schema.meta
    key = schema.SCHEMA_VERSION_KEY
    updated = conn.execute(table.update().where(table.c.key == key).values(value=str(version)))
    if updated.rowcount == 0:
        conn.execute(table.insert().values(key=key, value=str(version)))


def _upgrade(conn: Connection, found: int | None, steps: Sequence[Migration]) -> int:
    target = steps[-1].version
    if found is None:
        # A new database gets today's schema in one go rather than replaying history.
        schema.metadata.create_all(conn)
        for step in steps:
            if step.on_create:
                step.apply(conn)
        _set_version(conn, target)
        log.info("created a claimgraph database at schema v%d: %s", target, _where(conn))
        return target
    if found > target:
        raise _too_new(found, target)
    for step in steps:
        if step.version > found:
            step.apply(conn)
            _set_version(conn, step.version)
            log.info("migrated %s to schema v%d: %s", _where(conn), step.version, step.description)
    return target


def ensure_schema(engine: Engine, steps: Sequence[Migration] = MIGRATIONS) -> int:
    """Create or migrate the database to the last version of `steps`; return that version."""
    target = steps[-1].version
    # Most opens find the database current: check that without taking the write lock.
    with read_transaction(engine) as conn:
        found = read_version(conn)
    if found == target:
        return target
    if found is not None and found > target:
        raise _too_new(found, target)
    with write_transaction(engine) as conn:
        # SQLite's writer holds the whole file; PostgreSQL's DDL takes no lock that would keep a second
        # migrating process out, so it waits here, then reads again: another process may have created
        # or migrated the database meanwhile.
        lock_keys(conn, MIGRATION_LOCK, ["schema"])
        return _upgrade(conn, read_version(conn), steps)
