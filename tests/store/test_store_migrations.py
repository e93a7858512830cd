"""Opening SQLite databases: new, old, newer, foreign; where the database is; the SQLite settings.

SQLite only (files, sqlite_master, ATTACH, pragmas); test_store_backends.py runs the same cases
through SQLAlchemy on every backend."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable
from store_builders import dravia, heron

from claimgraph.errors import Code, StoreError
from claimgraph.store import CURRENT_VERSION, open_store
from claimgraph.store.engine import make_engine
from claimgraph.store.migrations import MIGRATIONS, Migration, ensure_schema
from claimgraph.store.schema import metadata

V1_TABLES = {"meta", "documents", "entities", "aliases", "mentions", "claims"}
OUR_TABLES = V1_TABLES | {"judgements", "redirects", "blocked_aliases", "alias_assignments", "row_moves",
                          "document_copies", "document_signatures", "link_cache"}
# v5's FTS5 tables and the shadow tables FTS5 keeps for each (SQLite only)
OUR_TABLES |= {name + part for name in ("documents_fts", "claims_fts")
               for part in ("", "_data", "_idx", "_docsize", "_config")}
NEXT = CURRENT_VERSION + 1
pytestmark = pytest.mark.sqlite_only


def tables(db_path: Path) -> set[str]:
    with sqlite3.connect(db_path) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def stored_version(db_path: Path) -> str:
    with sqlite3.connect(db_path) as conn:
        return str(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])


def make_v0(db_path: Path, with_row: bool) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)")
        if with_row:
            conn.execute("INSERT INTO meta VALUES ('schema_version', '0')")


def test_new_database_is_created_at_the_current_version(db_path: Path) -> None:
    with open_store(str(db_path)) as store:
        assert store.schema_version() == CURRENT_VERSION == MIGRATIONS[-1].version
    assert tables(db_path) == OUR_TABLES
    assert stored_version(db_path) == str(CURRENT_VERSION)


def test_empty_file_is_a_new_database(db_path: Path) -> None:
    db_path.touch()
    with open_store(str(db_path)) as store:
        assert store.schema_version() == CURRENT_VERSION
    assert tables(db_path) == OUR_TABLES


@pytest.mark.parametrize("with_row", [True, False], ids=["version-0", "meta-only"])
def test_v0_database_is_migrated_and_logged(
    db_path: Path, with_row: bool, caplog: pytest.LogCaptureFixture
) -> None:
    make_v0(db_path, with_row)
    with caplog.at_level(logging.INFO, logger="claimgraph.store"), open_store(str(db_path)) as store:
        assert store.schema_version() == CURRENT_VERSION
        assert store.add_document(*heron())[0] == "new"
    assert tables(db_path) == OUR_TABLES
    assert stored_version(db_path) == str(CURRENT_VERSION)
    assert any("migrated" in message and "schema v1" in message for message in caplog.messages)
    assert any("migrated" in message and "schema v2" in message for message in caplog.messages)


def make_v1(db_path: Path) -> None:
    """A v1 database as the v1 step made it, from a bare meta table."""
    make_v0(db_path, with_row=True)
    engine = make_engine(f"sqlite:///{db_path}")
    try:
        assert ensure_schema(engine, MIGRATIONS[:1]) == 1
    finally:
        engine.dispose()


def schema_sql(db_path: Path, names: set[str]) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        # v5's full-text triggers hang on v1 tables without changing their shape: not compared
        rows = conn.execute("SELECT tbl_name, name, sql FROM sqlite_master "
                            "WHERE sql IS NOT NULL AND type != 'trigger'").fetchall()
    return sorted((name, sql) for table, name, sql in rows if table in names)


def v1_dump(db_path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db_path) as conn:
        return {name: conn.execute(f"SELECT * FROM {name} ORDER BY 1, 2").fetchall()
                for name in sorted(V1_TABLES - {"meta"})}


def test_the_v1_step_makes_v1_tables_only_and_v2_leaves_them_as_they_were(tmp_path: Path) -> None:
    make_v1(tmp_path / "v1.db")
    assert tables(tmp_path / "v1.db") == V1_TABLES and stored_version(tmp_path / "v1.db") == "1"
    open_store(str(tmp_path / "v2.db")).close()
    graph = V1_TABLES - {"meta"}  # make_v0 wrote the meta table by hand
    assert schema_sql(tmp_path / "v1.db", graph) == schema_sql(tmp_path / "v2.db", graph)


def test_v1_database_with_a_graph_is_migrated_in_place(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    filled, old = tmp_path / "filled.db", tmp_path / "old.db"
    with open_store(str(filled)) as store:
        store.add_document(*heron())
        store.add_document(*dravia())
    make_v1(old)
    with sqlite3.connect(old) as conn:  # the same graph, written into the v1 tables
        conn.execute("ATTACH DATABASE ? AS src", (str(filled),))
        for name in ("documents", "entities", "aliases", "mentions", "claims"):
            conn.execute(f"INSERT INTO {name} SELECT * FROM src.{name}")
    before = v1_dump(old)
    assert before["claims"]
    with caplog.at_level(logging.INFO, logger="claimgraph.store"), open_store(str(old)) as store:
        assert store.schema_version() == CURRENT_VERSION == 5
        number = store.judge_merge("dravia", "osmania", who="test", why="migrated data can be curated")
        assert store.entity_show("dravia")["merged_from"] == ["osmania"]
        store.undo(number, who="test")
    assert tables(old) == OUR_TABLES and stored_version(old) == "5"
    assert v1_dump(old) == before
    assert [m for m in caplog.messages if "migrated" in m] == [
        f"migrated sqlite:///{old} to schema v2: add judgements, redirects, blocked_aliases, "
        "alias_assignments, row_moves",
        f"migrated sqlite:///{old} to schema v3: add document_copies, document_signatures and link indexes",
        f"migrated sqlite:///{old} to schema v4: add link_cache",
        f"migrated sqlite:///{old} to schema v5: add the full-text index of documents and claim evidence, "
        "and indexes for the web pages"]


def test_newer_database_is_refused(db_path: Path) -> None:
    with open_store(str(db_path)):
        pass
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError) as caught:
        open_store(str(db_path))
    assert caught.value.code is Code.SCHEMA_TOO_NEW
    assert caught.value.message == (
        "this database was written by a newer claimgraph "
        f"(schema v99, this version knows v{CURRENT_VERSION}): upgrade claimgraph")
    assert stored_version(db_path) == "99"


def test_foreign_database_is_refused_and_left_alone(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    with pytest.raises(StoreError) as caught:
        open_store(str(db_path))
    assert caught.value.code is Code.SCHEMA_UNKNOWN
    assert "recipes" in caught.value.message and "use another --db path" in caught.value.message
    assert tables(db_path) == {"recipes"}


def test_foreign_meta_table_is_refused(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE meta (name TEXT, content TEXT)")
        conn.execute("CREATE TABLE pages (id INTEGER PRIMARY KEY)")
    with pytest.raises(StoreError) as caught:
        open_store(str(db_path))
    assert caught.value.code is Code.SCHEMA_UNKNOWN


def test_file_that_is_not_a_database_is_refused(db_path: Path) -> None:
    db_path.write_text("these are someone's notes, not a database\n" * 200)
    with pytest.raises(StoreError) as caught:
        open_store(str(db_path))
    assert caught.value.code is Code.SCHEMA_UNKNOWN
    assert db_path.read_text().startswith("these are someone's notes")


def test_failing_migration_step_leaves_the_database_as_it_was(db_path: Path) -> None:
    with open_store(str(db_path)):
        pass

    def broken(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE half_done (id INTEGER)"))
        raise RuntimeError("step failed")

    engine = make_engine(f"sqlite:///{db_path}")
    try:
        with pytest.raises(RuntimeError):
            ensure_schema(engine, [*MIGRATIONS, Migration(NEXT, "add half_done", broken)])
    finally:
        engine.dispose()
    # DDL is transactional here: neither the table nor a new version survived the failure.
    assert "half_done" not in tables(db_path)
    assert stored_version(db_path) == str(CURRENT_VERSION)


def test_later_migration_step_runs_once(db_path: Path) -> None:
    with open_store(str(db_path)):
        pass
    runs: list[int] = []

    def add_notes(conn: Connection) -> None:
        runs.append(1)
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY)"))

    steps = [*MIGRATIONS, Migration(NEXT, "add notes", add_notes)]
    engine = make_engine(f"sqlite:///{db_path}")
    try:
        assert ensure_schema(engine, steps) == NEXT
        assert ensure_schema(engine, steps) == NEXT
    finally:
        engine.dispose()
    assert runs == [1]
    assert "notes" in tables(db_path) and stored_version(db_path) == str(NEXT)
    with pytest.raises(StoreError) as caught:  # and today's code now finds it too new
        open_store(str(db_path))
    assert caught.value.code is Code.SCHEMA_TOO_NEW


def test_where_the_database_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAIMGRAPH_DB", raising=False)
    with open_store(None) as store:
        assert store.url == "sqlite:///claimgraph.db"
    assert (tmp_path / "claimgraph.db").exists()
    monkeypatch.setenv("CLAIMGRAPH_DB", str(tmp_path / "from-env.db"))
    with open_store(None) as store:
        assert store.url == f"sqlite:///{tmp_path}/from-env.db"
    with open_store(f"sqlite:///{tmp_path}/as-url.db") as store:
        assert store.url == f"sqlite:///{tmp_path}/as-url.db"
    assert {"from-env.db", "as-url.db"} <= {p.name for p in tmp_path.iterdir()}


def test_unusable_urls_are_usage_errors(tmp_path: Path) -> None:
    for url in ("nosuchdb://localhost/x", "mysql+nosuchdriver://localhost/x"):
        with pytest.raises(StoreError) as caught:
            open_store(url)
        assert caught.value.code is Code.BAD_OPTION


def test_missing_directory_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(str(tmp_path / "no" / "such" / "dir" / "graph.db"))
    assert caught.value.code is Code.STORE_WRITE


def test_sqlite_file_uses_wal(db_path: Path) -> None:
    with open_store(str(db_path)):
        pass
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_schema_compiles_for_postgresql() -> None:
    dialect = postgresql.dialect()
    ddl = [str(CreateTable(table).compile(dialect=dialect)) for table in metadata.sorted_tables]
    ddl += [str(CreateIndex(index).compile(dialect=dialect))
            for table in metadata.sorted_tables for index in table.indexes]
    joined = "\n".join(ddl)
    assert "BIGSERIAL" in joined and "TIMESTAMP WITH TIME ZONE" in joined
    assert "uq_claims_identity" in joined and "DEFAULT false" in joined
