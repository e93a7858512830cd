"""`db copy` (store/transfer.py): a SQLite graph with analysts' judgements, copies, a link cache and
search copied into a database of each backend reads the same there, takes new rows after the copied
ones, copies back unchanged; a target that holds a graph is refused unless replaced."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from curation_builders import GRAPH_TABLES, dump, ingest, kite, later, pay

from backends import raw
from claimgraph.analyse.copies import stories, update_copies
from claimgraph.analyse.links import assess, pair
from claimgraph.errors import Code, StoreError
from claimgraph.model import Article
from claimgraph.store import Store, open_store
from claimgraph.store.schema import metadata
from claimgraph.store.search import SearchResults, search
from claimgraph.store.transfer import copy_store

NewDb = Callable[..., str]
WHO = "analyst-a"
ORIGIN = ("The Korvian Navy escorts the Red Kite Brotherhood's boats past Port Vell every week, harbour "
          "officials told reporters. The shipments crossed the northern border at night, they said. The "
          "ministry promised a full inquiry into the convoy routes before the summer.")
COPY = f"PORT VELL (Coast Wire) - {ORIGIN}"


def build(path: str) -> None:
    """The curation documents, three judgements (one undone), a syndicated copy, the link cache."""
    with open_store(path) as store:
        ingest(store, kite(), later(), pay())
        store.judge_merge("red-kite-brotherhood", "kite-gang", who=WHO, why="one gang, two names")
        store.alias_add("korvian-navy", "the Navy", who=WHO)
        undone = store.rename("marek-tolan", "Marek Tolan (shipowner)", who=WHO)
        store.undo(undone, who=WHO, why="the name was right")
        for key, text, published in (("origin", ORIGIN, "2031-05-01"), ("copy", COPY, "2031-05-02")):
            store.add_document(Article(text=text, source=f"/data/{key}.txt", doc_id=key, outlet=key.title(),
                                       published=published, language="en"), None)
        update_copies(store)
        assess(store)  # fills the link cache


def reads(db: str) -> dict[str, Any]:
    """What the commands and the web pages read, as comparable values."""
    with open_store(db) as store:
        return {
            "counts": store.counts(),
            "entities": store.entities(),
            "claims": store.claims(),
            "documents": store.documents(limit=100),
            "judgements": store.judgements(),
            "links": [dataclasses.asdict(link) for link in assess(store, cached=False)],
            "cached": [dataclasses.asdict(link) for link in assess(store)],
            "pair": dataclasses.asdict(pair(store, "korvian-navy", "red-kite-brotherhood")),
            "stories": stories(store),
            # what matches (the windows of long texts differ between FTS5 and ts_headline by design)
            "search": _found(search(store, "kite gang")),
            "entity": store.entity("the Navy"),
        }


def _found(results: SearchResults) -> tuple[Any, ...]:
    return (sorted(row["doc_key"] for row in results.documents), sorted(row["id"] for row in results.claims),
            results.total_documents, results.total_claims)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("source") / "graph.db")
    build(path)
    return path


def test_a_copy_reads_the_same_as_its_source(source: str, new_db: NewDb) -> None:
    target = new_db("copy", empty=True)
    report = copy_store(source, target)
    assert report.counts == {name: (n, n) for name, (n, _) in report.counts.items()}
    assert set(report.counts) == {table.name for table in metadata.sorted_tables}
    assert report.counts["judgements"][0] == 3 and report.counts["document_copies"][0] == 5
    assert reads(target) == reads(source)


def test_a_copy_takes_new_rows_after_the_copied_ones(source: str, new_db: NewDb) -> None:
    target = new_db("copy", empty=True)
    copy_store(source, target)
    top = {name: raw(target, f"SELECT max(id) FROM {name}")[0][0] for name in ("documents", "claims",
                                                                                "mentions", "judgements")}
    with open_store(target) as store:
        _, doc_id = store.add_document(Article(text="Pelicans nest on the pier at Port Vell.", source="p.txt",
                                               language="en"), None)
        number = store.judge_merge("korvian-navy", "osk", who=WHO, why="a test of the id sequence")
        store.undo(number, who=WHO)
    assert doc_id > top["documents"] and number > top["judgements"]


def test_a_copy_back_gives_the_same_graph(source: str, new_db: NewDb, tmp_path: Path) -> None:
    there = new_db("there", empty=True)
    copy_store(source, there)
    back = str(tmp_path / "back.db")
    copy_store(there, back)
    assert dump(back) == dump(source)
    for table in GRAPH_TABLES:
        assert raw(back, f"SELECT count(*) FROM {table}") == raw(source, f"SELECT count(*) FROM {table}")
    assert reads(back) == reads(source)


def test_a_target_that_holds_a_graph_is_refused_unless_replaced(source: str, new_db: NewDb) -> None:
    target = new_db("full")
    with open_store(target) as store:
        ingest(store, kite())
    before = dump(target)
    with pytest.raises(StoreError) as caught:
        copy_store(source, target)
    assert caught.value.code is Code.COPY_TARGET_NOT_EMPTY and "--replace" in caught.value.message
    assert dump(target) == before
    copy_store(source, target, replace=True)
    assert dump(target) == dump(source)


def test_a_database_is_not_copied_onto_itself(source: str) -> None:
    with pytest.raises(StoreError) as caught:
        copy_store(source, source)
    assert caught.value.code is Code.SAME_DATABASE


def test_small_batches_copy_the_same(source: str, new_db: NewDb) -> None:
    target = new_db("batches", empty=True)
    seen: list[tuple[str, int]] = []
    report = copy_store(source, target, batch=2, progress=lambda table, n: seen.append((table, n)))
    assert dump(target) == dump(source)
    total = report.counts["mentions"][0]
    assert [n for table, n in seen if table == "mentions"] == [*range(2, total, 2), total]


def test_an_empty_store_copies_as_empty(new_db: NewDb, tmp_path: Path) -> None:
    empty = str(tmp_path / "empty.db")
    open_store(empty).close()
    target = new_db("target", empty=True)
    report = copy_store(empty, target)
    assert report.rows == 0
    with open_store(target) as store:
        assert isinstance(store, Store) and store.counts()["documents"] == 0
