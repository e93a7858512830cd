"""GraphML and GEXF: read back with networkx they give the selection's nodes, edges and attribute
values with their types; the same store gives the same bytes; filters shrink the graph consistently;
and names that are hostile to XML come through escaped and equal."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from claimgraph.export import graphs
from claimgraph.export.registry import Source
from claimgraph.export.selection import Filters, Selection, link_key
from claimgraph.model import Article, Claim, Entity, Extraction, Mention
from claimgraph.store import Store, open_store

NODE_ATTRIBUTES = {"label": str, "type": str, "country": str, "wikidata": str, "provisional": bool,
                   "aliases": str, "designations": str, "degree": int, "claims": int}
EDGE_ATTRIBUTES = {"label": str, "relation": str, "status": str, "symmetric": bool, "affirmed": int,
                   "denied": int, "asserted": int, "hedged": int, "hedged_share": float, "unattributed": int,
                   "n_sources_for": int, "n_sources_against": int, "sources_for": str, "sources_against": str,
                   "speakers": str, "first_seen": str, "last_seen": str, "claims": int, "weight": float}

HOSTILE = 'Acme <script>alert("x")</script> & \'Co\' ]]> --'


def written(store: Store, fmt: str, filters: Filters | None = None) -> bytes:
    out = io.BytesIO()
    write = {"graphml": graphs.write_graphml, "gexf": graphs.write_gexf}[fmt]
    write(Source(store, filters or Filters()), out)
    return out.getvalue()


def read_back(data: bytes, fmt: str) -> Any:
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    return nx.read_gexf(io.BytesIO(data))


def edges_by_link(found: Any) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(subject, relation, object) -> the edge's attributes, without the file's own edge id."""
    return {(u, data["relation"], v): {k: value for k, value in data.items() if k != "id"}
            for u, v, data in found.edges(data=True)}


def incident(found: Any, node: str) -> int:
    """Links with `node` at an end, a link from a node to itself once (as the selection counts)."""
    return sum(1 for u, v in found.edges() if node in (u, v))


@pytest.fixture(scope="module")
def corpus_files(corpus_db: Path) -> dict[str, bytes]:
    with open_store(str(corpus_db)) as store:
        return {fmt: written(store, fmt) for fmt in ("graphml", "gexf")}


@pytest.fixture
def hostile_store(tmp_path: Path) -> Iterator[Store]:
    text = f"Varnia arms {HOSTILE}, officials said."
    start = text.index(HOSTILE)
    extraction = Extraction(
        "hostile-1",
        [Entity("varnia", "Varnia", "state", mentions=["Varnia"]),
         Entity("acme", HOSTILE + "\x0b", "criminal_group", mentions=[HOSTILE])],  # \x0b: no XML 1.0 char
        [Claim("varnia", "arms", "acme", "affirmed", "asserted", None, text, 0, len(text), cue="arms")],
        [Mention(0, 6, "Varnia", "varnia"), Mention(start, start + len(HOSTILE), HOSTILE, "acme")])
    article = Article(text=text, source="/test/hostile.txt", doc_id="hostile-1", outlet="Wire &\r\n<Co>",
                      published="2031-01-05")
    with open_store(str(tmp_path / "hostile.db")) as store:
        store.add_document(article, extraction)
        yield store


