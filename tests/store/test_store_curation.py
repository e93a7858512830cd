"""Analyst curation on a real database of each backend: each judgement, its effect on stored rows and on later
ingests, its exact undo, merge chains, undo order, and errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from curation_builders import document, dump, ingest, kite, later, pay
from store_builders import claim, mention, plain

from backends import raw
from claimgraph.errors import Code, StoreError
from claimgraph.model import Article, Entity, Extraction
from claimgraph.store import Store, open_store

WHO = "analyst-a"
KITES = "red-kite-brotherhood"
Act = Callable[[Store], int]

ACTIONS: dict[str, Act] = {
    "merge": lambda s: s.judge_merge("red-kite-brotherhood", "kite-gang", who=WHO, why="one gang, two names"),
    "split": lambda s: s.split("marek-tolan", "Tolan Shipping", "tolan-shipping", "Tolan Shipping", "company",
                               who=WHO, why="the firm is not the man"),
    "rename": lambda s: s.rename("red-kite-brotherhood", "Red Kite Brotherhood (RKB)", who=WHO),
    "retype": lambda s: s.retype("kite-gang", "armed_group", who=WHO, why="it fights"),
    "alias_add": lambda s: s.alias_add("red-kite-brotherhood", "the Kite Gang", who=WHO),
    "alias_remove": lambda s: s.alias_remove("marek-tolan", "Tolan Shipping", who=WHO),
}


def claim_ends(db: str, evidence_start: str) -> list[tuple[object, ...]]:
    return raw(db, "SELECT subject_id, relation, object_id, speaker_id FROM claims "
                        "WHERE evidence LIKE ? ORDER BY id", evidence_start + "%")


def mention_entities(db: str, text: str) -> list[object]:
    return [e for (e,) in raw(db, "SELECT entity_id FROM mentions WHERE text = ? ORDER BY id", text)]


@pytest.fixture
def kite_store(db: str) -> Iterator[Store]:
    with open_store(db) as store:
        ingest(store, kite())
        yield store


Dump = dict[str, list[tuple[object, ...]]]


@pytest.fixture
def control(new_db: Callable[..., str]) -> Callable[..., Dump]:
    """The dump of another database that got the same documents and no judgement."""
    def build(*docs: Callable[[], tuple[Article, Extraction]]) -> Dump:
        other = new_db("control")
        with open_store(other) as store:
            ingest(store, *(make() for make in docs))
        return dump(other)
    return build


def counts(store: Store, number: int) -> dict[str, int]:
    return dict(store.judgement(number)["payload"]["counts"])


def code_of(act: Callable[[], object]) -> Code:
    with pytest.raises(StoreError) as caught:
        act()
    return caught.value.code


# --- every action: an exact undo, with and without a later ingest --------------------------------
@pytest.mark.parametrize("action", ACTIONS)
def test_undo_restores_the_exact_previous_state(kite_store: Store, db: str, action: str) -> None:
    before = dump(db)
    number = ACTIONS[action](kite_store)
    assert dump(db) != before
    assert kite_store.undo(number, who="analyst-b", why="second thoughts") == number
    assert dump(db) == before
    judgement = kite_store.judgement(number)
    assert judgement["undone_by"] == "analyst-b" and judgement["undone_at"] is not None
    assert judgement["payload"]["undo_why"] == "second thoughts"


@pytest.mark.parametrize("action", ACTIONS)
def test_undo_after_a_later_ingest_equals_never_judging(
    kite_store: Store, db: str, control: Callable[..., object], action: str
) -> None:
    number = ACTIONS[action](kite_store)
    ingest(kite_store, later())
    kite_store.undo(number, who=WHO)
    assert dump(db) == control(kite, later)


def test_a_judgement_records_who_when_what_and_why(kite_store: Store) -> None:
    number = ACTIONS["merge"](kite_store)
    judgement = kite_store.judgement(number)
    assert {key: judgement[key] for key in ("id", "action", "entity_id", "target_id", "who", "why")} == {
        "id": number, "action": "merge", "entity_id": "kite-gang", "target_id": "red-kite-brotherhood",
        "who": WHO, "why": "one gang, two names"}
    assert judgement["created_at"].endswith("+00:00") and judgement["undone_at"] is None
    assert [j["id"] for j in kite_store.judgements()] == [number]
    assert [j["id"] for j in kite_store.judgements("red-kite-brotherhood")] == [number]
    assert kite_store.judgements("korvian-navy") == []


# --- merge ---------------------------------------------------------------------------------------
def test_merge_moves_mentions_and_claims_and_removes_duplicates_and_self_links(
    kite_store: Store, db: str
) -> None:
    entities_before = kite_store.counts()["entities"]
    number = ACTIONS["merge"](kite_store)
    assert counts(kite_store, number) == {"mentions": 3, "claims": 1, "claims_removed": 2}
    assert set(mention_entities(db, "Kite Gang")) == {"red-kite-brotherhood"}
    assert claim_ends(db, "Both") == [(KITES, "cooperates_with", "korvian-navy", None)]
    assert claim_ends(db, "The Red Kite Brotherhood is linked") == []  # would link the gang to itself
    assert claim_ends(db, "Tolan Shipping") == [("marek-tolan", "finances", KITES, None)]
    # the dropped entity keeps its row and aliases, but is no longer listed or counted
    assert raw(db, "SELECT count(*) FROM entities WHERE id = 'kite-gang'") == [(1,)]
    assert "kite-gang" not in {e["id"] for e in kite_store.entities()}
    assert kite_store.counts()["entities"] == entities_before - 1
    # its id and names now find the entity it was merged into
    assert kite_store.match_entities("kite-gang") == ["red-kite-brotherhood"]
    assert kite_store.match_entities("the Kite Gang") == ["red-kite-brotherhood"]
    assert {c["id"] for c in kite_store.claims(entity="Kite Gang")} == {
        c["id"] for c in kite_store.claims(entity="red-kite-brotherhood")}


def test_merged_entity_is_shown_with_where_it_went(kite_store: Store) -> None:
    number = ACTIONS["merge"](kite_store)
    dropped = kite_store.entity_show("kite-gang")
    assert (dropped["merged_into"], dropped["merged_by"], dropped["mentions"]) == (
        "red-kite-brotherhood", number, 0)
    kept = kite_store.entity_show("red-kite-brotherhood")
    assert kept["merged_from"] == ["kite-gang"]
    assert {"alias": "Kite Gang", "normalised": "kite gang", "via": "kite-gang"} in kept["aliases"]
    assert (kept["mentions"], kept["claims"]) == (6, 3)
    assert [j["id"] for j in kept["judgements"]] == [number]


def test_later_ingest_follows_the_merge_and_unmerge_takes_it_back(
    kite_store: Store, db: str, control: Callable[..., object]
) -> None:
    number = ACTIONS["merge"](kite_store)
    ingest(kite_store, later())
    assert raw(db, "SELECT count(*) FROM mentions WHERE entity_id = 'kite-gang'") == [(0,)]
    assert claim_ends(db, "the Kite Gang pays") == [
        ("red-kite-brotherhood", "finances", "korvian-navy", "marek-tolan")]
    assert claim_ends(db, "Tolan Shipping denied") == [
        ("marek-tolan", "linked_to", "red-kite-brotherhood", None)]
    kite_store.unmerge(number, who=WHO, why="two gangs after all")
    assert dump(db) == control(kite, later)


def again(n: int) -> tuple[Article, Extraction]:
    """Another text naming the two entities of plain(n)."""
    text = f"Group {n} meets Agency {n} again."
    group, agency = f"e-group-{n}", f"e-agency-{n}"
    entities = [Entity(group, f"Group {n}", "criminal_group", mentions=[f"Group {n}"]),
                Entity(agency, f"Agency {n}", "state_body", mentions=[f"Agency {n}"])]
    mentions = [mention(text, f"Group {n}", group), mention(text, f"Agency {n}", agency)]
    claims = [claim(text, f"Group {n} meets Agency {n}", group, "cooperates_with", agency)]
    article = Article(text=text, source=f"again.jsonl:{n}", doc_id=f"again-{n}")
    return article, Extraction(article.doc_id, entities, claims, mentions)


def test_merge_chain_resolves_transitively_and_unwinds_newest_first(
    db: str, control: Callable[..., object]
) -> None:
    with open_store(db) as store:
        ingest(store, plain(1), plain(2), plain(3))
        first = store.judge_merge("e-group-2", "e-group-1", who=WHO, why="same")
        second = store.judge_merge("e-group-3", "e-group-2", who=WHO, why="same again")
        assert store.match_entities("e-group-1") == ["e-group-3"]
        assert store.entity_show("e-group-1")["merged_into"] == "e-group-3"
        assert store.entity_show("e-group-3")["merged_from"] == ["e-group-1", "e-group-2"]
        assert set(mention_entities(db, "Group 1")) == {"e-group-3"}
        ingest(store, again(1))
        assert set(mention_entities(db, "Group 1")) == {"e-group-3"}
        assert claim_ends(db, "Group 1 meets") == [("e-group-3", "cooperates_with", "e-agency-1", None)]
        with pytest.raises(StoreError) as caught:
            store.undo(first, who=WHO)
        assert caught.value.code is Code.BAD_JUDGEMENT and f"undo {second} first" in caught.value.message
        store.undo(second, who=WHO)
        assert set(mention_entities(db, "Group 1")) == {"e-group-2"}
        store.undo(first, who=WHO)
    assert dump(db) == control(lambda: plain(1), lambda: plain(2), lambda: plain(3), lambda: again(1))


def test_a_merged_entity_cannot_be_judged_and_nothing_merges_into_itself(kite_store: Store) -> None:
    ACTIONS["merge"](kite_store)
    for act in (lambda: kite_store.rename("kite-gang", "Kites", who=WHO),
                lambda: kite_store.judge_merge("korvian-navy", "kite-gang", who=WHO, why="x"),
                lambda: kite_store.judge_merge("kite-gang", "korvian-navy", who=WHO, why="x"),
                lambda: kite_store.judge_merge("korvian-navy", "korvian-navy", who=WHO, why="x")):
        assert code_of(act) is Code.BAD_JUDGEMENT
    with pytest.raises(StoreError) as caught:
        kite_store.alias_add("kite-gang", "Kites", who=WHO)
    assert "kite-gang was merged into red-kite-brotherhood" in caught.value.message


def test_a_merge_deleting_a_claim_an_earlier_merge_moved_must_be_undone_first(
    db: str, control: Callable[..., object]
) -> None:
    with open_store(db) as store:
        ingest(store, pay(), kite())
        first = store.judge_merge("red-kite-brotherhood", "kite-gang", who=WHO, why="same gang")
        second = store.judge_merge("osk", "pell", who=WHO, why="one go-between")
        # "Osk and Pell pay ...": two claims, one once Pell is Osk; the first merge had moved both
        assert claim_ends(db, "Osk and Pell") == [("osk", "finances", "red-kite-brotherhood", None)]
        with pytest.raises(StoreError) as caught:
            store.undo(first, who=WHO)
        assert f"undo {second} first" in caught.value.message
        store.undo(second, who=WHO)
        store.undo(first, who=WHO)
    assert dump(db) == control(pay, kite)


def test_merges_on_other_ends_of_the_same_claims_undo_in_any_order(kite_store: Store, db: str) -> None:
    before = dump(db)
    first = ACTIONS["merge"](kite_store)  # the object of "Tolan Shipping finances the Kite Gang"
    second = kite_store.judge_merge("korvian-navy", "marek-tolan", who=WHO, why="test: its subject")
    assert claim_ends(db, "Tolan Shipping") == [("korvian-navy", "finances", KITES, None)]
    kite_store.undo(first, who=WHO)
    assert claim_ends(db, "Tolan Shipping") == [("korvian-navy", "finances", "kite-gang", None)]
    kite_store.undo(second, who=WHO)
    assert dump(db) == before


def test_two_claims_of_a_new_document_that_become_one_are_stored_once(db: str) -> None:
    text = "Pell and Osk bribe the Kite Gang."
    bribe = document("bribe-note", text, [("Pell", "pell"), ("Osk", "osk"), ("Kite Gang", "kite-gang")], [
        ("Pell and Osk bribe the Kite Gang", "pell", "finances", "kite-gang", None, "affirmed"),
        ("Pell and Osk bribe the Kite Gang", "osk", "finances", "kite-gang", None, "affirmed")])
    with open_store(db) as store:
        ingest(store, pay())
        number = store.judge_merge("osk", "pell", who=WHO, why="one go-between")
        ingest(store, bribe)
        assert claim_ends(db, "Pell and Osk") == [("osk", "finances", "kite-gang", None)]
        store.undo(number, who=WHO)
        # the claim that was stored goes back to the entity it was extracted for
        assert claim_ends(db, "Pell and Osk") == [("pell", "finances", "kite-gang", None)]


def test_a_judgement_applies_to_a_store_opened_before_it(kite_store: Store, db: str) -> None:
    with open_store(db) as ingesting:
        assert ingesting.counts()["documents"] == 1
        ACTIONS["merge"](kite_store)
        ingest(ingesting, later())
    assert set(mention_entities(db, "Kite Gang")) == {"red-kite-brotherhood"}


# --- split ---------------------------------------------------------------------------------------
def test_split_moves_the_mentions_that_read_the_alias_and_the_claims_they_carry(
    kite_store: Store, db: str
) -> None:
    number = ACTIONS["split"](kite_store)
    assert counts(kite_store, number) == {"mentions": 1, "claims": 1, "claims_removed": 0}
    assert mention_entities(db, "Tolan Shipping") == ["tolan-shipping"]
    assert mention_entities(db, "Marek Tolan") == ["marek-tolan"]
    assert claim_ends(db, "Tolan Shipping") == [("tolan-shipping", "finances", "kite-gang", None)]
    assert claim_ends(db, "The Korvian Navy protects") == [
        ("korvian-navy", "supports", "red-kite-brotherhood", "marek-tolan")]
    shipping = kite_store.entity_show("tolan-shipping")
    assert (shipping["name"], shipping["type"], shipping["provisional"]) == (
        "Tolan Shipping", "company", True)
    assert shipping["assigned_aliases"] == ["tolan shipping"]
    assert kite_store.match_entities("Tolan Shipping") == ["tolan-shipping"]
    assert "tolan shipping" not in {a["normalised"] for a in kite_store.entity_show("marek-tolan")["aliases"]}


def test_split_then_a_later_ingest_sends_the_alias_to_the_new_entity(
    kite_store: Store, db: str
) -> None:
    ACTIONS["split"](kite_store)
    ingest(kite_store, later())
    assert mention_entities(db, "Tolan Shipping") == ["tolan-shipping", "tolan-shipping"]
    assert claim_ends(db, "Tolan Shipping denied") == [
        ("tolan-shipping", "linked_to", "kite-gang", None)]
    assert claim_ends(db, "the Kite Gang pays") == [
        ("kite-gang", "finances", "korvian-navy", "marek-tolan")]
    assert kite_store.match_entities("Tolan Shipping") == ["tolan-shipping"]


def test_split_type_defaults_to_the_source_type(kite_store: Store) -> None:
    kite_store.split("red-kite-brotherhood", "Red Kite Brotherhood", "red-kite-b", "Red Kite B", who=WHO,
                     why="x")
    assert kite_store.entity_show("red-kite-b")["type"] == "criminal_group"


def test_an_undone_split_leaves_an_entity_it_created_that_an_ingest_brought_too(
    kite_store: Store, db: str
) -> None:
    number = ACTIONS["split"](kite_store)
    ingest(kite_store, document("firm-note", "Tolan Shipping Ltd owns ships.",
                                [("Tolan Shipping Ltd", "tolan-shipping")], []))
    kite_store.undo(number, who=WHO)
    assert mention_entities(db, "Tolan Shipping") == ["marek-tolan"]
    assert mention_entities(db, "Tolan Shipping Ltd") == ["tolan-shipping"]


# --- names, types, aliases -----------------------------------------------------------------------
def test_rename_and_retype_survive_a_later_ingest(kite_store: Store) -> None:
    ACTIONS["rename"](kite_store)
    ACTIONS["retype"](kite_store)
    ingest(kite_store, later())
    assert kite_store.entity_show("red-kite-brotherhood")["name"] == "Red Kite Brotherhood (RKB)"
    assert kite_store.entity_show("kite-gang")["type"] == "armed_group"
    assert kite_store.match_entities("Red Kite Brotherhood (RKB)") == ["red-kite-brotherhood"]


def test_removed_alias_stays_removed_after_a_later_ingest(kite_store: Store) -> None:
    ACTIONS["alias_remove"](kite_store)
    assert kite_store.match_entities("Tolan Shipping") == []
    ingest(kite_store, later())
    shown = kite_store.entity_show("marek-tolan")
    assert shown["blocked_aliases"] == ["tolan shipping"]
    assert "tolan shipping" not in {a["normalised"] for a in shown["aliases"]}
    assert kite_store.match_entities("Tolan Shipping") == []
    assert shown["mentions"] == 4  # mentions stay where they are


def test_alias_add_moves_other_entities_mentions_and_later_ones(kite_store: Store, db: str) -> None:
    number = ACTIONS["alias_add"](kite_store)
    payload = kite_store.judgement(number)["payload"]
    assert (payload["counts"], payload["from"]) == (
        {"mentions": 3, "claims": 1, "claims_removed": 2}, ["kite-gang"])
    assert kite_store.match_entities("Kite Gang") == ["red-kite-brotherhood"]
    ingest(kite_store, later())
    assert set(mention_entities(db, "Kite Gang")) == {"red-kite-brotherhood"}
    assert claim_ends(db, "the Kite Gang pays") == [
        ("red-kite-brotherhood", "finances", "korvian-navy", "marek-tolan")]
    assert kite_store.entity_show("kite-gang")["mentions"] == 0


def test_alias_add_lifts_an_earlier_removal(kite_store: Store) -> None:
    removed = ACTIONS["alias_remove"](kite_store)
    added = kite_store.alias_add("marek-tolan", "Tolan Shipping", who=WHO)
    assert kite_store.entity_show("marek-tolan")["blocked_aliases"] == []
    assert kite_store.match_entities("Tolan Shipping") == ["marek-tolan"]
    with pytest.raises(StoreError) as caught:
        kite_store.undo(removed, who=WHO)
    assert f"undo {added} first" in caught.value.message
    kite_store.undo(added, who=WHO)
    assert kite_store.entity_show("marek-tolan")["blocked_aliases"] == ["tolan shipping"]


# --- undo order and errors -----------------------------------------------------------------------
def test_later_judgements_on_the_same_thing_are_undone_first(kite_store: Store, db: str) -> None:
    before = dump(db)
    renamed = ACTIONS["rename"](kite_store)
    retyped = kite_store.retype("red-kite-brotherhood", "armed_group", who=WHO)
    renamed_again = kite_store.rename("red-kite-brotherhood", "The Kites", who=WHO)
    with pytest.raises(StoreError) as caught:
        kite_store.undo(renamed, who=WHO)
    assert caught.value.code is Code.BAD_JUDGEMENT and f"undo {renamed_again} first" in caught.value.message
    kite_store.undo(retyped, who=WHO)  # another attribute: no need to wait
    kite_store.undo(renamed_again, who=WHO)
    kite_store.undo(renamed, who=WHO)
    assert dump(db) == before


def test_a_split_waits_for_judgements_on_the_entity_it_created(kite_store: Store) -> None:
    split = ACTIONS["split"](kite_store)
    renamed = kite_store.rename("tolan-shipping", "Tolan Shipping Co", who=WHO)
    with pytest.raises(StoreError) as caught:
        kite_store.undo(split, who=WHO)
    assert f"undo {renamed} first" in caught.value.message


def test_two_alias_judgements_on_one_surface_are_undone_newest_first(kite_store: Store) -> None:
    first = kite_store.alias_add("korvian-navy", "the Fleet", who=WHO)
    second = kite_store.alias_add("red-kite-brotherhood", "the Fleet", who=WHO)
    with pytest.raises(StoreError):
        kite_store.undo(first, who=WHO)
    kite_store.undo(second, who=WHO)
    assert kite_store.entity_show("korvian-navy")["assigned_aliases"] == ["fleet"]


def test_undo_errors(kite_store: Store) -> None:
    assert code_of(lambda: kite_store.undo(99, who=WHO)) is Code.UNKNOWN_JUDGEMENT
    assert code_of(lambda: kite_store.judgement(99)) is Code.UNKNOWN_JUDGEMENT
    renamed = ACTIONS["rename"](kite_store)
    with pytest.raises(StoreError) as caught:
        kite_store.unmerge(renamed, who=WHO)
    assert caught.value.code is Code.BAD_JUDGEMENT and "(rename) is not a merge" in caught.value.message
    kite_store.undo(renamed, who=WHO)
    with pytest.raises(StoreError) as caught:
        kite_store.undo(renamed, who=WHO)
    assert "already undone" in caught.value.message


@pytest.mark.parametrize("action", ACTIONS)
def test_unknown_entities_are_e204_and_change_nothing(kite_store: Store, db: str, action: str) -> None:
    before = dump(db)
    acts: dict[str, Act] = {
        "merge": lambda s: s.judge_merge("red-kite-brotherhood", "nobody", who=WHO, why="x"),
        "split": lambda s: s.split("nobody", "Tolan Shipping", "tolan-shipping", "T", who=WHO, why="x"),
        "rename": lambda s: s.rename("nobody", "N", who=WHO),
        "retype": lambda s: s.retype("nobody", "person", who=WHO),
        "alias_add": lambda s: s.alias_add("nobody", "N", who=WHO),
        "alias_remove": lambda s: s.alias_remove("nobody", "N", who=WHO),
    }
    assert code_of(lambda: acts[action](kite_store)) is Code.UNKNOWN_ENTITY
    assert dump(db) == before and kite_store.judgements() == []


@pytest.mark.parametrize(("act", "says"), [
    (lambda s: s.judge_merge("red-kite-brotherhood", "kite-gang", who=WHO, why=" "), "needs a reason"),
    (lambda s: s.split("marek-tolan", "Tolan Shipping", "red-kite-brotherhood", "T", who=WHO, why="x"),
     "is taken"),
    (lambda s: s.split("marek-tolan", "Tolan Shipping", "Tolan Shipping", "T", who=WHO, why="x"),
     "is not an entity id"),
    (lambda s: s.split("marek-tolan", "Tolan Shipping", "tolan", "T", "firm", who=WHO, why="x"),
     "unknown entity type 'firm'"),
    (lambda s: s.split("marek-tolan", "Blue Shipping", "tolan", "T", who=WHO, why="x"),
     "no mention or alias"),
    (lambda s: s.split("marek-tolan", "Tolan Shipping", "tolan", " ", who=WHO, why="x"), "needs a name"),
    (lambda s: s.retype("kite-gang", "gang", who=WHO), "unknown entity type 'gang'"),
    (lambda s: s.retype("kite-gang", "criminal_group", who=WHO), "already of type"),
    (lambda s: s.rename("kite-gang", "Kite  Gang", who=WHO), "already named"),
    (lambda s: s.rename("kite-gang", " ", who=WHO), "needs letters"),
    (lambda s: s.alias_remove("kite-gang", "Tolan Shipping", who=WHO), "is not an alias of kite-gang"),
    (lambda s: s.alias_remove("kite-gang", "the Kite Gang", who=WHO), "is the name of kite-gang"),
    (lambda s: s.alias_add("kite-gang", "...", who=WHO), "is no name"),
])
def test_judgements_that_cannot_apply_are_e205_and_change_nothing(
    kite_store: Store, db: str, act: Act, says: str
) -> None:
    before = dump(db)
    with pytest.raises(StoreError) as caught:
        act(kite_store)
    assert caught.value.code is Code.BAD_JUDGEMENT and says in caught.value.message
    assert dump(db) == before and kite_store.judgements() == []


def test_adding_an_alias_twice_is_refused(kite_store: Store) -> None:
    kite_store.alias_add("korvian-navy", "the Fleet", who=WHO)
    assert code_of(lambda: kite_store.alias_add("korvian-navy", "Fleet", who=WHO)) is Code.BAD_JUDGEMENT


def test_history_of_an_unknown_entity_is_e204(kite_store: Store) -> None:
    assert code_of(lambda: kite_store.judgements("nobody")) is Code.UNKNOWN_ENTITY
    assert code_of(lambda: kite_store.entity_show("nobody")) is Code.UNKNOWN_ENTITY
