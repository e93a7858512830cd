"""Test databases at the current schema on the session's PostgreSQL, emptied and reused.

A new database copied from the template costs 35 ms on an idle machine and up to 0.6 s on a busy one
(it copies 8 MB of files and forces two checkpoints); emptying one with DELETE and rewinding its
sequences costs 10-40 ms either way (measured with this project's schema and tests). So a database a
test is done with goes back to the pool, emptied, if its tables, columns, constraints, extensions and
schema version are still the template's; any other (a test that added a table, or migrated it past
the current version) is dropped.
"""

from __future__ import annotations

from sqlalchemy import Connection, create_engine, delete, text
from sqlalchemy.pool import NullPool

from claimgraph.store import open_store
from claimgraph.store.schema import SCHEMA_VERSION_KEY, meta, metadata
from pg import Cluster

SCHEMA_TEMPLATE = "claimgraph_template"
_PUBLIC = "(SELECT oid FROM pg_namespace WHERE nspname = 'public')"
_SHAPE = text(
    f"SELECT (SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM pg_class "
    f"WHERE relnamespace = {_PUBLIC}), "
    f"(SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    f"WHERE c.relnamespace = {_PUBLIC} AND a.attnum > 0 AND NOT a.attisdropped), "
    f"(SELECT count(*) FROM pg_constraint WHERE connamespace = {_PUBLIC}), "
    f"(SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    f"WHERE c.relnamespace = {_PUBLIC}), "
    "(SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension), "
    "(SELECT count(*) FROM pg_ts_config_map m JOIN pg_ts_config c ON c.oid = m.mapcfg "
    "WHERE c.cfgname = 'claimgraph_search'), "
    f"(SELECT value FROM meta WHERE key = '{SCHEMA_VERSION_KEY}')")
_REWIND = text(f"SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S' AND relnamespace = {_PUBLIC}")


class Pool:
    """Databases at the current schema for the tests of one session."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        cluster.create_database(name=SCHEMA_TEMPLATE)
        open_store(cluster.url(SCHEMA_TEMPLATE)).close()  # closed: no database with connections is copied
        self.shape = self._shape_of(SCHEMA_TEMPLATE)
        self.free: list[str] = []

    def take(self) -> str:
        return self.free.pop() if self.free else self.cluster.create_database(SCHEMA_TEMPLATE)

    def give_back(self, name: str) -> None:
        """Empty the database for the next test; drop it if it is not the template's shape any more."""
        with self.cluster.admin.connect() as admin:  # a test that did not close its store
            admin.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
        engine = create_engine(self.cluster.url(name), poolclass=NullPool)
        try:
            with engine.begin() as conn:
                if _shape(conn) != self.shape:
                    raise _Reshaped(name)
                _empty(conn)
        except Exception:  # noqa: BLE001 - whatever it has become, a new copy of the template is sure
            self.cluster.drop_database(name)
            return
        finally:
            engine.dispose()
        self.free.append(name)

    def _shape_of(self, name: str) -> tuple[object, ...]:
        engine = create_engine(self.cluster.url(name), poolclass=NullPool)
        try:
            with engine.connect() as conn:
                return _shape(conn)
        finally:
            engine.dispose()


class _Reshaped(Exception):
    pass


def _shape(conn: Connection) -> tuple[object, ...]:
    return tuple(conn.execute(_SHAPE).one())


def _empty(conn: Connection) -> None:
    for table in reversed(metadata.sorted_tables):  # children first
        if table is meta:
            conn.execute(delete(meta).where(meta.c.key != SCHEMA_VERSION_KEY))
        else:
            conn.execute(delete(table))
    conn.execute(_REWIND)