def test_the_graph_is_the_selection(corpus_selection: Selection) -> None:
    found = graphs.graph(corpus_selection)
    links = {link_key(link): link for link in corpus_selection.links}
    assert {(u, k, v) for u, v, k in found.edges(keys=True)} == set(links)
    assert found.number_of_edges() == len(links) > 10
    assert set(found.nodes) == {end for key in links for end in (key[0], key[2])}
    assert list(found.nodes) == sorted(found.nodes)
    grouped = corpus_selection.link_claims()
    for u, v, data in found.edges(data=True):
        link = links[(u, data["relation"], v)]
        assert data["status"] == link.status and data["symmetric"] == link.symmetric
        assert data["claims"] == len(grouped[link_key(link)]) == link.claims
        assert data["n_sources_for"] == len(link.sources_for) and data["label"] == link.relation
    for node, data in found.nodes(data=True):
        entity = corpus_selection.entities[node]
        assert (data["label"], data["type"]) == (entity.name, entity.type)
        assert data["country"] == (entity.country or "") and data["wikidata"] == (entity.wikidata or "")
        assert data["degree"] == entity.degree == incident(found, node)
    assert found.nodes["wagner-group"]["label"] == "Wagner Group (PMC)"
    assert any(data["symmetric"] for _, _, data in found.edges(data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_the_file_reads_back_as_the_graph(fmt: str, corpus_files: dict[str, bytes],
                                          corpus_selection: Selection) -> None:
    expected, found = graphs.graph(corpus_selection), read_back(corpus_files[fmt], fmt)
    assert found.is_directed() and list(found.nodes) == list(expected.nodes)
    for node, data in found.nodes(data=True):
        assert data == expected.nodes[node]
        assert {name: type(value) for name, value in data.items()} == NODE_ATTRIBUTES
        assert data["degree"] == incident(found, node)
    wanted = edges_by_link(expected)
    got = edges_by_link(found)
    if fmt == "gexf":  # networkx keeps a multigraph's key in GEXF as the attribute networkx_key
        assert all(data.pop("networkx_key", relation) == relation for (_, relation, _), data in got.items())
    assert got == wanted
    for data in got.values():
        assert {name: type(value) for name, value in data.items()} == EDGE_ATTRIBUTES
    # networkx reads a GraphML edge id as the multigraph key, and a GEXF one as the attribute id
    ids = [key if fmt == "graphml" else data["id"] for _, _, key, data in found.edges(keys=True, data=True)]
    assert sorted(ids) == sorted(f"e{number}" for number in range(len(ids)))  # unique, for Gephi


def test_graphml_keys_avoid_the_ids_gephi_reads_as_labels(corpus_files: dict[str, bytes]) -> None:
    text = corpus_files["graphml"].decode("utf-8")
    assert 'id="d3"' not in text and 'id="d7"' not in text
    assert '<key id="node_label" for="node" attr.name="label" attr.type="string"' in text
    assert ">True<" not in text and ">true<" in text


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_the_same_store_gives_the_same_bytes(fmt: str, corpus_store: Store, corpus_files: dict[str, bytes],
                                             corpus_selection: Selection) -> None:
    assert written(corpus_store, fmt) == corpus_files[fmt]
    if fmt == "gexf":  # dated from the data, not from today
        stored = max(doc.ingested_at[:10] for doc in corpus_selection.documents)
        assert f'<meta lastmodifieddate="{stored}">'.encode() in corpus_files[fmt]


@pytest.mark.parametrize("filters", [Filters(status="corroborated"), Filters(entity="wagner-group")])
def test_filters_shrink_the_graph_consistently(filters: Filters, corpus_store: Store,
                                               corpus_selection: Selection) -> None:
    whole = edges_by_link(graphs.graph(corpus_selection))
    found = read_back(written(corpus_store, "graphml", filters), "graphml")
    edges = edges_by_link(found)
    assert 0 < len(edges) < len(whole)
    for key, data in edges.items():
        if filters.status:
            assert data["status"] == "corroborated" and data == whole[key]
        else:
            assert "wagner-group" in (key[0], key[2])
    if filters.status:  # the status filter leaves each link's assessment as it is
        assert set(edges) == {key for key, data in whole.items() if data["status"] == "corroborated"}
    for node, data in found.nodes(data=True):
        assert data["degree"] == incident(found, node) > 0


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_hostile_names_come_through_escaped(fmt: str, hostile_store: Store) -> None:
    data = written(hostile_store, fmt)
    assert b"<script>" not in data and b"&lt;script&gt;" in data
    found = read_back(data, fmt)
    assert found.nodes["acme"]["label"] == HOSTILE  # the \x0b XML cannot hold is dropped
    [(_, _, edge)] = found.edges(data=True)
    assert edge["sources_for"] == "Wire &\n<Co>" and edge["first_seen"] == "2031-01-05"  # CRLF read as LF


def test_the_formats() -> None:
    assert [(fmt.name, fmt.extension, fmt.media_type) for fmt in graphs.FORMATS] == [
        ("graphml", ".graphml", "application/graphml+xml"), ("gexf", ".gexf", "application/gexf+xml")]
    assert [fmt.write for fmt in graphs.FORMATS] == [graphs.write_graphml, graphs.write_gexf]
