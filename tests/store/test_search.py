"""Full-text search (store/search.py) on a real SQLite store: words and phrases, accents, user input
that looks like FTS5 syntax, snippets, totals and paging, the triggers that keep the index in step,
the v4 -> v5 migration, and the LIKE fallback that other databases use. Invented actors only."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.model import Article, Claim, Entity, Extraction, Mention
from claimgraph.store import CURRENT_VERSION, Store, open_store
from claimgraph.store.engine import make_engine, read_transaction, write_transaction
from claimgraph.store.migrations import MIGRATIONS, ensure_schema
from claimgraph.store.search import (
    MAX_TERMS,
    SearchResults,
    Snippet,
    _search_like,
    search,
    snippet_of,
    split_marked,
    terms,
)

# name -> (id, type); every name is a run of whole words in the texts below
ACTORS = {
    "Velmora": ("velmora", "state"),
    "Ash Crane Brotherhood": ("ash-crane", "criminal_group"),
    "Kestovan Navy": ("kestovan-navy", "state_body"),
    "Frente Añil": ("frente-anil", "armed_group"),
    "Société Brûlée": ("societe-brulee", "criminal_group"),
}

CRANE = "Velmora arms the Ash Crane Brotherhood, a harbour official said."
NAVY = "The Kestovan Navy escorts ships of the Ash Crane Brotherhood."
ANIL = "The Frente Añil trades with the Société Brûlée near the old quarry."
REVERSED = "A crane and some ash were found near the Velmora quarry."  # "crane ash", never "ash crane"
LONG = ("Officials in the capital met on Monday to discuss the budget, the roads and the schools. " * 6
        + "Late in the evening they said that the Kestovan Navy funds the Ash Crane Brotherhood. "
        + "The meeting then turned to the harvest and to the weather of the coming season. " * 6)


def _span(body: str, phrase: str) -> tuple[int, int]:
    start = body.index(phrase)
    return start, start + len(phrase)


def add(store: Store, key: str, body: str, *, title: str | None = None, outlet: str | None = "Wire",
        published: str | None = "2031-01-01",
        claims: tuple[tuple[str, str, str, str], ...] = ()) -> int:
    """A document whose actors are found by name in `body`; claims are (subject name, relation,
    object name, evidence)."""
    article = Article(text=body, source=f"/search-test/{key}.txt", doc_id=key, title=title, outlet=outlet,
                      published=published, language="en")
    named = {name: ids for name, ids in ACTORS.items() if name in body}
    entities = [Entity(i, name, kind, mentions=[name]) for name, (i, kind) in named.items()]
    mentions = [Mention(*_span(body, name), name, i, rule="alias") for name, (i, _) in named.items()]
    found = [Claim(ACTORS[s][0], r, ACTORS[o][0], "affirmed", "asserted", None, ev, *_span(body, ev),
                   cue=r, rule="test") for s, r, o, ev in claims]
    outcome, doc_id = store.add_document(article, Extraction(key, entities, found, mentions))
    assert outcome == "new"
    return doc_id


@pytest.fixture
def filled(store: Store) -> Store:
    add(store, "crane", CRANE, title="Harbour report",
        claims=(("Velmora", "arms", "Ash Crane Brotherhood", "Velmora arms the Ash Crane Brotherhood"),))
    add(store, "navy", NAVY, title="Escorts at sea",
        claims=(("Kestovan Navy", "supports", "Ash Crane Brotherhood", NAVY.rstrip(".")),))
    add(store, "anil", ANIL, title="Quarry trade",
        claims=(("Frente Añil", "cooperates_with", "Société Brûlée", ANIL.rstrip(".")),))
    add(store, "reversed", REVERSED, title="Velmora lantern festival")
    return store


def keys(found: SearchResults) -> list[str]:
    return [row["doc_key"] for row in found.documents]


def hits(snippet: Snippet) -> list[str]:
    return [piece for piece, is_hit in snippet if is_hit]


def evidence_of(found: SearchResults) -> list[str]:
    return [row["evidence"] for row in found.claims]


# --- words and phrases ---------------------------------------------------------------------------
def test_every_word_must_match(filled: Store) -> None:
    assert sorted(keys(search(filled, "crane"))) == ["crane", "navy", "reversed"]
    assert sorted(keys(search(filled, "crane velmora"))) == ["crane", "reversed"]
    assert keys(search(filled, "crane velmora harbour official")) == ["crane"]
    assert keys(search(filled, "crane quarry trades")) == []
    both = search(filled, "Crane NAVY")
    assert keys(both) == ["navy"] and evidence_of(both) == [NAVY.rstrip(".")]
    assert both.total_documents == 1 and both.total_claims == 1


def test_words_may_match_in_title_and_text_together(filled: Store) -> None:
    # "escorts" is in the title and the text, "sea" only in the title, "ships" only in the text
    assert keys(search(filled, "sea ships")) == ["navy"]
    assert keys(search(filled, "lantern quarry")) == ["reversed"]
    assert search(filled, "lantern quarry").claims == []  # claim evidence has no title


def test_a_quoted_phrase_matches_its_words_in_order(filled: Store) -> None:
    assert sorted(keys(search(filled, '"ash crane"'))) == ["crane", "navy"]
    assert keys(search(filled, '"crane and some ash"')) == ["reversed"]
    assert keys(search(filled, '"crane ash"')) == []
    # a phrase and a word together; punctuation inside a phrase is no syntax
    assert keys(search(filled, '"Ash, Crane!" official')) == ["crane"]
    assert sorted(evidence_of(search(filled, '"ash crane brotherhood"'))) == sorted(
        ["Velmora arms the Ash Crane Brotherhood", NAVY.rstrip(".")])


def test_terms_of_a_query() -> None:
    assert terms('ash "Crane  Brotherhood" -x') == ["ash", "Crane Brotherhood", "x"]
    assert terms('NEAR(a b) "unclosed') == ["NEAR", "a", "b", "unclosed"]
    assert terms('"" * () :') == []
    assert terms(" ".join(f"w{i}" for i in range(40))) == [f"w{i}" for i in range(MAX_TERMS)]


@pytest.mark.parametrize("query", ["brulee", "BRÛLÉE", "Societe", "société brûlée", "anil", "AÑIL",
                                   '"frente anil"', '"Société Brulée"'])
def test_accents_are_folded_both_ways(filled: Store, query: str) -> None:
    found = search(filled, query)
    assert keys(found) == ["anil"] and evidence_of(found) == [ANIL.rstrip(".")]


def test_a_query_with_accents_finds_plain_text(store: Store) -> None:
    add(store, "plain", "The Velmora navy visited Societe harbour at dawn.")
    assert keys(search(store, "Société")) == ["plain"]
    assert keys(search(store, "dàwn")) == ["plain"]


# --- whatever the user types -------------------------------------------------------------------------
@pytest.mark.parametrize("query", [
    "NEAR(", "NEAR(crane velmora)", "NEAR(crane velmora, 2)", "crane*", "*crane", "-crane", "crane -velmora",
    '"', '"crane', 'crane"', '""', '"" crane', "crane AND velmora", "crane OR navy", "NOT crane",
    "AND OR NOT", "title:crane", "text: crane", ":", "crane:", "(crane)", "(crane OR navy", ")", "^crane",
    "crane + velmora", "{title text}: crane", "crane'", "'", "crane;", "--", "%", "crane%", "_", "c_r",
    "\\", "crane\\", "\x00crane", "cr\u200bane", "ash-crane", "🦊 crane", "' OR 1=1 --",
])
def test_fts5_syntax_in_a_query_never_errors(filled: Store, query: str) -> None:
    try:
        found = search(filled, query)
    except ClaimgraphError as exc:  # the one clean refusal: a query with no words
        assert exc.code is Code.BAD_REQUEST and exc.code.value == "E413"
        assert terms(query) == []
        return
    assert terms(query), "a query without words must be refused, not searched"
    assert found.query == query
    assert found.total_documents == len(found.documents) and found.total_claims == len(found.claims)
    # the syntax characters are no syntax: the query means exactly its words
    plain = search(filled, " ".join(f'"{part}"' for part in terms(query)))
    assert keys(found) == keys(plain) and evidence_of(found) == evidence_of(plain)


@pytest.mark.parametrize("query", ["crane*", "*crane", "-crane", "(crane)", "^crane", "crane:", "crane\\",
                                   '"crane', 'crane"', "{crane}", "crane;"])
def test_syntax_around_one_word_means_that_word(filled: Store, query: str) -> None:
    assert sorted(keys(search(filled, query))) == ["crane", "navy", "reversed"]


def test_operators_are_searched_as_words(store: Store) -> None:
    add(store, "ops", "They said NOT to go near the crane OR the Velmora gate AND stay home.")
    add(store, "other", "The crane at the Velmora gate was repaired.")
    assert keys(search(store, "crane OR velmora")) == ["ops"]
    assert keys(search(store, "NOT near")) == ["ops"]
    assert sorted(keys(search(store, "crane velmora"))) == ["ops", "other"]


@pytest.mark.parametrize("query", ["", " ", "*", '"', '""', '" "', "()", "-", ":", "^", "+", "—", "?!",
                                   "\t\n"])
def test_a_query_with_no_words_is_a_clean_e413(filled: Store, query: str) -> None:
    with pytest.raises(ClaimgraphError) as caught:
        search(filled, query)
    assert caught.value.code is Code.BAD_REQUEST
    assert str(caught.value).startswith("E413 ")


# --- snippets ------------------------------------------------------------------------------------
def test_claim_snippets_are_the_whole_evidence_with_the_matched_words_marked(filled: Store) -> None:
    found = search(filled, "velmora ARMS")
    [claim] = found.claims
    assert "".join(piece for piece, _ in claim["snippet"]) == claim["evidence"]
    assert hits(claim["snippet"]) == ["Velmora", "arms"]
    assert all(isinstance(piece, str) and isinstance(hit, bool) for piece, hit in claim["snippet"])
    # the claim row is what Store.claims gives, plus its snippet
    stored = {row["id"]: row for row in filled.claims()}
    assert {k: v for k, v in claim.items() if k != "snippet"} == stored[claim["id"]]


def test_document_snippets_mark_every_matched_word_and_only_those(filled: Store) -> None:
    [doc] = search(filled, "ships brotherhood").documents
    assert hits(doc["snippet"]) == ["ships", "Brotherhood"]
    assert "".join(piece for piece, _ in doc["snippet"]) == NAVY
    [doc] = search(filled, "brulee").documents
    assert hits(doc["snippet"]) == ["Brûlée"]  # the text as stored, accents and all
    assert {"id", "doc_key", "title", "outlet", "published", "url"} <= set(doc) and "snip" not in doc


def test_a_long_document_gets_a_window_around_the_hits(store: Store) -> None:
    add(store, "long", LONG, claims=(("Kestovan Navy", "finances", "Ash Crane Brotherhood",
                                      "the Kestovan Navy funds the Ash Crane Brotherhood"),))
    [doc] = search(store, '"navy funds"').documents
    snippet = doc["snippet"]
    joined = "".join(piece for piece, _ in snippet)
    assert hits(snippet) == ["Navy funds"]  # a phrase is marked as one hit
    assert joined.startswith("…") and joined.endswith("…") and len(joined) < len(LONG)
    assert joined.strip("…") in LONG
    assert len(joined.split()) <= 26


def test_split_marked() -> None:
    assert split_marked("a \x02b\x03 c") == [("a ", False), ("b", True), (" c", False)]
    assert split_marked("\x02a\x03\x02b\x03") == [("a", True), ("b", True)]
    assert split_marked("") == []


# --- totals and paging ---------------------------------------------------------------------------
def test_totals_and_pages(store: Store) -> None:
    for n in range(7):
        body = f"Report {n}: the Kestovan Navy escorts the Ash Crane Brotherhood."
        add(store, f"r{n}", body, claims=(("Kestovan Navy", "supports", "Ash Crane Brotherhood",
                                           body.split(": ")[1].rstrip(".")),))
    add(store, "unrelated", "The Frente Añil trades with the Société Brûlée.")
    everything = search(store, "kestovan escorts", limit=100)
    assert everything.total_documents == 7 and len(everything.documents) == 7
    assert everything.total_claims == 7 and len(everything.claims) == 7
    pages = [search(store, "kestovan escorts", limit=3, offset=offset) for offset in (0, 3, 6, 9)]
    assert [len(page.documents) for page in pages] == [3, 3, 1, 0]
    assert [len(page.claims) for page in pages] == [3, 3, 1, 0]
    assert all(page.total_documents == 7 and page.total_claims == 7 for page in pages)
    assert [key for page in pages for key in keys(page)] == keys(everything)
    assert [row["id"] for page in pages for row in page.claims] == [row["id"] for row in everything.claims]
    assert sorted(keys(everything)) == [f"r{n}" for n in range(7)]


def test_a_title_hit_ranks_above_a_text_hit(store: Store) -> None:
    add(store, "in-text", "The council spoke about the zephyr at length today.", title="Council notes")
    add(store, "in-title", "The council spoke about the weather at length today.", title="Zephyr notes")
    assert keys(search(store, "zephyr")) == ["in-title", "in-text"]


# --- the index follows the tables ----------------------------------------------------------------
def _integrity(store: Store) -> None:
    """FTS5's own check that each index matches its content table (raises if it does not). PostgreSQL's
    indexes are on expressions of the rows themselves: nothing can put them out of step."""
    with read_transaction(store.engine) as conn:
        if conn.dialect.name != "sqlite":
            return
        for table in ("documents_fts", "claims_fts"):
            conn.execute(text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')"))


def test_new_documents_are_searchable_at_once(filled: Store) -> None:
    assert keys(search(filled, "granary")) == []
    add(filled, "later", "Velmora arms the Ash Crane Brotherhood near the granary.",
        claims=(("Velmora", "arms", "Ash Crane Brotherhood", "Velmora arms the Ash Crane Brotherhood"),))
    found = search(filled, "granary")
    assert keys(found) == ["later"] and found.claims == []
    assert search(filled, '"velmora arms"').total_claims == 2
    _integrity(filled)


def test_a_deleted_document_and_its_claims_leave_the_index(filled: Store) -> None:
    assert search(filled, "crane").total_claims == 2
    with write_transaction(filled.engine) as conn:  # the claims go by ON DELETE CASCADE
        conn.execute(text("DELETE FROM documents WHERE doc_key = 'navy'"))
    found = search(filled, "crane")
    assert sorted(keys(found)) == ["crane", "reversed"] and found.total_documents == 2
    assert evidence_of(found) == ["Velmora arms the Ash Crane Brotherhood"] and found.total_claims == 1
    assert keys(search(filled, "escorts")) == []
    _integrity(filled)
    # the freed ids are reused by the next rows: the index must not mix the old text in
    add(filled, "navy-again", "Pelicans nest on the pier.")
    assert keys(search(filled, "escorts")) == [] and keys(search(filled, "pelicans")) == ["navy-again"]
    _integrity(filled)


def test_an_edited_title_and_claim_are_searched_as_they_now_read(filled: Store) -> None:
    with write_transaction(filled.engine) as conn:
        conn.execute(text("UPDATE documents SET title = 'Pelican census' WHERE doc_key = 'crane'"))
        conn.execute(text("UPDATE claims SET evidence = 'Velmora arms the pelicans' WHERE relation = 'arms'"))
    assert keys(search(filled, "harbour report")) == []
    assert keys(search(filled, "pelican census")) == ["crane"]
    assert evidence_of(search(filled, "pelicans")) == ["Velmora arms the pelicans"]
    assert search(filled, "crane brotherhood").total_claims == 1
    _integrity(filled)


def test_curation_that_deletes_and_restores_claims_keeps_the_index_in_step(store: Store) -> None:
    body = "Velmora and the Kestovan Navy arm the Ash Crane Brotherhood, officials said."
    evidence = "Velmora and the Kestovan Navy arm the Ash Crane Brotherhood"
    add(store, "two", body, claims=(("Velmora", "arms", "Ash Crane Brotherhood", evidence),
                                    ("Kestovan Navy", "arms", "Ash Crane Brotherhood", evidence)))
    assert search(store, "arm brotherhood").total_claims == 2
    # once merged, the two claims are one: the merge deletes the second
    number = store.judge_merge("velmora", "kestovan-navy", who="test", why="one actor")
    assert len(store.claims()) == 1
    found = search(store, "arm brotherhood")
    assert found.total_claims == 1 and [row["subject_id"] for row in found.claims] == ["velmora"]
    _integrity(store)
    store.undo(number, who="test")  # puts the deleted claim back
    found = search(store, "arm brotherhood")
    assert found.total_claims == 2
    assert sorted(row["subject_id"] for row in found.claims) == ["kestovan-navy", "velmora"]
    _integrity(store)


def _words(body: str) -> set[str]:
    return {word.casefold() for word in re.findall(r"\w+", body)}


@pytest.mark.parametrize("query", ["crane", "ash crane", "velmora", "navy brotherhood", "quarry", "the"])
def test_claim_totals_agree_with_the_stored_claims(filled: Store, query: str) -> None:
    wanted = [row["id"] for row in filled.claims()
              if all(word.casefold() in _words(row["evidence"]) for word in terms(query))]
    found = search(filled, query)
    assert sorted(row["id"] for row in found.claims) == sorted(wanted) and found.total_claims == len(wanted)


# --- a v4 database migrated to v5 ----------------------------------------------------------------
def test_a_v4_database_is_indexed_when_migrated(tmp_path: Path) -> None:
    filled, old = tmp_path / "filled.db", tmp_path / "v4.db"
    with open_store(str(filled)) as store:
        add(store, "crane", CRANE, title="Harbour report",
            claims=(("Velmora", "arms", "Ash Crane Brotherhood", "Velmora arms the Ash Crane Brotherhood"),))
        add(store, "anil", ANIL, title="Quarry trade")
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', '0')")
    engine = make_engine(f"sqlite:///{old}")
    try:
        assert ensure_schema(engine, MIGRATIONS[:4]) == 4
    finally:
        engine.dispose()
    with sqlite3.connect(old) as conn:
        names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        assert "documents_fts" not in names and not any(name.endswith("_fts_insert") for name in names)
        conn.execute("ATTACH DATABASE ? AS src", (str(filled),))
        for name in ("documents", "entities", "aliases", "mentions", "claims"):
            conn.execute(f"INSERT INTO {name} SELECT * FROM src.{name}")
        conn.commit()
        conn.execute("DETACH DATABASE src")
    with open_store(str(old)) as store:
        assert store.schema_version() == CURRENT_VERSION == 5
        found = search(store, "harbour crane")
        assert keys(found) == ["crane"] and found.total_documents == 1
        assert evidence_of(search(store, "arms")) == ["Velmora arms the Ash Crane Brotherhood"]
        assert keys(search(store, "brulee")) == ["anil"]
        assert keys(search(store, "quarry")) == ["anil"]  # by its title
        _integrity(store)
        # and from now on the triggers keep it in step
        add(store, "new", "Pelicans nest on the Velmora pier.")
        assert sorted(keys(search(store, "velmora"))) == ["crane", "new"]
        _integrity(store)


# --- the LIKE fallback ---------------------------------------------------------------------------
SIMPLE = ["crane", "Velmora", "ash crane", '"ash crane"', "escorts ships", "quarry", "sea ships",
          "lantern quarry", "harbour", "said", "the", "brotherhood navy", "nothing here", "gives support"]


@pytest.mark.parametrize("query", SIMPLE)
def test_the_like_fallback_finds_what_fts_finds(filled: Store, query: str) -> None:
    add(filled, "support", "Velmora gives support to the harbour port.", title="Port support")
    fts = search(filled, query)
    with read_transaction(filled.engine) as conn:
        like = _search_like(conn, query, terms(query), 20, 0)
    assert sorted(keys(like)) == sorted(keys(fts))
    assert sorted(row["id"] for row in like.claims) == sorted(row["id"] for row in fts.claims)
    assert (like.total_documents, like.total_claims) == (fts.total_documents, fts.total_claims)
    # short texts: both snippets are the whole text, marked alike
    fts_snippets = {row["doc_key"]: row["snippet"] for row in fts.documents}
    for row in like.documents:
        if hits(fts_snippets[row["doc_key"]]):  # FTS snips the text column; a title-only match has no hit
            assert row["snippet"] == fts_snippets[row["doc_key"]]
    fts_claims = {row["id"]: row["snippet"] for row in fts.claims}
    for row in like.claims:
        assert row["snippet"] == fts_claims[row["id"]]


def test_the_like_fallback_pages_and_counts(filled: Store) -> None:
    with read_transaction(filled.engine) as conn:
        first = _search_like(conn, "crane", ["crane"], 2, 0)
        rest = _search_like(conn, "crane", ["crane"], 2, 2)
    assert first.total_documents == rest.total_documents == 3
    assert len(first.documents) == 2 and len(rest.documents) == 1
    assert sorted(keys(first) + keys(rest)) == ["crane", "navy", "reversed"]
    assert "text" not in first.documents[0]


@pytest.mark.parametrize("query", ["100%", "a_b", "50%_off"])
def test_the_like_fallback_escapes_wildcards(store: Store, query: str) -> None:
    add(store, "pct", "Prices rose 100% in the Velmora port, says report a_b, 50%_off.")
    add(store, "other", "Prices rose 1000 in the Velmora port, says report axb, 50 off.")
    with read_transaction(store.engine) as conn:
        like = _search_like(conn, query, [query], 20, 0)
    assert keys(like) == ["pct"]


def test_snippet_of_marks_whole_words_only() -> None:
    body = "The Kestovan Navy gives support to the port, Port officials said; the airport is shut."
    assert hits(snippet_of(body, ["port"])) == ["port", "Port"]
    assert "".join(piece for piece, _ in snippet_of(body, ["port"])) == body
    assert hits(snippet_of(body, ["navy gives", "said"])) == ["Navy gives", "said"]
    assert snippet_of("nothing to see", ["crane"]) == [("nothing to see", False)]


def test_snippet_of_a_long_text_is_a_window_around_the_first_hit() -> None:
    snippet = snippet_of(LONG, ["funds", "brotherhood"], width=120)
    joined = "".join(piece for piece, _ in snippet)
    assert snippet[0] == ("…", False) and snippet[-1] == ("…", False)
    assert joined.strip("…") in LONG and len(joined.strip("…")) == 120
    assert [hit.lower() for hit in hits(snippet)] == ["funds", "brotherhood"]
    start = snippet_of("funds at the start. " + "x " * 200, ["funds"], width=40)
    assert start[0] == ("funds", True) and start[-1] == ("…", False)
