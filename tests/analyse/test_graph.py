"""The graph a viewer draws (analyse/graph.py) and an actor's overview (profiles.entity_overview), on a
real SQLite store with invented actors and outlets."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from link_builders import Said, document, mark_copy

from claimgraph.analyse.graph import edge, graph
from claimgraph.analyse.links import Link, assess, links_page
from claimgraph.analyse.profiles import entity_overview
from claimgraph.store import Store

LANTERN, POST, HERALD = "Daily Lantern", "Harbour Post", "Coast Herald"


@pytest.fixture
def corpus(store: Store) -> dict[str, int]:
    ids = {
        # Ostravia's own links
        "a1": document(store, "a1", LANTERN, "2024-01-05", Said("ostravia", "arms", "red-kestrels")),
        "a2": document(store, "a2", POST, "2024-02-01", Said("ostravia", "arms", "red-kestrels",
                                                             modality="hedged")),
        "s1": document(store, "s1", HERALD, "2024-02-10", Said("ostravia", "supports", "red-kestrels",
                                                               modality="hedged")),
        "s2": document(store, "s2", HERALD, "2024-02-11", Said("ostravia", "supports", "red-kestrels",
                                                               modality="hedged", speaker="mira-tal")),
        "s3": document(store, "s3", LANTERN, "2024-03-15", Said("ostravia", "supports", "red-kestrels")),
        "f1": document(store, "f1", LANTERN, "2024-03-20", Said("ostravia", "finances", "grey-owl-cartel")),
        "f2": document(store, "f2", POST, "2024-03-21", Said("ostravia", "finances", "grey-owl-cartel"),
                       extra="A spun copy."),
        "l1": document(store, "l1", None, None, Said("pelmark", "linked_to", "ostravia")),
        "o1": document(store, "o1", HERALD, "2024-04-02", Said("ostravia", "arms", "grey-owl-cartel",
                                                               polarity="denied", speaker="ostravia")),
        # links among Ostravia's neighbours
        "n1": document(store, "n1", HERALD, "2024-05-01", Said("red-kestrels", "cooperates_with",
                                                               "grey-owl-cartel")),
        "n2": document(store, "n2", HERALD, "2024-05-02", Said("pelmark", "supports", "grey-owl-cartel")),
        "n3": document(store, "n3", POST, "2024-05-03", Said("pelmark", "supports", "grey-owl-cartel",
                                                             polarity="denied", speaker="jon-bask")),
        "n4": document(store, "n4", HERALD, "2024-05-04", Said("pelmark", "finances", "red-kestrels",
                                                               polarity="denied")),
        # one end outside the neighbourhood, and a link far from it
        "x1": document(store, "x1", LANTERN, "2024-06-01", Said("grey-owl-cartel", "linked_to", "mira-tal")),
        "x2": document(store, "x2", LANTERN, "2024-06-02", Said("mira-tal", "cooperates_with", "jon-bask")),
    }
    mark_copy(store, ids["f2"], ids["f1"])
    return ids


def key(link: Link) -> str:
    return f"{link.subject}|{link.relation}|{link.object}"


def edge_ids(found: dict[str, Any]) -> list[str]:
    return [item["id"] for item in found["edges"]]


def check_nodes(found: dict[str, Any]) -> None:
    """Every edge end is a node, each once, with its degree; nodes by degree, then id."""
    degree = Counter(end for item in found["edges"] for end in (item["source"], item["target"]))
    nodes = {node["id"]: node for node in found["nodes"]}
    assert len(nodes) == len(found["nodes"])
    assert set(degree) <= set(nodes)
    for node_id, node in nodes.items():
        assert node["degree"] == degree.get(node_id, 0)
        assert node["focus"] == (node_id == found["focus"])
    assert [n["id"] for n in found["nodes"]] == sorted(nodes, key=lambda i: (-nodes[i]["degree"], i))


OWN = ["ostravia|arms|red-kestrels", "ostravia|supports|red-kestrels", "ostravia|finances|grey-owl-cartel",
       "ostravia|linked_to|pelmark", "ostravia|arms|grey-owl-cartel"]
AMONG = ["grey-owl-cartel|cooperates_with|red-kestrels", "pelmark|supports|grey-owl-cartel",
         "pelmark|finances|red-kestrels"]


def test_a_neighbourhood_is_the_focus_s_links_then_the_links_among_its_neighbours(
        store: Store, corpus: dict[str, int]) -> None:
    found = graph(store, entity="Ostravia")
    assert found["focus"] == "ostravia"
    own = [key(link) for link in assess(store, entity="ostravia")]
    assert sorted(own) == sorted(OWN)
    assert edge_ids(found)[:len(own)] == own  # strongest first
    assert sorted(edge_ids(found)[len(own):]) == sorted(AMONG)
    assert [key(link) for link in assess(store) if key(link) in AMONG] == edge_ids(found)[len(own):]
    assert found["total_edges"] == 5 and found["truncated"] is False
    assert {n["id"] for n in found["nodes"]} == {"ostravia", "red-kestrels", "grey-owl-cartel", "pelmark"}
    check_nodes(found)
    by_id = {n["id"]: n for n in found["nodes"]}
    assert (by_id["ostravia"]["degree"], by_id["red-kestrels"]["degree"]) == (5, 4)
    assert (by_id["pelmark"]["name"], by_id["pelmark"]["type"]) == ("Pelmark", "state")
    assert [n["id"] for n in found["nodes"] if n["focus"]] == ["ostravia"]


def test_edges_carry_the_assessment(store: Store, corpus: dict[str, int]) -> None:
    links = {key(link): link for link in assess(store)}
    found = graph(store, entity="red-kestrels")
    assert found["edges"]
    for item in found["edges"]:
        link = links[item["id"]]
        assert item == edge(link)
        assert (item["source"], item["relation"], item["target"]) == (
            link.subject, link.relation, link.object)
        assert item["status"] == link.status
        assert (item["affirmed"], item["denied"]) == (link.affirmed, link.denied)
        assert (item["sources_for"], item["sources_against"]) == (len(link.sources_for),
                                                                  len(link.sources_against))
        assert (item["first_seen"], item["last_seen"]) == (link.first_seen, link.last_seen)
    statuses = {item["id"]: item["status"] for item in graph(store, entity="ostravia")["edges"]}
    assert statuses["ostravia|arms|red-kestrels"] == "corroborated"
    assert statuses["ostravia|finances|grey-owl-cartel"] == "single-source"  # the copy folds in
    assert statuses["pelmark|supports|grey-owl-cartel"] == "contested"
    assert statuses["pelmark|finances|red-kestrels"] == "denied"


def test_an_edge_is_hedged_when_most_of_its_claims_are(store: Store, corpus: dict[str, int]) -> None:
    modality = {item["id"]: item["modality"] for item in graph(store, entity="ostravia")["edges"]}
    assert modality["ostravia|supports|red-kestrels"] == "hedged"  # two of three
    assert modality["ostravia|arms|red-kestrels"] == "asserted"  # one of two is no majority
    assert modality["ostravia|finances|grey-owl-cartel"] == "asserted"


def test_limit_bounds_the_focus_s_edges_and_says_so(store: Store, corpus: dict[str, int]) -> None:
    own = [key(link) for link in assess(store, entity="ostravia")]
    found = graph(store, entity="ostravia", limit=1)
    assert edge_ids(found) == own[:1]  # its only neighbour has no link among others
    assert found["total_edges"] == 5 and found["truncated"] is True
    check_nodes(found)
    two = graph(store, entity="ostravia", limit=2)
    assert edge_ids(two)[:2] == own[:2] and two["truncated"] is True
    ends = {end for item in two["edges"][:2] for end in (item["source"], item["target"])} - {"ostravia"}
    assert all(item["source"] in ends and item["target"] in ends for item in two["edges"][2:])
    assert len(two["edges"]) - 2 <= 2
    exact = graph(store, entity="ostravia", limit=5)
    assert exact["truncated"] is False and edge_ids(exact) == edge_ids(graph(store, entity="ostravia"))


def test_truncated_when_the_links_among_neighbours_are_cut(store: Store) -> None:
    document(store, "t1", LANTERN, "2024-01-01", Said("ostravia", "arms", "red-kestrels"),
             Said("ostravia", "arms", "grey-owl-cartel"))
    document(store, "t2", HERALD, "2024-01-02", Said("red-kestrels", "cooperates_with", "grey-owl-cartel"),
             Said("red-kestrels", "supports", "grey-owl-cartel"),
             Said("grey-owl-cartel", "arms", "red-kestrels"))
    found = graph(store, entity="ostravia", limit=2)
    assert found["total_edges"] == 2 and len(found["edges"]) == 4
    assert found["truncated"] is True  # one of the three links among the neighbours is left out
    assert graph(store, entity="ostravia", limit=3)["truncated"] is False
    assert len(graph(store, entity="ostravia", limit=3)["edges"]) == 5


def test_without_an_entity_the_strongest_links_overall(store: Store, corpus: dict[str, int]) -> None:
    whole = assess(store)
    found = graph(store, limit=4)
    assert found["focus"] is None and edge_ids(found) == [key(link) for link in whole[:4]]
    assert found["total_edges"] == len(whole) and found["truncated"] is True
    assert not any(node["focus"] for node in found["nodes"])
    check_nodes(found)
    everything = graph(store)
    assert edge_ids(everything) == [key(link) for link in whole] and everything["truncated"] is False


def test_filters(store: Store, corpus: dict[str, int]) -> None:
    own = graph(store, entity="ostravia", relation="supports")
    assert edge_ids(own) == ["ostravia|supports|red-kestrels"]
    document(store, "p1", HERALD, "2024-08-01", Said("pelmark", "supports", "red-kestrels"),
             Said("red-kestrels", "supports", "grey-owl-cartel"))
    supports = graph(store, entity="pelmark", relation="supports")
    # the links among the neighbours are of that relation too: not red-kestrels|cooperates_with|...
    assert edge_ids(supports) == ["pelmark|supports|grey-owl-cartel", "pelmark|supports|red-kestrels",
                                  "red-kestrels|supports|grey-owl-cartel"]
    contested = graph(store, status="contested")
    assert edge_ids(contested) == ["pelmark|supports|grey-owl-cartel"]
    assert {item["status"] for item in graph(store, entity="red-kestrels", status="denied")["edges"]} == {
        "denied"}
    # with dates, the neighbourhood is the focus's own links in that range
    for since, until in (("2024-03-01", None), (None, "2024-02-10"), ("2024-02", "2024-03")):
        found = graph(store, entity="ostravia", since=since, until=until)
        total, links = links_page(store, entity="ostravia", since=since, until=until, limit=150)
        assert found["edges"] == [edge(link) for link in links] and found["total_edges"] == total
        check_nodes(found)
    [arms] = graph(store, entity="ostravia", until="2024-01-31")["edges"]
    assert arms["id"] == "ostravia|arms|red-kestrels" and arms["status"] == "single-source"


def test_a_focus_without_links_is_drawn_alone(store: Store, corpus: dict[str, int]) -> None:
    found = graph(store, entity="ostravia", status="contested")
    assert found["edges"] == [] and found["total_edges"] == 0 and found["truncated"] is False
    assert found["nodes"] == [{"id": "ostravia", "name": "Ostravia", "type": "state", "country": None,
                               "degree": 0, "focus": True}]
    assert graph(store, entity="nobody")["nodes"] == []


def test_a_merged_focus_is_drawn_as_the_entity_it_was_merged_into(store: Store,
                                                                   corpus: dict[str, int]) -> None:
    store.judge_merge("red-kestrels", "grey-owl-cartel", who="t", why="same group")
    found = graph(store, entity="grey-owl-cartel")
    assert found["focus"] == "red-kestrels"
    assert all("grey-owl-cartel" not in (item["source"], item["target"]) for item in found["edges"])
    check_nodes(found)


# --- entity_overview -----------------------------------------------------------------------------
def test_overview_timeline_by_month(store: Store, corpus: dict[str, int]) -> None:
    overview = entity_overview(store, "ostravia")
    expected: dict[str, Counter[str]] = {}
    for row in store.claims(entity="ostravia"):
        if row["published"] is not None:
            expected.setdefault(row["published"][:7], Counter())[row["polarity"]] += 1
    assert overview["timeline"] == [
        {"month": month, "affirmed": counts["affirmed"], "denied": counts["denied"]}
        for month, counts in sorted(expected.items())]
    assert overview["timeline"][:2] == [{"month": "2024-01", "affirmed": 1, "denied": 0},
                                        {"month": "2024-02", "affirmed": 3, "denied": 0}]
    assert {"month": "2024-04", "affirmed": 0, "denied": 1} in overview["timeline"]
    assert entity_overview(store, "Ostravia") == overview


def test_overview_sources_fold_copies_under_their_origin(store: Store, corpus: dict[str, int]) -> None:
    sources = {row["outlet"]: row for row in entity_overview(store, "grey-owl-cartel")["sources"]}
    # f2 (Harbour Post) copies f1 (Daily Lantern): both count for the Lantern
    assert sources[LANTERN] == {"outlet": LANTERN, "documents": 3, "claims": 3, "first": "2024-03-20",
                                "last": "2024-06-01"}
    assert sources[POST] == {"outlet": POST, "documents": 1, "claims": 1, "first": "2024-05-03",
                             "last": "2024-05-03"}
    assert sources[HERALD]["documents"] == 3
    assert sum(row["claims"] for row in sources.values()) == len(store.claims(entity="grey-owl-cartel"))
    ostravia = entity_overview(store, "ostravia")["sources"]
    assert [row["claims"] for row in ostravia] == sorted((row["claims"] for row in ostravia), reverse=True)
    assert "l1" in {row["outlet"] for row in ostravia}  # no outlet: the document's key


def test_overview_of_an_actor_without_claims(store: Store, corpus: dict[str, int]) -> None:
    assert entity_overview(store, "nobody") == {"timeline": [], "sources": []}
