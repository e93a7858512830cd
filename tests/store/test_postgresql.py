"""What only PostgreSQL has: the driver behind a bare URL, passwords kept out of messages, the GIN
indexes the search queries use, accent folding, writers that conflict and are run again, a link cache
two processes refresh at once, and a judgement made while an ingest writes."""

from __future__ import annotations

import threading

import pytest
from curation_builders import ingest, kite, later
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from store_builders import dravia, heron

from backends import execute, raw
from claimgraph.analyse.config import load
from claimgraph.analyse.links import _ensure_cache, assess, refresh_cache
from claimgraph.errors import Code, StoreError
from claimgraph.store import CURRENT_VERSION, Store, open_store
from claimgraph.store.contention import is_conflict, retrying
from claimgraph.store.database import _Writer
from claimgraph.store.engine import make_engine, write_transaction
from claimgraph.store.rows import Doc, Pending
from claimgraph.store.search import search
from claimgraph.store.search_pg import CLAIM_VECTOR, CONFIG, DOC_VECTOR, folds_accents
from pg import free_port
from pg_pool import Pool


# --- URLs, without a server ------------------------------------------------------------------------
@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_a_postgresql_url_uses_psycopg_3(scheme: str) -> None:
    engine = make_engine(f"{scheme}://someone@127.0.0.1:5432/graph")
    try:
        assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
    finally:
        engine.dispose()


def test_an_unreachable_server_is_e203_without_the_password() -> None:
    url = f"postgresql://analyst:s3cret-pw@127.0.0.1:{free_port()}/graph"
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert caught.value.code is Code.STORE_WRITE
    assert "s3cret-pw" not in str(caught.value) and "***" in str(caught.value)


# --- writers that conflict --------------------------------------------------------------------------
class _Orig(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _conflict(sqlstate: str) -> OperationalError:
    return OperationalError("INSERT ...", {}, _Orig(sqlstate))


def test_deadlocks_and_serialization_failures_are_run_again() -> None:
    calls: list[int] = []

    def work() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _conflict("40P01" if len(calls) == 1 else "40001")
        return "done"

    assert retrying(work, "a test write") == "done" and len(calls) == 3


def test_a_write_that_keeps_conflicting_is_e207() -> None:
    def work() -> None:
        raise _conflict("40P01")

    with pytest.raises(StoreError) as caught:
        retrying(work, "storing 3 documents", attempts=3)
    assert caught.value.code is Code.STORE_CONFLICT and "storing 3 documents" in caught.value.message


def test_which_errors_are_conflicts() -> None:
    assert is_conflict(_conflict("40P01")) and is_conflict(_conflict("40001"))
    assert not is_conflict(_conflict("23505")) and is_conflict(_conflict("23505"), unique=True)
    assert not is_conflict(_conflict("23514"), unique=True)  # a CHECK constraint: a real error
    assert not is_conflict(ValueError("no database error"))


# --- on the test cluster ----------------------------------------------------------------------------
pg = pytest.mark.postgresql


def _plan(store: Store, sql: str) -> str:
    with store.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # a few rows: ask whether the index can serve
        return "\n".join(row[0] for row in conn.execute(text("EXPLAIN " + sql)))


@pg
def test_search_reads_the_gin_indexes(store: Store) -> None:
    store.add_document(*heron())
    query = f"phraseto_tsquery('{CONFIG}', 'heron')"
    assert "ix_documents_search" in _plan(store, f"SELECT id FROM documents WHERE {DOC_VECTOR} @@ {query}")
    assert "ix_claims_search" in _plan(store, f"SELECT id FROM claims WHERE {CLAIM_VECTOR} @@ {query}")


@pg
def test_accents_are_folded_with_the_unaccent_extension(store: Store, db: str) -> None:
    with store.engine.connect() as conn:
        assert folds_accents(conn)
    assert raw(db, "SELECT extname FROM pg_extension WHERE extname = 'unaccent'") == [("unaccent",)]


@pg
def test_a_text_longer_than_a_tsvector_holds_is_stored(store: Store) -> None:
    # ~1.8 MB of distinct words, in the text and in one claim's evidence (the text's first "sentence"):
    # a tsvector of either whole would be over PostgreSQL's 1 MB limit
    words = " ".join(f"w{n:06d}x" for n in range(200_000))
    article, extraction = heron(f"{words} {heron()[0].text}")
    assert store.add_document(article, extraction)[0] == "new"
    assert search(store, "w000001x").total_documents == 1  # near the start: indexed
    assert search(store, "w000001x").total_claims == 2
    assert search(store, "w199999x").total_documents == 0  # past the indexed part


@pg
def test_two_processes_refreshing_the_link_cache_at_once_store_it_once(store: Store, db: str) -> None:
    store.add_document(*heron())
    store.add_document(*dravia())
    with open_store(db) as other:
        other.add_document(*heron(heron()[0].text + " Later."))  # the cache is stale now
        expected = len(assess(other, cached=False))
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def refresh(opened: Store) -> None:
            try:
                start.wait(timeout=30)
                _ensure_cache(opened, load())
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=refresh, args=(s,)) for s in (store, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert raw(db, "SELECT count(*), count(DISTINCT rank) FROM link_cache") == [(expected, expected)]
    assert refresh_cache(store) == expected  # a forced refresh still rewrites it



@pg
def test_a_judgement_waits_for_a_write_in_flight_then_moves_its_rows(db: str) -> None:
    with open_store(db) as store:
        ingest(store, kite())
    with open_store(db) as writer, open_store(db) as analyst:
        errors: list[BaseException] = []

        def merge() -> None:
            try:
                analyst.judge_merge("red-kite-brotherhood", "kite-gang", who="analyst-a", why="one gang")
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        # an ingest in flight: its transaction has stored the later report, and not committed yet
        with write_transaction(writer.engine) as conn:
            _Writer(conn, Pending(), Pending(), "").write([Doc.of(*later(), "ok")])
            judging = threading.Thread(target=merge)
            judging.start()
            judging.join(timeout=1.0)
            assert judging.is_alive(), "the judgement must wait for the write in flight"
        judging.join(timeout=30)
    assert errors == [] and not judging.is_alive()
    # the later report's "Kite Gang" mentions moved with the others: none names the merged entity
    assert raw(db, "SELECT count(*) FROM mentions WHERE entity_id = 'kite-gang'") == [(0,)]
    assert raw(db, "SELECT count(*) FROM claims WHERE 'kite-gang' IN (subject_id, object_id)") == [(0,)]


@pg
def test_the_test_pool_reuses_a_database_emptied_and_drops_a_reshaped_one(pg_pool: Pool) -> None:
    used, reshaped = pg_pool.take(), pg_pool.take()
    with open_store(pg_pool.cluster.url(used)) as store:
        store.add_document(*heron())
    execute(pg_pool.cluster.url(reshaped), "CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    pg_pool.give_back(used)
    pg_pool.give_back(reshaped)
    assert used in pg_pool.free and reshaped not in pg_pool.free
    assert pg_pool.take() == used
    url = pg_pool.cluster.url(used)
    assert raw(url, "SELECT count(*) FROM documents") == [(0,)]
    assert raw(url, "SELECT value FROM meta") == [(str(CURRENT_VERSION),)]
    with open_store(url) as store:
        assert store.add_document(*heron()) == ("new", 1)  # the ids start again
    pg_pool.give_back(used)
    assert raw(pg_pool.cluster.url("postgres"), "SELECT count(*) FROM pg_database WHERE datname = ?",
               reshaped) == [(0,)]
