"""Writing documents: transactions, duplicates, batches, failures and entity upserts."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace

import pytest
from sqlalchemy.exc import IntegrityError
from store_builders import HERON_TEXT, claim, dravia, heron, plain

from backends import execute, raw
from claimgraph.errors import Code, StoreError
from claimgraph.model import Article, Entity, Extraction
from claimgraph.store import FAILED_ID, Store, open_store

EMPTY = {"documents": 0, "documents_ok": 0, "documents_skipped": 0, "entities": 0, "claims": 0, "mentions": 0}


def with_bad_subject(article: Article, extraction: Extraction) -> tuple[Article, Extraction]:
    bad = claim(article.text, article.text[:20], "nobody-defines-this", "supports", extraction.entities[0].id)
    return article, replace(extraction, claims=[*extraction.claims, bad])


def with_bad_polarity(article: Article, extraction: Extraction) -> tuple[Article, Extraction]:
    bad = replace(extraction.claims[0], polarity="probably")
    return article, replace(extraction, claims=[*extraction.claims, bad])


def test_add_document_writes_document_entities_mentions_claims(store: Store, db: str) -> None:
    article, extraction = heron()
    outcome, doc_id = store.add_document(article, extraction, extractor_version="rules-1")
    assert outcome == "new" and doc_id > 0
    assert store.counts() == {"documents": 1, "documents_ok": 1, "documents_skipped": 0,
                              "entities": 5, "claims": 3, "mentions": 6}
    assert raw(db, "SELECT doc_key, hash, status, extractor_version, outlet FROM documents") == [
        ("heron-report", article.hash, "ok", "rules-1", "Example Courier")]
    stored = raw(db, "SELECT start_offset, end_offset, text FROM mentions ORDER BY id")
    assert all(HERON_TEXT[start:end] == text for start, end, text in stored)  # type: ignore[index]
    assert raw(db, "SELECT count(*) FROM claims WHERE speaker_id IS NULL") == [(1,)]


def test_same_text_in_other_whitespace_is_a_duplicate_and_writes_nothing(store: Store) -> None:
    article, extraction = heron()
    _, first_id = store.add_document(article, extraction)
    before = store.counts()
    respaced = "  " + HERON_TEXT.replace(" ", "\n  ", 3)
    again = Article(text=respaced, source="/elsewhere/copy.txt", doc_id="copy")
    assert store.add_document(again, extraction) == ("duplicate", first_id)
    assert store.counts() == before
    assert store.has_hash(article.hash)
    assert not store.has_hash("0" * 64)


def test_skipped_document_is_stored_without_graph(store: Store) -> None:
    article = Article(text="Ein kurzer Text auf Deutsch.", source="de.txt", language="de")
    status = "skipped: language de not supported yet"
    outcome, _ = store.add_document(article, None, status=status)
    assert outcome == "new"
    assert store.counts() == {**EMPTY, "documents": 1, "documents_skipped": 1}


def test_unknown_entity_fails_and_writes_nothing(store: Store) -> None:
    article, extraction = with_bad_subject(*heron())
    with pytest.raises(StoreError) as caught:
        store.add_document(article, extraction)
    assert caught.value.code is Code.STORE_WRITE
    assert "nobody-defines-this" in caught.value.message
    assert store.counts() == EMPTY
    assert not store.has_hash(article.hash)


def test_database_error_rolls_back_the_whole_document(store: Store) -> None:
    article, extraction = with_bad_polarity(*heron())
    with pytest.raises(StoreError) as caught:
        store.add_document(article, extraction)
    assert caught.value.code is Code.STORE_WRITE
    assert isinstance(caught.value.__cause__, IntegrityError)
    # The document row, entities and mentions were written before the bad claim: all rolled back.
    assert store.counts() == EMPTY
    # And the entity cache did not learn entities that were never committed.
    assert store.add_document(*heron())[0] == "new"
    assert store.counts()["entities"] == 5


def test_batch_detects_duplicates_inside_it_and_in_the_database(store: Store) -> None:
    _, existing_id = store.add_document(*plain(0))
    items = [(*plain(1), "ok"), (*heron(), "ok"), (*plain(1), "ok"), (*plain(0), "ok")]
    results = store.add_documents(items, "rules-1")
    assert [outcome for outcome, _ in results] == ["new", "new", "duplicate", "duplicate"]
    assert results[2][1] == results[0][1]
    assert results[3][1] == existing_id
    assert len({doc_id for _, doc_id in results}) == 3
    assert store.counts()["documents"] == 3


def test_batch_item_with_unknown_entity_fails_alone(
    store: Store, db: str, caplog: pytest.LogCaptureFixture
) -> None:
    bad_article, bad_extraction = with_bad_subject(*plain(2, entity_prefix="only-in-bad"))
    items = [(*plain(1), "ok"), (bad_article, bad_extraction, "ok"), (*heron(), "ok")]
    with caplog.at_level(logging.WARNING, logger="claimgraph.store"):
        results = store.add_documents(items, "rules-1")
    # Found before writing: the batch transaction itself did not have to fail.
    assert not any("one by one" in message for message in caplog.messages)
    assert [outcome for outcome, _ in results[::2]] == ["new", "new"]
    assert results[1][0].startswith("failed: ") and "nobody-defines-this" in results[1][0]
    assert results[1][1] == FAILED_ID
    assert not store.has_hash(bad_article.hash)
    assert raw(db, "SELECT count(*) FROM entities WHERE id LIKE 'only-in-bad%'") == [(0,)]
    assert store.counts()["documents"] == 2 and store.counts()["claims"] == 4


def test_batch_item_with_database_error_falls_back_to_one_by_one(
    store: Store, db: str, caplog: pytest.LogCaptureFixture
) -> None:
    bad_article, bad_extraction = with_bad_polarity(*plain(2, entity_prefix="only-in-bad"))
    items = [(*plain(1), "ok"), (bad_article, bad_extraction, "ok"), (*heron(), "ok"), (*plain(1), "ok")]
    with caplog.at_level(logging.WARNING, logger="claimgraph.store"):
        results = store.add_documents(items, "rules-1")
    assert any("one by one" in message for message in caplog.messages)
    assert [outcome for outcome, _ in results][::2] == ["new", "new"]
    assert results[1][0].startswith("failed: ") and "CHECK" in results[1][0].upper()
    assert results[3] == ("duplicate", results[0][1])
    assert not store.has_hash(bad_article.hash)
    assert raw(db, "SELECT count(*) FROM entities WHERE id LIKE 'only-in-bad%'") == [(0,)]
    assert store.counts() == {"documents": 2, "documents_ok": 2, "documents_skipped": 0,
                              "entities": 7, "claims": 4, "mentions": 8}


def test_batch_mixes_statuses_and_empty_batch(store: Store) -> None:
    skipped = Article(text="Un texto breve en castellano.", source="es.txt", language="es")
    status = "skipped: language es not supported yet"
    results = store.add_documents([(*plain(1), "ok"), (skipped, None, status)], "rules-1")
    assert [outcome for outcome, _ in results] == ["new", "new"]
    assert store.counts()["documents_skipped"] == 1
    assert store.add_documents([], "rules-1") == []


def test_entity_upsert_keeps_name_and_type_but_fills_gaps(store: Store, db: str) -> None:
    store.add_document(*heron())
    store.add_document(*dravia())
    row = raw(db, "SELECT name, type, country, wikidata, provisional FROM entities "
                       "WHERE id = 'blue-heron-syndicate'")
    # dravia() calls it "Blue Heron Cartel", an armed_group, and knows it (not provisional).
    assert row == [("Blue Heron Syndicate", "criminal_group", "OS", "Q999999001", 0)]
    # Its other name still became an alias.
    assert store.match_entities("Blue Heron Cartel") == ["blue-heron-syndicate"]


def test_analyst_curation_survives_later_ingests(store: Store, db: str) -> None:
    store.add_document(*heron())
    execute(db, "UPDATE entities SET name = 'Blue Heron Network', type = 'armed_group' "
                "WHERE id = 'blue-heron-syndicate'")
    store.add_document(*dravia())  # the same Store: its cache must not matter
    with open_store(db) as fresh:  # a new Store: the SQL itself must not overwrite
        fresh.add_document(*heron(HERON_TEXT + " A later edition."))
    assert raw(db, "SELECT name, type FROM entities WHERE id = 'blue-heron-syndicate'") == [
        ("Blue Heron Network", "armed_group")]


def test_same_claim_twice_is_stored_once_even_without_speaker(store: Store) -> None:
    article, extraction = heron()
    unattributed = [c for c in extraction.claims if c.speaker is None]
    assert unattributed
    doubled = replace(extraction, claims=[*extraction.claims, *extraction.claims])
    store.add_document(article, doubled)
    assert store.counts()["claims"] == 3


def test_claims_differing_only_by_speaker_are_both_kept(store: Store) -> None:
    article, extraction = heron()
    first = extraction.claims[0]
    other = replace(first, speaker="osmania")
    store.add_document(article, replace(extraction, claims=[first, other, replace(first, speaker=None)]))
    assert store.counts()["claims"] == 3


def test_same_doc_id_for_different_texts_keeps_both(store: Store, db: str) -> None:
    a = Article(text="First text about Group 1.", source="a/report.txt", doc_id="report")
    b = Article(text="Another text about Group 2.", source="b/report.txt", doc_id="report")
    c = Article(text="A third text about Group 3.", source="c/report.txt", doc_id="report")
    store.add_document(a, None)
    results = store.add_documents([(b, None, "ok"), (c, None, "ok")], "rules-1")
    assert [outcome for outcome, _ in results] == ["new", "new"]
    keys = {key for (key,) in raw(db, "SELECT doc_key FROM documents")}
    assert keys == {"report", f"report-{b.hash[:8]}", f"report-{c.hash[:8]}"}


def test_coreference_texts_do_not_become_aliases(store: Store) -> None:
    store.add_document(*dravia())
    assert store.match_entities("the group") == []
    assert store.match_entities("Blue Heron Cartel") == ["blue-heron-syndicate"]


def test_provisional_entity_stays_provisional_until_known(store: Store, db: str) -> None:
    store.add_document(*heron())
    assert raw(db, "SELECT provisional FROM entities WHERE id = 'blue-heron-syndicate'") == [(1,)]
    assert raw(db, "SELECT provisional FROM entities WHERE id = 'osmania'") == [(0,)]
    store.add_document(*dravia())
    assert raw(db, "SELECT provisional FROM entities WHERE id = 'blue-heron-syndicate'") == [(0,)]


def test_stale_entity_cache_does_not_fail_a_write(store: Store, db: str) -> None:
    store.add_document(*heron())
    # Another process empties the database behind this Store's back.
    tables = ("claims", "mentions", "aliases", "documents", "entities")
    execute(db, *(f"DELETE FROM {table}" for table in tables))
    # The cache believes the entities exist; the foreign keys say otherwise; the write must still work.
    assert store.add_document(*heron(HERON_TEXT + " Updated."))[0] == "new"
    assert store.counts()["entities"] == 5


def test_entities_new_in_a_later_document_are_written(store: Store) -> None:
    store.add_document(*heron())
    extra_text = "Lena Varga met the Keldar Brotherhood."
    article = Article(text=extra_text, source="keldar.txt")
    extraction = Extraction(article.doc_id, [
        Entity("lena-varga", "Lena Varga", "person"),
        Entity("keldar-brotherhood", "Keldar Brotherhood", "armed_group"),
    ], [claim(extra_text, extra_text, "lena-varga", "linked_to", "keldar-brotherhood")])
    store.add_document(article, extraction)
    assert store.counts()["entities"] == 6
    assert [e["id"] for e in store.entities(type="armed_group")] == ["keldar-brotherhood"]


def test_claim_may_refer_to_an_entity_stored_earlier(store: Store) -> None:
    store.add_document(*heron())
    text = "Port Calder remains calm, Lena Varga said."
    article = Article(text=text, source="calm.txt")
    extraction = Extraction(article.doc_id, [], [
        claim(text, text, "lena-varga", "operates_in", "port-calder", speaker="lena-varga")])
    assert store.add_document(article, extraction)[0] == "new"
    assert store.counts()["claims"] == 4


def test_two_stores_writing_at_once_lose_nothing(db: str) -> None:
    with open_store(db):
        pass  # create the schema once, before the writers race
    errors: list[BaseException] = []

    def ingest(offset: int) -> None:
        try:
            with open_store(db) as own:
                for n in range(offset, offset + 15):
                    own.add_document(*plain(n))
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=ingest, args=(k * 100,)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert raw(db, "SELECT count(*) FROM documents") == [(30,)]
