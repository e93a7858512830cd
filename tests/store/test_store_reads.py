"""What the web UI and the API read (store/reads.py and Store.entity/entities): document listings and
one document with its mentions, claims and story; one entity with its knowledge-base facts; entity
pages; the newest claims. Invented actors only, except one knowledge-base actor named in passing."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from store_builders import DRAVIA_TEXT, HERON_TEXT, dravia, heron, plain

from claimgraph.analyse.copies import update_copies
from claimgraph.model import Article, Entity, Extraction, Mention
from claimgraph.resolve.kb import load_kb
from claimgraph.store import Store
from claimgraph.store.engine import write_transaction
from claimgraph.store.schema import document_copies

# An invented report, long enough for copy detection, and a wire service's verbatim copy of it.
STORY = (
    "MARLO BAY, June 2 (Example Courier) - Harbour police in Marlo Bay stopped a cargo barge on Monday "
    "and found forty crates of rifles hidden under sacks of grain, the port authority said.\n\n"
    "The barge, the Gull Star, had sailed from the river town of Asterby three days earlier and was "
    "bound for the northern islands, where two rival fishing cooperatives have clashed since the spring.\n\n"
    "A spokesman for the port authority said eleven crew members were being questioned and that the "
    "crates carried no markings. Officials declined to say who had paid for the cargo or where it was "
    "loaded.\n\n"
    "Residents of the harbour district said patrols had been stepped up after a warehouse fire in April, "
    "and that the quays would stay closed to visitors until the end of the week."
)
WIRE = "Distributed by Lantern Wire Service\n\n" + STORY + "\n\nRead more at Lantern Wire Service."


def article(doc_id: str, text: str, outlet: str | None, published: str | None) -> Article:
    return Article(text=text, source=f"/reads-test/{doc_id}.txt", doc_id=doc_id, title=f"Report {doc_id}",
                   outlet=outlet, published=published)


def add_named(store: Store, doc_id: str, text: str, names: dict[str, tuple[str, str, list[str]]],
              published: str | None = "2031-06-01") -> int:
    """A document with entities and their mentions only: id -> (name, type, surface forms in text)."""
    entities = [Entity(i, name, kind, mentions=forms) for i, (name, kind, forms) in names.items()]
    mentions = []
    for i, (_, _, forms) in names.items():
        for form in forms:
            start = text.index(form)
            mentions.append(Mention(start, start + len(form), form, i, rule="alias"))
    outcome, doc_id_ = store.add_document(article(doc_id, text, "Example Courier", published),
                                          Extraction(doc_id, entities, [], mentions))
    assert outcome == "new"
    return doc_id_


@pytest.fixture
def filled(store: Store) -> dict[str, int]:
    ids = {}
    for name, (art, extraction) in {"heron": heron(), "dravia": dravia(), "item-1": plain(1),
                                    "item-2": plain(2)}.items():
        ids[name] = store.add_document(art, extraction)[1]
    return ids


def keys(rows: list[dict[str, object]]) -> list[object]:
    return [row["doc_key"] for row in rows]


# --- Store.documents -----------------------------------------------------------------------------
def test_documents_newest_first_undated_last(store: Store, filled: dict[str, int]) -> None:
    total, rows = store.documents()
    assert total == 4
    # undated documents come last, the later stored first
    assert keys(rows) == ["dravia-denial", "heron-report", "item-2", "item-1"]
    by_key = {row["doc_key"]: row for row in rows}
    assert by_key["heron-report"]["claim_count"] == 3 and by_key["dravia-denial"]["claim_count"] == 2
    assert by_key["item-1"]["claim_count"] == 1
    heron_row = by_key["heron-report"]
    assert (heron_row["id"], heron_row["title"], heron_row["outlet"], heron_row["published"]) == (
        filled["heron"], "Heron syndicate in Port Calder", "Example Courier", "2031-04-02")
    assert heron_row["copy_of"] is None and heron_row["story_id"] is None
    assert "text" not in heron_row and "source" not in heron_row  # a listing does not load articles


def test_documents_without_claims_count_zero(store: Store) -> None:
    add_named(store, "quiet", "Nothing happened in Marlo Bay.", {"marlo-bay": ("Marlo Bay", "place",
                                                                              ["Marlo Bay"])})
    total, [row] = store.documents()
    assert total == 1 and row["claim_count"] == 0


def test_documents_pages(store: Store, filled: dict[str, int]) -> None:
    for n in range(3, 9):
        art, extraction = plain(n)
        art.published = f"2031-0{n % 3 + 1}-15"  # dates repeat: ties fall back to the newer document
        store.add_document(art, extraction)
    total, everything = store.documents(limit=100)
    assert total == 10 and len(everything) == 10
    pages = [store.documents(limit=3, offset=offset) for offset in (0, 3, 6, 9, 12)]
    assert [t for t, _ in pages] == [10] * 5
    assert [len(rows) for _, rows in pages] == [3, 3, 3, 1, 0]
    assert [key for _, rows in pages for key in keys(rows)] == keys(everything)
    dated = [row["published"] for row in everything if row["published"] is not None]
    assert dated == sorted(dated, reverse=True) and everything[-2]["published"] is None
    same_day = [row["id"] for row in everything if row["published"] == "2031-01-15"]
    assert same_day == sorted(same_day, reverse=True) and len(same_day) == 2


def test_documents_of_one_outlet(store: Store, filled: dict[str, int]) -> None:
    total, rows = store.documents(outlet="Dravian Wire")
    assert total == 1 and keys(rows) == ["dravia-denial"]
    total, rows = store.documents(outlet="Dravian Wire", offset=1)
    assert total == 1 and rows == []
    assert store.documents(outlet="Nobody's Gazette") == (0, [])


# --- Store.document ------------------------------------------------------------------------------
def test_one_document_by_key_with_text_mentions_and_claims(store: Store, filled: dict[str, int]) -> None:
    found = store.document("heron-report")
    assert found is not None
    assert found["id"] == filled["heron"] and found["text"] == HERON_TEXT
    assert found["source"] == "/data/heron-report.txt" and found["claim_count"] == 3
    mentions = found["mentions"]
    assert len(mentions) == 6
    assert [(m["start"], -m["end"]) for m in mentions] == sorted((m["start"], -m["end"]) for m in mentions)
    for item in mentions:
        assert HERON_TEXT[item["start"]:item["end"]] == item["text"]
    by_text = {m["text"]: m for m in mentions}
    assert (by_text["Blue Heron Syndicate"]["entity_id"], by_text["Blue Heron Syndicate"]["entity_name"],
            by_text["Blue Heron Syndicate"]["entity_type"]) == (
        "blue-heron-syndicate", "Blue Heron Syndicate", "criminal_group")
    assert by_text["Varga"]["entity_name"] == "Lena Varga"
    assert found["claims"] == [row for row in store.claims() if row["doc_key"] == "heron-report"]
    assert len(found["claims"]) == 3
    for claim in found["claims"]:
        assert HERON_TEXT[claim["start"]:claim["end"]] == claim["evidence"]
    assert found["story"] == [] and found["copy_of"] is None


def test_nested_mentions_outer_first(store: Store) -> None:
    text = "The Blue Heron Syndicate left Port Calder."
    add_named(store, "nested", text, {
        "blue-heron-syndicate": ("Blue Heron Syndicate", "criminal_group", ["Blue Heron Syndicate"]),
        "blue-heron": ("Blue Heron", "criminal_group", ["Blue Heron"]),
        "port-calder": ("Port Calder", "place", ["Port Calder"]),
    })
    found = store.document("nested")
    assert found is not None
    assert [m["text"] for m in found["mentions"]] == ["Blue Heron Syndicate", "Blue Heron", "Port Calder"]


def test_one_document_by_numeric_id(store: Store, filled: dict[str, int]) -> None:
    by_id = store.document(str(filled["dravia"]))
    assert by_id is not None and by_id == store.document("dravia-denial")
    assert by_id["text"] == DRAVIA_TEXT and len(by_id["claims"]) == 2
    assert store.document("999999") is None
    assert store.document("no-such-report") is None
    assert store.document("") is None


@pytest.mark.parametrize("key", ["100000000000000000000", str(2 ** 63), "²", "٣", "3²", "-1", "+3", " 3",
                                 "3.0"])
def test_keys_that_are_no_id_find_nothing(store: Store, filled: dict[str, int], key: str) -> None:
    assert filled["item-1"] == 3
    assert store.document(key) is None
    assert store.document(str(2 ** 63 - 1)) is None


def test_a_key_that_looks_like_an_id_is_read_as_a_key_first(store: Store, filled: dict[str, int]) -> None:
    art, extraction = plain(40)
    art.doc_id = extraction.doc_id = str(filled["heron"])  # a file called "1.txt"
    _, new_id = store.add_document(art, extraction)
    assert new_id != filled["heron"]
    found = store.document(str(filled["heron"]))
    assert found is not None and found["id"] == new_id
    other = store.document(str(new_id))  # no document has that key: the id
    assert other is not None and other["id"] == new_id


def _copies(store: Store) -> dict[str, int]:
    ids = {
        "origin": store.add_document(article("origin", STORY, "Example Courier", "2031-06-02"), None)[1],
        "wire": store.add_document(article("wire", WIRE, "Lantern Wire", "2031-06-03"), None)[1],
        "other": store.add_document(article("other", "A quiet day at the Marlo Bay market, with fish.",
                                            "Bay Notes", "2031-06-04"), None)[1],
    }
    update_copies(store)
    return ids


def test_a_copy_and_its_origin_share_one_story(store: Store) -> None:
    ids = _copies(store)
    origin, wire = store.document("origin"), store.document("wire")
    assert origin is not None and wire is not None
    assert wire["copy_of"] == "origin" and origin["copy_of"] is None
    assert wire["story_id"] == origin["story_id"] == ids["origin"]
    assert origin["story"] == wire["story"]
    story = origin["story"]
    assert [row["doc_key"] for row in story] == ["origin", "wire"]  # the origin first
    assert [bool(row["origin"]) for row in story] == [True, False]
    assert [row["copy_of"] for row in story] == [None, "origin"]
    assert story[1]["method"] == "syndicated" and 0 < story[1]["similarity"] <= 1
    assert {"id", "title", "outlet", "published"} <= set(story[0])
    # a document alone in its story has none to show
    other = store.document("other")
    assert other is not None and other["story_id"] == ids["other"] and other["story"] == []
    # the listing says which document is a copy of which
    _, rows = store.documents()
    assert {row["doc_key"]: row["copy_of"] for row in rows} == {"origin": None, "wire": "origin",
                                                               "other": None}


def test_a_story_lists_its_origin_first_even_when_a_copy_is_older(store: Store) -> None:
    ids = {name: store.add_document(article(name, f"{STORY} ({name})", "Example Courier", date), None)[1]
           for name, date in (("late-origin", "2031-06-05"), ("early-copy", "2031-06-01"),
                              ("mid-copy", "2031-06-03"))}
    with write_transaction(store.engine) as conn:
        conn.execute(insert(document_copies), [
            {"document_id": ids["late-origin"], "story_id": ids["late-origin"], "copy_of": None,
             "similarity": 1.0, "method": "origin"},
            {"document_id": ids["early-copy"], "story_id": ids["late-origin"], "copy_of": ids["late-origin"],
             "similarity": 0.9, "method": "spun"},
            {"document_id": ids["mid-copy"], "story_id": ids["late-origin"], "copy_of": ids["early-copy"],
             "similarity": 0.8, "method": "spun"},
        ])
    found = store.document("mid-copy")
    assert found is not None and found["copy_of"] == "early-copy"
    assert [row["doc_key"] for row in found["story"]] == ["late-origin", "early-copy", "mid-copy"]
    assert [row["copy_of"] for row in found["story"]] == [None, "late-origin", "early-copy"]


# --- Store.entity --------------------------------------------------------------------------------
def test_one_entity_by_id_name_or_alias(store: Store, filled: dict[str, int]) -> None:
    for key in ("blue-heron-syndicate", "Blue Heron Syndicate", "the Blue Heron Cartel", "BLUE HERON CARTEL"):
        found = store.entity(key)
        assert found is not None, key
        assert (found["id"], found["name"], found["type"]) == (
            "blue-heron-syndicate", "Blue Heron Syndicate", "criminal_group")
    found = store.entity("blue-heron-syndicate")
    assert found is not None
    assert found["claims"] == 4 and found["mentions"] == 3
    assert {a["alias"] for a in found["aliases"]} >= {"Blue Heron Syndicate", "Blue Heron Cartel"}
    assert found["designations"] == [] and found["note"] is None
    assert found["wikidata"] == "Q999999001"  # the store's own value
    assert store.entity("nobody at all") is None
    assert store.entity("") is None


def test_a_merged_id_stands_for_the_entity_it_was_merged_into(store: Store, filled: dict[str, int]) -> None:
    add_named(store, "gang", "The Heron Gang was seen in Port Calder.", {
        "heron-gang": ("Heron Gang", "criminal_group", ["Heron Gang"]),
        "port-calder": ("Port Calder", "place", ["Port Calder"])})
    store.judge_merge("blue-heron-syndicate", "heron-gang", who="analyst", why="same group")
    for key in ("heron-gang", "Heron Gang"):
        found = store.entity(key)
        assert found is not None and found["id"] == "blue-heron-syndicate", key
        assert found["merged_from"] == ["heron-gang"]
        assert found["mentions"] == 4


def test_a_name_two_entities_share_is_ambiguous(store: Store) -> None:
    add_named(store, "twins", "The Herons met the other Herons in Port Calder, said the Kestrels.", {
        "heron-north": ("Heron North", "criminal_group", ["The Herons"]),
        "heron-south": ("Heron South", "criminal_group", ["other Herons"]),
        "port-calder": ("Port Calder", "place", ["Port Calder"]),
    })
    with write_transaction(store.engine) as conn:  # give both the same alias
        from claimgraph.store.schema import aliases

        conn.execute(insert(aliases).values(entity_id="heron-south", alias="The Herons", normalised="herons"))
    assert sorted(store.match_entities("the Herons")) == ["heron-north", "heron-south"]
    assert store.entity("The Herons") is None
    north = store.entity("heron-north")
    assert north is not None and north["id"] == "heron-north"


def test_an_exact_id_wins_over_another_entity_s_alias(store: Store) -> None:
    # "Dravia" is the name of the state and an alias of its government
    add_named(store, "state", "Dravia and the Dravian Government, also called Dravia, met.", {
        "dravia": ("Dravia", "state", ["Dravia"]),
        "dravian-government": ("Dravian Government", "state_body", ["Dravian Government"]),
    })
    with write_transaction(store.engine) as conn:
        from claimgraph.store.schema import aliases

        conn.execute(insert(aliases).values(entity_id="dravian-government", alias="Dravia",
                                            normalised="dravia"))
    assert store.match_entities("dravia") == ["dravia"]  # an exact id names one entity
    assert store.match_entities("Dravia") == ["dravia", "dravian-government"]
    found = store.entity("dravia")  # the page of an entity is addressed by its id
    assert found is not None and found["id"] == "dravia"
    assert store.entity("Dravia") is None  # as a name it stands for both


def test_a_knowledge_base_actor_has_its_designations_and_note(store: Store) -> None:
    add_named(store, "kb", "A report from Port Calder named Tren de Aragua in passing.", {
        "tren-de-aragua": ("Tren de Aragua", "criminal_group", ["Tren de Aragua"]),
        "port-calder": ("Port Calder", "place", ["Port Calder"]),
    })
    actor = load_kb().get("tren-de-aragua")
    assert actor is not None and actor.designations
    found = store.entity("tren-de-aragua")
    assert found is not None and found["id"] == "tren-de-aragua"
    assert found["designations"] == actor.designations
    assert {d["list"] for d in found["designations"]} >= {"FTO"}
    assert found["note"] == actor.note and "Aragua" in found["note"]
    assert found["wikidata"] == actor.wikidata
    assert store.entity("Tren de Aragua") == found
    place = store.entity("port-calder")
    assert place is not None and place["designations"] == [] and place["note"] is None


# --- Store.entities ------------------------------------------------------------------------------
def test_entity_pages_are_slices_of_the_whole_list(store: Store, filled: dict[str, int]) -> None:
    everything = store.entities()
    assert len(everything) == 11
    for limit in (1, 3, 4, 20):
        pages = [store.entities(limit=limit, offset=offset) for offset in range(0, 14, limit)]
        assert [row for page in pages for row in page] == everything
        assert all(len(page) <= limit for page in pages)
    assert store.entities(limit=2, offset=100) == []
    assert store.entities(type="state", limit=1, offset=1) == store.entities(type="state")[1:2]


def test_entity_pages_leave_merged_entities_out(store: Store, filled: dict[str, int]) -> None:
    store.judge_merge("dravia", "osmania", who="analyst", why="test")
    everything = store.entities()
    assert "osmania" not in {row["id"] for row in everything} and len(everything) == 10
    assert [row for offset in range(0, 10, 3) for row in store.entities(limit=3, offset=offset)] == everything


# --- Store.newest_claims -------------------------------------------------------------------------
def test_newest_claims_come_from_the_latest_documents(store: Store, filled: dict[str, int]) -> None:
    newest = store.newest_claims(limit=100)
    assert len(newest) == len(store.claims()) == 7
    assert [row["doc_key"] for row in newest] == ["dravia-denial"] * 2 + ["heron-report"] * 3 + [
        "item-2", "item-1"]
    dravia_ids = [row["id"] for row in newest[:2]]
    assert dravia_ids == sorted(dravia_ids, reverse=True)
    assert store.newest_claims(limit=3) == newest[:3]
    assert store.newest_claims() == newest[:10]
    assert {"subject_name", "object_name", "evidence", "outlet", "published"} <= set(newest[0])
