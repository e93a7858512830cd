"""Pages of the link assessment (links_page), the until and speaker filters, an actor's links by
relation (entity_links) and the links among a set of actors (links_among): each must say what
`assess` says. A real SQLite store; invented actors and outlets."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from link_builders import Said, document, mark_copy

from claimgraph.analyse.links import Link, assess, entity_links, links_among, links_page, until_bound
from claimgraph.store import Store

LANTERN, POST, HERALD = "Daily Lantern", "Harbour Post", "Coast Herald"
ACTORS = ["ostravia", "red-kestrels", "grey-owl-cartel", "pelmark", "mira-tal", "jon-bask"]


@pytest.fixture
def corpus(store: Store) -> dict[str, int]:
    ids = {
        "d1": document(store, "d1", LANTERN, "2024-01-05",
                       Said("ostravia", "arms", "red-kestrels", speaker="mira-tal")),
        "d2": document(store, "d2", POST, "2024-02-01T09:30:00+01:00",
                       Said("ostravia", "arms", "red-kestrels", modality="hedged")),
        "d3": document(store, "d3", LANTERN, "2024-02-29",
                       Said("ostravia", "finances", "grey-owl-cartel", speaker="jon-bask")),
        "d4": document(store, "d4", POST, "2024-03-01", Said("ostravia", "finances", "grey-owl-cartel"),
                       extra="Spun copy."),
        "d5": document(store, "d5", HERALD, "2024-04-01",
                       Said("pelmark", "supports", "grey-owl-cartel", speaker="mira-tal")),
        "d6": document(store, "d6", POST, "2024-04-03",
                       Said("pelmark", "supports", "grey-owl-cartel", polarity="denied", speaker="jon-bask")),
        "d7": document(store, "d7", HERALD, "2024-05-31T23:59:59",
                       Said("pelmark", "finances", "red-kestrels", polarity="denied", speaker="pelmark")),
        "d8": document(store, "d8", HERALD, "2024-06-01",
                       Said("red-kestrels", "cooperates_with", "grey-owl-cartel")),
        "d9": document(store, "d9", LANTERN, "2024-06-02",
                       Said("grey-owl-cartel", "cooperates_with", "red-kestrels", speaker="mira-tal"),
                       Said("ostravia", "supports", "red-kestrels", speaker="mira-tal")),
        "d10": document(store, "d10", HERALD, "2024-07-01",
                        Said("ostravia", "supports", "red-kestrels", modality="hedged")),
        "d11": document(store, "d11", None, None, Said("pelmark", "linked_to", "ostravia")),
        "d12": document(store, "d12", POST, "2024-12-31", Said("ostravia", "opposes", "pelmark"),
                        Said("mira-tal", "cooperates_with", "jon-bask", speaker="jon-bask")),
    }
    mark_copy(store, ids["d4"], ids["d3"])
    return ids


def ends(links: list[Link]) -> list[tuple[str, str | None, str]]:
    return [(link.subject, link.relation, link.object) for link in links]


def claims_in(store: Store, keep: Any) -> int:
    """How many stored claims have a published date that `keep` accepts."""
    return sum(1 for row in store.claims() if keep(row))


# --- links_page ----------------------------------------------------------------------------------
FILTERS: list[dict[str, Any]] = [
    {}, {"entity": "Ostravia"}, {"entity": "red-kestrels"}, {"entity": "nobody"}, {"relation": "supports"},
    {"status": "contested"}, {"status": "single-source"}, {"entity": "pelmark", "status": "denied"},
    {"relation": "likes"},  # no stored relation nor family: assessed live, and nothing has it
    {"since": "2024-03-01"}, {"until": "2024-03"}, {"since": "2024-02-01", "until": "2024-04-01"},
    {"speaker": "Mira Tal"}, {"speaker": "jon-bask", "entity": "grey-owl-cartel"},
    {"speaker": "mira-tal", "until": "2024-04"}, {"speaker": "nobody"},
    {"entity": "ostravia", "since": "2024-02-01", "status": "single-source"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=[str(f) or "none" for f in FILTERS])
def test_a_page_is_a_slice_of_the_assessment(store: Store, corpus: dict[str, int],
                                             filters: dict[str, Any]) -> None:
    whole = assess(store, **filters)
    for limit, offset in ((50, 0), (1, 0), (2, 1), (3, 3), (4, 100), (100, 2)):
        total, page = links_page(store, limit=limit, offset=offset, **filters)
        assert total == len(whole)
        assert page == whole[offset:offset + limit], (limit, offset)


def test_pages_cover_the_whole_assessment_in_order(store: Store, corpus: dict[str, int]) -> None:
    whole = assess(store)
    assert len(whole) == 9
    pages = [links_page(store, limit=3, offset=offset)[1] for offset in range(0, 12, 3)]
    assert [link for page in pages for link in page] == whole
    assert whole == assess(store, cached=False)


def test_a_page_is_current_after_an_ingest(store: Store, corpus: dict[str, int]) -> None:
    total, _ = links_page(store, entity="jon-bask")
    document(store, "d13", HERALD, "2024-08-01", Said("jon-bask", "linked_to", "grey-owl-cartel"))
    later, page = links_page(store, entity="jon-bask")
    assert later == total + 1
    assert ("grey-owl-cartel", "linked_to", "jon-bask") in ends(page)  # symmetric: ends sorted


# --- until ---------------------------------------------------------------------------------------
def test_until_keeps_the_whole_day(store: Store, corpus: dict[str, int]) -> None:
    # d2 was published at 09:30 on 2024-02-01: still "on or before" 2024-02-01
    [arms] = [link for link in assess(store, until="2024-02-01") if link.relation == "arms"]
    assert arms.affirmed == 2 and arms.sources_for == [LANTERN, POST] and arms.status == "corroborated"
    assert arms.last_seen == "2024-02-01T09:30:00+01:00"
    [arms] = [link for link in assess(store, until="2024-01-31") if link.relation == "arms"]
    assert arms.affirmed == 1 and arms.status == "single-source"


def test_until_a_month_keeps_its_last_day(store: Store, corpus: dict[str, int]) -> None:
    february = assess(store, until="2024-02")
    [finances] = [link for link in february if link.relation == "finances"]
    assert finances.affirmed == 1 and finances.last_seen == "2024-02-29"  # d3, not its copy d4 (March)
    may = assess(store, until="2024-05")
    [denied] = [link for link in may if (link.subject, link.relation) == ("pelmark", "finances")]
    assert denied.last_seen == "2024-05-31T23:59:59"
    assert all(link.relation != "cooperates_with" for link in may)  # June
    assert sum(link.claims for link in assess(store, until="2024")) == claims_in(
        store, lambda row: row["published"] is not None)


@pytest.mark.parametrize("until", ["2024", "2024-02", "2024-02-01", "2024-02-29", "2024-05-31", "2024-06",
                                   "2023", "2024-06-01T12:00", "2025"])
def test_until_counts_exactly_the_claims_on_or_before_it(store: Store, corpus: dict[str, int],
                                                         until: str) -> None:
    def on_or_before(row: dict[str, Any]) -> bool:
        published = row["published"]
        return published is not None and (published <= until or published.startswith(until))

    found = assess(store, until=until)
    assert sum(link.claims for link in found) == claims_in(store, on_or_before)
    assert all(link.last_seen is not None and link.last_seen[:len(until)] <= until for link in found)
    assert links_page(store, until=until, limit=100) == (len(found), found)


def test_since_and_until_together(store: Store, corpus: dict[str, int]) -> None:
    found = assess(store, since="2024-03-01", until="2024-04-01")
    assert sorted(ends(found)) == [("ostravia", "finances", "grey-owl-cartel"),
                                   ("pelmark", "supports", "grey-owl-cartel")]
    assert assess(store, since="2024-05", until="2024-04") == []


def test_until_bound() -> None:
    bound = until_bound("2024-02")
    for inside in ("2024-02", "2024-02-01", "2024-02-29", "2024-02-29T23:59:59+14:00", "2024-01-31", "2023"):
        assert inside < bound
    for outside in ("2024-03", "2024-03-01", "2024-10-01", "2025"):
        assert outside >= bound


# --- speaker -------------------------------------------------------------------------------------
@pytest.mark.parametrize("speaker", ["mira-tal", "Mira Tal", "MIRA TAL"])
def test_speaker_keeps_that_speaker_s_claims(store: Store, corpus: dict[str, int], speaker: str) -> None:
    found = assess(store, speaker=speaker)
    assert sorted(ends(found)) == [
        ("grey-owl-cartel", "cooperates_with", "red-kestrels"), ("ostravia", "arms", "red-kestrels"),
        ("ostravia", "supports", "red-kestrels"), ("pelmark", "supports", "grey-owl-cartel")]
    assert all(link.speakers == ["mira-tal"] and link.unattributed == 0 for link in found)
    assert sum(link.claims for link in found) == len(store.claims(speaker="mira-tal")) == 4
    # one speaker's word, however often repeated, is that speaker's link only
    [arms] = [link for link in found if link.relation == "arms"]
    assert arms.affirmed == 1 and arms.hedged == 0


def test_speaker_with_other_filters(store: Store, corpus: dict[str, int]) -> None:
    [denial] = assess(store, speaker="jon-bask", entity="Pelmark")
    assert (denial.relation, denial.status, denial.denied) == ("supports", "denied", 1)
    assert [link.relation for link in assess(store, speaker="mira-tal", until="2024-04-01")] == [
        "arms", "supports"]
    assert assess(store, speaker="nobody") == [] and links_page(store, speaker="nobody") == (0, [])
    assert assess(store, speaker="pelmark", status="single-source") == []


# --- entity_links --------------------------------------------------------------------------------
@pytest.mark.parametrize("entity", ACTORS)
def test_entity_links_count_what_the_assessment_gives(store: Store, corpus: dict[str, int],
                                                      entity: str) -> None:
    whole = assess(store, entity=entity)
    groups = entity_links(store, entity)
    totals = Counter(link.relation for link in whole)
    assert {g["relation"]: g["total"] for g in groups} == dict(totals)
    for group in groups:
        mine = [link for link in whole if link.relation == group["relation"]]
        assert group["by_status"] == dict(Counter(link.status for link in mine))
        assert sum(group["by_status"].values()) == group["total"]
        assert group["links"] == mine[:10]
    # the largest group first, then by name
    assert [g["relation"] for g in groups] == sorted(totals, key=lambda r: (-totals[r], r))


def test_per_relation_bounds_each_group(store: Store, corpus: dict[str, int]) -> None:
    document(store, "d14", HERALD, "2024-09-01", Said("red-kestrels", "supports", "grey-owl-cartel"),
             Said("pelmark", "supports", "red-kestrels", speaker="jon-bask"))
    whole = assess(store, entity="red-kestrels")
    for n in (1, 2):
        for group in entity_links(store, "red-kestrels", per_relation=n):
            mine = [link for link in whole if link.relation == group["relation"]]
            assert group["links"] == mine[:n] and group["total"] == len(mine)
    supports = {g["relation"]: g for g in entity_links(store, "red-kestrels", per_relation=1)}["supports"]
    assert supports["total"] == 3 and len(supports["links"]) == 1
    bare = entity_links(store, "red-kestrels", per_relation=0)
    assert all(group["links"] == [] for group in bare)
    assert [(g["relation"], g["total"], g["by_status"]) for g in bare] == [
        (g["relation"], g["total"], g["by_status"]) for g in entity_links(store, "red-kestrels")]


def test_entity_links_of_nobody_and_by_name(store: Store, corpus: dict[str, int]) -> None:
    assert entity_links(store, "nobody") == []
    assert entity_links(store, "Grey Owl Cartel") == entity_links(store, "grey-owl-cartel")


def test_entity_links_follow_a_merge(store: Store, corpus: dict[str, int]) -> None:
    store.judge_merge("red-kestrels", "grey-owl-cartel", who="t", why="same group")
    groups = entity_links(store, "grey-owl-cartel")
    assert groups == entity_links(store, "red-kestrels")
    assert {g["relation"]: g["total"] for g in groups} == dict(
        Counter(link.relation for link in assess(store, entity="red-kestrels")))


# --- links_among ---------------------------------------------------------------------------------
@pytest.mark.parametrize("ids", [ACTORS, ["ostravia", "red-kestrels"], ["red-kestrels", "grey-owl-cartel",
                                                                     "pelmark"], ["mira-tal"], []])
def test_links_among_are_the_links_with_both_ends_in_the_set(store: Store, corpus: dict[str, int],
                                                             ids: list[str]) -> None:
    wanted = [link for link in assess(store) if link.subject in ids and link.object in ids]
    assert links_among(store, ids) == wanted
    assert links_among(store, ids, limit=1) == wanted[:1]
    for relation in ("supports", "cooperates_with"):
        assert links_among(store, ids, relation=relation) == [x for x in wanted if x.relation == relation]
    assert links_among(store, ids, status="denied") == [x for x in wanted if x.status == "denied"]


def test_links_among_with_a_relation_that_is_no_relation(store: Store, corpus: dict[str, int]) -> None:
    assert links_among(store, ACTORS, relation="likes") == []
    assert links_among(store, [*ACTORS, *ACTORS]) == links_among(store, ACTORS)


def test_status_counts_and_most_connected_agree_with_the_assessment(
    store: Store, corpus: dict[str, int]
) -> None:
    from claimgraph.analyse.links import most_connected, status_counts
    from claimgraph.ontology import STATUSES

    links = assess(store)
    assert status_counts(store) == {s: Counter(x.status for x in links).get(s, 0) for s in STATUSES}
    degree = Counter(end for link in links for end in (link.subject, link.object))
    top = most_connected(store, limit=3)
    assert [row["links"] for row in top] == sorted(degree.values(), reverse=True)[:3]
    assert all(degree[row["id"]] == row["links"] for row in top)


def test_pair_page_lists_the_sources_with_most_evidence_first(store: Store, corpus: dict[str, int]) -> None:
    from claimgraph.analyse.links import pair, pair_page

    links = assess(store)
    busiest = max(links, key=lambda link: len(link.sources_for))
    full = pair(store, busiest.subject, busiest.object)
    page = pair_page(store, busiest.subject, busiest.object, per_source=1, max_sources=1)
    assert len(page.affirming) == 1 and all(len(items) == 1 for items in page.affirming.values())
    [shown] = page.affirming
    assert page.counts["affirming"][shown] == max(len(items) for items in full.affirming.values())
    assert page.counts["affirming"] == {key: len(items) for key, items in full.affirming.items()}
    assert [vars(x) for x in page.links] == [vars(x) for x in full.links]
