"""Opening databases on every backend, through SQLAlchemy only: a new database, an old one migrated
(its rows indexed for search), a failed step rolled back (DDL is transactional on both), newer and
foreign databases refused, and several processes creating one database at once.
test_store_migrations.py has the SQLite-only cases (files, sqlite_master, pragmas)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Connection, insert, inspect, select, text
from store_builders import HERON_TEXT, dravia, heron

from backends import execute, raw
from claimgraph.errors import Code, StoreError
from claimgraph.store import CURRENT_VERSION, Store, open_store
from claimgraph.store.engine import make_engine
from claimgraph.store.migrations import MIGRATIONS, Migration, ensure_schema
from claimgraph.store.schema import aliases, claims, documents, entities, mentions, metadata
from claimgraph.store.search import search

NewDb = Callable[..., str]
TABLES = {table.name for table in metadata.sorted_tables}
V1_GRAPH = (documents, entities, aliases, mentions, claims)  # parents first


def table_names(db: str) -> set[str]:
    engine = make_engine(db if "://" in db else f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def version_of(db: str) -> str:
    return str(raw(db, "SELECT value FROM meta WHERE key = 'schema_version'")[0][0])


def migrate(db: str, steps: list[Migration] | tuple[Migration, ...]) -> int:
    engine = make_engine(db if "://" in db else f"sqlite:///{db}")
    try:
        return ensure_schema(engine, steps)
    finally:
        engine.dispose()


def test_a_new_database_is_created_at_the_current_version(new_db: NewDb) -> None:
    db = new_db("new", empty=True)
    with open_store(db) as store:
        assert store.schema_version() == CURRENT_VERSION
        assert store.add_document(*heron())[0] == "new"
    assert table_names(db) >= TABLES
    assert version_of(db) == str(CURRENT_VERSION)


def test_a_v0_database_is_migrated_and_logged(new_db: NewDb, caplog: pytest.LogCaptureFixture) -> None:
    db = new_db("v0", empty=True)
    execute(db, "CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)",
            "INSERT INTO meta VALUES ('schema_version', '0')")
    with caplog.at_level(logging.INFO, logger="claimgraph.store"), open_store(db) as store:
        assert store.add_document(*heron())[0] == "new"
    assert version_of(db) == str(CURRENT_VERSION)
    migrated = [m for m in caplog.messages if m.startswith("migrated ")]
    assert [m.split(" to schema ")[1].split(":")[0] for m in migrated] == [
        f"v{n}" for n in range(1, CURRENT_VERSION + 1)]


def _copy_v1_graph(source: Store, target: str) -> None:
    """The source's v1 rows, written into the target's tables with SQLAlchemy Core."""
    engine = make_engine(target if "://" in target else f"sqlite:///{target}")
    try:
        with source.engine.connect() as reading, engine.begin() as writing:
            for table in V1_GRAPH:
                rows = [dict(row._mapping) for row in reading.execute(select(table))]
                writing.execute(insert(table), rows)
    finally:
        engine.dispose()


def test_a_v4_database_with_a_graph_is_indexed_for_search_when_migrated(new_db: NewDb, store: Store) -> None:
    store.add_document(*heron())
    store.add_document(*dravia())
    old = new_db("v4", empty=True)
    assert migrate(old, MIGRATIONS[:4]) == 4
    _copy_v1_graph(store, old)
    with open_store(old) as migrated:
        assert migrated.schema_version() == CURRENT_VERSION == 5
        expected = {row["id"] for row in store.claims() if "Port Calder" in row["evidence"]}
        found = search(migrated, '"port calder"')
        assert found.total_documents == 1 and {row["id"] for row in found.claims} == expected
        assert migrated.claims() == store.claims()


def test_a_failing_step_leaves_the_database_as_it_was(db: str) -> None:
    def broken(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE half_done (id INTEGER)"))
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError):
        migrate(db, [*MIGRATIONS, Migration(CURRENT_VERSION + 1, "add half_done", broken)])
    assert "half_done" not in table_names(db)
    assert version_of(db) == str(CURRENT_VERSION)


def test_a_later_step_runs_once_and_then_this_version_finds_it_too_new(db: str) -> None:
    runs: list[int] = []

    def add_notes(conn: Connection) -> None:
        runs.append(1)
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY)"))

    steps = [*MIGRATIONS, Migration(CURRENT_VERSION + 1, "add notes", add_notes)]
    assert migrate(db, steps) == migrate(db, steps) == CURRENT_VERSION + 1
    assert runs == [1] and "notes" in table_names(db)
    with pytest.raises(StoreError) as caught:
        open_store(db)
    assert caught.value.code is Code.SCHEMA_TOO_NEW


def test_a_foreign_database_is_refused_and_left_alone(new_db: NewDb) -> None:
    db = new_db("foreign", empty=True)
    execute(db, "CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    with pytest.raises(StoreError) as caught:
        open_store(db)
    assert caught.value.code is Code.SCHEMA_UNKNOWN and "recipes" in caught.value.message
    assert table_names(db) == {"recipes"}


def test_writers_opening_a_new_database_at_once_create_it_once(new_db: NewDb) -> None:
    db = new_db("race", empty=True)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_and_write(n: int) -> None:
        try:
            start.wait(timeout=30)
            with open_store(db) as store:
                store.add_document(*heron(HERON_TEXT + f" Report {n}.", doc_id=f"heron-{n}"))
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=open_and_write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and not any(thread.is_alive() for thread in threads)
    assert raw(db, "SELECT count(*) FROM documents") == [(4,)]
    assert version_of(db) == str(CURRENT_VERSION)
