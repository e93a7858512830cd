"""Link assessment on a real SQLite store: statuses, copies, symmetric pairs, roll-ups, filters, pairs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from link_builders import Said, document, mark_copy

from claimgraph.analyse.config import load
from claimgraph.analyse.links import Link, assess, evidence_for, pair
from claimgraph.store import Store

LANTERN, POST, HERALD = "Daily Lantern", "Harbour Post", "Coast Herald"


@pytest.fixture
def corpus(store: Store) -> dict[str, int]:
    ids = {
        "d1": document(store, "d1", LANTERN, "2024-01-05",
                       Said("ostravia", "arms", "red-kestrels", speaker="mira-tal")),
        "d2": document(store, "d2", POST, "2024-02-01",
                       Said("ostravia", "arms", "red-kestrels", modality="hedged")),
        "d3": document(store, "d3", LANTERN, "2024-03-01", Said("ostravia", "finances", "grey-owl-cartel")),
        "d4": document(store, "d4", POST, "2024-03-02", Said("ostravia", "finances", "grey-owl-cartel"),
                       extra="Spun copy."),
        "d5": document(store, "d5", HERALD, "2024-04-01", Said("pelmark", "supports", "grey-owl-cartel")),
        "d6": document(store, "d6", POST, "2024-04-03",
                       Said("pelmark", "supports", "grey-owl-cartel", polarity="denied", speaker="jon-bask")),
        "d7": document(store, "d7", HERALD, "2024-05-01",
                       Said("pelmark", "finances", "red-kestrels", polarity="denied", speaker="pelmark")),
        "d8": document(store, "d8", HERALD, "2024-06-01",
                       Said("red-kestrels", "cooperates_with", "grey-owl-cartel")),
        "d9": document(store, "d9", LANTERN, "2024-06-02",
                       Said("grey-owl-cartel", "cooperates_with", "red-kestrels")),
        "d10": document(store, "d10", HERALD, "2024-07-01", Said("ostravia", "supports", "red-kestrels")),
        "d11": document(store, "d11", None, None, Said("pelmark", "linked_to", "ostravia")),
    }
    mark_copy(store, ids["d4"], ids["d3"])
    return ids


def one(links: list[Link], subject: str, relation: str | None, obj: str) -> Link:
    found = [x for x in links if (x.subject, x.relation, x.object) == (subject, relation, obj)]
    assert len(found) == 1, [(x.subject, x.relation, x.object) for x in links]
    return found[0]


def test_two_outlets_affirming_corroborate(store: Store, corpus: dict[str, int]) -> None:
    link = one(assess(store), "ostravia", "arms", "red-kestrels")
    assert link.status == "corroborated"
    assert link.sources_for == [POST, LANTERN] or link.sources_for == sorted([POST, LANTERN])
    assert (link.affirmed, link.denied, link.hedged, link.asserted) == (2, 0, 1, 1)
    assert link.hedged_share == 0.5
    assert link.speakers == ["mira-tal"]
    assert link.unattributed == 1
    assert (link.first_seen, link.last_seen) == ("2024-01-05", "2024-02-01")
    assert link.subject_name == "Ostravia" and link.object_name == "Red Kestrels"


def test_a_spun_copy_is_no_independent_source(store: Store, corpus: dict[str, int]) -> None:
    link = one(assess(store), "ostravia", "finances", "grey-owl-cartel")
    assert link.status == "single-source"
    assert link.sources_for == [LANTERN]  # the Harbour Post copy folds into its origin's outlet
    assert link.affirmed == 2


def test_without_the_copy_row_the_copy_would_count(store: Store) -> None:
    document(store, "d3", LANTERN, "2024-03-01", Said("ostravia", "finances", "grey-owl-cartel"))
    document(store, "d4", POST, "2024-03-02", Said("ostravia", "finances", "grey-owl-cartel"), extra="x")
    assert one(assess(store), "ostravia", "finances", "grey-owl-cartel").status == "corroborated"


def test_contested_and_denied(store: Store, corpus: dict[str, int]) -> None:
    links = assess(store)
    contested = one(links, "pelmark", "supports", "grey-owl-cartel")
    assert contested.status == "contested"
    assert (contested.sources_for, contested.sources_against) == ([HERALD], [POST])
    denied = one(links, "pelmark", "finances", "red-kestrels")
    assert denied.status == "denied"
    assert (denied.affirmed, denied.denied, denied.sources_for) == (0, 1, [])


def test_one_source_affirming_and_denying_is_single_source(store: Store) -> None:
    document(store, "m1", HERALD, "2024-01-01", Said("ostravia", "arms", "red-kestrels", speaker="mira-tal"),
             Said("ostravia", "arms", "red-kestrels", polarity="denied", speaker="ostravia"))
    link = one(assess(store), "ostravia", "arms", "red-kestrels")
    assert link.status == "single-source"
    assert (link.affirmed, link.denied) == (1, 1)
    # counting speakers as sources, the same article holds two sources that disagree
    by_speaker = replace(load(), source="speaker")
    assert one(assess(store, config=by_speaker), "ostravia", "arms", "red-kestrels").status == "contested"


def test_symmetric_relations_compare_unordered(store: Store, corpus: dict[str, int]) -> None:
    links = assess(store, relation="cooperates_with")
    assert len(links) == 1
    link = links[0]
    assert (link.subject, link.object) == ("grey-owl-cartel", "red-kestrels")  # sorted ends
    assert link.symmetric and link.status == "corroborated"
    assert link.sources_for == sorted([HERALD, LANTERN])
    assert [e.document for e in evidence_for(store, link)] == ["d8", "d9"]


def test_roll_up_counts_members_under_their_family(store: Store, corpus: dict[str, int]) -> None:
    rolled = one(assess(store, roll_up=True), "ostravia", "supports", "red-kestrels")
    assert rolled.relations == ["arms", "supports"]
    assert rolled.sources_for == sorted([LANTERN, POST, HERALD])
    assert rolled.affirmed == 3
    assert [e.document for e in evidence_for(store, rolled)] == ["d1", "d2", "d10"]
    plain = one(assess(store), "ostravia", "supports", "red-kestrels")
    assert plain.status == "single-source" and plain.relations == ["supports"]
    # the family filter takes every member; without --roll-up the relation is exact
    assert {x.relation for x in assess(store, relation="supports", roll_up=True)} == {"supports"}
    assert {x.relations[0] for x in assess(store, relation="supports")} == {"supports"}
    cooperation = one(assess(store, roll_up=True), "grey-owl-cartel", "linked_to", "red-kestrels")
    assert cooperation.symmetric


def test_filters(store: Store, corpus: dict[str, int]) -> None:
    for name in ("Pelmark", "pelmark", "PELMARK"):
        touching = assess(store, entity=name)
        assert {(x.subject, x.relation, x.object) for x in touching} == {
            ("pelmark", "supports", "grey-owl-cartel"), ("pelmark", "finances", "red-kestrels"),
            ("ostravia", "linked_to", "pelmark"),
        }
    assert assess(store, entity="Nobody At All") == []
    statuses = {x.status for x in assess(store, status="contested")}
    assert statuses == {"contested"}
    assert [x.relation for x in assess(store, entity="Pelmark", status="denied")] == ["finances"]
    assert {x.relation for x in assess(store, relation="arms")} == {"arms"}


def test_strongest_first(store: Store, corpus: dict[str, int]) -> None:
    ranks = [x.status for x in assess(store)]
    order = ["corroborated", "contested", "single-source", "denied"]
    assert ranks == sorted(ranks, key=order.index)


def test_since_leaves_out_older_and_undated_evidence(store: Store, corpus: dict[str, int]) -> None:
    link = one(assess(store, since="2024-02-01"), "ostravia", "arms", "red-kestrels")
    assert link.status == "single-source" and link.sources_for == [POST]
    assert all(x.relation != "linked_to" for x in assess(store, since="2000-01-01"))  # d11 is undated
    assert len(evidence_for(store, link, since="2024-02-01")) == 1


def test_hedged_claims_can_be_kept_out_of_corroboration(store: Store, corpus: dict[str, int]) -> None:
    strict = replace(load(), hedged_counts=False)
    link = one(assess(store, config=strict), "ostravia", "arms", "red-kestrels")
    assert link.status == "single-source" and link.sources_for == sorted([LANTERN, POST])
    one_source = replace(load(), min_sources=1)
    lone = one(assess(store, config=one_source), "ostravia", "supports", "red-kestrels")
    assert lone.status == "corroborated"


def test_document_as_source_counts_each_origin_article(store: Store, corpus: dict[str, int]) -> None:
    by_doc = replace(load(), source="document")
    link = one(assess(store, config=by_doc), "ostravia", "finances", "grey-owl-cartel")
    assert link.sources_for == ["d3"]


def test_outletless_documents_fall_back_to_their_key(store: Store, corpus: dict[str, int]) -> None:
    assert one(assess(store), "ostravia", "linked_to", "pelmark").sources_for == ["d11"]


def test_by_pair_rolls_every_relation_into_one_unordered_pair(store: Store, corpus: dict[str, int]) -> None:
    pairs = assess(store, by_pair=True, entity="Grey Owl Cartel")
    found = one(pairs, "grey-owl-cartel", None, "red-kestrels")
    assert found.symmetric and found.status == "corroborated" and found.relations == ["cooperates_with"]
    contested = one(pairs, "grey-owl-cartel", None, "pelmark")
    assert contested.status == "contested"


def test_pair_groups_evidence_by_independent_source(store: Store, corpus: dict[str, int]) -> None:
    found = pair(store, "Grey Owl Cartel", "ostravia")
    assert (found.a, found.b) == ("grey-owl-cartel", "ostravia")
    assert (found.a_name, found.b_name) == ("Grey Owl Cartel", "Ostravia")
    assert list(found.affirming) == [LANTERN]
    origin, copy = found.affirming[LANTERN]
    assert (origin.document, origin.copy_of, origin.outlet) == ("d3", None, LANTERN)
    assert (copy.document, copy.copy_of, copy.outlet) == ("d4", "d3", POST)
    assert copy.evidence == "Ostravia funds Grey Owl Cartel."
    assert found.denying == {}
    assert [x.status for x in found.links] == ["single-source"]


def test_pair_either_direction_with_for_and_against(store: Store, corpus: dict[str, int]) -> None:
    found = pair(store, "Grey Owl Cartel", "Pelmark")
    assert list(found.affirming) == [HERALD] and list(found.denying) == [POST]
    against = found.denying[POST][0]
    assert (against.speaker, against.speaker_name, against.polarity) == ("jon-bask", "Jon Bask", "denied")
    assert against.evidence == "Pelmark does not back Grey Owl Cartel, Jon Bask said."
    assert pair(store, "Grey Owl Cartel", "nobody").links == []


def test_merged_entities_follow_the_redirect(store: Store, corpus: dict[str, int]) -> None:
    store.judge_merge("red-kestrels", "grey-owl-cartel", who="t", why="same group")
    assert assess(store, entity="grey-owl-cartel") == assess(store, entity="red-kestrels")
    link = one(assess(store), "ostravia", "finances", "red-kestrels")
    assert link.sources_for == [LANTERN]


def test_assessment_is_current_after_an_ingest(store: Store, corpus: dict[str, int]) -> None:
    assert one(assess(store), "pelmark", "finances", "red-kestrels").status == "denied"
    document(store, "late", LANTERN, "2024-09-01", Said("pelmark", "finances", "red-kestrels"))
    assert one(assess(store), "pelmark", "finances", "red-kestrels").status == "contested"


def test_the_link_cache_always_matches_a_live_assessment(store: Store, corpus: dict[str, int]) -> None:
    def both(entity: str | None = None) -> tuple[list[Link], list[Link]]:
        return assess(store, entity=entity), assess(store, entity=entity, cached=False)

    cached, live = both()
    assert cached == live and cached
    cached, live = both("Red Kestrels")
    assert cached == live and cached
    # a copy found after the cache was filled re-points a source: the next answer sees it
    late = document(store, "d12", HERALD, "2024-08-01", Said("ostravia", "arms", "red-kestrels"))
    assert both() [0] == both()[1]
    mark_copy(store, late, corpus["d1"])
    cached, live = both()
    assert cached == live
    number = store.judge_merge("red-kestrels", "grey-owl-cartel", who="t", why="same group")
    assert both("red-kestrels")[0] == both("red-kestrels")[1]
    store.undo(number, who="t")
    assert both()[0] == both()[1]
    assert assess(store, status="contested") == assess(store, status="contested", cached=False)
